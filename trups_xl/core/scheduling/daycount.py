"""Day-count fractions, vectorised over numpy ``datetime64[D]`` arrays.

* **30/360 Bond Basis** (ISDA 2006 §4.16(f); QuantLib ``Thirty360.BondBasis``) for every
  period ending on or before Dec 21, 2037 (p.20, p.41: "a 360-day year consisting of
  twelve 30-day months"). Bond Basis is the 30/360 of US corporate bonds (MSRB Rule
  G-33 is the same rule). Day-31 rule: D1 = 31 becomes 30; D2 = 31 becomes 30 only when D1
  is then 30 or 31. There is no end-of-February rule (that is the SIA/"30/360 US"
  variant, used for agency and municipal bonds). Every scheduled date of this security
  is the 21st, so the variants differ only for accruals to the 31st of a month —
  e.g. 2008-12-21 to 2009-01-31 is 40 days here, 39 under 30E/360.
* **Actual/360** for periods ending after Dec 21, 2037 (p.20, p.41).

The counts take arrays of dates, or two day numbers (days since 1970-01-01, what ``datetime64[D]``
holds) for one pair: a worksheet cell's single date skips numpy's per-call cost and gets the same
integer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt


class DayCount(StrEnum):
    """A period's day count (p.20, p.41); shown as ``30/360`` and ``ACT/360`` everywhere, and any
    case accepted where text is read (a terms file's ``act/360`` too)."""

    THIRTY_360 = "30/360"
    ACT_360 = "ACT/360"


THIRTY_360 = DayCount.THIRTY_360
ACT_360 = DayCount.ACT_360
DAY_COUNTS = tuple(DayCount)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(day: dt.date) -> int:
    """A date as days since 1970-01-01 (what ``datetime64[D]`` holds)."""
    return day.toordinal() - EPOCH_ORDINAL


def date_of(days: int) -> dt.date:
    """The date of a day number (:func:`day_number`'s inverse)."""
    return dt.date.fromordinal(days + EPOCH_ORDINAL)


def ymd(days: npt.ArrayLike) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month (1-12) and day (1-31) of each date."""
    d = np.asarray(days, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years).astype(np.int64) + 1
    day = (d - months).astype(np.int64) + 1
    return year, month, day


@overload
def days_30_360(start: int, end: int) -> int: ...
@overload
def days_30_360(start: npt.ArrayLike, end: npt.ArrayLike) -> IntArray: ...
def days_30_360(start: npt.ArrayLike, end: npt.ArrayLike) -> IntArray | int:
    """Days from ``start`` to ``end`` counted 30/360 Bond Basis (negative if end < start); two day
    numbers give an int."""
    if type(start) is int and type(end) is int:
        a, b = date_of(start), date_of(end)
        d1 = 30 if a.day == 31 else a.day
        d2 = 30 if b.day == 31 and d1 >= 30 else b.day
        return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1)
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    d1 = np.where(d1 == 31, 30, d1)
    d2 = np.where((d2 == 31) & (d1 >= 30), 30, d2)
    return np.asarray(360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1), dtype=np.int64)


def days_actual(start: npt.ArrayLike, end: npt.ArrayLike) -> IntArray:
    """Calendar days from ``start`` to ``end``."""
    delta = np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]")
    return np.asarray(delta.astype(np.int64), dtype=np.int64)


def year_fraction_30_360(start: npt.ArrayLike, end: npt.ArrayLike) -> FloatArray:
    """30/360 Bond Basis year fraction."""
    return days_30_360(start, end) / 360.0


def year_fraction_act_360(start: npt.ArrayLike, end: npt.ArrayLike) -> FloatArray:
    """Actual/360 year fraction."""
    return days_actual(start, end) / 360.0


@overload
def accrual_days(start: int, end: int, is_30_360: bool) -> int: ...
@overload
def accrual_days(start: npt.ArrayLike, end: npt.ArrayLike, is_30_360: npt.ArrayLike) -> IntArray: ...
def accrual_days(start: npt.ArrayLike, end: npt.ArrayLike, is_30_360: npt.ArrayLike) -> IntArray | int:
    """Days counted under each element's day count: 30/360 where ``is_30_360``, else actual; two
    day numbers give an int."""
    if type(start) is int and type(end) is int:
        return days_30_360(start, end) if is_30_360 else end - start
    return np.asarray(np.where(is_30_360, days_30_360(start, end), days_actual(start, end)), dtype=np.int64)
