"""Headless recalculation: every formula of a workbook evaluated by the formula engine, the
``TRUPS_*`` calls through the very same :mod:`trups_xl.excel.udfs` functions Excel calls.

The steps: the package is checked and its sheets scanned as bytes (:mod:`.package`, refusing what
the command does not read); the engine loads the workbook (:mod:`.engine`; a formula it cannot
parse, an external reference or a DDE link is given an error value first, and listed); runs of
simple ``TRUPS_*`` calls are evaluated vectorised and set into the engine (:mod:`.vectorise`); the
engine evaluates everything else, with dynamic arrays (a table typed in one cell spills; where the
area is not empty the cell shows ``#SPILL!`` and the summary names the cell in the way); the
values copy is written by rewriting the formula cells of the sheet parts (:mod:`.writer`).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from trups_xl.excel.convert import collector_paused
from trups_xl.recalc import data_tables, vectorise
from trups_xl.recalc.collect import Recalculation, collect
from trups_xl.recalc.load import Loaded, load_workbook
from trups_xl.recalc.report import CONDITION_PREFIXES, MAX_LISTED_ERRORS, error_lines, shown, summary
from trups_xl.recalc.safety import Limits, RefusedError, check_output
from trups_xl.recalc.steps import step
from trups_xl.recalc.writer import write_copy

SPILL = "#SPILL!"


@contextmanager
def _progress(say: Callable[[str], None], total: int) -> Iterator[Callable[[int], None]]:
    """One updating line on a terminal for long runs; nothing in a log (only the step lines)."""
    live = sys.stderr.isatty() and total >= 20_000
    last = [-1]

    def tick(done: int) -> None:
        if live and (done * 20 // max(total, 1)) != last[0]:
            last[0] = done * 20 // max(total, 1)
            sys.stderr.write(f"\r[recalc] evaluated {done:,} of {total:,} cells")
            sys.stderr.flush()

    try:
        yield tick
    finally:
        if live:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def recalculate(path: Path | str, progress: Callable[[str], None] | None = None,
                limits: Limits | None = None, vectorise_calls: bool = True) -> Recalculation:
    """Evaluate every formula of ``path``; the file is not modified, and no other file is read
    (external references show ``#REF!`` and are listed). :func:`load_workbook` then
    :func:`evaluate_workbook`.

    Raises
    ------
    RefusedError
        The workbook is not one this command reads (one line saying why).

    ``vectorise_calls=False`` sends every formula through the engine (the reference path the tests
    compare :mod:`trups_xl.recalc.vectorise` with).
    """
    with collector_paused():  # hundreds of thousands of long-lived objects, no cycles: see collector_paused
        return evaluate_workbook(load_workbook(Path(path), progress, limits, blank_runs=vectorise_calls),
                                 vectorise_calls)



def evaluate_workbook(loaded: Loaded, vectorise_calls: bool = True) -> Recalculation:
    """Evaluate every formula of a loaded workbook and read the results back. The engine's workbook
    is changed on the way (calls' values set in, formulas rewritten to read them; the values of a whole
    column of calls no formula reads left out of it: ``one_off`` of :func:`evaluate_calls`), so a
    :class:`Loaded` is evaluated once."""
    total = sum(len(s.formulas) for s in loaded.found.sheets)
    loaded.say(f"evaluating {total:,} formula cells")
    with _progress(loaded.say, total) as tick:
        if loaded.plan is not None and _vectorised(loaded, vectorise_calls):
            for sheet in loaded.found.sheets:
                sheet.formulas.forget_texts()
        outcome = evaluate_calls(loaded, vectorise_calls, tick, one_off=True)
        tick(total)
    return collect(loaded, outcome)


def evaluate_calls(loaded: Loaded, vectorise_calls: bool = True,
                   tick: Callable[[int], None] | None = None, one_off: bool = False) -> vectorise.Outcome:
    """The first half of :func:`evaluate_workbook`: the ``TRUPS_*`` calls made as vectorised runs
    (:func:`.vectorise.evaluate`: values set into the engine, formulas around nested calls rewritten
    to read the scratch sheet), then the engine evaluates everything else (all of it where a formula
    looks at the workbook itself: :attr:`.load.Loaded.reflective`). Returns what the runs set,
    for :func:`collect` (the scenarios of :mod:`.scenarios` keep the runs and make them again). ``one_off``:
    the engine's workbook is only read back afterwards (:func:`.vectorise.evaluate`)."""
    with step("runs"):
        return _evaluate_calls(loaded, vectorise_calls, tick, one_off)


def _evaluate_calls(loaded: Loaded, vectorise_calls: bool, tick: Callable[[int], None] | None,
                    one_off: bool = False) -> vectorise.Outcome:
    book, found, formulas = loaded.book, loaded.found, loaded.formulas
    if _vectorised(loaded, vectorise_calls):
        outcome = vectorise.evaluate(book, found, formulas, loaded.protected, loaded.answers, loaded.plan, loaded.log,
                                     one_off)
        loaded.plan = None  # the plan's hosts now say what this evaluation did: it is not made twice
    else:
        for block in loaded.plan.blocks if loaded.plan is not None else ():
            # every block the copy may have changed (a later cell of a shared formula whose first cell was
            # changed is empty there too): its formulas back, the engine's, marked below as it is given them
            vectorise.give_back(book, block)
        loaded.plan = None
        vectorise.mark_skipped_in(book, formulas)
        outcome = vectorise.Outcome({}, set())
    if tick is not None:
        tick(len(outcome.values))
    outcome.settle(book)
    return outcome


def _vectorised(loaded: Loaded, vectorise_calls: bool) -> bool:
    """Whether the calls are made as vectorised runs: asked for, and no formula looks at the workbook itself (then the
    engine alone evaluates it, which is never wrong)."""
    return vectorise_calls and not loaded.reflective


def write_values(path: Path, out: Path, result: Recalculation, replace_input: bool = False) -> None:
    """Copy ``path`` to ``out`` (atomically) with every formula replaced by its computed value, every
    cell of an array or spilled result written, dates as dates and text as text. An .xlsm written
    as .xlsm keeps its VBA project; external link parts are not carried over. ``out`` may be the
    input itself only with ``replace_input`` (--in-place --replace-formulas)."""
    if not replace_input and out.exists() and out.resolve() == path.resolve():
        raise RefusedError("refusing to overwrite the input workbook; pass another -o path or --in-place")
    if result.scan is None:
        raise RefusedError("nothing to write: the recalculation holds no scan of the workbook")
    keep_vba = result.has_vba and out.suffix.lower() == ".xlsm"
    with collector_paused(), step("values copy"):
        pieces = data_tables.in_pieces(result.scan)
        write_copy(path, out, result.scan, result.cells, keep_vba, formulas=(lambda _title: pieces) if pieces else None)


@dataclass(frozen=True)
class Options:
    """What ``trups-xl recalc`` was asked to do."""

    output: Path | None = None
    replace_formulas: bool = False
    allow_circular: bool = False
    limits: Limits = field(default_factory=Limits)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder`` that do not exist yet, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


@contextmanager
def _no_traceback_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM end the run as an exception, so every temporary file is removed on the way
    out; the command then prints one line (exit 130 / 143)."""
    def stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class _Stopped(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def main_recalc(path: Path, options: Options) -> int:
    """The ``recalc`` command: 0 when every cell has a value, 1 when some cells hold errors (or
    circular references), 2 when the input or the output is refused, 130/143 when interrupted."""
    try:
        with _no_traceback_on_signals():
            return _main_recalc(path, options)
    except _Stopped as stop:
        print(f"trups-xl: interrupted ({signal.Signals(stop.signum).name}); nothing was written", file=sys.stderr)
        return 128 + stop.signum


def _main_recalc(path: Path, options: Options) -> int:
    created: list[Path] = []
    try:
        target = path if options.replace_formulas else (
            options.output or path.with_name(path.stem + ".values" + path.suffix))
        missing = _missing_folders(target.parent)
        if not options.replace_formulas:
            check_output(path, target if not missing else missing[0].parent / "probe.xlsx")
        result = recalculate(path, progress=lambda m: print(f"[recalc] {m}", file=sys.stderr),
                             limits=options.limits)
        if result.has_vba and target.suffix.lower() != ".xlsm":
            print(f"Notice: {path.name} has a VBA project; {target.name} is written without it (.xlsx)")
        try:
            for folder in missing:
                folder.mkdir()
                created.append(folder)
            write_values(path, target, result, replace_input=options.replace_formulas)
        except OSError as exc:
            raise RefusedError(f"could not write {target}: {exc.strerror or exc}") from None
    except BaseException as exc:
        for folder in reversed(created):  # the folders made for the output, when nothing was written
            try:
                folder.rmdir()
            except OSError:
                pass
        if not isinstance(exc, RefusedError):
            raise
        print(f"trups-xl: {exc}", file=sys.stderr)
        return 2
    print(f"Recalculated {path} -> {target}")
    print(summary(result))
    if result.spills:
        shown_spills = list(result.spills.items())[:MAX_LISTED_ERRORS]
        more = len(result.spills) - len(shown_spills)
        print(f"Spilled tables: {len(result.spills)} ("
              + ", ".join(f"{s}!{area}" for (s, _), area in shown_spills) + (f", ... {more} more" if more else "")
              + ")")
    if result.external:
        print("External references not read (they show #REF!): " + ", ".join(result.external))
    titles = [sheet.title for sheet in result.scan.sheets] if result.scan is not None else []
    if result.notices:
        print("Notices:\n  " + "\n  ".join(error_lines(result.notices, titles)))
    if result.circular:
        print("Circular references (shown as 0, as Excel does): " + ", ".join(error_lines(result.circular, titles)))
    if result.errors:
        print(f"Cells with errors: {len(result.errors)}\n  " + "\n  ".join(error_lines(result.errors)))
    failed = bool(result.errors) or (bool(result.circular) and not options.allow_circular)
    return 1 if failed else 0


__all__ = ["CONDITION_PREFIXES", "SPILL", "Loaded", "Options", "Recalculation", "collect", "evaluate_calls",
           "evaluate_workbook", "load_workbook", "main_recalc", "recalculate", "shown", "summary", "write_values"]
