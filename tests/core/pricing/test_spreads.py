"""Z-spread and discount margin against QuantLib; G- and I-spreads by hand; curve refusals."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import tracemalloc

import numpy as np
import pytest
import QuantLib as ql
from yield_cases import DC, months_after, priced_to_maturity, ql_date

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import spreads
from trups_xl.core.pricing.spreads import SpreadKind, TenorCurve, discount_margin, spread
from trups_xl.core.pricing.workout import Workout
from trups_xl.core.pricing.workout_yield import Market, yield_to_workout
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities.terms import from_mapping


def test_z_spread_equals_quantlib() -> None:
    rng = random.Random(12)
    for terms, settlement, _, price, _, bond in priced_to_maturity(rng, 100):
        # Z-spread over a zero curve (continuous, linear in 30/360 years) with nodes at whole years
        tenors = (0.0, 1.0, 3.0, 10.0, 40.0)
        zeros = tuple(round(rng.uniform(0.0, 0.06), 4) for _ in tenors)
        curve = ql.ZeroCurve([ql_date(months_after(settlement, int(12 * t))) for t in tenors], list(zeros), DC,
                             ql.NullCalendar(), ql.Linear(), ql.Continuous)
        theirs = ql.BondFunctions.zSpread(bond, ql.BondPrice(price, ql.BondPrice.Clean), curve, DC, ql.Continuous,
                                          ql.Annual, ql_date(settlement), 1e-14, 500, 0.0)
        ours = spread(settlement, price, SpreadKind.Z, TenorCurve(tenors, zeros), terms, Workout.MATURITY)
        assert ours == pytest.approx(theirs, abs=1e-8)


def test_discount_margin_equals_quantlibs_z_spread_of_a_floating_rate_bond_over_the_flat_index() -> None:
    """A quarterly 30/360 floater (index + 1.5%): QuantLib's FloatingRateBond with the current period's
    fixing (5%) and the index projected from a flat 4% curve (quarterly compounding: every forward
    quarter 4%); the discount margin is its Z-spread over that curve."""
    terms = from_mapping({"name": "Test floater", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 2, 10),
                          "first_payment_date": dt.date(2020, 5, 10), "maturity_date": dt.date(2030, 2, 10),
                          "floating_index": "term_sofr_3m", "floating_margin": 0.015, "floating_frequency": 4,
                          "floating_day_count": "30/360", "business_day_convention": "following",
                          "floating_accrual": "unadjusted"})
    settlement, index, fixing = dt.date(2023, 7, 3), 0.04, 0.05
    ql.Settings.instance().evaluationDate = ql_date(settlement)
    curve = ql.RelinkableYieldTermStructureHandle()
    curve.linkTo(ql.FlatForward(ql_date(settlement), index, DC, ql.Compounded, ql.Quarterly))
    ibor = ql.IborIndex("Index3M", ql.Period(3, ql.Months), 0, ql.USDCurrency(), ql.NullCalendar(), ql.Unadjusted,
                        False, DC, curve)
    ibor.addFixing(ql.Date(10, 5, 2023), fixing)
    schedule = ql.Schedule(ql_date(terms.issue_date), ql.Date(10, 2, 2030), ql.Period(3, ql.Months),
                           ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    bond = ql.FloatingRateBond(0, 100.0, schedule, ibor, DC, ql.Unadjusted, 0, [1.0], [0.015])
    market = Market(fixings=Fixings(table=((dt.date(2023, 5, 10), fixing),)))
    for price in (95.0, 100.0, 103.5):
        theirs = ql.BondFunctions.zSpread(bond, ql.BondPrice(price, ql.BondPrice.Clean), curve.currentLink(), DC,
                                          ql.Compounded, ql.Quarterly, ql_date(settlement), 1e-14, 500, 0.0)
        ours = discount_margin(settlement, price, index, terms, Workout.MATURITY, market)
        assert ours == pytest.approx(theirs, abs=1e-8)


def test_g_and_i_spreads_are_the_yield_less_the_curve_at_the_workout_tenor() -> None:
    """By hand: a curve 2% at 1 year, 4% at 11 years; a workout 5 years (1,826 days) away reads
    2% + 2% x (1826/365 - 1) / 10."""
    terms = from_mapping({"name": "Test 3", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 1, 15),
                          "first_payment_date": dt.date(2020, 7, 15), "maturity_date": dt.date(2030, 1, 15),
                          "fixed_rate": 0.05, "fixed_frequency": 2, "fixed_day_count": "30/360"})
    settlement = dt.date(2025, 1, 15)
    y = yield_to_workout(settlement, 97.0, terms, Workout.MATURITY)
    curve = TenorCurve((1.0, 11.0), (0.02, 0.04))
    at = 0.02 + 0.02 * (1826 / 365 - 1) / 10
    for kind in (SpreadKind.G, SpreadKind.I):
        assert spread(settlement, 97.0, kind, curve, terms, Workout.MATURITY) == pytest.approx(y - at, abs=1e-15)
    by_date = TenorCurve((dt.date(2026, 1, 15), dt.date(2036, 1, 15)), (0.02, 0.04))  # 365 and 4,017 days
    at_date = 0.02 + 0.02 * (1826 - 365) / (4017 - 365)
    assert spread(settlement, 97.0, SpreadKind.G, by_date, terms, Workout.MATURITY) == pytest.approx(y - at_date,
                                                                                                       abs=1e-15)


@pytest.mark.parametrize("tenors", [(1.0,), (2.0, 1.0), (1.0, 1.0), (1.0, dt.date(2030, 1, 1))])
def test_a_one_point_unsorted_or_mixed_curve_is_refused_naming_it(tenors: tuple[object, ...]) -> None:
    with pytest.raises(TrupsInputError) as e:
        TenorCurve(tenors, (0.03,) * len(tenors))  # type: ignore[arg-type]
    assert e.value.argument == "benchmark"


ACT360_FLOATER = {"name": "Test Act/360 floater", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 2, 10),
                  "first_payment_date": dt.date(2020, 5, 10), "maturity_date": dt.date(2030, 2, 10),
                  "floating_index": "term_sofr_3m", "floating_margin": 0.0074, "floating_frequency": 4,
                  "floating_day_count": "Act/360", "business_day_convention": "following",
                  "floating_accrual": "unadjusted"}


@pytest.mark.parametrize("index", [0.0, 0.01, 0.03, 0.08])
def test_an_act_360_floater_at_par_on_a_reset_date_has_its_quoted_margin_at_any_index(index: float) -> None:
    """Par on a reset date, the index flat and the current fixing at it: every period's coupon is
    (index + margin) tau, each discounted by 1 + (index + dm) tau, so 100 is repriced exactly at
    dm = margin whatever the index (the yield less the index missed it by up to 1.3 bp)."""
    terms = from_mapping(ACT360_FLOATER)
    settlement = dt.date(2023, 8, 10)
    market = Market(fixings=Fixings(table=((settlement, index),)))
    assert discount_margin(settlement, 100.0, index, terms, Workout.MATURITY, market) == pytest.approx(0.0074,
                                                                                                      abs=1e-10)


def test_discount_margin_of_an_act_360_floater_reprices_in_quantlib() -> None:
    """QuantLib's FloatingRateBond (Actual/360, the current fixing 5%, the index projected at a flat
    4% as per-period simple Actual/360 forwards) discounted on the index curve moved by our margin
    (per period: 1 / (1 + (4% + dm) tau)) gives back the price: QuantLib computes the coupons and the
    sum, we the margin."""
    terms = from_mapping(ACT360_FLOATER)
    settlement, index, fixing = dt.date(2023, 8, 10), 0.04, 0.05
    act360 = ql.Actual360()
    ql.Settings.instance().evaluationDate = ql_date(settlement)
    schedule = ql.Schedule(ql_date(terms.issue_date), ql.Date(10, 2, 2030), ql.Period(3, ql.Months),
                           ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    nodes = [d for d in schedule if d >= ql_date(settlement)]

    def per_period_curve(rate: float) -> ql.YieldTermStructureHandle:
        dfs = [1.0]
        for a, b in itertools.pairwise(nodes):
            dfs.append(dfs[-1] / (1.0 + rate * act360.yearFraction(a, b)))
        return ql.YieldTermStructureHandle(ql.DiscountCurve(nodes, dfs, act360))

    ibor = ql.IborIndex("Index3M", ql.Period(3, ql.Months), 0, ql.USDCurrency(), ql.NullCalendar(), ql.Unadjusted,
                        False, act360, per_period_curve(index))
    ibor.addFixing(ql_date(settlement), fixing)
    bond = ql.FloatingRateBond(0, 100.0, schedule, ibor, act360, ql.Unadjusted, 0, [1.0], [0.0074])
    market = Market(fixings=Fixings(table=((settlement, fixing),)))
    for price in (95.0, 100.0, 103.5):
        dm = discount_margin(settlement, price, index, terms, Workout.MATURITY, market)
        bond.setPricingEngine(ql.DiscountingBondEngine(per_period_curve(index + float(dm))))
        assert bond.cleanPrice() == pytest.approx(price, abs=1e-8)
        assert abs(float(dm) - (yield_to_workout(settlement, price, terms, Workout.MATURITY,
                                                 Market(index=index, fixings=market.fixings)) - index)) > 1e-6


def test_discount_margin_of_a_fixed_coupon_is_refused_naming_the_security() -> None:
    terms = from_mapping({"name": "Test fixed", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 1, 15),
                          "first_payment_date": dt.date(2020, 7, 15), "maturity_date": dt.date(2030, 1, 15),
                          "fixed_rate": 0.05, "fixed_frequency": 2, "fixed_day_count": "30/360"})
    with pytest.raises(TrupsInputError) as e:
        discount_margin(dt.date(2025, 1, 15), 97.0, 0.03, terms, Workout.MATURITY)
    assert e.value.argument == "security"


def _long_floater_column(rows: int) -> tuple[dt.date, np.ndarray, Market, object]:
    """A 25-year quarterly Act/360 floater five years in (80 periods to maturity) and a column of prices."""
    terms = from_mapping({**ACT360_FLOATER, "maturity_date": dt.date(2045, 2, 10)})
    settlement = dt.date(2025, 2, 10)
    market = Market(index=0.04, fixings=Fixings(table=((settlement, 0.05),)))
    return settlement, np.linspace(95.0, 104.0, rows), market, terms


def _margins_and_z_spreads(rows: int) -> tuple[np.ndarray, np.ndarray]:
    settlement, prices, market, terms = _long_floater_column(rows)
    margins = discount_margin(settlement, prices, 0.04, terms, Workout.MATURITY, market)  # type: ignore[arg-type]
    z = spread(settlement, prices, SpreadKind.Z, TenorCurve((1.0, 10.0), (0.03, 0.04)), terms,  # type: ignore[arg-type]
               Workout.MATURITY, market)
    return np.asarray(margins), np.asarray(z)


def test_a_column_solved_in_chunks_of_rows_gives_the_numbers_solved_whole_bit_for_bit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """1,500 prices solved whole, then seven rows at a time (80 periods: 560 cells, the last chunk shorter):
    every margin and Z-spread equal."""
    monkeypatch.setattr(spreads, "CHUNK_CELLS", 1 << 40)
    whole = _margins_and_z_spreads(1500)
    monkeypatch.setattr(spreads, "CHUNK_CELLS", 7 * 80 + 3)
    in_chunks = _margins_and_z_spreads(1500)
    for a, b in zip(whole, in_chunks, strict=True):
        assert np.all(np.isfinite(a))
        assert np.array_equal(a, b)


def test_a_long_column_s_margins_and_z_spreads_are_each_price_alone_to_the_last_bit() -> None:
    """1,100 prices on one date: each discount margin and Z-spread is the number its price gives alone (a column
    of more than 1,025 once started its solves from a grid of rates: 1,096 margins and 1,042 Z-spreads of these
    1,100 a last bit away)."""
    settlement, prices, market, terms = _long_floater_column(1_100)
    margins, z = _margins_and_z_spreads(1_100)
    curve = TenorCurve((1.0, 10.0), (0.03, 0.04))
    for k in range(0, 1_100, 7):
        price = float(prices[k])
        assert margins[k] == discount_margin(settlement, price, 0.04, terms, Workout.MATURITY, market)  # type: ignore[arg-type]
        assert z[k] == spread(settlement, price, SpreadKind.Z, curve, terms, Workout.MATURITY, market)  # type: ignore[arg-type]


def test_the_discount_margin_of_200_000_prices_stays_within_a_bounded_memory() -> None:
    """Built whole, the rows x periods matrices of 200,000 prices over 80 periods (16 million cells,
    128 MB each) took 679 MB at the peak (measured, the margin solved in one go); in chunks, 75 MB: the
    prices' own arrays (1.6 MB each) and the yield's and a chunk's matrices."""
    tracemalloc.start()
    try:
        _margins_and_z_spreads(200_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150e6


@pytest.mark.parametrize("security", ["citigroup_capital_xxi", "mellon_capital_iv"])
def test_a_column_of_daily_dates_has_each_day_s_discount_margin_to_the_last_bit(security, monkeypatch) -> None:
    """The days of one coupon period are solved as one, each discounted at its own part of the current
    period: each cell is exactly what its day alone gives, across payment dates, discount to premium."""
    from trups_xl.core.pricing import workout_yield
    from trups_xl.core.securities.loading import shipped

    solved = []
    solve_period = workout_yield._solve_period
    monkeypatch.setattr(workout_yield, "_solve_period", lambda *a: solved.append(solve_period(*a)) or solved[-1])
    terms = shipped()[security]
    start = max(terms.issue_date, dt.date(2012, 6, 1))
    days = [start + dt.timedelta(days=k) for k in range(0, 240, 4)]
    prices = [80.0 + 20.0 * (k % 5) / 4 for k in range(len(days))]  # to par (a callable floater above it: none)
    column = spreads.discount_margin(np.array(days, dtype="datetime64[D]")[:, None], np.array(prices)[:, None],
                                     0.03, terms)
    assert sum(s is not None for s in solved) >= 2  # two periods at least solved as one
    for k, (day, price) in enumerate(zip(days, prices, strict=True)):
        assert column[k, 0] == spreads.discount_margin(day, price, 0.03, terms), day
