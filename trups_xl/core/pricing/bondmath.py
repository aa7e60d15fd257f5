"""Present value of a semi-annual bond-like cash-flow stream in closed form, and yield solving.

Cash flows: a first amount ``first`` paid ``w`` periods from now (``0 <= w``), then
``n - 1`` further amounts ``coupon`` one period apart, and ``redemption`` with the last
one. Discounting at ``rate`` compounded twice a year: ``v = 1 / (1 + rate / 2)`` per period,

    PV = v**w * (first + coupon * (v + ... + v**(n-1)) + redemption * v**(n-1))

The geometric sum is summed in closed form, so a grid of a million (date, rate) pairs
costs a handful of array operations. Everything broadcasts.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Literal, overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.errors import TrupsInputError

FloatArray = npt.NDArray[np.float64]


def _floats(*values: object) -> bool:
    """True when every value is a Python number: one cell's call, computed on floats."""
    for v in values:
        if type(v) is not float and type(v) is not int:
            return False
    return True


#: The largest argument whose exponential is a finite double: past it ``math.exp`` raises, as :func:`_exp` does.
_LARGEST_EXPONENT = math.log(sys.float_info.max)


def _exp(x: float, minus_one: bool = False) -> float:
    """numpy's ``exp`` (or ``expm1``) of one number, as a float: bit for bit an element of the same ufunc over
    an array (``math``'s rounds apart in the last bit); an :class:`OverflowError` past a double, as ``math``'s
    (no floating-point warning)."""
    if _LARGEST_EXPONENT < x < math.inf:  # as math's: a finite argument past a double raises, inf gives inf
        raise OverflowError("math range error")
    return float(np.expm1(x) if minus_one else np.exp(x))


def _pv_and_slope_one(w: float, n: float, first: float, coupon: float, redemption: float, rate: float,
                      frequency: float, slope: bool) -> tuple[float, float]:
    """:func:`_pv_and_slope` for one stream and one rate on Python floats: the same operations in the same
    order, the logarithm and exponentials numpy's on one number (numpy's loops round apart from ``math``'s
    in the last bit, and a number alone as in an array: so one cell equals the same cell in a range)."""
    log_v = -float(np.log1p(rate / frequency))  # rate > -frequency: checked by every caller
    later = n - 1.0
    small = abs(rate) < 1e-9
    v = _exp(log_v)
    den = 1.0 if small else -_exp(log_v, True)
    annuity = later * (1.0 - (later + 1.0) / 2.0 * rate / frequency) if small else v * -_exp(later * log_v, True) / den
    v_later = _exp(later * log_v)
    lead = _exp(w * log_v)
    pv = lead * (first + coupon * annuity + redemption * v_later)
    if not slope:
        return pv, 0.0
    d_annuity = later * (later + 1.0) / 2.0 if small else \
        v * (-_exp(later * log_v, True) - later * v_later * den) / (den * den)
    d_pv = w * pv + lead * (coupon * d_annuity + redemption * later * v_later)
    return pv, -d_pv / (frequency + rate)


@overload
def pv_semiannual(w: float, n: float, first: float, coupon: float, redemption: float, rate: float,
                  frequency: float = 2.0) -> float: ...
@overload
def pv_semiannual(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float = 2.0) -> FloatArray: ...
def pv_semiannual(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float = 2.0) -> FloatArray | float:
    """Present value of the stream described in the module docstring (``frequency`` periods a
    year: 2 for the semi-annual discounting of p.38); Python numbers give a float."""
    if _floats(w, n, first, coupon, redemption, rate):
        if rate <= -frequency:  # type: ignore[operator]
            raise TrupsInputError(f"a discount rate of -{100 * frequency:.0f}% or less has no meaning", "rate")
        return _pv_and_slope_one(w, n, first, coupon, redemption, rate, frequency, False)[0]  # type: ignore[arg-type]
    r = np.asarray(rate, dtype=np.float64)
    if np.any(r <= -frequency):
        raise TrupsInputError(f"a discount rate of -{100 * frequency:.0f}% or less has no meaning", "rate")
    return _pv_and_slope(w, n, first, coupon, redemption, r, frequency, slope=False)[0]


@overload
def _pv_and_slope(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float, slope: Literal[True]
                  ) -> tuple[FloatArray, FloatArray]: ...


@overload
def _pv_and_slope(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float, slope: Literal[False]
                  ) -> tuple[FloatArray, None]: ...


def _pv_and_slope(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float, slope: bool
                  ) -> tuple[FloatArray, FloatArray | None]:
    """The present value and, with ``slope``, its derivative in the rate (for the yield solver)."""
    w_, n_, first_, coupon_, red_, r = (np.asarray(x, dtype=np.float64)
                                        for x in (w, n, first, coupon, redemption, rate))
    log_v = -np.log1p(r / frequency)
    later = n_ - 1.0
    # v + v^2 + ... + v^later = v (1 - v^later) / (1 - v); the limit `later` when rate -> 0
    small = np.abs(r) < 1e-9
    v = np.exp(log_v)
    safe_den = np.where(small, 1.0, -np.expm1(log_v))
    annuity = np.where(small, later * (1.0 - (later + 1.0) / 2.0 * r / frequency),
                       v * -np.expm1(later * log_v) / safe_den)
    v_later = np.exp(later * log_v)
    lead = np.exp(w_ * log_v)
    pv = np.asarray(lead * (first_ + coupon_ * annuity + red_ * v_later), dtype=np.float64)
    if not slope:
        return pv, None
    # d/d(log v) of the annuity: v + 2 v^2 + ... + later v^later
    #   = v (1 - v^later - later v^later (1 - v)) / (1 - v)^2, later (later + 1) / 2 when rate -> 0
    d_annuity = np.where(small, later * (later + 1.0) / 2.0,
                         v * (-np.expm1(later * log_v) - later * v_later * safe_den) / safe_den ** 2)
    d_pv = w_ * pv + lead * (coupon_ * d_annuity + red_ * later * v_later)  # d pv / d(log v)
    return pv, np.asarray(-d_pv / (frequency + r), dtype=np.float64)  # d(log v)/d rate = -1 / (frequency + rate)


#: A yield is accepted when it reprices the target within this, per 100 of price (or less).
REPRICE_TOLERANCE = 1e-9
RATE_BOUNDS = (-0.9999, 0.9999)


#: The refusal of a price beyond what any yield in :data:`RATE_BOUNDS` gives.
NO_YIELD = "no yield between -99.99% and 99.99% gives that price"


class UnreachablePriceError(TrupsInputError):
    """A price clearly beyond what any yield in :data:`RATE_BOUNDS` gives, found by the one-price
    path: the array path refuses it with the very same message."""


def _solve_one(target: float, w: float, n: float, first: float, coupon: float, redemption: float,
               tolerance: float, frequency: float, argument: str) -> float | None:
    """:func:`solve_yield` for one price on Python floats; ``None`` where the array path must
    judge (it then gives the number or the message). A price clearly outside the prices of the
    bounding yields is refused here: the array path's iteration (~ms) cannot reprice it either."""
    lo, hi = RATE_BOUNDS
    try:
        lowest = _pv_and_slope_one(w, n, first, coupon, redemption, hi, frequency, False)[0]
        highest = _pv_and_slope_one(w, n, first, coupon, redemption, lo, frequency, False)[0]
    except OverflowError:
        return None
    if not lowest < target < highest and math.isfinite(lowest) and math.isfinite(highest):
        # Beyond a bound by more than the repricing tolerance,
        # no yield in the bounds reprices the target, so the array path refuses with NO_YIELD.
        margin = 2 * REPRICE_TOLERANCE * max(1.0, abs(redemption) / 100.0)
        if target < lowest - margin - 1e-12 * abs(lowest) or target > highest + margin + 1e-12 * abs(highest):
            raise UnreachablePriceError(NO_YIELD, argument)
    if not lowest < target < highest:
        return None
    y = 0.05
    for _ in range(200):
        pv, slope = _pv_and_slope_one(w, n, first, coupon, redemption, y, frequency, True)
        if pv > target:
            lo = y
        else:
            hi = y
        newton = y - (pv - target) / slope if slope != 0 else math.nan
        step = newton if math.isfinite(newton) and lo <= newton <= hi else (lo + hi) / 2
        done = abs(step - y) < tolerance
        y = step
        if done:
            break
    error = abs(_pv_and_slope_one(w, n, first, coupon, redemption, y, frequency, False)[0] - target)
    return y if error <= REPRICE_TOLERANCE * max(1.0, abs(redemption) / 100.0) else None


def bracketed_newton(target: FloatArray, value: Callable[[FloatArray, npt.NDArray[np.intp]],
                                                         tuple[FloatArray, FloatArray]],
                     lo: FloatArray, hi: FloatArray, y: FloatArray, tolerance: float) -> FloatArray:
    """The rate at which ``value`` (falling in the rate; with its slope) equals each ``target``, by
    Newton's step where it lands inside the bracket ``lo..hi``, else the bracket's midpoint, from
    ``y``; at most 200 steps. ``value(rates, rows)`` gets the rates of the rows still iterating and
    their indices in ``target``. The caller checks that the result reprices the target."""
    out, where = np.empty(target.size), np.arange(target.size)
    tgt = target
    for _ in range(200):
        if not where.size:
            break
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pv, slope = value(y, where)
            above = pv > tgt  # the rate is too low
            lo, hi = np.where(above, y, lo), np.where(above, hi, y)
            newton = y - (pv - tgt) / slope
        # inclusive: a step onto the bracket's end is the root found exactly (pv == target)
        inside = np.isfinite(newton) & (newton >= lo) & (newton <= hi)
        step = np.where(inside, newton, (lo + hi) / 2)
        done = np.abs(step - y) < tolerance
        y = step
        if done.any():
            out[where[done]] = y[done]
            keep = ~done
            where, y, lo, hi, tgt = where[keep], y[keep], lo[keep], hi[keep], tgt[keep]
    out[where] = y  # none left unless 200 steps ran out: the caller's repricing check judges them
    return out


@overload
def solve_yield(target: float, w: float, n: float, first: float, coupon: float, redemption: float,
                argument: str = "price", tolerance: float = 1e-13, frequency: float = 2.0) -> float: ...
@overload
def solve_yield(target: npt.ArrayLike, w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike,
                coupon: npt.ArrayLike, redemption: npt.ArrayLike, argument: str = "price",
                tolerance: float = 1e-13, frequency: float = 2.0) -> FloatArray: ...
def solve_yield(target: npt.ArrayLike, w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike,
                coupon: npt.ArrayLike, redemption: npt.ArrayLike, argument: str = "price",
                tolerance: float = 1e-13, frequency: float = 2.0) -> FloatArray | float:
    """The rate at which :func:`pv_semiannual` equals ``target`` (vectorised, bracketed Newton).

    The present value falls strictly as the rate rises, so the root is unique and stays
    bracketed: each step is Newton's (on the exact derivative) when it lands inside the
    bracket, else the bracket's midpoint. A target no rate in (-99.99%, 99.99%) reaches, or a
    result that does not reprice the target to 1e-9 per 100, is refused — never an unconverged number.
    Python numbers give a float (the same iteration on floats; a refusal goes on to the array path,
    which words it).
    """
    if _floats(target, w, n, first, coupon, redemption):
        found = _solve_one(target, w, n, first, coupon, redemption, tolerance, frequency,  # type: ignore[arg-type]
                           argument)
        if found is not None:
            return found
    tgt, w_, n_, f_, c_, r_ = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                                    for x in (target, w, n, first, coupon, redemption)))
    shape = tgt.shape
    work = [a.reshape(-1) for a in (tgt, w_, n_, f_, c_, r_)]
    _, w1, n1, f1, c1, r1 = work

    def value(rates: FloatArray, rows: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        return _pv_and_slope(w1[rows], n1[rows], f1[rows], c1[rows], r1[rows], rates, frequency, slope=True)

    size = tgt.size
    result = bracketed_newton(work[0], value, np.full(size, RATE_BOUNDS[0]), np.full(size, RATE_BOUNDS[1]),
                              np.full(size, 0.05), tolerance).reshape(shape)
    with np.errstate(over="ignore", invalid="ignore"):
        error = np.abs(_pv_and_slope(w_, n_, f_, c_, r_, result, frequency, slope=False)[0] - tgt)
    scale = np.maximum(1.0, np.abs(r_) / 100.0)  # per 100 of face
    if not np.all(error <= REPRICE_TOLERANCE * scale):
        with np.errstate(over="ignore", invalid="ignore"):
            highest = _pv_and_slope(w_, n_, f_, c_, r_, np.full(shape, RATE_BOUNDS[0]), frequency, slope=False)[0]
            lowest = _pv_and_slope(w_, n_, f_, c_, r_, np.full(shape, RATE_BOUNDS[1]), frequency, slope=False)[0]
        if np.any(~(tgt < highest)) or np.any(~(tgt > lowest)):
            raise TrupsInputError(NO_YIELD, argument)
        raise TrupsInputError("no yield reprices that price to 1e-9 per 100 (the price is at the edge of what "
                              "any yield gives)", argument)
    return float(result) if result.ndim == 0 and _floats(target) else np.asarray(result, dtype=np.float64)
