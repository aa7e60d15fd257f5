"""The business-day adjustment: every roll rule, one date and arrays alike, against QuantLib."""

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.conventions.adjust import (
    FOLLOWING,
    FOLLOWING_UNLESS_NEXT_YEAR,
    MODIFIED_FOLLOWING,
    PRECEDING,
    BusinessDayConvention,
    adjust,
)
from trups_xl.core.conventions.calendars import LONDON, NEW_YORK, NYSE, US_GOVERNMENT_SECURITIES

DAYS = np.arange(np.datetime64("1970-01-10"), np.datetime64("2100-12-20"))


@pytest.mark.parametrize("convention", list(BusinessDayConvention))
@pytest.mark.parametrize("calendar", [NEW_YORK, LONDON, NYSE, US_GOVERNMENT_SECURITIES], ids=lambda c: c.name)
def test_one_date_rolls_as_the_arrays_on_every_day(calendar, convention):
    """A cell's one date and a column of dates take the same rule: every day 1970-2100."""
    sample = DAYS if calendar is NEW_YORK else DAYS[::3]
    expected = adjust(sample, convention, calendar).astype(object).tolist()
    assert [adjust(d, convention, calendar) for d in sample.astype(object)] == expected


@pytest.mark.parametrize(("day", "convention", "expected"), [
    ("2012-12-29", FOLLOWING, "2012-12-31"),  # Saturday -> Monday
    ("2012-12-29", PRECEDING, "2012-12-28"),
    ("2012-09-29", MODIFIED_FOLLOWING, "2012-09-28"),  # following is Oct 1: back to Friday
    ("2012-09-29", FOLLOWING, "2012-10-01"),
    ("2011-12-31", FOLLOWING, "2012-01-03"),  # Saturday; Jan 2 observed New Year (Fed)
    ("2011-12-31", FOLLOWING_UNLESS_NEXT_YEAR, "2011-12-30"),  # p.22: not into the next year
    ("2011-12-31", MODIFIED_FOLLOWING, "2011-12-30"),
    ("2012-06-21", MODIFIED_FOLLOWING, "2012-06-21"),  # a business day stays
])
def test_rules_by_hand(day, convention, expected):
    d = dt.date.fromisoformat(day)
    assert adjust(d, convention, NEW_YORK) == dt.date.fromisoformat(expected)
    assert adjust(np.array([day], dtype="datetime64[D]"), convention, NEW_YORK)[0] == np.datetime64(expected)


def test_following_preceding_and_modified_following_match_quantlib():
    ql = pytest.importorskip("QuantLib")
    theirs = ql.UnitedStates(ql.UnitedStates.FederalReserve)
    rules = {FOLLOWING: ql.Following, PRECEDING: ql.Preceding, MODIFIED_FOLLOWING: ql.ModifiedFollowing}
    sample = np.arange(np.datetime64("2000-01-01"), np.datetime64("2030-12-31"), 5)
    for convention, code in rules.items():
        ours = adjust(sample, convention, NEW_YORK).astype(object)
        for day, got in zip(sample.astype(object), ours, strict=True):
            q = theirs.adjust(ql.Date(day.day, day.month, day.year), code)
            assert got == dt.date(q.year(), q.month(), q.dayOfMonth()), (day, convention)


def test_empty_arrays_roll_to_empty_arrays():
    for convention in BusinessDayConvention:
        assert adjust(np.array([], dtype="datetime64[D]"), convention, NEW_YORK).size == 0
