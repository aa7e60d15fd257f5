"""Date stepping, once: months and years from an anchor, month ends, Feb 29.

A date ``k`` steps on is always computed from the anchor (``anchor + k x months``), never by
chaining steps, so a 31st clips to a shorter month's end without drifting (31 -> 30 -> 28 would).
The day of month clips to the target month's length, exactly as dateutil's ``relativedelta``
does (tests compare the two); Feb 29 plus a year is Feb 28. With ``end_of_month`` (an explicit
flag, for a month-end anchor such as a Treasury maturing on the 30th of April) every date is its
month's last day. Steps are unadjusted; moving to a business day is
:func:`~trups_xl.core.conventions.adjust.adjust`'s.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.dates import month_length

DateArray = npt.NDArray[np.datetime64]


def add_months(day: dt.date, months: int, end_of_month: bool = False) -> dt.date:
    """``day`` plus ``months`` months (negative: before), its day of month clipped to the target
    month's length, or the month's last day with ``end_of_month``."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if day.day < 28 and not end_of_month:  # every month has the day
        return dt.date(year, month0 + 1, day.day)
    length = month_length(year, month0 + 1)
    return dt.date(year, month0 + 1, length if end_of_month else min(day.day, length))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; Feb 29 becomes Feb 28 in a common year."""
    return add_months(day, 12 * years)


def add_months_array(month: npt.NDArray[np.datetime64], day: npt.NDArray[np.int64],
                     end_of_month: npt.NDArray[np.bool_], months: npt.ArrayLike) -> DateArray:
    """:func:`add_months` over arrays, from an anchor given as its month (``datetime64[M]``), its day
    of month and whether it steps as a month end: each anchor plus its ``months``."""
    m = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    first = m.astype("datetime64[D]")
    length = ((m + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    dom = np.where(end_of_month, length, np.minimum(day, length))
    return np.asarray(first + (dom - 1).astype("timedelta64[D]"))


def roll_dates(anchor: dt.date, months: int, last: dt.date, include_anchor: bool) -> list[dt.date]:
    """``anchor`` + k x ``months`` months up to ``last`` (the anchor itself first when
    ``include_anchor``); ``last`` itself closes a short final period."""
    dates = []
    k = 0 if include_anchor else 1
    while (day := add_months(anchor, k * months)) <= last:
        dates.append(day)
        k += 1
    if not dates or dates[-1] != last:
        dates.append(last)
    return dates


def last_step_on_or_before(anchor: dt.date, months: int, horizon: dt.date) -> dt.date:
    """The last of ``anchor`` + k x ``months`` months (k >= 0) on or before ``horizon``."""
    last, k = anchor, 0
    while (day := add_months(anchor, k * months)) <= horizon:
        last, k = day, k + 1
    return last


def yearly_dates(anchor: dt.date, years: int, last: dt.date) -> list[dt.date]:
    """``anchor`` + k x ``years`` years (k >= 0) up to and including ``last``."""
    dates, k = [], 0
    while (day := add_years(anchor, k * years)) <= last:
        dates.append(day)
        k += 1
    return dates
