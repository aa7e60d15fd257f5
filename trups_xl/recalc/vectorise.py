"""Runs of ``TRUPS_*`` formulas evaluated as one vectorised call each, before the formula engine
evaluates the rest.

A model fills whole columns with the same call, row after row (``=TRUPS_ACCRUAL(A2,B2)``,
``=TRUPS_ACCRUAL(A3,B3)``, ...); the calculation core takes arrays, and a call through the engine
costs tens of microseconds. So a formula that is a single ``TRUPS_*`` call on literals, cell
references, ranges and defined names is evaluated here: the calls of one function whose other
arguments agree are made as one call with the varying arguments as a column
(:data:`VECTOR_PARAMETERS`: those that take a range element by element). When that one call answers
an error, each cell is called on its own, so a bad row gets its own message and the others their
numbers. Every call goes through the same :mod:`trups_xl.udfs` function Excel calls.

The formulas come from the engine's own parse of the workbook (shared formulas expanded), the
arguments' values from the engine: calls are taken in rounds, each round the calls that read no
call still pending; the ordinary formulas they read are evaluated by the engine first
(``evaluate_cells``), then each group is called once and its values are set into the engine, which
then evaluates everything left. A call whose result is a table, or that reads a cell some formula
spills into, is left to the engine (checked after evaluation, see :func:`reads_a_spill`).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from trups_xl.recalc.engine import as_sent, to_engine
from trups_xl.recalc.package import Scan, area_bounds, column_number
from trups_xl.xlfunc import INPUT_ERROR_PREFIX, REGISTRY

#: Arguments the functions read element by element from a range (the others take one value).
VECTOR_PARAMETERS: dict[str, tuple[str, ...]] = {
    "TRUPS_ACCRUAL": ("start_date", "end_date"),
    "TRUPS_ACCRUED_INTEREST": ("settlement",),
    "TRUPS_COUPON": ("payment_date",),
    "TRUPS_PREVIOUS_PAYMENT_DATE": ("as_of",),
    "TRUPS_NEXT_PAYMENT_DATE": ("as_of",),
    "TRUPS_MAKE_WHOLE": ("redemption_date", "treasury_rate"),
    "TRUPS_MAKE_WHOLE_PV": ("redemption_date", "treasury_rate"),
    "TRUPS_REDEMPTION_PAYMENT_DATE": ("redemption_date",),
    "TRUPS_TREASURY_PRICE_DATE": ("redemption_date",),
    "TRUPS_TREASURY_YIELD": ("settlement", "maturity", "coupon", "price"),
    "TRUPS_TREASURY_PRICE": ("settlement", "maturity", "coupon", "yield_rate"),
    "TRUPS_YIELD_TO_CALL": ("settlement", "price"),
    "TRUPS_PRICE_FROM_YIELD": ("settlement", "yield_rate"),
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

    def cells(self) -> Iterator[Key]:
        for r in range(self.rows[0], self.rows[1] + 1):
            for c in range(self.cols[0], self.cols[1] + 1):
                yield self.sheet, r, c

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
        self.used_rows = {s.title: max(s.max_row, 1) for s in scan.sheets}
        self.shapes: dict[tuple[str, str], tuple[int, Call | None]] = {}

    def ref(self, match: re.Match[str], sheet: str, text: str, named: bool = False) -> Ref:
        name = match["sheet"]
        if name:
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
            if name.upper() not in self.titles:
                raise _NotSimpleError
            sheet = self.titles[name.upper()]
        if match["wc1"]:  # a whole column: its used rows, as the engine reads it
            c1, c2 = column_number(match["wc1"].upper()), column_number(match["wc2"].upper())
            r1, r2 = 1, self.used_rows.get(sheet, 1)
            return Ref(sheet, (r1, r2), (min(c1, c2), max(c1, c2)), text)
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

    def call(self, key: Key, formula: str) -> Call | None:
        """The simple call in ``formula`` at ``key``; a formula copied down a column (the same but for
        its relative rows) is parsed once and its references moved."""
        if '"' in formula or "TRUPS_" not in formula.upper():
            return self.parse(key, formula) if '"' in formula else None
        row = key[1]
        shape = (key[0], _RELATIVE_ROW.sub(lambda m: m[0] if m[2] else f"{m[1]}{{{int(m[3]) - row}}}", formula))
        known = self.shapes.get(shape)
        if known is None:
            call = self.parse(key, formula)
            self.shapes[shape] = (row, call)
            return call
        first_row, first = known
        if first is None:
            return None
        moved = row - first_row
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


@dataclass
class Outcome:
    """What the vectorised path set into the engine."""

    values: dict[Key, Any]  # cell -> the value set (as the engine holds it)
    dates: set[Key]  # cells whose value is a date the function returned
    calls: dict[Key, Call]  # the calls evaluated here


def evaluate(book: fz.Workbook, scan: Scan, formulas: dict[Key, str], protected: set[Key]) -> Outcome:
    """Evaluate the simple calls among ``formulas`` (cell -> formula text, as the engine parsed it) in
    rounds and set their values into ``book``. A call is taken when every formula cell it reads is a
    call already taken; a call reading any other formula (or an array formula area, ``protected``)
    is left to the engine, which evaluates it cell by cell."""
    parser = _Parser(scan)
    pending: dict[Key, Call] = {}
    for key, text in formulas.items():
        call = parser.call(key, text)
        if call is not None:
            pending[key] = call
    outcome = Outcome({}, set(), {})
    watched = set(formulas) | protected
    by_sheet: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sheet, r, c in watched:
        by_sheet[sheet].append((r, c))
    reads: dict[Ref, frozenset[Key]] = {}

    def formula_cells_read(ref: Ref) -> frozenset[Key]:
        if ref not in reads:
            if ref.size <= 256:
                reads[ref] = frozenset(cell for cell in ref.cells() if cell in watched)
            else:
                reads[ref] = frozenset((ref.sheet, r, c) for r, c in by_sheet.get(ref.sheet, ())
                                       if ref.rows[0] <= r <= ref.rows[1] and ref.cols[0] <= c <= ref.cols[1])
        return reads[ref]

    deps = {key: frozenset().union(*(formula_cells_read(a) for a in call.args if isinstance(a, Ref)))
            for key, call in pending.items()}
    for _ in range(MAX_ROUNDS):
        ready = [c for c in pending.values() if all(cell in outcome.values for cell in deps[c.key])]
        if not ready:
            break
        results = _run_round(book, ready)
        for call in ready:
            del pending[call.key]
        for call in ready:
            value, is_date = results[call.key]
            if isinstance(value, list):
                continue  # a table: left to the engine, which spills it
            outcome.values[call.key] = value
            outcome.calls[call.key] = call
            if is_date:
                outcome.dates.add(call.key)
        _set_values(book, {c.key: outcome.values[c.key] for c in ready if c.key in outcome.values})
    return outcome


def _set_values(book: fz.Workbook, values: dict[Key, Any]) -> None:
    """Set values into the engine, a run of consecutive rows of one column at a time."""
    by_column: dict[tuple[str, int], list[tuple[int, Any]]] = defaultdict(list)
    for (sheet, row, col), value in values.items():
        by_column[(sheet, col)].append((row, value))
    for (sheet, col), cells in by_column.items():
        cells.sort(key=lambda rv: rv[0])
        start = 0
        for i in range(1, len(cells) + 1):
            if i == len(cells) or cells[i][0] != cells[i - 1][0] + 1:
                run = cells[start:i]
                book.set_values_batch(sheet, run[0][0], col, [[v] for _, v in run])
                start = i


def _read(book: fz.Workbook, arg: object, cache: dict[Ref, object]) -> object:
    """An argument as Excel sends it to the function: a value, or rows of values (one read per range)."""
    if not isinstance(arg, Ref):
        return arg
    if arg in cache:
        return cache[arg]
    if arg.single:
        value = as_sent(book.get_value(arg.sheet, arg.rows[0], arg.cols[0]))
    else:
        rows = book.sheet(arg.sheet).get_values(fz.RangeAddress(arg.sheet, arg.rows[0], arg.cols[0],
                                                                 arg.rows[1], arg.cols[1]))
        value = [[as_sent(v) for v in row] for row in rows]
    if not arg.single:
        cache[arg] = value
    return value


def _run_round(book: fz.Workbook, calls: list[Call]) -> dict[Key, tuple[Any, bool]]:
    groups: dict[tuple[object, ...], list[tuple[Call, list[object]]]] = defaultdict(list)
    out: dict[Key, tuple[Any, bool]] = {}
    cache: dict[Ref, object] = {}
    for call in calls:
        refused = next((a for a in call.args if isinstance(a, Refusal)), None)
        if refused is not None:
            out[call.key] = (refused.message, False)
            continue
        values = [_read(book, a, cache) for a in call.args]
        names = _parameters(call.function)
        vector = VECTOR_PARAMETERS.get(call.function, ())
        if len(values) > len(names) or any(isinstance(v, list) for v, n in zip(values, names, strict=False)
                                           if n in vector):
            groups[(call.key,)].append((call, values))  # alone: arity errors and ranges per cell
            continue
        # a range is named by its address (the same address, the same values), a value by itself
        shared = tuple("*" if n in vector else (a if isinstance(a, Ref) and not a.single else _hashable(v))
                       for a, v, n in zip(call.args, values, names, strict=False))
        groups[(call.function, call.key[0], len(values), shared)].append((call, values))
    for members in groups.values():
        out.update(_run(members))
    return out


def _stored(value: Any) -> tuple[Any, bool]:
    return to_engine(value), isinstance(value, dt.date)


def _run(members: list[tuple[Call, list[object]]]) -> dict[Key, tuple[Any, bool]]:
    """One call for the group with its varying arguments as columns; per cell when that fails."""
    first = members[0][0]
    fn = REGISTRY[first.function]
    if len(members[0][1]) > len(_parameters(first.function)):  # as Excel shows a UDF given too many
        return {call.key: ({"type": "Error", "kind": "Value"}, False) for call, _ in members}
    if len(members) > 1 and first.function not in VECTOR_PARAMETERS:  # the very same call in every cell
        result = _stored(fn(*members[0][1]))
        return {call.key: result for call, _ in members}
    if len(members) > 1:
        vector = VECTOR_PARAMETERS[first.function]
        names = _parameters(first.function)
        args = [[[values[i]] for _, values in members] if names[i] in vector else members[0][1][i]
                for i in range(len(members[0][1]))]
        out = fn(*args)
        if isinstance(out, list) and len(out) == len(members) and all(len(r) == 1 for r in out) and not any(
                isinstance(r[0], str) and r[0].startswith("#TRUPS") for r in out):
            return {call.key: _stored(row[0]) for (call, _), row in zip(members, out, strict=True)}
    return {call.key: _stored(fn(*values)) for call, values in members}


def reads_a_spill(call_args: tuple[object, ...], spilled: dict[str, set[tuple[int, int]]]) -> bool:
    """Whether a call read a cell that a formula spills into (then the engine must evaluate it)."""
    for a in call_args:
        if isinstance(a, Ref) and a.sheet in spilled:
            cells = spilled[a.sheet]
            if any((r, c) in cells for _, r, c in a.cells()):
                return True
    return False


def reads_any(call_args: tuple[object, ...], cells: set[Key]) -> bool:
    """Whether a call read any of ``cells``."""
    return any(cell in cells for a in call_args if isinstance(a, Ref) for cell in a.cells())


def parse_calls(scan: Scan, formulas: dict[Key, str]) -> dict[Key, Call]:
    """The simple calls among ``formulas`` (used to check spills after evaluation)."""
    parser = _Parser(scan)
    out = {}
    for key, text in formulas.items():
        call = parser.call(key, text)
        if call is not None:
            out[key] = call
    return out


__all__ = ["MAX_RANGE_CELLS", "VECTOR_PARAMETERS", "Call", "Outcome", "Ref", "area_bounds", "evaluate",
           "parse_calls", "reads_a_spill"]
