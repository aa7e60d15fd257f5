"""A sheet's formula cells kept as columns: read back as the cells they were given, by position, in
row then column order, the last of two cells at one position kept."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.recalc.formula_cells import FormulaCell, FormulaCells


def test_cells_read_back_as_given_in_row_then_column_order():
    cells = FormulaCells()
    cells.add_formula(2, 1, 3, "=A1")
    cells.add_formula(1, 16_384, 0, "=1")
    shared = FormulaCell(1, 2, 0, "shared", None, shared_index="0")
    cells.add(shared)
    cells.add_formula(2, 1, 5, "=B1")  # the same cell again: this one is kept
    assert list(cells) == [(1, 2), (1, 16_384), (2, 1)] and len(cells) == 3
    assert cells[(2, 1)] == FormulaCell(2, 1, 5, "normal", "=B1")
    assert cells[(1, 2)] == shared  # made when asked for, as a plain formula's cell is
    assert dict(cells.items()) == {(1, 2): shared, (1, 16_384): FormulaCell(1, 16_384, 0, "normal", "=1"),
                                   (2, 1): FormulaCell(2, 1, 5, "normal", "=B1")}
    assert list(cells.values()) == [cells[k] for k in cells]
    assert list(cells.texts()) == [(1, 2, None, None), (1, 16_384, "=1", None), (2, 1, "=B1", None)]
    assert cells.style(2, 1) == 5 and cells.style(3, 1) is None
    assert cells.holding("B", "1") == [(1, 16_384, "=1", None), (2, 1, "=B1", None)]
    assert cells.holding("[") == []
    assert cells.kept_whole() == []  # a shared formula's later cell: kept as columns, read by its group
    (group,) = cells.shared_groups().values()
    assert group.index == "0" and group.cells == [] and group.positions() == [(1, 2)]


def test_a_position_not_held_is_not_found():
    cells = FormulaCells()
    cells.add_formula(1, 1, 0, "=1")
    assert (1, 1) in cells and (1, 2) not in cells and (0, 1) not in cells
    assert "A1" not in cells and (1.0, 1) not in cells and (1, 1, 1) not in cells and (1, -1) not in cells
    assert cells.get((2, 1)) is None
    assert cells == {(1, 1): FormulaCell(1, 1, 0, "normal", "=1")}
    cells.clear()
    assert cells == {} and len(cells) == 0


def test_a_plain_formula_given_as_a_cell_is_kept_as_columns_and_a_special_one_whole():
    cells = FormulaCells()
    cells.add(FormulaCell(1, 1, 2, "normal", "=1"))
    array = FormulaCell(1, 1, 2, "array", "={1,2}", area="A1:B1")
    cells.add(array)  # replaces the plain one
    assert cells[(1, 1)] is array
    cells.add(FormulaCell(1, 1, 2, "normal", "=3"))  # and is replaced by a plain one again
    assert cells[(1, 1)] == FormulaCell(1, 1, 2, "normal", "=3")
    cells.add(array)
    cells.add_formula(1, 1, 0, "=4")
    assert cells[(1, 1)] == FormulaCell(1, 1, 0, "normal", "=4")


def test_a_text_replaced_is_read_back_by_every_reader_and_a_cell_without_one_is_refused():
    cells = FormulaCells()
    cells.add_formula(3, 2, 0, "=T[@A]")
    array = FormulaCell(2, 1, 0, "array", "=SUM(T[A])", area="A2")
    cells.add(array)
    cells.replace_texts({(3, 2): "=Sheet!$A3", (2, 1): "=SUM(Sheet!$A$2:$A$9)"})
    assert cells[(3, 2)].text == "=Sheet!$A3" and array.text == "=SUM(Sheet!$A$2:$A$9)"
    assert [t for _r, _c, t, _s in cells.texts()] == ["=SUM(Sheet!$A$2:$A$9)", "=Sheet!$A3"]
    with pytest.raises(KeyError):
        cells.replace_texts({(9, 9): "=1"})


def test_cells_given_as_columns_read_back_as_if_added_one_by_one():
    from array import array

    from trups_xl.recalc.formula_cells import COLUMN_BITS

    def packed(row, col):
        return row << COLUMN_BITS | col

    one_by_one, columns = FormulaCells(), FormulaCells()
    for cells in (one_by_one, columns):
        cells.add(FormulaCell(3, 1, 0, "shared", None, shared_index="0"))
    one_by_one.add_formula(1, 2, 4, "=1")
    one_by_one.add_formula(3, 1, 0, "=2")
    columns.extend(array("q", [packed(1, 2), packed(3, 1)]), array("I", [4, 0]), ["=1", "=2"])
    assert list(columns.texts()) == list(one_by_one.texts()) == [(1, 2, "=1", None), (3, 1, "=2", None)]
    assert columns.style(1, 2) == 4 and columns.kept_whole() == []
    columns.extend(array("q", [packed(2, 5), packed(1, 2)]), array("I", [0, 1]), ["=3", "=4"])  # out of order
    assert list(columns.texts()) == [(1, 2, "=4", None), (2, 5, "=3", None), (3, 1, "=2", None)]


def test_a_shared_formula_s_cells_are_read_a_group_at_a_time():
    cells = FormulaCells()
    first = FormulaCell(2, 3, 0, "shared", "=A2*2", area="C2:C6", shared_index="7")
    cells.add(first)
    cells.extend_followers([5, 4, 3], [3, 3, 3], [1, 1, 1], ["7", "7", "7"])  # out of order
    cells.extend_followers([6, 2], [3, 4], [0, 0], ["7", "9"])
    cells.add_formula(6, 3, 0, "=1")  # the same cell again, a plain formula: no longer the group's
    assert cells.kept_whole() == [first]
    groups = cells.shared_groups()
    assert set(groups) == {"7", "9"}
    seven = groups["7"]
    assert seven.first() is first and list(seven.followers) == [(r << 15) | 3 for r in (3, 4, 5)]
    assert seven.positions() == [(2, 3), (3, 3), (4, 3), (5, 3)] and len(seven) == 4
    assert list(seven.follower_keys("S")) == [("S", 3, 3), ("S", 4, 3), ("S", 5, 3)]
    assert seven.column_extent() == (3, 2, 5)
    assert groups["9"].first() is None and groups["9"].column_extent() == (4, 2, 2)
    cells.extend_followers([3], [5], [0], ["7"])  # filled right too: no longer one column
    assert cells.shared_groups()["7"].column_extent() is None
    assert cells[(4, 3)] == FormulaCell(4, 3, 1, "shared", None, shared_index="7") and cells.style(4, 3) == 1
    assert cells[(6, 3)] == FormulaCell(6, 3, 0, "normal", "=1")


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 4), st.sampled_from(["0", "1", "2", "x"])),
                max_size=40))
def test_shared_groups_are_the_later_cells_walked_in_position_order(later):
    """Each group's later cells, and the order the groups come in, as a walk of the cells in position order
    collects them (the last of two cells at one position kept)."""
    cells = FormulaCells()
    for row, col, index in later:
        cells.extend_followers([row], [col], [0], [index])
    last = {}
    for row, col, index in later:
        last[(row, col)] = index
    expected = {}
    for (row, col) in sorted(last):
        expected.setdefault(last[(row, col)], []).append(row << 15 | col)
    groups = cells.shared_groups()
    assert list(groups) == list(expected)
    assert {index: list(group.followers) for index, group in groups.items()} == expected


def test_forgetting_the_texts_keeps_every_cell_its_style_and_the_cells_kept_whole():
    cells = FormulaCells()
    cells.add_formula(2, 1, 3, "=A1+1")
    cells.add(FormulaCell(3, 1, 4, "array", "=SEQUENCE(2)", area="A3:A4"))
    cells.forget_texts()
    keys, texts, _special = cells.packed()
    assert texts == [None, None] and len(keys) == 2 and (2, 1) in cells and (3, 1) in cells
    assert cells.style(2, 1) == 3 and cells[(3, 1)].text == "=SEQUENCE(2)" and cells[(3, 1)].area == "A3:A4"


def test_a_shared_formulas_text_covers_its_group_and_a_plain_ones_its_cell():
    cells = FormulaCells()
    first = FormulaCell(2, 3, 0, "shared", "=A2*2", area="C2:C4", shared_index="7")
    cells.add(first)
    for row in (3, 4):
        cells.add(FormulaCell(row, 3, 0, "shared", None, shared_index="7"))
    cells.add_formula(5, 3, 0, "=A5")
    assert cells.covered(2, 3, first) == [(2, 3), (3, 3), (4, 3)]
    assert cells.covered(5, 3, None) == [(5, 3)]
    lost = FormulaCell(9, 9, 0, "shared", "=1", shared_index="8")
    assert cells.covered(9, 9, lost) == [(9, 9)]  # no group by that index: the cell alone
