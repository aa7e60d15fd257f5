"""What the engine's copy of a package changes besides screened cells: formula cells of whole columns
left empty or given other formulas (:func:`replace_cells`, one pass over a sheet part that looks only
at the cells of those columns), and a sheet added (:func:`with_sheet`: the scratch sheet the rewritten
formulas read, there from the start, so the engine never meets a reference to a sheet it lacks).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from trups_xl.recalc.addresses import column_letters
from trups_xl.recalc.package import escape, escape_attribute

#: Column -> its (first row, last row, formulas) spans: the formulas row by row (each with its "="), or
#: None for cells left empty.
Spans = dict[int, list[tuple[int, int, list[str] | None]]]
_LAST_ROW = 1 << 62
_RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def replace_cells(data: bytes, spans: Spans) -> bytes | None:
    """A worksheet part with the formula cells of ``spans`` left empty or given the spans' formulas
    (their position and style kept, their cached values gone); None unless every cell of the spans was
    found as a formula cell of the usual shape (the caller then rewrites the part cell by cell)."""
    ranges: dict[bytes, list[tuple[int, int, list[str] | None]]] = {
        column_letters(col).encode(): sorted(found, key=lambda span: span[0]) for col, found in spans.items()}
    expected = sum(last - first + 1 for found in spans.values() for first, last, _texts in found)
    longest_first: list[bytes] = sorted(ranges, key=len, reverse=True)  # HA before H
    pattern = re.compile(rb'<c r="(' + b"|".join(longest_first) + rb')([1-9]\d*)"(\s+s="\d+")?(?:\s+t="\w+")?\s*>'
                         rb"\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\b[^>]*?(?:/>|>[^<]*</v>)\s*)?</c>")
    done: set[tuple[bytes, int]] = set()  # the cells changed (a cell written twice is counted once)

    def replace(cell: re.Match[bytes]) -> bytes:
        row, within = int(cell[2]), ranges[cell[1]]
        at = span_at(within, row)
        if at is None:
            return cell[0]
        done.add((cell[1], row))
        first, _last, texts = within[at]
        if texts is None:
            return b'<c r="%s%s"%s/>' % (cell[1], cell[2], cell[3] or b"")
        return b'<c r="%s%s"%s><f>%s</f></c>' % (cell[1], cell[2], cell[3] or b"",
                                                   escape(texts[row - first].removeprefix("=")).encode())

    out = pattern.sub(replace, data)
    return out if len(done) == expected else None


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
