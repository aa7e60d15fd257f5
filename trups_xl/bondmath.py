"""Present value of a semi-annual bond-like cash-flow stream in closed form, and yield solving.

Cash flows: a first amount ``first`` paid ``w`` periods from now (``0 <= w``), then
``n - 1`` further amounts ``coupon`` one period apart, and ``redemption`` with the last
one. Discounting at ``rate`` compounded twice a year: ``v = 1 / (1 + rate / 2)`` per period,

    PV = v**w * (first + coupon * (v + ... + v**(n-1)) + redemption * v**(n-1))

The geometric sum is summed in closed form, so a grid of a million (date, rate) pairs
costs a handful of array operations. Everything broadcasts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from trups_xl.errors import TrupsInputError

FloatArray = npt.NDArray[np.float64]


def pv_semiannual(w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike, coupon: npt.ArrayLike,
                  redemption: npt.ArrayLike, rate: npt.ArrayLike, frequency: float = 2.0) -> FloatArray:
    """Present value of the stream described in the module docstring (``frequency`` periods a
    year: 2 for the semi-annual discounting of p.38)."""
    w_, n_, first_, coupon_, red_, r = (np.asarray(x, dtype=np.float64)
                                        for x in (w, n, first, coupon, redemption, rate))
    if np.any(r <= -frequency):
        raise TrupsInputError(f"a discount rate of -{100 * frequency:.0f}% or less has no meaning", "rate")
    log_v = -np.log1p(r / frequency)
    later = n_ - 1.0
    # v + v^2 + ... + v^later = v (1 - v^later) / (1 - v); the limit `later` when rate -> 0
    small = np.abs(r) < 1e-9
    v = np.exp(log_v)
    safe_den = np.where(small, 1.0, -np.expm1(log_v))
    annuity = np.where(small, later * (1.0 - (later + 1.0) / 2.0 * r / frequency),
                       v * -np.expm1(later * log_v) / safe_den)
    body = first_ + coupon_ * annuity + red_ * np.exp(later * log_v)
    return np.asarray(np.exp(w_ * log_v) * body, dtype=np.float64)


#: A yield is accepted when it reprices the target within this, per 100 of price (or less).
REPRICE_TOLERANCE = 1e-9
RATE_BOUNDS = (-0.9999, 0.9999)


def solve_yield(target: npt.ArrayLike, w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike,
                coupon: npt.ArrayLike, redemption: npt.ArrayLike, argument: str = "price",
                tolerance: float = 1e-13, frequency: float = 2.0) -> FloatArray:
    """The rate at which :func:`pv_semiannual` equals ``target`` (vectorised, bracketed Newton).

    The present value falls strictly as the rate rises, so the root is unique and stays
    bracketed: each step is Newton's when it lands inside the bracket, else the bracket's
    midpoint. A target no rate in (-99.99%, 99.99%) reaches, or a result that does not reprice
    the target to 1e-9 per 100, is refused — never an unconverged number.
    """
    tgt, w_, n_, f_, c_, r_ = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                                    for x in (target, w, n, first, coupon, redemption)))
    lo = np.full(tgt.shape, RATE_BOUNDS[0])
    hi = np.full(tgt.shape, RATE_BOUNDS[1])
    with np.errstate(over="ignore", invalid="ignore"):
        pv_lo = pv_semiannual(w_, n_, f_, c_, r_, lo, frequency)  # the highest present value
        pv_hi = pv_semiannual(w_, n_, f_, c_, r_, hi, frequency)
    if np.any(~(tgt < pv_lo)) or np.any(~(tgt > pv_hi)):
        raise TrupsInputError("no yield between -99.99% and 99.99% gives that price", argument)
    y = np.clip(np.full(tgt.shape, 0.05), lo, hi)
    h = 1e-7
    active = np.arange(tgt.size)  # only the elements not yet converged are iterated on
    flat = [a.reshape(-1) for a in (tgt, w_, n_, f_, c_, r_, lo, hi, y)]
    t1, w1, n1, f1, c1, r1, lo1, hi1, y1 = (a.copy() for a in flat)
    for _ in range(200):
        if not active.size:
            break
        ya = y1[active]
        args = (w1[active], n1[active], f1[active], c1[active], r1[active])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pv = pv_semiannual(*args, ya, frequency)
            above = pv > t1[active]  # the rate is too low
            lo1[active] = np.where(above, ya, lo1[active])
            hi1[active] = np.where(above, hi1[active], ya)
            slope = (pv_semiannual(*args, ya + h, frequency) - pv) / h
            newton = ya - (pv - t1[active]) / slope
        inside = np.isfinite(newton) & (newton > lo1[active]) & (newton < hi1[active])
        step = np.where(inside, newton, (lo1[active] + hi1[active]) / 2)
        done = np.abs(step - ya) < tolerance
        y1[active] = step
        active = active[~done]
    y = y1.reshape(tgt.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        error = np.abs(pv_semiannual(w_, n_, f_, c_, r_, y, frequency) - tgt)
    scale = np.maximum(1.0, np.abs(r_) / 100.0)  # per 100 of face
    if not np.all(error <= REPRICE_TOLERANCE * scale):
        raise TrupsInputError("no yield reprices that price to 1e-9 per 100 (the price is at the edge of what "
                              "any yield gives)", argument)
    return np.asarray(y, dtype=np.float64)
