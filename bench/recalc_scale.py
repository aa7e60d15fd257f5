"""Benchmark: `trups-xl recalc` end to end on the models analysts run, beside the engine's own floor.

Workloads (each generated here, each measured in a fresh Python process):

* ``analyst`` -- the analyst-shaped model of ``bench/analyst_model.py``: a daily ledger of 12
  ``TRUPS_*`` calls and 13 ordinary formulas a row (running totals, IF/AND, IFERROR, SUMPRODUCT over
  a named row, cross-sheet references, named inputs), a 1,000-row price history read by the APM
  column, a Summary sheet;
* ``three`` -- two ``TRUPS_*`` calls and three ordinary formulas a row (``=D*2+E``,
  ``=IF(D>10,D,0)``, ``=SUM($D$2:D)``);
* ``none`` / ``columns`` -- the earlier shapes: one ``TRUPS_ACCRUAL`` and one ``TRUPS_MAKE_WHOLE`` a
  row, with nothing else, or with SUM/AVERAGE/MAX over the whole columns;
* the ledgers of ``bench/analyst_shapes.py``, written as analysts write them: ``skipped`` arguments,
  calls inside ``if``/IFERROR/AND, ``dates`` as formulas, a ``chain`` of a call on a running total of
  an IF column, ``security`` from a ``lookup``, ``arith`` (arithmetic around a call), ``sumproduct`` over a
  named row (with calls nested in calls), and all of them in one 25-column ``ledger``, which
  ``saved`` stores as Excel saves it (each column of copies one shared formula) and ``table`` writes as an
  Excel table read by structured references (``Ledger1[[#This Row],[date]]``).

Beside each, in the same run:

* **floor** -- the engine alone on the same workbook with a trivial Python function registered in
  place of every ``TRUPS_*`` function (load + evaluate every formula; no checks, no values copy):
  what any engine-based recalculation pays at least (for ``table``, the engine alone on ``ledger``'s workbook,
  the same model with cell references: :data:`FLOOR_ON`). Its process imports the engine and nothing of this
  package: the names and argument counts it registers are worked out by the parent, so the floor's
  time holds no import of ours (until December 2026 it imported the package's functions to list them,
  and with them xlwings and pandas: 0.4 s to 0.6 s and about 60 MB, half of a 10,000-row floor of the
  shorter shapes);
* **old** -- the ``formulas``-based recalculation this project shipped before (commit
  :data:`OLD_COMMIT`, run from ``git archive`` of it), where the ``formulas`` package is installed
  and it finishes within :data:`OLD_LIMIT_S` seconds (``> 300``: it did not, or the size before
  took more than a tenth of that, so it was not started).

Before any measurement the package's modules are compiled to bytecode (``compileall``, into their
``__pycache__``, as installing the package does): a user's runs after the first read them compiled, and
a machine that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise compile them again in every child.

Each measurement: wall seconds and peak memory (VmHWM of the child), and where the seconds went: for ours,
its import and each step of :data:`trups_xl.recalc.steps.STEPS` (each step's own time: the engine's load and
evaluation, inside the steps that call them, counted apart); for the floor, its import, load and evaluation.
A second table gives them in microseconds per row of the model, at each shape's largest size. Ours and the
floor are measured alternately, ``--rounds`` times each (default 5), and the medians are shown: on a machine
shared with other work, only ratios measured side by side mean anything. For ours, up to 200 cells
per model are checked against direct calls of the same functions. Run:
``python bench/recalc_scale.py [--rows 1000,10000] [--shapes analyst,ledger,...] [--rounds 5]``
(100,000 rows: ``--rows 100000``, a few minutes a shape).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import analyst_model  # noqa: E402
import analyst_shapes  # noqa: E402

#: The last commit whose recalculation ran on the ``formulas`` engine.
OLD_COMMIT = "56c6dc6"
OLD_LIMIT_S = 300
SHAPES = ("analyst", "three", "none", "columns", *analyst_shapes.SHAPES)
ROWS = (1_000, 10_000)
#: Shapes whose IFERROR column shows a function's message for most rows (text, as in Excel: IFERROR
#: catches errors, not a function's message), so the command exits 1.
MESSAGES_BY_DESIGN = ("if", "ledger", "saved", "table")
#: Shapes whose floor is the engine alone on another shape's workbook: the same model written with cell
#: references (the engine alone refuses a workbook whose formulas read a table's own row: "This-row structured
#: reference used outside a table").
FLOOR_ON = {"table": "ledger"}


def generate(shape: str, rows: int, path: Path) -> Path:
    if shape == "analyst":
        return analyst_model.generate(path, rows)
    if shape in analyst_shapes.SHAPES:
        return analyst_shapes.generate(shape, path, rows)
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Model")
    ws.append(["date", "end", "treasury", "accrual", "make_whole", "f1", "f2", "f3"])
    for i in range(rows):
        r = i + 2
        start = analyst_model.ledger_date(37 * i % 10_500)
        line: list[object] = [start, start + analyst_model.dt.timedelta(days=30 + i % 300),
                              analyst_model.treasury(i), f"=TRUPS_ACCRUAL(A{r},B{r})", f"=TRUPS_MAKE_WHOLE(A{r},C{r})"]
        if shape == "three":
            line += [f"=D{r}*2+E{r}", f"=IF(D{r}>10,D{r},0)", f"=SUM($D$2:D{r})"]
        ws.append(line)
    if shape == "columns":
        last = rows + 1
        ws.append([f"=SUM(D2:D{last})", f"=AVERAGE(E2:E{last})", f"=MAX(E2:E{last})"])
    book.save(path)
    return path


def child(mode: str, path: str, extra: str = "") -> None:
    """One measurement in this fresh process; prints seconds and peak MB as JSON. ``extra``: for the floor,
    the ``TRUPS_*`` names and how many arguments each takes (JSON, from :func:`arities`, worked out by
    the parent: the floor imports the engine, not this package); for the old path, its tree."""
    start = time.perf_counter()
    code = 0
    steps: dict[str, float] = {}
    if mode == "ours":
        from trups_xl.cli import main
        from trups_xl.recalc import run as _run  # noqa: F401  (what the command imports: timed as the import)
        from trups_xl.recalc.steps import recording

        steps["import"] = time.perf_counter() - start
        with recording() as record:
            code = main(["recalc", path, "-o", path + ".values.xlsx", "--allow-circular", "--max-formulas",
                         "5000000"])
        steps.update(record.seconds)
    elif mode == "floor":
        import formualizer as fz

        steps["import"] = time.perf_counter() - start
        budget = 256 * 2**20  # the package limit recalc checks and gives the engine (--max-uncompressed-mb)
        book = fz.Workbook.load_path(path, mode=fz.WorkbookMode.Ephemeral,
                                     load_limits={"max_part_bytes": budget, "max_expanded_bytes": budget})
        steps["engine load"] = time.perf_counter() - start - steps["import"]
        for name, count in json.loads(extra).items():
            book.register_function(name, lambda *_a: 1.0, min_args=0, max_args=count)
        book.evaluate_all()
        steps["engine evaluation"] = time.perf_counter() - start - steps["import"] - steps["engine load"]
    else:  # the old recalculation, from its own tree
        sys.path.insert(0, extra)
        from trups_xl.cli import main as old_main

        code = old_main(["recalc", path, "-o", path + ".old.xlsx", "--allow-circular"])
    seconds = time.perf_counter() - start
    print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak_mb(), "steps": steps}))


def arities() -> str:
    """Every ``TRUPS_*`` name and how many arguments it takes, as JSON: what the floor registers, as the
    recalculation registers it (:func:`trups_xl.recalc.calls.parameters`)."""
    from trups_xl.excel.function import REGISTRY
    from trups_xl.recalc.calls import parameters

    return json.dumps({name: len(parameters(name)) for name in REGISTRY})


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM, which starts afresh at exec (ru_maxrss keeps the
    parent's peak across fork and exec, so a child of a large parent would report the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, path: Path, timeout: float | None = None, extra: str = "") -> dict[str, float] | None:
    """``mode`` (ours, floor or old) on ``path`` in a fresh process; ``extra`` as :func:`child` takes it."""
    try:
        run = subprocess.run([sys.executable, __file__, "--child", mode, str(path), extra], capture_output=True,
                             text=True, timeout=timeout, check=False, cwd=HERE.parent if mode != "old" else extra)
    except subprocess.TimeoutExpired:
        return None
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        raise SystemExit(f"{mode} on {path.name} failed:\n{run.stderr[-2000:]}")
    measured: dict[str, float] = json.loads(lines[-1])
    return measured


def _expected(shape: str, k: int, line: tuple[object, ...]) -> list[tuple[object, object]]:
    """(value in the copy, value of direct calls) for some TRUPS_* cells of row k."""
    from trups_xl.excel import udfs

    if shape == "analyst":
        day = analyst_model.ledger_date(k)
        return [(line[5], udfs.TRUPS_ACCRUED_INTEREST(day)), (line[3], udfs.TRUPS_NEXT_PAYMENT_DATE(day))]
    if shape in ("three", "none", "columns"):
        return [(line[3], udfs.TRUPS_ACCRUAL(line[0], line[1])), (line[4], udfs.TRUPS_MAKE_WHOLE(line[0], line[2]))]
    day = analyst_shapes.ledger_date(k)
    prior = day - analyst_model.dt.timedelta(days=1)
    nxt = udfs.TRUPS_NEXT_PAYMENT_DATE(day)
    if shape == "skipped":
        return [(line[2], udfs.TRUPS_ACCRUAL(prior, day, None, 1000)),
                (line[3], udfs.TRUPS_ACCRUED_INTEREST(day, None, 1000))]
    if shape == "if":
        paid = udfs.TRUPS_NEXT_PAYMENT_DATE(prior)
        return [(line[2], paid), (line[3], udfs.TRUPS_COUPON(day, None, 1000) if paid == day.date() else 0.0)]
    if shape == "dates":
        return [(line[3], udfs.TRUPS_ACCRUAL(prior, day)), (line[5], udfs.TRUPS_COUPON(line[4]))]
    if shape == "chain":
        return [(line[1], nxt), (line[4], udfs.TRUPS_CLAIM_LIMIT(line[3], 1000)),
                (line[5], udfs.TRUPS_COUPON(nxt, None, 1000))]
    if shape == "lookup":
        return [(line[2], "citigroup_capital_xxi"),
                (line[3], udfs.TRUPS_ACCRUED_INTEREST(day, None, 1000, None, None, "citigroup_capital_xxi"))]
    if shape == "arith":
        return [(line[2], udfs.TRUPS_COUPON(nxt, None, 1000) * 3500)]
    if shape == "sumproduct":
        return [(line[2], udfs.TRUPS_COUPON(nxt)), (line[3], udfs.TRUPS_ACCRUAL(udfs.TRUPS_PREVIOUS_PAYMENT_DATE(day), day))]
    paid = udfs.TRUPS_NEXT_PAYMENT_DATE(prior)
    return [(line[5], paid), (line[7], udfs.TRUPS_ACCRUAL(prior, day, None, 1000)),
            (line[8], udfs.TRUPS_COUPON(day, None, 1000) if paid == day.date() else 0.0),
            (line[11], udfs.TRUPS_COUPON(paid, None, 1000) * 3500), (line[18], udfs.TRUPS_CLAIM_LIMIT(line[17], 1000))]


def check_sample(shape: str, path: Path) -> str:
    """TRUPS_* cells of 100 rows of the values copy against direct calls."""
    import openpyxl

    out = openpyxl.load_workbook(str(path) + ".values.xlsx", read_only=True)
    sheet = "Model" if shape in ("three", "none", "columns") else "Ledger"
    rows = list(out[sheet].iter_rows(min_row=2, values_only=True))
    sample = random.Random(7).sample(range(len(rows)), min(100, len(rows)))
    checked = 0
    for k in sample:
        for got, want in _expected(shape, k, rows[k]):
            if hasattr(want, "year"):
                assert got.date() == want, (shape, k, got, want)
            elif isinstance(want, str):
                assert got == want, (shape, k, got, want)
            else:
                assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (shape, k, got, want)
            checked += 1
    return f"{checked} cells match direct calls"


def old_tree(tmp: Path) -> str:
    """The old recalculation's source, when its engine is installed here."""
    try:
        import formulas  # noqa: F401
    except ImportError:
        return ""
    root = tmp / "old"
    root.mkdir()
    archive = subprocess.run(["git", "archive", OLD_COMMIT, "trups_xl"], cwd=HERE.parent, capture_output=True,
                             check=True)
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    return str(root)


def compile_package() -> None:
    """The package's bytecode written where its children import it from, as an install writes it."""
    import trups_xl

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(trups_xl.__file__).parent)],
                   check=True, capture_output=True)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1:][:2]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(map(str, ROWS)))
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--rounds", type=int, default=5, help="measurements of ours and of the floor, alternated")
    parser.add_argument("--old-upto", type=int, default=0,
                        help="run the old path on models of at most this many rows (default: not run)")
    args = parser.parse_args()
    compile_package()
    functions = arities()
    print(f"{'shape':>10} {'rows':>8} {'cells':>9} | {'ours s':>7} {'MB':>6} | {'floor s':>7} {'MB':>6} | "
          f"{'ours/floor':>10} {'MB ratio':>8} | {'old s':>7} {'MB':>6} | sample")
    old_seconds: dict[str, float] = {}  # shape -> the old path's seconds at the last size it ran
    steps: list[tuple[str, int, dict[str, float], dict[str, float]]] = []  # (shape, rows, ours, floor)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        old = old_tree(tmp) if args.old_upto else ""
        for rows in map(int, args.rows.split(",")):
            for shape in args.shapes.split(","):
                path = generate(shape, rows, tmp / f"{shape}_{rows}.xlsx")
                twin = FLOOR_ON.get(shape)
                floor_path = generate(twin, rows, tmp / f"{twin}_{rows}.floor.xlsx") if twin else path
                ours_runs, floor_runs = [], []
                for _ in range(args.rounds):
                    ours = measure("ours", path)
                    allowed = (0, 1) if shape in MESSAGES_BY_DESIGN else (0,)
                    assert ours is not None and ours["code"] in allowed, f"{path.name}: exit {ours and ours['code']}"
                    floor = measure("floor", floor_path, extra=functions)
                    assert floor is not None
                    ours_runs.append(ours)
                    floor_runs.append(floor)
                sample = check_sample(shape, path)
                ours_s, floor_s = (_median([m["seconds"] for m in runs]) for runs in (ours_runs, floor_runs))
                ours_mb, floor_mb = (_median([m["peak_mb"] for m in runs]) for runs in (ours_runs, floor_runs))
                cells = sum(len(s.formulas) for s in _scan(path).sheets)
                # the old path grows at least linearly: not run where the last size predicts over the limit
                hopeless = old_seconds.get(shape, 0.0) * 10 > OLD_LIMIT_S or rows > args.old_upto
                previous = measure("old", path, OLD_LIMIT_S, old) if old and not hopeless else None
                if previous:
                    old_seconds[shape] = previous["seconds"]
                else:
                    old_seconds[shape] = OLD_LIMIT_S
                old_text = (f"{previous['seconds']:>7.1f} {previous['peak_mb']:>6.0f}" if previous else
                            f"{'> 300' if old else 'n/a':>7} {'':>6}")
                print(f"{shape:>10} {rows:>8,} {cells:>9,} | {ours_s:>7.1f} {ours_mb:>6.0f} | "
                      f"{floor_s:>7.1f} {floor_mb:>6.0f} | {ours_s / floor_s:>9.2f}x {ours_mb / floor_mb:>7.2f}x | "
                      f"{old_text} | {sample}", flush=True)
                steps.append((shape, rows, step_medians(ours_runs), step_medians(floor_runs)))
    print_steps(steps)


def step_medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Each step's median seconds over ``runs``."""
    names = dict.fromkeys(name for run in runs for name in run["steps"])
    return {name: _median([run["steps"].get(name, 0.0) for run in runs]) for name in names}


def print_steps(measured: list[tuple[str, int, dict[str, float], dict[str, float]]]) -> None:
    """Where the time goes: each step of ours, and the floor's import, load and evaluation, in microseconds
    per row of the model (medians over the rounds), at the largest size measured of each shape."""
    from trups_xl.recalc.steps import OUTSIDE, STEPS

    largest: dict[str, tuple[str, int, dict[str, float], dict[str, float]]] = {}
    for entry in measured:
        if entry[0] not in largest or entry[1] > largest[entry[0]][1]:
            largest[entry[0]] = entry
    names = ("import", *STEPS, OUTSIDE)
    short = {"engine evaluation": "engine eval", "values copy": "values", OUTSIDE: "other", "engine copy": "copy",
             "engine load": "engine load", "read back": "read back"}
    print("\nWhere the time goes: microseconds per row, medians (ours: each step's own time, the engine's load and "
          "evaluation\nin it counted apart; floor: its import, load and evaluation)")
    print(f"{'shape':>10} {'rows':>8} {'':>5} | " + " ".join(f"{short.get(n, n):>11}" for n in names))
    for shape, rows, ours, floor in largest.values():
        for who, seconds in (("ours", ours), ("floor", floor)):
            print(f"{shape:>10} {rows:>8,} {who:>5} | " + " ".join(
                f"{seconds[n] / rows * 1e6:>11.1f}" if n in seconds else f"{'':>11}" for n in names))


def _scan(path: Path) -> Any:
    from trups_xl.recalc.package import scan
    from trups_xl.recalc.safety import Limits

    return scan(path, Limits(max_formulas=10_000_000))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        main()
