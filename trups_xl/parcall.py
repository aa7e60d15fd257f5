"""The fixed coupons still to come before the Dec 21, 2037 par call, seen from any date before it.

Both the make-whole (p.38) and the securities' yield to the par call discount this stream:
coupons of 8.300% x 180/360 on each Jun/Dec 21 to Dec 21, 2037 (p.40), fractional periods
counted 30/360 Bond Basis (days / 180), accrued interest 30/360 from the last coupon date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trups_xl.daycount import days_30_360
from trups_xl.schedule import FIXED, build_schedule
from trups_xl.terms import TERMS

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ParCallStream:
    """Position of each date in the fixed schedule (arrays shaped like the dates)."""

    next_coupon_date: npt.NDArray[np.datetime64]  # first scheduled coupon strictly after the date
    days_to_next: npt.NDArray[np.int64]  # 30/360 days date -> next coupon
    periods_to_next: FloatArray  # w = days_to_next / 180
    coupons_left: npt.NDArray[np.int64]  # coupons from next_coupon_date to 2037-12-21
    coupon: FloatArray  # one full coupon on ``principal``
    accrued: FloatArray  # accrued interest on ``principal`` at the date


def par_call_stream(days: npt.ArrayLike, principal: npt.ArrayLike) -> ParCallStream:
    """The stream seen from ``days`` (each in 2007-12-21..2037-12-20, checked by the caller)."""
    d, p = np.broadcast_arrays(np.asarray(days, dtype="datetime64[D]"), np.asarray(principal, dtype=np.float64))
    schedule = build_schedule()
    fixed = schedule.regime == FIXED
    starts, ends = schedule.start[fixed], schedule.end[fixed]
    k = np.searchsorted(ends, d, side="right")
    days_next = days_30_360(d, ends[k])
    return ParCallStream(
        next_coupon_date=ends[k],
        days_to_next=days_next,
        periods_to_next=np.asarray(days_next / 180.0, dtype=np.float64),
        coupons_left=np.asarray(ends.size - k, dtype=np.int64),
        coupon=np.asarray(TERMS.fixed_rate * p * TERMS.fixed_months / 12, dtype=np.float64),  # 41.50 per 1,000
        accrued=np.asarray(TERMS.fixed_rate * p * days_30_360(starts[k], d) / 360.0, dtype=np.float64),
    )
