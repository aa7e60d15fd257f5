"""What a workbook package holds, read by streaming its parts: sheets, formula cells, defined names,
styles — the facts the recalculation needs and the checks it makes before the formula engine sees
the file.

Sheet parts are scanned as bytes (the formula cells are found by their ``<f>`` element; every other
cell is only counted), so a sheet of millions of value cells costs one pass over its text and no
Python object per cell. Small parts (workbook, relationships, styles) are parsed with defusedxml.
Every part is inflated through :func:`read_part`, which counts the bytes it inflates and stops at
the limit whatever the zip headers claim, and refuses a damaged part by name.
A part that declares a document type (``<!DOCTYPE``, the carrier of entity expansion) is refused.
"""

from __future__ import annotations

import operator
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby, repeat
from pathlib import Path
from typing import IO, Any, cast

from defusedxml import ElementTree

from trups_xl.recalc.addresses import a1, area_bounds, column_number
from trups_xl.recalc.formula_cells import COLUMN_BITS, FormulaCell, FormulaCells
from trups_xl.recalc.number_formats import BUILTIN_FORMATS, is_date_format
from trups_xl.recalc.safety import EXCEL_COLUMNS, EXCEL_ROWS, Limits, RefusedError, check_formula, check_titles
from trups_xl.recalc.xml_text import attributes, unescape

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_ROW_R = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL_R = re.compile(rb'<c\b[^>]*?\sr="([A-Z]+)(\d+)"')
_F_TEXT = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
#: The tag of a cell whose first child is its formula, to the tag's end: its column letters, row digits and
#: style digits when the tag is as Excel and openpyxl write it (position first, then style and type), else
#: the tag's attributes (group 4). The lookahead turns a cell of a value away at its tag, and the atomic
#: group keeps the regex engine from reading a tag the second way once the first has read it to its ">"
#: (the second would end there too): a pass over a sheet takes up to half less time where it holds values
#: beside its formulas, a few percent less where nearly every cell is a formula.
FORMULA_CELL_TAG = (rb'<c\b(?=[^>]*>\s*<f\b)(?>\s+r="([A-Z]{1,3})([1-9]\d*)"(?:\s+s="(\d+)")?(?:\s+t="\w+")?\s*>'
                    rb'|([^>]*)>)')
#: A cell whose first child is its formula: :data:`FORMULA_CELL_TAG`'s groups, the formula's attributes and text.
_FAST_CELL = re.compile(FORMULA_CELL_TAG + rb"\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)")
#: The ``<f>`` attributes of a shared formula's cell after its first: the group's index alone.
_SHARED_FOLLOWER = re.compile(rb'\s+t="shared"\s+si="(\d+)"\s*')
_R_ATTR = re.compile(rb'\sr="\$?([A-Z]{1,3})\$?(\d+)"')
_S_ATTR = re.compile(rb'\ss="(\d+)"')


@dataclass
class Sheet:
    title: str
    part: str
    formulas: FormulaCells = field(default_factory=FormulaCells)
    cells: int = 0
    max_row: int = 0
    max_col: int = 0
    #: the areas of its data tables (What-If Analysis: :mod:`.data_tables`), as ``E3:E5``
    data_tables: list[str] = field(default_factory=list)


@dataclass
class Scan:
    """What :func:`scan` found."""

    sheets: list[Sheet]
    #: defined name -> (sheet title it is local to, or None; its formula text without "=")
    names: dict[str, tuple[str | None, str]]
    #: cellXfs index -> number format code
    number_formats: list[str]
    source: Path | None = None
    #: (sheet title a name is local to, or None; the name in capitals) -> its formula text: a sheet's own
    #: name and the workbook's of the same name are both kept (:attr:`names` keeps one)
    scoped: dict[tuple[str | None, str], str] = field(default_factory=dict)

    def sheet(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)

    def name_text(self, name: str, sheet: str) -> str | None:
        """What ``name`` stands for in a formula on ``sheet`` (the sheet's own name first, as Excel reads)."""
        upper = name.upper()
        return self.scoped.get((sheet, upper), self.scoped.get((None, upper)))

    def is_date_style(self, style: int) -> bool:
        return 0 <= style < len(self.number_formats) and is_date_format(self.number_formats[style])

    def number_format(self, style: int) -> str:
        return self.number_formats[style] if 0 <= style < len(self.number_formats) else "General"


#: Bytes inflated per read of a part: memory holds the part read so far plus one chunk (twice the
#: part for a moment while the chunks are joined), never more than the limit allows.
CHUNK_BYTES = 1 << 20
#: What a damaged part raises while it is inflated (a bad CRC, a broken deflate stream, a part cut
#: short, a compression method zipfile does not read).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)


def part_budget(limits: Limits) -> int:
    """The most bytes one part may inflate to: the package's own limit (--max-uncompressed-mb)."""
    return int(limits.max_uncompressed_mb * 2**20)


#: The budget of a part read without a caller's limits (the default --max-uncompressed-mb).
DEFAULT_PART_BYTES = part_budget(Limits())


def counted_chunks(stream: IO[bytes], name: str, limit_bytes: int, refused_after: str = "") -> Iterator[bytes]:
    """Part ``name``'s inflated bytes from ``stream``, a chunk at a time and counted: refused as soon as
    they pass ``limit_bytes`` (``refused_after`` ends the message: what became of the output)."""
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit_bytes:
            raise RefusedError(f"part {name} inflates to more than {limit_bytes / 2**20:,.0f} MB, over the "
                               f"limit (raise it with --max-uncompressed-mb){refused_after}")
        yield chunk


def read_part(archive: zipfile.ZipFile, name: str, limit_bytes: int) -> bytes:
    """The inflated bytes of part ``name``, inflated a chunk at a time and counted: refused as soon as
    they pass ``limit_bytes``, whatever the zip headers declare, and refused naming the part when it
    is damaged (zipfile also stops at the size the header declares and then checks the CRC, so a
    header that under-states a part is refused as damaged after one chunk past its claim)."""
    chunks: list[bytes] = []
    try:
        with archive.open(name) as part:
            chunks.extend(counted_chunks(part, name, limit_bytes))
    except RefusedError:
        raise
    except DAMAGED as exc:
        raise RefusedError(f"could not be read as a workbook: part {name} is damaged ({damage(exc)})") from None
    return b"".join(chunks)


def damage(exc: BaseException) -> str:
    """What went wrong in a damaged part, in one short line."""
    detail = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _xml(archive: zipfile.ZipFile, name: str, limit_bytes: int) -> Any:
    data = read_part(archive, name, limit_bytes)
    _refuse_doctype(name, data)
    return ElementTree.fromstring(data)


def _refuse_doctype(name: str, data: bytes) -> None:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise RefusedError(f"could not be read as a workbook: part {name} declares a document type "
                           "(XML entities are not read)")


def sheet_parts(archive: zipfile.ZipFile, limit_bytes: int = DEFAULT_PART_BYTES) -> list[tuple[str, str]]:
    """(sheet title, its part) in the workbook's order, through the workbook's relationships;
    chart sheets and dialog sheets are left out (they hold no cells)."""
    targets = {rel.get("Id"): (str(rel.get("Target")), str(rel.get("Type", "")))
               for rel in _xml(archive, "xl/_rels/workbook.xml.rels", limit_bytes)
               if rel.tag == f"{PKG_REL}Relationship"}
    out = []
    for sheet in _xml(archive, "xl/workbook.xml", limit_bytes).iter(f"{MAIN}sheet"):
        target, kind = targets.get(sheet.get(f"{REL}id"), ("", ""))
        if not kind.endswith("/worksheet"):
            continue
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out.append((str(sheet.get("name")), part))
    return out


def _defined_names(archive: zipfile.ZipFile, titles: list[str], limit_bytes: int,
                   scoped: dict[tuple[str | None, str], str]) -> dict[str, tuple[str | None, str]]:
    names: dict[str, tuple[str | None, str]] = {}
    for node in _xml(archive, "xl/workbook.xml", limit_bytes).iter(f"{MAIN}definedName"):
        local = node.get("localSheetId")
        sheet = titles[int(local)] if local is not None and local.isdigit() and int(local) < len(titles) else None
        names.setdefault(str(node.get("name")), (sheet, (node.text or "").strip()))  # the first, as the engine
        scoped.setdefault((sheet, str(node.get("name")).upper()), (node.text or "").strip())
    return names


def _number_formats(archive: zipfile.ZipFile, limit_bytes: int) -> list[str]:
    if "xl/styles.xml" not in archive.namelist():
        return []
    root = _xml(archive, "xl/styles.xml", limit_bytes)
    custom = {int(n.get("numFmtId", "0")): str(n.get("formatCode", "General"))
              for n in root.iter(f"{MAIN}numFmt")}
    xfs = root.find(f"{MAIN}cellXfs")
    formats = []
    for xf in ([] if xfs is None else list(xfs)):
        fmt_id = int(xf.get("numFmtId", "0") or 0)
        formats.append(custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General")))
    return formats


def scan(path: Path, limits: Limits) -> Scan:
    """Read the package's parts and refuse (one line) what the command does not read: a sheet over the
    cell limit or beyond Excel's grid, a formula beyond Excel's limits, broken XML, XML entities."""
    try:
        budget = part_budget(limits)
        with zipfile.ZipFile(path) as archive:
            sheets = [Sheet(title, part) for title, part in sheet_parts(archive, budget)]
            check_titles([sheet.title for sheet in sheets])
            scoped: dict[tuple[str | None, str], str] = {}
            names = _defined_names(archive, [s.title for s in sheets], budget, scoped)
            formats = _number_formats(archive, budget)
            present = set(archive.namelist())
            formulas = 0
            for sheet in sheets:
                if sheet.part in present:
                    _scan_sheet(sheet, read_part(archive, sheet.part, budget), limits)
                    formulas += len(sheet.formulas)
                    if formulas > limits.max_formulas:
                        raise RefusedError(f"{path.name} holds more than {limits.max_formulas:,} formulas (the "
                                           "engine needs about 1 KB for each); raise the limit with --max-formulas")
    except RefusedError:
        raise
    except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        detail = " ".join(str(exc).split())[:160]
        raise RefusedError(f"{path} could not be read as a workbook ({type(exc).__name__}: {detail})") from None
    except Exception as exc:  # defusedxml's refusals and any other parse failure of untrusted input
        detail = " ".join(str(exc).split())[:160]
        raise RefusedError(f"{path} could not be read as a workbook ({type(exc).__name__}: {detail})") from None
    return Scan(sheets, names, formats, path, scoped)


#: An end tag with white space before its ``>`` (``</f >``: well-formed XML that Excel never writes).
_SPACED_END_TAG = re.compile(rb"</[A-Za-z_][\w.:-]*[ \t\r\n]+>")
#: A sheet's cells under a namespace prefix (``<x:sheetData>``), which the scan would read as no cells.
_PREFIXED_SHEET_DATA = re.compile(rb"<[A-Za-z_][\w.-]*:sheetData\b")


def _scan_sheet(sheet: Sheet, data: bytes, limits: Limits) -> None:
    _refuse_doctype(sheet.part, data)
    start = data.find(b"<sheetData")
    if start < 0 and _PREFIXED_SHEET_DATA.search(data):
        raise RefusedError(f"could not be read as a workbook: {sheet.part} writes its cells with a namespace "
                           "prefix (<x:sheetData>, as some libraries do), which this command does not read; "
                           "saved again from Excel it is read")
    if start < 0 or data.startswith(b"<sheetData/>", start):
        return  # no cells
    end = data.rfind(b"</sheetData>")
    if end < 0:
        raise RefusedError(f"could not be read as a workbook: {sheet.part} is cut short (no </sheetData>)")
    if b"<![CDATA[" in data[start:end]:
        raise RefusedError(f"could not be read as a workbook: {sheet.part} holds a CDATA section")
    sheet.cells = data.count(b"<c ", start, end) + data.count(b"<c>", start, end)
    if sheet.cells > limits.max_cells:
        raise RefusedError(f"sheet {sheet.title!r} holds {sheet.cells:,} cells, over the {limits.max_cells:,}-cell "
                           "limit (raise it with --max-cells)")
    max_row = max(map(int, _ROW_R.findall(data, start, end)), default=0)  # no Python step per row
    max_col = 0
    # the last cell of each row is its rightmost (cells are in column order within a row)
    pos = start
    while True:
        close = data.find(b"</row>", pos, end)
        if close < 0:
            break
        last = data.rfind(b"<c ", pos, close)
        found = _CELL_R.match(data, last) if last >= 0 else None
        if found:
            max_col = max(max_col, column_number(found[1].decode()))
            max_row = max(max_row, int(found[2]))
        pos = close + 6
    if max_row > EXCEL_ROWS or max_col > EXCEL_COLUMNS:
        raise RefusedError(f"sheet {sheet.title!r} reaches row {max_row:,} / column {max_col:,}, beyond Excel's "
                           f"grid of {EXCEL_ROWS:,} rows and {EXCEL_COLUMNS:,} columns")
    area = max_row * max_col
    if area > limits.max_cells:
        raise RefusedError(f"sheet {sheet.title!r} spans A1:{a1(max_row, max_col)} ({area:,} cells), over the "
                           f"{limits.max_cells:,}-cell limit (raise it with --max-cells)")
    sheet.max_row, sheet.max_col = max_row, max_col
    read = _plain_formula_cells(sheet, data, start, end)
    if read < 0:  # a formula with attributes, or a cell of another shape
        sheet.formulas.clear()
        sheet.data_tables.clear()
        read = _formula_cells_fast(sheet, data, start, end)
    opened = data.count(b"<f>", start, end) + data.count(b"<f ", start, end) + data.count(b"<f/", start, end)
    if read != opened:  # a formula that is not its cell's first child: read the careful way
        spaced = _SPACED_END_TAG.search(data, start, end)  # or one whose tags Excel never writes so
        if spaced:
            raise RefusedError(f"could not be read as a workbook: {sheet.part} writes an end tag with a space before "
                               f"its '>' ({spaced[0].decode(errors='replace')!r}), which this command does not read")
        sheet.formulas.clear()
        sheet.data_tables.clear()
        _formula_cells(sheet, data, start, end)
    if sheet.data_tables:
        from trups_xl.recalc.data_tables import check_saved

        check_saved(sheet.title, sheet.data_tables, data)


def _add(sheet: Sheet, tag: bytes, fattrs: bytes, raw: bytes | None) -> None:
    """Record one formula cell from its ``<c>`` tag, its ``<f>`` attributes and text."""
    position = _R_ATTR.search(tag)
    if not position:
        raise RefusedError(f"could not be read as a workbook: {sheet.part} has a formula cell without a position")
    if b"$" in position[0]:  # r="$B$3": the engine refuses the workbook, so the calls alone do too
        raise RefusedError(f"could not be read as a workbook: {sheet.part} gives a cell's position with dollar signs "
                           f"({position[0].strip().decode()}), which Excel never writes and this command does not read")
    row, col = int(position[2]), column_number(position[1].decode())
    if row > EXCEL_ROWS or not 0 < row:
        _beyond_the_grid(sheet, row)
    fattr = attributes(fattrs) if fattrs.strip() else {}
    body = unescape(raw.decode("utf-8")) if raw else ""
    kind = fattr.get("t", "normal")
    if kind == "dataTable":  # no formula of its own: its cells keep the values Excel saved (.data_tables)
        area = fattr.get("ref") or a1(row, col)
        try:
            top, left, _bottom, _right = area_bounds(area)
        except ValueError:
            top = left = 0
        if (top, left) != (row, col):  # Excel writes the table's formula in its top-left cell
            raise RefusedError(f"could not be read as a workbook: {sheet.title}!{a1(row, col)} holds a data table "
                               f"whose range {area[:40]!r} does not start there")
        sheet.data_tables.append(area)
        return
    text = f"={body}" if body else None
    if text is not None and (len(text) > 1000 or text.count("(") > 64):
        check_formula(f"{sheet.title}!{a1(row, col)}", text)
    if kind == "normal" and text is None:
        return  # an empty <f/>: no formula
    style_attr = _S_ATTR.search(tag)
    sheet.formulas.add(FormulaCell(row, col, int(style_attr[1]) if style_attr else 0, kind, text, fattr.get("ref"),
                                   fattr.get("si"), dynamic=b" cm=" in tag and kind == "array"))


def _beyond_the_grid(sheet: Sheet, row: int) -> None:
    raise RefusedError(f"sheet {sheet.title!r} has a formula in row {row:,}, beyond Excel's grid of "
                       f"{EXCEL_ROWS:,} rows")


#: Bytes of a sheet's cells matched at once by :func:`_plain_formula_cells` (a piece ends at a row's
#: end): the matches of one piece are a few MB of short-lived tuples, not the whole sheet's.
PIECE_BYTES = 1 << 20
#: :data:`_FAST_CELL` on text (ASCII classes, as on bytes).
_FAST_CELL_TEXT = re.compile(_FAST_CELL.pattern.decode(), re.ASCII)


def _plain_formula_cells(sheet: Sheet, data: bytes, start: int, end: int) -> int:
    """The formula cells of a sheet whose every formula is its cell's first child, in a tag as Excel
    and openpyxl write it, read a piece of the sheet at a time by whole columns of matches: plain
    formulas (an ``<f>`` without attributes, its text short) and a shared formula's later cells
    (``<f t="shared" si="3"/>``) with no Python step per cell, any other formula one at a time as
    :func:`_formula_cells_fast` reads it. Returns how many ``<f>`` elements were read, or -1 when a
    cell's tag is not as written by those or a piece is not UTF-8 (the cells added so far are then
    the caller's to clear)."""
    reader = _Columns(sheet)
    count = 0
    pos = start
    while pos < end:
        stop = data.find(b"</row>", min(pos + PIECE_BYTES, end), end)
        stop = end if stop < 0 else stop + 6
        try:
            piece = data[pos:stop].decode()
        except UnicodeDecodeError:
            return -1
        pos = stop
        found = _FAST_CELL_TEXT.findall(piece)
        if not found:
            continue
        letters, digits, styles, _tags, fattrs, raws = zip(*found, strict=True)
        if "" in letters or max(map(len, styles)) > 9:
            return -1
        count += len(found)
        if not any(fattrs) and "" not in raws and ((longest := max(map(len, raws))) <= 64 or (
                longest <= 1000 and max(map(operator.methodcaller("count", "("), raws)) <= 64)):
            reader.plain(letters, digits, styles, raws, "&" in piece)
            continue
        followers = not any(raws) and all(reader.kind(f, "") == "shared" for f in set(fattrs))  # later cells only
        kinds = ["shared"] * len(found) if followers else [reader.kind(f, r) for f, r in zip(fattrs, raws, strict=True)]
        at = 0
        for kind, same in groupby(kinds):
            upto = at + sum(1 for _ in same)
            if kind == "plain":
                reader.plain(letters[at:upto], digits[at:upto], styles[at:upto], raws[at:upto], "&" in piece)
            elif kind == "shared":
                reader.followers(letters[at:upto], digits[at:upto], styles[at:upto], fattrs[at:upto])
            else:
                for k in range(at, upto):
                    tag = f' r="{letters[k]}{digits[k]}"' + (f' s="{styles[k]}"' if styles[k] else "")
                    _add(sheet, tag.encode(), fattrs[k].encode(), raws[k].encode() or None)
            at = upto
    return count


#: :data:`_SHARED_FOLLOWER` on text.
_SHARED_FOLLOWER_TEXT = re.compile(_SHARED_FOLLOWER.pattern.decode(), re.ASCII)


class _Columns:
    """Formula cells added to a sheet a column of matches at a time."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.columns: dict[str, int] = {}
        self.styles: dict[str, int] = {"": 0}
        #: a shared formula's index by the ``<f>`` attributes of its later cells (one str per group), None
        #: for attributes of another formula
        self.index: dict[str, str | None] = {}
        self.groups: dict[str, str] = {}

    def kind(self, fattrs: str, raw: str) -> str:
        """How :func:`_plain_formula_cells` reads a cell: ``plain`` (by columns), ``shared`` (a shared
        formula's later cell, by columns) or ``one`` (on its own)."""
        if not fattrs:
            return "plain" if raw and len(raw) <= 1000 and raw.count("(") <= 64 else "one"
        if fattrs not in self.index:
            follower = _SHARED_FOLLOWER_TEXT.fullmatch(fattrs)
            self.index[fattrs] = self.groups.setdefault(follower[1], follower[1]) if follower else None
        return "shared" if not raw and self.index[fattrs] is not None else "one"

    def _positions(self, letters: tuple[str, ...], digits: tuple[str, ...],
                   styles: tuple[str, ...]) -> tuple[list[int], list[int], list[int]]:
        for name in set(letters).difference(self.columns):
            self.columns[name] = column_number(name)
        for code in set(styles).difference(self.styles):
            self.styles[code] = int(code)
        rows = list(map(int, digits))
        if max(rows) > EXCEL_ROWS:
            _beyond_the_grid(self.sheet, next(row for row in rows if row > EXCEL_ROWS))
        return rows, list(map(self.columns.__getitem__, letters)), list(map(self.styles.__getitem__, styles))

    def plain(self, letters: tuple[str, ...], digits: tuple[str, ...], styles: tuple[str, ...],
              raws: tuple[str, ...], escaped: bool) -> None:
        rows, cols, style_numbers = self._positions(letters, digits, styles)
        texts = ["=" + unescape(raw) for raw in raws] if escaped else \
            list(map("=".__add__, raws))
        self.sheet.formulas.extend(array("q", map(operator.or_, map(operator.lshift, rows, repeat(COLUMN_BITS)),
                                                  cols)), array("I", style_numbers), texts)

    def followers(self, letters: tuple[str, ...], digits: tuple[str, ...], styles: tuple[str, ...],
                  fattrs: tuple[str, ...]) -> None:
        rows, cols, style_numbers = self._positions(letters, digits, styles)
        indices = cast("list[str]", list(map(self.index.__getitem__, fattrs)))  # each found by kind()
        self.sheet.formulas.extend_followers(rows, cols, style_numbers, indices)


def _formula_cells_fast(sheet: Sheet, data: bytes, start: int, end: int) -> int:
    """Formula cells whose ``<f>`` is the cell's first child, as the schema orders it (Excel and
    openpyxl write it so); returns how many ``<f>`` elements were read."""
    count = 0
    add = sheet.formulas.add_formula
    columns: dict[bytes, int] = {}
    groups: dict[str, str] = {}  # one str per shared formula's index, for all its cells

    def position(letters: bytes, digits: bytes) -> tuple[int, int]:
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_number(letters.decode())
        row = int(digits)
        if row > EXCEL_ROWS:
            _beyond_the_grid(sheet, row)
        return row, col

    for match in _FAST_CELL.finditer(data, start, end):
        letters, digits, style, tag, fattrs, raw = match.groups()
        count += 1
        if tag is None and raw is None and (follower := _SHARED_FOLLOWER.fullmatch(fattrs)):
            # a shared formula's cell after its first (<f t="shared" si="3"/>), as _add reads it
            row, col = position(letters, digits)
            index = follower[1].decode()
            sheet.formulas.add(FormulaCell(row, col, int(style) if style else 0, "shared", None, None,
                                           groups.setdefault(index, index)))
            continue
        if tag is not None or fattrs.strip() or not raw or len(raw) > 1000 or raw.count(b"(") > 64:
            at = match.start() + 2
            _add(sheet, tag if tag is not None else data[at:data.index(b">", at)], fattrs, raw)
            continue
        row, col = position(letters, digits)
        add(row, col, int(style) if style else 0, "=" + unescape(raw.decode()))
    return count


def _formula_cells(sheet: Sheet, data: bytes, start: int, end: int) -> None:
    """Every formula cell, found by its ``<f>`` wherever it stands in the cell."""
    pos = start
    while True:
        f = data.find(b"<f", pos, end)
        if f < 0:
            break
        pos = f + 2
        if data[f + 2:f + 3] not in (b" ", b">", b"/"):
            continue
        cell_start = data.rfind(b"<c ", start, f)
        tag_end = data.find(b">", cell_start)
        if cell_start < 0 or tag_end < 0 or tag_end > f:
            raise RefusedError(f"could not be read as a workbook: {sheet.part} has a formula outside a cell")
        formula = _F_TEXT.match(data, f)
        if not formula:
            raise RefusedError(f"could not be read as a workbook: {sheet.part} has a broken formula")
        _add(sheet, data[cell_start + 2:tag_end], formula[1], formula[2])
        pos = formula.end()
