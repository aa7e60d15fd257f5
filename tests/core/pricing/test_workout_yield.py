"""Yield to a workout and to worst, price from yield, risk and spreads: against QuantLib, against
Excel's documented PRICE formula (written here from Microsoft's documentation), and properties."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
import QuantLib as ql

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.risk import Measure, risk
from trups_xl.core.pricing.spreads import SpreadKind, TenorCurve, discount_margin, spread
from trups_xl.core.pricing.workout import Workout, workout_dates
from trups_xl.core.pricing.workout_yield import Market, price_to_workout, worst_workout_date, yield_to_workout
from trups_xl.core.securities.loading import shipped
from trups_xl.core.securities.terms import Terms, from_mapping

FREQUENCIES = (1, 2, 4, 12)


def _months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, day.day)


def _bond(rng: random.Random) -> tuple[Terms, dt.date, int, list[dt.date]]:
    """A fixed-rate callable bond with regular periods on a day <= 28, a settlement date in it, and its
    payment dates after settlement."""
    frequency = rng.choice(FREQUENCIES)
    step = 12 // frequency
    issue = dt.date(rng.randint(1995, 2030), rng.randint(1, 12), rng.randint(1, 28))
    periods = rng.randint(3, 30 * frequency if frequency < 12 else 120)
    maturity = _months(issue, step * periods)
    call_k = rng.randint(1, periods)
    terms = from_mapping({"name": "Test 1", "liquidation_amount": 1000.0, "issue_date": issue,
                          "first_payment_date": _months(issue, step), "maturity_date": maturity,
                          "fixed_rate": round(rng.uniform(0.0, 0.12), 5), "fixed_frequency": frequency,
                          "fixed_day_count": "30/360", "par_call_date": _months(issue, step * call_k)})
    settle_k = rng.randint(0, periods - 2)
    start = _months(issue, step * settle_k)
    settlement = start + dt.timedelta(days=rng.randint(0, 27))
    if settlement.day > 28:
        settlement = settlement.replace(day=28)
    dates = [_months(issue, step * k) for k in range(1, periods + 1)]
    return terms, settlement, frequency, [d for d in dates if d > settlement]


def _ql(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def _ql_bond(terms: Terms, to: dt.date, frequency: int) -> ql.FixedRateBond:
    schedule = ql.Schedule(_ql(terms.issue_date), _ql(to), ql.Period(12 // frequency, ql.Months), ql.NullCalendar(),
                           ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    return ql.FixedRateBond(0, 100.0, schedule, [terms.fixed_coupon_rate], ql.Thirty360(ql.Thirty360.BondBasis))


DC = ql.Thirty360(ql.Thirty360.BondBasis)


def _ql_yield(bond: ql.FixedRateBond, clean: float, settlement: dt.date, frequency: int) -> float:
    ql.Settings.instance().evaluationDate = _ql(settlement)
    return float(ql.BondFunctions.bondYield(bond, ql.BondPrice(clean, ql.BondPrice.Clean), DC, ql.Compounded,
                                            frequency, _ql(settlement), 1e-14, 500, 0.05))


def _excel_price(settlement: dt.date, maturity: dt.date, rate: float, yld: float, frequency: int,
                 previous: dt.date, coupons_left: int) -> float:
    """Excel PRICE, basis 0, as Microsoft documents it for more than one coupon period to redemption:
    DSC/E, A/E with E = 360/frequency, 30/360 days (every day here is <= 28)."""
    def days360(a: dt.date, b: dt.date) -> int:
        return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (b.day - a.day)

    e = 360.0 / frequency
    a = days360(previous, settlement)
    dsc = e - a
    n = coupons_left
    base = 1 + yld / frequency
    price = 100.0 / base ** (n - 1 + dsc / e)
    price += sum(100 * rate / frequency / base ** (k - 1 + dsc / e) for k in range(1, n + 1))
    return price - 100 * rate / frequency * a / e


def test_yield_to_each_workout_equals_quantlib_and_excel_on_1000_random_bonds() -> None:
    rng = random.Random(33)
    worst_price_error = worst_identity = 0.0
    for _ in range(1000):
        terms, settlement, frequency, dates = _bond(rng)
        workouts = [w.date for w in workout_dates(terms, settlement)]
        to = rng.choice(workouts)
        assert to in dates
        price = round(rng.uniform(60.0, 140.0), 4)
        try:
            ours = yield_to_workout(settlement, price, terms, to)
        except TrupsInputError:
            continue
        assert isinstance(ours, float)
        theirs = _ql_yield(_ql_bond(terms, to, frequency), price, settlement, frequency)
        # within 1e-9 in price: our price at QuantLib's yield is the price
        at_theirs = price_to_workout(settlement, theirs, terms, to)
        worst_price_error = max(worst_price_error, abs(at_theirs - price))
        worst_identity = max(worst_identity, abs(price_to_workout(settlement, ours, terms, to) - price))
        left = sum(1 for d in dates if d <= to)
        if left > 1:  # Excel's PRICE discounts a last period simply; compounded (as here) before it
            previous = max([terms.issue_date, *(d for d in [_months(dd, -(12 // frequency)) for dd in dates]
                                                 if d <= settlement)])
            excel = _excel_price(settlement, to, terms.fixed_coupon_rate, ours, frequency, previous, left)
            assert abs(excel - price) <= 1e-9, (terms, settlement, to, price)
    assert worst_price_error <= 1e-9
    assert worst_identity <= 1e-10


def test_yield_to_worst_is_the_lowest_and_names_its_workout() -> None:
    rng = random.Random(7)
    for _ in range(200):
        terms, settlement, _, _ = _bond(rng)
        prices = np.round(np.array([rng.uniform(70.0, 130.0) for _ in range(5)]), 3)
        try:
            worst = yield_to_workout(settlement, prices, terms)
            each = np.array([yield_to_workout(settlement, prices, terms, w.date)
                             for w in workout_dates(terms, settlement)])
        except TrupsInputError:
            continue
        assert np.allclose(worst, each.min(axis=0), rtol=0, atol=1e-12)
        named = worst_workout_date(settlement, prices, terms)
        for k, day in enumerate(np.asarray(named)):
            assert abs(yield_to_workout(settlement, float(prices[k]), terms, day.item()) - worst[k]) <= 1e-12


def test_discount_works_to_maturity_premium_to_the_first_call() -> None:
    terms = from_mapping({"name": "Test 2", "liquidation_amount": 25.0, "issue_date": dt.date(2010, 3, 15),
                          "first_payment_date": dt.date(2010, 6, 15), "maturity_date": dt.date(2040, 3, 15),
                          "fixed_rate": 0.07, "fixed_frequency": 4, "fixed_day_count": "30/360",
                          "par_call_date": dt.date(2015, 3, 15)})
    day = dt.date(2012, 5, 2)
    assert worst_workout_date(day, 92.0, terms) == dt.date(2040, 3, 15)
    assert worst_workout_date(day, 106.0, terms) == dt.date(2015, 3, 15)
    worst = yield_to_workout(day, 106.0, terms)
    assert yield_to_workout(day, 106.0, terms, Workout.NEXT_CALL) == pytest.approx(worst, abs=1e-13)


def test_duration_convexity_and_z_spread_equal_quantlib() -> None:
    rng = random.Random(11)
    for _ in range(100):
        terms, settlement, frequency, _ = _bond(rng)
        to = terms.final_repayment
        price = round(rng.uniform(70.0, 130.0), 3)
        try:
            y = yield_to_workout(settlement, price, terms, Workout.MATURITY)
        except TrupsInputError:
            continue
        bond = _ql_bond(terms, to, frequency)
        ql.Settings.instance().evaluationDate = _ql(settlement)
        rate = ql.InterestRate(y, DC, ql.Compounded, frequency)
        for measure, kind in ((Measure.MODIFIED, ql.Duration.Modified), (Measure.MACAULAY, ql.Duration.Macaulay)):
            ours = risk(settlement, price, measure, terms, Workout.MATURITY)
            assert ours == pytest.approx(ql.BondFunctions.duration(bond, rate, kind, _ql(settlement)), abs=1e-8)
        ours = risk(settlement, price, Measure.CONVEXITY, terms, Workout.MATURITY)
        assert ours == pytest.approx(ql.BondFunctions.convexity(bond, rate, _ql(settlement)), abs=1e-8)
        # Z-spread over a zero curve (continuous, linear in 30/360 years) with nodes at whole years
        tenors = (0.0, 1.0, 3.0, 10.0, 40.0)
        zeros = tuple(round(rng.uniform(0.0, 0.06), 4) for _ in tenors)
        curve = ql.ZeroCurve([_ql(_months(settlement, int(12 * t))) for t in tenors], list(zeros), DC,
                             ql.NullCalendar(), ql.Linear(), ql.Continuous)
        theirs = ql.BondFunctions.zSpread(bond, ql.BondPrice(price, ql.BondPrice.Clean), curve, DC, ql.Continuous,
                                          ql.Annual, _ql(settlement), 1e-14, 500, 0.0)
        ours = spread(settlement, price, SpreadKind.Z, TenorCurve(tenors, zeros), terms, Workout.MATURITY)
        assert ours == pytest.approx(theirs, abs=1e-8)


def test_discount_margin_of_a_floater_is_quantlibs_z_spread_over_the_flat_index() -> None:
    """A quarterly 30/360 floater (index + 1.5%) with its index flat at 4% quarterly: QuantLib prices
    its projected coupons over a flat curve; the discount margin is the Z-spread over that curve."""
    terms = from_mapping({"name": "Test floater", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 2, 10),
                          "first_payment_date": dt.date(2020, 5, 10), "maturity_date": dt.date(2030, 2, 10),
                          "floating_index": "term_sofr_3m", "floating_margin": 0.015, "floating_frequency": 4,
                          "floating_day_count": "30/360", "business_day_convention": "following",
                          "floating_accrual": "unadjusted"})
    settlement, index = dt.date(2023, 7, 3), 0.04
    ql.Settings.instance().evaluationDate = _ql(settlement)
    schedule = ql.Schedule(_ql(terms.issue_date), _ql(dt.date(2030, 2, 10)), ql.Period(ql.Quarterly),
                           ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    # the index stays: every coupon 5.5%
    leg = [*ql.FixedRateLeg(schedule, DC, [100.0], [index + 0.015]), ql.SimpleCashFlow(100.0, _ql(dt.date(2030, 2, 10)))]
    bond = ql.Bond(0, ql.NullCalendar(), 100.0, _ql(dt.date(2030, 2, 10)), _ql(terms.issue_date), leg)
    flat = ql.FlatForward(_ql(settlement), index, DC, ql.Compounded, ql.Quarterly)
    for price in (95.0, 100.0, 103.5):
        theirs = ql.BondFunctions.zSpread(bond, ql.BondPrice(price, ql.BondPrice.Clean), flat, DC, ql.Compounded,
                                          ql.Quarterly, _ql(settlement), 1e-14, 500, 0.0)
        ours = discount_margin(settlement, price, index, terms, Workout.MATURITY)
        assert ours == pytest.approx(theirs, abs=1e-8)


@pytest.mark.parametrize("security", sorted(shipped()))
def test_every_shipped_security_has_a_yield_to_worst_and_a_duration(security: str) -> None:
    terms = shipped()[security]
    day = terms.issue_date + (min(terms.final_repayment, dt.date(2099, 1, 1)) - terms.issue_date) // 3
    market = Market(index=0.04)
    y = yield_to_workout(day, 99.0, terms, market=market)
    d = risk(day, 99.0, Measure.MODIFIED, terms, market=market)
    assert isinstance(y, float) and -0.1 < y < 0.5
    assert isinstance(d, float) and 0 < d < 40


def test_bad_input_names_the_argument() -> None:
    xxi = shipped()["citigroup_capital_xxi"]
    day = dt.date(2012, 6, 8)
    with pytest.raises(TrupsInputError) as e:
        yield_to_workout(day, 1e-6, xxi, market=Market(index=0.03))
    assert e.value.argument == "price"
    with pytest.raises(TrupsInputError) as e:
        yield_to_workout(day, 101.0, xxi, dt.date(2010, 6, 21), Market(index=0.03))
    assert e.value.argument == "workout"
    perpetual = shipped()["citigroup_series_x"]
    with pytest.raises(TrupsInputError) as e:
        yield_to_workout(dt.date(2022, 1, 3), 99.0, perpetual, Workout.MATURITY, Market(index=0.04))
    assert e.value.argument == "workout"
    with pytest.raises(TrupsInputError) as e:
        yield_to_workout(dt.date(2042, 1, 3), 99.0, xxi)  # floating coupons and no index
    assert e.value.argument == "curve"
    for tenors in ((1.0,), (2.0, 1.0)):
        with pytest.raises(TrupsInputError) as e:
            TenorCurve(tenors, (0.03,) * len(tenors))
        assert e.value.argument == "benchmark"
