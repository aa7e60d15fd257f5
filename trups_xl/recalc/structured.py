"""Excel tables (``xl/tables/*.xml``) and the formulas that read one by a structured reference
(``Ledger1[Date]``, ``Ledger1[[#This Row],[Date]]``). The engine does not read a workbook's tables, so
such a reference is ``#NAME?`` there where Excel shows a value: said in one line, naming the first cell,
rather than left among the errors unexplained.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from trups_xl.recalc.addresses import a1, texts_blanked
from trups_xl.recalc.package import Scan, part_budget, read_part
from trups_xl.recalc.safety import Limits

#: A table's part in the package.
_TABLE_PART = re.compile(r"^xl/tables/[^/]+\.xml$")
#: The names a table answers to in a formula, from its start tag.
_TABLE_NAME = re.compile(rb'<(?:\w+:)?table\b[^>]*?\s(?:displayName|name)="([^"]{1,255})"')
#: A name followed by a bracket: a structured reference's table (an external book's index, ``[1]``, has none).
_QUALIFIED = re.compile(r"(?<![\w.\\'\]])([A-Za-z_\\][\w.]*)\[")
#: A reference to the formula's own row of its table, written without the table's name.
_OWN_ROW = re.compile(r"\[\s*(?:#This Row|@)", re.I)
#: Bytes of a table part read for its name (its start tag comes first).
_HEAD_BYTES = 4096


def table_names(path: Path, limits: Limits) -> set[str]:
    """The names (in capitals) of the package's tables, read from each table part's start tag."""
    names: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.namelist():
                if _TABLE_PART.match(part):
                    head = read_part(archive, part, part_budget(limits))[:_HEAD_BYTES]
                    names.update(m.decode("utf-8", "replace").upper() for m in _TABLE_NAME.findall(head))
    except (zipfile.BadZipFile, OSError):
        return names  # the package was checked before: nothing more to say here
    return names


def reads_a_table(formula: str, names: set[str]) -> bool:
    """Whether ``formula`` reads a table by a structured reference (outside its texts)."""
    body = texts_blanked(formula)
    return bool(_OWN_ROW.search(body)) or any(m[1].upper() in names for m in _QUALIFIED.finditer(body))


def structured_notice(found: Scan, names: set[str]) -> str | None:
    """One line for the formula cells that read a table by a structured reference, or None."""
    if not names:
        return None
    cells: list[str] = []
    for sheet in found.sheets:
        cells += [f"{sheet.title}!{a1(row, col)}" for row, col, text, _cell in sheet.formulas.holding("[")
                  if text and reads_a_table(text, names)]
    if not cells:
        return None
    count = f"{len(cells):,} formula cell{'s' if len(cells) > 1 else ''}"
    return (f"{count} read an Excel table by a structured reference (first {cells[0]}): the engine does not read "
            "tables, so such a reference shows #NAME? where Excel shows a value; write it as cells (A2, A2:A100) "
            "to compute it")


__all__ = ["reads_a_table", "structured_notice", "table_names"]
