"""Excel data tables (What-If Analysis, ``=TABLE(,B1)``): a range whose top-left cell holds
``<f t="dataTable" ref="E3:E5" r1="B1"/>``, every cell of it the value Excel last computed by putting each
input of the table's row or column into the input cell. The engine does not compute data tables, and until
December 2026 its load refused the whole workbook on that empty formula ("No tokens to parse").

Now a recalculation keeps the values Excel saved there and says so in one line (:func:`notice`): the
data table's ``<f>`` is left out of the engine's copy and of the values copy (:func:`without_data_tables`),
so its cells are plain values in both; what reads them reads those values. Refused, in one line:

* a data table some cell of which the engine reads as empty once it has loaded the workbook
  (:func:`check_values`): a file written by a program other than Excel (openpyxl drops the top-left cell's
  value when it saves) would otherwise read as empty cells, a sum over the table too small and no word said;
  and, while the sheet is scanned, what Excel never writes there (:func:`check_saved`);
* a scenario that sets inputs (:func:`refusal`): the table's values would stay as saved, and an output
  reading them would be wrong without a word. A batch run without scenarios reads the workbook as it is.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from trups_xl.recalc.addresses import area_bounds
from trups_xl.recalc.package import MAIN, Scan, part_budget, read_part  # the scan imports this module late
from trups_xl.recalc.safety import Limits, RefusedError

#: A data table's formula element, empty (``<f t="dataTable" .../>``) or not: a piece of a sheet part is
#: cut after a row's end (:func:`.pieces.row_pieces`), so an element is never split.
_DATA_TABLE_FORMULA = re.compile(rb'<f\b(?=[^>]*\bt="dataTable")[^>]*?(?:/>|>[^<]*</f>)')
#: Data tables named in a line, at most.
_NAMED = 3
#: Data tables of one sheet, and cells of them all, at most (a workbook of more is refused as unusual).
MAX_TABLES = 1_000
MAX_TABLE_CELLS = 1_000_000


def _refused(title: str, area: str) -> RefusedError:
    return RefusedError(f"{title}!{area} is a data table (What-If Analysis) without the values Excel computes for "
                        "it (a file saved by another program keeps none): the engine does not compute data tables; "
                        "open and save the workbook in Excel, or remove the table")


def check_saved(title: str, areas: Sequence[str], data: bytes) -> None:
    """Refuse, in one line, a sheet ``title`` (its part ``data``) holding data tables (``areas``) that Excel would
    not have written so: an XML comment or processing instruction (either could hide a cell or stand for one),
    a character reference among its cells (``<v>10&#51;</v>``: the engine drops it, reading 10), or over
    :data:`MAX_TABLES` tables or :data:`MAX_TABLE_CELLS` of their cells. Whether every cell of a table holds a
    saved value is asked of the engine once it has loaded the workbook (:func:`check_values`), so it is what
    every formula reading the table reads."""
    distinct = list(dict.fromkeys(areas))
    cells = 0
    for area in distinct:  # each a range the scan read (one that is not is refused there)
        r1, c1, r2, c2 = area_bounds(area)
        cells += (r2 - r1 + 1) * (c2 - c1 + 1)
    if len(distinct) > MAX_TABLES or cells > MAX_TABLE_CELLS:
        raise RefusedError(f"sheet {title!r} holds {len(distinct):,} data tables of {cells:,} cells; at most "
                           f"{MAX_TABLES:,} tables of {MAX_TABLE_CELLS:,} cells are read")
    declaration = data.find(b"?>") + 2 if data.lstrip().startswith(b"<?xml") else 0
    cells_start, cells_end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if b"<!--" in data or data.find(b"<?", declaration) >= 0 or data.find(b"&#", max(cells_start, 0), cells_end) >= 0:
        raise _refused(title, distinct[0])


def check_values(book: Any, found: Scan) -> None:
    """Refuse, in one line, a data table a cell of which holds no value in the engine once it has loaded the
    workbook (an empty cell, or blank text): what Excel computed there was not saved (a file saved by another
    program; openpyxl drops the top-left cell's value), and every formula reading it would read nothing."""
    import formualizer as fz

    for sheet in found.sheets:
        for area in dict.fromkeys(sheet.data_tables):
            r1, c1, r2, c2 = area_bounds(area)
            rows = book.sheet(sheet.title).get_values(fz.RangeAddress(sheet.title, r1, c1, r2, c2))
            held = [value for line in rows for value in line]
            if len(held) < (r2 - r1 + 1) * (c2 - c1 + 1) or any(
                    value is None or (isinstance(value, str) and not value.strip()) for value in held):
                raise _refused(sheet.title, area)


def areas(found: Scan) -> list[str]:
    """The data tables of the workbook, each as ``Sheet!E3:E5``."""
    return list(dict.fromkeys(f"{sheet.title}!{area}" for sheet in found.sheets for area in sheet.data_tables))


def without_data_tables(piece: bytes) -> bytes:
    """A piece of a sheet part with its data tables' formula elements left out (their cells keep their
    values)."""
    return _DATA_TABLE_FORMULA.sub(b"", piece) if b"dataTable" in piece else piece


def in_pieces(found: Scan, *then: Callable[[bytes], bytes] | None) -> Callable[[bytes], bytes] | None:
    """What a copy passes each piece of a sheet part through: each of ``then`` that is given, in order (the
    engine's copy: structured references, then defined names, written out, then ``@`` where Excel takes
    one value), after :func:`without_data_tables` where the workbook holds a data table; None where there is
    nothing to do."""
    steps = ([without_data_tables] if areas(found) else []) + [step for step in then if step is not None]
    if len(steps) < 2:
        return steps[0] if steps else None

    def through(piece: bytes) -> bytes:
        for each in steps:
            piece = each(piece)
        return piece

    return through


def notice(found: Scan, path: Path | None = None, limits: Limits | None = None) -> str | None:
    """One line for the workbook's data tables, or None; with the package's ``path``, saying so where Excel
    was set to leave data tables to be calculated by hand (:func:`calc_mode`), so their values may be stale."""
    found_areas = areas(found)
    if not found_areas:
        return None
    named = ", ".join(found_areas[:_NAMED]) + (f" and {len(found_areas) - _NAMED} more" if len(found_areas) > _NAMED
                                                 else "")
    mode = calc_mode(path, limits or Limits()) if path is not None else "auto"
    stale = {"autoNoTable": "; the workbook was saved calculating automatically except data tables, so they may be "
                            "out of date (press F9 in Excel before saving)",
             "manual": "; the workbook was saved calculating by hand, so they may be out of date (press F9 in Excel "
                       "before saving)"}.get(mode, "")
    return (f"{named}: a data table (What-If Analysis) keeps the values Excel saved; they are not recomputed "
            f"(the engine does not compute data tables){stale}")


def calc_mode(path: Path, limits: Limits) -> str:
    """Excel's calculation setting as the workbook was saved (``<calcPr calcMode="autoNoTable"/>`` in the workbook
    part, read as XML): ``auto`` (also where none is written or the part cannot be read: the package was checked
    before), ``autoNoTable`` or ``manual``."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(read_part(archive, "xl/workbook.xml", part_budget(limits)))
    except Exception:  # any failure to read it: the setting is unknown, said as automatic
        return "auto"
    node = root.find(f"{MAIN}calcPr")
    mode = node.get("calcMode", "auto") if node is not None else "auto"
    return str(mode)[:20]


def refusal(found: Scan) -> str | None:
    """Why a scenario that sets inputs refuses the workbook, or None."""
    found_areas = areas(found)
    if not found_areas:
        return None
    return (f"{found_areas[0]} is a data table (What-If Analysis), whose values a scenario would leave as Excel "
            "saved them; recalculate the workbook without --scenarios, or remove the data table")


__all__ = ["areas", "calc_mode", "check_saved", "check_values", "in_pieces", "notice", "refusal", "without_data_tables"]
