"""Benchmark: yield to worst of 100,000 prices in a column, through the Excel function, against a
numpy floor of the same solver measured in the same run.

The cells: ``TRUPS_YIELD(settlement, prices, , , 0.03)`` on Citigroup Capital XXI settled
2012-06-08 (its 321 workouts: the par call, 80 quarterly and 240 monthly par-call dates to the final
maturity), the prices a column of 100,000 rows as Excel sends a range (a list of one-cell rows), the
answer shaped back into rows. The floor: the same bracketed Newton on the lowest workout price,
written as bare numpy over the cash flows and the workouts' weights prepared beforehand (no cell
conversion, no checks, no result shaping), each row started from a grid of rates worked out once for
the column: fewer steps than ours, which starts every row at 5% so that a cell's yield is the same
number in a column as alone (a start from a column's grid hung on the column's length). Prints both times (the minimum of
``runs``), their ratio and the largest difference of the yields.

Then a ledger's column: ``TRUPS_YIELD`` of a price on each of 2,000 consecutive days (the dates of a coupon
period solved as one), against the same cells asked one date at a time of the same core in the same run
(what a column of distinct dates cost before): both times, their ratio, and whether every cell is the same
number. Run: python bench/yields.py [rows] [runs]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core

from trups_xl import udfs
from trups_xl.core.pricing.workout_yield import Market, Workout, candidates, yield_to_workout
from trups_xl.core.securities.loading import shipped

SETTLEMENT = dt.date(2012, 6, 8)
INDEX = 0.03


def floor(prices: np.ndarray, periods: np.ndarray, weights: np.ndarray, frequency: float, accrued: float
          ) -> np.ndarray:
    """The solver in bare numpy: the lowest workout price ``min(df @ weights)`` equal to the dirty price."""
    target = prices + accrued
    timed = weights * periods[:, None]
    grid = np.linspace(-0.5, 0.99, 1025)
    on_grid = ((1 + grid[:, None] / frequency) ** -periods[None, :] @ weights).min(axis=1)[::-1]
    rates = grid[::-1]
    k = np.clip(np.searchsorted(on_grid, target), 1, grid.size - 1)
    lo, hi, y = rates[k], rates[k - 1], np.interp(target, on_grid, rates)
    out, where = np.empty(target.size), np.arange(target.size)
    for _ in range(200):
        if not where.size:
            break
        df = (1 + y[:, None] / frequency) ** -periods[None, :]
        p = df @ weights
        j = np.argmin(p, axis=1)
        pv = p[np.arange(j.size), j]
        slope = -np.einsum("ij,ji->i", df, timed[:, j]) / (frequency + y)
        above = pv > target[where]
        lo, hi = np.where(above, y, lo), np.where(above, hi, y)
        newton = y - (pv - target[where]) / slope
        step = np.where((newton >= lo) & (newton <= hi), newton, (lo + hi) / 2)
        done = np.abs(step - y) < 1e-13
        out[where[done]] = step[done]
        where, y, lo, hi = where[~done], step[~done], lo[~done], hi[~done]
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    xxi = shipped()["citigroup_capital_xxi"]
    prices = np.round(np.random.default_rng(33).uniform(80.0, 125.0, rows), 3)
    column = [[float(p)] for p in prices]
    udfs.TRUPS_YIELD(SETTLEMENT, column[:20], None, None, INDEX)  # warm caches (schedule, calendars, flows)

    cells_seconds = floor_seconds = float("inf")
    for _ in range(runs):  # the minimum of several runs: one run swings with the machine's load
        t0 = time.perf_counter()
        answer = udfs.TRUPS_YIELD(SETTLEMENT, column, None, None, INDEX)
        cells_seconds = min(cells_seconds, time.perf_counter() - t0)
        c = candidates(SETTLEMENT, xxi, Workout.WORST, Market(index=INDEX))
        t0 = time.perf_counter()
        bare = floor(prices, c.flows.periods[:c.span], c.weights, c.flows.frequency, c.flows.accrued)
        floor_seconds = min(floor_seconds, time.perf_counter() - t0)
    cells = np.array([row[0] for row in answer], dtype=np.float64)
    print(f"yield to worst, {rows:,} cells of a column, Citigroup Capital XXI ({len(c.dates)} workouts)")
    print(f"  TRUPS_YIELD (cells in, rows out): {cells_seconds:8.3f} s")
    print(f"  numpy floor of the same solver:   {floor_seconds:8.3f} s")
    print(f"  ratio: {cells_seconds / floor_seconds:.2f}x (target <= 2x); largest yield difference "
          f"{np.abs(cells - bare).max():.1e}")
    daily(xxi, runs)


def daily(xxi: object, runs: int, days: int = 2_000) -> None:
    """A price on each of ``days`` consecutive days: the column against the dates one at a time."""
    dates = [dt.date(2012, 6, 8) + dt.timedelta(days=k) for k in range(days)]
    prices = np.round(np.random.default_rng(34).uniform(80.0, 125.0, days), 3)
    column_seconds = alone_seconds = float("inf")
    market = Market(index=INDEX)
    for _ in range(runs):
        t0 = time.perf_counter()
        answer = udfs.TRUPS_YIELD([[d] for d in dates], [[float(p)] for p in prices], None, None, INDEX)
        column_seconds = min(column_seconds, time.perf_counter() - t0)
        t0 = time.perf_counter()
        alone = [yield_to_workout(np.array([d], dtype="datetime64[D]"), np.array([p]), xxi, market=market)[0]
                 for d, p in zip(dates, prices, strict=True)]
        alone_seconds = min(alone_seconds, time.perf_counter() - t0)
    same = all(row[0] == one for row, one in zip(answer, alone, strict=True))
    print(f"yield to worst, a price on each of {days:,} consecutive days (a ledger's column)")
    print(f"  TRUPS_YIELD of the column:        {column_seconds:8.3f} s")
    print(f"  the same cells a date at a time:  {alone_seconds:8.3f} s")
    print(f"  ratio: {column_seconds / alone_seconds:.2f}x; every cell the same number: {same}")


if __name__ == "__main__":
    main()
