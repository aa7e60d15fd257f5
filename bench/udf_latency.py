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
* TRUPS_ACCRUAL on the same 100,000 rows as ``datetime`` cells (what xlwings passes for
  date-formatted cells), against the serials.

Run: python bench/udf_latency.py; before and after a change, in the same run:
python bench/udf_latency.py --before REV (each tree measured in its own Python, alternately).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xlwings as xw

#: The tree to import ``trups_xl`` from instead of this one (set by --before for its own runs).
TREE_ENV = "TRUPS_XL_BENCH_TREE"
_ONLY_TREE = f"""
import os, sys
if os.environ.get({TREE_ENV!r}):  # that tree alone: not this checkout's editable install, which
    # would otherwise supply any module the other tree lacks
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, os.environ[{TREE_ENV!r}])
"""
exec(_ONLY_TREE)

try:  # the packaged layout
    from trups_xl.core.pricing import accrual
    from trups_xl.core.securities.loading import TERMS
    from trups_xl.excel import udfs
    from trups_xl.excel.function import INFO, REGISTRY
except ImportError:  # the flat layout of a tree before it (--before)
    from trups_xl.terms import TERMS  # type: ignore[no-redef]
    from trups_xl.xlfunc import INFO, REGISTRY  # type: ignore[no-redef]

    from trups_xl import accrual, udfs  # type: ignore[no-redef,attr-defined]


HERE = Path(__file__).resolve().parent


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


_FIRST_CALL = _ONLY_TREE + """
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
_LIBRARY_TABLES = _ONLY_TREE + """
import time
t0 = time.perf_counter()
try:
    from trups_xl.core.conventions.calendars import library_holidays
except ImportError:
    from trups_xl.calendars import library_holidays
library_holidays()
print(time.perf_counter() - t0)
"""


def fresh_python(code: str) -> list[float]:
    """What ``code`` prints (seconds), run in a new Python process."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [float(v) for v in out.split()]


def measure() -> dict[str, Any]:
    """Every figure of this benchmark for the tree this Python imports ``trups_xl`` from."""
    cases = {"trivial @xw.func": (trivial, (1.0,))} | {name: (fn, INFO[name].example) for name, fn in REGISTRY.items()}
    per_call = per_call_us(cases)
    arrays: dict[str, float] = {}
    serials = [[40000.0 + i % 9000] for i in range(100_000)]
    ends = [[s[0] + 37] for s in serials]
    a = np.datetime64("1899-12-30") + np.array(serials, dtype=np.int64).astype("timedelta64[D]")
    b = a + 37
    arrays["TRUPS_ACCRUAL 100,000 pairs (serials)"] = best_of(lambda: udfs.TRUPS_ACCRUAL(serials, ends))
    # what xlwings passes for date-formatted cells: datetime objects (its default dates converter)
    epoch = dt.datetime(1899, 12, 30)
    stamps = [[epoch + dt.timedelta(days=s[0])] for s in serials]
    stamp_ends = [[epoch + dt.timedelta(days=s[0])] for s in ends]
    arrays["TRUPS_ACCRUAL 100,000 pairs (datetimes)"] = best_of(lambda: udfs.TRUPS_ACCRUAL(stamps, stamp_ends))
    arrays["core accrual 100,000 pairs (datetime64)"] = best_of(lambda: accrual.accrual(a, b, terms=TERMS))
    settle = [[47000.0 + i] for i in range(1000)]
    yields = [[0.01 + i / 50_000 for i in range(1000)]]
    prices = [[90 + i / 50 for i in range(1000)]]
    arrays["TRUPS_TREASURY_PRICE 1000 x 1000"] = best_of(
        lambda: udfs.TRUPS_TREASURY_PRICE(settle, "2037-11-15", 0.04375, yields))
    arrays["TRUPS_TREASURY_YIELD 1000 x 1000"] = best_of(
        lambda: udfs.TRUPS_TREASURY_YIELD(settle, "2037-11-15", 0.04375, prices))
    mw_dates = [[39500.0 + 10 * i] for i in range(1000)]
    mw_rates = [[0.005 + i / 20_000 for i in range(1000)]]
    d = np.datetime64("1899-12-30") + np.array([r[0] for r in mw_dates], dtype=np.int64).astype("timedelta64[D]")
    r = np.array(mw_rates[0])
    got = np.array(udfs.TRUPS_MAKE_WHOLE(mw_dates, mw_rates))
    assert np.allclose(got, grid_floor(d, r), rtol=1e-12, atol=1e-9)
    arrays["TRUPS_MAKE_WHOLE 1000 x 1000"] = best_of(lambda: udfs.TRUPS_MAKE_WHOLE(mw_dates, mw_rates))
    arrays["numpy floor 1000 x 1000 (written here)"] = best_of(lambda: grid_floor(d, r))
    runs = [fresh_python(_FIRST_CALL) for _ in range(3)]
    first = dict(zip(("import xlwings", "import trups_xl.udfs", "first TRUPS_ACCRUAL"),
                     (min(run[i] for run in runs) for i in range(3)), strict=True))
    first["holiday tables from the holidays package"] = min(fresh_python(_LIBRARY_TABLES)[0] for _ in range(3))
    return {"per_call_us": per_call, "arrays_s": arrays, "first_call_s": first}


def date_ratio(arrays: dict[str, float]) -> float:
    """100,000 rows of datetime cells against the same rows as serial numbers."""
    return arrays["TRUPS_ACCRUAL 100,000 pairs (datetimes)"] / arrays["TRUPS_ACCRUAL 100,000 pairs (serials)"]


def print_one(result: dict[str, Any]) -> None:
    per_call = dict(result["per_call_us"])
    base = per_call.pop("trivial @xw.func")
    print(f"{'function':<30} {'median us':>10} {'x trivial':>10}")
    print(f"{'trivial @xw.func':<30} {base:>10.2f} {1:>10}")
    for name, us in per_call.items():
        print(f"{name:<30} {us:>10.1f} {us / base:>10.0f}")
    arrays = result["arrays_s"]
    print("\narray cases (seconds, minimum of 3)")
    for name, seconds in arrays.items():
        print(f"{name:<42} {seconds:8.3f}")
    print(f"datetimes / serials: {date_ratio(arrays):.2f}x; make-whole grid / numpy floor: "
          f"{arrays['TRUPS_MAKE_WHOLE 1000 x 1000'] / arrays['numpy floor 1000 x 1000 (written here)']:.1f}x")
    print("\nfirst call in a fresh Python (milliseconds, minimum of 3)")
    print("   ".join(f"{name} {1e3 * s:7.1f}" for name, s in result["first_call_s"].items()))


def tree_of(revision: str, tmp: Path) -> Path:
    """The ``trups_xl`` package of ``revision`` (``git archive``), to import instead of this one."""
    archive = subprocess.run(["git", "archive", revision, "trups_xl"], cwd=HERE.parent, capture_output=True,
                             check=True)
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    return tmp


def run_tree(path: Path | None) -> dict[str, Any]:
    """:func:`measure` in a new Python that imports ``trups_xl`` from ``path`` (``None``: this tree)."""
    env = {k: v for k, v in os.environ.items() if k != TREE_ENV}
    if path is not None:
        env[TREE_ENV] = str(path)
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--json"], env=env, capture_output=True,
                          text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the minimum over runs."""
    return {group: {name: min(r[group][name] for r in results) for name in results[0][group]}
            for group in results[0]}


def compare(revision: str, rounds: int) -> None:
    """``revision`` and this tree measured alternately in the same run, side by side."""
    with tempfile.TemporaryDirectory() as name:
        before_tree = tree_of(revision, Path(name))
        befores, afters = [], []
        for _ in range(rounds):
            befores.append(run_tree(before_tree))
            afters.append(run_tree(None))
    before, after = best(befores), best(afters)
    b_base, a_base = before["per_call_us"]["trivial @xw.func"], after["per_call_us"]["trivial @xw.func"]
    print(f"per call, microseconds (minimum over {rounds} alternating runs of each tree): before = {revision}, "
          f"after = this tree")
    print(f"{'function':<30} {'before':>8} {'after':>8} {'after/before':>13}")
    print(f"{'trivial @xw.func':<30} {b_base:>8.2f} {a_base:>8.2f} {a_base / b_base:>13.2f}")
    slower, over = [], []
    for fn, us in after["per_call_us"].items():
        if fn == "trivial @xw.func":
            continue
        was = before["per_call_us"].get(fn)
        ratio = us / was if was else float("nan")
        print(f"{fn:<30} {was or float('nan'):>8.1f} {us:>8.1f} {ratio:>13.2f}")
        if was and ratio > 1.10:
            slower.append(fn)
        if us > 30:
            over.append(fn)
    print(f"\n{'array case, seconds':<42} {'before':>8} {'after':>8} {'after/before':>13}")
    for case, seconds in after["arrays_s"].items():
        was = before["arrays_s"][case]
        print(f"{case:<42} {was:>8.3f} {seconds:>8.3f} {seconds / was:>13.2f}")
    for label, r in (("before", before), ("after", after)):
        print(f"{label}: 100,000 datetime rows / the same rows as serials = {date_ratio(r['arrays_s']):.2f}x")
    print(f"\n{'first call, milliseconds':<42} {'before':>8} {'after':>8}")
    for case, seconds in after["first_call_s"].items():
        print(f"{case:<42} {1e3 * before['first_call_s'][case]:>8.1f} {1e3 * seconds:>8.1f}")
    print(f"\nslower by more than 10%: {', '.join(slower) or 'none'}; over 30 us a call: {', '.join(over) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="measure this git revision and this tree alternately, "
                        "side by side")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each tree with --before")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
    elif args.before:
        compare(args.before, args.rounds)
    else:
        print_one(measure())


if __name__ == "__main__":
    main()
