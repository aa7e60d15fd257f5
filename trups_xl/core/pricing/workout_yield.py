"""Yield to a workout, to the worst of them, and price from a yield: any security, one date or arrays.

The price of a workout ``w`` at a yield ``y`` compounded ``F`` times a year (the payment frequency at
settlement, :mod:`~trups_xl.core.pricing.workout`) is the coupons up to and including ``w``'s date
and its redemption price, each discounted ``(1 + y/F) ** -t`` over its time ``t`` in periods
(:func:`~trups_xl.core.conventions.interest.periodic_discount`), less accrued interest for a clean
price. Every price falls as the yield rises, so the yield to worst — the lowest yield over the
workouts — is the root of the lowest price over the workouts, ``min_w P_w(y) = price``: below it every
workout prices above the price; one solve finds it whichever workout is worst, and the workout
pricing lowest there is the one it assumes (:func:`worst_workout_date`). The solver is the bracketed
Newton of :func:`~trups_xl.core.pricing.bondmath.solve_yield`
(:func:`~trups_xl.core.pricing.bondmath.bracketed_newton`): a price no yield in -99.99%..99.99%
gives, or a result that does not reprice within 1e-9 per 100, is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.interest import periodic_discount
from trups_xl.core.errors import MissingFixingError, TrupsInputError
from trups_xl.core.pricing.bondmath import RATE_BOUNDS, REPRICE_TOLERANCE, bracketed_newton
from trups_xl.core.pricing.parcall import COUNT_DEFAULT, Count
from trups_xl.core.pricing.workout import (
    QUOTE_DEFAULT,
    WORKOUT_DEFAULT,
    Flows,
    Quote,
    Workout,
    flows,
    pick_workout,
    workout_dates,
    workout_days,
)
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings, Policy
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.terms import Terms

FloatArray = npt.NDArray[np.float64]
#: Cells of the flows x rows matrices :func:`lowest_price` runs its sums down at once: half a megabyte, so they
#: stay in the processor's cache (2 MB blocks took about three times as long).
_RUNNING_CELLS = 1 << 16


@dataclass(frozen=True)
class Market:
    """What the cash flows need besides the security: the index beyond the fixings and how the price
    is quoted."""

    quote: Quote = QUOTE_DEFAULT
    index: float | ForwardCurve | None = None
    fixings: Fixings | None = None
    policy: Policy = DEFAULT_POLICY
    special_events: bool = False
    count: Count = COUNT_DEFAULT


@dataclass(frozen=True, eq=False)
class Candidates:
    """The workouts a yield may be worked to, as positions in the flows."""

    flows: Flows
    last: npt.NDArray[np.int64]  # index of each workout's date among the flows
    redemption: FloatArray  # redemption price per 100 at each
    dates: tuple[dt.date, ...]
    days: npt.NDArray[np.datetime64] | None = None  # the dates as an array, where the caller has one

    @property
    def date_array(self) -> npt.NDArray[np.datetime64]:
        """:attr:`dates` as an array."""
        return self.days if self.days is not None else np.array(self.dates, dtype="datetime64[D]")

    @property
    def span(self) -> int:
        """Flows the workouts need (up to the latest)."""
        return int(self.last.max()) + 1

    @functools.cached_property
    def weights(self) -> FloatArray:
        """What each flow pays under each workout (flows x workouts): its coupon up to the workout's
        date, and the redemption on it; a workout's price is the discount factors times its column."""
        j = np.arange(self.span)[:, None]
        paid = np.where(j <= self.last[None, :], self.flows.amounts[:self.span, None], 0.0)
        paid[self.last, np.arange(self.last.size)] += self.redemption
        return np.asarray(paid, dtype=np.float64)


def candidates(settlement: dt.date, terms: Terms, workout: Workout | dt.date, market: Market) -> Candidates:
    """The workouts of ``workout`` (every one for the worst) and the flows they need."""
    chosen = pick_workout(workout, settlement, terms, market.special_events)
    found = workout_dates(terms, settlement, market.special_events) if chosen is None else (chosen,)
    days, prices = (workout_days(terms, settlement, market.special_events) if chosen is None else
                    (np.array([chosen.date], dtype="datetime64[D]"), np.array([chosen.price], dtype=np.float64)))
    f = flows(settlement, terms, market.index, market.fixings, market.policy, market.count)
    last = f.positions(days)
    span = int(last.max()) + 1
    bad = ~np.isfinite(f.amounts[:span])
    if bad.any() or not np.isfinite(f.accrued):
        k = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise MissingFixingError(f"the index-linked period paid {f.dates[k]} has no rate: give curve (one rate: the index "
                                 "stays; or date, rate rows) or fixings", "curve")
    return Candidates(f, last, prices, tuple(w.date for w in found), days)


def lowest_price(y: FloatArray, c: Candidates, slope: bool = True, times: FloatArray | None = None,
                 day_of: npt.NDArray[np.intp] | None = None, pick: npt.NDArray[np.intp] | None = None
                 ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """The lowest workout price at each yield, its slope and which workout it is (chunked by rows). A workout's
    price is the running sum of the discounted coupons to its date and its discounted redemption, so each row
    prices every workout in one pass along it, and its numbers hang on its own inputs alone (not on the rows
    beside it, as a matrix product's blocking makes them); the slope only of the lowest. ``times``: each flow's
    time in periods for row ``i`` in ``times[day_of[i]]`` (dates of one period solved as one), else the flows'.
    ``pick``: each row's workout (its index among the workouts), priced instead of the lowest: a workout's running
    sum to its date is the same whichever workouts are beside it, so row ``i`` is what the workout alone gives."""
    span, frequency = c.span, c.flows.frequency
    amounts, last, redemption = c.flows.amounts[:span, None], c.last, c.redemption[:, None]
    rows = max(1, _RUNNING_CELLS // max(span, last.size))
    pv, d, which = np.empty(y.size), np.empty(y.size), np.empty(y.size, dtype=np.int64)
    for a in range(0, y.size, rows):  # flows down, rows across: the running sums go down each column at once
        part = y[a:a + rows]
        t = c.flows.periods[:span, None] if times is None or day_of is None else times[day_of[a:a + rows]].T
        # the times whole, not repeated by broadcasting: numpy's power takes a shortcut for an exponent it sees
        # repeated (-1: a reciprocal, a last bit apart), which made a row's bits hang on the rows beside it
        t = np.ascontiguousarray(np.broadcast_to(t, (span, part.size)))
        df = periodic_discount(part[None, :], t, frequency)
        flow = df * amounts
        p = np.cumsum(flow, axis=0)[last] + df[last] * redemption
        k = np.argmin(p, axis=0) if pick is None else pick[a:a + rows]
        at, r = last[k], np.arange(k.size)
        pv[a:a + rows], which[a:a + rows] = p[k, r], k
        if slope:
            t_at = np.broadcast_to(t, df.shape)[at, r]
            timed = np.cumsum(flow * t, axis=0)[at, r] + df[at, r] * redemption[k, 0] * t_at
            d[a:a + rows] = -timed / (frequency + part)
    return pv, d, which


#: The step in the yield at which a solve stops.
SOLVE_TOLERANCE = 1e-13
#: The rate every row's solve starts from, whatever the rows beside it: a row's root hangs on its own target
#: alone, so a cell's yield is the same number in a column as on its own (a column of more than 1,025 rows
#: once started from a grid of rates, a last bit away from the cell alone in nine cells out of ten).
SOLVE_START = 0.05


def solve(target: FloatArray, value: Callable[[FloatArray], tuple[FloatArray, FloatArray]], argument: str = "price",
          tolerance: float = SOLVE_TOLERANCE) -> FloatArray:
    """The rate at which ``value`` (falling in the rate; with its slope) equals each ``target``:
    bracketed Newton in -99.99%..99.99%, refused naming ``argument`` when no rate there gives the
    target or the result does not reprice it within 1e-9 per 100. ``value`` takes the rates of the
    rows still iterating: every row must share one value function."""
    roots, reached = _roots(target, lambda rates, _rows: value(rates), tolerance, every_row=True)
    if not reached:
        raise TrupsInputError("no yield between -99.99% and 99.99% gives that price", argument)
    if np.isnan(roots).any():
        raise TrupsInputError("no yield reprices that price to 1e-9 per 100", argument)
    return roots


def _reached(target: FloatArray, highest: FloatArray, lowest: FloatArray) -> npt.NDArray[np.bool_]:
    """Where a target lies strictly between the prices at the bounds of :data:`RATE_BOUNDS`."""
    return (target < highest) & (target > lowest)


def _repriced(priced: FloatArray, target: FloatArray) -> npt.NDArray[np.bool_]:
    """Where a root's price is its target within :data:`REPRICE_TOLERANCE` per 100 (or less)."""
    return np.abs(priced - target) <= REPRICE_TOLERANCE * np.maximum(1.0, np.abs(target) / 100.0)


def dirty_price(price: FloatArray, c: Candidates, quote: Quote) -> FloatArray:
    """The price with accrued interest: a clean price plus accrued, a flat price as it is."""
    return price if quote is Quote.FLAT else price + c.flows.accrued


def _groups(settlement: npt.ArrayLike | dt.date, value: npt.ArrayLike
            ) -> tuple[npt.NDArray[np.datetime64], FloatArray, tuple[int, ...], bool]:
    one = isinstance(settlement, dt.date) and isinstance(value, float | int)
    s, v = np.broadcast_arrays(np.asarray(settlement, dtype="datetime64[D]"), np.asarray(value, dtype=np.float64))
    return s.reshape(-1), v.reshape(-1).astype(np.float64), s.shape, one


#: Distinct settlement dates of one coupon period solved as one from this many on (fewer: one date at a time).
TOGETHER_FROM = 4

#: The rows of each distinct settlement date: (the date, None for a missing one; the rows' indices).
Days = list[tuple[dt.date | None, npt.NDArray[np.intp]]]
#: Solves some of the dates of :data:`Days` as one, filling their numbers and dates, and gives back the others.
Together = Callable[[Days, FloatArray, FloatArray, npt.NDArray[np.datetime64]], Days]


def _by_day(s: npt.NDArray[np.datetime64]) -> Days:
    """The rows of each distinct settlement date, in date order (a missing date last, as one, with no rows, as
    a comparison finds none), found in one sort rather than a comparison of every row for every date."""
    if not s.size:
        return []
    order = np.argsort(s, kind="stable")
    ordered = s[order]
    missing = np.isnat(ordered)
    new = (ordered[1:] != ordered[:-1]) & ~(missing[1:] & missing[:-1])
    starts = np.concatenate(([0], np.flatnonzero(new) + 1, [s.size]))
    return [(ordered[a].item(), order[a:b] if not missing[a] else order[:0])
            for a, b in pairwise(starts.tolist())]


def each_settlement(settlement: npt.ArrayLike | dt.date, value: npt.ArrayLike,
                     work: Callable[[dt.date, FloatArray], tuple[FloatArray, npt.NDArray[np.datetime64]]],
                     together: Together | None = None
                     ) -> tuple[FloatArray | float, npt.NDArray[np.datetime64] | dt.date]:
    """``work(settlement, values)`` over the distinct settlement dates, in date order (``together`` first, where
    given: the dates it solves as one are not worked again); (numbers, dates) shaped like the broadcast inputs
    (one date and one number give a float and a date)."""
    s, v, shape, one = _groups(settlement, value)
    numbers, dates = np.empty(s.size), np.empty(s.size, dtype="datetime64[D]")
    days = _by_day(s)
    if together is not None and len(days) >= TOGETHER_FROM:
        days = together(days, v, numbers, dates)
    for day, rows in days:
        numbers[rows], dates[rows] = work(day, v[rows])  # type: ignore[arg-type]  # a missing date: as before
    if one:
        return float(numbers[0]), dates[0].item()
    return numbers.reshape(shape), dates.reshape(shape)


@dataclass(frozen=True, eq=False)
class PeriodSolved:
    """Yields solved at several settlement dates of one coupon period as one (:func:`_solve_period`): rows of the
    dates in order, each row's date among them, the dates and each one's candidates and times of the flows, each
    row's dirty price, yield and workout."""

    rows: npt.NDArray[np.intp]  # the rows of the broadcast inputs, date by date
    day_of: npt.NDArray[np.intp]  # each of those rows' date, as an index in ``dates``, ``each`` and ``times``
    dates: tuple[dt.date, ...]  # the settlement dates, in order
    each: tuple[Candidates, ...]  # each date's own candidates (its current coupon's state among them)
    times: FloatArray  # dates x flows: each flow's time in periods from each date
    dirty: FloatArray
    yields: FloatArray
    which: npt.NDArray[np.int64]

    @property
    def candidates(self) -> Candidates:
        """The first date's candidates: the workouts, flows and weights the dates share (:func:`alike`)."""
        return self.each[0]


#: What a solve of one period as one gives back: each of its rows' number and date (:func:`each_settlement`), or
#: None to give the period back to its dates one at a time.
Finish = Callable[[PeriodSolved], tuple[FloatArray, npt.NDArray[np.datetime64]] | None]


def in_periods(terms: Terms, workout: Workout | dt.date, market: Market, finish: Finish,
               check: YieldCheck | None = None) -> Together:
    """The dates of :data:`Days` solved a coupon period at a time (:func:`_solve_period`) where a period holds
    :data:`TOGETHER_FROM` dates or more, each period's rows then given their numbers and dates by ``finish``:
    the others, and any period that cannot be, are given back (worked one date at a time, which words any
    refusal as before). ``check``: given each period's yields, as a date's are; a refusal gives the period back."""

    def together(days: Days, v: FloatArray, numbers: FloatArray, dates: npt.NDArray[np.datetime64]) -> Days:
        ends = build_schedule(terms=terms).end
        period = np.searchsorted(ends, np.array([d for d, _ in days], dtype="datetime64[D]"), side="right")
        left: Days = []
        start = 0
        for k in range(1, len(days) + 1):  # the days in date order: a period's are consecutive
            if k < len(days) and period[k] == period[start] and days[k][0] is not None:
                continue
            group = days[start:k]
            solved = (_solve_period(group, v, terms, workout, market, check)
                      if len(group) >= TOGETHER_FROM and group[0][0] is not None else None)
            finished = None if solved is None else finish(solved)
            if solved is None or finished is None:
                left += group
            else:
                numbers[solved.rows], dates[solved.rows] = finished
            start = k
        return left

    return together


def alike(cs: Sequence[Candidates]) -> bool:
    """Whether the candidates of several settlement dates share their workouts, weights and flows' amounts (they
    differ in each flow's time and the accrued interest): the dates of one period priced as one."""
    first = cs[0]
    span, frequency = first.span, first.flows.frequency
    return not any(c.span != span or c.flows.frequency != frequency or not np.array_equal(c.last, first.last)
                   or not np.array_equal(c.redemption, first.redemption)
                   or not np.array_equal(c.date_array, first.date_array)
                   or not np.array_equal(c.flows.amounts[:span], first.flows.amounts[:span]) for c in cs[1:])


def _solve_period(group: Days, v: FloatArray, terms: Terms, workout: Workout | dt.date, market: Market,
                  check: YieldCheck | None) -> PeriodSolved | None:
    """The yields at the settlement dates of one coupon period, solved as one: the dates share the period's flows,
    workouts and weights, and differ in each flow's time (:attr:`Flows.periods`) and the accrued interest. Each
    row is priced on its own (:func:`lowest_price`), so its yield is exactly its date's alone. None where a yield
    does not reprice its price or anything is refused (the dates then go one at a time)."""
    days = tuple(day for day, _ in group if day is not None)
    if len(days) != len(group):  # a missing date is never part of a period (:func:`in_periods`)
        return None
    try:
        cs = [candidates(day, terms, workout, market) for day in days]
    except TrupsInputError:
        return None
    first = cs[0]
    span = first.span
    if not alike(cs):
        return None
    rows = np.concatenate([r for _, r in group])
    day_of = np.repeat(np.arange(len(group)), [r.size for _, r in group])
    times = np.stack([c.flows.periods[:span] for c in cs])
    target = np.concatenate([dirty_price(v[r], c, market.quote) for (_, r), c in zip(group, cs, strict=True)])

    def lowest(y: FloatArray, at: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
        return lowest_price(y, first, times=times, day_of=day_of[at])

    y = solve_rows(target, lambda rates, at: lowest(rates, at)[:2])
    if y is None:
        return None
    which = lowest(y, np.arange(rows.size))[2]
    if check is not None:
        try:
            check(y)
        except TrupsInputError:
            return None
    return PeriodSolved(rows, day_of, days, tuple(cs), times, target, y, which)


def solve_rows(target: FloatArray, value: Callable[[FloatArray, npt.NDArray[np.intp]], tuple[FloatArray, FloatArray]]
               ) -> FloatArray | None:
    """:func:`solve` where each row has its own value function (``value(rates, rows)``, the rows' indices in
    ``target``): the same bounds, steps from the same start and the same repricing check, so a row's root is
    what :func:`solve` gives it alone.
    None where a row is out of reach or not repriced (the caller then solves alone, which words it)."""
    roots = solve_each(target, value)
    return None if np.isnan(roots).any() else roots


def solve_each(target: FloatArray, value: Callable[[FloatArray, npt.NDArray[np.intp]], tuple[FloatArray, FloatArray]]
               ) -> FloatArray:
    """:func:`solve_rows` row by row: each row's root, NaN where the row is out of reach or its root does not
    reprice it (a row iterates on its own, so the others' roots are what they are beside it)."""
    return _roots(target, value, SOLVE_TOLERANCE)[0]


def _roots(target: FloatArray, value: Callable[[FloatArray, npt.NDArray[np.intp]], tuple[FloatArray, FloatArray]],
           tolerance: float, every_row: bool = False) -> tuple[FloatArray, bool]:
    """The one root finder of :func:`solve` and :func:`solve_each`: each row's root from :data:`SOLVE_START`
    within :data:`RATE_BOUNDS`, NaN where the row is out of reach or its root does not reprice it; and whether
    every row was within reach (with ``every_row``, nothing is solved unless every row is)."""
    found, every = np.full(target.size, np.nan), np.arange(target.size)
    lo, hi = (np.full(target.size, bound) for bound in RATE_BOUNDS)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        at = np.flatnonzero(_reached(target, value(lo, every)[0], value(hi, every)[0]))
        if at.size and not (every_row and at.size < target.size):
            y = bracketed_newton(target[at], lambda rates, rows: value(rates, at[rows]), lo[at], hi[at],
                                 np.full(at.size, SOLVE_START), tolerance)
            repriced = _repriced(value(y, at)[0], target[at])
            found[at[repriced]] = y[repriced]
    return found, at.size == target.size


def _yield_and_date(solved: PeriodSolved) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    return solved.yields, solved.candidates.date_array[solved.which]


@dataclass(frozen=True, eq=False)
class Solved:
    """Yields solved at one settlement date: the workouts, each cell's yield and the workout it assumes."""

    candidates: Candidates
    dirty: FloatArray  # each cell's dirty price per 100
    yields: FloatArray
    which: npt.NDArray[np.int64]  # index of each cell's workout among ``candidates``

    @property
    def dates(self) -> npt.NDArray[np.datetime64]:
        """Each cell's workout date."""
        return self.candidates.date_array[self.which]


#: Called with the yields solved for a measure built on them, before the measure: a caller that refuses
#: some yields (the Excel layer, implausible ones) raises there, and the yield is solved once.
YieldCheck = Callable[[FloatArray], object]


def solve_workout(settlement: dt.date, price: FloatArray, terms: Terms, workout: Workout | dt.date,
                  market: Market, check: YieldCheck | None = None) -> Solved:
    """The yield to ``workout`` (the worst: the root of the lowest workout price) of each price, given
    to ``check`` first."""
    c = candidates(settlement, terms, workout, market)
    target = dirty_price(price, c, market.quote)

    def value(y: FloatArray) -> tuple[FloatArray, FloatArray]:
        pv, d, _ = lowest_price(y, c)
        return pv, d

    y = solve(target, value)
    if check is not None:
        check(y)
    return Solved(c, target, y, lowest_price(y, c, slope=False)[2])


def yield_and_date(settlement: dt.date, price: FloatArray, terms: Terms, workout: Workout | dt.date,
                   market: Market) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    """Each price's yield to ``workout`` and the workout date it assumes."""
    found = solve_workout(settlement, price, terms, workout, market)
    return found.yields, found.dates


def yield_to_workout(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, terms: Terms,
                     workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None) -> FloatArray | float:
    """Yield compounded at the payment frequency from a price per 100 (clean or flat), to ``workout``:
    the worst (default), the maturity, the next call or a workout date. Arrays broadcast."""
    m = market or Market()
    return each_settlement(settlement, price, lambda d, p: yield_and_date(d, p, terms, workout, m),
                           in_periods(terms, workout, m, _yield_and_date))[0]


def worst_workout_date(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, terms: Terms,
                       workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None
                       ) -> npt.NDArray[np.datetime64] | dt.date:
    """The workout date the yield to ``workout`` assumes (for the worst, the one pricing lowest)."""
    m = market or Market()
    return each_settlement(settlement, price, lambda d, p: yield_and_date(d, p, terms, workout, m),
                           in_periods(terms, workout, m, _yield_and_date))[1]


def _price_and_date(settlement: dt.date, y: FloatArray, terms: Terms, workout: Workout | dt.date,
                    market: Market) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    c = candidates(settlement, terms, workout, market)
    if np.any(y <= RATE_BOUNDS[0]) or np.any(y >= RATE_BOUNDS[1]):
        raise TrupsInputError("must be between -99.99% and 99.99%", "yield_rate")
    pv, _, which = lowest_price(y, c, slope=False)
    clean = pv if market.quote is Quote.FLAT else pv - c.flows.accrued
    return clean, c.date_array[which]


def price_to_workout(settlement: npt.ArrayLike | dt.date, yield_rate: npt.ArrayLike, terms: Terms,
                     workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None) -> FloatArray | float:
    """Price per 100 (clean or flat) at a yield to ``workout``; for the worst, the lowest price over
    the workouts (the inverse of the yield to worst)."""
    m = market or Market()
    return each_settlement(settlement, yield_rate, lambda d, y: _price_and_date(d, y, terms, workout, m))[0]


def yields_to_each(settlement: dt.date, price: float, terms: Terms, market: Market | None = None
                   ) -> tuple[tuple[dt.date, ...], FloatArray]:
    """The yield to every workout date at one price (the table of a YAS screen), in date order: each workout
    solved as a row of its own (the same bounds, start, steps and repricing check as :func:`solve` gives it
    alone), all in one solve; NaN where no yield in -99.99%..99.99% gives the price to that date (a call a few
    days away at a deep discount) or none reprices it."""
    m = market or Market()
    c = candidates(settlement, terms, Workout.WORST, m)
    count = len(c.dates)
    target = np.full(count, dirty_price(np.array([float(price)]), c, m.quote)[0])

    def value(y: FloatArray, rows: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        """Row ``k``'s workout is workout ``k``: its price and slope at each row's rate."""
        pv, d, _ = lowest_price(y, c, pick=rows)
        return pv, d

    return c.dates, solve_each(target, value)
