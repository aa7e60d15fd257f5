"""The values copy: the input package with every formula replaced by its value, written by rewriting
the worksheet parts that hold formulas (and the style part when a date needs a date format);
every other part — styles, names, column widths, charts, drawings, printer settings — is copied
byte for byte.

A formula cell keeps its position and style and loses its ``<f>``; a text value is written as an
inline string (text stays text, whatever it starts with); a cell a table spills into is added in
column order; a date a function returned is given a date format when its cell has none. Formulas
no longer exist in the copy, so the calculation chain goes, and so do external link parts (nothing
from another file goes into the copy) and, for an ``.xlsx`` written from an ``.xlsm``, the VBA
project. The write is atomic (:func:`trups_xl.atomic.write_atomically`).
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import tempfile
import time
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import IO, Any

from trups_xl.atomic import write_atomically
from trups_xl.recalc.addresses import a1, column_number, coordinate
from trups_xl.recalc.computed import ComputedCells
from trups_xl.recalc.engine_copy import EMPTY_SHEET, STAND_IN, Spans, replace_cells, with_sheet
from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.package import (
    DEFAULT_PART_BYTES,
    FORMULA_CELL_TAG,
    Scan,
    counted_chunks,
    damage,
    read_part,
)
from trups_xl.recalc.pieces import row_pieces
from trups_xl.recalc.safety import RefusedError
from trups_xl.recalc.value_cells import DATE_FORMAT, CellWriter, Styles, cell_xml, piece_at_once
from trups_xl.recalc.xml_text import attributes

#: zlib's level for the rewritten parts: the fastest. On the 10,000-row ledger the values copy is written
#: in about 0.15 s less than at zlib's default level (6) and is about a third larger (1.9 MB, not 1.5 MB).
DEFLATE_LEVEL = 1
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

_ROW = re.compile(rb"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)

#: (row, col) -> (value as the engine holds it, whether it is a date)
Values = MutableMapping[tuple[int, int], tuple[Any, bool]]


def _row_xml(row: int, attrs: bytes, inner: bytes, updates: Values, styles: Styles) -> bytes:
    """One ``<row>`` with the updated cells replaced and the new ones added in column order."""
    out: list[bytes] = []
    todo = sorted(updates.items())
    k = 0
    col = 0
    for match in _CELL.finditer(inner):
        attr = attributes(match[1])
        col = coordinate(attr["r"])[1] if "r" in attr else col + 1
        while k < len(todo) and todo[k][0][1] < col:
            (r, c), (value, is_date) = todo[k]
            out.append(cell_xml(a1(r, c), 0, value, is_date, styles))
            k += 1
        if k < len(todo) and todo[k][0][1] == col:
            (r, c), (value, is_date) = todo[k]
            try:
                style = int(attr.get("s", "0") or 0)
            except ValueError:
                style = 0
            out.append(cell_xml(a1(r, c), style, value, is_date, styles))
            k += 1
        else:
            out.append(match[0])
    for (r, c), (value, is_date) in todo[k:]:
        out.append(cell_xml(a1(r, c), 0, value, is_date, styles))
    attrs = re.sub(rb'\sspans="[^"]*"', b"", attrs)
    return b"<row" + attrs + b">" + b"".join(out) + b"</row>"


#: A formula cell whose formula is its first child, whole: :data:`.package.FORMULA_CELL_TAG`'s groups.
_FORMULA_CELL = re.compile(FORMULA_CELL_TAG + rb"\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\b[^>]*?(?:/>|>[^<]*</v>)\s*)?</c>")
#: :data:`_FORMULA_CELL` with the whole cell as its first group (for ``split``).
_FORMULA_CELL_SPLIT = re.compile(b"(" + _FORMULA_CELL.pattern + b")")
#: Bytes of a sheet part rewritten at once (a piece ends at a row's end): the pieces of one piece of
#: the part are a few MB of short-lived objects, not the whole part's.
PIECE_BYTES = 1 << 18
#: Bytes of a rewritten part kept in memory; past them it goes to a temporary file.
SPOOL_BYTES = 1 << 20
_ABSENT = object()
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_R = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_S = re.compile(rb'\ss="(\d+)"')


def _tag(attrs: bytes) -> tuple[bytes, bytes, bytes | None] | None:
    """A formula cell's column letters, row digits and style digits, read from any tag."""
    position = _R.search(attrs)
    if not position:
        return None
    style = _S.search(attrs)
    return position[1], b"%d" % int(position[2]), style[1] if style else None


def rewrite_sheet(data: bytes, values: Values, styles: Styles) -> bytes | bytearray:
    """A worksheet part with ``values`` written in place of its formulas (and its spill cells added).

    The formula cells are replaced in one pass that copies the bytes between them as they are (a
    formula is its cell's first child, as the schema orders it); the cells left — a spill's or an
    array's other cells, any cell of an unusual shape — are merged row by row."""
    out = bytearray()  # the part rewritten, copied into as it goes (no list of 100,000s of pieces)
    written = _rewrite(row_pieces((data,), PIECE_BYTES), values, styles, out.extend)
    del data  # the part as read: the caller keeps no other reference
    left = _left(values, written)
    return _merge_rows(bytes(out), left, styles) if left else out  # as it is (no copy of a part of 10s of MB)


def _rewrite_streamed(chunks: Iterable[bytes], values: Values, styles: Styles) -> IO[bytes]:
    """:func:`rewrite_sheet` of a part read a chunk at a time, written into a temporary file (in memory
    while small): neither the part nor its rewritten copy is held whole, except to merge cells left."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # closed by the caller, or here on a failure
    try:
        left = _left(values, _rewrite(row_pieces(chunks, PIECE_BYTES), values, styles, spool.write))
        if left:
            spool.seek(0)
            merged = _merge_rows(spool.read(), left, styles)
            spool.seek(0)
            spool.truncate()
            spool.write(merged)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _left(values: Values, written: array[int]) -> Values:
    """The cells of ``values`` not among the packed positions ``written``."""
    if len(written) == len(values):
        return {}
    done = set(written)
    return {key: value for key, value in values.items() if key[0] << COLUMN_BITS | key[1] not in done}


def _rewrite(pieces: Iterator[bytes], values: Values, styles: Styles, emit: Callable[[bytes], object]) -> array[int]:
    """The pieces of a part given to ``emit`` with ``values`` in place of their formula cells; returns the
    cells written, as packed positions (no tuple kept per cell)."""
    written = array("q")
    columns: dict[bytes, int] = {}
    get = values.get
    kept = values.columns() if isinstance(values, ComputedCells) else None
    dates = values.dates() if isinstance(values, ComputedCells) else set()
    stored = kept.get if isinstance(kept, dict) else None
    keys, kept_values = kept if isinstance(kept, tuple) else (array("q"), [])
    cells = CellWriter(styles)
    at = 0  # where the next cell is looked for first in ``keys`` (the cells come in ascending position)
    first = True
    for piece in pieces:
        if first:  # the dimension left out: Excel works it out again on open
            first = False
            dimension = _DIMENSION.search(piece, 0, max(piece.find(b"<sheetData"), 0) or len(piece))
            if dimension:
                piece = piece[:dimension.start()] + piece[dimension.end():]
        parts = _FORMULA_CELL_SPLIT.split(piece)  # between, (cell, its groups), between, ...
        del piece
        if isinstance(kept, tuple):
            whole_piece = piece_at_once(parts, keys, kept_values, at, dates, columns, cells)
            if whole_piece is not None:
                done, count = whole_piece
                written.extend(keys[at:at + count])
                at += count
                emit(done)
                continue
        out: list[bytes] = []
        keep = out.append
        for between, whole, letters, digits, style_digits, attrs in zip(
                parts[0:-1:6], parts[1::6], parts[2::6], parts[3::6], parts[4::6], parts[5::6], strict=True):
            keep(between)
            if attrs is not None:
                tag = _tag(attrs)
                if tag is None:
                    keep(whole)
                    continue
                letters, digits, style_digits = tag
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = column_number(letters.decode())
            key = int(digits) << COLUMN_BITS | col
            if kept is not None:  # read as kept: no tuple made for the cell
                if at < len(keys) and keys[at] == key:
                    value = kept_values[at]
                    at += 1
                elif stored is not None:
                    value = stored(key, _ABSENT)
                else:
                    found = bisect_left(keys, key)
                    value, at = (kept_values[found], found + 1) if found < len(keys) and keys[found] == key \
                        else (_ABSENT, at)
                if value is _ABSENT:
                    keep(whole)
                    continue
                is_date = key in dates if dates else False
            else:
                update = get((key >> COLUMN_BITS, col))
                if update is None:
                    keep(whole)
                    continue
                value, is_date = update
            keep(cells.xml(letters, digits, style_digits, value, is_date))
            written.append(key)
        keep(parts[-1])
        emit(b"".join(out))
    return written


def _merge_rows(data: bytes, values: Values, styles: Styles) -> bytes:
    """``values`` written into their rows: existing cells replaced, new ones added in column order,
    new rows added in row order."""
    by_row: dict[int, Values] = {}
    for (r, c), v in values.items():
        by_row.setdefault(r, {})[(r, c)] = v
    start = data.find(b"<sheetData")
    if start < 0:
        return data
    if data.startswith(b"<sheetData/>", start):
        data = data[:start] + b"<sheetData></sheetData>" + data[start + len(b"<sheetData/>"):]
    open_end = data.index(b">", start) + 1
    end = data.rindex(b"</sheetData>")
    out: list[bytes] = [data[:open_end]]
    rows = sorted(by_row)
    k = 0
    pos = open_end
    for match in _ROW.finditer(data, open_end, end):
        out.append(data[pos:match.start()])
        pos = match.end()
        attr = attributes(match[1])
        number = int(attr.get("r", "0") or 0)
        while k < len(rows) and rows[k] < number:
            out.append(_row_xml(rows[k], f' r="{rows[k]}"'.encode(), b"", by_row[rows[k]], styles))
            k += 1
        if k < len(rows) and rows[k] == number:
            out.append(_row_xml(number, match[1], match[3] or b"", by_row[number], styles))
            k += 1
        else:
            out.append(match[0])
    out.append(data[pos:end])
    for r in rows[k:]:
        out.append(_row_xml(r, f' r="{r}"'.encode(), b"", by_row[r], styles))
    out.append(data[end:])
    return b"".join(out)


def _dropped(names: Iterable[str], keep_vba: bool) -> set[str]:
    drop = {n for n in names if n == "xl/calcChain.xml" or n.startswith("xl/externalLinks/")}
    if not keep_vba:
        drop |= {n for n in names if n.startswith("xl/vbaProject") or n == "xl/_rels/vbaProject.bin.rels"}
    return drop


def _without_parts(data: bytes, dropped: set[str], attribute: bytes, base: str) -> bytes:
    """A content-types or relationships part without the elements that name a dropped part."""
    def keep(match: re.Match[bytes]) -> bytes:
        attr = attributes(match[0])
        target = attr.get(attribute.decode(), "")
        if "TargetMode" in attr:
            return b"" if attr.get("TargetMode") == "External" else match[0]
        name = target.lstrip("/") if target.startswith("/") else f"{base}{target}"
        return b"" if name in dropped else match[0]

    return re.sub(rb"<(?:Override|Relationship)\b[^>]*/>", keep, data)


def _workbook_xml(data: bytes) -> bytes:
    data = re.sub(rb"<externalReferences\b.*?</externalReferences>", b"", data, flags=re.S)
    return re.sub(rb"<definedName\b[^>]*>[^<]*\[\d+\][^<]*</definedName>", b"", data)


def write_copy(source: Path, target: Path, scan: Scan, values: dict[str, Values], keep_vba: bool,
               limit_bytes: int = DEFAULT_PART_BYTES, compression: int = zipfile.ZIP_DEFLATED,
               spans: dict[str, Spans] | None = None, sheet: tuple[str, str] | None = None,
               own: dict[str, Spans] | None = None,
               formulas: Callable[[str], Callable[[bytes], bytes] | None] | None = None) -> tuple[bool, set[str]]:
    """Write ``target``: ``source`` with ``values`` (sheet title -> cells) in place of its formulas, its parts
    deflated (the rewritten ones at zlib's fastest level, :data:`DEFLATE_LEVEL`) or, with
    ``compression=ZIP_STORED``, stored (a copy read once, at once); the formula cells of ``spans`` (sheet title
    -> spans, on sheets ``values`` does not name) given :data:`~trups_xl.recalc.engine_copy.STAND_IN` or other
    formulas, and an empty ``sheet`` (its title, its part) added last. Returns whether the sheet was added, and
    the titles of the sheets whose spans giving formulas were not written (they are written only with the sheet;
    a part whose cells are not all of the usual shape keeps its formulas, its other spans given the stand-in
    cell by cell). The formulas of ``own`` spans read no added sheet: they are written with or without it, also
    on a sheet ``values`` names (before its values). Every sheet part is then given, a piece at a time (cut
    after a row's end), through what ``formulas`` gives for its sheet's title, where it gives one (the engine's
    copy: :func:`~trups_xl.recalc.structured.in_piece`, :func:`~trups_xl.recalc.direct_names.in_piece`).

    Every part is inflated through :func:`~trups_xl.recalc.package.read_part` or copied a chunk at a
    time, counted against ``limit_bytes`` whatever its zip header claims. Any failure to read or
    rewrite a part (a damaged part, a broken deflate stream, a part over the limit) is a
    :class:`~trups_xl.recalc.safety.RefusedError` naming the part, and nothing is written (the write
    is atomic); a failure to write the file itself stays an ``OSError``."""
    part = ""
    added = [False]
    unwritten: set[str] = set()  # the sheets whose spans giving formulas were not written
    changes: dict[str, Spans] = {}

    def write(tmp: Path) -> None:
        nonlocal part
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(tmp, "w", compression, compresslevel=DEFLATE_LEVEL) as zout, \
                contextlib.ExitStack() as open_spools:
            names = zin.namelist()
            dropped = _dropped(names, keep_vba)

            def read(name: str) -> bytes:
                nonlocal part
                part = name
                return read_part(zin, name, limit_bytes)

            styles = Styles(read("xl/styles.xml") if "xl/styles.xml" in names else None, scan)
            rewritten: dict[str, bytes | bytearray] = {}
            spools: dict[str, IO[bytes]] = {}  # the parts rewritten a piece at a time
            if sheet is not None:
                top = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
                types = _without_parts(read(top[2]), dropped, b"PartName", "") if top[2] in names else b""
                made = with_sheet(_workbook_xml(read(top[0])), _without_parts(read(top[1]), dropped, b"Target", "xl/"),
                                  types if keep_vba else types.replace(MACRO_MAIN, PLAIN_MAIN), sheet[0], sheet[1],
                                  set(names)) if all(n in names for n in top) else None
                if made is not None:
                    rewritten.update(zip(top, made, strict=True))
                    added[0] = True
            for title, found in (spans or {}).items():
                kept = {col: [s for s in within if s[2] is None or added[0]] for col, within in found.items()}
                changes[title] = {col: within for col, within in kept.items() if within}
                if not added[0] and any(s[2] is not None for within in found.values() for s in within):
                    unwritten.add(title)  # formulas reading a sheet that is not there: not written
            for title, found in (own or {}).items():
                for col, within in found.items():
                    changes.setdefault(title, {}).setdefault(col, []).extend(within)
            for each in scan.sheets:
                if each.part not in names:
                    continue
                if values.get(each.title) and not changes.get(each.title):  # read and written a piece at a time
                    part = each.part
                    with zin.open(each.part) as stream:
                        spools[each.part] = open_spools.enter_context(_rewrite_streamed(
                            counted_chunks(stream, each.part, limit_bytes), values[each.title], styles))
                elif values.get(each.title):  # the own formulas first (left as they are where not all are found)
                    data = read(each.part)
                    data = replace_cells(data, changes[each.title]) or data
                    rewritten[each.part] = rewrite_sheet(data, values[each.title], styles)
                elif changes.get(each.title):
                    data = read(each.part)
                    replaced: bytes | bytearray | None = replace_cells(data, changes[each.title])
                    if replaced is None:  # the cells one by one: the stand-ins (the others keep their formulas)
                        if any(s[2] is not None for within in changes[each.title].values() for s in within):
                            unwritten.add(each.title)
                        replaced = rewrite_sheet(data, {(row, col): (STAND_IN, False)
                                                        for col, within in changes[each.title].items()
                                                        for first, last, texts in within if texts is None
                                                        for row in range(first, last + 1)}, styles)
                    rewritten[each.part] = replaced
            part = "xl/styles.xml"
            styles_xml = styles.rewritten()  # after the sheets: they add the date formats they need
            through = {each.part: formulas(each.title) for each in scan.sheets} if formulas is not None else {}
            for info in zin.infolist():
                name = part = info.filename
                if name in dropped:
                    continue
                given = through.get(name)
                if given is not None:  # a piece at a time, each given through
                    with contextlib.ExitStack() as opened:
                        held = rewritten.get(name)
                        if held is None and name in spools:
                            spools[name].seek(0)
                        chunks: Iterable[bytes] = (bytes(held),) if held is not None else iter(
                            functools.partial(spools[name].read, SPOOL_BYTES), b"") if name in spools else counted_chunks(
                            opened.enter_context(zin.open(info)), name, limit_bytes, "; nothing was written")
                        _write_pieces(zout, _entry(name, _now(), compression),
                                      map(given, row_pieces(chunks, PIECE_BYTES)))
                elif name in rewritten:
                    zout.writestr(name, rewritten[name])
                elif name in spools:  # kept for a later entry of the same name (the reader takes the last)
                    _write_spooled(zout, name, spools[name])
                elif name == "xl/styles.xml" and styles_xml is not None:
                    zout.writestr(name, styles_xml)
                elif name == "[Content_Types].xml":
                    data = _without_parts(read(name), dropped, b"PartName", "")
                    zout.writestr(name, data if keep_vba else data.replace(MACRO_MAIN, PLAIN_MAIN))
                elif name == "xl/_rels/workbook.xml.rels":
                    zout.writestr(name, _without_parts(read(name), dropped, b"Target", "xl/"))
                elif name == "xl/workbook.xml":
                    zout.writestr(name, _workbook_xml(read(name)))
                else:
                    _copy_part(zin, info, zout, limit_bytes, compression)
            if sheet is not None and added[0]:
                zout.writestr(sheet[1], EMPTY_SHEET)

    try:
        write_atomically(target, write)
        return added[0], unwritten
    except (RefusedError, OSError):
        raise
    except Exception as exc:  # a part of an untrusted file that could not be read or rewritten
        raise RefusedError(f"could not write {target.name}: part {part or '(the package)'} of {source.name} could "
                           f"not be read or rewritten ({damage(exc)}); nothing was written") from None


def _write_spooled(zout: zipfile.ZipFile, name: str, spool: IO[bytes]) -> None:
    """A part rewritten into ``spool`` written as ``writestr`` writes one, a chunk at a time (the spool is
    read from its start, and left open: the caller closes it)."""
    entry = _entry(name, _now(), zout.compression)
    entry._compresslevel = zout.compresslevel  # type: ignore[attr-defined]  # as writestr sets it (public from 3.13)
    entry.external_attr = 0o600 << 16
    spool.seek(0, 2)
    entry.file_size = spool.tell()  # for the zip64 choice, as writestr knows it
    spool.seek(0)
    with zout.open(entry, "w") as dst:
        shutil.copyfileobj(spool, dst, SPOOL_BYTES)


def _now() -> tuple[int, int, int, int, int, int]:
    year, month, day, hour, minute, second = time.localtime(time.time())[:6]
    return year, month, day, hour, minute, second


def _entry(name: str, date_time: tuple[int, int, int, int, int, int], compression: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time)
    entry.compress_type = compression
    return entry


def _write_pieces(zout: zipfile.ZipFile, entry: zipfile.ZipInfo, pieces: Iterable[bytes]) -> None:
    """One part written from its ``pieces``, one at a time."""
    with zout.open(entry, "w") as dst:
        for piece in pieces:
            dst.write(piece)


def _copy_part(zin: zipfile.ZipFile, info: zipfile.ZipInfo, zout: zipfile.ZipFile, limit_bytes: int,
               compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Copy one part a chunk at a time (re-deflated, or stored), refused past ``limit_bytes`` inflated."""
    with zin.open(info) as src:
        _write_pieces(zout, _entry(info.filename, info.date_time, compression),
                      counted_chunks(src, info.filename, limit_bytes, "; nothing was written"))


__all__ = ["DATE_FORMAT", "cell_xml", "rewrite_sheet", "write_copy"]
