"""The interest schedule: every interest period from Dec 21, 2007 to Dec 21, 2077.

* fixed: semi-annual, Jun 21 / Dec 21, 2008-06-21 .. 2037-12-21, 30/360 (p.19-20, p.40-41);
* floating: quarterly, Mar/Jun/Sep/Dec 21, 2038-03-21 .. 2057-12-21, Act/360 (p.19, p.40);
* monthly: the 21st of each month, 2058-01-21 .. 2077-12-21, Act/360 (p.20, p.40).

An interest period runs from and including one interest payment date to but excluding
the next (p.40). Payment falls on the next New York business day (p.21, p.41); the record
date is one business day before the payment date (p.20, p.41); the LIBOR determination
date is the second London banking day before the period's first day (p.41).

Fixed periods accrue on the scheduled dates ("without any interest ... in respect of any
such delay", p.21, p.41). Floating and monthly periods accrue to the adjusted payment
date by default — see :data:`trups_xl.terms.FLOATING_ACCRUAL_DEFAULT`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from trups_xl.calendars import LONDON, NEW_YORK, BusinessCalendar
from trups_xl.daycount import ACT_360, THIRTY_360, accrual_days
from trups_xl.errors import check_choice
from trups_xl.terms import ACCRUAL_CONVENTIONS, FLOATING_ACCRUAL_DEFAULT, TERMS

FIXED, FLOATING, MONTHLY = "fixed", "floating", "monthly"
REGIMES = (FIXED, FLOATING, MONTHLY)

DateArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True, eq=False)
class Schedule:
    """All interest periods, as parallel numpy arrays (one element per period)."""

    start: DateArray  # scheduled (unadjusted) first day
    end: DateArray  # scheduled (unadjusted) interest payment date
    accrual_start: DateArray  # first day of accrual
    accrual_end: DateArray  # day accrual stops (exclusive)
    payment_date: DateArray  # end rolled to the next New York business day
    record_date: DateArray  # one New York business day before payment
    determination_date: DateArray  # 2nd London banking day before accrual_start (NaT if fixed)
    regime: npt.NDArray[np.str_]
    is_30_360: npt.NDArray[np.bool_]
    accrual_days: npt.NDArray[np.int64]
    convention: str

    @property
    def size(self) -> int:
        """Number of periods."""
        return int(self.start.size)

    @property
    def day_count(self) -> npt.NDArray[np.str_]:
        """Each period's day-count name."""
        return np.where(self.is_30_360, THIRTY_360, ACT_360)

    @property
    def year_fraction(self) -> npt.NDArray[np.float64]:
        """Each period's year fraction under its day count."""
        return self.accrual_days / 360.0

    @property
    def is_index_linked(self) -> npt.NDArray[np.bool_]:
        """True for floating and monthly periods (LIBOR + margin)."""
        return np.asarray(self.regime != FIXED, dtype=bool)

    def period_containing(self, days: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Index of the period whose accrual interval ``[accrual_start, accrual_end)``
        contains each day; the last period for the final accrual end itself."""
        d = np.asarray(days, dtype="datetime64[D]")
        k = np.searchsorted(self.accrual_start, d, side="right") - 1
        return np.clip(k, 0, self.size - 1).astype(np.int64)

    def index_of_payment(self, days: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Index of the period whose scheduled end equals each day (-1 where none does)."""
        d = np.asarray(days, dtype="datetime64[D]")
        k = np.searchsorted(self.end, d)
        k = np.clip(k, 0, self.size - 1)
        return np.where(self.end[k] == d, k, -1).astype(np.int64)


def scheduled_dates() -> list[dt.date]:
    """Every scheduled interest payment date, preceded by the issue date."""
    t = TERMS
    dates = [t.issue_date]
    for first, last, months in (
        (t.first_payment_date, t.switch_date, t.fixed_months),
        (t.first_quarterly_payment, t.scheduled_maturity, t.floating_months),
        (t.first_monthly_payment, t.final_repayment, t.monthly_months),
    ):
        k = 0
        while (day := first + relativedelta(months=k * months)) <= last:
            dates.append(day)
            k += 1
    return dates


def regime_of(period_end: dt.date) -> str:
    """Regime of the period ending on that scheduled date (p.19-20, p.40)."""
    if period_end <= TERMS.switch_date:
        return FIXED
    if period_end <= TERMS.scheduled_maturity:
        return FLOATING
    return MONTHLY


@functools.lru_cache(maxsize=16)
def build_schedule(
    convention: str = FLOATING_ACCRUAL_DEFAULT,
    new_york: BusinessCalendar = NEW_YORK,
    london: BusinessCalendar = LONDON,
) -> Schedule:
    """Build the full schedule.

    Parameters
    ----------
    convention : {"adjusted", "unadjusted"}
        Accrual dates of floating and monthly periods (fixed periods are always
        unadjusted, p.21/p.41). Default :data:`~trups_xl.terms.FLOATING_ACCRUAL_DEFAULT`.
    new_york, london : BusinessCalendar
        Calendars for payment/record dates and for LIBOR determination dates.
    """
    check_choice(convention, ACCRUAL_CONVENTIONS, "convention", "accrual convention")
    dates = scheduled_dates()
    start = np.array(dates[:-1], dtype="datetime64[D]")
    end = np.array(dates[1:], dtype="datetime64[D]")
    regime = np.array([regime_of(d) for d in dates[1:]])
    fixed = regime == FIXED
    payment = new_york.following(end)
    record = new_york.advance(payment, -TERMS.record_date_lag)
    if convention == "adjusted":
        accrual_end = np.where(fixed, end, payment)
    else:
        accrual_end = end.copy()
    accrual_start = np.concatenate([start[:1], accrual_end[:-1]])
    determination = london.advance(accrual_start, -TERMS.libor_determination_lag)
    determination = np.where(fixed, np.datetime64("NaT"), determination)
    # p.20/p.41: 30/360 for any period ending on or before Dec 21, 2037; Act/360 after.
    is_30_360 = end <= np.datetime64(TERMS.switch_date)
    days = accrual_days(accrual_start, accrual_end, is_30_360)
    for arr in (start, end, accrual_start, accrual_end, payment, record, determination,
                regime, is_30_360, days):
        arr.flags.writeable = False
    return Schedule(
        start=start,
        end=end,
        accrual_start=accrual_start,
        accrual_end=accrual_end,
        payment_date=payment,
        record_date=record,
        determination_date=determination,
        regime=regime,
        is_30_360=is_30_360,
        accrual_days=days,
        convention=convention,
    )
