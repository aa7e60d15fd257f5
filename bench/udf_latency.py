"""Benchmark: what a worksheet cell costs — every TRUPS_* function called once with its example,
beside a trivial decorated function measured in the same run — and the array cases.

Per function: the median of 300 calls, the minimum of 5 such medians (microseconds), the five
rounds going through every function in turn. Array cases:
each the minimum of 3 runs, beside its baseline measured in the same run:
* TRUPS_ACCRUAL on 100,000 date pairs (serials, as Excel sends them) vs the core on datetime64 arrays;
* TRUPS_TREASURY_PRICE / _YIELD on 1,000 settlement dates x 1,000 yields / prices;
* TRUPS_MAKE_WHOLE on 1,000 dates x 1,000 rates vs a grid-aware numpy floor written here (the
  closed form with the date work done per date and the rates broadcast).
* the first call in a fresh Python: importing the add-in, then the first TRUPS_ACCRUAL (which
  builds the schedule and calendars), beside building the holiday tables with the ``holidays``
  package in a fresh Python (what the first call did before the tables shipped as data).
Run: python bench/udf_latency.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import xlwings as xw

from trups_xl.core.pricing import accrual
from trups_xl.excel import udfs
from trups_xl.excel.function import INFO, REGISTRY


@xw.func
def trivial(x: Any) -> Any:
    return x


def median_us(fn: Callable[..., Any], args: tuple[Any, ...], calls: int = 300) -> float:
    """The median of ``calls`` timed calls, in microseconds."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def per_call_us(cases: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]], repeats: int = 5) -> dict[str, float]:
    """Per case, the minimum over ``repeats`` rounds of its median; the rounds go through every case
    in turn, so a machine that speeds up or slows down during the run affects all of them alike."""
    for fn, args in cases.values():
        for _ in range(20):
            fn(*args)
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(repeats):
        for name, (fn, args) in cases.items():
            best[name] = min(best[name], median_us(fn, args))
    return best


def best_of(fn: Callable[[], Any], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def grid_floor(dates: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Make-whole on a dates x rates grid, the date work once per date (XXI: 41.50 coupons to 2037-12-21)."""
    pays = np.array([f"{y}-{m:02d}-21" for y in range(2008, 2038) for m in (6, 12)], dtype="datetime64[D]")
    k = np.searchsorted(pays, dates, side="right")
    nxt = pays[k]

    def d360(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ya, ma, da = a.astype("datetime64[Y]").astype(int), a.astype("datetime64[M]").astype(int) % 12, \
            (a - a.astype("datetime64[M]")).astype(int) + 1
        yb, mb, db = b.astype("datetime64[Y]").astype(int), b.astype("datetime64[M]").astype(int) % 12, \
            (b - b.astype("datetime64[M]")).astype(int) + 1
        da = np.where(da == 31, 30, da)
        db = np.where((db == 31) & (da >= 30), 30, db)
        return 360 * (yb - ya) + 30 * (mb - ma) + (db - da)

    prev = np.where(k > 0, pays[np.maximum(k - 1, 0)], np.datetime64("2007-12-21"))
    accrued = 1000 * d360(prev, dates) * 0.083 / 360
    w = (d360(dates, nxt) / 180.0)[:, None]
    n = (pays.size - k)[:, None].astype(float)
    v = 1 / (1 + (rates[None, :] + 0.005) / 2)
    annuity = v * (1 - v ** (n - 1)) / (1 - v)
    pv = v ** w * ((41.5 - accrued[:, None]) + 41.5 * annuity + 1000 * v ** (n - 1))
    return np.maximum(1000.0, pv) + accrued[:, None]


_FIRST_CALL = """
import time
t0 = time.perf_counter()
import xlwings
t1 = time.perf_counter()
import trups_xl.udfs as u
t2 = time.perf_counter()
u.TRUPS_ACCRUAL("2008-12-21", "2009-01-31")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""
_LIBRARY_TABLES = """
import time
t0 = time.perf_counter()
from trups_xl.core.scheduling.calendars import library_holidays
library_holidays()
print(time.perf_counter() - t0)
"""


def fresh_python(code: str) -> list[float]:
    """What ``code`` prints (seconds), run in a new Python process."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [float(v) for v in out.split()]


def main() -> None:
    cases = {"trivial @xw.func": (trivial, (1.0,))} | {name: (fn, INFO[name].example) for name, fn in REGISTRY.items()}
    result = per_call_us(cases)
    base = result.pop("trivial @xw.func")
    print(f"{'function':<30} {'median us':>10} {'x trivial':>10}")
    print(f"{'trivial @xw.func':<30} {base:>10.2f} {1:>10}")
    for name, us in result.items():
        print(f"{name:<30} {us:>10.1f} {us / base:>10.0f}")

    print("\narray cases (seconds, minimum of 3)")
    serials = [[40000.0 + i % 9000] for i in range(100_000)]
    ends = [[s[0] + 37] for s in serials]
    a = np.datetime64("1899-12-30") + np.array(serials, dtype=np.int64).astype("timedelta64[D]")
    b = a + 37
    udf = best_of(lambda: udfs.TRUPS_ACCRUAL(serials, ends))
    core = best_of(lambda: accrual.accrual(a, b))
    print(f"TRUPS_ACCRUAL 100,000 pairs      {udf:8.3f}   core {core:8.3f}   ratio {udf / core:5.1f}x")
    settle = [[47000.0 + i] for i in range(1000)]
    yields = [[0.01 + i / 50_000 for i in range(1000)]]
    prices = [[90 + i / 50 for i in range(1000)]]
    price = best_of(lambda: udfs.TRUPS_TREASURY_PRICE(settle, "2037-11-15", 0.04375, yields))
    ytm = best_of(lambda: udfs.TRUPS_TREASURY_YIELD(settle, "2037-11-15", 0.04375, prices))
    print(f"TRUPS_TREASURY_PRICE 1000 x 1000 {price:8.3f}")
    print(f"TRUPS_TREASURY_YIELD 1000 x 1000 {ytm:8.3f}")
    mw_dates = [[39500.0 + 10 * i] for i in range(1000)]
    mw_rates = [[0.005 + i / 20_000 for i in range(1000)]]
    mw = best_of(lambda: udfs.TRUPS_MAKE_WHOLE(mw_dates, mw_rates))
    d = np.datetime64("1899-12-30") + np.array([r[0] for r in mw_dates], dtype=np.int64).astype("timedelta64[D]")
    r = np.array(mw_rates[0])
    floor = best_of(lambda: grid_floor(d, r))
    got = np.array(udfs.TRUPS_MAKE_WHOLE(mw_dates, mw_rates))
    assert np.allclose(got, grid_floor(d, r), rtol=1e-12, atol=1e-9)
    print(f"TRUPS_MAKE_WHOLE 1000 x 1000     {mw:8.3f}   numpy floor {floor:8.3f}   ratio {mw / floor:5.1f}x")

    print("\nfirst call in a fresh Python (milliseconds, minimum of 3)")
    runs = [fresh_python(_FIRST_CALL) for _ in range(3)]
    xlwings_s, addin_s, first_s = (min(r[i] for r in runs) for i in range(3))
    tables_s = min(fresh_python(_LIBRARY_TABLES)[0] for _ in range(3))
    print(f"import xlwings {1e3 * xlwings_s:7.1f}   import trups_xl.excel.udfs {1e3 * addin_s:7.1f}   "
          f"first TRUPS_ACCRUAL {1e3 * first_s:7.1f}   holiday tables from the holidays package {1e3 * tables_s:7.1f}")


if __name__ == "__main__":
    main()
