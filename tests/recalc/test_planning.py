"""The plan of the vectorised calls: formulas copied down grouped in blocks, the calls found in them
(whole formula or nested, given a scratch column), the runs and the order they are taken in."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from books import write_book  # noqa: E402

from trups_xl.recalc.calls import Copied  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.planning import blocks, plan, scratch_title  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


def test_a_formula_copied_down_moves_its_relative_rows_only():
    assert Copied("=A2+$B$3+C$4+$D5+Sheet2!E6").moved(3) == "=A5+$B$3+C$4+$D8+Sheet2!E9"
    assert Copied('=TRUPS_COUPON(A2,"B2")').moved(0) == '=TRUPS_COUPON(A2,"B2")'


def _formulas(tmp_path, cells):
    path = write_book(tmp_path / "b.xlsx", cells, sheet="Model")
    found = scan(path, Limits())
    formulas = {("Model", r, c): cell.text for (r, c), cell in found.sheet("Model").formulas.items()}
    return found, formulas


def test_blocks_are_one_formula_copied_down_consecutive_rows_of_one_column(tmp_path):
    cells = {f"B{r}": f"=TRUPS_COUPON(A{r})" for r in range(2, 6)}
    cells |= {"B6": "=TRUPS_COUPON(A6)*2", "B8": "=TRUPS_COUPON(A8)", "C2": "=TRUPS_COUPON(A2)"}
    _found, formulas = _formulas(tmp_path, cells)
    keys = sorted(formulas, key=lambda k: (k[0], k[2], k[1]))
    got = [(b.col, b.first_row, b.count) for b in blocks(formulas, keys)]
    assert got == [(2, 2, 4), (2, 6, 1), (2, 8, 1), (3, 2, 1)]


def test_a_column_of_calls_is_one_run_and_a_call_reading_it_the_next_level(tmp_path):
    cells = {f"B{r}": f"=TRUPS_NEXT_PAYMENT_DATE(A{r})" for r in range(2, 12)}
    cells |= {f"C{r}": f"=IF(A{r}>0,TRUPS_PREVIOUS_PAYMENT_DATE(B{r}),0)" for r in range(2, 12)}
    found, formulas = _formulas(tmp_path, cells)
    the_plan = plan(found, formulas, set())
    assert the_plan.scratch == scratch_title(found) == "_trups_scratch"
    runs = {(r.col, r.first_row, r.count, r.first.function): level
            for r, level in zip(the_plan.runs, the_plan.levels, strict=True)}
    assert runs == {(2, 2, 10, "TRUPS_NEXT_PAYMENT_DATE"): 1, (3, 2, 10, "TRUPS_PREVIOUS_PAYMENT_DATE"): 2}
    nested = next(h for h in the_plan.hosts if h.block.col == 3)
    assert not nested.top and nested.text == "=IF(A2>0,'_trups_scratch'!A2,0)"  # the call's values: scratch column A


def test_the_scratch_sheet_is_named_apart_from_every_sheet_of_the_workbook(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A1": 1}, sheet="_trups_scratch")
    assert scratch_title(scan(path, Limits())) != "_trups_scratch"


def test_the_cells_of_blocks_are_a_set_of_keys_with_no_key_kept_per_cell():
    from trups_xl.recalc.planning import Block, BlockCells

    cells = BlockCells([Block("S", 3, 2, "=A2", 4), Block("S", 3, 10, "=A10", 2), Block("T", 1, 5, "=B5", 1)])
    assert set(cells) == {("S", r, 3) for r in (2, 3, 4, 5, 10, 11)} | {("T", 5, 1)}
    assert len(cells) == 7 and ("S", 5, 3) in cells and ("S", 6, 3) not in cells and ("S", 5, 4) not in cells
    assert ("S", "C5") not in cells and "x" not in cells and not BlockCells()
