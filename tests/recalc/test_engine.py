"""The adapter between the formula engine and the functions: what a function is sent, what the
engine is given back, skipped arguments marked, dates remembered."""

import datetime as dt
import math

import numpy as np
import pytest

pytest.importorskip("formualizer")

from trups_xl.recalc.engine import SKIPPED, DateLog, as_sent, as_shown, evaluate_all, mark_skipped, to_engine
from trups_xl.recalc.safety import RefusedError

EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 system, from 1900-03-01 on


def test_a_function_is_sent_what_excel_sends_a_udf():
    assert as_sent({"type": "Error", "kind": "Div"}) == "#DIV/0!"
    assert as_sent({"type": "Error", "kind": "Na"}) == "#N/A"
    assert as_sent(SKIPPED) is None
    assert as_sent([[2.5]]) == 2.5  # a range of one cell is its value
    assert as_sent([[1.0, "a"], [None, True]]) == [[1.0, "a"], [None, True]]
    # a date, typed or a formula's result, reaches a function as its serial (the engine reads it back as a
    # date, and calls a function with its number); a report keeps it a date
    assert as_sent(dt.date(2009, 1, 4)) == 39817.0 and as_sent(dt.datetime(2009, 1, 4, 12)) == 39817.5
    assert as_sent([[dt.date(2009, 1, 4), 1.0]]) == [[39817.0, 1.0]]
    assert as_shown([[dt.date(2009, 1, 4), 1.0]]) == [[dt.date(2009, 1, 4), 1.0]]


def test_the_engine_is_given_serials_lists_and_errors():
    day = dt.date(2037, 12, 21)
    assert to_engine(day) == float((day - EPOCH).days)
    assert to_engine(dt.datetime(2037, 12, 21, 18, 30)) == float((day - EPOCH).days)  # the time of day dropped
    assert to_engine(np.array([[1.5, 2.5]])) == [[1.5, 2.5]]
    assert type(to_engine(np.float64(0.25))) is float
    assert to_engine(None) == ""
    assert to_engine(math.nan) == {"type": "Error", "kind": "Num"}
    assert to_engine([[day, "x"]]) == [[float((day - EPOCH).days), "x"]]


def test_a_skipped_argument_of_a_trups_call_is_marked_and_no_other():
    marked = f'"{SKIPPED}"'
    assert mark_skipped("=TRUPS_COUPON(A2,,B2)") == f"=TRUPS_COUPON(A2,{marked},B2)"
    assert mark_skipped("=TRUPS_COUPON(A2,)") == f"=TRUPS_COUPON(A2,{marked})"
    assert mark_skipped("=IF(A1,TRUPS_ACCRUAL(,B2),SUM(C1,,C3))") == f"=IF(A1,TRUPS_ACCRUAL({marked},B2),SUM(C1,,C3))"
    assert mark_skipped("=SUM(A1,,A3)") is None
    assert mark_skipped("=TRUPS_COUPON(A2,B2)") is None


def test_the_date_log_knows_which_results_were_dates():
    log = DateLog()
    day = dt.date(2030, 3, 15)
    log.record("TRUPS_NEXT_PAYMENT_DATE", day)
    log.record("TRUPS_SCHEDULE", [[dt.datetime(2030, 6, 15, 9), 12.5]])
    serial = float((day - EPOCH).days)
    assert log.is_date("TRUPS_NEXT_PAYMENT_DATE", 0, 0, serial)
    assert not log.is_date("TRUPS_NEXT_PAYMENT_DATE", 0, 0, serial + 1)
    assert log.is_date("TRUPS_SCHEDULE", 0, 0, float((dt.date(2030, 6, 15) - EPOCH).days))
    assert not log.is_date("TRUPS_SCHEDULE", 0, 1, 12.5)


def test_a_formula_nested_too_deeply_is_one_line():
    class Deep:
        def evaluate_all(self):
            raise RecursionError

    with pytest.raises(RefusedError, match=r"^a formula is nested too deeply to evaluate$"):
        evaluate_all(Deep())


@pytest.mark.parametrize("formula, evaluates_everything", [
    ("=A{r}-1", False), ("=SUM($A$1:A{r})", False), ("=IFERROR(A{r}/0,1)", False),
    ("=IF(A{r}>0,A{r},0)", True), ("=CHOOSE(1,A{r},2)", True),
])
def test_the_engine_evaluates_everything_when_asked_for_an_if(formula, evaluates_everything):
    # what vectorise relies on knowing (and docs/performance.md says): evaluating a set of cells evaluates
    # what they read, except where an IF or CHOOSE is among them; then every formula is evaluated, so a
    # call whose run is not made yet can be met (it gets a stand-in)
    import formualizer as fz

    book = fz.Workbook()
    book.add_sheet("S")
    calls = []
    book.register_function("ELSEWHERE", lambda *a: calls.append(a) or 1.0, min_args=0, max_args=1)
    book.set_values_batch("S", 1, 1, [[float(i)] for i in range(50)])
    book.set_formulas_batch("S", 1, 2, [[formula.format(r=i + 1)] for i in range(50)])
    book.set_formulas_batch("S", 1, 3, [[f"=ELSEWHERE(A{i + 1})"] for i in range(50)])
    book.evaluate_cells([("S", 5, 2)])
    assert (len(calls) == 50) is evaluates_everything and (not calls) is not evaluates_everything
