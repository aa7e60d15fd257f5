"""Yield to a workout and to worst, and price from yield: against QuantLib's BondFunctions.yield and
Excel's PRICE formula (written here from Microsoft's documentation) on random bonds, and properties."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from yield_cases import excel_price, months_after, ql_bond, ql_yield, random_bond

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.risk import Measure, risk
from trups_xl.core.pricing.spreads import TenorCurve
from trups_xl.core.pricing.workout import Workout, workout_dates
from trups_xl.core.pricing.workout_yield import Market, price_to_workout, worst_workout_date, yield_to_workout
from trups_xl.core.securities.loading import shipped
from trups_xl.core.securities.terms import from_mapping


def test_yield_to_each_workout_equals_quantlib_and_excel_on_1000_random_bonds() -> None:
    rng = random.Random(33)
    worst_price_error = worst_identity = 0.0
    for _ in range(1000):
        terms, settlement, frequency, dates = random_bond(rng)
        workouts = [w.date for w in workout_dates(terms, settlement)]
        to = rng.choice(workouts)
        assert to in dates
        price = round(rng.uniform(60.0, 140.0), 4)
        try:
            ours = yield_to_workout(settlement, price, terms, to)
        except TrupsInputError:
            continue
        assert isinstance(ours, float)
        theirs = ql_yield(ql_bond(terms, to, frequency), price, settlement, frequency)
        # within 1e-9 in price: our price at QuantLib's yield is the price
        at_theirs = price_to_workout(settlement, theirs, terms, to)
        worst_price_error = max(worst_price_error, abs(at_theirs - price))
        worst_identity = max(worst_identity, abs(price_to_workout(settlement, ours, terms, to) - price))
        left = sum(1 for d in dates if d <= to)
        if left > 1:  # Excel's PRICE discounts a last period simply; compounded (as here) before it
            previous = max([terms.issue_date, *(d for d in [months_after(dd, -(12 // frequency)) for dd in dates]
                                                 if d <= settlement)])
            excel = excel_price(settlement, to, terms.fixed_coupon_rate, ours, frequency, previous, left)
            assert abs(excel - price) <= 1e-9, (terms, settlement, to, price)
    assert worst_price_error <= 1e-9
    assert worst_identity <= 1e-10


def test_yield_to_worst_is_the_lowest_and_names_its_workout() -> None:
    rng = random.Random(7)
    for _ in range(200):
        terms, settlement, _, _ = random_bond(rng)
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


def test_a_grid_of_dates_by_prices_is_each_cell_computed_alone() -> None:
    xxi = shipped()["citigroup_capital_xxi"]
    days = np.array(["2009-03-02", "2012-06-08", "2030-12-31"], dtype="datetime64[D]")[:, None]
    prices = np.array([[85.0, 99.0, 101.0, 118.0]])
    market = Market(index=0.035)
    grid = yield_to_workout(days, prices, xxi, market=market)
    named = worst_workout_date(days, prices, xxi, market=market)
    assert grid.shape == named.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = yield_to_workout(days[i, 0].item(), float(prices[0, j]), xxi, market=market)
            assert grid[i, j] == pytest.approx(one, abs=1e-14)
            assert named[i, j].item() == worst_workout_date(days[i, 0].item(), float(prices[0, j]), xxi,
                                                            market=market)


def test_a_long_column_of_prices_on_one_date_is_each_price_alone_to_the_last_bit() -> None:
    """1,200 prices on one date (a price grid's column): every yield is the number the price gives alone. Such a
    column once started its solves from a grid of rates (more than 1,025 rows), and 1,165 of these 1,200 cells
    came out a last bit away from the cell alone."""
    xxi = shipped()["citigroup_capital_xxi"]
    market = Market(index=0.035)
    day = dt.date(2012, 6, 8)
    prices = np.random.default_rng(7).uniform(60.0, 130.0, 1_200)
    column = yield_to_workout(day, prices, xxi, market=market)
    alone = np.array([yield_to_workout(day, float(p), xxi, market=market) for p in prices])
    assert np.all(np.isfinite(column))
    assert np.array_equal(column, alone)


def test_a_column_of_daily_settlement_dates_is_each_day_alone_to_the_last_bit() -> None:
    """A ledger's daily dates: the dates of one coupon period are solved as one (they share its flows and
    workouts, each flow's time moved by the date), the rest one by one; each cell is what the date alone gives,
    exactly, its workout date too. Three periods around the 2012-06-21 and 2012-12-21 payment dates, the payment
    dates themselves, a period with fewer dates than are solved as one, and prices from deep discount to
    premium (the worst workout moves from the maturity to the first call)."""
    from trups_xl.core.pricing.workout_yield import TOGETHER_FROM

    xxi = shipped()["citigroup_capital_xxi"]
    market = Market(index=0.035)
    days = [dt.date(2012, 6, 15) + dt.timedelta(days=k) for k in range(0, 200, 3)]
    days += [dt.date(2012, 6, 21), dt.date(2012, 12, 21), dt.date(2013, 7, 1), dt.date(2013, 7, 2)]
    prices = [60.0 + 70.0 * (k % 7) / 6 for k in range(len(days))]
    column = np.array(days, dtype="datetime64[D]")[:, None]
    grid = yield_to_workout(column, np.array(prices)[:, None], xxi, market=market)
    named = worst_workout_date(column, np.array(prices)[:, None], xxi, market=market)
    assert len(days) > 3 * TOGETHER_FROM
    for k, (day, price) in enumerate(zip(days, prices, strict=True)):
        assert grid[k, 0] == yield_to_workout(day, price, xxi, market=market), day
        assert named[k, 0].item() == worst_workout_date(day, price, xxi, market=market), day
    assert {named[k, 0].item() for k in range(len(days))} == {dt.date(2037, 12, 21), dt.date(2077, 12, 21)}


def test_a_column_of_daily_dates_with_a_price_no_yield_reaches_is_refused_as_that_day_alone_is() -> None:
    xxi = shipped()["citigroup_capital_xxi"]
    market = Market(index=0.035)
    days = np.array([dt.date(2012, 7, 2) + dt.timedelta(days=k) for k in range(10)], dtype="datetime64[D]")
    prices = np.full(10, 95.0)
    prices[6] = 0.001
    with pytest.raises(TrupsInputError) as alone:
        yield_to_workout(days[6].item(), 0.001, xxi, market=market)
    with pytest.raises(TrupsInputError) as column:
        yield_to_workout(days, prices, xxi, market=market)
    assert str(column.value) == str(alone.value) and column.value.argument == alone.value.argument


def test_a_price_is_priced_alike_alone_and_beside_others_on_a_payment_date() -> None:
    """Settled on a payment date a quarter before maturity, the first flow is exactly one period away: numpy's
    power took its shortcut for an exponent of -1 seen repeated across the rows (a reciprocal, a last bit apart
    from the power), so a price alone and the same price beside another gave yields a last bit apart. Found by
    review on BAC Capital Trust I (its maturity 2031-12-15)."""
    bac = shipped()["bac_capital_trust_i"]
    day = dt.date(2031, 9, 15)
    prices = [97 + 0.02 * k for k in range(60)]
    differ = [p for p in prices if yield_to_workout(day, p, bac) != yield_to_workout(
        np.array([day, day], dtype="datetime64[D]"), np.array([p, 100.0]), bac)[0]]
    assert differ == []
    grid = np.linspace(0.03, 0.12, 60)
    assert list(price_to_workout(day, grid, bac)) == [price_to_workout(day, float(y), bac) for y in grid]


@pytest.mark.parametrize(("security", "day", "price", "special_events"), [
    ("citigroup_capital_xxi", dt.date(2012, 6, 8), 101.0, False),
    ("citigroup_capital_xxi", dt.date(2037, 11, 30), 3.0, True),  # calls days away at a deep discount: no yield
    ("bac_capital_trust_i", dt.date(2010, 2, 1), 80.0, False),
    ("huntington_capital_i", dt.date(2005, 3, 3), 97.5, False),
    ("mellon_capital_iv", dt.date(2014, 9, 9), 2_500.0, True),
])
def test_the_yield_to_each_workout_is_each_workouts_own_solve(security, day, price, special_events) -> None:
    """The table of yields (TRUPS_WORKOUTS) solves every workout at once, each a row of its own: each equals the
    workout solved alone (its candidates cut to it), bit for bit, and is NaN exactly where that solve refuses."""
    from trups_xl.core.pricing.workout_yield import (
        Candidates,
        candidates,
        dirty_price,
        lowest_price,
        solve,
        yields_to_each,
    )

    terms, market = shipped()[security], Market(index=0.03, special_events=special_events)
    dates, table = yields_to_each(day, price, terms, market)
    c = candidates(day, terms, Workout.WORST, market)
    assert dates == c.dates and table.size == len(dates) >= 1
    target = dirty_price(np.array([price]), c, market.quote)
    for k in range(len(dates)):
        keep = np.arange(len(dates)) == k  # the candidates cut to workout k, as the oracle solves it alone
        one = Candidates(c.flows, c.last[keep], c.redemption[keep], (c.dates[k],),
                         None if c.days is None else c.days[keep])
        try:
            alone = float(solve(target, lambda y, one=one: lowest_price(y, one)[:2])[0])
        except TrupsInputError:
            assert np.isnan(table[k]), dates[k]
        else:
            assert table[k] == alone, dates[k]
