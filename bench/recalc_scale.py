"""Benchmark: headless recalculation of models with N = 1,000 / 10,000 / 100,000 TRUPS_* cells.

Each model has per row a date range and a Treasury rate, one =TRUPS_ACCRUAL and one
=TRUPS_MAKE_WHOLE cell (N/2 rows). Three variants are measured apart, because ordinary Excel
formulas cost very differently:

* ``none``: no other formula (the model of issue 11: 10,000 rows = 20,000 cells);
* ``small``: a block of ordinary formulas on a few input cells (the usual assumptions block);
* ``columns``: SUM/AVERAGE/MAX over the whole TRUPS_* columns (every cell read by the engine).

Baseline, measured in the same run: today's path before vectorisation — every formula through
the ``formulas`` engine (``recalculate(vectorise=False)``); at 100,000 cells it is not run (it did
not finish in 25 minutes when measured for the issue). Each measurement runs in a fresh Python
process (``trups-xl recalc`` end to end: read, evaluate, write the values copy) and reports wall
seconds and peak memory (ru_maxrss). A sample of 200 cells per model is checked against direct
calls of the same functions. Run: python bench/recalc_scale.py [N ...]
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 20_000, 100_000)
BASELINE_LIMIT = 20_000  # cells; the baseline is skipped above this


def generate(path: Path, cells: int, ordinary: str) -> None:
    """A model with ``cells`` TRUPS_* cells; ``ordinary`` is "small" or "columns"."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    ws.append(["start", "end", "treasury", "accrual", "make_whole"])
    rows = cells // 2
    for i in range(rows):
        r = i + 2
        start = dt.datetime(2008, 1, 1) + dt.timedelta(days=(37 * i) % 10_500)
        ws.cell(r, 1, start)
        ws.cell(r, 2, start + dt.timedelta(days=30 + i % 300))
        ws.cell(r, 3, 0.01 + (i % 60) / 1000)
        ws.cell(r, 4, f"=TRUPS_ACCRUAL(A{r},B{r})")
        ws.cell(r, 5, f"=TRUPS_MAKE_WHOLE(A{r},C{r})")
    if ordinary == "none":
        book.save(path)
        return
    ws["H1"], ws["H2"], ws["H3"] = 1_000_000, 0.25, 3_500_000
    ws["I1"], ws["I2"], ws["I3"] = "=H1*H2", "=I1/H3", "=ROUND(I2,4)"
    ws["I4"], ws["I5"] = "=IF(I3>0.05,\"high\",\"low\")", "=DATE(2030,3,15)+H2"
    if ordinary == "columns":
        last = rows + 1
        ws["J1"], ws["J2"], ws["J3"] = f"=SUM(D2:D{last})", f"=AVERAGE(E2:E{last})", f"=MAX(E2:E{last})"
    book.save(path)


def child(mode: str, path: str) -> None:
    """Recalculate in this fresh process and print seconds and peak memory as JSON."""
    start = time.perf_counter()
    if mode == "new":
        from trups_xl.cli import main
        code = main(["recalc", path, "-o", path + ".values.xlsx"])
    else:
        from trups_xl.recalc import recalculate, write_values
        source = Path(path)
        result = recalculate(source, vectorise=False)
        write_values(source, Path(path + ".values.xlsx"), result)
        code = 0
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak_mb}))


def measure(mode: str, path: Path) -> dict[str, float]:
    run = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                         check=True)
    measured: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["code"] == 0, run.stdout[-2000:]  # every cell has a value, no error cell
    return measured


def check_sample(path: Path) -> int:
    """Compare 200 cells of the values copy with direct calls; returns how many were checked."""
    import openpyxl

    from trups_xl.udfs import TRUPS_ACCRUAL, TRUPS_MAKE_WHOLE

    src = openpyxl.load_workbook(path)["Model"]
    out = openpyxl.load_workbook(str(path) + ".values.xlsx")["Model"]
    rows = random.Random(7).sample(range(2, src.max_row + 1), min(200, src.max_row - 1))
    for r in rows:
        a, b, c = (src.cell(r, k).value for k in (1, 2, 3))
        for col, want in ((4, TRUPS_ACCRUAL(a, b)), (5, TRUPS_MAKE_WHOLE(a, c))):
            got = out.cell(r, col).value
            assert got == want or abs(got - want) <= 1e-12 * max(1.0, abs(want)), (r, col, got, want)
    return len(rows) * 2


def main(sizes: tuple[int, ...]) -> None:
    print(f"{'cells':>8} {'ordinary':>8} | {'vectorised s':>12} {'MB':>6} | {'engine-only s':>13} {'MB':>6} | "
          f"{'speed-up':>8}  sample")
    with tempfile.TemporaryDirectory() as tmp:
        for cells in sizes:
            for ordinary in ("none", "small", "columns"):
                path = Path(tmp) / f"model_{cells}_{ordinary}.xlsx"
                generate(path, cells, ordinary)
                new = measure("new", path)
                checked = check_sample(path)
                if cells <= BASELINE_LIMIT:
                    old = measure("old", path)
                    base = f"{old['seconds']:>13.1f} {old['peak_mb']:>6.0f}"
                    ratio = f"{old['seconds'] / new['seconds']:>7.1f}x"
                else:
                    base, ratio = f"{'not run':>13} {'':>6}", f"{'':>8}"
                print(f"{cells:>8,} {ordinary:>8} | {new['seconds']:>12.1f} {new['peak_mb']:>6.0f} | {base} | "
                      f"{ratio}  {checked} cells match direct calls", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
