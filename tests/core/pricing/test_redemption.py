"""Make-whole and redemption routes: the worked example by hand, QuantLib, properties."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.redemption import (
    make_whole,
    make_whole_price,
    make_whole_pv,
    redemption_payment_date,
    redemption_price,
    treasury_price_date,
)
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities.loading import TERMS

D = np.datetime64
FIXED_DATES = [dt.date(y, m, 21) for y in range(2008, 2038) for m in (6, 12)]


def independent_pv(redemption: dt.date, rate: float, stub: str, principal: float = 1000.0) -> float:
    """Cash flow by cash flow, straight from p.38, sharing no code with trups_xl."""
    def d360(a: dt.date, b: dt.date) -> int:  # 30/360 Bond Basis
        d1 = 30 if a.day == 31 else a.day
        d2 = 30 if (b.day == 31 and d1 >= 30) else b.day
        return 360 * (b.year - a.year) + 30 * (b.month - a.month) + d2 - d1

    coupon = 0.083 * principal / 2
    upcoming = [d for d in FIXED_DATES if d > redemption]
    previous = max([dt.date(2007, 12, 21)] + [d for d in FIXED_DATES if d <= redemption])
    accrued = 0.083 * principal * d360(previous, redemption) / 360
    total = 0.0
    for i, pay in enumerate(upcoming):
        amount = coupon - accrued if (i == 0 and stub == "exclude_accrued") else coupon
        total += amount / (1 + rate / 2) ** (d360(redemption, pay) / 180)
    total += principal / (1 + rate / 2) ** (d360(redemption, dt.date(2037, 12, 21)) / 180)
    return total - accrued if stub == "subtract_accrued" else total


def test_worked_example_2030_03_15_at_4_percent():
    # Redemption 2030-03-15, treasury 4.00% + 0.50% = 4.50%, semi-annual: 1 + 0.045/2 = 1.0225.
    ex = make_whole(D("2030-03-15"), 0.04, terms=TERMS)
    sub = make_whole(D("2030-03-15"), 0.04, stub="subtract_accrued", terms=TERMS)
    # accrued: 2029-12-21 -> 2030-03-15, 30/360: 30*(3-12) + 360 + (15-21) = 84 days;
    # 0.083 x 84/360 x 1000 = 19.366667
    assert ex.accrued == pytest.approx(19.3666667, abs=1e-7)
    # next coupon 2030-06-21: 30*3 + (21-15) = 96 days = 96/180 = 0.533333 periods
    assert ex.next_coupon_date == D("2030-06-21") and ex.days_to_next == 96
    assert ex.periods_to_next == pytest.approx(96 / 180)
    # 16 coupons 2030-06-21 .. 2037-12-21; first discount factor 1.0225^-0.533333 = 0.988203
    assert ex.coupons_left == 16
    assert ex.first_discount_factor == pytest.approx(1.0225 ** (-96 / 180))
    assert ex.first_discount_factor == pytest.approx(0.9882031, abs=1e-7)
    # exclude_accrued: first coupon 41.50 - 19.366667 = 22.133333; later coupons 41.50
    assert ex.first_coupon == pytest.approx(22.1333333, abs=1e-7)
    assert sub.first_coupon == 41.5
    # PV = sum of each flow / 1.0225^(w + i), principal with the last coupon
    for m, stub in ((ex, "exclude_accrued"), (sub, "subtract_accrued")):
        assert m.pv == pytest.approx(independent_pv(dt.date(2030, 3, 15), 0.045, stub), abs=1e-9)
        assert m.price == pytest.approx(max(1000, m.pv) + 19.3666667, abs=1e-6)
    # the readings differ by accrued x (DF1 - 1) = 19.366667 x (0.988203 - 1) = -0.228466
    assert sub.pv - ex.pv == pytest.approx(19.3666667 * (0.9882031436 - 1), abs=1e-7)
    # numbers as printed in docs/make_whole_example.md
    assert float(ex.pv) == pytest.approx(1246.8796237, abs=1e-6)
    assert float(ex.price) == pytest.approx(1266.2462904, abs=1e-6)
    assert float(sub.price) == pytest.approx(1266.0178246, abs=1e-6)



def test_pv_agrees_with_quantlib_discounting():
    ql_ = pytest.importorskip("QuantLib")
    rng = np.random.default_rng(7)
    for _ in range(200):
        r_date = dt.date(2008, 1, 1) + dt.timedelta(days=int(rng.integers(0, 10_900)))
        rate = float(rng.uniform(0.0, 0.12))
        for stub in ("exclude_accrued", "subtract_accrued"):
            ours = float(make_whole_pv(D(r_date), rate - 0.005, stub=stub, terms=TERMS))
            ir = ql_.InterestRate(rate, ql_.Thirty360(ql_.Thirty360.BondBasis), ql_.Compounded,
                                  ql_.Semiannual)
            qd = ql_.Date(r_date.day, r_date.month, r_date.year)
            upcoming = [d for d in FIXED_DATES if d > r_date]
            acc = 0.083 * 1000 * ql_.Thirty360(ql_.Thirty360.BondBasis).yearFraction(
                ql_.Date(21, 12 if upcoming[0].month == 6 else 6,
                         upcoming[0].year - (1 if upcoming[0].month == 6 else 0)), qd)
            total = 0.0
            for i, pay in enumerate(upcoming):
                amount = 41.5 - acc if (i == 0 and stub == "exclude_accrued") else 41.5
                total += amount * ir.discountFactor(qd, ql_.Date(pay.day, pay.month, pay.year))
            total += 1000 * ir.discountFactor(qd, ql_.Date(21, 12, 2037))
            if stub == "subtract_accrued":
                total -= acc
            assert ours == pytest.approx(total, abs=1e-9)


def test_vectorised_grid():
    dates = np.array(["2012-07-18", "2020-01-02", "2030-03-15"], dtype="datetime64[D]").reshape(3, 1)
    rates = np.array([[0.01, 0.04, 0.08]])
    grid = make_whole_price(dates, rates, terms=TERMS)
    assert grid.shape == (3, 3)
    assert grid[2, 1] == pytest.approx(float(make_whole_price(D("2030-03-15"), 0.04, terms=TERMS)))


redemption_days = st.dates(min_value=dt.date(2007, 12, 21), max_value=dt.date(2037, 12, 20))
treasury = st.floats(min_value=-0.004, max_value=0.2)


@given(redemption_days, treasury, st.sampled_from(["exclude_accrued", "subtract_accrued"]))
def test_never_below_par_plus_accrued(day, rate, stub):
    m = make_whole(D(day), rate, stub=stub, terms=TERMS)
    assert m.price >= 1000 + m.accrued - 1e-9


@given(redemption_days, treasury, st.floats(min_value=1e-4, max_value=0.05))
def test_strictly_decreasing_in_treasury_rate_above_the_floor(day, rate, bump):
    low, high = make_whole(D(day), rate, terms=TERMS), make_whole(D(day), rate + bump, terms=TERMS)
    assume(high.pv > 1000)
    assert high.price < low.price


@given(st.sampled_from(FIXED_DATES[:-1]), treasury)
def test_continuous_across_coupon_dates_once_accrued_is_removed(coupon_date, rate):
    before = make_whole(D(coupon_date) - np.timedelta64(1, "D"), rate, terms=TERMS)
    on = make_whole(D(coupon_date), rate, terms=TERMS)
    # Across the coupon date the PV moves like on any other day: by at most one 30/360 day of
    # coupon (0.083 x 1000 / 360 = 0.2306) plus one day of discounting (rate x PV / 360) —
    # not by the 41.50 coupon, which only the accrued interest (and so the price) gives up.
    one_day = 0.083 * 1000 / 360 + abs(rate + 0.005) * float(on.pv) / 360
    assert abs(float(on.pv) - float(before.pv)) <= one_day * 1.01
    assert on.accrued == 0 and before.accrued > 40  # price jumps only by the coupon paid


def test_routes():
    # after 2037-12-21: par + accrued (floating, needs fixings)
    fix = Fixings.of(0.05)
    price = redemption_price(D("2038-02-01"), None, fixings=fix, terms=TERMS)
    assert price == pytest.approx(1000 + 0.0917 * 42 / 360 * 1000)
    with pytest.raises(TrupsInputError, match="no fixing"):
        redemption_price(D("2038-02-01"), terms=TERMS)
    # regulatory capital event 2012-06-07: par within 90 days; accrued 2012-06-21 -> 07-18 = 27 days
    assert redemption_price(D("2012-07-18"), None, "regulatory_capital", dt.date(2012, 6, 7), terms=TERMS) \
        == pytest.approx(1000 + 0.083 * 27 / 360 * 1000)
    with pytest.raises(TrupsInputError, match="within 90 days"):
        redemption_price(D("2012-09-06"), 0.02, "regulatory_capital", dt.date(2012, 6, 7), terms=TERMS)
    assert redemption_price(D("2012-09-05"), None, "regulatory_capital", dt.date(2012, 6, 7), terms=TERMS) > 1000
    # tax event: make-whole within the window
    assert redemption_price(D("2012-07-18"), 0.0265, "tax", dt.date(2012, 6, 7), terms=TERMS) == pytest.approx(
        float(make_whole_price(D("2012-07-18"), 0.0265, terms=TERMS)))
    with pytest.raises(TrupsInputError, match="treasury rate"):
        redemption_price(D("2012-07-18"), terms=TERMS)
    with pytest.raises(TrupsInputError, match="its date"):
        redemption_price(D("2012-07-18"), 0.02, "tax", terms=TERMS)


def test_payment_and_price_dates():
    # 2011-12-31 is a Saturday; Monday 2012-01-02 is in the next year -> Friday 2011-12-30 (p.22)
    assert redemption_payment_date(D("2011-12-31")) == D("2011-12-30")
    assert redemption_payment_date(D("2012-07-21")) == D("2012-07-23")  # Saturday -> Monday
    # 2030-03-15 is a Friday: 3rd trading day before is Tuesday 2030-03-12, 2nd is Wednesday
    assert treasury_price_date(D("2030-03-15")) == D("2030-03-12")
    assert treasury_price_date(D("2030-03-15"), 2) == D("2030-03-13")


def test_one_date_payment_and_price_dates_equal_the_array_path_every_day():
    days = np.arange(np.datetime64("2007-12-21"), np.datetime64("2077-12-22"))
    as_dates = days.astype(object)
    assert [redemption_payment_date(d) for d in as_dates] == redemption_payment_date(days).astype(object).tolist()
    for lag in (2, 3):
        expected = treasury_price_date(days, lag).astype(object).tolist()
        assert [treasury_price_date(d, lag) for d in as_dates] == expected


@settings(max_examples=300)
@given(st.dates(dt.date(2007, 12, 21), dt.date(2037, 12, 20)), st.floats(-0.02, 0.15),
       st.sampled_from(["exclude_accrued", "subtract_accrued"]), st.sampled_from([25.0, 1000.0]))
def test_one_date_make_whole_equals_the_array_form(day, rate, stub, principal):
    """A cell's make-whole runs on floats (par_call_position, math), a range's on arrays: the same
    price to the last bits of log1p/exp, and the same route price for one date."""
    one = make_whole_price(day, rate, None, principal, stub, terms=TERMS)
    array = make_whole_price(np.array([day], dtype="datetime64[D]"), np.array([rate]), None, principal, stub,
                             terms=TERMS)
    assert type(one) is float and one == pytest.approx(float(array[0]), rel=2e-15, abs=0)
    routed = redemption_price(day, rate, principal=principal, terms=TERMS)
    routed_array = redemption_price(np.array([day], dtype="datetime64[D]"), np.array([rate]), principal=principal,
                                    terms=TERMS)
    assert routed == pytest.approx(float(routed_array[0]), rel=2e-15, abs=0)


@given(st.dates(dt.date(2037, 12, 21), dt.date(2077, 12, 21)))
def test_one_date_par_route_equals_the_array_form(day):
    fixings = Fixings(single=0.05)
    assert redemption_price(day, fixings=fixings, terms=TERMS) == float(
        redemption_price(np.array([day], dtype="datetime64[D]"), fixings=fixings, terms=TERMS)[0])


# ---- a date outside the special-event window: the same refusal from a date and from an array ------

#: XXI (p.38, p.40, docs/TERMS.md): at par within 90 days of a regulatory capital event, before the
#: par call date 2037-12-21; an event on 2012-06-07 opens 2012-06-07..2012-09-05 (23 + 31 + 31 + 5 days).
WINDOW_REFUSAL = ("redemption_date: a special-event redemption before 2037-12-21 must fall within 90 days after "
                  "the event (2012-06-07..2012-09-05)")


@pytest.mark.parametrize("day", [dt.date(2012, 9, 6), dt.date(2012, 6, 6), dt.date(2030, 1, 1)], ids=str)
def test_a_redemption_outside_the_special_event_window_is_refused_alike_from_a_date_and_an_array(day):
    event = dt.date(2012, 6, 7)
    for value in (day, np.array([day], dtype="datetime64[D]"), np.array([dt.date(2012, 7, 18), day],
                                                                         dtype="datetime64[D]")):
        for fixings in (None, Fixings(single=0.03)):
            with pytest.raises(TrupsInputError) as refused:
                redemption_price(value, 0.04, "regulatory_capital", event, fixings, terms=TERMS)
            assert str(refused.value) == WINDOW_REFUSAL


@settings(max_examples=60)
@given(st.lists(st.dates(dt.date(2012, 5, 1), dt.date(2012, 10, 31)), min_size=1, max_size=8),
       st.sampled_from(["regulatory_capital", "tax"]))
def test_a_column_of_redemption_dates_is_refused_exactly_when_one_of_its_dates_is(days, trigger):
    event, rows = dt.date(2012, 6, 7), []
    for day in days:
        try:
            rows.append(redemption_price(day, 0.04, trigger, event, terms=TERMS))
        except TrupsInputError as exc:
            rows.append(str(exc))
    try:
        whole = redemption_price(np.array(days, dtype="datetime64[D]"), 0.04, trigger, event, terms=TERMS)
    except TrupsInputError as exc:
        assert str(exc) in rows
    else:
        assert not any(isinstance(row, str) for row in rows) and whole.tolist() == pytest.approx(rows, abs=1e-9)
