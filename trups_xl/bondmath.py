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


def solve_yield(target: npt.ArrayLike, w: npt.ArrayLike, n: npt.ArrayLike, first: npt.ArrayLike,
                coupon: npt.ArrayLike, redemption: npt.ArrayLike, argument: str = "price",
                tolerance: float = 1e-13, frequency: float = 2.0) -> FloatArray:
    """The rate at which :func:`pv_semiannual` equals ``target`` (vectorised Newton).

    The present value falls strictly as the rate rises, so the root is unique; a target
    outside what any rate in (-100%, 100%) reaches is refused.
    """
    tgt, w_, n_, f_, c_, r_ = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64)
                                                    for x in (target, w, n, first, coupon, redemption)))
    lo_pv = pv_semiannual(w_, n_, f_, c_, r_, 0.9999, frequency)
    hi_pv = pv_semiannual(w_, n_, f_, c_, r_, -0.9999, frequency)
    if np.any(tgt <= lo_pv) or np.any(tgt >= hi_pv):
        raise TrupsInputError("no yield between -99.99% and 99.99% gives that price", argument)
    y = np.full(tgt.shape, 0.05)
    h = 1e-6
    for _ in range(100):
        pv = pv_semiannual(w_, n_, f_, c_, r_, y, frequency)
        slope = (pv_semiannual(w_, n_, f_, c_, r_, y + h, frequency)
                 - pv_semiannual(w_, n_, f_, c_, r_, y - h, frequency)) / (2 * h)
        step = (pv - tgt) / slope
        y = np.clip(y - step, -0.9999, 0.9999)
        if np.all(np.abs(step) < tolerance):
            break
    return np.asarray(y, dtype=np.float64)
