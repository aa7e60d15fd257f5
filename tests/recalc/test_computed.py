"""A sheet's computed cells kept by packed position: read back as (value, is a date) by position,
in the order they were set, a cell set again keeping its place and taking its new value."""

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.recalc.computed import ColumnValues, ComputedCells, by_position, held
from trups_xl.recalc.formula_cells import COLUMN_BITS


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


def test_cells_set_in_ascending_position_then_out_of_order_read_back_in_the_order_set():
    from trups_xl.recalc.formula_cells import COLUMN_BITS

    cells = ComputedCells()
    cells.put(1, 2, 1.0, False)
    cells.put(1, 3, "x", False)
    cells.put(2, 1, 40_000.0, True)
    cells.put(1, 3, "y", False)  # set again, in ascending order so far: keeps its place
    assert list(cells.items()) == [((1, 2), (1.0, False)), ((1, 3), ("y", False)), ((2, 1), (40_000.0, True))]
    assert cells.value_at(1 << COLUMN_BITS | 3) == "y" and cells.value_at(5 << COLUMN_BITS | 5, "none") == "none"
    assert cells.dates() == {2 << COLUMN_BITS | 1}
    cells.put(1, 1, 0.5, False)  # out of order: kept after the others
    cells[(1, 2)] = (2.0, True)
    assert list(cells) == [(1, 2), (1, 3), (2, 1), (1, 1)] and cells[(1, 2)] == (2.0, True)
    assert list(cells.packed_items())[-1] == (1 << COLUMN_BITS | 1, 0.5)
    del cells[(1, 3)]
    assert list(cells) == [(1, 2), (2, 1), (1, 1)] and len(cells) == 3


def test_a_cell_deleted_from_cells_set_in_ascending_position_is_gone():
    cells = ComputedCells()
    for col in (1, 2, 3):
        cells.put(4, col, float(col), col == 2)
    del cells[(4, 2)]
    assert list(cells.items()) == [((4, 1), (1.0, False)), ((4, 3), (3.0, False))]
    assert (4, 2) not in cells and cells.dates() == set()
    cells.put(4, 4, None, False)  # a cell set to None is set
    assert (4, 4) in cells and cells[(4, 4)] == (None, False)


def test_cells_set_at_once_read_back_as_if_set_one_by_one():
    at_once, one_by_one = ComputedCells(), ComputedCells()
    keys = array("q", [1 << COLUMN_BITS | 2, 2 << COLUMN_BITS | 2, 2 << COLUMN_BITS | 5])
    values = [1.5, "text", None]
    at_once.extend_packed(keys, values, [keys[1]])
    for key, value in zip(keys, values, strict=True):
        one_by_one.put_packed(key, value, key == keys[1])
    assert list(at_once.items()) == list(one_by_one.items()) == [
        ((1, 2), (1.5, False)), ((2, 2), ("text", True)), ((2, 5), (None, False))]
    at_once.extend_packed(array("q", [1 << COLUMN_BITS | 1]), [7.0], [])  # before the others: kept by position
    assert at_once[(1, 1)] == (7.0, False) and at_once[(2, 5)] == (None, False) and len(at_once) == 4
    with pytest.raises(ValueError):
        at_once.extend_packed(array("q", [9]), [], [])


segments = st.lists(st.tuples(st.sampled_from(["A", "B"]), st.integers(1, 20), st.integers(1, 3),
                              st.lists(st.floats(allow_nan=False), min_size=0, max_size=12)), max_size=10)


def test_a_column_set_over_cells_set_again_takes_their_place():
    """A segment over cells that were set again (kept on their own) gives them its values."""
    cells = ColumnValues()
    for first, value in ((1, "a"), (4, "b"), (7, "c")):
        cells.put_column("S", first, 1, [value] * 5 if value != "c" else [value] * 4)
    assert len(cells) == 10 and [cells[("S", row, 1)] for row in range(1, 11)] == ["a"] * 3 + ["b"] * 3 + ["c"] * 4
    assert cells.by_sheet()["S"][1] == ["a"] * 3 + ["b"] * 3 + ["c"] * 4


@given(segments)
def test_column_values_read_as_a_dict_set_cell_by_cell(puts):
    """The runs' values kept a column segment at a time read as a dict given each cell in turn (a cell set
    again takes its new value), and by sheet as the generic packing of that dict."""
    cells, expected = ColumnValues(), {}
    for sheet, first, col, values in puts:
        cells.put_column(sheet, first, col, values)
        expected.update({(sheet, first + k, col): v for k, v in enumerate(values)})
    assert len(cells) == len(expected) and set(cells) == set(expected) and len(list(cells)) == len(expected)
    assert dict(cells.items()) == expected
    for key in [*expected, ("A", 41 + 12, 1), ("C", 1, 1), ("A", 0, 1), ("A", 1)]:
        assert (key in cells) == (key in expected)
        if key in expected:
            assert cells[key] == expected[key]
        else:
            with pytest.raises(KeyError):
                cells[key]
    by_sheet = {title: (list(keys), kept) for title, (keys, kept) in cells.by_sheet().items()}
    assert by_sheet == {title: (list(keys), kept) for title, (keys, kept) in by_position(expected).items()}


@given(st.sets(st.integers(0, 2**40)), st.sets(st.integers(0, 2**40)))
def test_the_positions_held_among_a_sheet_s_keys_are_those_a_search_finds(positions, keys):
    assert sorted(held(positions, array("q", sorted(keys)))) == sorted(p for p in positions if p in keys)
