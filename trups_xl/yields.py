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
from trups_xl.errors import TrupsInputError
from trups_xl.parcall import par_call_stream
from trups_xl.terms import TERMS

FloatArray = npt.NDArray[np.float64]
PER = 100.0  # prices per 100 of principal


def _call_stream(settlement: npt.ArrayLike) -> tuple[FloatArray, ...]:
    s_dates = np.asarray(settlement, dtype="datetime64[D]")
    if s_dates.size and (s_dates.min() < np.datetime64(TERMS.issue_date)
                         or s_dates.max() >= np.datetime64(TERMS.switch_date)):
        raise TrupsInputError(f"settlement must fall {TERMS.issue_date}..2037-12-20 (before the par call)",
                              "settlement")
    stream = par_call_stream(s_dates, PER)
    return (stream.periods_to_next, np.asarray(stream.coupons_left, dtype=np.float64), stream.coupon,
            stream.accrued)


def price_from_yield(settlement: npt.ArrayLike, yield_rate: npt.ArrayLike) -> FloatArray:
    """Clean price per 100 at a semi-annual yield to the 2037-12-21 par call."""
    w, n, full, accrued = _call_stream(settlement)
    return np.asarray(pv_semiannual(w, n, full, full, PER, yield_rate) - accrued, dtype=np.float64)


def yield_to_call(settlement: npt.ArrayLike, price: npt.ArrayLike) -> FloatArray:
    """Semi-annual yield to the 2037-12-21 par call from a clean price per 100."""
    w, n, full, accrued = _call_stream(settlement)
    return solve_yield(np.asarray(price, dtype=np.float64) + accrued, w, n, full, full, PER)
