"""Random fixed-rate callable bonds and their QuantLib twins, for the yield, risk and spread tests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import QuantLib as ql

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.workout import Workout
from trups_xl.core.pricing.workout_yield import yield_to_workout
from trups_xl.core.securities.terms import Terms, from_mapping

FREQUENCIES = (1, 2, 4, 12)


def months_after(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, day.day)


def random_bond(rng: random.Random) -> tuple[Terms, dt.date, int, list[dt.date]]:
    """A fixed-rate callable bond with regular periods on a day <= 28, a settlement date in it, and its
    payment dates after settlement."""
    frequency = rng.choice(FREQUENCIES)
    step = 12 // frequency
    issue = dt.date(rng.randint(1995, 2030), rng.randint(1, 12), rng.randint(1, 28))
    periods = rng.randint(3, 30 * frequency if frequency < 12 else 120)
    maturity = months_after(issue, step * periods)
    call_k = rng.randint(1, periods)
    terms = from_mapping({"name": "Test 1", "liquidation_amount": 1000.0, "issue_date": issue,
                          "first_payment_date": months_after(issue, step), "maturity_date": maturity,
                          "fixed_rate": round(rng.uniform(0.0, 0.12), 5), "fixed_frequency": frequency,
                          "fixed_day_count": "30/360", "par_call_date": months_after(issue, step * call_k)})
    settle_k = rng.randint(0, periods - 2)
    start = months_after(issue, step * settle_k)
    settlement = start + dt.timedelta(days=rng.randint(0, 27))
    if settlement.day > 28:
        settlement = settlement.replace(day=28)
    dates = [months_after(issue, step * k) for k in range(1, periods + 1)]
    return terms, settlement, frequency, [d for d in dates if d > settlement]


def ql_date(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def ql_bond(terms: Terms, to: dt.date, frequency: int) -> ql.FixedRateBond:
    schedule = ql.Schedule(ql_date(terms.issue_date), ql_date(to), ql.Period(12 // frequency, ql.Months), ql.NullCalendar(),
                           ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    return ql.FixedRateBond(0, 100.0, schedule, [terms.fixed_coupon_rate], ql.Thirty360(ql.Thirty360.BondBasis))


DC = ql.Thirty360(ql.Thirty360.BondBasis)


def priced_to_maturity(rng: random.Random, count: int, prices: tuple[float, float] = (70.0, 130.0)
                       ) -> Iterator[tuple[Terms, dt.date, int, float, float, ql.FixedRateBond]]:
    """Of ``count`` random bonds, each with a clean price in ``prices`` that some yield to maturity gives:
    (terms, settlement, frequency, price, that yield, its QuantLib twin to maturity), QuantLib's
    evaluation date set to the settlement."""
    for _ in range(count):
        terms, settlement, frequency, _ = random_bond(rng)
        price = round(rng.uniform(*prices), 3)
        try:
            y = yield_to_workout(settlement, price, terms, Workout.MATURITY)
        except TrupsInputError:
            continue
        bond = ql_bond(terms, terms.final_repayment, frequency)
        ql.Settings.instance().evaluationDate = ql_date(settlement)
        yield terms, settlement, frequency, price, y, bond


def ql_yield(bond: ql.FixedRateBond, clean: float, settlement: dt.date, frequency: int) -> float:
    ql.Settings.instance().evaluationDate = ql_date(settlement)
    return float(ql.BondFunctions.bondYield(bond, ql.BondPrice(clean, ql.BondPrice.Clean), DC, ql.Compounded,
                                            frequency, ql_date(settlement), 1e-14, 500, 0.05))


def excel_price(settlement: dt.date, maturity: dt.date, rate: float, yld: float, frequency: int,
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


