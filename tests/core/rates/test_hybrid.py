"""The hybrid capital stack's structures: floors and caps, Term SOFR, fixed-rate resets, perpetual
and non-cumulative securities -- by hand, against QuantLib, and refused in one line where they do
not apply."""

import datetime as dt

import pytest
import QuantLib as ql

from trups_xl.core.rates.fixings import Fixings, coupon_rates
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.loading import by_name, from_rows
from trups_xl.excel import udfs

SERIES_X = "citigroup_series_x"
FLOATER = [["base", "citigroup_capital_xiii"], ["floating_floor", 0.065], ["floating_cap", 0.075]]


def test_floor_and_cap_bound_the_all_in_rate():
    # XIII floats at LIBOR + 6.37% from 2015-10-30 (act/360, quarterly, modified following)
    for libor, rate in ((0.0, 0.065), (0.001, 0.065), (0.005, 0.0687), (0.02, 0.075)):
        got = udfs.TRUPS_COUPON("2016-04-30", libor, None, None, None, FLOATER)
        days = udfs.TRUPS_SCHEDULE("2016-04-30", "2016-04-30", libor, None, None, None, FLOATER)[1][10]
        assert got == pytest.approx(25 * rate * days / 360, abs=1e-12), libor


def test_a_floor_leaves_a_missing_fixing_missing():
    message = udfs.TRUPS_COUPON("2016-04-30", None, None, None, None, FLOATER)
    assert message.startswith("#TRUPS! fixings: no fixing for the floating period")


def test_term_sofr_takes_no_libor_act_spread_and_libor_does():
    base = [["base", "citigroup_capital_xiii"]]
    sofr = [*base, ["floating_index", "term_sofr_3m"], ["libor_determination_lag", None]]
    day = "2024-01-30"  # determined in October 2023, after the LIBOR replacement date
    libor = udfs.TRUPS_INDEX_RATE("2023-10-30", "libor_act", 0.05, None, base)
    term = udfs.TRUPS_INDEX_RATE("2023-10-30", "libor_act", 0.05, None, sofr)
    assert libor == pytest.approx(0.05 + 0.0026161, abs=1e-15) and term == 0.05
    # TRUPS_COUPON(payment_date, fixings, principal, policy, curve, security): 92 days at index + 6.37%
    assert udfs.TRUPS_COUPON(day, 0.05, None, "libor_act", None, sofr) == pytest.approx(25 * 0.1137 * 92 / 360, abs=1e-12)
    assert udfs.TRUPS_COUPON(day, 0.05, None, "libor_act", None, base) == \
        pytest.approx(25 * (0.1137 + 0.0026161) * 92 / 360, abs=1e-12)


def test_a_reset_rate_holds_for_every_period_of_its_reset_window():
    x = by_name(SERIES_X)
    fixings = Fixings(table=((dt.date(2026, 2, 18), 0.04), (dt.date(2031, 2, 18), 0.05)))
    schedule = build_schedule(terms=x)
    rates = coupon_rates(schedule, fixings)
    starts = schedule.start.astype(object)
    for k, start in enumerate(starts):
        if start < dt.date(2026, 2, 18):
            assert rates[k] == 0.03875
        elif start < dt.date(2031, 2, 18):
            assert rates[k] == pytest.approx(0.04 + 0.03417, abs=1e-15), start
        elif start < dt.date(2036, 2, 18):
            assert rates[k] == pytest.approx(0.05 + 0.03417, abs=1e-15), start
        else:  # the next reset has no fixing: unknown, not carried over
            assert rates[k] != rates[k]


def test_reset_window_coupons_equal_a_quantlib_fixed_rate_bond():
    """Each five-year reset window is a fixed-rate bond at that window's rate (30/360, quarterly,
    dividend periods date to date): QuantLib's coupons match ours to 1e-8 per 1,000."""
    fixings = [["2026-02-18", 0.04], ["2031-02-18", 0.05]]
    for first, rate in ((dt.date(2026, 2, 18), 0.07417), (dt.date(2031, 2, 18), 0.08417)):
        start = ql.Date(first.day, first.month, first.year)
        end = ql.Date(first.day, first.month, first.year + 5)
        schedule = ql.Schedule(start, end, ql.Period(ql.Quarterly), ql.UnitedStates(ql.UnitedStates.GovernmentBond),
                               ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
        bond = ql.FixedRateBond(0, 1000.0, schedule, [rate], ql.Thirty360(ql.Thirty360.BondBasis))
        coupons = [cf.amount() for cf in bond.cashflows()[:-1]]  # (the last is the principal)
        for end, amount in zip(list(schedule)[1:], coupons, strict=True):
            day = dt.date(end.year(), end.month(), end.dayOfMonth())  # the scheduled (unadjusted) date
            ours = udfs.TRUPS_COUPON(day.isoformat(), fixings, None, None, None, SERIES_X)
            assert ours == pytest.approx(amount, abs=1e-8), day


def test_a_reset_fixing_keyed_by_a_date_that_is_not_a_reset_date_is_refused():
    message = udfs.TRUPS_COUPON("2031-05-18", [["2026-05-18", 0.04]], None, None, None, SERIES_X)
    assert message.startswith("#TRUPS! fixings: 2026-05-18 is not a reset date (2026-02-18, 2031-02-18")


PERPETUAL = [["name", "Example 5.00% $25 perpetual preferred"], ["liquidation_amount", 25],
             ["issue_date", "2021-03-01"], ["first_payment_date", "2021-06-01"], ["fixed_rate", 0.05],
             ["fixed_frequency", 4], ["fixed_day_count", "30/360"], ["cumulative", False]]


def test_a_perpetual_fixed_rate_preferred_typed_with_only_its_fixed_terms_gives_its_coupons():
    assert udfs.TRUPS_COUPON("2021-06-01", None, None, None, None, PERPETUAL) == 0.3125  # 25 x 5% / 4
    assert udfs.TRUPS_COUPON("2075-09-01", None, None, None, None, PERPETUAL) == 0.3125
    terms = dict(udfs.TRUPS_TERMS(None, PERPETUAL))
    assert terms["maturity_date"] == "" and terms["cumulative"] is False
    # the schedule reaches as far as the calendars do: its last payment date on or before 2100-12-01
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2080-09-15", PERPETUAL) == dt.date(2080, 12, 1)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2100-09-15", PERPETUAL) == dt.date(2100, 12, 1)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2100-12-01", PERPETUAL).startswith("#TRUPS! as_of:")


def test_a_perpetual_resets_coupon_in_2096_is_computed():
    """Series X is perpetual: its 2096-02-18 reset (every five years from 2026-02-18) sets the
    2096 coupons, 1,000 x (4.000% + 3.417%) x 90/360 = 18.5425 (30/360, a quarter)."""
    fixings = [["2096-02-18", 0.04]]
    assert udfs.TRUPS_COUPON("2096-05-18", fixings, None, None, None, SERIES_X) == pytest.approx(18.5425, abs=1e-9)
    assert udfs.TRUPS_COUPON("2100-11-18", fixings, None, None, None, SERIES_X) == pytest.approx(18.5425, abs=1e-9)
    # a date past the schedule's end is refused naming the argument
    assert udfs.TRUPS_COUPON("2101-02-18", fixings, None, None, None, SERIES_X).startswith("#TRUPS! payment_date: ")


def test_non_cumulative_deferral_is_one_line_saying_nothing_is_owed():
    for call in (lambda: udfs.TRUPS_DEFERRED_INTEREST("2021-06-01", "2021-07-01", None, None, None, None,
                                                       PERPETUAL),
                 lambda: udfs.TRUPS_DEFERRAL_DATES("2021-06-01", PERPETUAL),
                 lambda: udfs.TRUPS_CLAIM_LIMIT(10.0, None, PERPETUAL)):
        message = call()
        assert message.startswith("#TRUPS! security:") and "non-cumulative" in message and "not owed" in message


@pytest.mark.parametrize(("rows", "message"), [
    ([*PERPETUAL[:-1], ["cumulative", "perhaps"]], "cumulative must be true or false; got 'perhaps'"),
    ([["base", "citigroup_capital_xiii"], ["floating_floor", 0.08], ["floating_cap", 0.07]],
     "floating_floor 0.08 is above floating_cap 0.07"),
    ([*PERPETUAL, ["floating_floor", 0.04]], "floating_floor and floating_cap bound a floating period"),
    ([["base", SERIES_X], ["reset_years", None]], "missing term reset_years, required with the reset index ust_5y"),
    ([["base", "citigroup_capital_xiii"], ["reset_years", 5]], "reset_years needs a reset floating_index"),
    ([["base", "citigroup_capital_xiii"], ["business_day_convention", None]],
     "missing term business_day_convention, required with a switch_date"),
    ([["base", "citigroup_capital_xxi"], ["maturity_date", None]], "a scheduled_maturity_date needs a maturity_date"),
])
def test_each_inconsistent_hybrid_term_is_one_line_naming_it(rows, message):
    got = udfs.TRUPS_COUPON("2021-06-01", None, None, None, None, rows)
    assert got.startswith("#TRUPS! security:") and message in got, got


def test_the_shipped_hybrids_load_with_their_structures():
    mellon, x = by_name("mellon_capital_iv"), by_name(SERIES_X)
    assert mellon.is_perpetual and mellon.floating_floor == 0.04 and not mellon.cumulative
    assert x.is_perpetual and x.floating_index == "ust_5y" and x.reset_years == 5 and not x.cumulative
    assert from_rows([("base", SERIES_X)]).reset_years == 5


def test_the_schedule_shows_each_periods_index_date_for_resets_and_compounding():
    """TRUPS_SCHEDULE's determination_date: a reset period shows the reset date whose fixing it pays;
    a compounded-SOFR period the last day SOFR is observed (its end less the lookback, in U.S.
    Government Securities business days)."""
    header, *rows = udfs.TRUPS_SCHEDULE("2030-11-18", "2031-05-18", [["2026-02-18", 0.04], ["2031-02-18", 0.05]],
                                        None, None, None, SERIES_X)
    shown = [(r[header.index("end")], r[header.index("determination_date")]) for r in rows]
    assert shown == [(dt.date(2030, 11, 18), dt.date(2026, 2, 18)), (dt.date(2031, 2, 18), dt.date(2026, 2, 18)),
                     (dt.date(2031, 5, 18), dt.date(2031, 2, 18))]
    table = [["base", "citigroup_capital_xiii"], ["floating_index", "sofr_compounded"],
             ["libor_determination_lag", None], ["sofr_lookback_days", 2], ["sofr_observation_shift", False]]
    header, row = udfs.TRUPS_SCHEDULE("2024-10-30", "2024-10-30", 0.05, None, None, None, table)
    assert row[header.index("determination_date")] == dt.date(2024, 10, 28)  # Wed Oct 30 less 2 business days


@pytest.mark.parametrize(("payment", "security", "message"), [
    ("2030-06-24", "jpmorgan_notes_2031",
     "no fixing for the floating period starting 2030-03-24; supply it in fixings, project it with a curve"),
    ("2030-02-05", "citigroup_senior_2030",
     "no fixing for the floating period starting 2029-11-05 (rate known 2030-02-05); supply daily SOFR over its "
     "observation period in fixings, project it with a curve"),
    ("2026-05-18", "citigroup_series_x",
     "no fixing for the floating period starting 2026-02-18 (reset date 2026-02-18); supply it in fixings, project "
     "it with a curve"),
    ("2038-03-21", "citigroup_capital_xxi",
     "no fixing for the floating period starting 2037-12-21 (determination date 2037-12-17); supply it in fixings, "
     "project it with a curve or use policy 'prospectus_fallback'"),
])
def test_a_missing_fixing_is_named_as_its_index_is_set(payment, security, message):
    """The fallback policy is offered only where the security states a first-period fallback (XXI)."""
    from trups_xl.excel import udfs

    assert udfs.TRUPS_COUPON(payment, None, None, None, None, security) == f"#TRUPS! fixings: {message}"


def test_a_benchmark_deemed_zero_if_negative_is_a_floor_at_the_margin():
    """Subordinated notes' "if the benchmark rate is less than zero, it shall be deemed zero": with
    floating_floor = the margin, a negative index pays the margin, a positive one index + margin."""
    from trups_xl.excel import udfs

    table = [["base", "jpmorgan_notes_2031"], ["floating_floor", 0.0379]]
    days = 92 / 360  # 2030-03-24 to 2030-06-24
    assert udfs.TRUPS_COUPON("2030-06-24", -0.004, None, None, None, table) == pytest.approx(1000 * 0.0379 * days)
    assert udfs.TRUPS_COUPON("2030-06-24", 0.004, None, None, None, table) == pytest.approx(1000 * 0.0419 * days)


RESET_REQUIRED_ONLY = [["name", "Example 3.875% Fixed Rate Reset Preferred"], ["liquidation_amount", 25],
                       ["issue_date", "2021-02-18"], ["first_payment_date", "2021-05-18"], ["fixed_rate", 0.03875],
                       ["fixed_frequency", 4], ["fixed_day_count", "30/360"], ["switch_date", "2026-02-18"],
                       ["floating_index", "ust_5y"], ["floating_margin", 0.03417], ["floating_frequency", 4],
                       ["floating_day_count", "30/360"], ["business_day_convention", "following"],
                       ["reset_years", 5]]


def test_a_typed_reset_with_only_its_required_terms_accrues_reset_periods_unadjusted():
    """2030-08-18 is a Sunday: paid Monday 2030-08-19 without any increase, the period accruing
    2030-05-18 to 2030-08-18, 90 days 30/360: $25 x (4.000% + 3.417%) x 90/360 = $0.4635625 (adjusted
    dates, 2030-05-20 to 2030-08-19, would give 89 days and $0.45841)."""
    fixings = [["2026-02-18", 0.04]]
    assert dt.date(2030, 8, 18).weekday() == 6 and dt.date(2030, 5, 18).weekday() == 5
    assert udfs.TRUPS_COUPON("2030-08-18", fixings, None, None, None, RESET_REQUIRED_ONLY) == pytest.approx(
        25 * (0.04 + 0.03417) * 90 / 360, abs=1e-12)
    header, *rows = udfs.TRUPS_SCHEDULE("2030-08-01", "2030-08-31", fixings, None, None, None, RESET_REQUIRED_ONLY)
    row = dict(zip(header, rows[0], strict=True))
    assert (row["accrual_start"], row["accrual_end"], row["payment_date"], row["days"]) == (
        dt.date(2030, 5, 18), dt.date(2030, 8, 18), dt.date(2030, 8, 19), 90)
    # the override is a term away: floating_accrual = adjusted accrues 2030-05-20 to 2030-08-19, 89 days
    adjusted = [*RESET_REQUIRED_ONLY, ["floating_accrual", "adjusted"]]
    assert udfs.TRUPS_COUPON("2030-08-18", fixings, None, None, None, adjusted) == pytest.approx(
        25 * (0.04 + 0.03417) * 89 / 360, abs=1e-12)


@pytest.mark.parametrize("fixing, all_in", [(-0.05, 0.0), (-0.007, 0.0), (-0.006, 0.001), (0.05, 0.057)])
def test_an_index_below_minus_the_margin_pays_no_coupon_rather_than_a_negative_one(fixing, all_in):
    """Huntington Capital I pays three-month LIBOR + 0.70%; a fixing of -5.00% (a rate shock, a typed scenario)
    gave a coupon of -4.30% a year, holders paying the issuer, which no prospectus provides for: the rate stops
    at zero (``MINIMUM_COUPON_RATE``), and an index above -0.70% is index + margin as before."""
    days = (dt.date(1997, 8, 1) - dt.date(1997, 5, 1)).days  # Act/360, both business days
    got = udfs.TRUPS_COUPON("1997-08-01", fixing, None, None, None, "huntington_capital_i")
    assert got == pytest.approx(1000 * all_in * days / 360, abs=1e-12)
    assert got >= 0.0
    accrued = udfs.TRUPS_ACCRUAL("1997-05-01", "1997-06-15", fixing, None, None, None, "huntington_capital_i")
    assert accrued == pytest.approx(1000 * all_in * 45 / 360, abs=1e-12)
    rates = coupon_rates(build_schedule(terms=by_name("huntington_capital_i")), Fixings(single=fixing))
    assert rates.min() == pytest.approx(all_in, abs=1e-15)


def test_a_typed_floor_below_zero_is_the_lowest_rate_instead_of_zero():
    """Zero is the lowest rate only where no floor is typed: a terms table with floating_floor -1% means a coupon
    down to -1% a year (the zero bound once overrode it without a word)."""
    floored = [["base", "huntington_capital_i"], ["floating_floor", -0.01]]
    days = (dt.date(1997, 8, 1) - dt.date(1997, 5, 1)).days
    got = udfs.TRUPS_COUPON("1997-08-01", -0.05, None, None, None, floored)
    assert got == pytest.approx(1000 * -0.01 * days / 360, abs=1e-12)
    assert udfs.TRUPS_COUPON("1997-08-01", -0.015, None, None, None, floored) == pytest.approx(
        1000 * (-0.015 + 0.007) * days / 360, abs=1e-12)
