"""What the engine's copy of a package changes besides screened cells: formula cells of whole columns given a
stand-in number (:data:`STAND_IN`) or other formulas (:func:`replace_cells`, one pass over a sheet part that
looks only at the cells of those columns), and a sheet added (:func:`with_sheet`: the scratch sheet the
rewritten formulas read, there from the start, so the engine never meets a reference to a sheet it lacks).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np

from trups_xl.core.arrays import distinct
from trups_xl.recalc.addresses import column_letters
from trups_xl.recalc.pieces import row_pieces
from trups_xl.recalc.xml_text import escape, escape_attribute

#: Column -> its (first row, last row, formulas) spans: the formulas row by row (each with its "="), or
#: None for cells given :data:`STAND_IN`.
Spans = dict[int, list[tuple[int, int, list[str] | None]]]
#: What a cell of a whole-formula call holds in the engine's copy until its run is made (the run's values
#: then replace it): a number, not nothing. The engine alone holds the call's formula there, and a formula
#: may not spill onto a cell holding something; an empty cell would let a spill in (``=SEQUENCE(2)`` above
#: the run), and the engine keeps a spill made before the run's values are set.
STAND_IN = 0.0
_STAND_IN_TAIL = b"><v>%a</v></c>" % STAND_IN
_LAST_ROW = 1 << 62
_RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def replace_cells(data: bytes, spans: Spans) -> bytes | None:
    """A worksheet part with the formula cells of ``spans`` given :data:`STAND_IN` or the spans' formulas
    (their position and style kept, their cached values gone); None unless every cell of the spans was
    found as a formula cell of the usual shape (the caller then rewrites the part cell by cell).

    The part is split at the formula cells of the spans' columns and put together again with no Python
    step per cell given the stand-in: which span holds each cell is looked up a column at a time."""
    ranges: dict[bytes, list[tuple[int, int, list[str] | None]]] = {
        column_letters(col).encode(): sorted(found, key=lambda span: span[0]) for col, found in spans.items()}
    expected = sum(last - first + 1 for found in spans.values() for first, last, _texts in found)
    longest_first: list[bytes] = sorted(ranges, key=len, reverse=True)  # HA before H
    pattern = re.compile(rb'(<c r="(' + b"|".join(longest_first) + rb')([1-9]\d*)"(\s+s="\d+"|)(?:\s+t="\w+")?\s*>'
                         rb"\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\b[^>]*?(?:/>|>[^<]*</v>)\s*)?</c>)")
    firsts = [np.array([first for first, _last, _texts in within], dtype=np.int64) for within in ranges.values()]
    lasts = [np.array([last for _first, last, _texts in within], dtype=np.int64) for within in ranges.values()]
    spans_in_order = [span for within in ranges.values() for span in within]
    starts = [0]  # each column's first span's number
    for within in ranges.values():
        starts.append(starts[-1] + len(within))
    code = {letter: k for k, letter in enumerate(ranges)}
    found: list[np.ndarray] = []  # the cells of the spans met, as row * columns + column
    out = [_replaced(pattern.split(piece), code, firsts, lasts, starts, spans_in_order, found)
           for piece in row_pieces((data,), PIECE_BYTES)]  # a piece at a time, cut after a row's end
    met = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return b"".join(out) if distinct(met).size == expected else None  # a cell written twice counts once


#: Bytes of a part replaced at once (a piece ends at a row's end): its split is a few MB of short-lived
#: objects, not the whole part's.
PIECE_BYTES = 1 << 18


def _replaced(parts: list[Any], code: dict[bytes, int], firsts: list[np.ndarray], lasts: list[np.ndarray],
              starts: list[int], spans: list[tuple[int, int, list[str] | None]], found: list[np.ndarray]) -> bytes:
    """A piece (``parts``: its split at the formula cells of the spans' columns) put together again with its
    cells in the spans replaced; the cells of the spans it holds are added to ``found``."""
    wholes, letters, digits, styles = parts[1::5], parts[2::5], parts[3::5], parts[4::5]
    count = len(wholes)
    if not count:
        return bytes(parts[0])
    rows = np.fromiter(map(int, digits), dtype=np.int64, count=count)
    columns = np.fromiter(map(code.__getitem__, letters), dtype=np.int64, count=count)
    span_of = np.full(count, -1, dtype=np.int64)  # each cell's span, numbered across the columns
    for k in distinct(columns).tolist():
        cells = np.flatnonzero(columns == k)
        at = np.searchsorted(firsts[k], rows[cells], side="right") - 1
        held = (at >= 0) & (rows[cells] <= lasts[k][np.maximum(at, 0)])
        span_of[cells[held]] = starts[k] + at[held]
    inside = span_of >= 0
    found.append(rows[inside] * len(code) + columns[inside])
    out: list[Any] = [b""] * (7 * count + 1)
    out[0::7] = parts[0::5]  # the bytes before each cell, and after the last
    out[1::7] = [b'<c r="'] * count
    out[2::7] = letters
    out[3::7] = digits
    out[4::7] = [b'"'] * count
    out[5::7] = styles
    tails = [_STAND_IN_TAIL] * count  # the stand-in's end
    for j in distinct(span_of[inside]).tolist():
        first, _last, texts = spans[j]
        if texts is not None:
            for k in np.flatnonzero(span_of == j).tolist():
                tails[k] = b"><f>%s</f></c>" % escape(texts[int(rows[k]) - first].removeprefix("=")).encode()
    out[6::7] = tails
    for k in np.flatnonzero(~inside).tolist():  # a formula cell of those columns outside the spans: as it was
        out[7 * k + 1:7 * k + 7] = [wholes[k], b"", b"", b"", b"", b""]
    return b"".join(out)


def span_at(spans: Sequence[tuple[int, int, Any]], row: int) -> int | None:
    """The place among ``spans`` (sorted, disjoint (first row, last row, ...) tuples) of the one that
    holds ``row``, or None."""
    at = bisect_right(spans, (row, _LAST_ROW)) - 1
    return at if at >= 0 and spans[at][0] <= row <= spans[at][1] else None


def with_sheet(workbook: bytes, relationships: bytes, types: bytes, title: str, part: str,
               names: set[str]) -> tuple[bytes, bytes, bytes] | None:
    """The workbook, its relationships and the content types with a worksheet ``title`` added last, its
    part ``part`` (a name among none of ``names``); None where the workbook's XML is not as Excel writes
    it (no relationships prefix declared on its root, not one ``</sheets>``), or the part is taken (or
    named by the content types)."""
    root = re.search(rb"<(?:\w+:)?workbook\b[^>]*>", workbook)  # a prefix declared on the root is in scope
    prefix = re.search(rb'\sxmlns:(\w+)="' + re.escape(_RELATIONSHIPS) + b'"', root[0]) if root else None
    if prefix is None or part in names or workbook.count(b"</sheets>") != 1 or b'"/%s"' % part.encode() in types:
        return None
    used = {int(n) for n in re.findall(rb'<sheet\b[^>]*\ssheetId="(\d+)"', workbook)}
    ids = set(re.findall(rb'\sId="([^"]*)"', relationships))
    rid = next(f"rIdTrups{k}".encode() for k in range(len(ids) + 1) if f"rIdTrups{k}".encode() not in ids)
    if relationships.count(b"</Relationships>") != 1 or types.count(b"</Types>") != 1:
        return None
    sheet = b'<sheet name="%s" sheetId="%d" %s:id="%s"/>' % (
        escape_attribute(title).encode(), max(used, default=0) + 1, prefix[1], rid)
    target = part.removeprefix("xl/").encode()
    return (workbook.replace(b"</sheets>", sheet + b"</sheets>"),
            relationships.replace(b"</Relationships>", b'<Relationship Id="%s" Type="%s/worksheet" Target="%s"/>'
                                  b"</Relationships>" % (rid, _RELATIONSHIPS, target)),
            types.replace(b"</Types>", b'<Override PartName="/%s" ContentType="%s"/></Types>'
                          % (part.encode(), WORKSHEET_TYPE)))


#: An empty worksheet part.
EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData/></worksheet>")
