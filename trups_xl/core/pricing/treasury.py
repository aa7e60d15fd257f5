"""The Treasury rate (p.39): semi-annual equivalent yield of a Treasury from its bid price.

Street convention, as standard market practice computes it: semi-annual coupons on the
maturity's day of month (month-end maturities pay on month ends), Actual/Actual ICMA (the
fraction of the current coupon period is actual days / actual days in the period,
:func:`~trups_xl.core.conventions.daycount.period_fraction`), every
cash flow discounted with semi-annual compounding, prices per 100 of face, clean.
A Treasury still in a short first coupon period takes its ``issue_date`` (the first coupon
is then prorated, and accrued interest runs from the issue date).
"""

from __future__ import annotations

import datetime as dt
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.dates import day_number, is_month_end, month_ends
from trups_xl.core.conventions.daycount import period_fraction
from trups_xl.core.conventions.stepping import add_months, add_months_array
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.bondmath import UnreachablePriceError, pv_semiannual, solve_yield

FloatArray = npt.NDArray[np.float64]


def coupon_date_before(maturity: dt.date, periods: int) -> dt.date:
    """The coupon date ``periods`` half-years before maturity (month-end rule).

    The maturity's day of month, clipped to the month's length, or the month's last day for a
    month-end maturity (:func:`~trups_xl.core.conventions.stepping.add_months`).
    """
    return add_months(maturity, -6 * periods, end_of_month=is_month_end(maturity))


def coupon_position(settlement: dt.date, maturity: dt.date,
                    issue_date: dt.date | None = None) -> tuple[float, int, float, float]:
    """(w, n, first-coupon fraction, accrued fraction) at settlement.

    ``w``: periods to the next coupon (actual days / days in the period); ``n``: coupons
    left; the first coupon as a fraction of a full one (1 unless a short first period);
    accrued interest as a fraction of a full coupon.
    """
    if not settlement < maturity:
        raise TrupsInputError("settlement must be before maturity", "settlement")
    # the smallest k >= 1 whose coupon date is on or before settlement (dates fall as k rises),
    # searched from the estimate of whole half-years between them
    k = max(1, ((maturity.year - settlement.year) * 12 + maturity.month - settlement.month) // 6)
    while coupon_date_before(maturity, k) > settlement:
        k += 1
    while k > 1 and coupon_date_before(maturity, k - 1) <= settlement:
        k -= 1
    previous, following = coupon_date_before(maturity, k), coupon_date_before(maturity, k - 1)
    ref = (day_number(previous), day_number(following))  # the Act/Act ICMA reference period
    w = period_fraction(day_number(settlement), ref[1], *ref)
    first, accrued_from = 1.0, previous
    if issue_date is not None:
        if issue_date > settlement:
            raise TrupsInputError("issue_date is after settlement", "issue_date")
        if issue_date < previous:
            raise TrupsInputError("only a short first coupon period is supported", "issue_date")
        first = period_fraction(day_number(issue_date), ref[1], *ref)
        accrued_from = issue_date
    return w, k, first, period_fraction(day_number(accrued_from), day_number(settlement), *ref)


def _coupon_dates(month: npt.NDArray[np.datetime64], day: npt.NDArray[np.int64],
                  month_end: npt.NDArray[np.bool_], k: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    """Vectorised :func:`coupon_date_before`: the maturity (as its month, day and month-end flag) less
    6k months."""
    return add_months_array(month, day, month_end, -6 * k)


def _positions(settlement: npt.ArrayLike | dt.date, maturity: npt.ArrayLike | dt.date,
               issue_date: dt.date | None) -> tuple[FloatArray, ...]:
    """Vectorised :func:`coupon_position` over every (settlement, maturity) pair."""
    s, m = np.broadcast_arrays(np.asarray(settlement, dtype="datetime64[D]"),
                               np.asarray(maturity, dtype="datetime64[D]"))
    if s.size and not (s < m).all():
        raise TrupsInputError("settlement must be before maturity", "settlement")
    month = m.astype("datetime64[M]")
    day = (m - month.astype("datetime64[D]")).astype(np.int64) + 1
    month_end = month_ends(m)
    months = (month - s.astype("datetime64[M]")).astype(np.int64)
    k = np.maximum(1, months // 6)
    for _ in range(3):  # settle k: the smallest k >= 1 whose coupon date is on or before settlement
        k = np.where(_coupon_dates(month, day, month_end, k) > s, k + 1, k)
    for _ in range(3):
        earlier = np.maximum(k - 1, 1)
        k = np.where((k > 1) & (_coupon_dates(month, day, month_end, earlier) <= s), earlier, k)
    previous = _coupon_dates(month, day, month_end, k)
    following = _coupon_dates(month, day, month_end, k - 1)
    w = period_fraction(s, following, previous, following)
    first = np.ones(s.shape)
    accrued_from = previous
    if issue_date is not None:
        issue = np.datetime64(issue_date, "D")
        if (issue > s).any():
            raise TrupsInputError("issue_date is after settlement", "issue_date")
        if (issue < previous).any():
            raise TrupsInputError("only a short first coupon period is supported", "issue_date")
        first = period_fraction(np.broadcast_to(issue, s.shape), following, previous, following)
        accrued_from = np.broadcast_to(issue, s.shape)
    accrued = period_fraction(accrued_from, s, previous, following)
    return (np.asarray(w, dtype=np.float64), np.asarray(k, dtype=np.float64),
            np.asarray(first, dtype=np.float64), np.asarray(accrued, dtype=np.float64))


def _one(settlement: object, maturity: object, coupon_rate: object, value: object,
         issue_date: dt.date | None) -> tuple[float, float, float, float, float] | None:
    """(w, n, first coupon, full coupon, accrued) per 100 for one Treasury and one number, on floats;
    ``None`` otherwise (the array path answers or words the refusal), but a settlement on or after
    maturity is refused here, with the array path's first refusal."""
    if type(settlement) is dt.date and type(maturity) is dt.date and not settlement < maturity:
        raise TrupsInputError("settlement must be before maturity", "settlement")
    if type(settlement) is not dt.date or type(maturity) is not dt.date or type(coupon_rate) is not float \
            or type(value) is not float or issue_date is not None or not settlement < maturity:
        return None
    w, n, first, accrued = coupon_position(settlement, maturity)
    c = coupon_rate * 100 / 2
    return w, float(n), c * first, c, c * accrued


@overload
def treasury_price(settlement: dt.date, maturity: dt.date, coupon_rate: float, yield_rate: float,
                   issue_date: dt.date | None = None) -> float: ...
@overload
def treasury_price(settlement: npt.ArrayLike, maturity: npt.ArrayLike, coupon_rate: npt.ArrayLike,
                   yield_rate: npt.ArrayLike, issue_date: dt.date | None = None) -> FloatArray: ...
def treasury_price(settlement: npt.ArrayLike | dt.date, maturity: npt.ArrayLike | dt.date,
                   coupon_rate: npt.ArrayLike, yield_rate: npt.ArrayLike,
                   issue_date: dt.date | None = None) -> FloatArray | float:
    """Clean price per 100 of face at a semi-annual yield (street convention); one Treasury and one
    yield give a float."""
    if (one := _one(settlement, maturity, coupon_rate, yield_rate, issue_date)) is not None:
        w1, n1, first1, c1, accrued1 = one
        return pv_semiannual(w1, n1, first1, c1, 100.0, yield_rate) - accrued1
    w, n, first, accrued = _positions(settlement, maturity, issue_date)
    c = np.asarray(coupon_rate, dtype=np.float64) * 100 / 2
    dirty = pv_semiannual(w, n, c * first, c, 100.0, yield_rate)
    return np.asarray(dirty - c * accrued, dtype=np.float64)


@overload
def treasury_yield(settlement: dt.date, maturity: dt.date, coupon_rate: float, price: float,
                   issue_date: dt.date | None = None) -> float: ...
@overload
def treasury_yield(settlement: npt.ArrayLike, maturity: npt.ArrayLike, coupon_rate: npt.ArrayLike,
                   price: npt.ArrayLike, issue_date: dt.date | None = None) -> FloatArray: ...
def treasury_yield(settlement: npt.ArrayLike | dt.date, maturity: npt.ArrayLike | dt.date,
                   coupon_rate: npt.ArrayLike, price: npt.ArrayLike,
                   issue_date: dt.date | None = None) -> FloatArray | float:
    """Semi-annual equivalent yield to maturity from a clean price per 100 (street convention); one
    Treasury and one price give a float."""
    if (one := _one(settlement, maturity, coupon_rate, price, issue_date)) is not None:
        w1, n1, first1, c1, accrued1 = one
        found = _solve_or_none(price + accrued1, w1, n1, first1, c1)  # type: ignore[operator,arg-type]
        if found is not None:
            return found
    w, n, first, accrued = _positions(settlement, maturity, issue_date)
    c = np.asarray(coupon_rate, dtype=np.float64) * 100 / 2
    dirty = np.asarray(price, dtype=np.float64) + c * accrued
    result = np.asarray(np.broadcast_to(solve_yield(dirty, w, n, c * first, c, 100.0, argument="price"),
                                        np.broadcast_shapes(np.shape(w), np.shape(c), np.shape(price))),
                        dtype=np.float64)
    return float(result) if result.ndim == 0 and type(settlement) is dt.date else result


def _solve_or_none(target: float, w: float, n: float, first: float, coupon: float) -> float | None:
    try:
        return solve_yield(target, w, n, first, coupon, 100.0, argument="price")
    except UnreachablePriceError:
        raise  # the array path's refusal, found without its iteration
    except TrupsInputError:
        return None  # the array path words the refusal
