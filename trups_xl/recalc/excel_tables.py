"""Excel tables (Insert > Table) as the package defines them: each table's name, the sheet and the cells
it covers, its header and totals rows and its columns' names, read from its part (``xl/tables/*.xml``)
and the relationships of the sheet holding it.

A table that cannot be read whole (a part missing or unreadable, a range off Excel's grid, a column count
that is not the range's width, a name given twice) is left out: the formulas naming it are left as written
(:mod:`.structured`), never read against a guess.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from trups_xl.recalc.addresses import area_bounds
from trups_xl.recalc.package import MAIN, PKG_REL, Scan, part_budget, read_part
from trups_xl.recalc.safety import EXCEL_COLUMNS, EXCEL_ROWS, Limits

#: Tables read at most (Excel's own limit is the sheets' cells; a workbook of more keeps its references as
#: written past these).
MAX_TABLES = 10_000
#: A relationship's type naming a table part.
_TABLE_TYPE = re.compile(r"/relationships/table$")
#: A part that declares a document type or an entity: not read (as :func:`.package.scan` refuses one).
_DECLARES = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class Table:
    """One Excel table: its name as formulas write it, its sheet, the rows and columns it covers (header
    and totals rows included, as its part's ``ref``), how many of those rows are the header (0 or 1) and the
    totals (0 or 1), and its columns' names from left to right."""

    name: str
    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    header_rows: int
    totals_rows: int
    columns: tuple[str, ...]

    @property
    def data_rows(self) -> tuple[int, int]:
        """The first and last row of the table's data (between its header and its totals)."""
        return self.first_row + self.header_rows, self.last_row - self.totals_rows

    def column(self, name: str) -> int | None:
        """The sheet column of the table's column ``name`` (as Excel matches it: in any case), or None."""
        folded = name.casefold()
        at = next((k for k, own in enumerate(self.columns) if own.casefold() == folded), None)
        return None if at is None else self.first_col + at


def read_tables(path: Path, found: Scan, limits: Limits) -> dict[str, Table | None]:
    """The workbook's tables by name in capitals (the name formulas write, and the part's other name where
    it differs), None for a name whose table is not read whole (or that two tables give); {} for a workbook
    with none, or whose package cannot be read again."""
    budget = part_budget(limits)
    tables: dict[str, Table | None] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            count = 0
            for sheet in found.sheets:
                for part in _table_parts(archive, sheet.part, names, budget):
                    count += 1
                    if count > MAX_TABLES:
                        return tables
                    table, spelt = _table(read_part(archive, part, budget), sheet.title)
                    for name in spelt:
                        if tables.setdefault(name, table) is not table:  # two tables of one name: neither read
                            tables[name] = None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return {}  # the package was checked before: a part unreadable now leaves every table out
    return tables


def _table_parts(archive: zipfile.ZipFile, sheet_part: str, names: set[str], budget: int) -> list[str]:
    """The table parts a sheet's relationships name, within the package."""
    folder, base = posixpath.split(sheet_part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return []
    data = read_part(archive, rels, budget)
    if any(mark in data[:4096] for mark in _DECLARES):
        return []
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return []
    parts = []
    for rel in root.iter(f"{PKG_REL}Relationship"):
        target = str(rel.get("Target", ""))
        if not _TABLE_TYPE.search(str(rel.get("Type", ""))) or rel.get("TargetMode") == "External":
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if part in names:
            parts.append(part)
    return parts


def _table(data: bytes, sheet: str) -> tuple[Table | None, list[str]]:
    """The table a part defines on ``sheet`` (None where it is not read whole) and the names (in capitals) it
    answers to."""
    if any(mark in data[:4096] for mark in _DECLARES):
        return None, []
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None, []
    spelt = [str(root.get(attr)) for attr in ("displayName", "name") if root.get(attr)]
    names = sorted({name.upper() for name in spelt})
    try:
        first_row, first_col, last_row, last_col = area_bounds(str(root.get("ref", "")))
        header_rows = int(root.get("headerRowCount", "1"))
        totals_rows = int(root.get("totalsRowCount", "0"))
    except ValueError:
        return None, names
    if root.tag != f"{MAIN}table" or not (1 <= first_row <= last_row <= EXCEL_ROWS) \
            or not (1 <= first_col <= last_col <= EXCEL_COLUMNS) or header_rows not in (0, 1) \
            or totals_rows not in (0, 1) or last_row - first_row + 1 < header_rows + totals_rows + 1:
        return None, names
    holder = root.find(f"{MAIN}tableColumns")
    columns = tuple(str(c.get("name", "")) for c in (holder if holder is not None else [])
                    if c.tag == f"{MAIN}tableColumn")
    folded = [c.casefold() for c in columns]
    if len(columns) != last_col - first_col + 1 or not spelt or "" in columns or len(set(folded)) != len(folded):
        return None, names
    return Table(spelt[0], sheet, first_row, first_col, last_row, last_col, header_rows, totals_rows, columns), names


__all__ = ["MAX_TABLES", "Table", "read_tables"]
