"""The interest schedule of a security: every interest period from its issue date to maturity.

For Citigroup Capital XXI (the default terms):

* fixed: semi-annual, Jun 21 / Dec 21, 2008-06-21 .. 2037-12-21, 30/360 (p.19-20, p.40-41);
* floating: quarterly, Mar/Jun/Sep/Dec 21, 2038-03-21 .. 2057-12-21, Act/360 (p.19, p.40);
* post-maturity: monthly, the 21st of each month, 2058-01-21 .. 2077-12-21, Act/360 (p.20, p.40).

In general (:mod:`trups_xl.core.securities.terms`): fixed payment dates roll from ``first_payment_date`` every
12/``fixed_frequency`` months on its day of month (month ends clipped as dateutil does), up to
the switch date (or maturity); floating ones from ``switch_date`` every 12/``floating_frequency``
months; after ``scheduled_maturity_date`` (XXI only) every 12/``post_maturity_frequency``
months. A period runs from and including one payment date to but excluding the next (p.40).

Payment falls on the next New York business day (p.21, p.41), floating and later periods by
the security's ``business_day_convention`` (following or modified following); the record date
is ``record_date_lag`` business days before payment (p.20, p.41); the index determination date
is ``libor_determination_lag`` London banking days before the period's first day (p.41).

Fixed periods accrue on the scheduled dates ("without any interest ... in respect of any such
delay", p.21, p.41). Floating and later periods accrue to the adjusted payment date by default
— see :data:`FLOATING_ACCRUAL_DEFAULT` — and reset periods on the scheduled dates, as fixed-rate
periods (:func:`default_accrual`).
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.adjust import AccrualConvention, BusinessDayConvention, adjust
from trups_xl.core.conventions.calendars import (
    LONDON,
    NEW_YORK,
    US_GOVERNMENT_SECURITIES,
    BusinessCalendar,
    joint_calendar,
)
from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.daycount import ACT_360, THIRTY_360, accrual_days, per_year
from trups_xl.core.conventions.stepping import roll_dates, yearly_dates
from trups_xl.core.securities.terms import IndexKind, Terms


class Regime(StrEnum):
    """What sets a period's rate: the fixed rate, the floating index, or (after a scheduled maturity
    date before the final one) the post-maturity index (XXI's monthly periods from 2058, p.20)."""

    FIXED = "fixed"
    FLOATING = "floating"
    POST_MATURITY = "post_maturity"


FIXED, FLOATING, POST_MATURITY = Regime.FIXED, Regime.FLOATING, Regime.POST_MATURITY
REGIMES = tuple(Regime)


#: Interpretation (docs/TERMS.md, p.41): floating and post-maturity periods accrue to the
#: business-day-adjusted payment date, because from Dec 21, 2037 the text drops the
#: "without any interest ... in respect of any such delay" clause of p.21/p.41.
#: ``"unadjusted"`` keeps the scheduled dates, as the fixed periods do.
FLOATING_ACCRUAL_DEFAULT = AccrualConvention.ADJUSTED
#: A reset index's periods (``ust_5y``) accrue as fixed-rate periods: their rate is fixed for five
#: years, and reset preferreds' prospectuses pay a payment date that is not a business day on the
#: next one "without any interest or other payment in respect of the delay" (docs/TERMS.md).
RESET_ACCRUAL_DEFAULT = AccrualConvention.UNADJUSTED
ACCRUAL_CONVENTIONS = tuple(AccrualConvention)


def default_accrual(terms: Terms) -> AccrualConvention:
    """The accrual dates of a security's floating and later periods when no convention is asked for:
    its ``floating_accrual``; else unadjusted for a reset index (:data:`RESET_ACCRUAL_DEFAULT`), adjusted
    for any other (:data:`FLOATING_ACCRUAL_DEFAULT`)."""
    if terms.floating_accrual is not None:
        return terms.floating_accrual
    if terms.floating_index is not None and terms.floating_index.is_reset:
        return RESET_ACCRUAL_DEFAULT
    return FLOATING_ACCRUAL_DEFAULT

DateArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True, eq=False)
class PeriodLists:
    """The schedule's columns as Python lists of day numbers (days since 1970-01-01), for one date's
    lookups by bisection: a worksheet cell's single date costs microseconds, not numpy's overhead."""

    start: list[int]
    end: list[int]
    accrual_start: list[int]
    accrual_end: list[int]
    is_30_360: list[bool]
    accrual_days: list[int]
    fixed: list[bool]

    @functools.cached_property
    def leading_fixed(self) -> int:
        """How many periods from the first are fixed-rate (the fixed period's length in periods)."""
        return next((k for k, fixed in enumerate(self.fixed) if not fixed), len(self.fixed))

    def period_containing(self, day: int) -> int:
        """:meth:`Schedule.period_containing` for one day number."""
        return min(max(bisect_right(self.accrual_start, day) - 1, 0), len(self.accrual_start) - 1)

    def index_of_payment(self, day: int) -> int:
        """:meth:`Schedule.index_of_payment` for one day number (-1 when it is not a payment date)."""
        k = bisect_left(self.end, day)
        return k if k < len(self.end) and self.end[k] == day else -1


@dataclass(frozen=True, eq=False)
class Schedule:
    """All interest periods, as parallel numpy arrays (one element per period)."""

    start: DateArray  # scheduled (unadjusted) first day
    end: DateArray  # scheduled (unadjusted) interest payment date
    accrual_start: DateArray  # first day of accrual
    accrual_end: DateArray  # day accrual stops (exclusive)
    payment_date: DateArray  # end rolled to a New York business day
    record_date: DateArray  # record_date_lag New York business days before payment (NaT if none given)
    determination_date: DateArray  # index determination date (NaT if fixed)
    regime: npt.NDArray[np.str_]
    is_30_360: npt.NDArray[np.bool_]
    accrual_days: npt.NDArray[np.int64]
    index_months: npt.NDArray[np.int64]  # tenor of the period's index in months (0 for fixed)
    convention: str
    terms: Terms

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
        return np.where(self.is_30_360, per_year(self.accrual_days, THIRTY_360), per_year(self.accrual_days, ACT_360))

    @property
    def is_index_linked(self) -> npt.NDArray[np.bool_]:
        """True for floating and later periods (index + margin)."""
        return np.asarray(self.regime != FIXED, dtype=bool)

    @functools.cached_property
    def lists(self) -> PeriodLists:
        """The columns one date's lookups need, as Python lists (built once per schedule)."""
        def days(column: DateArray) -> list[int]:
            return [int(v) for v in column.astype("int64")]

        return PeriodLists(days(self.start), days(self.end), days(self.accrual_start), days(self.accrual_end),
                           [bool(v) for v in self.is_30_360], [int(v) for v in self.accrual_days],
                           [bool(v) for v in self.regime == FIXED])

    @functools.cached_property
    def payment_dates_hint(self) -> str:
        """Where the scheduled payment dates are, for a message: each regime's first and last and its
        step (for XXI: fixed 2008-06-21..2037-12-21 every 6 months, floating ... every 3, post-maturity
        ... every month). Written once per schedule: a column of refused dates repeats it."""
        parts = []
        for regime in dict.fromkeys(self.regime.tolist()):
            ends = self.end[self.regime == regime]
            months = self.terms.fixed_months if regime == FIXED else \
                self.terms.floating_months if regime == FLOATING else self.terms.post_maturity_months
            step = "" if months is None else (" every month" if months == 1 else f" every {months} months")
            parts.append(f"{str(regime).replace('_', '-')} {ends[0]}..{ends[-1]}{step}")
        return "; ".join(parts)

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


def payment_delay_calendar() -> BusinessCalendar:
    """The days a delayed payment counts: New York and U.S. Government Securities business days both
    (the compounded-SOFR term sheets' "New York and U.S. Government Securities Business" days)."""
    return joint_calendar(NEW_YORK, US_GOVERNMENT_SECURITIES)


def final_lockout_days(terms: Terms) -> int:
    """The lockout of a compounded-SOFR security's final period: a payment delay's maturity is paid on
    the day, so SOFR is held from the rate cut-off date, ``payment_delay_days`` business days before
    it (every later day takes the cut-off date's SOFR: ``payment_delay_days`` - 1 days locked); no
    more than the other periods' otherwise, and none for a perpetual security (no maturity)."""
    lockout = terms.sofr_lockout_days or 0
    if not terms.payment_delay_days or terms.is_perpetual:
        return lockout
    return max(lockout, terms.payment_delay_days - 1)


def sofr_known_dates(accrual_end: DateArray, terms: Terms) -> DateArray:
    """The day each compounded-SOFR period's rate is known: the morning its last SOFR is published,
    ``sofr_lookback_days`` + its lockout U.S. Government Securities business days before the period's
    end (the end itself with neither: that morning SOFR publishes its last day); the final period's
    lockout is :func:`final_lockout_days`."""
    lookback = terms.sofr_lookback_days or 0
    known = US_GOVERNMENT_SECURITIES.advance(accrual_end, -(lookback + (terms.sofr_lockout_days or 0)))
    known[-1] = US_GOVERNMENT_SECURITIES.advance(accrual_end[-1:], -(lookback + final_lockout_days(terms)))[0]
    return known


def reset_dates(terms: Terms) -> list[dt.date]:
    """A reset index's reset dates: ``switch_date`` and every ``reset_years`` after it, to the end."""
    switch, years = terms.switch_date, terms.reset_years
    if switch is None or years is None:
        return []
    return yearly_dates(switch, years, terms.final_repayment)


def scheduled_dates(terms: Terms) -> list[dt.date]:
    """Every scheduled interest payment date, preceded by the issue date."""
    t = terms
    if t.is_pure_floater:  # floating from issue: periods roll from the first payment date
        dates = [t.issue_date, *roll_dates(t.first_payment_date, t.floating_months, t.floating_end, True)]
    else:
        dates = [t.issue_date, *roll_dates(t.first_payment_date, t.fixed_months, t.fixed_end, True)]
    if t.switch_date is not None:
        dates += roll_dates(t.switch_date, t.floating_months, t.floating_end, False)
    if t.scheduled_maturity_date is not None:
        dates += roll_dates(t.scheduled_maturity_date, t.post_maturity_months, t.final_repayment, False)
    return dates


def regime_of(period_end: dt.date, terms: Terms) -> str:
    """Regime of the period ending on that scheduled date (p.19-20, p.40)."""
    if period_end <= terms.fixed_end:
        return FIXED
    if period_end <= terms.floating_end:
        return FLOATING
    return POST_MATURITY


@functools.lru_cache(maxsize=64)
def build_schedule(
    convention: AccrualConvention | None = None,
    new_york: BusinessCalendar = NEW_YORK,
    london: BusinessCalendar = LONDON,
    *, terms: Terms,
) -> Schedule:
    """Build the full schedule of ``terms`` (cached per terms, convention and calendars).

    Parameters
    ----------
    convention : {"adjusted", "unadjusted"}, optional
        Accrual dates of floating and later periods (fixed periods are always unadjusted,
        p.21/p.41). Default: :func:`default_accrual` (the security's ``floating_accrual``, else unadjusted
        for a reset index and adjusted for any other).
    new_york, london : BusinessCalendar
        Calendars for payment/record dates and for index determination dates.
    terms : Terms
        The security.
    """
    convention = parse_choice(AccrualConvention, convention, "convention", "accrual convention") \
        if convention is not None else default_accrual(terms)
    t = terms
    dates = scheduled_dates(t)
    start = np.array(dates[:-1], dtype="datetime64[D]")
    end = np.array(dates[1:], dtype="datetime64[D]")
    regime = np.array([regime_of(d, t) for d in dates[1:]])
    fixed = regime == FIXED
    # p.21, p.41: fixed periods are paid the following business day; later ones by the convention
    later = t.business_day_convention or BusinessDayConvention.FOLLOWING  # (no floating period: unused)
    period_end = adjust(end, later, new_york)  # a floating period's adjusted end date
    payment = np.where(fixed, adjust(end, BusinessDayConvention.FOLLOWING, new_york), period_end)
    if t.payment_delay_days:  # paid some business days after the period's end date; the last at maturity
        # counted from the scheduled end date, as the term sheets' first payment dates are (a Saturday
        # August 24, 2024 end: paid Tuesday August 27, the second business day after it)
        delayed = payment_delay_calendar().advance(end, t.payment_delay_days)
        if not t.is_perpetual:  # the last at maturity (a perpetual schedule's last is only the horizon's)
            delayed[-1] = period_end[-1]
        payment = np.where(fixed, payment, delayed)
    if t.record_date_lag is not None:
        record = new_york.advance(payment, -t.record_date_lag)
    else:
        record = np.full(end.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    accrual_end = np.where(fixed, end, period_end) if convention == AccrualConvention.ADJUSTED else end.copy()
    accrual_start = np.concatenate([start[:1], accrual_end[:-1]])
    if t.libor_determination_lag is not None:
        determination = london.advance(accrual_start, -t.libor_determination_lag)
        determination = np.where(fixed, np.datetime64("NaT"), determination)
    else:
        determination = np.full(end.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    floating = regime == FLOATING
    if t.floating_index == IndexKind.UST_5Y and t.switch_date is not None:  # the reset date whose fixing it pays
        resets = np.array(reset_dates(t), dtype="datetime64[D]")
        latest = resets[np.maximum(np.searchsorted(resets, start, side="right") - 1, 0)]
        determination = np.where(floating, latest, determination)
    elif t.floating_index == IndexKind.SOFR_COMPOUNDED and t.sofr_lookback_days is not None:
        determination = np.where(floating, sofr_known_dates(accrual_end, t), determination)
    # p.20/p.41: 30/360 for the fixed periods (to Dec 21, 2037 for XXI); Act/360 after.
    later_30_360 = t.floating_day_count is THIRTY_360
    is_30_360 = np.where(fixed, t.fixed_day_count is THIRTY_360, later_30_360)
    days = accrual_days(accrual_start, accrual_end, is_30_360)
    months = np.select([regime == FLOATING, regime == POST_MATURITY],
                       [t.floating_index.months if t.floating_index else 0,
                        t.post_maturity_index.months if t.post_maturity_index else 0], 0)
    for arr in (start, end, accrual_start, accrual_end, payment, record, determination,
                regime, is_30_360, days, months):
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
        index_months=months.astype(np.int64),
        convention=convention,
        terms=t,
    )
