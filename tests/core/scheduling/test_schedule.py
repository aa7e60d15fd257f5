"""The schedule against QuantLib's schedule generator and calendars, plus properties."""

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.conventions.calendars import NEW_YORK
from trups_xl.core.scheduling.schedule import FIXED, FLOATING, POST_MATURITY, build_schedule, scheduled_dates
from trups_xl.core.securities.loading import TERMS

ql = pytest.importorskip("QuantLib")


def _ql(day: dt.date) -> "ql.Date":
    return ql.Date(day.day, day.month, day.year)


def _py(day: "ql.Date") -> np.datetime64:
    return np.datetime64(dt.date(day.year(), day.month(), day.dayOfMonth()))


def test_counts_and_boundaries():
    s = build_schedule(terms=TERMS)
    assert s.size == 60 + 80 + 240
    assert (s.regime == FIXED).sum() == 60 and (s.regime == FLOATING).sum() == 80
    assert (s.regime == POST_MATURITY).sum() == 240
    assert s.start[0] == np.datetime64("2007-12-21") and s.end[-1] == np.datetime64("2077-12-21")
    assert s.end[59] == np.datetime64("2037-12-21") and s.end[60] == np.datetime64("2038-03-21")
    assert s.end[140] == np.datetime64("2058-01-21")


@pytest.mark.parametrize(("first", "last", "months"), [
    (TERMS.issue_date, TERMS.switch_date, 6),
    (TERMS.switch_date, TERMS.scheduled_maturity, 3),
    (TERMS.scheduled_maturity, TERMS.final_repayment, 1),
])
def test_dates_match_quantlib_schedule(first, last, months):
    fed = ql.UnitedStates(ql.UnitedStates.FederalReserve)
    unadjusted = ql.Schedule(_ql(first), _ql(last), ql.Period(months, ql.Months), fed,
                             ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    adjusted = ql.Schedule(_ql(first), _ql(last), ql.Period(months, ql.Months), fed,
                           ql.Following, ql.Following, ql.DateGeneration.Forward, False)
    s = build_schedule(terms=TERMS)
    pick = (s.end > np.datetime64(first)) & (s.end <= np.datetime64(last))
    assert list(s.end[pick]) == [_py(d) for d in list(unadjusted)[1:]]
    assert list(s.payment_date[pick]) == [_py(d) for d in list(adjusted)[1:]]
    record = [_py(fed.advance(d, -1, ql.Days)) for d in list(adjusted)[1:]]
    assert list(s.record_date[pick]) == record


def test_determination_dates_match_quantlib_london():
    uk = ql.UnitedKingdom(ql.UnitedKingdom.Settlement)
    s = build_schedule(terms=TERMS)
    for k in np.flatnonzero(s.regime != FIXED):
        start = s.accrual_start[k].astype(object)
        assert s.determination_date[k] == _py(uk.advance(_ql(start), -2, ql.Days))


def test_accrual_dates_by_convention():
    adjusted, unadjusted = build_schedule("adjusted", terms=TERMS), build_schedule("unadjusted", terms=TERMS)
    fixed = adjusted.regime == FIXED
    # fixed periods never adjust (p.21, p.41) ...
    assert (adjusted.accrual_end[fixed] == adjusted.end[fixed]).all()
    # ... floating ones do by default: 2038-03-21 is a Sunday, accrual runs to Monday the 22nd.
    assert adjusted.accrual_end[60] == np.datetime64("2038-03-22")
    assert adjusted.accrual_days[60] == 91 and unadjusted.accrual_days[60] == 90
    assert (unadjusted.accrual_end == unadjusted.end).all()


def test_dates_strictly_increasing_and_payments_on_business_days():
    for convention in ("adjusted", "unadjusted"):
        s = build_schedule(convention, terms=TERMS)
        for column in (s.start, s.end, s.accrual_start, s.accrual_end, s.payment_date, s.record_date):
            assert (np.diff(column).astype(int) > 0).all()
        assert NEW_YORK.is_business_day(s.payment_date).all()
        assert NEW_YORK.is_business_day(s.record_date).all()
        assert (s.record_date < s.payment_date).all()
        assert (s.accrual_start[1:] == s.accrual_end[:-1]).all()


def test_day_count_follows_period_end():
    s = build_schedule(terms=TERMS)
    assert set(s.day_count[s.end <= np.datetime64("2037-12-21")]) == {"30/360"}
    assert set(s.day_count[s.end > np.datetime64("2037-12-21")]) == {"ACT/360"}


def test_scheduled_dates_start_at_issue():
    assert scheduled_dates(terms=TERMS)[:3] == [dt.date(2007, 12, 21), dt.date(2008, 6, 21), dt.date(2008, 12, 21)]
