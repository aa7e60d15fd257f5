"""Duration, convexity, DV01 and the effective measures against QuantLib and by finite differences."""

from __future__ import annotations

import datetime as dt
import random
import tracemalloc

import numpy as np
import pytest
import QuantLib as ql
from yield_cases import DC, priced_to_maturity, ql_date

from trups_xl import udfs
from trups_xl.core.pricing import spreads
from trups_xl.core.pricing.risk import Measure, risk
from trups_xl.core.pricing.workout import Workout
from trups_xl.core.pricing.workout_yield import Market, price_to_workout
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities.loading import shipped
from trups_xl.core.securities.terms import from_mapping


def test_duration_convexity_and_z_spread_equal_quantlib() -> None:
    for terms, settlement, frequency, price, y, bond in priced_to_maturity(random.Random(11), 100):
        rate = ql.InterestRate(y, DC, ql.Compounded, frequency)
        for measure, kind in ((Measure.MODIFIED, ql.Duration.Modified), (Measure.MACAULAY, ql.Duration.Macaulay)):
            ours = risk(settlement, price, measure, terms, Workout.MATURITY)
            assert ours == pytest.approx(ql.BondFunctions.duration(bond, rate, kind, ql_date(settlement)), abs=1e-8)
        ours = risk(settlement, price, Measure.CONVEXITY, terms, Workout.MATURITY)
        assert ours == pytest.approx(ql.BondFunctions.convexity(bond, rate, ql_date(settlement)), abs=1e-8)



def test_dv01_is_the_price_change_of_a_basis_point_and_scales_with_the_holding() -> None:
    for terms, settlement, _, price, y, _ in priced_to_maturity(random.Random(5), 50, (80.0, 120.0)):
        central = (price_to_workout(settlement, y - 1e-6, terms, Workout.MATURITY)
                   - price_to_workout(settlement, y + 1e-6, terms, Workout.MATURITY)) / 2e-6 * 1e-4
        dv01 = risk(settlement, price, Measure.DV01, terms, Workout.MATURITY)
        assert dv01 == pytest.approx(central, rel=1e-6)
        assert risk(settlement, price, Measure.DV01, terms, Workout.MATURITY, holding=1_000_000.0) == \
            pytest.approx(dv01 * 10_000, rel=1e-12)


def test_effective_duration_sees_the_call_and_spread_duration_equals_it_for_fixed_coupons() -> None:
    """A premium callable bond: the modified duration to maturity is long, the effective duration
    (calls re-evaluated) is near the short one to the call; a fixed coupon's spread duration is its
    effective duration (nothing floats)."""
    from trups_xl.core.securities.terms import from_mapping

    terms = from_mapping({"name": "Test 4", "liquidation_amount": 25.0, "issue_date": dt.date(2010, 3, 15),
                          "first_payment_date": dt.date(2010, 6, 15), "maturity_date": dt.date(2040, 3, 15),
                          "fixed_rate": 0.08, "fixed_frequency": 4, "fixed_day_count": "30/360",
                          "par_call_date": dt.date(2015, 3, 15)})
    day, price = dt.date(2012, 5, 2), 110.0
    to_call = risk(day, price, Measure.MODIFIED, terms, Workout.NEXT_CALL)
    to_maturity = risk(day, price, Measure.MODIFIED, terms, Workout.MATURITY)
    effective = risk(day, price, Measure.EFFECTIVE_DURATION, terms)
    assert to_call < 3 < 10 < to_maturity
    assert effective == pytest.approx(to_call, abs=0.05)
    assert risk(day, price, Measure.SPREAD_DURATION, terms) == pytest.approx(effective, abs=1e-12)


@pytest.mark.parametrize(("index", "fixing"), [(0.0, 0.0), (0.04, 0.04), (0.04, 0.05), (0.08, 0.02)])
def test_a_floaters_effective_duration_is_its_time_to_the_next_reset(index: float, fixing: float) -> None:
    """An Act/360 quarterly floater (index + 0.74%) settling 38 days before its 2023-08-10 reset, its
    current coupon fixed on 2023-05-10 at ``fixing``, priced by hand at a discount margin equal to its
    margin: the later coupons pay what the index discounts, so only the current period's flow
    (100 + its coupon) is exposed, over the 38 days left: dP/P = -(38/360) / (1 + (index + m) 92/360)
    per unit move, the "time to the next reset". The central difference of 10 bp is exact to O(h^2)
    of that (the stub's discount is a power 38/92 of one simple factor): 1e-6. Before, it was negative:
    the coupon moved by days/360 and the discount by 1/4 a quarter, and the fixed coupon moved too."""
    terms = from_mapping({"name": "Test Act/360 floater", "liquidation_amount": 1000.0,
                          "issue_date": dt.date(2020, 2, 10), "first_payment_date": dt.date(2020, 5, 10),
                          "maturity_date": dt.date(2030, 2, 10), "floating_index": "term_sofr_3m",
                          "floating_margin": 0.0074, "floating_frequency": 4, "floating_day_count": "Act/360",
                          "business_day_convention": "following", "floating_accrual": "unadjusted"})
    settlement, margin = dt.date(2023, 7, 3), 0.0074  # 54 days accrued of 92, 38 left
    growth = 1.0 + (index + margin) * 92 / 360
    dirty = (100.0 + 100.0 * (fixing + margin) * 92 / 360) * growth ** (-38 / 92)
    clean = dirty - 100.0 * (fixing + margin) * 54 / 360
    market = Market(index=index, fixings=Fixings(table=((dt.date(2023, 5, 10), fixing),)))
    effective = risk(settlement, clean, Measure.EFFECTIVE_DURATION, terms, Workout.MATURITY, market)
    assert effective == pytest.approx((38 / 360) / growth, abs=1e-6)
    assert effective > 0
    if fixing == index:  # no fixing typed: the current coupon projected at the index, then held (its fixing date passed)
        projected = risk(settlement, clean, Measure.EFFECTIVE_DURATION, terms, Workout.MATURITY, Market(index=index))
        assert projected == pytest.approx((38 / 360) / growth, abs=1e-6)


def test_near_par_a_callable_floaters_spread_duration_mixes_the_call_and_the_maturity() -> None:
    """KeyCorp Capital I (callable at par on each payment date) at 100 under "worst": its modified
    duration is the next call's (the yield's workout); a 10 bp wider spread makes the maturity the
    lowest price and a tighter one the call, so its spread duration is about the mean of the call's
    and the maturity's (each side a one-sided difference: within 5%) and strictly between them."""
    def one(measure: str, workout: str | None, price: float = 100.0) -> float:
        value = udfs.TRUPS_RISK("2015-06-08", price, measure, workout, None, 0.0027, None, None, None, None,
                                "keycorp_capital_i")
        assert isinstance(value, float), value
        return value

    assert one("modified", None) == pytest.approx(one("modified", "next_call"), abs=1e-12)
    call, maturity, worst = (one("spread_duration", w) for w in ("next_call", "maturity", None))
    assert call < worst < maturity
    assert worst == pytest.approx((call + maturity) / 2, rel=0.05)
    # 0.1 above par the maturity prices above the call at either side of the move: the call alone again
    assert one("spread_duration", None, 100.1) == pytest.approx(one("spread_duration", "next_call", 100.1),
                                                                abs=1e-12)


def test_every_measure_of_a_column_in_chunks_of_rows_equals_the_whole_bit_for_bit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Citigroup Capital XXI in 2040 (floating, callable on each payment date: 311 flows and as many
    workouts under "worst") at 1,200 prices (a long column), each measure computed whole, then 997
    cells (three rows) at a time: the same numbers, the effective measures (discount margin, every
    workout) too."""
    prices = [[p] for p in np.linspace(96.0, 100.0, 1200)]

    def every_measure() -> list[np.ndarray]:
        return [np.asarray(udfs.TRUPS_RISK("2040-06-08", prices, m.value, None, None, 0.03), dtype=np.float64)
                for m in Measure]

    monkeypatch.setattr(spreads, "CHUNK_CELLS", 1 << 40)
    whole = every_measure()
    monkeypatch.setattr(spreads, "CHUNK_CELLS", 997)
    for a, b in zip(whole, every_measure(), strict=True):
        assert np.all(np.isfinite(a))
        assert np.array_equal(a, b)


def test_duration_and_effective_duration_of_200_000_prices_stay_within_a_bounded_memory() -> None:
    """200,000 prices of a 25-year quarterly floater five years in (80 periods: rows x periods
    matrices of 128 MB each) took 402 MB at the peak for the modified duration and 683 MB for the
    effective duration (measured, each built whole); in chunks, 75 MB."""
    terms = from_mapping({"name": "Test Act/360 floater", "liquidation_amount": 1000.0,
                          "issue_date": dt.date(2020, 2, 10), "first_payment_date": dt.date(2020, 5, 10),
                          "maturity_date": dt.date(2045, 2, 10), "floating_index": "term_sofr_3m",
                          "floating_margin": 0.0074, "floating_frequency": 4, "floating_day_count": "Act/360",
                          "business_day_convention": "following", "floating_accrual": "unadjusted"})
    settlement = dt.date(2025, 2, 10)
    market = Market(index=0.04, fixings=Fixings(table=((settlement, 0.05),)))
    prices = np.linspace(95.0, 104.0, 200_000)
    for measure in (Measure.MODIFIED, Measure.EFFECTIVE_DURATION):
        tracemalloc.start()
        try:
            found = risk(settlement, prices, measure, terms, Workout.MATURITY, market)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert np.all(np.isfinite(found))
        assert peak < 150e6, measure


@pytest.mark.parametrize("measure", [Measure.MODIFIED, Measure.MACAULAY, Measure.CONVEXITY, Measure.DV01])
def test_a_column_of_daily_dates_is_each_day_alone_to_the_last_bit(measure: Measure, monkeypatch) -> None:
    """The days of one coupon period are solved as one and each measured at its own times of the flows: each
    cell is exactly what its day alone gives, across payment dates and with prices from discount to premium."""
    from trups_xl.core.pricing import workout_yield

    solved = []
    solve_period = workout_yield._solve_period
    monkeypatch.setattr(workout_yield, "_solve_period", lambda *a: solved.append(solve_period(*a)) or solved[-1])
    xxi = shipped()["citigroup_capital_xxi"]
    market = Market(index=0.035)
    days = [dt.date(2012, 6, 1) + dt.timedelta(days=k) for k in range(0, 240, 4)] + [dt.date(2012, 12, 21)]
    prices = [60.0 + 70.0 * (k % 5) / 4 for k in range(len(days))]
    column = risk(np.array(days, dtype="datetime64[D]")[:, None], np.array(prices)[:, None], measure, xxi,
                  market=market, holding=2_500.0)
    assert sum(s is not None for s in solved) >= 2  # two periods at least solved as one
    for k, (day, price) in enumerate(zip(days, prices, strict=True)):
        assert column[k, 0] == risk(day, price, measure, xxi, market=market, holding=2_500.0), day


_FLOATER = {"name": "Test Act/360 floater", "liquidation_amount": 1000.0, "issue_date": dt.date(2020, 2, 10),
            "first_payment_date": dt.date(2020, 5, 10), "maturity_date": dt.date(2030, 2, 10),
            "floating_index": "term_sofr_3m", "floating_margin": 0.0074, "floating_frequency": 4,
            "floating_day_count": "Act/360", "business_day_convention": "following", "floating_accrual": "unadjusted"}


@pytest.mark.parametrize("measure", [Measure.EFFECTIVE_DURATION, Measure.EFFECTIVE_CONVEXITY, Measure.SPREAD_DURATION])
@pytest.mark.parametrize("case", ["xxi", "xxi to maturity on a curve", "fixed", "floater, fixings typed"])
def test_a_column_of_daily_dates_of_effective_measures_is_each_day_alone_to_the_last_bit(measure, case,
                                                                                          monkeypatch) -> None:
    """The effective measures of a column of daily dates are worked a coupon period at a time (the yields, the
    discount margins of index-linked periods at each date's part of the current period, the moved markets'
    prices at each date's times), and each cell is exactly what its day alone gives: across payment dates and
    fixing dates (a floater's current coupon held once fixed), with prices from discount to premium."""
    from trups_xl.core.pricing import risk as risk_module

    grouped = []
    in_period = risk_module._effective_in_period
    monkeypatch.setattr(risk_module, "_effective_in_period",
                        lambda *a: grouped.append(in_period(*a)) or grouped[-1])
    workout: Workout | dt.date = Workout.WORST
    if case.startswith("xxi"):
        terms, start = shipped()["citigroup_capital_xxi"], dt.date(2012, 6, 1)
        market = Market(index=0.035)
        if case.endswith("curve"):
            market = Market(index=ForwardCurve((dt.date(2012, 1, 1), dt.date(2040, 1, 1)), (0.02, 0.05)))
            workout = Workout.MATURITY
    elif case == "fixed":
        terms, start, market = shipped()["bac_capital_trust_i"], dt.date(2013, 3, 1), Market()
    else:
        terms, start = from_mapping(_FLOATER), dt.date(2023, 4, 1)
        market = Market(index=0.04, fixings=Fixings(table=((dt.date(2023, 5, 10), 0.05), (dt.date(2023, 8, 10), 0.045))))
    days = [start + dt.timedelta(days=k) for k in range(0, 240, 3)]
    prices = [80.0 + 40.0 * (k % 5) / 4 for k in range(len(days))]
    column = risk(np.array(days, dtype="datetime64[D]")[:, None], np.array(prices)[:, None], measure, terms,
                  workout, market)
    assert sum(g is not None for g in grouped) >= 2  # two periods at least worked as one
    for k, (day, price) in enumerate(zip(days, prices, strict=True)):
        assert column[k, 0] == risk(day, price, measure, terms, workout, market), day
