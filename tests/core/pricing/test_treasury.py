"""Treasury yield and price against QuantLib's FixedRateBond (street convention)."""

import calendar
import datetime as dt

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.treasury import coupon_date_before, treasury_price, treasury_yield

ql = pytest.importorskip("QuantLib")


def _qd(day: dt.date) -> "ql.Date":
    return ql.Date(day.day, day.month, day.year)


def _quantlib(settlement, maturity, coupon, first_date):
    month_end = coupon_date_before(maturity, 0).day != maturity.day or maturity.day >= 28
    schedule = ql.Schedule(_qd(first_date), _qd(maturity), ql.Period(ql.Semiannual), ql.NullCalendar(),
                           ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, month_end)
    dc = ql.ActualActual(ql.ActualActual.Bond, schedule)
    ql.Settings.instance().evaluationDate = _qd(settlement)
    return ql.FixedRateBond(0, 100.0, schedule, [coupon], dc), dc


CASES = [
    # settlement, maturity, coupon, issue (None: regular), clean price
    (dt.date(2030, 3, 12), dt.date(2037, 11, 15), 0.04375, None, 101.5),  # mid-period
    (dt.date(2030, 5, 15), dt.date(2037, 11, 15), 0.04375, None, 99.25),  # settlement on a coupon date
    (dt.date(2037, 9, 1), dt.date(2037, 11, 15), 0.04375, None, 100.2),  # last period
    (dt.date(2030, 3, 12), dt.date(2035, 5, 15), 0.03, dt.date(2030, 1, 31), 95.0),  # short (odd) first period
    (dt.date(2030, 11, 5), dt.date(2031, 2, 28), 0.045, None, 100.1),  # month-end coupons (Aug 31/Feb 28)
    (dt.date(2012, 6, 4), dt.date(2037, 11, 15), 0.05, None, 131.0),  # 2012: 30-year bond, low yield
]


@pytest.mark.parametrize(("settlement", "maturity", "coupon", "issue", "price"), CASES)
def test_yield_and_price_agree_with_quantlib(settlement, maturity, coupon, issue, price):
    first = issue or coupon_date_before(maturity, 70)
    bond, dc = _quantlib(settlement, maturity, coupon, first)
    theirs = bond.bondYield(ql.BondPrice(price, ql.BondPrice.Clean), dc, ql.Compounded, ql.Semiannual,
                            _qd(settlement), 1e-14, 200)
    ours = treasury_yield(np.datetime64(settlement), np.datetime64(maturity), coupon, price, issue)
    assert ours == pytest.approx(theirs, abs=1e-8)
    for y in (0.005, 0.04, 0.09):
        assert treasury_price(np.datetime64(settlement), np.datetime64(maturity), coupon, y, issue) \
            == pytest.approx(bond.cleanPrice(y, dc, ql.Compounded, ql.Semiannual, _qd(settlement)), abs=1e-8)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2036, 12, 31)),
       st.floats(min_value=-0.005, max_value=0.15), st.floats(min_value=0.0, max_value=0.1))
def test_yield_inverts_price(settlement, y, coupon):
    maturity = dt.date(2037, 2, 15)
    price = treasury_price(np.datetime64(settlement), np.datetime64(maturity), coupon, y)
    assert treasury_yield(np.datetime64(settlement), np.datetime64(maturity), coupon, price) \
        == pytest.approx(y, abs=1e-10)


def test_refusals():
    with pytest.raises(TrupsInputError, match="before maturity"):
        treasury_yield(np.datetime64("2038-01-01"), np.datetime64("2037-11-15"), 0.04, 100.0)
    with pytest.raises(TrupsInputError, match="no yield"):
        treasury_yield(np.datetime64("2030-01-01"), np.datetime64("2037-11-15"), 0.04, 1e-9)


# ---- the solver never returns an unconverged number (issue: -0.2530309917 repricing to 2.49e12) ----

from trups_xl.excel import udfs  # noqa: E402


@pytest.mark.parametrize(("settlement", "maturity", "coupon", "price"), [
    ("1991-04-07", "2079-10-05", 0, 120), ("1991-04-07", "2079-10-05", 0, 185.25),
    ("2030-01-01", "2059-06-01", 0, 235), ("2012-06-04", "2042-11-15", 0.01, 140),
])
def test_long_low_coupon_treasuries_reprice(settlement, maturity, coupon, price):
    y = udfs.TRUPS_TREASURY_YIELD(settlement, maturity, coupon, price)
    assert isinstance(y, float)
    assert udfs.TRUPS_TREASURY_PRICE(settlement, maturity, coupon, y) == pytest.approx(price, abs=1e-9)


@given(st.dates(dt.date(1990, 1, 1), dt.date(2060, 1, 1)), st.integers(1, 360), st.sampled_from([0, 0.005, 0.02, 0.08]),
       st.floats(1, 999))
def test_every_accepted_treasury_price_reprices_or_is_refused(settlement, months, coupon, price):
    maturity = settlement + dt.timedelta(days=30 * months + 1)
    y = udfs.TRUPS_TREASURY_YIELD(settlement, maturity, coupon, price)
    if isinstance(y, str):
        assert y.startswith("#TRUPS! ") and "\n" not in y
        return
    assert udfs.TRUPS_TREASURY_PRICE(settlement, maturity, coupon, y) == pytest.approx(price, abs=1e-9)


@given(st.dates(dt.date(1990, 1, 1), dt.date(2070, 1, 1)), st.integers(1, 360 * 30))
def test_vectorised_positions_equal_the_one_date_rule(settlement, days):
    from trups_xl.core.pricing.treasury import _positions, coupon_position

    maturity = settlement + dt.timedelta(days=days)
    want = coupon_position(settlement, maturity)
    got = tuple(float(np.asarray(v).item()) for v in _positions(np.datetime64(settlement), np.datetime64(maturity), None))
    assert got == pytest.approx(want, rel=0, abs=0)


@given(maturity=st.dates(dt.date(2008, 1, 1), dt.date(2077, 12, 31)), periods=st.integers(0, 140))
def test_coupon_dates_step_back_as_dateutil_does(maturity, periods):
    """Half-years back on the maturity's day (clipped to the month), or on month ends for a
    month-end maturity: the same dates dateutil's relativedelta gives."""
    expected = maturity - relativedelta(months=6 * periods)
    if maturity.day == calendar.monthrange(maturity.year, maturity.month)[1]:
        expected = expected.replace(day=calendar.monthrange(expected.year, expected.month)[1])
    assert coupon_date_before(maturity, periods) == expected


@given(st.dates(dt.date(1995, 1, 1), dt.date(2060, 1, 1)), st.integers(30, 365 * 30),
       st.sampled_from([0.0, 0.01875, 0.04375, 0.08]), st.floats(-0.02, 0.15))
def test_one_treasury_price_and_yield_equal_the_array_form(settlement, days, coupon, yield_rate):
    maturity = settlement + dt.timedelta(days=days)
    one = treasury_price(settlement, maturity, coupon, yield_rate)
    array = treasury_price(np.array([settlement], dtype="datetime64[D]"), maturity, coupon, np.array([yield_rate]))
    assert type(one) is float and one == float(array[0])
    back = treasury_yield(settlement, maturity, coupon, one)
    back_array = treasury_yield(np.array([settlement], dtype="datetime64[D]"), maturity, coupon, np.array([one]))
    assert back == float(back_array[0]) and back == pytest.approx(yield_rate, abs=1e-9)


@pytest.mark.parametrize(("settlement", "maturity"), [(dt.date(2037, 11, 15), dt.date(2037, 11, 15)),
                                                      (dt.date(2040, 1, 2), dt.date(2037, 11, 15))])
def test_a_settlement_on_or_after_maturity_is_refused_alike_from_dates_and_arrays(settlement, maturity):
    for s, m in ((settlement, maturity), (np.array([settlement]), np.array([maturity]))):
        for solve, value in ((treasury_price, 0.04), (treasury_yield, 99.0)):
            with pytest.raises(TrupsInputError) as refused:
                solve(s, m, 0.04, value)
            assert str(refused.value) == "settlement: settlement must be before maturity"
