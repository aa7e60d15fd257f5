"""The business-day adjustment, once: a date that is not a business day moves by a roll rule.

A calendar (:class:`~trups_xl.core.conventions.calendars.BusinessCalendar`) only answers "is this a
business day?"; :func:`adjust` joins it with a :class:`BusinessDayConvention`, for one date (a
cell's call: Python dates, no array machinery) and for arrays, by the same rule.

* following — the next business day (XXI p.21, p.41);
* modified following — the following one, unless it is in the next month: then the preceding one;
* preceding — the last business day before;
* following unless next year — the following one, unless it is in the next calendar year: then
  the preceding one (XXI's redemption payment date, p.22).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.calendars import BusinessCalendar, as_days

DateArray = npt.NDArray[np.datetime64]


class BusinessDayConvention(StrEnum):
    """How a date that is not a business day moves."""

    FOLLOWING = "following"
    MODIFIED_FOLLOWING = "modified_following"
    PRECEDING = "preceding"
    FOLLOWING_UNLESS_NEXT_YEAR = "following_unless_next_year"


FOLLOWING, MODIFIED_FOLLOWING = BusinessDayConvention.FOLLOWING, BusinessDayConvention.MODIFIED_FOLLOWING
PRECEDING = BusinessDayConvention.PRECEDING
FOLLOWING_UNLESS_NEXT_YEAR = BusinessDayConvention.FOLLOWING_UNLESS_NEXT_YEAR
#: The conventions a security's floating payment dates take (its ``business_day_convention``).
PAYMENT_CONVENTIONS = (FOLLOWING, MODIFIED_FOLLOWING)


class AccrualConvention(StrEnum):
    """The accrual dates of floating and later periods: business-day adjusted or as scheduled."""

    ADJUSTED = "adjusted"
    UNADJUSTED = "unadjusted"


def _step(day: dt.date, calendar: BusinessCalendar, days: int) -> dt.date:
    while not calendar.is_open(day):
        day += dt.timedelta(days=days)
    return day


def _adjust_one(day: dt.date, convention: BusinessDayConvention, calendar: BusinessCalendar) -> dt.date:
    if convention is PRECEDING:
        return _step(day, calendar, -1)
    following = _step(day, calendar, 1)
    if convention is FOLLOWING:
        return following
    if convention is MODIFIED_FOLLOWING:
        moved_on = following.month != day.month
    else:
        moved_on = following.year != day.year
    return _step(day, calendar, -1) if moved_on else following


@overload
def adjust(days: dt.date, convention: BusinessDayConvention, calendar: BusinessCalendar) -> dt.date: ...
@overload
def adjust(days: npt.ArrayLike, convention: BusinessDayConvention, calendar: BusinessCalendar) -> DateArray: ...
def adjust(days: npt.ArrayLike | dt.date, convention: BusinessDayConvention,
           calendar: BusinessCalendar) -> DateArray | dt.date:
    """Each day moved to a business day of ``calendar`` by ``convention`` (a business day stays);
    one date gives a date."""
    if type(days) is dt.date:
        return _adjust_one(days, convention, calendar)
    arr = as_days(days)  # type: ignore[arg-type]
    cal = calendar.busdaycalendar
    if convention is PRECEDING:
        return as_days(np.busday_offset(arr, 0, roll="backward", busdaycal=cal))
    following = as_days(np.busday_offset(arr, 0, roll="forward", busdaycal=cal))
    if convention is FOLLOWING:
        return following
    preceding = as_days(np.busday_offset(arr, 0, roll="backward", busdaycal=cal))
    unit = "datetime64[M]" if convention is MODIFIED_FOLLOWING else "datetime64[Y]"
    moved_on = following.astype(unit) != arr.astype(unit)
    return np.asarray(np.where(moved_on, preceding, following))
