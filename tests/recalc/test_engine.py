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


def test_dates_read_as_serials_by_the_engine_are_what_as_sent_makes_of_its_dates():
    """A run's arguments are read with the engine making every date, date-time, time of day and duration
    its serial (``dates_as_serials``): the numbers ``as_sent`` makes of the same cells read as the engine's
    own dates and times (to a microsecond), before 1900-03-01 (Excel's 1900-02-29 counted) included; its dates
    again after."""
    import formualizer as fz
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.recalc.engine import dates_as_serials

    moments = st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
                        st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31)).map(
                            lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
                        st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000)),
                        st.timedeltas(dt.timedelta(0), dt.timedelta(days=3000)).map(
                            lambda d: dt.timedelta(seconds=round(d.total_seconds(), 3))),
                        st.floats(-1e9, 1e9), st.text(max_size=5), st.booleans(), st.none())

    @settings(max_examples=60, deadline=None)
    @given(values=st.lists(moments, min_size=1, max_size=12))
    def check(values):
        book = fz.Workbook(mode=fz.WorkbookMode.Ephemeral)
        book.add_sheet("S")
        book.set_values_batch("S", 1, 1, [[v] for v in values])
        book.set_formula("S", 1, 2, "=A1+0")  # a formula's result too
        area = fz.RangeAddress("S", 1, 1, len(values), 2)
        native = [[as_sent(v) for v in row] for row in book.sheet("S").get_values(area)]
        with dates_as_serials(book):
            serial = [[as_sent(v) for v in row] for row in book.sheet("S").get_values(area)]
            assert all(type(v) is not dt.date for row in book.sheet("S").get_values(area) for v in row)
        for got, want in zip((v for row in serial for v in row), (v for row in native for v in row), strict=True):
            # the engine's native duration is cut to whole microseconds (1.2e-11 of a day): its serial is not
            assert got == pytest.approx(want, rel=1e-12, abs=1e-10) if type(want) is float else got == want
        assert book.sheet("S").get_values(area) == book.sheet("S").get_values(area)  # its own values again
        assert any(isinstance(v, (dt.date, dt.time, dt.timedelta)) for row in book.sheet("S").get_values(area)
                   for v in row) == any(isinstance(v, (dt.date, dt.time, dt.timedelta)) for v in values)

    check()
