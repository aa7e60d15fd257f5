"""Accrual: hand-checked cases from the prospectus, and Hypothesis properties."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from trups_xl.core.errors import MissingFixingError, TrupsInputError
from trups_xl.core.pricing.accrual import accrual, accrued_interest, coupon, next_payment_date, previous_payment_date
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.scheduling.schedule import build_schedule

D = np.datetime64


def test_full_fixed_period_is_41_50():
    # 8.300% x 180/360 x 1,000 = 41.50 (p.40, 30/360)
    assert accrual(D("2008-06-21"), D("2008-12-21"), terms=TERMS) == pytest.approx(41.50, abs=1e-12)
    assert coupon(D("2037-12-21"), terms=TERMS) == pytest.approx(41.50, abs=1e-12)
    assert round(float(coupon(D("2008-06-21"), terms=TERMS)), 2) == 41.50


def test_accrued_interest_to_the_31st_bond_basis():
    # 2008-12-21 -> 2009-01-31: 360*(2009-2008) + 30*(1-12) + (31-21) = 40 days (D1=21 < 30,
    # so D2=31 stays 31); 0.083 x 40/360 x 1,000 = 9.2222...
    assert accrued_interest(D("2009-01-31"), terms=TERMS) == pytest.approx(0.083 * 40 / 360 * 1000, abs=1e-12)
    assert accrued_interest(D("2009-01-31"), terms=TERMS) == pytest.approx(9.222222222, abs=1e-9)


def test_first_floating_period_with_the_4_910_fallback():
    # p.41: 4.910% for the quarterly period beginning 2037-12-21; rate 4.910% + 4.170% = 9.080%.
    # 2038-03-21 is a Sunday: adjusted accrual to Monday 2038-03-22 = 91 days (Act/360):
    # 0.0908 x 91/360 x 1,000 = 22.952222...
    assert coupon(D("2038-03-21"), policy="prospectus_fallback", terms=TERMS) == pytest.approx(22.952222222, abs=1e-9)
    # unadjusted reading: 90 days, 0.0908 x 90/360 x 1,000 = 22.70
    assert coupon(D("2038-03-21"), policy="prospectus_fallback",
                  convention="unadjusted", terms=TERMS) == pytest.approx(22.70, abs=1e-9)


def test_fallback_carries_previous_period_rate():
    # p.41: without a fixing a period takes the previous period's LIBOR.
    fix = Fixings.of({dt.date(2040, 3, 21): 0.05})
    jun = coupon(D("2040-09-21"), fix, policy="prospectus_fallback", terms=TERMS)
    # 2040-06-21 (Thu) -> 2040-09-21 (Fri): 92 days at 5% + 4.17%: 0.0917 x 92/360 x 1,000
    assert jun == pytest.approx(0.0917 * 92 / 360 * 1000, abs=1e-9)


def test_monthly_period_after_2057():
    # 2058-02-21 (Thu) -> 2058-03-21 (Thu): 28 days; 1-month index 3% + 4.17% = 7.17%:
    # 0.0717 x 28/360 x 1,000 = 5.576666...
    assert coupon(D("2058-03-21"), Fixings.of(0.03), terms=TERMS) == pytest.approx(5.576666667, abs=1e-9)


def test_missing_fixing_names_the_period_start():
    with pytest.raises(MissingFixingError, match="2038-06-21"):
        accrual(D("2037-12-21"), D("2038-07-01"), Fixings.of({dt.date(2037, 12, 21): 0.05,
                                                              dt.date(2038, 3, 21): 0.05}), terms=TERMS)


def test_fixing_date_must_be_a_period_start():
    with pytest.raises(TrupsInputError, match="2038-03-20 is not the first day"):
        accrual(D("2037-12-21"), D("2038-01-01"), Fixings.of({dt.date(2038, 3, 20): 0.05}), terms=TERMS)


def test_fixed_period_needs_no_fixing_and_out_of_life_is_refused():
    assert accrual(D("2037-06-21"), D("2037-12-21"), terms=TERMS) == pytest.approx(41.5)
    with pytest.raises(TrupsInputError, match="outside"):
        accrual(D("2007-12-20"), D("2008-01-01"), terms=TERMS)
    with pytest.raises(TrupsInputError, match="before"):
        accrual(D("2009-01-01"), D("2008-01-01"), terms=TERMS)


def test_previous_and_next_payment_dates_like_couppcd_and_coupncd():
    assert previous_payment_date(D("2009-01-31"), terms=TERMS) == D("2008-12-21")
    assert next_payment_date(D("2009-01-31"), terms=TERMS) == D("2009-06-21")
    assert previous_payment_date(D("2008-06-21"), terms=TERMS) == D("2008-06-21")  # COUPPCD on a coupon date
    assert next_payment_date(D("2008-06-21"), terms=TERMS) == D("2008-12-21")
    assert previous_payment_date(D("2007-12-21"), terms=TERMS) == D("2007-12-21")
    assert next_payment_date(D("2057-12-21"), terms=TERMS) == D("2058-01-21")


def test_vectorised_over_dates():
    ends = np.array(["2008-06-21", "2008-12-21", "2009-06-21"], dtype="datetime64[D]")
    assert np.allclose(accrual(D("2007-12-21"), ends, terms=TERMS), [41.5, 83.0, 124.5])


days = st.dates(min_value=dt.date(2007, 12, 21), max_value=dt.date(2077, 12, 21))
index = st.floats(min_value=0.0, max_value=0.15, allow_nan=False)


@given(days, days, days, index)
def test_additive_over_adjacent_intervals(a, b, c, rate):
    a, b, c = sorted((a, b, c))
    fix = Fixings.of(rate)
    whole = accrual(D(a), D(c), fix, terms=TERMS)
    parts = accrual(D(a), D(b), fix, terms=TERMS) + accrual(D(b), D(c), fix, terms=TERMS)
    assert whole == pytest.approx(parts, abs=1e-9)


@given(days, days, index, st.floats(min_value=0.01, max_value=1e9))
def test_non_negative_and_linear_in_principal(a, b, rate, principal):
    a, b = sorted((a, b))
    fix = Fixings.of(rate)
    one = accrual(D(a), D(b), fix, terms=TERMS)
    assert one >= 0
    assert accrual(D(a), D(b), fix, principal, terms=TERMS) == pytest.approx(one * principal / 1000, rel=1e-12, abs=1e-9)


@given(days, index)
def test_accrued_interest_below_one_period_coupon(day, rate):
    assume(day < dt.date(2077, 12, 21))
    fix = Fixings.of(rate)
    ai = accrued_interest(D(day), fix, terms=TERMS)
    schedule = build_schedule(terms=TERMS)
    # the period whose accrual contains the day (under adjusted accrual a weekend day just
    # after a scheduled date still belongs to the period ending on the adjusted date)
    k = schedule.period_containing(D(day))
    assert 0 <= ai < coupon(schedule.end[k], fix, terms=TERMS) + 1e-9


# ---- exact decimals are exact floats (issue: noise such as 41.49999999999998) -------------------

from fractions import Fraction  # noqa: E402

import QuantLib as ql  # noqa: E402

from trups_xl.core.securities.loading import TERMS, shipped  # noqa: E402
from trups_xl.excel import udfs  # noqa: E402

FIXED_PAYMENTS = [dt.date(y, m, 21) for y in range(2008, 2038) for m in (6, 12)]


@pytest.mark.parametrize("day", FIXED_PAYMENTS, ids=str)
def test_every_fixed_coupon_is_exactly_41_5(day):
    assert float(coupon(D(day), terms=TERMS)) == 41.5
    assert udfs.TRUPS_COUPON(day.isoformat()) == 41.5
    assert udfs.TRUPS_ACCRUAL((day - dt.timedelta(days=182)).replace(day=21).isoformat(), day.isoformat()) == 41.5


def test_schedule_interest_column_is_exact():
    table = udfs.TRUPS_SCHEDULE("2008-01-01", "2037-12-21")
    assert {row[13] for row in table[1:]} == {41.5}


_BOND_BASIS = ql.Thirty360(ql.Thirty360.BondBasis)


def _exact_fixed_accrual(a: dt.date, b: dt.date, principal: int) -> Fraction:
    """Rational 8.300% x 30/360 (QuantLib's Bond Basis day count) from each period's first day."""
    def accrued(day: dt.date) -> Fraction:
        start = max(d for d in [dt.date(2007, 12, 21), *FIXED_PAYMENTS] if d <= day)
        days = _BOND_BASIS.dayCount(ql.Date(start.day, start.month, start.year), ql.Date(day.day, day.month, day.year))
        return Fraction(days, 360)

    def periods_before(day: dt.date) -> int:
        return sum(1 for d in FIXED_PAYMENTS if d <= day)

    halves = periods_before(b) - periods_before(a)
    return Fraction(83, 1000) * principal * (Fraction(halves, 2) + accrued(b) - accrued(a))


@given(st.dates(dt.date(2007, 12, 21), dt.date(2037, 12, 21)), st.dates(dt.date(2007, 12, 21), dt.date(2037, 12, 21)),
       st.integers(1, 10_000_000))
def test_fixed_accruals_are_the_correctly_rounded_exact_value(a, b, principal):
    a, b = min(a, b), max(a, b)
    exact = float(_exact_fixed_accrual(a, b, principal))
    got = float(accrual(D(a), D(b), principal=principal, terms=TERMS))
    assert abs(got - exact) <= 2 * np.spacing(exact), (a, b, principal, got, exact)


def test_whole_periods_of_any_principal_are_exact():
    for principal in (25, 1000, 3_500_000_000):
        exact = _exact_fixed_accrual(dt.date(2008, 6, 21), dt.date(2012, 12, 21), principal)
        assert float(accrual(D("2008-06-21"), D("2012-12-21"), principal=principal, terms=TERMS)) == float(exact)


@given(st.dates(dt.date(2007, 12, 21), dt.date(2077, 12, 21)), st.dates(dt.date(2007, 12, 21), dt.date(2077, 12, 21)),
       st.sampled_from([None, 25.0, 1000.0]))
def test_one_date_accrual_equals_the_array_form_bit_for_bit(a, b, principal):
    """The fixed periods' one-date path (the schedule as lists, floats) and the array path: the same
    number to the bit; beyond the fixed periods both need the floating fixings and both refuse."""
    a, b = min(a, b), max(a, b)
    fixings = Fixings(single=0.05)
    one = accrual(a, b, fixings if b > dt.date(2037, 12, 21) else None, principal, terms=TERMS)
    array = accrual(np.array([a], dtype="datetime64[D]"), np.array([b], dtype="datetime64[D]"),
                    fixings if b > dt.date(2037, 12, 21) else None, principal, terms=TERMS)
    assert type(one) is float and one == float(array[0])
    settled = accrued_interest(a, terms=TERMS) if a < dt.date(2037, 12, 21) else None
    if settled is not None:
        assert settled == float(accrued_interest(np.array([a], dtype="datetime64[D]"), terms=TERMS)[0])


# ---- a refused date: the same message from one date as from an array ----------------------------

#: XXI's payment dates as docs/TERMS.md reads them from p.19-20: June/December 21 from 2008-06-21 to
#: 2037-12-21, quarterly from 2038-03-21 to 2057-12-21, monthly from 2058-01-21 to 2077-12-21.
XXI_PAYMENT_DATES = ("fixed 2008-06-21..2037-12-21 every 6 months; floating 2038-03-21..2057-12-21 every 3 months; "
                     "post-maturity 2058-01-21..2077-12-21 every month")
#: XIII's (term sheet of 2010-09-30): quarterly on the 30th of Jan/Apr/Jul/Oct, fixed from 2011-01-30 to
#: 2015-10-30, then floating to the maturity 2040-10-30.
XIII_PAYMENT_DATES = "fixed 2011-01-30..2015-10-30 every 3 months; floating 2016-01-30..2040-10-30 every 3 months"

FIVE_PERCENT = Fixings(single=0.05)


@pytest.mark.parametrize(("security", "day", "where"), [
    ("citigroup_capital_xxi", dt.date(2010, 3, 3), XXI_PAYMENT_DATES),
    ("citigroup_capital_xxi", dt.date(2038, 3, 22), XXI_PAYMENT_DATES),  # the adjusted day is not the date
    ("citigroup_capital_xiii", dt.date(2011, 3, 3), XIII_PAYMENT_DATES),
    ("citigroup_capital_xiii", dt.date(2010, 10, 5), XIII_PAYMENT_DATES),  # the first accrual day
])
def test_a_day_that_is_not_a_payment_date_is_refused_with_where_they_are(security, day, where):
    terms = shipped()[security]
    expected = f"payment_date: {day} is not a scheduled interest payment date ({where})"
    for value in (day, np.array([day], dtype="datetime64[D]"), np.array([terms.first_payment_date, day],
                                                                         dtype="datetime64[D]")):
        with pytest.raises(TrupsInputError) as refused:
            coupon(value, FIVE_PERCENT, terms=terms)
        assert str(refused.value) == expected
    assert build_schedule(terms=terms).payment_dates_hint == where


@pytest.mark.parametrize("security", ["citigroup_capital_xxi", "citigroup_capital_xiii"])
def test_an_end_before_the_start_is_refused_alike_from_dates_and_arrays(security):
    terms = shipped()[security]
    start, end = terms.first_payment_date + dt.timedelta(days=40), terms.first_payment_date
    for a, b in ((start, end), (np.array([start]), np.array([end]))):
        for fixings in (None, FIVE_PERCENT):
            with pytest.raises(TrupsInputError) as refused:
                accrual(a, b, fixings, terms=terms)
            assert str(refused.value) == "end_date: end_date is before start_date"


#: XXI's payment dates, and any day of its life (most of which are refused)
SOME_DAYS = st.one_of(st.sampled_from(build_schedule(terms=TERMS).end.astype(object).tolist()),
                      st.dates(dt.date(2007, 12, 21), dt.date(2077, 12, 21)))


@given(st.lists(SOME_DAYS, min_size=1, max_size=12), st.sampled_from([None, FIVE_PERCENT]))
def test_an_array_of_days_is_refused_exactly_when_one_of_its_days_is(days, fixings):
    refused = []
    for day in days:
        try:
            coupon(day, fixings, terms=TERMS)
        except TrupsInputError as exc:
            refused.append(str(exc))
    try:
        whole = coupon(np.array(days, dtype="datetime64[D]"), fixings, terms=TERMS)
    except TrupsInputError as exc:
        assert str(exc) in refused  # one refused day's message
    else:
        assert not refused and whole.tolist() == [coupon(day, fixings, terms=TERMS) for day in days]


@given(st.lists(st.tuples(SOME_DAYS, SOME_DAYS), min_size=1, max_size=12), st.sampled_from([None, FIVE_PERCENT]))
def test_an_array_of_intervals_is_refused_exactly_when_one_of_them_is(pairs, fixings):
    refused = []
    for a, b in pairs:
        try:
            accrual(a, b, fixings, terms=TERMS)
        except TrupsInputError as exc:
            refused.append(str(exc))
    starts, ends = (np.array(column, dtype="datetime64[D]") for column in zip(*pairs, strict=True))
    try:
        whole = accrual(starts, ends, fixings, terms=TERMS)
    except TrupsInputError as exc:
        assert str(exc) in refused
    else:
        assert not refused and whole.tolist() == [accrual(a, b, fixings, terms=TERMS) for a, b in pairs]


@pytest.mark.parametrize(("security", "start", "day", "message"), [
    # XXI: LIBOR set on the second London banking day before a period starts, which has a
    # 4.910% fallback for its first floating period
    ("citigroup_capital_xxi", dt.date(2039, 12, 21), dt.date(2040, 3, 3),
     "fixings: no fixing for the floating period starting 2039-12-21 "
     "(determination date 2039-12-19); supply it in fixings, project it with a curve or use policy "
     "'prospectus_fallback'"),
    # XIII: LIBOR set on the second London banking day before each floating period; no fallback rate
    ("citigroup_capital_xiii", dt.date(2015, 10, 30), dt.date(2015, 12, 3),
     "fixings: no fixing for the floating period starting "
     "2015-10-30 (determination date 2015-10-28); supply it in fixings, project it with a curve"),
])
def test_a_floating_day_without_its_fixing_is_refused_alike_from_a_date_and_an_array(security, start, day, message):
    terms = shipped()[security]
    for value in (day, np.array([day], dtype="datetime64[D]")):
        with pytest.raises(MissingFixingError) as refused:
            accrued_interest(value, terms=terms)
        assert str(refused.value) == message
        with pytest.raises(MissingFixingError) as refused:
            accrual(start if type(value) is dt.date else np.array([start], dtype="datetime64[D]"), value,
                    terms=terms)
        assert str(refused.value) == message


@given(st.lists(st.integers(0, 70 * 366), min_size=1, max_size=40))
def test_a_column_of_dates_refused_as_coupon_dates_tells_each_date_as_a_call_on_it_alone(offsets):
    # each date that is not a payment date refused with the message its own call gives, in order, and the
    # first is the column's message (a payment date needing a fixing is the other paths' to refuse)
    from trups_xl.core.errors import ElementRefusalError

    days = [dt.date(2007, 12, 21) + dt.timedelta(days=k) for k in offsets]
    alone = []
    for day in days:
        try:
            coupon(day, terms=TERMS)
        except TrupsInputError as exc:
            if "is not a scheduled interest payment date" in str(exc):
                alone.append(str(exc))
    assume(alone)
    with pytest.raises(ElementRefusalError) as refused:
        coupon(np.array(days, dtype="datetime64[D]"), terms=TERMS)
    assert [f"payment_date: {m}" for m in refused.value.messages] == alone and str(refused.value) == alone[0]
    assert refused.value.refused.sum() == len(alone)
