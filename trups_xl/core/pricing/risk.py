"""Risk of a security at its price: Macaulay and modified duration, convexity, DV01, and effective
duration and convexity with the calls re-evaluated.

Each measure is taken at the yield to the workout asked for (the worst by default) over that
workout's cash flows (:mod:`~trups_xl.core.pricing.workout_yield`), the yield compounded ``F`` times a
year and every time ``t`` in periods, so with a dirty price ``P`` and ``v = 1 + y/F``:

* Macaulay duration, years: ``sum(t c df) / (F P)``; modified: Macaulay ``/ v`` (QuantLib's
  ``BondFunctions.duration``, Excel's ``DURATION``/``MDURATION`` for a fixed bond);
* convexity: ``sum(t (t + 1) c df) / (F**2 v**2 P)`` (QuantLib's ``BondFunctions.convexity``);
* DV01: modified duration x dirty price x 0.0001 per 100, times ``holding`` / 100 for a holding's face;
* effective duration and convexity: the lowest price over every workout (the calls re-evaluated) at
  the yield moved ``shift`` down and up, the index of floating coupons moved with it ("the index
  stays", then moved in parallel): ``(P- - P+) / (2 P h)`` and ``(P- + P+ - 2 P) / (P h**2)``. With
  index-linked periods the price is discounted period by period at the projected index plus the
  discount margin (:func:`~trups_xl.core.pricing.spreads.per_period_discount`, as the coupons accrue),
  the index and the discounting moved together, and the current coupon held once its fixing date is on
  or before settlement: a floater's effective duration is about its time to the next reset;
* spread duration: the same with the coupons held (only the discount margin moves): for a fixed
  coupon it equals the effective duration, for a floater it is the duration its spread carries.

Spread and modified duration differ for a callable floater near par under "worst", and not by a bug:
modified duration is that of the one workout the yield assumes (at par every par call ties, and the
first is taken), while spread duration re-evaluates the calls at the spread moved down and up, and
when the move carries the price across the call price the two sides work to different dates (down:
the call, a short duration; up: the maturity, a long one), so it is about their mean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.interest import periodic_discount
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.spreads import Pair, per_period_discount, row_chunks, row_sums
from trups_xl.core.pricing.workout import WORKOUT_DEFAULT, Flows, Workout
from trups_xl.core.pricing.workout_yield import (
    Candidates,
    Market,
    PeriodSolved,
    YieldCheck,
    alike,
    candidates,
    each_settlement,
    in_periods,
    lowest_price,
    solve,
    solve_rows,
    solve_workout,
)
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.securities.terms import Terms

FloatArray = npt.NDArray[np.float64]


class Measure(StrEnum):
    """A risk measure (see the module docstring)."""

    MODIFIED = "modified"
    MACAULAY = "macaulay"
    CONVEXITY = "convexity"
    DV01 = "dv01"
    EFFECTIVE_DURATION = "effective_duration"
    EFFECTIVE_CONVEXITY = "effective_convexity"
    SPREAD_DURATION = "spread_duration"


MEASURE_DEFAULT = Measure.MODIFIED
#: The parallel move of effective measures, as a decimal (10 basis points).
SHIFT_DEFAULT = 0.001


def _moved(market: Market, shift: float) -> Market:
    index = market.index
    if isinstance(index, float | int):
        return dataclasses.replace(market, index=float(index) + shift)
    if isinstance(index, ForwardCurve):
        return dataclasses.replace(market, index=ForwardCurve(index.dates, tuple(r + shift for r in index.rates),
                                                              index.interpolation))
    return market


def _projected_index(market: Market, flows: Flows, span: int) -> FloatArray | None:
    """The index each period is projected at (flat, or the curve at the period's first day)."""
    index = market.index
    if isinstance(index, float | int):
        return np.full(span, float(index))
    if isinstance(index, ForwardCurve):
        return np.asarray(index.rate_at(flows.starts[:span]), dtype=np.float64)
    return None


def _holding_current(moved: Candidates, held: Candidates) -> Candidates:
    """``moved`` with the current period's coupon of ``held`` once its rate is set at settlement."""
    if not held.flows.current_determined:
        return moved
    amounts = moved.flows.amounts.copy()
    amounts[0] = held.flows.amounts[0]
    return Candidates(dataclasses.replace(moved.flows, amounts=amounts), moved.last, moved.redemption, moved.dates,
                      moved.days)


def _by_workout(matrix: FloatArray, c: Candidates) -> FloatArray:
    """Each row of ``matrix`` (rows x flows) summed with each workout's weights (rows x workouts): the
    flows' amounts up to the workout's date and its redemption on it. A running sum along each row, so
    a row's numbers do not hang on the rows computed with it (as a BLAS product's would)."""
    upto = np.cumsum(matrix * c.flows.amounts[None, :c.span], axis=1)
    return np.asarray(upto[:, c.last] + matrix[:, c.last] * c.redemption[None, :], dtype=np.float64)


def _lowest(base: FloatArray, margin: FloatArray, c: Candidates, first: FloatArray | None = None) -> Pair:
    """The lowest workout price discounted period by period at ``base`` plus each ``margin`` and its
    slope in a parallel move, a chunk of rows at a time (a long column: bounded memory); ``first``: each
    row's part of the current period (the dates of one period), else the flows'."""
    pv, d = np.empty(margin.size), np.empty(margin.size)
    for rows in row_chunks(margin.size, c.span):
        df, slope = per_period_discount(base[None, :] + margin[rows, None], c.flows, c.span,
                                        None if first is None else first[rows])
        prices = _by_workout(df, c)
        k, at = np.argmin(prices, axis=1), np.arange(df.shape[0])
        pv[rows], d[rows] = prices[at, k], -_by_workout(df * slope, c)[at, k]
    return pv, d


def _floating_effective(settlement: dt.date, dirty: FloatArray, measure: Measure, terms: Terms,
                        workout: Workout | dt.date, market: Market, shift: float, c: Candidates,
                        base: FloatArray) -> FloatArray:
    """Effective measures of a security with index-linked periods: discounted period by period at
    the projected index plus its discount margin (the spread pricing the worst workout), the index and
    the discounting moved together; the current coupon is held once its fixing date has passed."""
    dm = solve(dirty, lambda s: _lowest(base, s, c))
    moves = measure is not Measure.SPREAD_DURATION
    down = _holding_current(candidates(settlement, terms, workout, _moved(market, -shift)), c) if moves else c
    up = _holding_current(candidates(settlement, terms, workout, _moved(market, shift)), c) if moves else c
    return _effective(measure, _lowest(base, dm - shift, down)[0], _lowest(base, dm + shift, up)[0], dirty, shift)


def _effective(measure: Measure, p_down: FloatArray, p_up: FloatArray, dirty: FloatArray, shift: float) -> FloatArray:
    """Effective convexity, or effective or spread duration, from the dirty price and the prices with the yield
    (or the discount margin) moved ``shift`` down and up."""
    if measure is Measure.EFFECTIVE_CONVEXITY:
        return np.asarray((p_down + p_up - 2 * dirty) / (dirty * shift ** 2), dtype=np.float64)
    return np.asarray((p_down - p_up) / (2 * dirty * shift), dtype=np.float64)


def _risk_one(settlement: dt.date, price: FloatArray, measure: Measure, terms: Terms, workout: Workout | dt.date,
              market: Market, shift: float, holding: float, check: YieldCheck | None,
              ) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    found = solve_workout(settlement, price, terms, workout, market, check)
    c, dirty, y, which, dates = found.candidates, found.dirty, found.yields, found.which, found.dates
    if measure in _EFFECTIVE:
        effective_workout: Workout | dt.date = workout
        every = candidates(settlement, terms, effective_workout, market)
        base = _projected_index(market, every.flows, every.span)
        if base is not None and every.flows.index_linked[:every.span].any():
            return _floating_effective(settlement, dirty, measure, terms, workout, market, shift, every, base), dates
        moves = measure is not Measure.SPREAD_DURATION
        down = candidates(settlement, terms, workout, _moved(market, -shift)) if moves else c
        up = candidates(settlement, terms, workout, _moved(market, shift)) if moves else c
        p_down = lowest_price(y - shift, down, slope=False)[0]
        p_up = lowest_price(y + shift, up, slope=False)[0]
        return _effective(measure, p_down, p_up, dirty, shift), dates
    measures = np.empty(y.size)
    for rows in row_chunks(y.size, c.span):  # a long column: a chunk of rows at a time (bounded memory)
        measures[rows] = _yield_measure(measure, y[rows], which[rows], c, holding)
    return measures, dates


#: The measures with the calls re-evaluated at a moved yield (or discount margin).
_EFFECTIVE = frozenset({Measure.EFFECTIVE_DURATION, Measure.EFFECTIVE_CONVEXITY, Measure.SPREAD_DURATION})


def _effective_in_period(solved: PeriodSolved, measure: Measure, terms: Terms, workout: Workout | dt.date,
                         market: Market, shift: float) -> tuple[FloatArray, npt.NDArray[np.datetime64]] | None:
    """The effective measures at the dates of one coupon period solved as one: each row priced at its own date's
    times (with index-linked periods: its discount margin solved at its date's part of the current period), on
    the moved markets' candidates of its own date, so each is what its date alone gives (:func:`_risk_one`). None
    to give the period back to its dates: their moved flows, or the index they project, differ."""
    c, dirty, y = solved.candidates, solved.dirty, solved.yields
    moves = measure is not Measure.SPREAD_DURATION
    bases = [_projected_index(market, each.flows, each.span) for each in solved.each]
    base = bases[0] if bases[0] is not None and c.flows.index_linked[:c.span].any() else None  # None: fixed
    if base is not None and any(b is None or not np.array_equal(b, base) for b in bases):
        return None
    sides: list[tuple[Candidates, FloatArray]] = []
    try:
        for move in (-shift, shift):
            each = [candidates(day, terms, workout, _moved(market, move)) for day in solved.dates] if moves else \
                list(solved.each)
            if moves and base is not None:
                each = [_holding_current(moved, held) for moved, held in zip(each, solved.each, strict=True)]
            if not alike(each):
                return None
            sides.append((each[0], np.stack([e.flows.periods[:each[0].span] for e in each])))
    except TrupsInputError:
        return None
    (down, down_times), (up, up_times) = sides
    if base is not None:
        first = solved.times[solved.day_of, 0]
        dm = solve_rows(dirty, lambda s, at: _lowest(base, s, c, first[at]))
        if dm is None:
            return None
        p_down = _lowest(base, dm - shift, down, down_times[solved.day_of, 0])[0]
        p_up = _lowest(base, dm + shift, up, up_times[solved.day_of, 0])[0]
    else:
        p_down = lowest_price(y - shift, down, slope=False, times=down_times, day_of=solved.day_of)[0]
        p_up = lowest_price(y + shift, up, slope=False, times=up_times, day_of=solved.day_of)[0]
    return _effective(measure, p_down, p_up, dirty, shift), c.date_array[solved.which]


def _yield_measure(measure: Measure, y: FloatArray, which: npt.NDArray[np.int64], c: Candidates,
                   holding: float, times: FloatArray | None = None) -> FloatArray:
    """Macaulay or modified duration, DV01 or convexity at each yield over its workout's flows (``times``: each
    row's times of the flows, the dates of a period solved as one; else the flows' own)."""
    f, freq = c.flows, c.flows.frequency
    t = f.periods[None, :c.span] if times is None else times
    df = periodic_discount(y[:, None], t, freq)
    paid = c.weights[:, which].T  # rows: cells, columns: flows
    pv = row_sums(paid * df)
    v = 1.0 + y / freq
    macaulay = row_sums(paid * t * df) / (freq * pv)
    if measure is Measure.MACAULAY:
        return macaulay
    if measure is Measure.MODIFIED:
        return macaulay / v
    if measure is Measure.DV01:
        return macaulay / v * pv * 1e-4 * holding / 100.0
    return row_sums(paid * t * (t + 1.0) * df) / (freq ** 2 * v ** 2 * pv)


def risk(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, measure: Measure, terms: Terms,
         workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None, shift: float = SHIFT_DEFAULT,
         holding: float = 100.0, check: YieldCheck | None = None) -> FloatArray | float:
    """``measure`` at a price per 100 (clean or flat) and its yield to ``workout``, the yields given to
    ``check`` first (:data:`.workout_yield.YieldCheck`); arrays broadcast."""
    m = market or Market()

    def finish(solved: PeriodSolved) -> tuple[FloatArray, npt.NDArray[np.datetime64]] | None:
        """The measure at the dates of one period solved as one: each row at its own date's times."""
        if measure in _EFFECTIVE:
            return _effective_in_period(solved, measure, terms, workout, m, shift)
        measures, c = np.empty(solved.yields.size), solved.candidates
        for rows in row_chunks(solved.yields.size, c.span):
            measures[rows] = _yield_measure(measure, solved.yields[rows], solved.which[rows], c, holding,
                                            solved.times[solved.day_of[rows]])
        return measures, c.date_array[solved.which]

    together = in_periods(terms, workout, m, finish, check)
    return each_settlement(settlement, price,
                            lambda d, p: _risk_one(d, p, measure, terms, workout, m, shift, holding, check),
                            together)[0]
