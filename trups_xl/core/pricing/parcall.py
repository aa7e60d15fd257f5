"""The fixed coupons still to come before the par call, seen from any date before it.

Both the make-whole (p.38) and the securities' yield to the par call discount this stream. For
Citigroup Capital XXI: coupons of 8.300% x 180/360 on each Jun/Dec 21 to Dec 21, 2037 (p.40),
fractional periods counted 30/360 Bond Basis (days / 180), accrued interest 30/360 from the last
coupon date. In general: the fixed coupons (``fixed_frequency`` a year, 30/360) to
``par_call_date``, which must be a fixed-period payment date.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.dates import day_number
from trups_xl.core.conventions.daycount import THIRTY_360, days_30_360, regular_period_days
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.accrual import interest
from trups_xl.core.scheduling.schedule import FIXED, build_schedule
from trups_xl.core.securities.terms import ARGUMENT, Terms, require

FloatArray = npt.NDArray[np.float64]

#: **Interpretation**: how the fraction of a period to the first coupon is counted when the date
#: is a 31st. ``"direct"`` (default): 30/360 days from the date to the next coupon (2009-12-31 ->
#: 2010-06-21: 171 days), as the p.38 text reads ("discounted ... from the payment date to the
#: redemption date ... 30/360"); ``"period_less_accrued"``: the period's 180 days less the
#: accrued days (170), the E - A count of Excel's PRICE with basis 0. They differ only on 31sts.
class Count(StrEnum):
    """How the 30/360 days to the next coupon are counted (docs/TERMS.md): directly, or as the
    period's days less the accrued days (Excel PRICE's E - A); they differ on a 31st."""

    DIRECT = "direct"
    PERIOD_LESS_ACCRUED = "period_less_accrued"


COUNT_DIRECT, COUNT_PERIOD_LESS_ACCRUED = Count.DIRECT, Count.PERIOD_LESS_ACCRUED
COUNTS = tuple(Count)
COUNT_DEFAULT = COUNT_DIRECT


@dataclass(frozen=True)
class ParCallStream:
    """Position of each date in the fixed schedule (arrays shaped like the dates)."""

    next_coupon_date: npt.NDArray[np.datetime64]  # first scheduled coupon strictly after the date
    days_to_next: npt.NDArray[np.int64]  # 30/360 days date -> next coupon
    periods_to_next: FloatArray  # w = days_to_next / days per period (180 for XXI)
    coupons_left: npt.NDArray[np.int64]  # coupons from next_coupon_date to the par call date
    coupon: FloatArray  # one full coupon on ``principal``
    accrued: FloatArray  # accrued interest on ``principal`` at the date
    frequency: int  # coupons (and discounting periods) a year


def par_call_position(day: dt.date, principal: float, terms: Terms, count: Count = COUNT_DEFAULT
                      ) -> tuple[float, float, float, float] | None:
    """:func:`par_call_stream` for one date, on the schedule's lists: (periods to the next coupon,
    coupons left, one full coupon, accrued interest) as Python numbers; ``None`` when the date is
    not before the par call or the stream does not apply (:func:`par_call_stream` then says why)."""
    call = terms.par_call_date
    if call is None or terms.fixed_day_count is not THIRTY_360 or count not in COUNTS:
        return None
    c = build_schedule(terms=terms).lists
    d, call_day = day_number(day), day_number(call)
    last = c.index_of_payment(call_day)
    if d < day_number(terms.issue_date) or d >= call_day or last < 0 or last >= c.leading_fixed:
        return None
    k = bisect_right(c.end, d, 0, last + 1)
    period_days = regular_period_days(THIRTY_360, terms.fixed_payments_per_year)
    accrued_days = days_30_360(c.start[k], d)
    days_next = days_30_360(d, c.end[k]) if count == COUNT_DIRECT else period_days - accrued_days
    return (days_next / period_days, float(last + 1 - k), interest(principal, period_days, terms.fixed_coupon_rate),
            interest(principal, accrued_days, terms.fixed_coupon_rate))


def par_call_stream(days: npt.ArrayLike, principal: npt.ArrayLike, terms: Terms,
                    count: Count = COUNT_DEFAULT) -> ParCallStream:
    """The stream seen from ``days`` (each in issue date..the day before the par call, checked by the caller)."""
    call = require(terms, "par_call_date")
    if terms.fixed_day_count is not THIRTY_360 or call > terms.fixed_end:
        raise TrupsInputError(f"{terms.name}: the par-call stream needs 30/360 fixed coupons up to the par call "
                              "date", ARGUMENT)
    d, p = np.broadcast_arrays(np.asarray(days, dtype="datetime64[D]"), np.asarray(principal, dtype=np.float64))
    schedule = build_schedule(terms=terms)
    fixed = (schedule.regime == FIXED) & (schedule.end <= np.datetime64(call, "D"))
    starts, ends = schedule.start[fixed], schedule.end[fixed]
    if ends[-1] != np.datetime64(call, "D"):
        raise TrupsInputError(f"par_call_date {call} is not a fixed interest payment date", ARGUMENT)
    k = np.searchsorted(ends, d, side="right")
    period_days = regular_period_days(THIRTY_360, terms.fixed_payments_per_year)
    accrued_days = days_30_360(starts[k], d)
    count = parse_choice(Count, count, "count")
    days_next = days_30_360(d, ends[k]) if count == COUNT_DIRECT else period_days - accrued_days
    return ParCallStream(
        next_coupon_date=ends[k],
        days_to_next=days_next,
        periods_to_next=np.asarray(days_next / period_days, dtype=np.float64),
        coupons_left=np.asarray(ends.size - k, dtype=np.int64),
        coupon=interest(p, period_days, terms.fixed_coupon_rate),  # 41.50 per 1,000 for XXI
        accrued=interest(p, accrued_days, terms.fixed_coupon_rate),
        frequency=terms.fixed_payments_per_year,
    )
