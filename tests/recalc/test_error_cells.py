"""The error cells of a recalculation, kept as positions and values and written out as lines when read."""

import pytest

from trups_xl.recalc.error_cells import ErrorCells
from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.report import MAX_LISTED_ERRORS, error_lines


def test_the_error_cells_are_listed_and_counted_as_the_lines_they_stand_for():
    cells = ErrorCells()
    cells.add_sheet("Model", [((k + 2) << COLUMN_BITS | 2, "#TRUPS! x") for k in reversed(range(MAX_LISTED_ERRORS + 3))])
    cells.add_sheet("Empty", [])
    cells.add_sheet("In!puts", [(1 << COLUMN_BITS | 1, "#REF!"), (2 << COLUMN_BITS | 1, "#REF!")])
    expected = [f"Model!B{k + 2}: #TRUPS! x" for k in range(MAX_LISTED_ERRORS + 3)] + ["In!puts!A1: #REF!",
                                                                                     "In!puts!A2: #REF!"]
    assert cells == expected and expected == cells and list(cells) == expected and len(cells) == len(expected)
    assert cells[-1] == expected[-1] and cells[3:5] == expected[3:5] and "Model!B9: #TRUPS! x" in cells
    assert cells != expected[:-1] and cells != [*expected[:-1], "In!puts!A2: #N/A"]
    lines = error_lines(cells)
    assert lines[:MAX_LISTED_ERRORS] == expected[:MAX_LISTED_ERRORS]
    assert lines[MAX_LISTED_ERRORS:] == ["... and 5 more: 3 on Model, 2 on In!puts"]
    with pytest.raises(IndexError):
        cells[len(expected)]
