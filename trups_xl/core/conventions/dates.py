"""Dates as day numbers: one date (a Python ``datetime.date``) or arrays (``datetime64[D]``).

A day number counts days since 1970-01-01, which is what ``datetime64[D]`` holds, so a cell's one
date and a column of dates meet the same integers. (Excel's serial numbers are the Excel layer's:
:mod:`trups_xl.excel.convert`.)
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

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


def month_length(year: int, month: int) -> int:
    """Days in that month (28-31; Feb 29 in a leap year)."""
    return calendar.monthrange(year, month)[1]


def month_ends(days: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """:func:`is_month_end` of each date."""
    d = np.asarray(days, dtype="datetime64[D]")
    return np.asarray((d + np.timedelta64(1, "D")) == (d.astype("datetime64[M]") + np.timedelta64(1, "M")).astype(
        "datetime64[D]"))


def is_month_end(day: dt.date) -> bool:
    """True when ``day`` is its month's last day (a common year's Feb 28 is one)."""
    return day.day == month_length(day.year, day.month)
