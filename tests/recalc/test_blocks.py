"""Formulas copied down a column grouped in blocks: found a stretch of copies at a time, checked
against the definition applied cell by cell; the cells of blocks as a set of keys."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

from books import write_book  # noqa: E402

from trups_xl.recalc.blocks import blocks, trups_blocks  # noqa: E402
from trups_xl.recalc.calls import Copied  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


def _formulas(tmp_path, cells):
    path = write_book(tmp_path / "b.xlsx", cells, sheet="Model")
    found = scan(path, Limits())
    return {("Model", r, c): cell.text for (r, c), cell in found.sheet("Model").formulas.items()}


def test_blocks_are_one_formula_copied_down_consecutive_rows_of_one_column(tmp_path):
    cells = {f"B{r}": f"=TRUPS_COUPON(A{r})" for r in range(2, 6)}
    cells |= {"B6": "=TRUPS_COUPON(A6)*2", "B8": "=TRUPS_COUPON(A8)", "C2": "=TRUPS_COUPON(A2)"}
    formulas = _formulas(tmp_path, cells)
    got = [(b.col, b.first_row, b.count) for b in trups_blocks(formulas)]
    assert got == [(2, 2, 4), (2, 6, 1), (2, 8, 1), (3, 2, 1)]


def test_a_column_of_copies_holding_a_text_that_reads_like_a_reference_is_one_block(tmp_path):
    # Excel keeps a text as it is in a formula's copies: "H1" is a period's label, not a cell
    cells = {f"B{r}": f'=IF(C{r}="H1",TRUPS_COUPON(A{r}),0)' for r in range(2, 42)}
    formulas = _formulas(tmp_path, cells)
    assert [(b.col, b.first_row, b.count) for b in trups_blocks(formulas)] == [(2, 2, 40)]


def _blocks_cell_by_cell(formulas, keys):
    """The blocks as the definition reads: a cell joins the block above it when it is in the next row of
    the same column and holds the block's first formula moved down to it."""
    out = []
    for key in keys:
        last = out[-1] if out else None
        if last is not None and (key[0], key[2]) == (last[0], last[1]) and key[1] == last[2] + last[3] \
                and formulas[key] == Copied(last[4]).moved(last[3]):
            out[-1] = (*last[:3], last[3] + 1, last[4])
        else:
            out.append((key[0], key[2], key[1], 1, formulas[key]))
    return out


_PIECES = ("=A{r}", "=A{r}*2", "=A{q}+$B$1", "=SUM($A$1:A{r})", '=A{r}&"A1"', "=C$2", "=A{p}")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S", "T"]), st.integers(1, 3), st.integers(1, 60), st.integers(1, 40),
                          st.sampled_from(_PIECES), st.integers(-2, 2)), max_size=12))
def test_blocks_found_a_stretch_at_a_time_are_the_blocks_found_cell_by_cell(runs):
    # runs of one formula copied down, written over each other (so broken, shortened, with gaps), other
    # formulas, a text that reads like a reference (copied as it is) and formulas whose rows are off (not copies)
    formulas = {}
    for sheet, col, top, length, piece, shift in runs:
        for row in range(top, top + length):
            text = piece.format(r=row + shift, q=row, p=max(row - 1 + shift, 1))
            formulas[(sheet, row, col)] = text.replace("=", "=TRUPS_X(", 1) + ")"
    keys = sorted(formulas, key=lambda k: (k[0], k[2], k[1]))
    columns = {}
    for sheet, row, col in keys:
        columns.setdefault((sheet, col), []).append(row)
    found = [(b.sheet, b.col, b.first_row, b.count, b.text) for b in blocks(formulas, columns)]
    assert found == _blocks_cell_by_cell(formulas, keys)
    assert [(b.sheet, b.col, b.first_row, b.count, b.text) for b in trups_blocks(formulas)] == found


def test_a_long_column_of_copies_with_a_break_and_a_gap_is_three_blocks():
    formulas = {("S", r, 2): f"=TRUPS_COUPON(A{r})" for r in range(2, 5002)}
    formulas[("S", 3000, 2)] = "=TRUPS_COUPON(A3000)*2"
    del formulas[("S", 4000, 2)]
    got = [(b.first_row, b.count) for b in trups_blocks(formulas)]
    assert got == [(2, 2998), (3000, 1), (3001, 999), (4001, 1001)]


def test_the_cells_of_blocks_are_a_set_of_keys_with_no_key_kept_per_cell():
    from trups_xl.recalc.blocks import Block, BlockCells

    cells = BlockCells([Block("S", 3, 2, "=A2", 4), Block("S", 3, 10, "=A10", 2), Block("T", 1, 5, "=B5", 1)])
    assert set(cells) == {("S", r, 3) for r in (2, 3, 4, 5, 10, 11)} | {("T", 5, 1)}
    assert len(cells) == 7 and ("S", 5, 3) in cells and ("S", 6, 3) not in cells and ("S", 5, 4) not in cells
    assert ("S", "C5") not in cells and "x" not in cells and not BlockCells()
