"""The plan of the vectorised calls: formulas copied down grouped in blocks, the calls found in them
(whole formula or nested, given a scratch column), the runs and the order they are taken in."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from books import write_book  # noqa: E402

from trups_xl.recalc.calls import Copied  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.planning import always_called, plan, scratch_title  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


def test_a_formula_copied_down_moves_its_relative_rows_only():
    assert Copied("=A2+$B$3+C$4+$D5+Sheet2!E6").moved(3) == "=A5+$B$3+C$4+$D8+Sheet2!E9"
    # a name that reads like a cell beyond the grid (column YTD is past XFD) is a name: it stays
    assert Copied("=TRUPS_ACCRUED_INTEREST(A2,,YTD1)+XFD2").moved(3) == "=TRUPS_ACCRUED_INTEREST(A5,,YTD1)+XFD5"
    assert Copied('=TRUPS_COUPON(A2,"B2")').moved(0) == '=TRUPS_COUPON(A2,"B2")'
    # nor is a name ending in letters and digits after an accented letter: Año1 holds no cell o1
    assert Copied("=TRUPS_ACCRUED_INTEREST(A2,,Año1)*Größe1").moved(3) == "=TRUPS_ACCRUED_INTEREST(A5,,Año1)*Größe1"


def _formulas(tmp_path, cells):
    path = write_book(tmp_path / "b.xlsx", cells, sheet="Model")
    found = scan(path, Limits())
    formulas = {("Model", r, c): cell.text for (r, c), cell in found.sheet("Model").formulas.items()}
    return found, formulas


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
    assert not nested.top and nested.text == "=IF(A2>0,_trups_scratch!A2,0)"  # the call's values: scratch column A


def test_the_scratch_sheet_is_named_apart_from_every_sheet_of_the_workbook(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A1": 1}, sheet="_trups_scratch")
    assert scratch_title(scan(path, Limits())) != "_trups_scratch"


@pytest.mark.parametrize("text, always", [
    ("=IFERROR(TRUPS_COUPON(A2,,P),\"\")", True),  # IFERROR's first argument is always evaluated
    ("=TRUPS_COUPON(F2,,P)*NumSecs", True),
    ("=IF(AND(A2>=D,TRUPS_ACCRUAL(B2,A2)>0),1,0)", True),  # an IF's condition; AND evaluates every argument
    ("=IF(A2=F2,TRUPS_COUPON(A2,,P),0)", False),  # a branch
    ("=IF(A2=F2,0,TRUPS_COUPON(A2))", False),
    ("=IFERROR(1/A2,TRUPS_COUPON(A2))", False),  # what IFERROR falls back on
    ("=_xlfn.IFS(A2>0,TRUPS_COUPON(A2))", False),
    ("=CHOOSE(A2,TRUPS_COUPON(B2),2)", False),
    ("=IF(A2,1,2)+TRUPS_COUPON(B2)", True),  # after the IF has closed
    # a call that is a whole argument of a function that may take a cell reference otherwise than its
    # value: SUM skips a referenced text where it refuses a text given to it, AND alike, ISREF tells them apart
    ("=SUM(IF(A2,1,2),TRUPS_COUPON(B2))", False),
    ("=SUM(TRUPS_COUPON(A2,,P),100)", False),
    ('=AND(TRUPS_TERMS("name"),TRUE)', False),
    ("=ISREF(TRUPS_NEXT_PAYMENT_DATE(A2))", False),
    ("=SUM((TRUPS_COUPON(B2)))", False),  # in parentheses it is still the whole argument
    ("=SUM(TRUPS_COUPON(B2)*1,100)", True),  # an operand: taken as its value either way
    ("=-TRUPS_COUPON(B2)", True),
    ("=TRUPS_COUPON(B2)%", True),
    ('=IFERROR(TRUPS_COUPON(B2),"")&"x"', True),
    ("=1+(", False),  # the tokenizer refuses it
])
def test_a_call_is_read_from_a_cell_only_if_always_made_and_taken_as_a_value(text, always):
    assert always_called(text) is always


def test_the_engine_evaluates_and_and_or_whole_and_skips_only_a_branch():
    """What always_called assumes of the engine: AND and OR call every argument, IF and IFERROR only what
    they take."""
    import formualizer as fz

    book, made = fz.Workbook(), []
    book.register_function("F", lambda *_a: made.append(1) or 1.0, min_args=0, max_args=0)
    for row, text in enumerate(["=AND(FALSE,F()>0)", "=OR(TRUE,F()>0)", "=IFERROR(F(),0)", "=IF(FALSE,F(),0)",
                                "=IFERROR(1,F())"], start=1):
        book.sheet("S").set_formula(row, 1, text)
    book.evaluate_all()
    assert len(made) == 3


@pytest.mark.parametrize("text, as_values", [
    ("=IF(A2=F2,TRUPS_COUPON(A2,,P),0)", True),  # a branch: taken as a value when taken
    ('=IFERROR(TRUPS_COUPON(A2),"")', True),
    ("=TRUPS_COUPON(F2,,P)*NumSecs", True),
    ("=CHOOSE(A2,TRUPS_COUPON(B2)+0,2)", True),
    ("=SUM(TRUPS_COUPON(A2),1)", False),  # SUM skips a referenced text and refuses a text given to it
    ("=IF(A2,SUM(TRUPS_COUPON(A2),1),0)", False),
    ("=OR(TRUPS_COUPON(A2),FALSE)", False),
    ("=ISREF(TRUPS_NEXT_PAYMENT_DATE(A2))", False),
    ("=1+(", False),
])
def test_a_formula_reads_its_calls_from_cells_only_where_each_is_taken_as_a_value(text, as_values):
    from trups_xl.recalc.planning import taken_as_values

    assert taken_as_values(text) is as_values


def test_no_run_is_unread_where_a_call_refuses_a_range_the_engine_may_read_instead(tmp_path):
    cells = {f"B{r}": f"=TRUPS_NEXT_PAYMENT_DATE(A{r})" for r in range(2, 12)}  # read by nothing
    the_plan = plan(*_formulas(tmp_path, cells), set())
    assert [the_plan.runs[n].col for n in the_plan.unread] == [2]
    # a call refusing a range of two whole columns reads nothing in the plan; its formula given back to the
    # engine (a formula around it that cannot read a scratch cell) would read them
    cells |= {f"C{r}": f"=IF(A{r}>0,TRUPS_ACCRUAL(A1:B1048576,A{r}),0)" for r in range(2, 12)}
    the_plan = plan(*_formulas(tmp_path, cells), set())
    assert any(c for r in the_plan.runs for c in r.first.args if type(c).__name__ == "Refusal")
    assert the_plan.unread == frozenset()


def test_a_column_of_calls_naming_a_name_that_reads_like_a_cell_is_one_run(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.workbook.defined_name import DefinedName

    cells = {"D1": 25} | {f"B{r}": f"=TRUPS_ACCRUED_INTEREST(A{r},,YTD1)" for r in range(2, 202)}
    path = write_book(tmp_path / "b.xlsx", cells, sheet="Model")
    book = load_workbook(path)
    book.defined_names["YTD1"] = DefinedName("YTD1", attr_text="Model!$D$1")
    book.save(path)
    found = scan(path, Limits())
    formulas = {("Model", r, c): cell.text for (r, c), cell in found.sheet("Model").formulas.items()}
    assert [(r.col, r.first_row, r.count) for r in plan(found, formulas, set()).runs] == [(2, 2, 200)]
