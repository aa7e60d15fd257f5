"""Excel data tables (What-If Analysis, ``=TABLE(,B1)``): a range whose top-left cell holds
``<f t="dataTable" ref="E3:E5" r1="B1"/>``, every cell of it the value Excel last computed by putting each
input of the table's row or column into the input cell. The engine does not compute data tables, and until
December 2026 its load refused the whole workbook on that empty formula ("No tokens to parse").

Now a recalculation keeps the values Excel saved there and says so in one line (:func:`notice`): the
data table's ``<f>`` is left out of the engine's copy and of the values copy (:func:`without_data_tables`),
so its cells are plain values in both; what reads them reads those values. Refused, in one line:

* a data table some cell of which has no saved value (:func:`check_saved`, while the sheet is scanned): a
  file written by a program other than Excel (openpyxl drops the top-left cell's value when it saves) would
  otherwise read as empty cells, a sum over the table too small and no word said;
* a scenario that sets inputs (:func:`refusal`): the table's values would stay as saved, and an output
  reading them would be wrong without a word. A batch run without scenarios reads the workbook as it is.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from trups_xl.recalc.addresses import area_bounds, column_number
from trups_xl.recalc.package import Scan, part_budget, read_part  # the scan imports this module when it calls it
from trups_xl.recalc.safety import Limits, RefusedError

#: A data table's formula element, empty (``<f t="dataTable" .../>``) or not: a piece of a sheet part is
#: cut after a row's end (:func:`.pieces.row_pieces`), so an element is never split.
_DATA_TABLE_FORMULA = re.compile(rb'<f\b(?=[^>]*\bt="dataTable")[^>]*?(?:/>|>[^<]*</f>)')
#: Data tables named in a line, at most.
_NAMED = 3
#: A cell of a sheet part: its attributes, and what it holds (None: an empty element).
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_POSITION = re.compile(rb'\br="([A-Z]{1,3})([1-9][0-9]{0,6})"')
#: A value as Excel saves one: a number, a shared string's index, an error or a boolean, or an inline string.
_SAVED = re.compile(rb"<v>[^<]|<is>")


def check_saved(title: str, areas: Sequence[str], data: bytes, start: int, end: int) -> None:
    """Refuse, in one line, a data table of sheet ``title`` (``areas``, its sheet data ``data[start:end]``) a cell
    of which holds no saved value."""
    bounds = []
    for area in areas:
        try:
            bounds.append((area, area_bounds(area)))
        except ValueError:
            raise RefusedError(f"could not be read as a workbook: {title} gives a data table the range "
                               f"{area[:40]!r}") from None
    saved = dict.fromkeys(areas, 0)
    for cell in _CELL.finditer(data, start, end):
        position = _POSITION.search(cell[1])
        if position is None or cell[2] is None or not _SAVED.search(cell[2]):
            continue
        row, col = int(position[2]), column_number(position[1].decode())
        for area, (r1, c1, r2, c2) in bounds:
            if r1 <= row <= r2 and c1 <= col <= c2:
                saved[area] += 1
    for area, (r1, c1, r2, c2) in bounds:
        if saved[area] < (r2 - r1 + 1) * (c2 - c1 + 1):
            raise RefusedError(f"{title}!{area} is a data table (What-If Analysis) without the values Excel computes "
                               "for it (a file saved by another program keeps none): the engine does not compute "
                               "data tables; open and save the workbook in Excel, or remove the table")


def areas(found: Scan) -> list[str]:
    """The data tables of the workbook, each as ``Sheet!E3:E5``."""
    return [f"{sheet.title}!{area}" for sheet in found.sheets for area in sheet.data_tables]


def without_data_tables(piece: bytes) -> bytes:
    """A piece of a sheet part with its data tables' formula elements left out (their cells keep their
    values)."""
    return _DATA_TABLE_FORMULA.sub(b"", piece) if b"dataTable" in piece else piece


def in_pieces(found: Scan, then: Callable[[bytes], bytes] | None = None) -> Callable[[bytes], bytes] | None:
    """What a copy passes each piece of a sheet part through: ``then`` (the defined names written out in the
    engine's copy), after :func:`without_data_tables` where the workbook holds a data table."""
    if not areas(found):
        return then
    if then is None:
        return without_data_tables
    after = then
    return lambda piece: after(without_data_tables(piece))


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


#: Excel's calculation setting in the workbook part (``<calcPr calcMode="autoNoTable"/>``).
_CALC_MODE = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*?\scalcMode="(\w{1,20})"')


def calc_mode(path: Path, limits: Limits) -> str:
    """Excel's calculation setting as the workbook was saved: ``auto`` (also where none is written or the part
    cannot be read: the package was checked before), ``autoNoTable`` or ``manual``."""
    try:
        with zipfile.ZipFile(path) as archive:
            found = _CALC_MODE.search(read_part(archive, "xl/workbook.xml", part_budget(limits)))
    except (KeyError, OSError, zipfile.BadZipFile, RefusedError):
        return "auto"
    return found[1].decode() if found else "auto"


def refusal(found: Scan) -> str | None:
    """Why a scenario that sets inputs refuses the workbook, or None."""
    found_areas = areas(found)
    if not found_areas:
        return None
    return (f"{found_areas[0]} is a data table (What-If Analysis), whose values a scenario would leave as Excel "
            "saved them; recalculate the workbook without --scenarios, or remove the data table")


__all__ = ["areas", "calc_mode", "check_saved", "in_pieces", "notice", "refusal", "without_data_tables"]
