"""Benchmark: make-whole prices over a grid of 1,000,000 (redemption date, Treasury rate) pairs.

Baseline, measured in the same run: a QuantLib cash-flow-by-cash-flow loop (InterestRate
discount factors, 30/360 Bond Basis, semi-annual compounding) over a random sample of the
grid; its time is scaled to the full grid. Prints the speed ratio and the largest price
difference per 1,000 on the sample. Run: python bench/make_whole_grid.py [sample_size]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core

from trups_xl.core.pricing.redemption import make_whole_price
from trups_xl.core.securities.loading import TERMS

N_DATES, N_RATES = 1000, 1000


def quantlib_price(ql, r_date: dt.date, rate: float) -> float:
    dc = ql.Thirty360(ql.Thirty360.BondBasis)
    ir = ql.InterestRate(rate + 0.005, dc, ql.Compounded, ql.Semiannual)
    qd = ql.Date(r_date.day, r_date.month, r_date.year)
    pays = [dt.date(y, m, 21) for y in range(2008, 2038) for m in (6, 12)]
    upcoming = [d for d in pays if d > r_date]
    prev = max([dt.date(2007, 12, 21)] + [d for d in pays if d <= r_date])
    accrued = 83.0 * dc.yearFraction(ql.Date(prev.day, prev.month, prev.year), qd)
    pv = 0.0
    for i, pay in enumerate(upcoming):
        amount = 41.5 - accrued if i == 0 else 41.5
        pv += amount * ir.discountFactor(qd, ql.Date(pay.day, pay.month, pay.year))
    pv += 1000.0 * ir.discountFactor(qd, ql.Date(21, 12, 2037))
    return max(1000.0, pv) + accrued


def main() -> None:
    import QuantLib as ql

    sample = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    dates = np.datetime64("2008-01-02") + np.sort(
        np.random.default_rng(1).choice(10_900, N_DATES, replace=False)).astype("timedelta64[D]")
    rates = np.linspace(0.0, 0.10, N_RATES)
    make_whole_price(dates[:10, None], rates[None, :10], terms=TERMS)  # warm caches (schedule, calendars)

    vector_seconds = float("inf")
    for _ in range(5):  # the minimum of several runs: one run swings with the machine's load
        t0 = time.perf_counter()
        grid = make_whole_price(dates[:, None], rates[None, :], terms=TERMS)
        vector_seconds = min(vector_seconds, time.perf_counter() - t0)

    rng = np.random.default_rng(2)
    rows, cols = rng.integers(0, N_DATES, sample), rng.integers(0, N_RATES, sample)
    t0 = time.perf_counter()
    ref = np.array([quantlib_price(ql, dates[i].astype(object), float(rates[j]))
                    for i, j in zip(rows, cols, strict=True)])
    ql_seconds = (time.perf_counter() - t0) * (grid.size / sample)
    diff = np.abs(grid[rows, cols] - ref).max()

    print(f"grid: {grid.size:,} prices (dates x rates {N_DATES} x {N_RATES})")
    print(f"vectorised core:        {vector_seconds:8.3f} s")
    print(f"QuantLib loop (scaled): {ql_seconds:8.1f} s  (sample of {sample:,}, x{grid.size / sample:.0f})")
    print(f"speed ratio:            {ql_seconds / vector_seconds:8.0f} x  (target >= 50 x)")
    print(f"largest difference:     {diff:.2e} per 1,000 on the sample  (target < 1e-9)")
    print(f"1,000,000 in under a second: {'yes' if vector_seconds < 1 else 'NO'}")


if __name__ == "__main__":
    main()
