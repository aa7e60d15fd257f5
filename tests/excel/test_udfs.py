"""The Excel boundary: every UDF, called with the values Excel sends."""

import datetime as dt
import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.excel import convert as xlconvert
from trups_xl.excel import udfs
from trups_xl.excel.function import BUG_PREFIX, INFO, INPUT_ERROR_PREFIX, REGISTRY, excel_function

ALL = sorted(REGISTRY.items())

#: Junk every argument must refuse (None and '' only where the argument is required).
JUNK = ["abc", True, False, -5.0, 1e15, float("nan"), [[1.0], [2.0, 3.0]], "#N/A",
        [["abc", 1.0], [2.0, 3.0]], []]
BLANKS = [None, ""]


def test_every_public_udf_is_registered():
    assert set(udfs.__all__) == set(REGISTRY)  # xlwings Lite: `from trups_xl.udfs import *` brings them all
    assert set(REGISTRY) >= {"TRUPS_ACCRUAL", "TRUPS_ACCRUED_INTEREST", "TRUPS_COUPON",
                             "TRUPS_PREVIOUS_PAYMENT_DATE", "TRUPS_NEXT_PAYMENT_DATE",
                             "TRUPS_SCHEDULE", "TRUPS_TERMS"}


@pytest.mark.parametrize(("name", "fn"), ALL, ids=[n for n, _ in ALL])
def test_example_computes(name, fn):
    result = fn(*INFO[fn.__name__].example)
    assert not (isinstance(result, str) and result.startswith("#")), result


def _cases():
    for name, fn in ALL:
        params = list(inspect.signature(fn).parameters.values())
        for pos, param in enumerate(params):
            junk = list(JUNK)
            if param.default is inspect.Parameter.empty:
                junk += BLANKS
            for value in junk:
                yield pytest.param(fn, pos, param.name, value, id=f"{name}-{param.name}-{value!r}"[:80])


@pytest.mark.parametrize(("fn", "pos", "argument", "junk"), list(_cases()))
def test_junk_gives_a_one_line_trups_error_naming_the_argument(fn, pos, argument, junk):
    args = list(INFO[fn.__name__].example) + [None] * (len(inspect.signature(fn).parameters)
                                                   - len(INFO[fn.__name__].example))
    args[pos] = junk
    result = fn(*args)
    assert isinstance(result, str), f"{fn.__name__}({args}) returned {result!r}"
    assert result.startswith(INPUT_ERROR_PREFIX + " "), result
    assert "\n" not in result
    assert argument in result


def test_internal_errors_are_not_disguised_as_input_errors():
    @excel_function()
    def TRUPS_TEST_BROKEN(x=None):
        """Broken on purpose."""
        return 1 / 0

    try:
        assert TRUPS_TEST_BROKEN().startswith(BUG_PREFIX + " ZeroDivisionError")
    finally:
        REGISTRY.pop("TRUPS_TEST_BROKEN")
        INFO.pop("TRUPS_TEST_BROKEN")


def test_dates_in_every_form_excel_sends():
    expected = udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31")
    assert expected == pytest.approx(0.083 * 40 / 360 * 1000)
    assert udfs.TRUPS_ACCRUAL(39803.0, 39844.0) == expected  # serials
    assert udfs.TRUPS_ACCRUAL(39803.75, 39844.0) == expected  # time of day dropped, as COUP* do
    assert udfs.TRUPS_ACCRUAL(dt.datetime(2008, 12, 21), dt.date(2009, 1, 31)) == expected
    assert udfs.TRUPS_ACCRUAL([[39803.0]], [[39844.0]]) == expected  # 1x1 ranges (ndim=2)


def test_ranges_broadcast_and_keep_their_shape():
    column = udfs.TRUPS_ACCRUAL("2007-12-21", [["2008-06-21"], ["2008-12-21"]])
    assert column == [[pytest.approx(41.5)], [pytest.approx(83.0)]]
    row = udfs.TRUPS_ACCRUAL([["2007-12-21", "2008-06-21"]], "2008-12-21")
    assert row == [[pytest.approx(83.0), pytest.approx(41.5)]]
    bad = udfs.TRUPS_ACCRUAL([["2007-12-21", "2008-06-21"]], [["2008-12-21", "2009-06-21", "2009-12-21"]])
    assert bad.startswith("#TRUPS! start_date: ranges of incompatible shapes")


def test_fixings_forms_and_missing_fixing():
    single = udfs.TRUPS_COUPON("2038-03-21", 0.0491)
    table = udfs.TRUPS_COUPON("2038-03-21", [["period_start", "rate"], ["2037-12-21", 0.0491], [None, None]])
    fallback = udfs.TRUPS_COUPON("2038-03-21", None, None, "prospectus_fallback")
    assert single == table == fallback == pytest.approx(0.0908 * 91 / 360 * 1000)
    missing = udfs.TRUPS_COUPON("2038-06-21", [["2037-12-21", 0.05]])
    assert missing.startswith("#TRUPS! fixings: no fixing for the floating period starting 2038-03-21")
    assert udfs.TRUPS_COUPON("2038-03-21", 4.91).startswith("#TRUPS! fixings: 4.91 is not a rate")


def test_principal_and_policy():
    assert udfs.TRUPS_COUPON("2008-06-21", None, 3_500_000_000.0) == pytest.approx(145_250_000.0)
    assert udfs.TRUPS_COUPON("2008-06-21", None, -1000.0).startswith("#TRUPS! principal:")
    assert udfs.TRUPS_COUPON("2008-06-21", None, None, "libor").startswith("#TRUPS! policy:")


def test_schedule_table():
    rows = udfs.TRUPS_SCHEDULE("2037-06-21", "2038-03-21", 0.05)
    assert rows[0] == udfs.SCHEDULE_HEADER
    assert [r[2] for r in rows[1:]] == [dt.date(2037, 6, 21), dt.date(2037, 12, 21), dt.date(2038, 3, 21)]
    last = dict(zip(rows[0], rows[-1], strict=True))
    assert last["payment_date"] == dt.date(2038, 3, 22) and last["days"] == 91
    assert last["determination_date"] == dt.date(2037, 12, 17)
    assert last["interest"] == pytest.approx(0.0917 * 91 / 360 * 1000)
    assert udfs.TRUPS_SCHEDULE().startswith("#TRUPS! fixings: no fixing")


def test_terms():
    table = udfs.TRUPS_TERMS()
    assert ["fixed_rate", 0.083] in table and ["switch_date", dt.date(2037, 12, 21)] in table
    assert udfs.TRUPS_TERMS("FLOATING_MARGIN") == 0.0417
    assert udfs.TRUPS_TERMS("coupon").startswith("#TRUPS! term:")


def test_payment_dates():
    assert udfs.TRUPS_PREVIOUS_PAYMENT_DATE(39844.0) == dt.date(2008, 12, 21)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2009-01-31") == dt.date(2009, 6, 21)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2077-12-21").startswith("#TRUPS! as_of:")


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: udfs.TRUPS_ACCRUAL("2037-12-21", "2038-01-21", [["2037-12-21", 0.05, 1.0]]), "fixings"),
    (lambda: udfs.TRUPS_SHARE_CAP("2012-01-01", [["2011-05-06", 0.1, 1.0]]), "corporate_actions"),
    (lambda: udfs.TRUPS_SCHEDULE([["2008-01-01", "2009-01-01"]]), "from_date"),
    (lambda: udfs.TRUPS_APM_ALLOCATE(10.0, [["2010-06-21", "2010-12-21"], ["2011-06-21", "2011-12-21"]],
                                     [[1.0, 1.0], [1.0, 1.0]]), "deferred_dates"),
    (lambda: udfs.TRUPS_APM_ALLOCATE(10.0, [["2010-06-21"], ["2010-12-21"]], [[1.0]]), "deferred_amounts"),
])
def test_wrong_shaped_ranges(call, argument):
    result = call()
    assert result.startswith(f"#TRUPS! {argument}:"), result


def test_shared_argument_help_fills_only_arguments_without_their_own():
    from trups_xl.excel.function import SHARED_ARG_HELP

    coupon = INFO["TRUPS_COUPON"].arg_help
    assert coupon["principal"] == SHARED_ARG_HELP["principal"]
    assert coupon["fixings"] == SHARED_ARG_HELP["fixings"]
    assert SHARED_ARG_HELP["principal"] in udfs.TRUPS_COUPON.__doc__
    # a function's own wording wins
    assert INFO["TRUPS_CLAIM_LIMIT"].arg_help["principal"].startswith("Outstanding principal")
    assert INFO["TRUPS_REDEMPTION_PRICE"].arg_help["fixings"] != SHARED_ARG_HELP["fixings"]


# ---- rates after LIBOR and the covenant, as Excel sends them ----

def test_index_rate_udf_with_a_curve_table_header_and_blank_tail():
    curve = [["date", "rate"], ["2037-01-01", 0.03], ["2047-01-01", 0.05], [None, None]]
    got = udfs.TRUPS_INDEX_RATE([["2037-12-21"], ["2038-03-21"]], "libor_act", None, curve)
    # linear: 3% + 2% x days since 2037-01-01 / 3652 days, plus the 3-month spread 0.26161%
    days = [(dt.date(2037, 12, 21) - dt.date(2037, 1, 1)).days, (dt.date(2038, 3, 21) - dt.date(2037, 1, 1)).days]
    span = (dt.date(2047, 1, 1) - dt.date(2037, 1, 1)).days
    assert [r[0] for r in got] == pytest.approx([0.03 + 0.02 * d / span + 0.0026161 for d in days], abs=1e-15)


def test_index_rate_udf_errors_name_the_argument():
    assert udfs.TRUPS_INDEX_RATE("2030-06-21").startswith("#TRUPS! period_start:")
    assert udfs.TRUPS_INDEX_RATE("2038-04-21", None, 0.03).startswith("#TRUPS! period_start:")
    assert udfs.TRUPS_INDEX_RATE("2038-03-21", "libor").startswith("#TRUPS! policy:")
    assert udfs.TRUPS_INDEX_RATE("2038-03-21", None, None).startswith("#TRUPS! fixings: no fixing")
    assert udfs.TRUPS_INDEX_RATE("2038-03-21", None, None, [[1, 2, 3]]).startswith("#TRUPS! curve:")


def test_curve_argument_on_the_accrual_functions():
    with_curve = udfs.TRUPS_COUPON("2038-03-21", None, None, "libor_act", 0.035)
    with_fixing = udfs.TRUPS_COUPON("2038-03-21", 0.035, None, "libor_act")
    assert with_curve == with_fixing
    assert udfs.TRUPS_ACCRUAL("2038-01-01", "2038-02-01", None, None, None, "abc").startswith("#TRUPS! curve:")
    assert isinstance(udfs.TRUPS_DEFERRED_INTEREST("2037-06-21", "2039-06-21", None, None, None, 0.03), float)
    assert isinstance(udfs.TRUPS_REDEMPTION_PRICE("2040-01-15", None, None, None, None, None, None, 0.03), float)
    assert isinstance(udfs.TRUPS_ACCRUED_INTEREST("2040-01-15", None, None, None, 0.03), float)


def test_libor_from_quotes_udf():
    assert udfs.TRUPS_LIBOR_FROM_QUOTES([[0.0525, 0.05251, 0.05262]]) == pytest.approx(0.0525434, abs=1e-15)
    assert udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05], [None]], [[0.051], [0.052], [0.053]]) == pytest.approx(0.052)
    assert udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05]]).startswith("#TRUPS! london_quotes: fewer than 2")


def test_covenant_udfs():
    assert udfs.TRUPS_CRC_PERCENTAGE([["2027-12-20", "2027-12-21"]], "common_stock") == [[1.33, 2.0]]
    assert udfs.TRUPS_CRC_PERCENTAGE("2020-01-01", "qcs_ii") == 0.0
    assert udfs.TRUPS_CRC_PERCENTAGE("2020-01-01", "qcs_ii", "table") == 1.0
    assert udfs.TRUPS_CRC_PERCENTAGE("2067-12-21", "qcs_i").startswith("#TRUPS! as_of:")
    assert udfs.TRUPS_CRC_PERCENTAGE("2030-01-01", None).startswith("#TRUPS! category:")
    assert udfs.TRUPS_CRC_CAPACITY("2030-06-01", [["common_stock"], ["qcs_i"], [None]],
                                   [[500e6], [250e6], [None]]) == pytest.approx(1375e6)
    assert udfs.TRUPS_CRC_CAPACITY("2030-06-01", [["common_stock"], ["qcs_i"]], [[1e8]]).startswith(
        "#TRUPS! proceeds:")
    assert udfs.TRUPS_CRC_CAPACITY("2030-06-01", [["stock"]], [[1e8]]).startswith("#TRUPS! categories:")
    assert udfs.TRUPS_CRC_MEASUREMENT_DATE("2058-03-01", "2057-10-01") == dt.date(2057, 9, 2)
    assert udfs.TRUPS_MATURITY_REPAYMENT(4_999_999) == 0.0
    assert udfs.TRUPS_MATURITY_REPAYMENT(1e9, "2068-01-21", "qcs_i") == pytest.approx(3e9)
    assert udfs.TRUPS_MATURITY_REPAYMENT(1e9, "2057-12-20").startswith("#TRUPS! repayment_date:")
    assert udfs.TRUPS_MATURITY_REPAYMENT(-5).startswith("#TRUPS! qualifying_proceeds:")


def _as_excel_sends(value, blank):
    """An argument as xlwings delivers it with ndim=2: a single cell as [[x]]; an omitted
    argument stays None, a reference to an empty cell is [[None]] (``blank``)."""
    if value is None:
        return [[None]] if blank else None
    return value if isinstance(value, list) else [[value]]


@pytest.mark.parametrize("name", sorted(INFO))
@pytest.mark.parametrize("blank", [False, True])
def test_single_cells_arrive_as_one_by_one_ranges(name, blank):
    """With ``ndim=2`` (classic xlwings and xlwings Lite) a single cell arrives as [[x]]: every
    example must give the same result as with plain scalars, and an empty cell as an omitted one."""
    example = INFO[name].example
    params = list(inspect.signature(REGISTRY[name]).parameters)
    padded = list(example) + [None] * (len(params) - len(example))
    plain = REGISTRY[name](*padded)
    wrapped = REGISTRY[name](*(_as_excel_sends(v, blank) for v in padded))
    scalar_result = wrapped[0][0] if isinstance(wrapped, list) and not isinstance(plain, list) else wrapped
    assert scalar_result == plain
    assert not (isinstance(plain, str) and plain.startswith("#")), plain



#: A column of dates against a row of values (5 x 4 = 20 cells: the vectorised conversion path).
_GRID_DATES = [["2009-12-31"], ["2012-03-15"], ["2020-06-21"], ["2030-03-15"], ["2036-12-31"]]
_RATES = [[0.01, 0.04, 0.0625, 0.12]]
_GRID_CASES = {
    "TRUPS_MAKE_WHOLE": (udfs.TRUPS_MAKE_WHOLE, _RATES),
    "TRUPS_REDEMPTION_PRICE": (udfs.TRUPS_REDEMPTION_PRICE, _RATES),
    "TRUPS_PRICE_FROM_YIELD": (udfs.TRUPS_PRICE_FROM_YIELD, [[0.02, 0.083, 0.1, 0.2]]),
    "TRUPS_YIELD_TO_CALL": (udfs.TRUPS_YIELD_TO_CALL, [[92.0, 99.5, 100.0, 104.0]]),
    "TRUPS_TREASURY_PRICE": (lambda d, v: udfs.TRUPS_TREASURY_PRICE(d, "2037-11-15", 0.04375, v), _RATES),
    "TRUPS_TREASURY_YIELD": (lambda d, v: udfs.TRUPS_TREASURY_YIELD(d, "2037-11-15", 0.04375, v),
                             [[92.0, 99.5, 100.0, 104.0]]),
    # spanning the floating periods: the prospectus fallback policy supplies their rates
    "TRUPS_ACCRUAL": (lambda d, v: udfs.TRUPS_ACCRUAL(d, v, None, None, "prospectus_fallback"),
                      [["2037-12-21", "2040-03-21", "2045-06-21", "2050-01-31"]]),
}


@pytest.mark.parametrize("name", sorted(_GRID_CASES))
def test_a_dates_by_values_grid_is_each_cell_called_alone(name):
    """The grid keeps the date work per date (not per cell); every cell must still equal its own call."""
    call, values = _GRID_CASES[name]
    grid = call(_GRID_DATES, values)
    assert isinstance(grid, list) and len(grid) == 5 and all(len(row) == 4 for row in grid), grid
    for i, (day,) in enumerate(_GRID_DATES):
        for j, value in enumerate(values[0]):
            assert grid[i][j] == pytest.approx(call(day, value), rel=1e-13, abs=1e-11), (day, value)


def test_a_grid_across_the_par_call_mixes_make_whole_and_par_cells():
    """Dates on both sides of 2037-12-21 against a row of rates: make-whole cells vary with the
    rate, par cells (par + accrued) do not; each is its own single call."""
    days = [["2030-03-15"], ["2037-12-21"], ["2040-01-15"], ["2012-06-21"]]
    rates = [[0.01, 0.04, 0.06, 0.08]]
    grid = udfs.TRUPS_REDEMPTION_PRICE(days, rates, None, None, 0.05, None, "prospectus_fallback")
    for i, (day,) in enumerate(days):
        for j, rate in enumerate(rates[0]):
            assert grid[i][j] == udfs.TRUPS_REDEMPTION_PRICE(day, rate, None, None, 0.05, None, "prospectus_fallback")
    assert len(set(grid[2])) == 1 and len(set(grid[0])) == 4


_ODD_CELLS = [True, None, "", "abc", "#N/A", -2146826246, float("nan"), float("inf"), 10.0, 1e9,
              dt.datetime(2009, 1, 31), "2009-01-31"]


@pytest.mark.parametrize("odd", _ODD_CELLS, ids=repr)
@pytest.mark.parametrize("where", [0, 7, 19])
def test_a_large_range_with_one_odd_cell_gets_the_cell_by_cell_answer(monkeypatch, odd, where):
    """Large numeric ranges are converted whole; one cell the fast reading cannot vouch for (a
    logical, blank, text, error, NaN, a serial outside the life, a date cell among serials) must
    give exactly what the cell-by-cell reading gives."""
    starts = [[39803.0 + i] for i in range(20)]
    starts[where] = [odd]
    ends = [[39900.0] for _ in range(20)]
    fast = udfs.TRUPS_ACCRUAL(starts, ends)
    monkeypatch.setattr("trups_xl.excel.arguments.VECTOR_MIN_CELLS", 10**9)  # cell by cell only
    assert fast == udfs.TRUPS_ACCRUAL(starts, ends)


@pytest.mark.parametrize("rows", [
    [[39803.0 + i] for i in range(19)] + [[39803.0, 39804.0]],  # a ragged last row
    [[39803.0 + i, 39804.0] for i in range(9)] + [[39803.0]],  # ragged under a 2-column range
    [[39803.0 + i] for i in range(19)] + [(39803.0,)],  # a row that is not a list
])
def test_a_ragged_large_range_is_refused_as_the_cell_by_cell_reading_does(monkeypatch, rows):
    fast = udfs.TRUPS_ACCRUAL(rows, 39900.0)
    monkeypatch.setattr("trups_xl.excel.arguments.VECTOR_MIN_CELLS", 10**9)
    assert fast == udfs.TRUPS_ACCRUAL(rows, 39900.0)


@pytest.mark.parametrize("security", ["citigroup_capital_xxi", "citigroup_capital_xiii"])
def test_every_schedule_row_is_its_period(security):
    """The table's cells, laid out once per security, are each period's own values."""
    from trups_xl.core.scheduling.schedule import build_schedule
    from trups_xl.core.securities.loading import by_name

    terms = by_name(security)
    schedule = build_schedule(terms=terms)
    rows = udfs.TRUPS_SCHEDULE(None, None, 0.05, None, None, None, security)
    assert len(rows) == schedule.size + 1

    def day(value):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(object)

    for k, row in enumerate(rows[1:]):
        cells = dict(zip(rows[0], row, strict=True))
        assert cells["period"] == k + 1
        for name in ("start", "end", "accrual_start", "accrual_end", "payment_date", "record_date"):
            assert cells[name] == day(getattr(schedule, name)[k]), (k, name)
        assert cells["determination_date"] == (day(schedule.determination_date[k]) or "")
        assert (cells["regime"], cells["day_count"], cells["days"]) == (
            schedule.regime[k], schedule.day_count[k], schedule.accrual_days[k])
        assert cells["year_fraction"] == schedule.accrual_days[k] / 360
        expected = terms.liquidation_amount * cells["rate"] * cells["days"] / 360
        assert cells["interest"] == pytest.approx(expected, rel=1e-15)


@given(serial=st.floats(61, 2_958_465.999, allow_nan=False))
def test_a_serial_is_the_day_count_from_excels_epoch(serial):
    """Serial 61 is 1900-03-01; the time of day is dropped; date_to_serial inverts it."""
    day = xlconvert.serial_to_date(serial)
    assert day == dt.date(1899, 12, 30) + dt.timedelta(days=math.floor(serial))
    assert xlconvert.date_to_serial(day) == math.floor(serial)


def test_a_choice_has_one_spelling_wherever_an_analyst_sees_it():
    """TRUPS_SCHEDULE's day-count column and TRUPS_TERMS show the same text for the same day count;
    the terms files' lower-case spelling is still read (parsing ignores case)."""
    from trups_xl.core.conventions.daycount import COUPON_DAY_COUNTS, DayCount

    schedule = udfs.TRUPS_SCHEDULE("2037-12-21", "2038-03-21", 0.05)
    shown_in_schedule = {row[9] for row in schedule[1:]}
    assert shown_in_schedule == {"30/360", "ACT/360"}
    terms = dict(udfs.TRUPS_TERMS())
    assert terms["fixed_day_count"] == "30/360" and terms["floating_day_count"] == "ACT/360"
    assert type(terms["floating_day_count"]) is str  # a plain str reaches Excel, not the enum
    table = udfs.TRUPS_TERMS()
    lowered = [[k, v.lower() if k == "floating_day_count" else v] for k, v in table]
    assert udfs.TRUPS_ACCRUAL("2040-01-15", "2040-02-01", 0.05, None, None, None, lowered) == \
        udfs.TRUPS_ACCRUAL("2040-01-15", "2040-02-01", 0.05)
    assert [m.value for m in COUPON_DAY_COUNTS] == ["30/360", "ACT/360"]
    assert len({m.value.casefold() for m in DayCount}) == len(DayCount)  # one rule, one spelling


def test_choices_are_read_in_any_case_and_refused_naming_the_argument():
    assert udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, None, None, "Subtract_Accrued") == \
        udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, None, None, "subtract_accrued")
    message = udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, None, None, "subtract")
    assert message.startswith("#TRUPS! stub:") and "exclude_accrued" in message and "subtract_accrued" in message


def test_a_message_that_names_a_choice_shows_its_text_not_the_enum():
    message = udfs.TRUPS_SCHEDULE("2037-12-21", "2038-03-21")
    assert message.startswith("#TRUPS! fixings:") and "'prospectus_fallback'" in message and "Policy" not in message
