"""The formulas the engine is given instead of the workbook's: a skipped argument marked, a call
renamed to its alias, a column set at once (cell by cell where the engine refuses the column)."""

import pytest

fz = pytest.importorskip("formualizer")

from trups_xl.recalc.blocks import Block  # noqa: E402
from trups_xl.recalc.engine import ALIAS, SKIPPED  # noqa: E402
from trups_xl.recalc.marking import mark_skipped_in, marked, set_formulas  # noqa: E402


def test_only_blocks_that_skip_an_argument_or_call_an_aliased_function_are_marked():
    skips = Block("S", 2, 1, "=TRUPS_ACCRUAL(B1,A1,,1000)", 3)
    plain = Block("S", 3, 1, "=TRUPS_COUPON(A1)", 3)
    other = Block("S", 4, 1, "=TRUPS_NEXT_PAYMENT_DATE(A1)", 3)
    out = dict((b.col, texts) for b, texts in marked([skips, plain, other], alias=frozenset({"TRUPS_COUPON"})))
    assert set(out) == {2, 3}  # the call nobody skips or renames is left as it is
    assert out[2][2].replace(" ", "") == f'=TRUPS_ACCRUAL(B3,A3,"{SKIPPED}",1000)'  # rows moved, skip marked
    assert out[3] == [f"={ALIAS}COUPON(A{r})" for r in (1, 2, 3)]


def test_a_skipped_argument_inside_a_text_is_not_one():
    assert list(marked([Block("S", 2, 1, '=TRUPS_COUPON(A1)&",,"', 2)])) == []


def test_a_column_the_engine_refuses_whole_is_set_cell_by_cell(tmp_path):
    # a loaded workbook's engine refuses, set through its API, a formula reading its own cell: that cell
    # keeps the formula it loaded (on a cycle), the column's other cells are set
    from books import write_book

    path = write_book(tmp_path / "b.xlsx", {**{f"A{r}": float(r) for r in (1, 2, 3)},
                                            "B1": "=A1*2", "B2": "=B2+1", "B3": "=A3*2"})
    book = fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral)
    title = book.sheet_names[0]
    with pytest.raises(RuntimeError):
        book.set_formulas_batch(title, 1, 2, [["=A1*3"], ["=B2+2"], ["=A3*3"]])
    set_formulas(book, title, 1, 2, ["=A1*3", "=B2+2", "=A3*3"])
    book.evaluate_all()
    assert [book.get_value(title, r, 2) for r in (1, 3)] == [3.0, 9.0]
    assert book.get_formula(title, 2, 2).replace(" ", "") == "=B2+1"


def test_the_engine_alone_is_given_every_skip_marked():
    book = fz.Workbook()
    book.add_sheet("S")
    formulas = {("S", r, 2): f"=TRUPS_ACCRUAL(A{r},A{r},,1000)" for r in (1, 2)}
    for (sheet, row, col), text in formulas.items():
        book.set_formula(sheet, row, col, text)
    mark_skipped_in(book, formulas)
    assert SKIPPED in book.get_formula("S", 2, 2)
