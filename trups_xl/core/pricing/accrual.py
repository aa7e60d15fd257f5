"""Interest accrued between any two dates, accrued interest and coupons.

Interest for ``[start, end)`` is split over the interest periods it touches (p.40), each
at its own rate and day count. Within a period, interest accrued to a day is
rate x day-count fraction from the period's first day to that day x principal — the
accrued-interest definition — so accrual over ``[a, b)`` is accrued(b) - accrued(a) and
is additive over adjacent intervals by construction (30/360's day-31 rule would
otherwise break additivity: 30/360 counts 2009-01-21 to 01-31 as 10 days and 01-31 to
02-01 as 1, but 01-21 to 02-01 as 10).

All functions broadcast numpy arrays of dates. A single ``datetime.date`` (a worksheet cell's
call) takes a fast path inside the same function: the schedule's columns as Python lists
(:attr:`~trups_xl.core.scheduling.schedule.Schedule.lists`) and the very same operations in the
same order on Python floats, so the number is bit-for-bit the array path's. It covers the
fixed-rate periods, and refuses what the array path would refuse between dates in the life (a day
that is not a payment date, an end before the start, a period with no rate) with its message, in
its order; anything else (an index-linked period, a date outside the life) goes on to the array
path, which gives the number or the error message.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.adjust import AccrualConvention
from trups_xl.core.conventions.dates import date_of, day_number
from trups_xl.core.conventions.daycount import THIRTY_360, accrual_days, per_year
from trups_xl.core.conventions.interest import simple_interest
from trups_xl.core.errors import ElementRefusalError, TrupsInputError
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import (
    DEFAULT_POLICY,
    Fixings,
    Policy,
    coupon_rates,
    require_known,
    require_known_between,
)
from trups_xl.core.scheduling.schedule import Schedule, build_schedule
from trups_xl.core.securities.terms import Terms

FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]


def life_bounds(schedule: Schedule) -> tuple[np.datetime64, np.datetime64]:
    """First and last day (inclusive) interest can accrue to, for this schedule."""
    return schedule.accrual_start[0], schedule.accrual_end[-1]


def check_in_life(days: DateArray, schedule: Schedule, argument: str) -> None:
    """Raise naming ``argument`` when any day lies outside the instrument's life."""
    first, last = life_bounds(schedule)
    if days.size and (days.min() < first or days.max() > last):
        bad = days[(days < first) | (days > last)].flat[0]
        raise TrupsInputError(f"{bad} is outside the securities' life {first}..{last}", argument)


#: The year of every coupon day count a security takes (30/360 and Act/360 both count 360 days).
COUPON_YEAR = THIRTY_360


@overload
def interest(principal: float, days: int, rate: float) -> float: ...
@overload
def interest(principal: npt.ArrayLike, days: npt.ArrayLike, rate: npt.ArrayLike) -> FloatArray: ...
def interest(principal: npt.ArrayLike, days: npt.ArrayLike, rate: npt.ArrayLike) -> FloatArray | float:
    """Interest on ``principal`` for ``days`` (counted under the period's day count) at an annual
    ``rate`` over a 360-day year (p.20, p.41): :func:`~trups_xl.core.conventions.interest.simple_interest`,
    exact for amounts that are exact decimals (1000 x 180 x 0.083 / 360 = 41.5)."""
    return simple_interest(principal, days, rate, COUPON_YEAR)


def _middle(schedule: Schedule, rates: FloatArray, first: npt.NDArray[np.int64], stop: npt.NDArray[np.int64],
            principal: FloatArray) -> FloatArray:
    """Interest of the whole periods ``first <= k < stop`` (none where ``stop <= first``).

    Where the rate is the same over those periods (the fixed period, a flat index) the days are
    summed first, exactly, and :func:`interest` applied once; otherwise per-period amounts are
    summed through a prefix sum.
    """
    days = np.concatenate([[0], np.cumsum(schedule.accrual_days)])
    rate_days = np.concatenate([[0.0], np.cumsum(rates * schedule.accrual_days)])
    changes = np.concatenate([[0], np.cumsum(rates[1:] != rates[:-1])])  # rate changes before k
    live = stop > first
    lo = np.where(live, first, 0)
    hi = np.where(live, stop, 1)
    constant = changes[hi - 1] == changes[lo]
    same_rate = interest(principal, days[hi] - days[lo], rates[lo])
    varying = per_year(principal * (rate_days[hi] - rate_days[lo]), COUPON_YEAR)
    return np.asarray(np.where(live, np.where(constant, same_rate, varying), 0.0), dtype=np.float64)


def _fixed_only(fixings: Fixings | None, policy: Policy, convention: AccrualConvention | None,
                curve: ForwardCurve | None) -> bool:
    """True when nothing but the schedule decides a fixed-rate period's interest (the one-date path)."""
    return fixings is None and curve is None and policy == DEFAULT_POLICY and convention is None


def _accrual_one(a: int, b: int, principal: float, schedule: Schedule) -> float | None:
    """:func:`accrual` from day number ``a`` to ``b`` when every period it needs is fixed-rate,
    else ``None`` (the array path answers): the array path's operations, in its order, on floats."""
    c = schedule.lists
    if a < c.accrual_start[0] or b > c.accrual_end[-1] or b < a:
        return None
    ka, kb = c.period_containing(a), c.period_containing(b)
    last_needed = kb if b > c.accrual_start[kb] else kb - 1
    fixed = c.leading_fixed  # the fixed periods are the first ones
    if last_needed >= fixed:
        return None
    rate = schedule.terms.fixed_rate
    if rate is None:  # (no fixed periods: leading_fixed is 0 and the array path answered above)
        return None
    rate_b = rate if kb < fixed else 0.0  # not needed (b is its first day): 0, as the array path
    da = accrual_days(c.accrual_start[ka], a, c.is_30_360[ka])
    db = accrual_days(c.accrual_start[kb], b, c.is_30_360[kb])
    if ka == kb:
        return interest(principal, db - da, rate)
    head = interest(principal, c.accrual_days[ka] - da, rate)
    middle = interest(principal, sum(c.accrual_days[ka + 1:kb]), rate) if kb > ka + 1 else 0.0
    return head + middle + interest(principal, db, rate_b)


def _refuse_one(a: int, b: int, schedule: Schedule, fixings: Fixings | None, policy: Policy,
                curve: ForwardCurve | None) -> None:
    """The array path's refusals of :func:`accrual` from day number ``a`` to ``b``, both in the life,
    found without numpy (a column of refused dates is refused row by row): an end before the
    start, then a needed period with no rate. Outside the life: nothing (the array path says so)."""
    c = schedule.lists
    if min(a, b) < c.accrual_start[0] or max(a, b) > c.accrual_end[-1]:
        return
    if b < a:
        raise TrupsInputError("end_date is before start_date", "end_date")
    rates = coupon_rates(schedule, fixings, policy, curve)  # (refusing what the array path refuses here)
    ka, kb = c.period_containing(a), c.period_containing(b)
    require_known_between(schedule, rates, ka, kb if b > c.accrual_start[kb] else kb - 1)


@overload
def accrual(start: dt.date, end: dt.date, fixings: Fixings | None = None, principal: float | None = None,
            policy: Policy = DEFAULT_POLICY, convention: AccrualConvention | None = None,
            curve: ForwardCurve | None = None, *, terms: Terms) -> float: ...
@overload
def accrual(start: npt.ArrayLike, end: npt.ArrayLike, fixings: Fixings | None = None,
            principal: npt.ArrayLike | None = None, policy: Policy = DEFAULT_POLICY,
            convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
            *, terms: Terms) -> FloatArray: ...
def accrual(start: npt.ArrayLike | dt.date, end: npt.ArrayLike | dt.date, fixings: Fixings | None = None,
            principal: npt.ArrayLike | None = None,
            policy: Policy = DEFAULT_POLICY,
            convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
            *, terms: Terms) -> FloatArray | float:
    """Interest accrued from ``start`` (inclusive) to ``end`` (exclusive).

    Parameters
    ----------
    start, end : array_like of datetime64[D], or two dates
        Dates within the securities' life; broadcast against each other. Two ``datetime.date``
        give a float.
    fixings : Fixings, optional
        Index fixings for floating/post-maturity periods (see :mod:`trups_xl.core.rates.fixings`).
    principal : array_like of float, optional
        Principal amount; default the liquidation amount of one security ($1,000 for XXI).
    policy : str
        Index policy (:data:`trups_xl.core.rates.fixings.POLICIES`).
    convention : {"adjusted", "unadjusted"}
        Floating/monthly accrual dates; default the security's ``floating_accrual`` (else unadjusted
        for a reset, adjusted otherwise).
    curve : ForwardCurve, optional
        Projects the index of periods without a fixing (:mod:`trups_xl.core.rates.curve`).
    terms : Terms
        The security (:mod:`trups_xl.core.securities.terms`).

    Returns
    -------
    ndarray of float
        Interest in the currency of ``principal``.
    """
    schedule = build_schedule(convention, terms=terms)
    one = type(start) is dt.date and type(end) is dt.date
    if one and (principal is None or type(principal) is float):
        a_one, b_one = day_number(start), day_number(end)  # type: ignore[arg-type]
        if _fixed_only(fixings, policy, convention, curve):
            p_one = terms.liquidation_amount if principal is None else principal
            fast = _accrual_one(a_one, b_one, p_one, schedule)
            if fast is not None:
                return fast
        _refuse_one(a_one, b_one, schedule, fixings, policy, curve)
    a, b, p = np.broadcast_arrays(np.asarray(start, dtype="datetime64[D]"),
                                  np.asarray(end, dtype="datetime64[D]"),
                                  np.asarray(terms.liquidation_amount if principal is None else principal,
                                             dtype=np.float64))
    check_in_life(a, schedule, "start_date")
    check_in_life(b, schedule, "end_date")
    if (b < a).any():
        raise TrupsInputError("end_date is before start_date", "end_date")
    rates = coupon_rates(schedule, fixings, policy, curve)
    ka = schedule.period_containing(a)
    kb = schedule.period_containing(b)
    # Periods that contribute: ka .. kb, less kb when b is its first accrual day.
    last_needed = np.where(b > schedule.accrual_start[kb], kb, kb - 1)
    if np.isnan(rates).any():  # only index-linked periods can lack a rate
        # mark every period in some [ka, last_needed] by a difference array
        marks = np.zeros(schedule.size + 1, dtype=np.int64)
        live = last_needed >= ka
        np.add.at(marks, ka[live], 1)
        np.add.at(marks, last_needed[live] + 1, -1)
        require_known(schedule, rates, np.cumsum(marks[:-1]) > 0)
    safe = np.where(np.isnan(rates), 0.0, rates)
    # days from each period's first accrual day to a and to b, under that period's day count
    da = accrual_days(schedule.accrual_start[ka], a, schedule.is_30_360[ka])
    db = accrual_days(schedule.accrual_start[kb], b, schedule.is_30_360[kb])
    same = ka == kb
    # within one period: the difference of the day counts (the accrued-interest definition, additive)
    within = interest(p, db - da, safe[ka])
    head = interest(p, schedule.accrual_days[ka] - da, safe[ka])
    tail = interest(p, db, safe[kb])
    across = head + _middle(schedule, safe, ka + 1, kb, p) + tail
    result = np.asarray(np.where(same, within, across), dtype=np.float64)
    return float(result) if one and result.ndim == 0 else result


@overload
def accrued_interest(settlement: dt.date, fixings: Fixings | None = None, principal: float | None = None,
                     policy: Policy = DEFAULT_POLICY, convention: AccrualConvention | None = None,
                     curve: ForwardCurve | None = None, *, terms: Terms) -> float: ...
@overload
def accrued_interest(settlement: npt.ArrayLike, fixings: Fixings | None = None,
                     principal: npt.ArrayLike | None = None, policy: Policy = DEFAULT_POLICY,
                     convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
                     *, terms: Terms) -> FloatArray: ...
def accrued_interest(settlement: npt.ArrayLike | dt.date, fixings: Fixings | None = None,
                     principal: npt.ArrayLike | None = None,
                     policy: Policy = DEFAULT_POLICY,
                     convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
                     *, terms: Terms) -> FloatArray | float:
    """Interest accrued from the start of the period containing ``settlement`` to it (a date: a float)."""
    schedule = build_schedule(convention, terms=terms)
    if type(settlement) is dt.date:
        c = schedule.lists
        day = day_number(settlement)
        if c.accrual_start[0] <= day < c.accrual_end[-1]:  # the last day itself: the array path's special case
            first = date_of(c.accrual_start[c.period_containing(day)])
            return accrual(first, settlement, fixings, principal, policy, convention, curve, terms=terms)  # type: ignore[arg-type,misc]
    s = np.asarray(settlement, dtype="datetime64[D]")
    check_in_life(s, schedule, "settlement")
    k = schedule.period_containing(s)
    k = np.where(s == schedule.accrual_end[-1], schedule.size, k)  # after the last period: 0
    k_safe = np.minimum(k, schedule.size - 1)
    start = np.where(k == schedule.size, s, schedule.accrual_start[k_safe])
    result = accrual(start, s, fixings, principal, policy, convention, curve, terms=terms)
    return float(result) if type(settlement) is dt.date else result


@overload
def coupon(payment_date: dt.date, fixings: Fixings | None = None, principal: float | None = None,
           policy: Policy = DEFAULT_POLICY, convention: AccrualConvention | None = None,
           curve: ForwardCurve | None = None, *, terms: Terms) -> float: ...
@overload
def coupon(payment_date: npt.ArrayLike, fixings: Fixings | None = None, principal: npt.ArrayLike | None = None,
           policy: Policy = DEFAULT_POLICY, convention: AccrualConvention | None = None,
           curve: ForwardCurve | None = None, *, terms: Terms) -> FloatArray: ...
def coupon(payment_date: npt.ArrayLike | dt.date, fixings: Fixings | None = None,
           principal: npt.ArrayLike | None = None,
           policy: Policy = DEFAULT_POLICY,
           convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
           *, terms: Terms) -> FloatArray | float:
    """Interest payable on a scheduled interest payment date (the period ending on it; a date: a float)."""
    schedule = build_schedule(convention, terms=terms)
    if type(payment_date) is dt.date:
        c = schedule.lists
        if (n := c.index_of_payment(day_number(payment_date))) < 0:  # the array path's message, without numpy
            raise TrupsInputError(_not_a_payment_date(payment_date, schedule.payment_dates_hint), "payment_date")
        return accrual(date_of(c.accrual_start[n]), date_of(c.accrual_end[n]), fixings,
                       principal, policy, convention, curve, terms=terms)  # type: ignore[arg-type,misc]
    d = np.asarray(payment_date, dtype="datetime64[D]")
    k = schedule.index_of_payment(d)
    if (k < 0).any():  # each refused date with the message a call on it alone gives
        refused = k < 0
        raise ElementRefusalError(refused, d[refused].tolist(), functools.partial(_not_a_payment_date,
                                                                            hint=schedule.payment_dates_hint),
                                  "payment_date")
    return accrual(schedule.accrual_start[k], schedule.accrual_end[k], fixings, principal,
                   policy, convention, curve, terms=terms)


def _not_a_payment_date(day: dt.date, hint: str) -> str:
    return f"{day} is not a scheduled interest payment date ({hint})"


@overload
def previous_payment_date(as_of: dt.date, terms: Terms) -> dt.date: ...
@overload
def previous_payment_date(as_of: npt.ArrayLike, terms: Terms) -> DateArray: ...
def previous_payment_date(as_of: npt.ArrayLike | dt.date, terms: Terms) -> DateArray | dt.date:
    """The scheduled payment date on or before ``as_of`` (the issue date in the first period),
    like Excel's COUPPCD; a date gives a date."""
    schedule = build_schedule(terms=terms)
    if type(as_of) is dt.date and (c := schedule.lists).start[0] <= (d := day_number(as_of)) < c.end[-1]:
        return date_of(c.start[bisect_right(c.start, d) - 1])
    days = np.asarray(as_of, dtype="datetime64[D]")
    _check_scheduled_range(days, schedule, "as_of")
    k = np.searchsorted(schedule.start, days, side="right") - 1
    return schedule.start[k]


@overload
def next_payment_date(as_of: dt.date, terms: Terms) -> dt.date: ...
@overload
def next_payment_date(as_of: npt.ArrayLike, terms: Terms) -> DateArray: ...
def next_payment_date(as_of: npt.ArrayLike | dt.date, terms: Terms) -> DateArray | dt.date:
    """The first scheduled payment date after ``as_of``, like Excel's COUPNCD; a date gives a date."""
    schedule = build_schedule(terms=terms)
    if type(as_of) is dt.date and (c := schedule.lists).start[0] <= (d := day_number(as_of)) < c.end[-1]:
        return date_of(c.end[bisect_right(c.end, d)])
    days = np.asarray(as_of, dtype="datetime64[D]")
    _check_scheduled_range(days, schedule, "as_of")
    k = np.searchsorted(schedule.end, days, side="right")
    return schedule.end[k]


def _check_scheduled_range(d: DateArray, schedule: Schedule, argument: str) -> None:
    first, last = schedule.start[0], schedule.end[-1]
    if d.size and (d.min() < first or d.max() >= last):
        bad = d[(d < first) | (d >= last)].flat[0]
        raise TrupsInputError(f"{bad} is outside {first}..{last - np.timedelta64(1, 'D')}", argument)


@dataclass(frozen=True)
class PaidPeriods:
    """The periods paid from one date to another: positions ``first..stop-1`` in the schedule,
    each one's coupon rate and interest (Python lists, one element per period)."""

    schedule: Schedule
    first: int
    stop: int
    rates: list[float]
    interest: list[float]


def paid_periods(from_date: dt.date, to_date: dt.date, fixings: Fixings | None = None,
                 principal: float | None = None, policy: Policy = DEFAULT_POLICY,
                 curve: ForwardCurve | None = None, *, terms: Terms) -> PaidPeriods:
    """The periods whose scheduled payment date falls in ``[from_date, to_date]``, with the rate
    and the whole period's interest of each (what TRUPS_SCHEDULE lists)."""
    if to_date < from_date:
        raise TrupsInputError("to_date is before from_date", "to_date")
    schedule = build_schedule(terms=terms)
    first = int(np.searchsorted(schedule.end, np.datetime64(from_date, "D"), side="left"))
    stop = int(np.searchsorted(schedule.end, np.datetime64(to_date, "D"), side="right"))
    if first >= stop:
        raise TrupsInputError(f"no interest payment date between {from_date} and {to_date}", "to_date")
    rates = period_rates(schedule, fixings, policy, np.arange(first, stop), curve)
    amount = terms.liquidation_amount if principal is None else principal
    return PaidPeriods(schedule, first, stop, rates[first:stop].tolist(),
                       interest(amount, schedule.accrual_days[first:stop], rates[first:stop]).tolist())


def period_rates(schedule: Schedule, fixings: Fixings | None, policy: Policy,
                 periods: npt.NDArray[np.int64], curve: ForwardCurve | None = None) -> FloatArray:
    """Coupon rates of the given periods, refusing a needed fixing that is missing."""
    rates = coupon_rates(schedule, fixings, policy, curve)
    require_known(schedule, rates, periods)
    return rates
