"""Workout dates from a security's terms, and the cash flows seen from a settlement date to them.

**Workouts** (the dates a yield may be worked to, as Bloomberg's YAS lists them): the maturity date
(none for a perpetual security), the first par call date and every later scheduled payment date (a
par call "at any time on or after" it, XXI p.38, is evaluated on the payment dates: between two of
them a call at par plus accrued earns the same coupon rate, so a payment date is where a yield to a
call is worst or best), each at 100 per 100 of principal. The make-whole window (issue date to the
day before the par call, p.38) is reported, not worked to: its price needs a Treasury rate. Special
events (tax, regulatory capital, investment company; p.38) are not workouts unless asked for; with
``special_events`` every payment date before the first par call becomes a par workout too. A
perpetual's last workout is the last payment date the calendars reach, labelled ``horizon``: where
its flows stop, not a term of the security (its yield to worst may be the yield to that horizon).

**Cash flows** (:class:`Flows`): every scheduled payment after the settlement date, its coupon per
100 of principal (the fixed rate, or index + margin with the security's floor and cap from fixings
and, for periods nobody has fixed, a flat index or a forward curve: "the index stays"), and its time
from settlement in periods of the payment frequency at settlement. The first time is the fraction of
the current period left (30/360: its 30/360 days over the regular period's; otherwise actual days
over the regular period's actual days, Actual/Actual ICMA); each later period adds its length in
months over the current period's, so semi-annual XXI counts a quarterly period as half a period. With
a constant frequency this is Excel's ``PRICE``/``YIELD`` and QuantLib's ``BondFunctions.yield``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.daycount import THIRTY_360, accrual_days, days_30_360, period_fraction, regular_period_days
from trups_xl.core.conventions.stepping import add_months
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.accrual import interest
from trups_xl.core.pricing.parcall import COUNT_DEFAULT, COUNT_PERIOD_LESS_ACCRUED, Count
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings, Policy, coupon_rates
from trups_xl.core.scheduling.schedule import FIXED, FLOATING, Schedule, build_schedule
from trups_xl.core.securities.terms import Terms

FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]
#: Prices and flows are per 100 of principal.
PER = 100.0


class WorkoutKind(StrEnum):
    """Why a date is a workout."""

    MATURITY = "maturity"
    PAR_CALL = "par_call"
    SPECIAL_EVENT = "special_event"
    #: A perpetual's last payment date the calendars reach: where its flows stop, not a term of the
    #: security (it is still redeemed at par there, so a yield to it is a yield "to the horizon").
    HORIZON = "horizon"


class Workout(StrEnum):
    """The workout a yield is asked to (a date is the other choice)."""

    WORST = "worst"
    MATURITY = "maturity"
    NEXT_CALL = "next_call"


WORKOUT_DEFAULT = Workout.WORST


class Quote(StrEnum):
    """How a price is quoted: clean (accrued added on settlement) or flat (accrued inside the price,
    as exchange-listed $25 preferreds trade)."""

    CLEAN = "clean"
    FLAT = "flat"


QUOTE_DEFAULT = Quote.CLEAN


class SpecialEvents(StrEnum):
    """Whether special-event calls (tax, regulatory capital, investment company) are workouts."""

    EXCLUDE = "exclude"
    INCLUDE = "include"


SPECIAL_EVENTS_DEFAULT = SpecialEvents.EXCLUDE


@dataclass(frozen=True)
class WorkoutDate:
    """One workout: its date, why, and the redemption price per 100 paid then."""

    date: dt.date
    kind: WorkoutKind
    price: float = PER


def make_whole_window(terms: Terms) -> tuple[dt.date, dt.date] | None:
    """The days a make-whole redemption may be made (p.38: before the par call), or ``None``."""
    if terms.make_whole_spread is None or terms.par_call_date is None:
        return None
    return terms.issue_date, terms.par_call_date - dt.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def workout_dates(terms: Terms, settlement: dt.date, special_events: bool = False) -> tuple[WorkoutDate, ...]:
    """Every workout strictly after ``settlement``, in date order (see the module docstring)."""
    dates, every, _days, _prices = _every_workout(terms, special_events)
    found = every[bisect.bisect_right(dates, settlement):]
    call = terms.par_call_date
    if call is not None and terms.is_perpetual and call > settlement and found and found[-1].date < call:
        raise TrupsInputError(f"par_call_date {call} is not a payment date", "security")
    return found


def workout_days(terms: Terms, settlement: dt.date, special_events: bool = False) -> tuple[DateArray, FloatArray]:
    """The dates of :func:`workout_dates` (checked there) and their redemption prices per 100, as arrays."""
    dates, _every, days, prices = _every_workout(terms, special_events)
    after = bisect.bisect_right(dates, settlement)
    return days[after:], prices[after:]


@functools.lru_cache(maxsize=64)
def _every_workout(terms: Terms, special_events: bool
                   ) -> tuple[tuple[dt.date, ...], tuple[WorkoutDate, ...], DateArray, FloatArray]:
    """Every workout of the life, in date order, and their dates (also as an array, with their prices): worked
    out once for a security, so a column of distinct settlement dates takes the workouts after each from them (it was a walk
    of the schedule, and the dates made an array twice, for each)."""
    ends = [d.item() for d in build_schedule(terms=terms).end]
    call = terms.par_call_date
    found: list[WorkoutDate] = []
    for day in ends:
        if not terms.is_perpetual and day == terms.final_repayment:
            found.append(WorkoutDate(day, WorkoutKind.MATURITY))
        elif call is not None and day >= call:
            horizon = terms.is_perpetual and day == ends[-1]
            found.append(WorkoutDate(day, WorkoutKind.HORIZON if horizon else WorkoutKind.PAR_CALL))
        elif special_events and (call is None or day < call):
            found.append(WorkoutDate(day, WorkoutKind.SPECIAL_EVENT))
    days = np.array([w.date for w in found], dtype="datetime64[D]")
    prices = np.array([w.price for w in found], dtype=np.float64)
    days.flags.writeable = prices.flags.writeable = False  # shared by every call: sliced, never written
    return tuple(w.date for w in found), tuple(found), days, prices


def pick_workout(workout: Workout | dt.date, settlement: dt.date, terms: Terms,
                 special_events: bool = False) -> WorkoutDate | None:
    """The one workout a choice names (``None`` for the worst, which depends on the price)."""
    found = workout_dates(terms, settlement, special_events)
    if workout is Workout.WORST:
        if not found:
            raise TrupsInputError(f"no workout date after {settlement}", "settlement")
        return None
    if workout is Workout.MATURITY:
        if terms.is_perpetual:
            raise TrupsInputError("a perpetual security has no maturity to yield to; use 'worst', 'next_call' or a "
                                  "call date", "workout")
        if settlement >= terms.final_repayment:
            raise TrupsInputError(f"settlement must be before the maturity date {terms.final_repayment}", "settlement")
        return found[-1]
    if workout is Workout.NEXT_CALL:
        calls = [w for w in found if w.kind is not WorkoutKind.MATURITY]
        if not calls:
            raise TrupsInputError(f"no call date after {settlement}", "workout")
        return calls[0]
    for w in found:
        if w.date == workout:
            return w
    if workout <= settlement:
        raise TrupsInputError(f"workout {workout} is on or before the settlement date {settlement}", "workout")
    dates = ", ".join(str(w.date) for w in found[:3])
    raise TrupsInputError(f"{workout} is not a workout date (the first are {dates}; TRUPS_WORKOUTS lists them)",
                          "workout")


@dataclass(frozen=True, eq=False)
class Flows:
    """The scheduled payments after a settlement date, per 100 of principal."""

    dates: DateArray  # scheduled payment dates (period ends), after settlement
    amounts: FloatArray  # coupon per 100 (NaN where an index-linked period has no rate)
    periods: FloatArray  # time from settlement, in periods of ``frequency``
    frequency: float  # payments a year at settlement: the yield's compounding
    accrued: float  # accrued interest per 100 at settlement
    year_fractions: FloatArray  # each period's year fraction under its day count
    index_linked: npt.NDArray[np.bool_]  # the coupon pays an index + margin
    starts: DateArray  # each period's first day (where a curve projects its index)
    current_determined: bool  # the current period's rate is set at settlement (fixed, or its fixing date passed)

    def positions(self, days: DateArray) -> npt.NDArray[np.int64]:
        """Index of the flow paid on each of ``days`` (scheduled payment dates)."""
        return np.asarray(np.searchsorted(self.dates, days), dtype=np.int64)


def _period_months(schedule: Schedule) -> npt.NDArray[np.int64]:
    terms = schedule.terms
    fixed = terms.fixed_months if terms.fixed_rate is not None else 0
    floating = terms.floating_months if terms.floating_frequency is not None else 0
    post = terms.post_maturity_months if terms.post_maturity_frequency is not None else 0
    return np.select([schedule.regime == FIXED, schedule.regime == FLOATING], [fixed, floating], post).astype(np.int64)


def flows(settlement: dt.date, terms: Terms, index: float | ForwardCurve | None = None,
          fixings: Fixings | None = None, policy: Policy = DEFAULT_POLICY, count: Count = COUNT_DEFAULT) -> Flows:
    """The cash flows seen from ``settlement`` (issue date .. the day before the last payment date).

    Index-linked periods take their fixings first, then ``index`` (a flat rate or a forward curve)."""
    return _flows(settlement, terms, ForwardCurve.flat(index) if isinstance(index, float | int) else index,
                  fixings, policy, count)


@functools.lru_cache(maxsize=64)
def _life(terms: Terms, curve: ForwardCurve | None, fixings: Fixings | None, policy: Policy
          ) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray]:
    """Every period's coupon rate, length in months and coupon per 100, whatever the settlement: worked out once
    for the flows seen from each of a column of settlement dates (read only: shared by their flows)."""
    schedule = build_schedule(terms=terms)
    rates = np.asarray(coupon_rates(schedule, fixings, policy, curve), dtype=np.float64)
    coupons = np.asarray(interest(PER, schedule.accrual_days, rates), dtype=np.float64)
    months = _period_months(schedule)
    for part in (rates, months, coupons):
        part.flags.writeable = False
    return rates, months, coupons


@functools.lru_cache(maxsize=1024)
def _flows(settlement: dt.date, terms: Terms, curve: ForwardCurve | None, fixings: Fixings | None,
           policy: Policy, count: Count) -> Flows:
    schedule = build_schedule(terms=terms)
    s = np.datetime64(settlement, "D")
    if s < schedule.start[0] or s >= schedule.end[-1]:
        raise TrupsInputError(f"settlement must fall {schedule.start[0]}..{schedule.end[-1] - 1} (in the "
                              "securities' life, before the last payment date)", "settlement")
    k = int(np.searchsorted(schedule.end, s, side="right"))
    rates, months, coupons = _life(terms, curve, fixings, policy)
    start, end = schedule.start[k], schedule.end[k]
    if schedule.is_30_360[k]:
        period_days = regular_period_days(THIRTY_360, 12 // int(months[k]))
        left = period_days - days_30_360(start, s) if count == COUNT_PERIOD_LESS_ACCRUED else days_30_360(s, end)
        first = float(left) / period_days
    else:
        reference = np.datetime64(add_months(end.item(), -int(months[k])), "D")
        first = float(period_fraction(s, end, reference, end))
    later = months[k + 1:].astype(np.float64) / float(months[k])
    periods = first + np.concatenate(([0.0], np.cumsum(later)))
    amounts = coupons[k:]
    accrued_days = accrual_days(schedule.accrual_start[k], s, schedule.is_30_360[k])
    return Flows(dates=schedule.end[k:], amounts=amounts, periods=np.asarray(periods, dtype=np.float64),
                 frequency=12.0 / float(months[k]),
                 accrued=float(interest(PER, int(accrued_days), float(rates[k]))),
                 year_fractions=np.asarray(schedule.year_fraction[k:], dtype=np.float64),
                 index_linked=np.asarray(schedule.regime[k:] != FIXED), starts=schedule.start[k:],
                 # a period with no determination date sets its rate on its first day, on or before settlement
                 current_determined=bool(schedule.regime[k] == FIXED or np.isnat(schedule.determination_date[k])
                                         or schedule.determination_date[k] <= s))
