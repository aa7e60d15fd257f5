"""Benchmark: scenarios and batches (``trups-xl recalc --scenarios``), measured in one run.

* **Scenarios** -- the analyst-shaped model of ``bench/analyst_model.py`` (10,000 ledger rows by default)
  under 1, 10 and 100 scenarios that shock its Treasury shift input (``Shift``, -100 bp to +100 bp):
  the model loaded and parsed once, each scenario settled and its outputs read. Against one full
  recalculation of the same workbook (``recalculate`` and the values copy, what ``trups-xl recalc
  MODEL.xlsx`` does). One scenario's outputs are checked against a fresh recalculation of the workbook
  with its shift typed in.
* **Batch** -- 50 analyst models (300 to 349 rows, so no two are the same workbook) x 5 scenarios,
  through :func:`trups_xl.recalc.batch.run_batch`: on one worker process, on the default process pool
  with two workers, and on a real Dask ``LocalCluster`` with two worker processes, interleaved for
  ``--repeat`` rounds. Throughput (scenarios per second, best round) and the ratios to one worker, best
  and per round, with the machine's load average (other processes share its cores) and, each round, a
  control: a perfectly parallel pure-Python job on one and two processes, the most two workers could gain
  at that moment.

Run ``python bench/scenarios.py [--rows 10000] [--models 50]``; it prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import analyst_model  # noqa: E402

from trups_xl.recalc import recalculate, write_values  # noqa: E402
from trups_xl.recalc.batch import run_batch  # noqa: E402
from trups_xl.recalc.scenarios import ModelSession, Scenario  # noqa: E402

OUTPUTS = ("Result_AccrualTotal", "Result_MaxMakeWhole", "Result_Deferred")
BASE_SHIFT = 0.0025  # the model's own Shift (Inputs!B2)


def shocks(count: int) -> list[Scenario]:
    """``count`` shifts from -100 bp to +100 bp around the model's own."""
    step = 0.02 / max(count - 1, 1)
    return [Scenario(f"shift {k}", k + 2, (("Shift", BASE_SHIFT - 0.01 + k * step),)) for k in range(count)]


def full_recalc(path: Path, folder: Path) -> float:
    start = time.perf_counter()
    result = recalculate(path)
    write_values(path, folder / "full.values.xlsx", result)
    return time.perf_counter() - start


def scenario_runs(path: Path, counts: tuple[int, ...]) -> dict[str, float]:
    """Seconds for ``n`` scenarios, the model loaded once each time (load included)."""
    out: dict[str, float] = {}
    for n in counts:
        start = time.perf_counter()
        session = ModelSession(path)
        loaded = time.perf_counter() - start
        for scenario in shocks(n):
            outcome = session.evaluate(scenario, OUTPUTS)
            assert not outcome.message, outcome.message
        out[f"{n}_scenarios_s"] = round(time.perf_counter() - start, 2)
        out[f"{n}_scenarios_load_s"] = round(loaded, 2)
    return out


def check_one(path: Path, folder: Path) -> float:
    """The largest relative difference between a scenario's outputs and a fresh recalculation with its
    shift typed into Inputs!B2."""
    import openpyxl

    scenario = shocks(3)[2]
    outcome = dict(ModelSession(path).evaluate(scenario, OUTPUTS).values)
    book = openpyxl.load_workbook(path)
    book["Inputs"]["B2"].value = scenario.inputs[0][1]
    typed = folder / "typed.xlsx"
    book.save(typed)
    fresh = recalculate(typed).names
    return max(abs(outcome[n] - fresh[n]) / max(abs(fresh[n]), 1e-12) for n in OUTPUTS)


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def control(workers: int) -> float:
    """Seconds for a perfectly parallel pure-Python job (8 equal pieces) on ``workers`` processes: what the
    machine's cores give two processes at that moment, the ceiling of any two-worker speedup."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [3_000_000] * 8))
    return time.perf_counter() - start


def batch_runs(folder: Path, models: int, repeat: int) -> dict[str, object]:
    books = folder / "books"
    books.mkdir()
    for k in range(models):
        analyst_model.generate(books / f"model{k:03}.xlsx", 300 + k)
    table = folder / "scenarios.csv"
    table.write_text("scenario,Shift\n" + "".join(f"{s.name},{s.inputs[0][1]!r}\n" for s in shocks(5)))
    pairs = models * 5
    seconds: dict[str, list[float]] = {"one_worker": [], "pool_two_workers": [], "dask_two_workers": [],
                                       "control_one": [], "control_two": []}

    def timed(label: str, **where: object) -> None:
        start = time.perf_counter()
        result = run_batch([str(books)], scenarios=table, outputs=OUTPUTS, output=folder / f"{label}{start}",
                           progress=False, **where)  # type: ignore[arg-type]
        seconds[label].append(time.perf_counter() - start)
        assert result.code == 0 and result.computed == pairs, result.summary[:3]

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster:
        for _ in range(repeat):  # interleaved, so a neighbour's load falls on each alike
            timed("one_worker", workers=1)
            timed("pool_two_workers", workers=2)
            timed("dask_two_workers", cluster=cluster.scheduler_address)
            seconds["control_one"].append(control(1))
            seconds["control_two"].append(control(2))
    out: dict[str, object] = {}
    for label, times in seconds.items():
        out[f"{label}_s"] = [round(t, 2) for t in times]
        if not label.startswith("control"):
            out[f"{label}_scenarios_per_s"] = round(pairs / min(times), 2)
    out["machine_two_process_speedup_per_round"] = [
        round(a / b, 2) for a, b in zip(seconds["control_one"], seconds["control_two"], strict=True)]
    one = min(seconds["one_worker"])
    out["pool_speedup_best"] = round(one / min(seconds["pool_two_workers"]), 2)
    out["dask_speedup_best"] = round(one / min(seconds["dask_two_workers"]), 2)
    out["pool_speedup_per_round"] = [round(a / b, 2) for a, b in zip(seconds["one_worker"], seconds["pool_two_workers"],
                                                                     strict=True)]
    out["dask_speedup_per_round"] = [round(a / b, 2) for a, b in zip(seconds["one_worker"], seconds["dask_two_workers"],
                                                                     strict=True)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--skip", choices=("scenarios", "batch"), default=None)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the batch measurements (best of)")
    args = parser.parse_args()
    report: dict[str, object] = {"rows": args.rows, "models": args.models}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.skip != "scenarios":
            path = analyst_model.generate(folder / "analyst.xlsx", args.rows)
            full = full_recalc(path, folder)
            runs = scenario_runs(path, (1, 10, 100))
            report["full_recalc_s"] = round(full, 2)
            report.update(runs)
            report["per_extra_scenario_s"] = round((runs["100_scenarios_s"] - runs["1_scenarios_s"]) / 99, 3)
            report["100_scenarios_in_full_recalcs"] = round(runs["100_scenarios_s"] / full, 2)
            report["max_relative_difference_vs_fresh_recalc"] = check_one(path, folder)
        if args.skip != "batch":
            report.update(batch_runs(folder, args.models, args.repeat))
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report["cores"] = os.cpu_count()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
