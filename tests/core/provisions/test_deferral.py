"""Deferred interest, extension-period dates and the claim limit."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.stepping import add_years
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.provisions.deferral import claim_limit, deferral_dates, deferred_interest
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities.loading import TERMS


def test_ten_deferred_fixed_coupons_compound_to_the_annuity():
    # Deferred 2010-06-21 .. 2014-12-21: ten coupons of 41.50, each compounding at
    # 8.300% x 180/360 = 4.15% per period on each later payment date:
    # 41.50 x (1.0415^10 - 1) / 0.0415 = 501.733064
    assert deferred_interest(dt.date(2010, 6, 21), dt.date(2014, 12, 21), terms=TERMS) == pytest.approx(
        41.50 * (1.0415**10 - 1) / 0.0415, abs=1e-9)


def test_interest_accrues_on_the_balance_within_a_period():
    # one coupon deferred 2010-06-21 (41.50); 2010-07-21 is 30 days on (30/360):
    # 41.50 x (1 + 0.083 x 30/360) = 41.787042
    assert deferred_interest(dt.date(2010, 6, 21), dt.date(2010, 7, 21), terms=TERMS) == pytest.approx(
        41.50 * (1 + 0.083 * 30 / 360), abs=1e-12)


def test_floating_deferral_needs_fixings():
    with pytest.raises(TrupsInputError, match="no fixing"):
        deferred_interest(dt.date(2038, 3, 21), dt.date(2039, 3, 21), terms=TERMS)
    # 2038-03-21 (Sunday; accrual to Monday 22nd) coupon at 5% + 4.17% over 91 days,
    # then compounding over 2038-03-22 -> 2038-06-21 (91 days) plus the June coupon:
    c1 = 0.0917 * 91 / 360 * 1000
    c2 = 0.0917 * 91 / 360 * 1000
    assert deferred_interest(dt.date(2038, 3, 21), dt.date(2038, 6, 21), Fixings.of(0.05), terms=TERMS) == pytest.approx(
        c1 * (1 + 0.0917 * 91 / 360) + c2, abs=1e-9)


def test_limits():
    with pytest.raises(TrupsInputError, match="10 years"):
        deferred_interest(dt.date(2010, 6, 21), dt.date(2020, 6, 22), terms=TERMS)
    with pytest.raises(TrupsInputError, match="not a scheduled"):
        deferred_interest(dt.date(2010, 6, 20), dt.date(2011, 1, 1), terms=TERMS)
    with pytest.raises(TrupsInputError, match="before the extension"):
        deferred_interest(dt.date(2010, 6, 21), dt.date(2010, 6, 1), terms=TERMS)


def test_key_dates():
    events = dict(deferral_dates(dt.date(2010, 6, 21), terms=TERMS))
    assert events["apm_5th_anniversary"] == dt.date(2015, 6, 21)
    assert events["share_cap_test_1"] == dt.date(2011, 6, 21)
    assert events["share_cap_test_9"] == dt.date(2019, 6, 21)
    assert events["ten_year_limit"] == dt.date(2020, 6, 21)
    assert events["event_of_default"] == dt.date(2020, 7, 21)  # 30 days (p.49)
    late = dict(deferral_dates(dt.date(2070, 6, 21), terms=TERMS))
    assert late["ten_year_limit"] == dt.date(2077, 12, 21)  # never past the final repayment date


def test_claim_limit():
    assert claim_limit(300.0, terms=TERMS) == 250.0 and claim_limit(100.0, terms=TERMS) == 100.0
    assert claim_limit(1e9, 3.5e9, terms=TERMS) == 875_000_000.0


FIXED_DATES = [dt.date(y, m, 21) for y in range(2008, 2038) for m in (6, 12)]


@given(st.sampled_from(FIXED_DATES[:38]), st.integers(min_value=0, max_value=3650), st.integers(1, 400))
def test_at_least_the_coupons_and_increasing(first, offset, step):
    limit = dt.date(first.year + 10, first.month, first.day)
    a = min(first + dt.timedelta(days=offset), limit)
    b = min(a + dt.timedelta(days=step), limit)
    owed_a, owed_b = deferred_interest(first, a, terms=TERMS), deferred_interest(first, b, terms=TERMS)
    deferred_coupons = 41.5 * sum(1 for d in FIXED_DATES if first <= d <= a and d < limit)
    assert owed_a >= deferred_coupons - 1e-9
    assert owed_b >= owed_a


@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), years=st.integers(0, 15))
def test_whole_years_are_added_as_dateutil_adds_them(day, years):
    assert add_years(day, years) == day + relativedelta(years=years)
