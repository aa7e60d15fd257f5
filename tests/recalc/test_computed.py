"""A sheet's computed cells kept by packed position: read back as (value, is a date) by position,
in the order they were set, a cell set again keeping its place and taking its new value."""

import pytest

from trups_xl.recalc.computed import ComputedCells


def test_cells_read_back_as_set_in_the_order_they_were_set():
    cells = ComputedCells()
    cells.put(7, 2, 1.5, False)
    cells[(1, 16_384)] = ("text", False)
    cells.put(2, 1, 47_000.0, True)
    cells.update({(3, 3): ({"type": "Error", "kind": "Div"}, False)})
    assert list(cells) == [(7, 2), (1, 16_384), (2, 1), (3, 3)] and len(cells) == 4
    assert cells[(2, 1)] == (47_000.0, True) and cells[(7, 2)] == (1.5, False)
    assert dict(cells.items()) == {(7, 2): (1.5, False), (1, 16_384): ("text", False), (2, 1): (47_000.0, True),
                                   (3, 3): ({"type": "Error", "kind": "Div"}, False)}
    cells.put(2, 1, 5.0, False)  # set again: no longer a date
    assert cells[(2, 1)] == (5.0, False) and list(cells)[2] == (2, 1)
    del cells[(7, 2)]
    assert (7, 2) not in cells and cells.get((7, 2)) is None and len(cells) == 3


def test_a_position_not_held_is_not_found_and_a_cell_off_the_grid_not_set():
    cells = ComputedCells()
    cells.put(1, 1, 1.0, False)
    assert "A1" not in cells and (1, 1, 1) not in cells and (1.0, 1) not in cells and (1, -1) not in cells
    with pytest.raises(KeyError):
        cells[(1, 2)]
    with pytest.raises(KeyError):
        del cells[(1, 2)]
    with pytest.raises(ValueError, match="no cell at row 1, column 40000"):
        cells.put(1, 40_000, 1.0, False)
    assert cells.setdefault((2, 2), (3.0, True)) == (3.0, True) and cells[(2, 2)] == (3.0, True)
