"""Day counts as data: one :class:`DayCount` member per rule, one day count and one year fraction
for a date pair or arrays. This is the one module that divides (or multiplies) by a year's days.

* **30/360 Bond Basis** (ISDA 2006 §4.16(f); QuantLib ``Thirty360.BondBasis``): the fixed periods
  of US corporate bonds and TruPS (XXI p.20, p.41: "a 360-day year consisting of twelve 30-day
  months"; MSRB Rule G-33 is the same rule). Day-31 rule: D1 = 31 becomes 30; D2 = 31 becomes 30
  only when D1 is then 30 or 31. There is no end-of-February rule (that is the SIA/"30/360 US"
  variant of agency and municipal bonds), and 30E/360 (ISDA §4.16(g)) differs only on a 31st end:
  2008-12-21 to 2009-01-31 is 40 days here, 39 under 30E/360. No security here uses 30E/360.
* **Actual/360** (ISDA §4.16(e)): floating and later periods (XXI p.20, p.41), daily SOFR.
* **Actual/365 Fixed** (ISDA §4.16(d)): the time of a benchmark discount curve (hedges).
* **Actual/Actual ICMA** (ICMA Rule 251): the Treasury's street convention — a fraction of a
  coupon period is actual days over the actual days of its reference (quasi-coupon) period, a year
  fraction that over the frequency; the reference period is required, never guessed.

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

from trups_xl.core.conventions.dates import date_of, day_number, ymd
from trups_xl.core.errors import TrupsInputError


class DayCount(StrEnum):
    """A day count, by its one spelling (any case is read where text is read)."""

    #: 30/360 Bond Basis (ISDA 2006 §4.16(f))
    THIRTY_360 = "30/360"
    #: Actual/360 (ISDA 2006 §4.16(e))
    ACT_360 = "ACT/360"
    #: Actual/365 Fixed (ISDA 2006 §4.16(d))
    ACT_365F = "ACT/365F"
    #: Actual/Actual ICMA (ICMA Rule 251): needs the reference period
    ACT_ACT_ICMA = "ACT/ACT ICMA"


THIRTY_360 = DayCount.THIRTY_360
ACT_360 = DayCount.ACT_360
ACT_365F = DayCount.ACT_365F
ACT_ACT_ICMA = DayCount.ACT_ACT_ICMA
#: The day counts a security's coupon periods use (its ``fixed_day_count`` and ``floating_day_count``).
COUPON_DAY_COUNTS = (THIRTY_360, ACT_360)

#: A year's days under each day count with a fixed denominator (Act/Act ICMA has none).
_YEAR_DAYS: dict[DayCount, int] = {THIRTY_360: 360, ACT_360: 360, ACT_365F: 365}

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _year_days(convention: DayCount) -> float:
    if convention not in _YEAR_DAYS:
        raise TrupsInputError(f"{convention} has no fixed year length; it needs its reference period",
                              "day_count")
    return float(_YEAR_DAYS[convention])


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


@overload
def days_actual(start: int, end: int) -> int: ...
@overload
def days_actual(start: npt.ArrayLike, end: npt.ArrayLike) -> IntArray: ...
def days_actual(start: npt.ArrayLike, end: npt.ArrayLike) -> IntArray | int:
    """Calendar days from ``start`` to ``end``; two day numbers give an int."""
    if type(start) is int and type(end) is int:
        return end - start
    delta = np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]")
    return np.asarray(delta.astype(np.int64), dtype=np.int64)


@overload
def day_count(start: int, end: int, convention: DayCount) -> int: ...
@overload
def day_count(start: npt.ArrayLike, end: npt.ArrayLike, convention: DayCount) -> IntArray: ...
def day_count(start: npt.ArrayLike, end: npt.ArrayLike, convention: DayCount) -> IntArray | int:
    """Days from ``start`` to ``end`` under ``convention`` (30/360 Bond Basis, else actual days)."""
    return days_30_360(start, end) if convention is THIRTY_360 else days_actual(start, end)


@overload
def accrual_days(start: int, end: int, is_30_360: bool) -> int: ...
@overload
def accrual_days(start: npt.ArrayLike, end: npt.ArrayLike, is_30_360: npt.ArrayLike) -> IntArray: ...
def accrual_days(start: npt.ArrayLike, end: npt.ArrayLike, is_30_360: npt.ArrayLike) -> IntArray | int:
    """Days counted under each element's coupon day count: 30/360 where ``is_30_360``, else actual (a
    schedule's column of periods mixes the two); two day numbers give an int."""
    if type(start) is int and type(end) is int:
        return days_30_360(start, end) if is_30_360 else end - start
    return np.asarray(np.where(is_30_360, days_30_360(start, end), days_actual(start, end)), dtype=np.int64)


@overload
def per_year(amount: float, convention: DayCount) -> float: ...
@overload
def per_year(amount: npt.ArrayLike, convention: DayCount) -> FloatArray: ...
def per_year(amount: npt.ArrayLike, convention: DayCount) -> FloatArray | float:
    """``amount`` / the year's days of ``convention``: days as a year fraction, or rate x days (or
    principal x days x rate) as the interest of those days. One number gives a float."""
    if isinstance(amount, float | int):
        return amount / _year_days(convention)
    return np.asarray(np.asarray(amount, dtype=np.float64) / _year_days(convention), dtype=np.float64)


def annualised(amount: float, convention: DayCount) -> float:
    """``amount`` x the year's days of ``convention`` (a growth over some days, as a yearly amount)."""
    return amount * _year_days(convention)


def regular_period_days(convention: DayCount, frequency: int) -> int:
    """Days of a regular coupon period under a 30/360 count (180 for semi-annual)."""
    if convention is not THIRTY_360:
        raise TrupsInputError(f"a {convention} period's days depend on its dates", "day_count")
    return _YEAR_DAYS[convention] // frequency


@overload
def period_fraction(start: int, end: int, reference_start: int, reference_end: int) -> float: ...
@overload
def period_fraction(start: npt.ArrayLike, end: npt.ArrayLike, reference_start: npt.ArrayLike,
                    reference_end: npt.ArrayLike) -> FloatArray: ...
def period_fraction(start: npt.ArrayLike, end: npt.ArrayLike, reference_start: npt.ArrayLike,
                    reference_end: npt.ArrayLike) -> FloatArray | float:
    """Actual/Actual ICMA: the fraction of the reference (quasi-coupon) period ``[reference_start,
    reference_end)`` that ``[start, end)`` covers — actual days over the period's actual days. Day
    numbers give a float."""
    if all(type(v) is int for v in (start, end, reference_start, reference_end)):
        return float((end - start) / (reference_end - reference_start))  # type: ignore[operator,arg-type]
    period = days_actual(reference_start, reference_end).astype(np.float64)
    return np.asarray(days_actual(start, end) / period, dtype=np.float64)


@overload
def year_fraction(start: int | dt.date, end: int | dt.date, convention: DayCount,
                  reference: tuple[int | dt.date, int | dt.date] | None = None,
                  frequency: int | None = None) -> float: ...
@overload
def year_fraction(start: npt.ArrayLike, end: npt.ArrayLike, convention: DayCount,
                  reference: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
                  frequency: int | None = None) -> FloatArray: ...
def year_fraction(start: npt.ArrayLike | dt.date, end: npt.ArrayLike | dt.date, convention: DayCount,
                  reference: tuple[npt.ArrayLike | dt.date, npt.ArrayLike | dt.date] | None = None,
                  frequency: int | None = None) -> FloatArray | float:
    """The year fraction from ``start`` to ``end`` under ``convention``: one pair of dates (or day
    numbers) gives a float, arrays an array. Actual/Actual ICMA needs the ``reference`` period (its
    start and end) and the coupon ``frequency``, and refuses without them."""
    a, b = _day_or_array(start), _day_or_array(end)
    if convention is ACT_ACT_ICMA:
        if reference is None or frequency is None:
            raise TrupsInputError("Actual/Actual ICMA needs the reference period and the frequency", "day_count")
        fraction = period_fraction(a, b, _day_or_array(reference[0]), _day_or_array(reference[1]))
        return fraction / frequency if isinstance(fraction, float) else np.asarray(fraction / frequency)
    return per_year(day_count(a, b, convention), convention)


def _day_or_array(value: npt.ArrayLike | dt.date) -> npt.ArrayLike:
    """A Python date as its day number (the one-date path); anything else as it is."""
    return day_number(value) if isinstance(value, dt.date) else value


def year_fraction_30_360(start: npt.ArrayLike, end: npt.ArrayLike) -> FloatArray:
    """30/360 Bond Basis year fraction."""
    return year_fraction(start, end, THIRTY_360)


def year_fraction_act_360(start: npt.ArrayLike, end: npt.ArrayLike) -> FloatArray:
    """Actual/360 year fraction."""
    return year_fraction(start, end, ACT_360)
