"""Duration, convexity, DV01 and the effective measures against QuantLib and by finite differences."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import QuantLib as ql
from yield_cases import DC, priced_to_maturity, ql_date

from trups_xl.core.pricing.risk import Measure, risk
from trups_xl.core.pricing.workout import Workout
from trups_xl.core.pricing.workout_yield import price_to_workout


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
