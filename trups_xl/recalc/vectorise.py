"""Runs of ``TRUPS_*`` formulas evaluated as one vectorised call each, before the formula engine
evaluates the rest.

A model fills whole columns with the same call, row after row (``=TRUPS_ACCRUAL(A2,B2)``,
``=TRUPS_ACCRUAL(A3,B3)``, ...); the calculation core takes arrays, and a call through the engine
costs tens of microseconds. So a formula that is a single ``TRUPS_*`` call on literals, cell
references, ranges and defined names is evaluated here: the calls of one function whose other
arguments agree are made as one call with the varying arguments as a column
(:data:`VECTOR_PARAMETERS`: those that take a range element by element). When that one call answers
an error, each cell is called on its own, so a bad row gets its own message and the others their
numbers. Every call goes through the same :mod:`trups_xl.excel.udfs` function Excel calls.

The formulas come from the engine's own parse of the workbook (shared formulas expanded), the
arguments' values from the engine. A formula copied down a column is one :class:`Run`, parsed once.
Runs are taken in rounds, each round the runs whose every formula input belongs to a run already
taken; each is called a group at a time and its values are set into the engine in one batch, and the
engine evaluates everything left. A run reading any other formula (the engine's ``evaluate_cells``
evaluates the whole workbook, so it cannot serve them first), or whose result is a table, is left to
the engine; a run that read a cell some formula spills into is redone by it
(:meth:`Outcome.to_redo`, checked after evaluation).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from trups_xl.excel.function import INPUT_ERROR_PREFIX, REGISTRY
from trups_xl.recalc.engine import as_sent, to_engine
from trups_xl.recalc.package import Scan, column_number

#: Arguments the functions read element by element from a range (the others take one value).
VECTOR_PARAMETERS: dict[str, tuple[str, ...]] = {
    "TRUPS_ACCRUAL": ("start_date", "end_date"),
    "TRUPS_ACCRUED_INTEREST": ("settlement",),
    "TRUPS_COUPON": ("payment_date",),
    "TRUPS_PREVIOUS_PAYMENT_DATE": ("as_of",),
    "TRUPS_NEXT_PAYMENT_DATE": ("as_of",),
    "TRUPS_MAKE_WHOLE": ("redemption_date", "treasury_rate"),
    "TRUPS_MAKE_WHOLE_PV": ("redemption_date", "treasury_rate"),
    "TRUPS_REDEMPTION_PRICE": ("redemption_date", "treasury_rate"),
    "TRUPS_REDEMPTION_PAYMENT_DATE": ("redemption_date",),
    "TRUPS_TREASURY_PRICE_DATE": ("redemption_date",),
    "TRUPS_TREASURY_YIELD": ("settlement", "maturity", "coupon", "price"),
    "TRUPS_TREASURY_PRICE": ("settlement", "maturity", "coupon", "yield_rate"),
    "TRUPS_YIELD_TO_CALL": ("settlement", "price"),
    "TRUPS_PRICE_FROM_YIELD": ("settlement", "yield_rate"),
    "TRUPS_YIELD": ("settlement", "price"),
    "TRUPS_WORKOUT_DATE": ("settlement", "price"),
    "TRUPS_PRICE": ("settlement", "yield_rate"),
    "TRUPS_RISK": ("settlement", "price"),
    "TRUPS_SPREAD": ("price",),
    "TRUPS_DISCOUNT_MARGIN": ("settlement", "price"),
    "TRUPS_CLAIM_LIMIT": ("deferred_interest",),
    "TRUPS_INDEX_RATE": ("period_start",),
    "TRUPS_CRC_PERCENTAGE": ("as_of",),
}
#: Cells a range argument of a ``TRUPS_*`` call may span (one whole column); a larger range is
#: refused with a message naming the argument rather than read.
MAX_RANGE_CELLS = 1_048_576
#: Rounds of calls reading calls; what is still pending after them is left to the engine.
MAX_ROUNDS = 8

CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\((.*)\)\s*$", re.S | re.I)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?:\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)"
                 r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?|\$?(?P<wc1>[A-Za-z]{1,3}):\$?(?P<wc2>[A-Za-z]{1,3}))$")

#: A cell reference's row, for the shape of a formula copied down (absolute rows kept as they are)
_RELATIVE_ROW = re.compile(r"(?<![A-Za-z0-9_.'$])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\w(])")

_TEXT = re.compile(r'"(?:[^"]|"")*"')

Key = tuple[str, int, int]  # (sheet title, row, column)


class _NotSimpleError(Exception):
    """The formula is not a single call this module evaluates."""


@dataclass(frozen=True)
class Ref:
    sheet: str
    rows: tuple[int, int]
    cols: tuple[int, int]
    text: str = field(compare=False)
    #: whether each end's row is absolute ($5, a name, a whole column): kept when a formula is copied down
    absolute: tuple[bool, bool] = field(default=(True, True), compare=False)

    def shifted(self, rows: int) -> Ref:
        r1 = self.rows[0] + (0 if self.absolute[0] else rows)
        r2 = self.rows[1] + (0 if self.absolute[1] else rows)
        return Ref(self.sheet, (r1, r2), self.cols, self.text, self.absolute)

    @property
    def single(self) -> bool:
        return self.rows[0] == self.rows[1] and self.cols[0] == self.cols[1]

    @property
    def size(self) -> int:
        return (self.rows[1] - self.rows[0] + 1) * (self.cols[1] - self.cols[0] + 1)


@dataclass(frozen=True)
class Refusal:
    """An argument refused before any call: its value is this message."""

    message: str


@dataclass(frozen=True)
class Call:
    key: Key
    function: str
    args: tuple[object, ...]  # None (skipped), a literal, a Ref or a Refusal


def split_arguments(inner: str) -> list[str]:
    """Top-level arguments of a call; refuses nested calls and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    quote = False
    for ch in inner:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "(){}":
            raise _NotSimpleError
        elif not quote and ch == ",":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quote:
        raise _NotSimpleError
    parts.append("".join(current))
    return [] if parts == [""] else parts


class _Parser:
    """Arguments of simple calls, resolved against the workbook's sheets and names."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.titles = {s.title.upper(): s.title for s in scan.sheets}
        self.shapes: dict[tuple[str, str], tuple[int, Call | None]] = {}

    def ref(self, match: re.Match[str], sheet: str, text: str, named: bool = False) -> Ref:
        name = match["sheet"]
        if name:
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
            if name.upper() not in self.titles:
                raise _NotSimpleError
            sheet = self.titles[name.upper()]
        if match["wc1"]:  # a whole column: the engine reads its used cells (its own extent)
            raise _NotSimpleError
        c1, r1 = column_number(match["c1"].upper()), int(match["r1"])
        c2 = column_number(match["c2"].upper()) if match["c2"] else c1
        r2 = int(match["r2"]) if match["r2"] else r1
        first = text.split(":")[0]
        last = text.split(":")[-1]
        absolute = (bool(re.search(r"\$\d", first)) or named, bool(re.search(r"\$\d", last)) or named)
        if r1 > r2:
            r1, r2, absolute = r2, r1, (absolute[1], absolute[0])
        return Ref(sheet, (r1, r2), (min(c1, c2), max(c1, c2)), text, absolute)

    def argument(self, text: str, sheet: str) -> object:
        arg = text.strip()
        if arg == "":
            return None  # a skipped argument: missing, as Excel passes it
        if NUMBER.match(arg):
            return float(arg)
        if len(arg) >= 2 and arg[0] == arg[-1] == '"':
            return arg[1:-1].replace('""', '"')
        if arg.upper() in ("TRUE", "FALSE"):
            return arg.upper() == "TRUE"
        match = REF.match(arg)
        if match:
            return self.ref(match, sheet, arg)
        for scope in (sheet, None):  # a name local to the sheet first, then the workbook's
            found = [t for n, (local, t) in self.scan.names.items() if n.upper() == arg.upper() and local == scope]
            if found:
                match = REF.match(found[0].replace("$", ""))
                if match and match["sheet"]:
                    return self.ref(match, sheet, found[0], named=True)
                raise _NotSimpleError
        raise _NotSimpleError

    def shape(self, key: Key, formula: str) -> tuple[str, str] | None:
        """What a formula copied down keeps: its text with each relative row as an offset from its own
        row (None where a text argument holds what looks like a reference)."""
        if '"' in formula and any(_RELATIVE_ROW.search(t) for t in _TEXT.findall(formula)):
            return None
        row = key[1]
        return key[0], _RELATIVE_ROW.sub(lambda m: m[0] if m[2] else f"{m[1]}{{{int(m[3]) - row}}}", formula)

    def call(self, key: Key, formula: str) -> Call | None:
        """The simple call in ``formula`` at ``key``; a formula copied down a column (the same but for
        its relative rows) is parsed once and its references moved."""
        if "TRUPS_" not in formula.upper():
            return None
        shape = self.shape(key, formula)
        if shape is None:
            return self.parse(key, formula)
        known = self.shapes.get(shape)
        if known is None:
            call = self.parse(key, formula)
            self.shapes[shape] = (key[1], call)
            return call
        first_row, first = known
        if first is None:
            return None
        moved = key[1] - first_row
        return Call(key, first.function, tuple(a.shifted(moved) if isinstance(a, Ref) else a for a in first.args))

    def parse(self, key: Key, formula: str) -> Call | None:
        match = CALL.match(formula)
        if not match or match[1].upper() not in REGISTRY:
            return None
        function = match[1].upper()
        try:
            args = [self.argument(a, key[0]) for a in split_arguments(match[2])]
        except _NotSimpleError:
            return None
        names = _parameters(function)
        for i, arg in enumerate(args):
            if isinstance(arg, Ref) and arg.size > MAX_RANGE_CELLS:
                name = names[i] if i < len(names) else f"argument {i + 1}"
                return Call(key, function, (Refusal(
                    f"{INPUT_ERROR_PREFIX} {name}: the range {arg.text} spans {arg.size:,} cells; a range argument "
                    f"may span at most {MAX_RANGE_CELLS:,} (one column)"),))
        return Call(key, function, tuple(args))


@functools.cache
def _parameters(function: str) -> tuple[str, ...]:
    return tuple(inspect.signature(REGISTRY[function]).parameters)


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True)
class Rect:
    """The cells a run's argument reads over all its rows."""

    sheet: str
    rows: tuple[int, int]
    cols: tuple[int, int]

    def overlaps(self, sheet: str, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        return sheet == self.sheet and rows[0] <= self.rows[1] and self.rows[0] <= rows[1] \
            and cols[0] <= self.cols[1] and self.cols[0] <= cols[1]


@dataclass
class Run:
    """Simple calls of one shape in consecutive rows of one column (a formula copied down)."""

    sheet: str
    col: int
    first_row: int
    first: Call  # the call in the first row; the others are its references moved down
    count: int = 1

    @property
    def last_row(self) -> int:
        return self.first_row + self.count - 1

    def calls(self) -> Iterator[Call]:
        for k in range(self.count):
            row = self.first_row + k
            yield self.first if k == 0 else Call((self.sheet, row, self.col), self.first.function, tuple(
                a.shifted(k) if isinstance(a, Ref) else a for a in self.first.args))

    def reads(self) -> list[Rect]:
        out = []
        for a in self.first.args:
            if isinstance(a, Ref):
                last = a.shifted(self.count - 1)
                out.append(Rect(a.sheet, (min(a.rows[0], last.rows[0]), max(a.rows[1], last.rows[1])), a.cols))
        return out


@dataclass
class Outcome:
    """What the vectorised path set into the engine."""

    values: dict[Key, Any]  # cell -> the value set (as the engine holds it)
    dates: set[Key]  # cells whose value is a date the function returned
    runs: list[Run] = field(default_factory=list)  # the runs evaluated here

    def to_redo(self, spilled: dict[str, set[tuple[int, int]]]) -> list[Run]:
        """Runs that read a cell some formula spilled into, and every run that read one of those."""
        redo = [r for r in self.runs if any(
            rect.sheet in spilled and any(rect.rows[0] <= row <= rect.rows[1] and rect.cols[0] <= col <= rect.cols[1]
                                          for row, col in spilled[rect.sheet]) for rect in r.reads())]
        while redo:
            readers = [r for r in self.runs if r not in redo and any(
                rect.overlaps(d.sheet, (d.first_row, d.last_row), (d.col, d.col)) for d in redo for rect in r.reads())]
            if not readers:
                break
            redo += readers
        return redo

    def without(self, runs: list[Run]) -> Outcome:
        gone = {c.key for r in runs for c in r.calls()}
        return Outcome({k: v for k, v in self.values.items() if k not in gone}, self.dates - gone,
                       [r for r in self.runs if r not in runs])


def find_runs(scan: Scan, formulas: dict[Key, str]) -> list[Run]:
    """The simple calls among ``formulas``, as runs down their columns (a formula copied down is
    parsed once: the run's first call, whose references the others move)."""
    parser = _Parser(scan)
    runs: list[Run] = []
    current: Run | None = None
    current_shape: object = None
    for key in sorted(formulas, key=lambda k: (k[0], k[2], k[1])):
        text = formulas[key]
        if "TRUPS_" not in text[:40].upper():
            current = None
            continue
        shape = parser.shape(key, text)
        if current is not None and shape is not None and shape == current_shape and key[0] == current.sheet \
                and key[2] == current.col and key[1] == current.last_row + 1:
            current.count += 1
            continue
        call = parser.call(key, text)
        if call is None:
            current = None
            continue
        current = Run(key[0], key[2], key[1], call)
        current_shape = shape
        runs.append(current)
    return runs


class _Index:
    """Where the formula cells are, column by column: which run holds a cell, and the other formulas."""

    def __init__(self, runs: list[Run], formulas: dict[Key, str], protected: set[Key]) -> None:
        self.runs_by_column: dict[tuple[str, int], list[Run]] = defaultdict(list)
        for run in runs:
            self.runs_by_column[(run.sheet, run.col)].append(run)
        in_runs = {(run.sheet, run.col, row) for run in runs for row in (run.first_row, run.last_row)}
        self.others: dict[tuple[str, int], list[int]] = defaultdict(list)
        run_rows: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for run in runs:
            run_rows[(run.sheet, run.col)].append((run.first_row, run.last_row))
        for sheet, row, col in [*formulas, *protected]:
            spans = run_rows.get((sheet, col), ())
            if (sheet, col, row) in in_runs or any(a <= row <= b for a, b in spans):
                continue
            self.others[(sheet, col)].append(row)
        for rows in self.others.values():
            rows.sort()

    def read_runs(self, rect: Rect) -> tuple[list[Run], bool]:
        """The runs a rectangle overlaps, and whether it holds any other formula cell."""
        found: list[Run] = []
        other = False
        for col in range(rect.cols[0], rect.cols[1] + 1):
            for run in self.runs_by_column.get((rect.sheet, col), ()):
                if run.first_row <= rect.rows[1] and rect.rows[0] <= run.last_row:
                    found.append(run)
            rows = self.others.get((rect.sheet, col))
            if rows:
                at = bisect.bisect_left(rows, rect.rows[0])
                if at < len(rows) and rows[at] <= rect.rows[1]:
                    other = True
        return found, other


def evaluate(book: fz.Workbook, scan: Scan, formulas: dict[Key, str], protected: set[Key]) -> Outcome:
    """Evaluate the runs of simple calls among ``formulas`` (cell -> formula text, as the engine parsed
    it) in rounds and set their values into ``book``. A run is taken when every formula cell it reads
    belongs to a run already taken; a run reading any other formula (or an array formula's area,
    ``protected``, or itself) is left to the engine, which evaluates it cell by cell."""
    runs = find_runs(scan, formulas)
    index = _Index(runs, formulas, protected)
    needs: dict[int, set[int]] = {}
    for run in runs:
        read: set[int] = set()
        blocked = False
        for rect in run.reads():
            found, other = index.read_runs(rect)
            blocked |= other or any(r is run for r in found)
            read |= {id(r) for r in found}
        if not blocked:
            needs[id(run)] = read
    outcome = Outcome({}, set())
    taken: set[int] = set()
    pending = [r for r in runs if id(r) in needs]
    for _ in range(MAX_ROUNDS):
        ready = [r for r in pending if needs[id(r)] <= taken]
        if not ready:
            break
        pending = [r for r in pending if not any(r is x for x in ready)]
        results = _run_round(book, ready)
        for run in ready:
            values = results.get(id(run))
            if values is None:
                continue  # a table somewhere in the run: left to the engine, which spills it
            taken.add(id(run))
            outcome.runs.append(run)
            for k, (value, is_date) in enumerate(values):
                key = (run.sheet, run.first_row + k, run.col)
                outcome.values[key] = value
                if is_date:
                    outcome.dates.add(key)
            book.set_values_batch(run.sheet, run.first_row, run.col, [[v] for v, _ in values])
    return outcome


def _column(book: fz.Workbook, ref: Ref, count: int, cache: dict[object, object]) -> list[object]:
    """The values a relative one-cell reference reads down a run of ``count`` rows."""
    key = (ref.sheet, ref.rows[0], ref.cols[0], count)
    if key not in cache:
        rows = book.sheet(ref.sheet).get_values(fz.RangeAddress(ref.sheet, ref.rows[0], ref.cols[0],
                                                                 ref.rows[0] + count - 1, ref.cols[0]))
        column = [as_sent(row[0]) for row in rows]
        cache[key] = column + [None] * (count - len(column))
    return cache[key]  # type: ignore[return-value]


def _run_arguments(book: fz.Workbook, run: Run, cache: dict[object, object]) -> list[list[object]]:
    """Each row's arguments as Excel sends them, read a column (or a range) at a time."""
    per_arg: list[list[object] | object] = []
    varying: list[bool] = []
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
    return [[per_arg[i][k] if varying[i] else per_arg[i] for i in range(len(per_arg))]  # type: ignore[index]
            for k in range(run.count)]


def _read(book: fz.Workbook, arg: Ref, cache: dict[object, object]) -> object:
    """A reference's value as Excel sends it: a value, or rows of values (one read per range)."""
    if arg in cache:
        return cache[arg]
    if arg.single:
        value = as_sent(book.get_value(arg.sheet, arg.rows[0], arg.cols[0]))
    else:
        rows = book.sheet(arg.sheet).get_values(fz.RangeAddress(arg.sheet, arg.rows[0], arg.cols[0],
                                                                 arg.rows[1], arg.cols[1]))
        value = [[as_sent(v) for v in row] for row in rows]
    cache[arg] = value
    return value


def _run_round(book: fz.Workbook, runs: list[Run]) -> dict[int, list[tuple[Any, bool]]]:
    """Each run's values (None for a run with a table result), one call per group of its rows."""
    cache: dict[object, object] = {}
    out: dict[int, list[tuple[Any, bool]]] = {}
    for run in runs:
        refused = next((a for a in run.first.args if isinstance(a, Refusal)), None)
        if refused is not None:
            out[id(run)] = [(refused.message, False)] * run.count
            continue
        rows = _run_arguments(book, run, cache)
        function = run.first.function
        names = _parameters(function)
        vector = VECTOR_PARAMETERS.get(function, ())
        groups: dict[object, list[int]] = defaultdict(list)
        for k, values in enumerate(rows):
            if len(values) > len(names) or any(isinstance(v, list) for v, n in zip(values, names, strict=False)
                                               if n in vector):
                groups[("alone", k)].append(k)  # arity errors and ranges, per cell
                continue
            shared = tuple("*" if n in vector else (id(v) if isinstance(v, list) else _hashable(v))
                           for v, n in zip(values, names, strict=False))
            groups[shared].append(k)
        result: list[tuple[Any, bool] | None] = [None] * run.count
        for members in groups.values():
            for k, value in zip(members, _run(function, [rows[k] for k in members]), strict=True):
                result[k] = value
        if any(isinstance(v[0], list) for v in result if v is not None):
            continue
        out[id(run)] = result  # type: ignore[assignment]
    return out


def _stored(value: Any) -> tuple[Any, bool]:
    return to_engine(value), isinstance(value, dt.date)


def _run(function: str, rows: list[list[object]]) -> list[tuple[Any, bool]]:
    """One call for the rows with their varying arguments as columns; per row when that fails."""
    fn = REGISTRY[function]
    if len(rows[0]) > len(_parameters(function)):  # as Excel shows a UDF given too many
        return [({"type": "Error", "kind": "Value"}, False)] * len(rows)
    if len(rows) > 1 and function not in VECTOR_PARAMETERS:  # the very same call in every cell
        return [_stored(fn(*rows[0]))] * len(rows)
    if len(rows) > 1:
        vector = VECTOR_PARAMETERS[function]
        names = _parameters(function)
        args = [[[values[i]] for values in rows] if names[i] in vector else rows[0][i] for i in range(len(rows[0]))]
        out = fn(*args)
        if isinstance(out, list) and len(out) == len(rows) and all(len(r) == 1 for r in out) and not any(
                isinstance(r[0], str) and r[0].startswith("#TRUPS") for r in out):
            return [_stored(row[0]) for row in out]
    return [_stored(fn(*values)) for values in rows]


__all__ = ["MAX_RANGE_CELLS", "VECTOR_PARAMETERS", "Call", "Outcome", "Ref", "Run", "evaluate", "find_runs"]
