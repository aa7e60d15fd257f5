"""Batches: many workbooks, each under one or many scenarios, on this machine's cores or on a Dask cluster.

The work is a list of tasks, one per workbook and chunk of its scenarios. A worker process loads and
parses a workbook once (:class:`.scenarios.ModelSession`, kept for the next task of the same
workbook) and evaluates the chunk's scenarios on it. Where the tasks run:

* by default a process pool of this machine's cores (:mod:`concurrent.futures`; nothing to install
  or configure). A worker that dies (killed, out of memory) breaks the pool: a new pool takes the
  unfinished tasks, once; a task that a worker dies on twice gets a row saying so;
* with ``cluster`` (``--cluster tcp://HOST:8786`` or ``TRUPS_XL_CLUSTER``), an existing Dask
  distributed scheduler, through the optional ``cluster`` extra. The workbook's bytes travel with the
  task (the workers need no shared folder); Dask reruns the task of a worker that died elsewhere.

Each finished (workbook, scenario) pair is appended to a journal beside the results
(:mod:`.journal`); the results files are written only when every task is done, atomically. Ctrl-C
stops the run with no results file and the journal kept: the same command again resumes, skipping
the pairs whose workbook and scenario are unchanged.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trups_xl.atomic import write_atomically
from trups_xl.recalc.heap import give_back_freed_memory
from trups_xl.recalc.interrupts import Interrupts, each_finished, signals_as_interrupt, start_forkserver, stop_pool
from trups_xl.recalc.journal import Entry, Journal, digest, pair_key
from trups_xl.recalc.results import Row, write_results
from trups_xl.recalc.safety import Limits, RefusedError
from trups_xl.recalc.scenario_table import BASE, Scenario, ScenarioTable, parse_outputs, read_table

#: The environment variable naming a Dask scheduler (as --cluster does).
CLUSTER_ENV = "TRUPS_XL_CLUSTER"
#: Scenarios per task: small enough to spread one model's scenarios over the workers and to resume
#: finely, large enough that a task outweighs its dispatch.
CHUNK = 10
MAX_WORKBOOKS = 100_000
#: (workbook, scenario) pairs in one batch: the results table is held in memory before it is written.
MAX_PAIRS = 1_000_000
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Task:
    """One workbook and some of its scenarios: what a worker is sent."""

    index: int  # the workbook's place in the batch
    workbook: str  # as the batch names it
    path: str
    digest: str
    scenarios: tuple[Scenario, ...]
    outputs: tuple[str, ...] | None  # None: the workbook's Result_* names
    limits: Limits
    keep_workbooks: bool = False
    data: bytes | None = None  # the workbook's bytes, for a worker on another machine


@dataclass
class TaskResult:
    """A worker's answer: per scenario its rows (output, value, message) and its values copy, or a refusal."""

    refused: str = ""
    scenarios: list[tuple[Scenario, list[tuple[str, Any, str]], bytes | None]] = field(default_factory=list)
    #: False: its rows go in the results but not in the journal, so the same command runs them again (a task
    #: the cluster could not run: a lost scheduler, a worker that died on every try)
    kept: bool = True


_SESSION: tuple[tuple[str, Limits], Any] | None = None
#: One task at a time per worker process: the loaded model is one engine state that a scenario changes and
#: restores (a Dask worker started with several threads runs our tasks one after another).
_ONE_AT_A_TIME = threading.Lock()


def _session(task: Task, path: Path) -> Any:
    """The worker's loaded model for this workbook: loaded once, kept for the next task of it."""
    global _SESSION
    from trups_xl.recalc.scenarios import ModelSession

    key = (task.digest, task.limits)
    if _SESSION is None or _SESSION[0] != key:
        _SESSION = None  # the previous model is freed before the next is loaded
        _SESSION = (key, ModelSession(path, task.limits))
    return _SESSION[1]


def evaluate_task(task: Task) -> TaskResult:
    """Run one task (in a worker process: a pool's or a Dask worker's)."""
    with _ONE_AT_A_TIME:
        return _run_task(task)


def _run_task(task: Task) -> TaskResult:
    try:
        if task.data is not None:
            with tempfile.TemporaryDirectory(prefix="trups-xl-") as tmp:
                path = Path(tmp) / Path(task.path).name
                path.write_bytes(task.data)
                return _evaluate(task, path)
        return _evaluate(task, Path(task.path))
    except RefusedError as exc:
        return TaskResult(refused=str(exc))
    except MemoryError:
        return TaskResult(refused="the workbook needs more memory than the worker has (raise the limits' "
                                  "memory or recalculate it alone)")


def _evaluate(task: Task, path: Path) -> TaskResult:
    session = _session(task, path)
    outputs = task.outputs if task.outputs is not None else tuple(
        n for n in session.model.found.names if n.startswith("Result_"))
    result = TaskResult()
    for scenario in task.scenarios:
        if not outputs:
            result.scenarios.append((scenario, [("", None, "the workbook has no Result_* names; name the outputs "
                                                 "with --outputs")], None))
            continue
        outcome = session.evaluate(scenario, outputs, keep_workbook=task.keep_workbooks)
        rows = [("", None, outcome.message)] if outcome.message else [(o, v, "") for o, v in outcome.values]
        result.scenarios.append((scenario, rows, outcome.workbook))
    return result


def _worker_start() -> None:
    """A pool worker leaves Ctrl-C to the parent, which stops the run (no traceback from each worker), and
    gives back the memory it frees (:func:`.heap.give_back_freed_memory`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    give_back_freed_memory()


def workbooks_from(arguments: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """The workbooks the arguments name: files, folders (their .xlsx/.xlsm, not recursing) and globs."""
    found: list[Path] = []
    skip = {p.resolve() for p in exclude}
    for arg in arguments:
        text = str(arg)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matches = [Path(m) for m in sorted(glob.glob(text))]
            if not matches:
                raise RefusedError(f"no workbook matches {text!r}")
            found += [m for m in matches if m.is_file()]
        elif Path(text).is_dir():
            inside = sorted(p for p in Path(text).iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES
                            and p.is_file() and not p.name.startswith(("~$", ".")))
            if not inside:
                raise RefusedError(f"{text} is a folder that holds no .xlsx or .xlsm workbook")
            found += inside
        else:
            found.append(Path(text))
    out: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        resolved = p.resolve()
        if resolved in seen or resolved in skip:
            continue
        seen.add(resolved)
        out.append(p)
    if not out:
        raise RefusedError("no workbooks to recalculate: " + ", ".join(map(str, arguments))[:200])
    if len(out) > MAX_WORKBOOKS:
        raise RefusedError(f"{len(out):,} workbooks; at most {MAX_WORKBOOKS:,} in one batch")
    return out


@dataclass
class BatchResult:
    """What a batch did: the results table, one summary line per workbook, and the exit code."""

    rows: list[Row]
    summary: list[str]
    code: int
    csv: Path | None = None
    xlsx: Path | None = None
    resumed: int = 0
    computed: int = 0


def results_paths(output: Path) -> tuple[Path, Path, Path, Path]:
    """RESULTS -> (RESULTS.csv, RESULTS.xlsx, RESULTS.journal.jsonl, RESULTS.workbooks/)."""
    stem = output.with_suffix("") if output.suffix.lower() in (".csv", ".xlsx") else output
    return (stem.with_name(stem.name + ".csv"), stem.with_name(stem.name + ".xlsx"),
            stem.with_name(stem.name + ".journal.jsonl"), stem.with_name(stem.name + ".workbooks"))


def _check_targets(targets: Sequence[Path], inputs: Sequence[Path]) -> None:
    for target in targets:
        if not target.parent.is_dir():
            raise RefusedError(f"no such folder for the results: {target.parent} (create it first)")
        if target.is_dir():
            raise RefusedError(f"{target} is a folder; -o names the results file (RESULTS.csv and RESULTS.xlsx)")
        if target.exists():
            for p in inputs:
                if p.exists() and os.path.samefile(p, target):
                    raise RefusedError(f"{target} is one of the inputs; write the results elsewhere (-o)")


def run_batch(workbooks: Sequence[str | Path], scenarios: Path | None = None, outputs: str | Sequence[str] | None = None,
              output: Path = Path("results"), cluster: str | None = None, workers: int | None = None,
              scenario_sheet: str | None = None, scenario_workbooks: bool = False, limits: Limits | None = None,
              progress: bool | None = None, on_result: Callable[[int, int], None] | None = None,
              mask_workers: bool = False) -> BatchResult:
    """Recalculate ``workbooks`` (files, folders, globs), each under every scenario of the table ``scenarios`` (or
    as it is), read ``outputs`` (defined names or cells; default: each workbook's ``Result_*`` names), and write
    the results table to ``output`` (.csv and .xlsx). The Python face of ``trups-xl recalc --scenarios``.

    ``cluster``: a Dask scheduler address (default: the ``TRUPS_XL_CLUSTER`` environment variable, else this
    machine's process pool of ``workers`` processes, by default one per core). ``on_result(done, total)`` is
    called as pairs finish. Raises :class:`RefusedError` (one line) for arguments it cannot run with;
    a workbook or scenario that fails gets its row in the results instead. ``mask_workers``: the pool's
    forkserver started with Ctrl-C blocked (:func:`.interrupts.start_forkserver`; the command's choice).
    """
    limits = limits or Limits()
    csv_path, xlsx_path, journal_path, books_dir = results_paths(Path(output))
    table: ScenarioTable | None = read_table(Path(scenarios), scenario_sheet) if scenarios is not None else None
    wanted = parse_outputs(outputs) if outputs is not None else None
    books = workbooks_from(workbooks, exclude=[p for p in (csv_path, xlsx_path) if p.exists()])
    _check_targets([csv_path, xlsx_path, journal_path], [*books, *([Path(scenarios)] if scenarios else [])])
    cluster = cluster or os.environ.get(CLUSTER_ENV) or None
    chosen = table.scenarios if table is not None else (BASE,)
    if len(books) * len(chosen) > MAX_PAIRS:
        raise RefusedError(f"{len(books):,} workbooks x {len(chosen):,} scenarios is {len(books) * len(chosen):,} "
                           f"pairs; at most {MAX_PAIRS:,} in one batch (split it)")
    if scenario_workbooks:
        if books_dir.exists() and not books_dir.is_dir():
            raise RefusedError(f"{books_dir} exists and is not a folder; the scenario workbooks are written there")
        _check_copy_names(books, chosen)
        books_dir.mkdir(exist_ok=True)
    settings = [list(wanted) if wanted is not None else None, limits.max_uncompressed_mb, limits.max_cells,
                limits.max_formulas, scenario_workbooks]
    journal = Journal(journal_path)
    done = journal.finished()
    tasks: list[Task] = []
    refused: dict[int, str] = {}
    keys: dict[tuple[int, str], str] = {}
    for index, book in enumerate(books):
        content = ""
        if not book.is_file():
            refused[index] = f"no such workbook: {book}" if not book.exists() else f"{book} is not a workbook file"
        else:
            try:
                content = digest(book)
            except OSError as exc:
                refused[index] = f"could not read {book}: {exc.strerror or exc}"
        todo = []
        for s in chosen:
            keys[(index, s.name)] = pair_key(content, s.name, s.inputs, settings)
            if content and keys[(index, s.name)] not in done:
                todo.append(s)
        if index in refused:
            continue
        data = book.read_bytes() if cluster and todo else None
        for start in range(0, len(todo), CHUNK):
            tasks.append(Task(index, str(book), str(book.resolve()) if book.exists() else str(book), content,
                              tuple(todo[start:start + CHUNK]), wanted, limits, scenario_workbooks, data))
    total = sum(len(t.scenarios) for t in tasks)
    resumed = sum(1 for (i, name), k in keys.items() if k in done and i not in refused) if done else 0
    answers: dict[int, list[tuple[Task, TaskResult]]] = {}
    again: dict[str, Entry] = {}  # rows shown but not journaled (TaskResult.kept)
    bar = _progress_bar(total, progress)
    finished = 0
    try:
        with signals_as_interrupt() as interrupts:
            if cluster:
                from trups_xl.recalc.cluster import dask_results

                source = dask_results(tasks, cluster, interrupts)
            else:
                source = _pool_results(tasks, workers, interrupts, mask_workers)
            for task, result in source:
                answers.setdefault(task.index, []).append((task, result))
                for scenario, rows, copy in result.scenarios:
                    if copy is not None:
                        _write_copy(books_dir, Path(task.workbook), scenario.name, copy)
                    entry = Entry(keys[(task.index, scenario.name)], task.workbook, scenario.name, rows)
                    if result.kept:
                        journal.add(entry)
                    else:
                        again[entry.key] = entry
                journal.sync()
                finished += len(task.scenarios)
                bar.update(len(task.scenarios))
                if on_result is not None:
                    on_result(finished, total)
    finally:
        bar.close()
        journal.close()
    table_rows, summary, failed = _tabulate(books, chosen, keys, {**again, **journal.finished()}, answers, refused)
    with signals_as_interrupt() as late:  # a Ctrl-C while the two files are moved into place comes too late
        write_results(csv_path, xlsx_path, table_rows, moving=lambda: late.deferred(check_first=False))
    return BatchResult(table_rows, summary, 1 if failed else 0, csv_path, xlsx_path, resumed, finished)


def copy_name(workbook: Path, scenario: str) -> str:
    """The file name of ``workbook``'s values copy under ``scenario`` (``--scenario-workbooks``)."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in scenario)[:80]
    return f"{workbook.stem}--{safe}.xlsx"


def _check_copy_names(books: Sequence[Path], chosen: Sequence[Scenario]) -> None:
    """Refuse a batch two of whose copies would be written to one file (m.xlsx in two folders, scenarios
    "a b" and "a_b"): the second would replace the first."""
    seen: dict[str, tuple[Path, str]] = {}  # by the name in any case (one file on macOS and Windows)
    for book in books:
        for s in chosen:
            name = copy_name(book, s.name)
            if name.casefold() in seen and seen[name.casefold()] != (book, s.name):
                first, scenario = seen[name.casefold()]
                raise RefusedError(f"--scenario-workbooks: {first} under {scenario!r} and {book} under {s.name!r} "
                                   f"would both be written to {name}; rename a workbook or a scenario")
            seen[name.casefold()] = (book, s.name)


def _write_copy(folder: Path, workbook: Path, scenario: str, data: bytes) -> None:
    target = folder / copy_name(workbook, scenario)
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomically(target, write)


def _tabulate(books: Sequence[Path], chosen: Sequence[Scenario], keys: dict[tuple[int, str], str],
              done: dict[str, Entry], answers: dict[int, list[tuple[Task, TaskResult]]],
              refused: dict[int, str]) -> tuple[list[Row], list[str], bool]:
    rows: list[Row] = []
    summary: list[str] = []
    failed = False
    width = max(len(str(b)) for b in books)
    for index, book in enumerate(books):
        name = str(book)
        why = refused.get(index) or next((r.refused for _t, r in answers.get(index, []) if r.refused), "")
        if why:
            failed = True
            rows.append(Row(name, "", "", None, f"refused: {why}"))
            summary.append(f"refused  {name:<{width}}  {why}")
            continue
        errors: dict[str, int] = {}
        for s in chosen:
            entry = done.get(keys[(index, s.name)])
            if entry is None:
                rows.append(Row(name, s.name, "", None, "not computed (the run stopped before it)"))
                errors["not computed"] = errors.get("not computed", 0) + 1
                continue
            for output, value, message in entry.rows:
                rows.append(Row(name, s.name, output, value, message))
                if message:
                    label = message.split(":")[0] if message.startswith(("input ", "output ")) else "scenario"
                    errors[label] = errors.get(label, 0) + 1
                elif isinstance(value, str) and value.startswith("#"):  # an Excel error or a function's message
                    errors[output] = errors.get(output, 0) + 1
        if errors:
            failed = True
            summary.append(f"errors   {name:<{width}}  " + ", ".join(f"{k} ({n})" for k, n in errors.items()))
        else:
            summary.append(f"ok       {name:<{width}}  {len(chosen)} scenario{'s' if len(chosen) != 1 else ''}")
    return rows, summary, failed


class _Quiet:
    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, progress: bool | None) -> Any:
    """tqdm's line (done/total, rate, time left) on a terminal; nothing otherwise or without tqdm."""
    live = sys.stderr.isatty() if progress is None else progress
    if not live or total == 0:
        return _Quiet()
    try:
        from tqdm import tqdm
    except ImportError:  # the recalc extra brings it; a bare install runs without the line
        return _Quiet()
    return tqdm(total=total, unit="scenario", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def _pool_results(tasks: Sequence[Task], workers: int | None, interrupts: Interrupts,
                  mask_workers: bool = False) -> Iterator[tuple[Task, TaskResult]]:
    """Run the tasks on a process pool; a pool a worker died in is replaced once for the tasks it had. A signal is
    noted while the pool's own code runs and raised between its steps (:class:`.interrupts.Interrupts`); the
    caller's code between results is interrupted at once."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    if not tasks:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["trups_xl.recalc.batch", "trups_xl.recalc.scenarios", "trups_xl.recalc.run"])
    breaks: dict[int, int] = {}
    pending = list(range(len(tasks)))
    while pending:
        with interrupts.deferred():
            if mask_workers:
                start_forkserver()
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
        try:
            with interrupts.deferred():
                futures = {pool.submit(evaluate_task, tasks[i]): i for i in pending}
            pending = []
            for i, result in each_finished(futures, interrupts, _outcome):
                if result is None:  # its worker died
                    breaks[i] = breaks.get(i, 0) + 1
                    if breaks[i] < 2:
                        pending.append(i)
                        continue
                    result = _died(tasks[i])
                yield tasks[i], result
        except BaseException as exc:
            with interrupts.deferred(check_first=False):
                stop_pool(pool)
            if interrupts.noted and not isinstance(exc, KeyboardInterrupt):
                raise KeyboardInterrupt from None  # a SIGTERM to the group ended the forkserver as a worker started
            raise
        with interrupts.deferred():
            pool.shutdown(wait=True, cancel_futures=True)
    interrupts.check()


def _outcome(future: Future[TaskResult]) -> TaskResult | None:
    """A finished task's result; None where its worker died."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as exc:  # a defect, reported in the task's rows rather than lost
        return TaskResult(refused=f"the worker failed: {type(exc).__name__}: {exc}")


def _died(task: Task) -> TaskResult:
    return TaskResult(scenarios=[(s, [("", None, "a worker process died running it twice (out of memory?)")], None)
                                 for s in task.scenarios])


__all__ = ["CLUSTER_ENV", "BatchResult", "Task", "TaskResult", "evaluate_task", "results_paths", "run_batch",
           "workbooks_from"]
