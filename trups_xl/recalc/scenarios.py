"""Scenarios: one model loaded and parsed once, evaluated under many sets of inputs (the
scenario table and the outputs are read by :mod:`.scenario_table`).

:class:`ModelSession` holds a workbook loaded into the engine once (:func:`.run.load_workbook`) and
evaluated once as a single recalculation evaluates it (:func:`.run.evaluate_calls`: the ``TRUPS_*``
calls made as the vectorised runs of :mod:`.vectorise`). The session keeps those runs: a call that is
a whole formula has its values in its cells; a call nested in a formula (inside ``IF``, ``IFERROR``,
arithmetic) has its values in the scratch sheet the formula, rewritten in the engine's copy, reads.
Each scenario sets its inputs, re-evaluates, reads the outputs and restores the base. Re-evaluation
settles the model to a fixed point: the engine recomputes what depends on a changed cell (its
dependency graph), and each run whose arguments changed is made again as one vectorised call, its
values set into its cells or its scratch cells (so the engine then recomputes the formulas around a
nested call), until nothing changes. At that point every formula agrees with its inputs, which for a
workbook without circular references is the one set of values a full recalculation computes (the
tests compare them cell for cell). A run that reads its own column, a run that answers a table, and
a run that read a cell some formula spills into are given back to the engine (their formulas
restored), with every call of the same formulas. A model with circular references, or one that does
not settle in :data:`MAX_ROUNDS`, is evaluated with every ``TRUPS_*`` call through the engine instead.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import marshal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trups_xl.excel.convert import collector_paused, serial_to_moment
from trups_xl.recalc.addresses import a1, coordinate
from trups_xl.recalc.safety import Limits, RefusedError
from trups_xl.recalc.scenario_table import (
    BASE,
    MAX_OUTPUT_CELLS,
    Area,
    Day,
    Scenario,
    ScenarioTable,
    parse_outputs,
    parse_value,
    read_table,
    resolve,
)

#: Rounds of (engine, then changed runs) before a scenario is said not to settle.
MAX_ROUNDS = 12


@dataclass
class Outcome:
    """One scenario's outputs: (output label, value) pairs, or the message saying why there are none."""

    scenario: Scenario
    values: list[tuple[str, Any]] = field(default_factory=list)
    message: str = ""
    #: the values copy of the whole workbook under this scenario, when asked for
    workbook: bytes | None = None


def _shown(value: Any) -> Any:
    from trups_xl.recalc import engine

    if engine.is_engine_error(value):
        return engine.error_text(value)
    if isinstance(value, list):
        return engine.as_shown(value)
    return value


class ModelSession:
    """A workbook loaded into the engine once and evaluated under scenario after scenario."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        with collector_paused():
            self._load(path, limits)

    def _load(self, path: Path, limits: Limits | None) -> None:
        from trups_xl.recalc import data_tables, run, vectorise

        self.path = path
        self.model = run.load_workbook(path, limits=limits)
        #: why a scenario that sets inputs is refused (a data table's values would stay as saved), or None
        self.what_if = data_tables.refusal(self.model.found)
        base = run.evaluate_calls(self.model)
        full = run.collect(self.model, base)  # gives back (restores) a run that read a spilled cell
        #: the cells the base's spills fill, by sheet (an anchor's spill area, the anchor itself left out)
        self.spilled: dict[str, list[tuple[str, tuple[int, int, int, int]]]] = {}
        for (sheet, anchor), area in full.spills.items():
            (r1, c1), (r2, c2) = (coordinate(end) for end in area.split(":"))
            self.spilled.setdefault(sheet, []).append((anchor, (r1, c1, r2, c2)))
        base.pin(self.model.book)  # under new inputs the runs set their scratch cells, not answers
        self.titles = [s.title for s in self.model.found.sheets]
        self.host_of: dict[int, vectorise.Host] = dict(base.host_of)
        kept = [r for r in base.runs if not self.host_of[id(r)].reverted]
        own = {(r.sheet, r.first_row + k, r.col) for r in kept if r.scratch is None for k in range(r.count)}
        #: cells some whole-formula run computes (values in the engine), and which of them are dates
        self.values: dict[tuple[str, int, int], Any] = {k: v for k, v in base.values.items() if k in own}
        self.dates = {k for k in base.dates if k in own}
        self.runs: list[vectorise.Run] = []
        self.taken: set[int] = set()  # id of each run in self.runs
        self.last: dict[int, list[object]] = {}
        self.rects: dict[int, list[vectorise.Rect]] = {}
        self.reads_formulas: dict[int, bool] = {}
        #: cells set since the last evaluation, and areas given back to the engine since then
        self.touched: set[tuple[str, int, int]] = set()
        self.given_back: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        self.engine_only = bool(full.circular)
        if self.engine_only:  # the engine alone: give the runs their formulas back
            for r in kept:
                self._give_back(r)
            self.values, self.dates = {}, set()
        else:
            self._take_runs(kept)
        self.formula_cells = {(s.title, r, c) for s in self.model.found.sheets for (r, c) in s.formulas}
        self.base_inputs: dict[tuple[str, int, int], Any] = {}
        self.settle()  # the base again, where a run was given back to the engine

    def _give_back(self, r: Any) -> None:
        """The engine's own formulas again for ``r``'s block (and every run of it)."""
        from trups_xl.recalc import vectorise

        host = self.host_of[id(r)]
        if not host.reverted:
            vectorise.restore(self.model.book, host)
        b = host.block
        for k in range(b.count):
            key = (b.sheet, b.first_row + k, b.col)
            self.values.pop(key, None)
            self.dates.discard(key)
        self.given_back.append((b.sheet, (b.first_row, b.last_row), (b.col, b.col)))
        self.runs = [other for other in self.runs if self.host_of[id(other)] is not host]
        self.taken = {id(other) for other in self.runs}
        block = _Corners({(b.sheet, b.col): [b.first_row]})  # what reads the block, or what it may spill into,
        for other in self.runs:  # reads the engine's formulas now, in every later scenario
            if any(block.above_left(rect) for rect in self.rects.get(id(other), ())):
                self.reads_formulas[id(other)] = True

    def _take_runs(self, runs: list[Any]) -> None:
        """Every run the evaluation made is made here from now on, but one that reads its own column (its
        block is given back to the engine)."""
        book = self.model.book
        self.runs = list(runs)
        self.taken = {id(r) for r in runs}
        for r in runs:
            if id(r) in self.taken and any(rect.overlaps(r.sheet, (r.first_row, r.last_row), (r.col, r.col))
                                      for rect in r.reads()):
                self._give_back(r)
        cache: dict[object, object] = {}
        engine_rows: dict[tuple[str, int], list[int]] = {}
        for s in self.model.found.sheets:
            for row, col in s.formulas:
                if (s.title, row, col) not in self.values:
                    engine_rows.setdefault((s.title, col), []).append(row)
        for sheet, row, col in self.model.protected:  # an array formula's area: the engine's
            engine_rows.setdefault((sheet, col), []).append(row)
        for rows in engine_rows.values():
            rows.sort()
        corners = _Corners(engine_rows)
        for r in self.runs:
            self.last[id(r)] = _arguments(book, r, cache)
            self.rects[id(r)] = r.reads()
            # read again each round where the engine may change a cell it reads: a formula's, or one a formula
            # above or left of it may spill into under some scenario (a spill no base evaluation showed)
            self.reads_formulas[id(r)] = any(_holds(engine_rows, rect) or corners.above_left(rect)
                                             for rect in self.rects[id(r)])

    def _set(self, r: Any, values: list[tuple[Any, bool]]) -> tuple[str, tuple[int, int], tuple[int, int]]:
        """Set a run's values into the engine: its cells, or its scratch cells; returns the area set."""
        if r.scratch is not None:
            sheet, col = r.scratch
            self.model.book.set_values_batch(sheet, r.first_row, col, [[v] for v, _ in values])
            return sheet, (r.first_row, r.last_row), (col, col)
        self.model.book.set_values_batch(r.sheet, r.first_row, r.col, [[v] for v, _ in values])
        dated = self.host_of[id(r)].dated  # through IFERROR the cell shows a date's number, as the engine does
        for k, (v, is_date) in enumerate(values):
            key = (r.sheet, r.first_row + k, r.col)
            self.values[key] = v
            if is_date and dated:
                self.dates.add(key)
            else:
                self.dates.discard(key)
        return r.sheet, (r.first_row, r.last_row), (r.col, r.col)

    def settle(self) -> None:
        """Evaluate until every formula agrees with its inputs (see the module's description)."""
        from trups_xl.recalc import vectorise
        from trups_xl.recalc.engine import evaluate_all

        book = self.model.book
        # what changed since the last evaluation: first the cells set (inputs, and base values restored), then
        # each round the runs made again; a run is read again only when it reads one of those or a formula
        # the engine evaluates (the other cells it reads cannot have changed)
        moved = [(sheet, (row, row), (col, col)) for sheet, row, col in self.touched] + self.given_back
        self.touched.clear()
        self.given_back = []
        for _ in range(MAX_ROUNDS):
            evaluate_all(book)
            cache: dict[object, object] = {}
            changed = []
            for r in self.runs:
                if not self.reads_formulas[id(r)] and not any(
                        rect.overlaps(*where) for rect in self.rects[id(r)] for where in moved):
                    continue
                now = _arguments(book, r, cache)
                if not _alike(now, self.last[id(r)]):
                    changed.append(r)
                    self.last[id(r)] = now
            if not changed:
                return
            results = vectorise._run_round(book, changed)
            moved = []
            for r in changed:
                values = results.get(id(r))
                if id(r) not in self.taken:
                    continue  # another call of its formulas was given back to the engine
                if values is None:  # a table (the engine spills it): the engine's from now on
                    self._give_back(r)
                    continue
                moved.append(self._set(r, values))
            moved += self.given_back
            self.given_back = []
        raise RefusedError(f"the model did not settle in {MAX_ROUNDS} rounds of evaluation (a circular dependency "
                           "through a TRUPS_* column?)")

    def input_cell(self, header: str) -> tuple[str, int, int]:
        """The cell an input column sets; a :class:`LookupError` says why it cannot be set."""
        area = resolve(header, self.titles, self.model.found.names)
        if area.size != 1:
            raise LookupError(f"{header!r} is a range of {area.size} cells; an input sets one cell")
        key = (area.sheet, *area.first)
        if key in self.formula_cells:
            raise LookupError(f"{header!r} ({area.sheet}!{a1(*area.first)}) holds a formula; an input sets a cell "
                              "that holds a value")
        if key in self.model.protected:
            raise LookupError(f"{header!r} ({area.sheet}!{a1(*area.first)}) is part of an array formula's range; an "
                              "input sets a cell that holds a value")
        anchor = self._spill_at(*key)
        if anchor is not None:  # a value there blocks the spill: #SPILL! in Excel
            raise LookupError(f"{header!r} ({area.sheet}!{a1(*area.first)}) is filled by the spill of "
                              f"{area.sheet}!{a1(*anchor)}; an input sets a cell that holds a value")
        return key

    def _spill_at(self, sheet: str, row: int, col: int) -> tuple[int, int] | None:
        """The anchor (row, column) of the base's spill that fills the cell, or None."""
        for anchor, (r1, c1, r2, c2) in self.spilled.get(sheet, ()):
            if r1 <= row <= r2 and c1 <= col <= c2:
                return coordinate(anchor)
        return None

    def evaluate(self, scenario: Scenario, outputs: Sequence[str], keep_workbook: bool = False) -> Outcome:
        """Set ``scenario``'s inputs, settle, read ``outputs``, then restore the base inputs."""
        with collector_paused():
            return self._evaluate(scenario, outputs, keep_workbook)

    def _evaluate(self, scenario: Scenario, outputs: Sequence[str], keep_workbook: bool) -> Outcome:
        if self.what_if and scenario.inputs:
            raise RefusedError(self.what_if)
        out = Outcome(scenario)
        book = self.model.book
        cells: list[tuple[tuple[str, int, int], Any]] = []
        applied: list[tuple[str, int, int]] = []
        try:
            for header, value in scenario.inputs:
                try:
                    cells.append((self.input_cell(header), value))
                except LookupError as exc:
                    out.message = f"input {header}: {exc}"
                    return out
            areas = []
            for name in outputs:
                try:
                    areas.append((name, resolve(name, self.titles, self.model.found.names)))
                except LookupError as exc:
                    out.message = f"output {name}: {exc}"
                    return out
            if sum(a.size for _n, a in areas) > MAX_OUTPUT_CELLS:
                out.message = f"outputs: {sum(a.size for _n, a in areas):,} cells in all; at most " \
                              f"{MAX_OUTPUT_CELLS:,} are read per scenario"
                return out
            for key, value in cells:
                if key not in self.base_inputs:
                    self.base_inputs[key] = book.get_value(*key)
                applied.append(key)
                book.set_value(*key, serial_to_moment(value) if isinstance(value, Day) else value)
                self.touched.add(key)
            self.settle()
            for name, area in areas:
                for r, c in area.cells():
                    label = name if area.size == 1 else f"{name} {area.sheet}!{a1(r, c)}"
                    out.values.append((label, self._read(area.sheet, r, c)))
            if keep_workbook:
                out.workbook = self._values_copy(cells)
        except RefusedError as exc:
            out.values, out.message = [], str(exc)
        finally:
            for key in applied:
                book.set_value(*key, self.base_inputs[key])
                self.touched.add(key)
        return out

    def _read(self, sheet: str, row: int, col: int) -> Any:
        """An output cell's value: errors as Excel's text, a date (by the cell's number format, or a date a
        function returned) as YYYY-MM-DD (with its time of day, where it has one, as YYYY-MM-DDTHH:MM:SS), a
        duration as Excel holds it (days)."""
        value = _shown(self.model.book.get_value(sheet, row, col))
        if isinstance(value, dt.timedelta):  # a [h]:mm cell, or a formula reading one
            return value.total_seconds() / 86400
        if isinstance(value, (dt.date, dt.time)):  # a date the engine computed (=A1+30), as the engine holds it
            if isinstance(value, dt.datetime) and value.time() == dt.time():
                return value.date().isoformat()
            return value.isoformat()
        if type(value) is not float or not 1 <= value < 2_958_466:
            return value
        cell = self.model.found.sheet(sheet).formulas.get((row, col))
        key = (sheet, row, col)
        if cell is not None and self.model.found.is_date_style(cell.style):
            is_date = True  # as its number format shows it
        elif key in self.values:
            is_date = key in self.dates
        else:
            is_date = self._returned_date(sheet, row, col, value)
        if not is_date:
            return value
        return serial_to_moment(value).isoformat()  # a date-time with its time, as the engine's are shown

    def _returned_date(self, sheet: str, row: int, col: int, value: float) -> bool:
        """Whether a call the engine made itself returned ``value`` as a date at that cell: the cell's own call,
        or the call of the spill it is in, at its place in the result (as a recalculation's copy shows it)."""
        from trups_xl.recalc.calls import top_function

        text, i, j = self.model.formulas.get((sheet, row, col)), 0, 0
        anchor = self._spill_at(sheet, row, col) if text is None else None
        if anchor is not None:
            text, i, j = self.model.formulas.get((sheet, *anchor)), row - anchor[0], col - anchor[1]
        function = top_function(text) if text else None
        return function is not None and self.model.log.is_date(function, i, j, value)

    def _values_copy(self, cells: list[tuple[tuple[str, int, int], Any]]) -> bytes:
        """The whole workbook's values under the current inputs, as the bytes of an .xlsx."""
        import tempfile

        from trups_xl.recalc import run, vectorise

        outcome = vectorise.Outcome(dict(self.values), set(self.dates))
        full = run.collect(self.model, outcome)
        for (sheet, r, c), value in cells:
            full.cells.setdefault(sheet, {})[(r, c)] = (value, isinstance(value, Day))
        with tempfile.TemporaryDirectory(prefix="trups-xl-") as tmp:
            target = Path(tmp) / "scenario.xlsx"
            run.write_values(self.path, target, full)
            return target.read_bytes()


def _alike(now: list[object], last: list[object]) -> bool:
    """Whether two readings of a run's arguments are the same values of the same types: 1 and TRUE (or 0 and
    FALSE) are equal in Python, not to a function (marshal's version 2 writes each value's type, and no
    reference to an object met before, so the bytes depend on the values alone)."""
    if now != last:
        return False
    try:
        return marshal.dumps(now, 2) == marshal.dumps(last, 2)
    except ValueError:  # a value marshal does not write: compared with its type
        return _typed(now) == _typed(last)


def _typed(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [_typed(v) for v in value]
    return type(value), value


def _arguments(book: Any, r: Any, cache: dict[object, object]) -> list[object]:
    """A run's arguments, one entry per argument: the column it reads down the run, the value or table of a
    fixed reference, a literal (:func:`.vectorise._run_columns`). Two readings are equal exactly when every
    call of the run gets the same arguments."""
    from trups_xl.recalc import vectorise

    return vectorise._run_columns(book, r, cache)[0]


def _holds(rows_by_column: dict[tuple[str, int], list[int]], rect: Any) -> bool:
    """Whether ``rect`` holds one of the cells listed by (sheet, column) -> sorted rows."""
    for col in range(rect.cols[0], rect.cols[1] + 1):
        rows = rows_by_column.get((rect.sheet, col))
        if rows:
            at = bisect.bisect_left(rows, rect.rows[0])
            if at < len(rows) and rows[at] <= rect.rows[1]:
                return True
    return False


class _Corners:
    """Whether a formula is above or left of an area's last cell, so that its result may spill into the area:
    by sheet, the formulas' columns in order and the first row of any formula up to each (one search an area)."""

    def __init__(self, rows_by_column: dict[tuple[str, int], list[int]]) -> None:
        by_sheet: dict[str, list[tuple[int, int]]] = {}
        for (sheet, col), rows in rows_by_column.items():
            if rows:
                by_sheet.setdefault(sheet, []).append((col, rows[0]))
        self.columns: dict[str, list[int]] = {}
        self.first_rows: dict[str, list[int]] = {}
        for sheet, found in by_sheet.items():
            found.sort()
            self.columns[sheet] = [col for col, _row in found]
            self.first_rows[sheet] = list(itertools.accumulate((row for _col, row in found), min))

    def above_left(self, rect: Any) -> bool:
        columns = self.columns.get(rect.sheet)
        if not columns:
            return False
        at = bisect.bisect_right(columns, rect.cols[1])
        return at > 0 and self.first_rows[rect.sheet][at - 1] <= rect.rows[1]




__all__ = ["BASE", "MAX_ROUNDS", "Area", "ModelSession", "Outcome", "Scenario", "ScenarioTable", "parse_outputs",
           "parse_value", "read_table", "resolve"]
