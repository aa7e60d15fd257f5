"""Spreads of a security's yield and price over the analyst's curves: G-spread, I-spread, Z-spread
and the discount margin.

A curve is two columns typed by the analyst (:class:`TenorCurve`): a tenor in years (or a date,
turned into years from the settlement date under Actual/365 Fixed) and a rate, at least two points
with strictly increasing tenors, read linearly between them and flat beyond.

* **G-spread** (Treasury curve) and **I-spread** (swap curve): the yield to the workout less the
  curve's rate at the workout's tenor (Actual/365 Fixed years from settlement to the workout date).
* **Z-spread**: the constant ``s`` added to the curve's zero rates (continuously compounded, as
  QuantLib's ``ZeroCurve`` by default) that prices the workout's cash flows, ``sum c exp(-(z(t) + s)
  t)`` at the dirty price, ``t`` each flow's time in years (its periods over the frequency).
* **Discount margin** of a floating or reset period (the market's, as Bloomberg's and QuantLib's):
  with the index flat (``index``, "the index stays", projected as the coupons are), the spread ``dm``
  such that discounting each flow period by period with ``1 / (1 + (index + dm) tau)``, ``tau`` that
  period's year fraction under its own day count (Actual/360 for a LIBOR or SOFR period), gives the
  dirty price; the part of the current period left after settlement is that period's factor raised
  to the fraction of the period left. A floater at par on a reset date has a margin equal to its
  quoted margin at any index level where index + margin is paid (not below its floor, zero without one).
  It is not the yield less the index: the yield compounds at the payment frequency, while Actual/360
  coupons pay for the period's actual days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.arrays import distinct
from trups_xl.core.conventions.daycount import ACT_365F, year_fraction
from trups_xl.core.conventions.interest import Compounding, compound_factor, discount_factor
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.workout import WORKOUT_DEFAULT, Flows, Workout
from trups_xl.core.pricing.workout_yield import (
    Market,
    PeriodSolved,
    YieldCheck,
    each_settlement,
    in_periods,
    solve,
    solve_rows,
    solve_workout,
)
from trups_xl.core.securities.terms import Terms

FloatArray = npt.NDArray[np.float64]
Pair = tuple[FloatArray, FloatArray]

#: Cells (rows x periods) of each matrix built at once for the discount margin, the Z-spread and the
#: risk measures (rates, discount factors, slopes: a few at a time). A column of prices is evaluated
#: this many cells at a time (:func:`row_chunks`), so each matrix stays at 2 MB (2**18 doubles) and the
#: peak memory does not grow with the rows' number: built whole, the discount margin of 100,000 prices
#: took 1.3 GB and of a million 12 GB. Each row is summed along itself (:func:`row_sums`), so the chunks
#: change no number. Smaller chunks than this cost time in calls, larger ones in memory and cache misses.
CHUNK_CELLS = 1 << 18


class SpreadKind(StrEnum):
    """Which spread: over a Treasury curve (G), a swap curve (I) or a zero curve (Z)."""

    G = "g"
    I = "i"  # noqa: E741 (the market's name)
    Z = "z"


@dataclass(frozen=True)
class TenorCurve:
    """Rates by tenor in years (or by date: years from the settlement date), read linearly."""

    tenors: tuple[float | dt.date, ...]
    rates: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.tenors) < 2 or len(self.tenors) != len(self.rates):
            raise TrupsInputError("a curve needs at least two rows of (tenor in years or date, rate)", "benchmark")
        kinds = {isinstance(t, dt.date) for t in self.tenors}
        if len(kinds) > 1:
            raise TrupsInputError("a curve's tenors are all years or all dates, not both", "benchmark")
        if any(b <= a for a, b in zip(self.tenors, self.tenors[1:], strict=False)):  # type: ignore[operator]
            raise TrupsInputError("a curve's tenors must be strictly increasing (sort it by tenor)", "benchmark")

    def years(self, settlement: dt.date) -> FloatArray:
        """Each tenor in years from ``settlement``."""
        if isinstance(self.tenors[0], dt.date):
            days = np.array(self.tenors, dtype="datetime64[D]")
            return np.asarray(year_fraction(np.datetime64(settlement, "D"), days, ACT_365F), dtype=np.float64)
        return np.array(self.tenors, dtype=np.float64)

    def rate_at(self, settlement: dt.date, years: npt.ArrayLike) -> FloatArray:
        """The rate at ``years`` from ``settlement``: linear between tenors, flat beyond."""
        return np.asarray(np.interp(np.asarray(years, dtype=np.float64), self.years(settlement),
                                    np.array(self.rates, dtype=np.float64)), dtype=np.float64)


def row_chunks(count: int, span: int) -> Iterator[slice]:
    """The rows ``0..count`` of a matrix ``span`` columns wide, in slices of at most :data:`CHUNK_CELLS`
    cells (one row at least)."""
    rows = max(1, CHUNK_CELLS // max(1, span))
    return (slice(a, a + rows) for a in range(0, count, rows))


def row_sums(matrix: FloatArray) -> FloatArray:
    """Each row's sum, by numpy's pairwise sum along the row: the same bits whichever rows come with it.
    A BLAS product (``matrix @ vector``) blocks the rows, so a row's last bits would hang on how many
    rows it is computed with, and a column cut in chunks would not give the numbers of the whole."""
    return np.asarray(np.ascontiguousarray(matrix).sum(axis=1), dtype=np.float64)


def chunked(value: Callable[[FloatArray], Pair], span: int) -> Callable[[FloatArray], Pair]:
    """``value`` (a pair of numbers per rate, built from a rates x ``span`` matrix) evaluated on
    :func:`row_chunks` of the rates, one after the other: the same numbers in bounded memory."""

    def by_chunks(rates: FloatArray) -> Pair:
        first, second = np.empty(rates.size), np.empty(rates.size)
        for rows in row_chunks(rates.size, span):
            first[rows], second[rows] = value(rates[rows])
        return first, second

    return by_chunks


def _spread_one(settlement: dt.date, price: FloatArray, kind: SpreadKind, curve: TenorCurve, terms: Terms,
                workout: Workout | dt.date, market: Market, check: YieldCheck | None,
                ) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    found = solve_workout(settlement, price, terms, workout, market, check)
    y, dates, c, which = found.yields, found.dates, found.candidates, found.which
    if kind is not SpreadKind.Z:
        years = year_fraction(np.datetime64(settlement, "D"), dates, ACT_365F)
        return y - curve.rate_at(settlement, years), dates
    t = c.flows.periods[:c.span] / c.flows.frequency
    zero = curve.rate_at(settlement, t)
    dirty = found.dirty
    spreads_z = np.empty(price.size)
    for k in distinct(which):  # the rows working to one workout share its flows
        rows = which == k
        paid = c.weights[:, k]

        def value(s: FloatArray, paid: FloatArray = paid) -> Pair:
            df = discount_factor(zero[None, :] + s[:, None], t[None, :], Compounding.CONTINUOUS)
            return row_sums(df * paid), -row_sums(df * t * paid)

        spreads_z[rows] = solve(dirty[rows], chunked(value, c.span))  # a long column: a chunk of rows at a time
    return spreads_z, dates


def spread(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, kind: SpreadKind, curve: TenorCurve,
           terms: Terms, workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None,
           check: YieldCheck | None = None) -> FloatArray | float:
    """The G-, I- or Z-spread (decimal) of a price per 100 over ``curve``, to ``workout`` (the workout
    the yield assumes: for the worst, the one pricing lowest), the yields given to ``check`` first."""
    m = market or Market()
    return each_settlement(settlement, price,
                           lambda d, p: _spread_one(d, p, kind, curve, terms, workout, m, check))[0]


def per_period_discount(rate: FloatArray, flows: Flows, span: int, first: FloatArray | None = None) -> Pair:
    """Discount factors of the first ``span`` flows (rows: one per row of ``rate``, the rate each
    period is discounted at) period by period, ``1 / (1 + rate tau)`` with ``tau`` the period's year
    fraction under its own day count, the current period's factor raised to the fraction of it left
    after settlement (``first``: each row's, for the dates of one period; else the flows'); and each
    factor's log-derivative in a parallel move of the rates. A few matrices the size of ``rate``: give it
    :func:`row_chunks` of a long column."""
    tau = flows.year_fractions[:span]
    count = np.concatenate(([flows.periods[0]], np.ones(span - 1)))[None, :]  # the part of each period discounted
    if first is not None:
        count = np.repeat(count, first.size, axis=0)
        count[:, 0] = first
    growth = compound_factor(rate, tau[None, :], Compounding.SIMPLE)
    df = np.exp(-np.cumsum(count * np.log(growth), axis=1))
    return np.asarray(df, dtype=np.float64), np.asarray(np.cumsum(count * tau[None, :] / growth, axis=1),
                                                        dtype=np.float64)


def _margins_in_period(solved: PeriodSolved, index: float) -> tuple[FloatArray, npt.NDArray[np.datetime64]] | None:
    """The discount margins at the dates of one coupon period solved as one (their yields' workouts): each row
    discounted at its own date's part of the current period, so each is what its date alone gives; None to give
    the period back (no index-linked period: the dates alone word the refusal)."""
    c = solved.candidates
    if not c.flows.index_linked[:c.span].any():
        return None
    first = solved.times[solved.day_of, 0]

    def value(s: FloatArray, at: npt.NDArray[np.intp]) -> Pair:
        pv, slope = np.empty(at.size), np.empty(at.size)
        for rows in row_chunks(at.size, c.span):
            df, moved = per_period_discount(np.full(c.span, index)[None, :] + s[rows, None], c.flows, c.span,
                                            first[at[rows]])
            paid = c.weights[:, solved.which[at[rows]]].T
            pv[rows], slope[rows] = row_sums(df * paid), -row_sums(df * moved * paid)
        return pv, slope

    margins = solve_rows(solved.dirty, value)
    return None if margins is None else (margins, c.date_array[solved.which])


def _margin_one(settlement: dt.date, price: FloatArray, index: float, terms: Terms, workout: Workout | dt.date,
                market: Market, check: YieldCheck | None) -> tuple[FloatArray, npt.NDArray[np.datetime64]]:
    found = solve_workout(settlement, price, terms, workout, market, check)  # the workout: the yield's (the worst's)
    c, dirty, which = found.candidates, found.dirty, found.which
    f = c.flows
    if not f.index_linked[:c.span].any():
        raise TrupsInputError("has no index-linked (floating or reset) period up to the workout, so no discount "
                              "margin: use TRUPS_YIELD or TRUPS_SPREAD", "security")
    base = np.full(c.span, index)
    margins = np.empty(price.size)
    for k in distinct(which):  # the rows working to one workout share its flows
        rows = which == k
        paid = c.weights[:, k]

        def value(s: FloatArray, paid: FloatArray = paid) -> Pair:
            df, slope = per_period_discount(base[None, :] + s[:, None], f, c.span)
            return row_sums(df * paid), -row_sums(df * slope * paid)

        margins[rows] = solve(dirty[rows], chunked(value, c.span))  # a long column: a chunk of rows at a time
    return margins, found.dates


def discount_margin(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, index: float, terms: Terms,
                    workout: Workout | dt.date = WORKOUT_DEFAULT, market: Market | None = None,
                    check: YieldCheck | None = None) -> FloatArray | float:
    """The discount margin (decimal) over a flat ``index`` that prices the security to ``workout``
    (for the worst, the workout its yield assumes, solved with the index projected and given to
    ``check`` first), its floating coupons projected at that index; per-period discounting under each
    period's day count, see the module docstring."""
    m = dataclasses.replace(market or Market(), index=float(index))
    together = in_periods(terms, workout, m, lambda solved: _margins_in_period(solved, float(index)), check)
    return each_settlement(settlement, price,
                           lambda d, p: _margin_one(d, p, float(index), terms, workout, m, check), together)[0]

