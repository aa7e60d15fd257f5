"""A sheet's formula cells as column segments, their values read from the engine by segment, and the
segments' cells that may anchor a spill."""

import pytest

fz = pytest.importorskip("formualizer")

from trups_xl.recalc.segments import GAP, SegmentValues, column_segments, holding, may_spill, overlap  # noqa: E402


def test_cells_group_into_column_segments_of_consecutive_rows():
    assert column_segments([(1, 1), (2, 1), (3, 1), (5, 1), (1, 2), (2, 2)]) == [(1, 1, 3), (1, 5, 5), (2, 1, 2)]
    assert column_segments([]) == []
    assert column_segments([(3, 1), (1, 1), (2, 1)]) == [(1, 1, 3)]  # rows in any order
    assert column_segments([(5, 1), (5, 1), (6, 1)]) == [(1, 5, 6)]  # a cell twice: as it was
    assert column_segments([(5, 1), (7, 1), (7, 1)]) == [(1, 5, 5), (1, 7, 7)]


def test_only_cells_without_something_both_right_and_below_may_anchor_a_spill():
    # every cell holds something: column A rows 1-5 beside column B rows 2-3; A1 and A4 have nothing
    # to their right, A5 nothing below; column B nothing to its right
    full = [(1, 1, 5), (2, 2, 3)]
    assert may_spill(full, full) == [(1, 1, 1), (1, 4, 5), (2, 2, 3)]
    assert may_spill([(1, 1, 3), (2, 1, 3)], [(1, 1, 3), (2, 1, 3)]) == [(1, 3, 3), (2, 1, 3)]
    # B2 left blank in the engine: A2 may spill right into it
    assert may_spill([(1, 1, 3), (2, 1, 3)], [(1, 1, 3), (2, 1, 1), (2, 3, 3)]) == [(1, 2, 3), (2, 1, 3)]
    assert may_spill([], []) == []
    assert overlap([(1, 3), (6, 9)], [(2, 7)]) == [(2, 3), (6, 7)] and overlap([(1, 2)], []) == []


def _book(cells):
    book = fz.Workbook()
    book.add_sheet("S")
    for (row, col), value in cells.items():
        book.set_value("S", row, col, value)
    return book


def test_segments_that_fill_their_rectangle_are_read_at_once():
    book = _book({(1, 1): 1.0, (2, 1): 2.0, (1, 2): 3.0})
    grid = SegmentValues(book, "S", [(1, 1, 2), (2, 1, 1)])
    assert grid.origin == (1, 1) and grid.rows[0][:2] == [1.0, 3.0] and grid.dense == {}
    assert grid.get(2, 1) == (True, 2.0) and grid.get(9, 9) == (False, None)


def test_sparse_segments_are_read_one_by_one_and_a_column_they_fill_kept_dense(monkeypatch):
    from trups_xl.recalc import segments

    monkeypatch.setattr(segments, "SPARE_CELLS", 0)
    book = _book({(1, 1): 1.0, (2, 1): 2.0, (3, 1): 3.0, (6, 1): 6.0, (7, 1): "seven", (1, 3): 9.0})
    cuts = [(1, 1, 3), (1, 6, 7), (3, 1, 1)]  # 21 cells around 6: not read as a rectangle
    grid = SegmentValues(book, "S", cuts)
    assert grid.rows == []
    assert grid.dense[1] == (1, [1.0, 2.0, 3.0, GAP, GAP, 6.0, "seven"]) and grid.dense[3] == (1, [9.0])
    assert [grid.get(row, 1) for row in (1, 3, 4, 7, 8)] == [(True, 1.0), (True, 3.0), (False, None),
                                                            (True, "seven"), (False, None)]
    assert holding(grid, cuts) == cuts


def test_a_rectangle_with_a_column_no_segment_holds_is_read_by_segment():
    # columns A and C read, B between them a run's (its values known): the rectangle would read B's texts only to
    # drop them (100,000 of a run's messages at once), so each segment is read alone
    book = _book({**{(r, 1): float(r) for r in range(1, 4)}, **{(r, 2): "a message" * 30 for r in range(1, 4)},
                  **{(r, 3): -float(r) for r in range(1, 4)}})
    grid = SegmentValues(book, "S", [(1, 1, 3), (3, 1, 3)])
    assert grid.rows == [] and grid.dense == {1: (1, [1.0, 2.0, 3.0]), 3: (1, [-1.0, -2.0, -3.0])}
    assert SegmentValues(book, "S", [(1, 1, 3), (2, 1, 3), (3, 1, 3)]).rows[0] == [1.0, "a message" * 30, -1.0]


class _Counted:
    """A workbook whose sheets count the cells read from them."""

    def __init__(self, book):
        self.book, self.read = book, []

    def sheet(self, name):
        handle, read = self.book.sheet(name), self.read

        class Handle:
            def get_values(self, area):
                read.append((area.start_row, area.start_col, area.end_row, area.end_col))
                return handle.get_values(area)

        return Handle()


def test_what_a_formula_or_a_run_fills_beside_a_segment_is_not_read_to_look_for_spills():
    from array import array

    from trups_xl.recalc.formula_cells import COLUMN_BITS
    from trups_xl.recalc.segments import filled_around

    book = _book({**{(r, 2): "a run's message" for r in range(1, 6)}, (3, 4): 1.0})
    counted = _Counted(book)
    run = array("q", sorted([r << COLUMN_BITS | 2 for r in range(1, 6)] + [6 << COLUMN_BITS | 1]))  # B1:B5, A6
    assert filled_around(counted, "S", [(1, 1, 5)], [(1, 1, 5)], run) == [] and counted.read == []
    # C1:C6 beside formulas in column D but for D3 (a value): only D3 is read beside it, and C7 below it
    segments = [(3, 1, 6), (4, 1, 2), (4, 4, 6)]
    assert filled_around(counted, "S", [(3, 1, 6)], segments) == [(3, 3, 3)]
    assert counted.read == [(3, 4, 3, 4), (7, 3, 7, 3)]


def test_a_column_its_segments_leave_mostly_empty_is_not_kept_dense(monkeypatch):
    from trups_xl.recalc import segments

    monkeypatch.setattr(segments, "SPARE_CELLS", 0)
    book = _book({(1, 1): 1.0, (100, 1): 2.0})
    grid = SegmentValues(book, "S", [(1, 1, 1), (1, 100, 100)])
    assert grid.dense == {} and grid.get(100, 1) == (True, 2.0) and grid.get(50, 1) == (False, None)


def test_a_segments_values_are_read_as_its_cells_are():
    book = _book({(1, 1): 1.0, (3, 1): 3.0, (2, 2): "b"})
    whole = SegmentValues(book, "S", [(1, 1, 3), (2, 2, 2)])  # read as one rectangle
    assert whole.values(1, 1, 3) == [1.0, None, 3.0] == [whole.get(row, 1)[1] for row in (1, 2, 3)]
    assert whole.values(2, 2, 2) == ["b"] and whole.values(1, 3, 5) == [3.0, None, None]
    assert holding(whole, [(1, 1, 3), (2, 2, 2)]) == [(1, 1, 1), (1, 3, 3), (2, 2, 2)]
    assert column_segments([]) == [] and SegmentValues(book, "S", []).values(1, 1, 2) == [None, None]


def test_the_cells_left_to_ask_about_spills_hold_every_anchor_the_engine_shows():
    """Generated sheets of formulas (spilling ones among them: SEQUENCE, a range, a table-returning function,
    some blocked), typed values, a run's cells (its values set where the workbook has its formulas) and empty
    cells: the anchors found asking only the cells :func:`filled_around` leaves are those found asking every
    formula cell. A spill shows no empty cell (an empty element is 0)."""
    from array import array

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.recalc.formula_cells import COLUMN_BITS
    from trups_xl.recalc.segments import filled_around, spill_anchors

    kinds = st.sampled_from(["=1+1", "=SEQUENCE(2)", "=SEQUENCE(1,2)", "=SEQUENCE(2,2)", "=K1:K2", "=K1:L1",
                             "=TABLE()", '=IF(1,"")', "value", "run", "empty", "empty"])

    @settings(max_examples=150, deadline=None)
    @given(grid=st.lists(st.lists(kinds, min_size=4, max_size=4), min_size=1, max_size=5))
    def check(grid):
        book = fz.Workbook(mode=fz.WorkbookMode.Ephemeral)
        book.add_sheet("S")
        book.register_function("TABLE", lambda *_a: [[1.0, None], [None, 2.0]], min_args=0, max_args=0)
        cells, runs = [], []
        for r, line in enumerate(grid, 1):
            for c, kind in enumerate(line, 1):
                if kind == "run":
                    book.set_value("S", r, c, 3.0)
                    runs.append(r << COLUMN_BITS | c)
                elif kind == "value":
                    book.set_value("S", r, c, 7.0)
                elif kind != "empty":
                    book.set_formula("S", r, c, kind)
                    cells.append((r, c))
        book.evaluate_all()
        segments = column_segments(cells)
        asked = filled_around(book, "S", may_spill(segments, holding(SegmentValues(book, "S", segments), segments)),
                              segments, array("q", sorted(runs)))
        assert spill_anchors(book, "S", asked) == spill_anchors(book, "S", segments)

    check()
