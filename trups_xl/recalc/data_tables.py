"""Excel data tables (What-If Analysis, ``=TABLE(B1,)``): a range whose top-left cell holds
``<f t="dataTable" ref="E3:E5" r1="B1"/>``, every cell of it the value Excel last computed by putting each
input of the table's row or column into the input cell. The engine does not compute data tables, and until
December 2026 its load refused the whole workbook on that empty formula ("No tokens to parse").

Now a recalculation keeps the values Excel saved there and says so in one line (:func:`notice`): the
data table's ``<f>`` is left out of the engine's copy and of the values copy (:func:`without_data_tables`),
so its cells are plain values in both; what reads them reads those values. A scenario run refuses such a
workbook (:func:`refusal`): a scenario's inputs would leave the table's values as saved, and an output
reading them would be wrong without a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trups_xl.recalc.package import Scan

#: A data table's formula element, empty (``<f t="dataTable" .../>``) or not: a piece of a sheet part is
#: cut after a row's end (:func:`.pieces.row_pieces`), so an element is never split.
_DATA_TABLE_FORMULA = re.compile(rb'<f\b(?=[^>]*\bt="dataTable")[^>]*?(?:/>|>[^<]*</f>)')
#: Data tables named in a line, at most.
_NAMED = 3


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


def notice(found: Scan) -> str | None:
    """One line for the workbook's data tables, or None."""
    found_areas = areas(found)
    if not found_areas:
        return None
    named = ", ".join(found_areas[:_NAMED]) + (f" and {len(found_areas) - _NAMED} more" if len(found_areas) > _NAMED
                                                 else "")
    return (f"{named}: a data table (What-If Analysis) keeps the values Excel saved; they are not recomputed "
            "(the engine does not compute data tables)")


def refusal(found: Scan) -> str | None:
    """Why a scenario run refuses the workbook, or None."""
    found_areas = areas(found)
    if not found_areas:
        return None
    return (f"{found_areas[0]} is a data table (What-If Analysis), whose values a scenario would leave as Excel "
            "saved them; recalculate the workbook without --scenarios, or remove the data table")


__all__ = ["areas", "in_pieces", "notice", "refusal", "without_data_tables"]
