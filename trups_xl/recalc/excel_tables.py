"""Excel tables (Insert > Table) as the package defines them: each table's name, the sheet and the cells
it covers, its header and totals rows and its columns' names, read from its part (``xl/tables/*.xml``)
and the relationships of the sheet holding it.

A table that cannot be read whole (a part missing, damaged, over :data:`MAX_TABLE_BYTES` or declaring a
document type, a range off Excel's grid, a column count that is not the range's width, a name given twice,
a part two sheets claim) is kept by its name as not read: the formulas naming it are not read against a
guess (:mod:`.structured`), and say so. Each part is parsed with defusedxml (no entity is expanded), and
what one damaged part raises leaves that table alone out.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from defusedxml import ElementTree

from trups_xl.recalc.addresses import area_bounds
from trups_xl.recalc.package import MAIN, PKG_REL, Scan, read_part
from trups_xl.recalc.safety import EXCEL_COLUMNS, EXCEL_ROWS, Limits

#: Table parts read at most (past them, the tables are not read).
MAX_TABLES = 10_000
#: Bytes of one table part, at most (16,384 columns of long names take about 2 MB), and of the sheets'
#: relationships parts: a larger one is not read.
MAX_TABLE_BYTES = 4 << 20
#: Bytes of all table parts together, at most.
MAX_ALL_TABLES_BYTES = 64 << 20
#: A relationship's type naming a table part.
_TABLE_TYPE = re.compile(r"/relationships/table$")
#: The names a table answers to, from its start tag: what is known of a part that cannot be parsed.
_TABLE_NAME = re.compile(rb'<(?:\w+:)?table\b[^>]*?\sdisplayName="([^"]{1,255})"')
#: Bytes of a part read for its name (its start tag comes first).
_HEAD_BYTES = 4096
#: A character written as ``_xHHHH_`` in a name, as Office writes one XML cannot hold (a line break).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


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
    #: each column's name folded (as Excel matches them: in any case) -> its sheet column
    _at: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_at", {c.casefold(): self.first_col + k for k, c in enumerate(self.columns)})

    @property
    def data_rows(self) -> tuple[int, int]:
        """The first and last row of the table's data (between its header and its totals)."""
        return self.first_row + self.header_rows, self.last_row - self.totals_rows

    def column(self, name: str) -> int | None:
        """The sheet column of the table's column ``name`` (in any case), or None."""
        return self._at.get(name.casefold())


def read_tables(path: Path, found: Scan, limits: Limits) -> dict[str, Table | None]:
    """The workbook's tables by name in capitals, None for a name whose table is not read whole (or that two
    tables give); {} for a workbook with none, or whose package cannot be opened again."""
    tables: dict[str, Table | None] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.lower(): name for name in archive.namelist()}  # a part's name in any case
            owner: dict[str, str] = {}  # each table part -> the sheet whose relationships name it
            for sheet in found.sheets:
                for part in _table_parts(archive, sheet.part, names):
                    owner[part] = sheet.title if owner.get(part, sheet.title) == sheet.title else ""
            budget = MAX_ALL_TABLES_BYTES
            for count, (part, sheet_title) in enumerate(owner.items()):
                if count >= MAX_TABLES:
                    break
                data = _read(archive, part, min(MAX_TABLE_BYTES, budget))
                budget -= len(data or b"")
                table, spelt = _table(data, sheet_title) if data is not None and sheet_title else (None, [])
                if table is None and not spelt:
                    spelt = _names_at_head(archive, part)
                for name in spelt:
                    if tables.setdefault(name, table) is not table:  # two tables of one name: neither read
                        tables[name] = None
    except (zipfile.BadZipFile, OSError):
        return {}
    return tables


def _read(archive: zipfile.ZipFile, part: str, limit: int) -> bytes | None:
    """A part's bytes, or None where it is over ``limit`` or cannot be read."""
    try:
        return read_part(archive, part, limit)
    except Exception:  # damaged, over the limit: this part alone is not read
        return None


def _names_at_head(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The name a part that is not read gives in its start tag, so formulas naming it say so."""
    try:
        with archive.open(part) as stream:
            head = stream.read(_HEAD_BYTES)
    except Exception:
        return []
    return sorted({_unescaped(m.decode("utf-8", "replace")).upper() for m in _TABLE_NAME.findall(head)})


def _table_parts(archive: zipfile.ZipFile, sheet_part: str, names: dict[str, str]) -> list[str]:
    """The table parts a sheet's relationships name, within the package, each once."""
    folder, base = posixpath.split(sheet_part)
    rels = names.get(posixpath.join(folder, "_rels", base + ".rels").lower())
    data = _read(archive, rels, MAX_TABLE_BYTES) if rels is not None else None
    if data is None:
        return []
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:  # a refusal of defusedxml, a parse error, an unknown encoding: no table of this sheet read
        return []
    parts: dict[str, None] = {}
    for rel in root.iter(f"{PKG_REL}Relationship"):
        target = unquote(str(rel.get("Target", "")))
        if not _TABLE_TYPE.search(str(rel.get("Type", ""))) or rel.get("TargetMode") == "External":
            continue
        joined = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        part = names.get(joined.lower())
        if part is not None:
            parts[part] = None
    return list(parts)


def _table(data: bytes, sheet: str) -> tuple[Table | None, list[str]]:
    """The table a part defines on ``sheet`` (None where it is not read whole) and the names (in capitals) it
    answers to."""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except Exception:  # as above: this part is not read
        return None, []
    spelt = [_unescaped(str(root.get(attr))) for attr in ("displayName", "name") if root.get(attr)][:1]
    names = [name.upper() for name in spelt]
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
    columns = tuple(_unescaped(str(c.get("name", ""))) for c in (holder if holder is not None else [])
                    if c.tag == f"{MAIN}tableColumn")
    folded = [c.casefold() for c in columns]
    if len(columns) != last_col - first_col + 1 or not spelt or "" in columns or len(set(folded)) != len(folded):
        return None, names
    return Table(spelt[0], sheet, first_row, first_col, last_row, last_col, header_rows, totals_rows, columns), names


def _unescaped(text: str) -> str:
    """``text`` with each ``_xHHHH_`` read as its character (``_x000a_``: a line break in a heading)."""
    return _ESCAPED.sub(_character, text) if "_x" in text else text


def _character(match: re.Match[str]) -> str:
    code = int(match[1], 16)
    return match[0] if 0xD800 <= code <= 0xDFFF else chr(code)  # half a surrogate pair is no character: as written


__all__ = ["MAX_ALL_TABLES_BYTES", "MAX_TABLES", "MAX_TABLE_BYTES", "Table", "read_tables"]
