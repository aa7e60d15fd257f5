"""Date stepping against dateutil's relativedelta (which the project no longer calls) and by hand."""

import datetime as dt

import numpy as np
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.dates import is_month_end, month_ends
from trups_xl.core.conventions.stepping import (
    add_months,
    add_months_array,
    add_years,
    last_step_on_or_before,
    roll_dates,
    yearly_dates,
)

days = st.dates(dt.date(1970, 1, 1), dt.date(2100, 12, 31))


@given(days, st.integers(-600, 600))
def test_months_clip_as_relativedelta(day, months):
    expected = day + relativedelta(months=months)
    if dt.date(1, 1, 1) < expected:
        assert add_months(day, months) == expected


@given(days, st.integers(-100, 100))
def test_years_clip_feb_29_as_relativedelta(day, years):
    assert add_years(day, years) == day + relativedelta(years=years)


@given(days, st.integers(-400, 400), st.booleans())
def test_the_array_form_steps_as_the_one_date_form(day, months, eom):
    anchor = np.array([day], dtype="datetime64[D]")
    month = anchor.astype("datetime64[M]")
    dom = (anchor - month.astype("datetime64[D]")).astype(np.int64) + 1
    got = add_months_array(month, dom, np.array([eom]), np.array([months]))[0]
    assert got == np.datetime64(add_months(day, months, end_of_month=eom))


def test_end_of_month_steps_from_the_anchor_without_drifting():
    anchor = dt.date(2009, 1, 31)
    assert [add_months(anchor, k) for k in (1, 2, 3)] == [dt.date(2009, 2, 28), dt.date(2009, 3, 31),
                                                          dt.date(2009, 4, 30)]
    # a month-end anchor with end_of_month: the 30th of April steps to the 31st of October
    assert add_months(dt.date(2030, 4, 30), 6, end_of_month=True) == dt.date(2030, 10, 31)
    assert add_months(dt.date(2030, 4, 30), 6) == dt.date(2030, 10, 30)
    assert add_years(dt.date(2008, 2, 29), 1) == dt.date(2009, 2, 28)
    assert add_years(dt.date(2008, 2, 29), 4) == dt.date(2012, 2, 29)


def test_month_ends_by_hand_and_alike():
    sample = [dt.date(2009, 2, 28), dt.date(2008, 2, 28), dt.date(2008, 2, 29), dt.date(2010, 12, 31),
              dt.date(2010, 12, 30)]
    assert [is_month_end(d) for d in sample] == [True, False, True, True, False]
    assert month_ends(np.array(sample, dtype="datetime64[D]")).tolist() == [True, False, True, True, False]


def test_rolls_and_yearly_dates():
    assert roll_dates(dt.date(2008, 6, 21), 6, dt.date(2009, 12, 21), True) == [
        dt.date(2008, 6, 21), dt.date(2008, 12, 21), dt.date(2009, 6, 21), dt.date(2009, 12, 21)]
    # a last date off the roll closes a short final period
    assert roll_dates(dt.date(2008, 6, 21), 6, dt.date(2009, 3, 1), False) == [
        dt.date(2008, 12, 21), dt.date(2009, 3, 1)]
    assert yearly_dates(dt.date(2026, 3, 15), 5, dt.date(2040, 1, 1)) == [
        dt.date(2026, 3, 15), dt.date(2031, 3, 15), dt.date(2036, 3, 15)]
    assert last_step_on_or_before(dt.date(2038, 3, 21), 3, dt.date(2100, 12, 1)) == dt.date(2100, 9, 21)
