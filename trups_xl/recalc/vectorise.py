"""``TRUPS_*`` calls evaluated as one vectorised call per column, before the formula engine evaluates
the rest.

A model fills whole columns with the same formula, row after row; the calculation core takes
arrays, and a call through the engine costs tens of microseconds. So every ``TRUPS_*`` call on
literals, cell references, ranges, defined names and skipped arguments is evaluated here, whether it
is the whole formula (``=TRUPS_ACCRUAL(A2,B2)``) or inside one (``=IF(A2=F2,TRUPS_COUPON(A2,,P),0)``,
``=TRUPS_COUPON(D2)*N``, a call reading a call): the calls of one column are one :class:`Run`, parsed
once, made as one call with the varying arguments as a column (:data:`VECTOR_PARAMETERS`). When that
one call answers an error, each cell is called on its own, so a bad row gets its own message and the
others their numbers. Every call goes through the same :mod:`trups_xl.excel.udfs` function Excel calls.

A whole-formula call's values replace its formulas in the engine (where the engine meets one before its run, it
is answered a stand-in, which the values then replace), or fill its cells, holding a stand-in number in the
engine's copy (:data:`.engine_copy.STAND_IN`, so no formula spills onto them) when the runs were planned before
the engine loaded the workbook (:func:`.load.load_workbook` with ``blank_runs``). A formula that calls its
functions whenever it is evaluated (:func:`.planning.always_called`) is rewritten, in the engine only, to read
its calls' values from a scratch sheet. A formula with a call in a branch keeps its text, and the engine's calls
in it are answered from the runs' values (:class:`.engine.Answers`):
the engine still evaluates the ``IF``, so a branch not taken is never shown, and ``IFERROR`` catches
an error the call answered, as Excel does. Where a call cannot be answered (a skipped argument the
engine passes as 0 meets a typed 0 with another result, a call no run makes, a call the engine met
before its run), the formula is rewritten, in the engine only, to read its values from a scratch
sheet (named so no sheet of the workbook has it).

The runs are taken level by level (:mod:`.order`): a run that reads only values and runs already
made is made at once, whatever its level; before the other runs of a level, the engine evaluates the
formulas they read (``=A2-1``, a lookup, a running total over other runs' values). The engine
evaluates more than it is asked to there (an ``IF`` anywhere in what it evaluates: everything), so
the fewer runs wait for it, the fewer calls it meets before their runs. A run on a cycle, a run
whose result is a table (the engine spills it) and every other call of the same formulas are the
engine's; a run that read a cell some formula spills into is redone by
it (:meth:`Outcome.to_redo`, checked after evaluation). Formulas come from the engine's own parse of
the workbook (shared formulas expanded).
"""


from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import formualizer as fz

from trups_xl.recalc.blocks import BlockCells
from trups_xl.recalc.calls import MAX_RANGE_CELLS, VECTOR_PARAMETERS, Call, Key, Ref, Refusal, hashable
from trups_xl.recalc.computed import ColumnValues
from trups_xl.recalc.engine import (
    Answers,
    DateLog,
    as_sent,
    dates_as_serials,
    evaluate_all,
    evaluate_cells,
    key_part,
)
from trups_xl.recalc.engine_copy import STAND_IN
from trups_xl.recalc.grouping import grouped_columns
from trups_xl.recalc.load import keep_for_collect
from trups_xl.recalc.marking import mark_skipped_in, set_formulas
from trups_xl.recalc.package import Scan
from trups_xl.recalc.planning import (
    Host,
    Plan,
    Rect,
    Run,
    called_elsewhere,
    give_back,
    plan,
    restore,
)
from trups_xl.recalc.safety import RefusedError


@dataclass
class Outcome:
    """What the vectorised path set into the engine."""

    values: Mapping[Key, Any]  # cell -> the value set (as the engine holds it)
    dates: set[Key]  # cells whose value is a date the function returned
    runs: list[Run] = field(default_factory=list)  # the runs evaluated here
    #: formula cells whose calls were made here, the formula around them left to the engine
    hosts: BlockCells = field(default_factory=BlockCells)
    #: each run's block of formulas (id of the run -> host)
    host_of: dict[int, Host] = field(default_factory=dict)
    #: blocks whose formulas the engine keeps as written, their calls answered from ``answers``
    answered: list[Host] = field(default_factory=list)
    answers: Answers | None = None
    #: the values of answered blocks' scratch cells, set only if the blocks are pinned (id of the run ->)
    held: dict[int, list[Any]] = field(default_factory=dict)
    #: what each run made after the engine first evaluated something read (id of the run -> the
    #: :func:`_fingerprint` of its arguments): the engine may then have shown a spill that was gone by the
    #: end (an anchor evaluated while a run it reads held its stand-in), so these are read again at the end
    read_with: dict[int, bytes] = field(default_factory=dict)

    def settle(self, book: fz.Workbook) -> None:
        """Evaluate what is left; where a call was missed with a 0 that may be a skipped argument,
        every answered block is given its rewritten formulas (:meth:`pin`) and evaluated again."""
        evaluate_all(book)
        if self.answers is not None and self.answers.doubt:
            self.pin(book)
            evaluate_all(book)

    def pin(self, book: fz.Workbook) -> None:
        """Every answered block's formulas rewritten to read its scratch cells, the answers dropped (a
        model evaluated again under new inputs sets its runs' values into the scratch cells)."""
        for host in self.answered:
            if not host.reverted:
                _pin(book, host, self.held)
        self.answered = []
        self.held = {}
        if self.answers is not None:
            self.answers.clear()

    def to_redo(self, spilled: dict[str, set[tuple[int, int]]], book: fz.Workbook | None = None) -> list[Run]:
        """Runs that read a cell some formula spilled into, or (with ``book``, evaluated) read arguments that
        are not what they hold now (:attr:`read_with`), and every run that read one of those (or the formulas
        around them), with every run of the same formulas."""
        redo = [r for r in self.runs if any(
            rect.sheet in spilled and any(rect.rows[0] <= row <= rect.rows[1] and rect.cols[0] <= col <= rect.cols[1]
                                          for row, col in spilled[rect.sheet]) for rect in r.reads())]
        if book is not None and self.read_with:
            cache: dict[object, object] = {}
            redo += [r for r in self.runs if id(r) in self.read_with and r not in redo
                     and _fingerprint(_run_columns(book, r, cache)[0]) != self.read_with[id(r)]]
        while redo:
            hosts = {id(self.host_of[id(d)]) for d in redo}
            readers = [r for r in self.runs if r not in redo and (id(self.host_of[id(r)]) in hosts or any(
                rect.overlaps(d.sheet, (d.first_row, d.last_row), (d.col, d.col))
                or (d.scratch is not None and rect.overlaps(d.scratch[0], (d.first_row, d.last_row),
                                                            (d.scratch[1], d.scratch[1])))
                for d in redo for rect in r.reads()))]
            if not readers:
                break
            redo += readers
        return redo

    def give_back(self, book: fz.Workbook, runs: list[Run]) -> Outcome:
        """The engine's own formulas again for ``runs`` (their cells, or the formulas around them); what
        is left of this outcome."""
        hosts = {id(self.host_of[id(r)]): self.host_of[id(r)] for r in runs}
        for host in hosts.values():
            restore(book, host)
        gone = {(h.block.sheet, h.block.first_row + k, h.block.col) for h in hosts.values()
                for k in range(h.block.count)}
        kept = [r for r in self.runs if id(self.host_of[id(r)]) not in hosts]
        return Outcome({k: v for k, v in self.values.items() if k not in gone}, self.dates - gone, kept,
                       BlockCells(b for b in self.hosts.blocks if not any(b is h.block for h in hosts.values())),
                       {id(r): self.host_of[id(r)] for r in kept},
                       [h for h in self.answered if id(h) not in hosts], self.answers, self.held,
                       {id(r): self.read_with[id(r)] for r in kept if id(r) in self.read_with})



def evaluate(book: fz.Workbook, scan: Scan, formulas: dict[Key, str], protected: set[Key],
             answers: Answers | None = None, planned: Plan | None = None, log: DateLog | None = None,
             one_off: bool = False) -> Outcome:
    """Evaluate the ``TRUPS_*`` calls among ``formulas`` (cell -> formula text, as the engine parsed it)
    as runs and set their values into ``book``: a call that is a whole formula, into its cells; a
    call inside a formula, into a scratch cell the formula is rewritten to read. Runs are taken level
    by level, the formulas they read evaluated first; a run on a cycle, and every call of its
    formula, is left to the engine, which evaluates it cell by cell.

    Once planned, ``formulas`` keeps only what reading the results back needs beyond the scan's own
    texts (:func:`keep_for_collect`; ``planned`` before the load: kept so then).

    ``one_off``: the engine's workbook is only read back after this evaluation (one recalculation, its
    results read from the runs): a whole-formula run no formula reads (:attr:`.planning.Plan.unread`) whose
    cells hold stand-ins in the engine's copy is not set into the engine (at 2 microseconds and about 100
    bytes a value there); its cells keep their stand-ins. A model evaluated again needs every value in the
    engine: not one-off."""
    the_plan = planned or plan(scan, formulas, protected)
    if planned is None:  # a plan made before the load kept them then (:func:`.load.load_workbook`)
        keep_for_collect(formulas)
    hosts = the_plan.hosts
    runs = the_plan.runs
    host_of = {id(run): host for host in hosts for run in host.runs}
    if any(r.scratch is not None for r in runs) and not the_plan.scratch_in_copy:
        book.add_sheet(the_plan.scratch)
    if answers is not None and called_elsewhere(scan):
        answers = None
    first_answered, pinned = the_plan.first_pins(scan, answers is not None)
    answered = {id(h): h for h in first_answered}  # hosts whose formulas the engine keeps, their calls answered
    in_copy = {id(h) for h in the_plan.pinned_in_copy}
    for h in pinned:
        if id(h) not in in_copy:
            _pin(book, h)
    # every other formula the engine evaluates calls the functions under an alias that is never answered
    marks = the_plan.marks(scan, answering=answers is not None)
    for block, texts in marks:
        set_formulas(book, block.sheet, block.first_row, block.col, texts)
    # where the engine holds no call of a function but those answered from runs made (every whole-formula
    # call a stand-in number in its copy, nothing marked), what a level's runs read is had from its evaluation
    # of everything: the engine evaluates a column it is asked for several times more slowly than in that
    quiet = planned is not None and the_plan.whole_in_copy and not marks and not the_plan.marked_in_copy
    node_of = {id(run): n for n, run in enumerate(runs)}
    if answers is None:
        for h in hosts:  # a whole-formula call holds a stand-in until its run is made: never called by the engine,
            if h.top and not h.reverted:  # and no formula spills onto it (where the engine alone holds the call)
                book.set_values_batch(h.block.sheet, h.block.first_row, h.block.col, [[STAND_IN]] * h.block.count)
    else:
        # a whole-formula call the engine meets before its run gets a stand-in (its run's values then replace
        # the formula, and what read it is evaluated again): cheaper than blanking the cells first
        answers.open = True
    # the runs no formula reads, their cells stand-ins in the engine's copy: their values are had from the runs
    kept_out = the_plan.unread if one_off and planned is not None and the_plan.whole_in_copy else frozenset()
    made_values = ColumnValues()  # the runs' values, a column each (no key per cell)
    outcome = Outcome(made_values, set())
    # the scratch columns some run reads; the others' values are held until a formula reads them
    read = {c for r in runs for rect in r.reads() if rect.sheet == the_plan.scratch
            for c in range(rect.cols[0], rect.cols[1] + 1)}
    held: dict[int, list[Any]] = {}
    pending = {node for node in range(len(runs)) if the_plan.levels[node]}  # runs not given back to the engine
    left = sorted(pending, key=lambda n: (the_plan.levels[n], n))
    made: set[int] = set()
    fingerprints: dict[int, bytes] | None = None  # from the engine's first evaluation on
    while True:
        left = [n for n in left if not host_of[id(runs[n])].reverted]
        if not left:
            break
        # first every run that reads only values and runs already made: no evaluation by the engine before it,
        # so the engine meets fewer calls whose runs are not made yet (see the stand-ins below)
        ready = [(n, runs[n]) for n in left if _needs(the_plan, runs, n, pending, made) is None]
        if not ready:  # the lowest level: what its runs read evaluated first (what lower levels read is made)
            level = the_plan.levels[left[0]]
            ready = [(n, runs[n]) for n in left if the_plan.levels[n] == level]
            targets: set[Key] = set()
            for node, _run in ready:
                targets |= _needs(the_plan, runs, node, pending, made, cells=True) or set()
            if targets:
                fingerprints = outcome.read_with
                if not (quiet and not any(h.reverted for h in hosts) and all(
                        node_of[id(r)] in made for h in answered.values() for r in h.runs) and _all_evaluated(book)):
                    evaluate_cells(book, sorted(targets))
                if answers is not None and answers.missed:
                    # the engine met a call before its run (it evaluates more than it is asked to) and gave it
                    # a stand-in: every answered formula calling that function reads its scratch cells from here
                    # on (a formula given new text is evaluated again), and the formulas read are evaluated again
                    missed = {name for name, _key in answers.missed}
                    answers.missed.clear()
                    stale = [h for h in answered.values() if any(r.first.function in missed for r in h.runs)]
                    for host in stale:
                        _pin(book, answered.pop(id(host)), held)
                    for name in missed:
                        answers.by_call.pop(name, None)
                    if stale:
                        evaluate_cells(book, sorted(targets))
        taken_now = {n for n, _run in ready}
        left = [n for n in left if n not in taken_now]
        made |= taken_now
        results = _run_round(book, [run for _n, run in ready], fingerprints)
        for _node, run in ready:
            host = host_of[id(run)]
            values = results.get(id(run))
            if values is None or host.reverted:  # a table somewhere: the engine's, which spills it
                if not host.reverted:
                    restore(book, host)
                    answered.pop(id(host), None)
                pending -= {node_ for node_, r in enumerate(runs) if host_of[id(r)] is host}
                continue
            if run.scratch is not None:
                column = [v for v, _ in values]
                if id(host) in answered and run.scratch[1] not in read:
                    held[id(run)] = column  # into its scratch cells only if its formulas come to read them
                else:
                    _set_scratch(book, run, column)
                if log is not None and id(host) not in answered:  # the engine never makes these calls: logged
                    log.record_values(run.first.function, values)  # as they would be (a date stays a date)
                if answers is not None and id(host) in answered and not _answer(book, answers, run, values):
                    _pin(book, answered.pop(id(host)), held)
                continue
            column = [v for v, _ in values]
            made_values.put_column(run.sheet, run.first_row, run.col, column)
            if host.dated:
                outcome.dates.update((run.sheet, run.first_row + k, run.col)
                                     for k, (_v, is_date) in enumerate(values) if is_date)
            if node_of[id(run)] not in kept_out:
                book.set_values_batch(run.sheet, run.first_row, run.col, [[v] for v in column])
    outcome.runs = [r for r in runs if not host_of[id(r)].reverted]
    outcome.host_of = {id(r): host_of[id(r)] for r in outcome.runs}
    outcome.hosts = BlockCells(h.block for h in hosts if not h.reverted and not h.top)
    if answers is not None:
        answers.doubt = answers.doubt or bool(answers.missed)  # a stand-in given anywhere else: made again
        answers.open = False
        answers.missed.clear()
    outcome.answered = [h for h in answered.values() if not h.reverted]
    outcome.answers = answers
    outcome.held = held
    return outcome


def _all_evaluated(book: fz.Workbook) -> bool:
    """Whether the engine evaluated everything; False where it refused to (:func:`.engine.evaluate_all`: it
    can while runs hold stand-ins, a formula spilling onto one that reads what it spills giving it no fixed
    point, ``#N/IMPL!``), and the cells a level's runs read are then asked for alone, as they were before
    everything was evaluated (refused in turn where the engine cannot evaluate those either)."""
    try:
        evaluate_all(book)
    except RefusedError:
        return False
    return True


def _needs(the_plan: Plan, runs: list[Run], node: int, pending: set[int], made: set[int],
           cells: bool = False) -> set[Key] | None:
    """What run ``node`` waits for: None when it reads only values and runs already made; else (with
    ``cells``) the formula cells the engine must evaluate before it (not runs, not scratch columns),
    else an empty set."""
    out: set[Key] = set()
    waits = False
    for rect in runs[node].reads():
        for first, last, other, col in the_plan.index.overlapping(rect.sheet, rect.rows, rect.cols):
            if other in pending:
                waits = waits or (other not in made and other != node)
                continue
            if other < len(runs) and runs[other].scratch is not None:
                continue  # a scratch column of a call given back to the engine: nothing reads it
            waits = True
            if not cells:
                return out
            out.update(zip(repeat(rect.sheet), range(max(first, rect.rows[0]), min(last, rect.rows[1]) + 1), repeat(col)))
    return out if waits else None


def _set_scratch(book: fz.Workbook, run: Run, column: list[Any]) -> None:
    assert run.scratch is not None
    book.set_values_batch(run.scratch[0], run.first_row, run.scratch[1], [[v] for v in column])


def _pin(book: fz.Workbook, host: Host, held: dict[int, list[Any]] | None = None) -> None:
    """Give the engine a block's formulas rewritten to read its calls' scratch cells (skipped
    arguments marked, any call left under its alias), instead of answering its calls; the values
    ``held`` for its scratch cells are set first. A formula that may not read them
    (:meth:`.planning.Host.pinnable`) is given back to the engine instead, its calls its own."""
    if not host.pinnable():
        restore(book, host)
        return
    for run in host.runs:
        if held and id(run) in held:
            _set_scratch(book, run, held.pop(id(run)))
    b = host.block
    set_formulas(book, b.sheet, b.first_row, b.col, host.engine_column_texts())


def _answer(book: fz.Workbook, answers: Answers, run: Run, values: list[tuple[Any, bool]]) -> bool:
    """Keep a nested run's values as the answers to the engine's calls of it (a skipped argument as the
    0 the engine passes for it); False where they cannot be kept (an argument refused before any call,
    or another answer kept for the same arguments)."""
    if any(isinstance(a, Refusal) for a in run.first.args):
        return False
    per_arg, varying = _run_columns(book, run, {})
    skipped = {i for i, a in enumerate(run.first.args) if a is None}
    function = run.first.function
    if skipped:
        answers.skipped_at.setdefault(function, set()).update(skipped)
    columns = [[key_part(v) for v in arg] if vary else repeat(0.0 if i in skipped else key_part(arg), run.count)
               for i, (arg, vary) in enumerate(zip(per_arg, varying, strict=True))]
    keys = zip(*columns, strict=False) if columns else repeat((), run.count)
    return answers.add_all(function, keys, values)


def _column(book: fz.Workbook, ref: Ref, count: int, cache: dict[object, object]) -> list[object]:
    """The values a relative one-cell reference reads down a run of ``count`` rows."""
    key = (ref.sheet, ref.rows[0], ref.cols[0], count)
    if key not in cache:
        rows = book.sheet(ref.sheet).get_values(fz.RangeAddress(ref.sheet, ref.rows[0], ref.cols[0],
                                                                 ref.rows[0] + count - 1, ref.cols[0]))
        column = [v if type(v) is float else as_sent(v) for v in (row[0] for row in rows)]  # a number (a date too)
        cache[key] = column + [None] * (count - len(column))
    return cache[key]  # type: ignore[return-value]


def _run_columns(book: fz.Workbook, run: Run, cache: dict[object, object]) -> tuple[list[Any], list[bool]]:
    """Each argument as Excel sends it: a column of values down the run, or one value for all rows (dates
    read as their serials, :func:`.engine.dates_as_serials`)."""
    per_arg: list[list[object] | object] = []
    varying: list[bool] = []
    with dates_as_serials(book):
        for a in run.first.args:
            if isinstance(a, Ref) and a.single and not a.absolute[0]:
                per_arg.append(_column(book, a, run.count, cache))
                varying.append(True)
            elif isinstance(a, Ref) and (a.absolute == (True, True) or run.count == 1):
                per_arg.append(_read(book, a, cache))
                varying.append(False)
            elif isinstance(a, Ref):  # a range moving down with the rows
                per_arg.append([_read(book, a.shifted(k), cache) for k in range(run.count)])
                varying.append(True)
            else:
                per_arg.append(a)
                varying.append(False)
    return per_arg, varying


def _read(book: fz.Workbook, arg: Ref, cache: dict[object, object]) -> object:
    """A reference's value as Excel sends it: a value, or rows of values (one read per range)."""
    if arg in cache:
        return cache[arg]
    if arg.single:
        value = as_sent(book.get_value(arg.sheet, arg.rows[0], arg.cols[0]))
    else:
        rows = book.sheet(arg.sheet).get_values(fz.RangeAddress(arg.sheet, arg.rows[0], arg.cols[0],
                                                                 arg.rows[1], arg.cols[1]))
        if arg.whole:  # down to the last row any of its columns holds something, as the engine passes it
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            if not rows:  # columns holding nothing: the engine passes every one of their 1,048,576 rows, each
                cache[arg] = EMPTY_COLUMNS  # empty, to each call; the run is given back to it (see _run_round)
                return EMPTY_COLUMNS
        value = [[as_sent(v) for v in row] for row in rows]
    cache[arg] = value
    return value


#: What a whole-column argument reads where its columns hold nothing: its run is the engine's.
EMPTY_COLUMNS = object()


def _fingerprint(per_arg: list[Any]) -> bytes:
    """A digest of a run's arguments as read (:func:`_run_columns`): a column of numbers by its doubles,
    anything else by its ``repr``."""
    import hashlib  # here, not with the module: it loads OpenSSL's libcrypto (3 MB, 5 ms), which a workbook
    # whose runs read only typed values never needs

    digest = hashlib.blake2b(digest_size=16)
    for arg in per_arg:
        if type(arg) is list and all(type(v) is float for v in arg):
            digest.update(b"f%d:" % len(arg))
            digest.update(array("d", arg).tobytes())
        else:
            digest.update(b"r" + repr(arg).encode())
    return digest.digest()


def _run_round(book: fz.Workbook, runs: list[Run], fingerprints: dict[int, bytes] | None = None,
               ) -> dict[int, list[tuple[Any, bool]]]:
    """Each run's values (None for a run with a table result), one call per group of its rows; with
    ``fingerprints``, each run's :func:`_fingerprint` of its arguments noted there."""
    cache: dict[object, object] = {}
    out: dict[int, list[tuple[Any, bool]]] = {}
    same: dict[object, Run] = {}  # the very same call over the same rows (in two formulas): made once
    for run in runs:
        identity = (run.first.function, run.first_row, run.count, tuple(
            (a.sheet, a.rows, a.cols, a.absolute, a.whole) if isinstance(a, Ref) else (type(a).__name__, hashable(a))
            for a in run.first.args))
        twin = same.setdefault(identity, run)
        if twin is not run:
            if id(twin) in out:
                out[id(run)] = out[id(twin)]
            if fingerprints is not None and id(twin) in fingerprints:
                fingerprints[id(run)] = fingerprints[id(twin)]
            continue
        refused = next((a for a in run.first.args if isinstance(a, Refusal)), None)
        if refused is not None:
            out[id(run)] = [(refused.message, False)] * run.count
            continue
        per_arg, varying = _run_columns(book, run, cache)
        if any(a is EMPTY_COLUMNS for a in per_arg):
            continue  # the engine's, as it reads whole columns holding nothing (not a million rows made here)
        if fingerprints is not None:
            fingerprints[id(run)] = _fingerprint(per_arg)
        result = grouped_columns(run.first.function, per_arg, varying, run.count)
        if any(isinstance(v[0], list) for v in result):
            continue  # a table somewhere: the engine's, which spills it
        out[id(run)] = result
    return out


__all__ = ["MAX_RANGE_CELLS", "VECTOR_PARAMETERS", "Call", "Host", "Outcome", "Plan", "Rect", "Ref", "Run", "evaluate",
           "give_back", "mark_skipped_in", "plan", "restore"]
