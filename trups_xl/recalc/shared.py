"""Shared formulas, as Excel stores a filled-down column: the group's first cell holds the formula
and its area (``<f t="shared" ref="B2:B9" si="0">A2-1</f>``), every other cell only the group's index
(``<f t="shared" si="0"/>``) and means the first cell's formula with its relative references moved
by the cell's offset.

The cells below the first one in its column are its copies down (:class:`.calls.Copied`, rows moved,
absolute rows kept), made here a column at a time; the engine is asked for the first cell and a
few copies and they must read as the engine reads them (the same tokens), else, and for a cell in
another column (a group filled right) or with a text of its own, the engine gives each cell's
formula itself.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat

import formualizer as fz

from trups_xl.recalc.addresses import a1
from trups_xl.recalc.calls import Copied
from trups_xl.recalc.engine_copy import Spans
from trups_xl.recalc.formula_cells import FormulaCell, SharedGroup
from trups_xl.recalc.package import Scan
from trups_xl.recalc.xml_text import escape_attribute

#: Cells of a group checked against the engine's own reading: the first cell, the first and last
#: below it, and one between.
CHECKED = 4


#: The most cells a probe (:func:`probe`) holds: past it, the engine reads the whole workbook instead.
PROBED_CELLS = 20_000


#: A sheet named like a cell (``Q1``), or a quoted name holding a word like one (``'Model FY2024'``,
#: ``'Q1 Sales'``), before its "!": the engine moves such a word as if it were a row in a shared formula's
#: copies (``Q1!A2`` copied down reads ``Q2!A3``).
_CELL_LIKE_SHEET = re.compile(r"'(?:[^']|'')*?(?<![A-Za-z0-9_])[A-Za-z]{1,3}\d+(?![A-Za-z0-9_])(?:[^']|'')*'!"
                              r"|(?<![\w.'$])[A-Za-z]{1,3}\d+!")
_TEXT = re.compile(r'"(?:[^"]|"")*"')


def misread(group: SharedGroup) -> bool:
    """Whether the engine reads a shared formula's copies other than Excel does: its formula names a
    sheet whose name reads like a cell. Its copies are then made here, by moving the formula's rows
    (:class:`.calls.Copied`), and given to the engine as formulas of their own (:func:`unshared`)."""
    first = group.first()
    return first is not None and first.text is not None and bool(_CELL_LIKE_SHEET.search(_TEXT.sub("", first.text)))


def unshared(found: Scan) -> dict[str, Spans]:
    """The cells of the shared formulas the engine misreads (:func:`misread`), by sheet and column, as
    spans of consecutive rows with each cell's own formula (for the engine's copy). A group filled right
    or holding a text that reads like a reference is left as it is."""
    out: dict[str, Spans] = {}
    for sheet in found.sheets:
        for group in sheet.formulas.shared_groups().values():
            first = group.first()
            if first is None or first.text is None or not misread(group):
                continue
            template = Copied(first.text)
            down, others = _split(group, first)
            if not template.copyable or others or any(c is not first for c in group.cells):
                continue
            rows = [first.row, *down]
            texts = template.copies([row - first.row for row in rows])
            spans = out.setdefault(sheet.title, {}).setdefault(first.col, [])
            start = 0
            for k in range(1, len(rows) + 1):
                if k == len(rows) or rows[k] != rows[k - 1] + 1:
                    spans.append((rows[start], rows[k - 1], texts[start:k]))
                    start = k
    return out


def probe(sheets: dict[str, list[SharedGroup]], titles: list[str]) -> fz.Workbook | None:
    """A small workbook for the engine to read shared formulas from before it loads the whole one: each
    group's first cell and the cells :func:`texts` asks the engine for (its checks, and the cells in
    another column), on sheets of the same ``titles``; ``sheets`` holds each sheet's shared formulas.
    None where :func:`texts` would ask for more (a group without its first cell, a cell with a text of
    its own, over :data:`PROBED_CELLS` cells): then only the whole workbook says."""
    parts: dict[str, bytes] = {}
    total = 0
    for title, groups in sheets.items():
        kept: dict[tuple[int, int], bytes] = {}
        for group in groups:
            first = group.first()
            if first is None or first.text is None or any(c is not first for c in group.cells):
                return None
            down, others = _split(group, first)
            si = escape_attribute(group.index)
            kept[(first.row, first.col)] = (f'<c r="{a1(first.row, first.col)}"><f t="shared" '
                                            f'ref="{escape_attribute(first.area or "")}" si="{si}">'
                                            f"{escape_attribute(first.text.removeprefix('='))}</f></c>").encode()
            asked = list(others)
            if down:
                asked += [(row, first.col) for row in (down[0], down[len(down) // 2], down[-1])]
            for row, col in asked:
                kept[(row, col)] = f'<c r="{a1(row, col)}"><f t="shared" si="{si}"/></c>'.encode()
        total += len(kept)
        if total > PROBED_CELLS:
            return None
        rows: dict[int, list[bytes]] = defaultdict(list)
        for (row, _col), xml in sorted(kept.items()):
            rows[row].append(xml)
        parts[title] = b"".join(b'<row r="%d">%s</row>' % (row, b"".join(xml)) for row, xml in rows.items())
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        _write_package(package, titles, parts)
    try:
        return fz.Workbook.from_bytes(data.getvalue(), mode=fz.WorkbookMode.Ephemeral)
    except Exception:  # a text the engine cannot parse: the whole workbook's load says what it makes of it
        return None


def _split(group: SharedGroup, first: FormulaCell) -> tuple[list[int], list[tuple[int, int]]]:
    """A group's later cells (holding only its index) as the rows of its first cell's copies down its
    column, and the (row, column) of the others (another column, or above the first)."""
    if not group.followers:
        return [], []
    rows, cols = group.follower_rows(), group.follower_columns()
    if cols.count(first.col) == len(cols) and rows[0] > first.row:  # the usual group: one column filled down
        return rows, []
    down = [row for row, col in zip(rows, cols, strict=True) if col == first.col and row > first.row]
    others = [(row, col) for row, col in zip(rows, cols, strict=True) if col != first.col or row < first.row]
    return down, others


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _write_package(package: zipfile.ZipFile, titles: list[str], parts: dict[str, bytes]) -> None:
    numbered = list(enumerate(titles, start=1))
    package.writestr("[Content_Types].xml", (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
                  for n, _t in numbered) + "</Types>"))
    package.writestr("_rels/.rels", (
        f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"))
    package.writestr("xl/workbook.xml", (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
        + "".join(f'<sheet name="{escape_attribute(t)}" sheetId="{n}" r:id="rId{n}"/>' for n, t in numbered)
        + "</sheets></workbook>"))
    package.writestr("xl/_rels/workbook.xml.rels", (
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        + "".join(f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="{_RELS}/worksheet"/>'
                  for n, _t in numbered) + "</Relationships>"))
    for n, title in numbered:
        package.writestr(f"xl/worksheets/sheet{n}.xml", b'<worksheet xmlns="%s"><sheetData>%s</sheetData>'
                         b"</worksheet>" % (_MAIN.encode(), parts.get(title, b"")))


def texts(book: fz.Workbook, title: str, groups: Iterable[SharedGroup]) -> dict[tuple[str, int, int], str]:
    """The formula of every cell of the shared formulas ``groups`` of sheet ``title``, by (sheet, row,
    column)."""
    out: dict[tuple[str, int, int], str] = {}
    for group in groups:
        # the group's first cell holds the text and the area it is shared over; its copies down its column
        # are made here, every other cell (another column, a cell with a text of its own) read by the engine
        first = group.first()
        asked = group.positions()
        if first is not None and first.text is not None:
            template = Copied(first.text)
            down, others = _split(group, first)
            if down and template.copyable and ((misread(group) and not others)
                                               or _as_the_engine_reads(book, title, template, first, down)):
                # the first cell's formula as its copies are written (the engine's own text of it spaces its
                # arguments, "A2, O2": the column would be one run from its second row and one of the first)
                rows = [first.row, *down]
                out.update(zip(zip(repeat(title), rows, repeat(first.col)),
                               template.copies([row - first.row for row in rows]), strict=True))
                asked = [(c.row, c.col) for c in group.cells if c is not first] + others
        out.update(_engine_texts(book, title, asked))
    return out


def _engine_texts(book: fz.Workbook, title: str, cells: list[tuple[int, int]]) -> dict[tuple[str, int, int], str]:
    """The engine's formula of each of ``cells`` (row, column) of sheet ``title`` that holds one, read a
    column at a time (a group filled right, or one the engine reads otherwise, is thousands of cells)."""
    rows_by_column: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        rows_by_column[col].append(row)
    out: dict[tuple[str, int, int], str] = {}
    sheet = book.sheet(title)
    for col, rows in rows_by_column.items():
        top = min(rows)
        read = sheet.get_formulas(fz.RangeAddress(title, top, col, max(rows), col))
        for row in rows:
            text = read[row - top][0] if row - top < len(read) and read[row - top] else ""
            if text:
                out[(title, row, col)] = text if text[0] == "=" else f"={text}"
    return out


def _as_the_engine_reads(book: fz.Workbook, title: str, template: Copied, first: FormulaCell,
                         down: list[int]) -> bool:
    picks = {first.row, down[0], down[len(down) // 2], down[-1]}
    return all((ours := _tokens(template.moved(row - first.row))) is not None
               and ours == _tokens(book.get_formula(title, row, first.col)) for row in sorted(picks)[:CHECKED])


def _tokens(formula: str | None) -> list[tuple[str, str]] | None:
    """A formula's tokens without white space (all but texts and numbers in capitals), or None."""
    if not formula:
        return None
    try:
        tokens = fz.tokenize(formula if formula.startswith("=") else f"={formula}").tokens()
    except Exception:
        return None
    out = []
    for t in tokens:
        kind, sub = str(t.token_type), str(t.subtype)
        if kind != "Whitespace":
            out.append((kind, t.value if sub in ("Text", "Number") else t.value.upper()))
    return out
