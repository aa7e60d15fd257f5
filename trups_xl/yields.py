"""Yield of the securities themselves to the Dec 21, 2037 par call, and price from that yield.

So an analyst can set the make-whole beside where the securities trade: the cash flows are
the fixed coupons (8.300%, 30/360, semi-annual, p.40) to Dec 21, 2037 and principal then
(the first date of par redemption, p.38), discounted semi-annually with 30/360 fractional
periods, like the make-whole. Prices are clean, per 100 of principal.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from trups_xl.bondmath import pv_semiannual, solve_yield
from trups_xl.daycount import days_30_360
from trups_xl.errors import TrupsInputError
from trups_xl.schedule import FIXED, build_schedule
from trups_xl.terms import TERMS

FloatArray = npt.NDArray[np.float64]
PER = 100.0  # prices per 100 of principal


def _call_stream(settlement: npt.ArrayLike) -> tuple[FloatArray, ...]:
    s_dates = np.asarray(settlement, dtype="datetime64[D]")
    if s_dates.size and (s_dates.min() < np.datetime64(TERMS.issue_date)
                         or s_dates.max() >= np.datetime64(TERMS.switch_date)):
        raise TrupsInputError(f"settlement must fall {TERMS.issue_date}..2037-12-20 (before the par call)",
                              "settlement")
    sched = build_schedule()
    fixed = sched.regime == FIXED
    starts, ends = sched.start[fixed], sched.end[fixed]
    k = np.searchsorted(ends, s_dates, side="right")
    full = TERMS.fixed_rate * PER / 2
    accrued = TERMS.fixed_rate * PER * days_30_360(starts[k], s_dates) / 360.0
    w = days_30_360(s_dates, ends[k]) / 180.0
    return (np.asarray(w, dtype=np.float64), np.asarray(ends.size - k, dtype=np.float64),
            np.asarray(full, dtype=np.float64), np.asarray(accrued, dtype=np.float64))


def price_from_yield(settlement: npt.ArrayLike, yield_rate: npt.ArrayLike) -> FloatArray:
    """Clean price per 100 at a semi-annual yield to the 2037-12-21 par call."""
    w, n, full, accrued = _call_stream(settlement)
    return np.asarray(pv_semiannual(w, n, full, full, PER, yield_rate) - accrued, dtype=np.float64)


def yield_to_call(settlement: npt.ArrayLike, price: npt.ArrayLike) -> FloatArray:
    """Semi-annual yield to the 2037-12-21 par call from a clean price per 100."""
    w, n, full, accrued = _call_stream(settlement)
    return solve_yield(np.asarray(price, dtype=np.float64) + accrued, w, n, full, full, PER)
