"""Runs of ``TRUPS_*`` formulas evaluated as one vectorised call each, without the formula engine.

A model fills whole columns with the same call, row after row (``=TRUPS_ACCRUAL(A2,B2)``,
``=TRUPS_ACCRUAL(A3,B3)``, ...). The ``formulas`` engine costs milliseconds a cell; the
calculation core takes arrays. So a formula that is a single ``TRUPS_*`` call on literals, cell
references, ranges and defined names — reading constants or other such calls — is evaluated
here: the calls of one function whose other arguments agree are made as one call with the
varying arguments as a column (:data:`VECTOR_PARAMETERS`: those that take a range element by
element). When that one call answers an error, each cell is called on its own, so a bad row
gets its own message and the others their numbers. Every call goes through the same
:mod:`trups_xl.udfs` function Excel calls; results are stored as the engine stores them.

What is not such a call (other functions, nested expressions, array formulas, a table result)
is left to the engine, which then sees these cells' values as constants.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from trups_xl.engine import stored_result
from trups_xl.xlfunc import REGISTRY
from trups_xl.xlsxsafety import filled_cells

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
#: Cells a range argument may hold before the call is left to the engine.
MAX_RANGE_CELLS = 100_000

CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\((.*)\)\s*$", re.S | re.I)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)"
                 r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?$")

Key = tuple[str, str]  # (sheet title, cell)


class _NotSimpleError(Exception):
    """The formula is not a single call this module evaluates."""


@dataclass(frozen=True)
class _Ref:
    sheet: str
    rows: tuple[int, int]
    cols: tuple[int, int]

    def cells(self) -> Iterator[Key]:
        for r in range(self.rows[0], self.rows[1] + 1):
            for c in range(self.cols[0], self.cols[1] + 1):
                yield self.sheet, f"{get_column_letter(c)}{r}"

    @property
    def single(self) -> bool:
        return self.rows[0] == self.rows[1] and self.cols[0] == self.cols[1]


@dataclass(frozen=True)
class _Call:
    key: Key
    function: str
    args: tuple[object, ...]  # None (skipped), a literal, or a _Ref


def _split(inner: str) -> list[str]:
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


def _ref(match: re.Match[str], sheet: str, titles: dict[str, str]) -> _Ref:
    name = match["sheet"]
    if name:
        name = name[1:-1].replace("''", "'") if name.startswith("'") else name
        if name.upper() not in titles:
            raise _NotSimpleError
        sheet = titles[name.upper()]
    c1, r1 = column_index_from_string(match["c1"].upper()), int(match["r1"])
    c2 = column_index_from_string(match["c2"].upper()) if match["c2"] else c1
    r2 = int(match["r2"]) if match["r2"] else r1
    ref = _Ref(sheet, (min(r1, r2), max(r1, r2)), (min(c1, c2), max(c1, c2)))
    if (ref.rows[1] - ref.rows[0] + 1) * (ref.cols[1] - ref.cols[0] + 1) > MAX_RANGE_CELLS:
        raise _NotSimpleError
    return ref


def _argument(text: str, sheet: str, book: Workbook, titles: dict[str, str]) -> object:
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
        return _ref(match, sheet, titles)
    if arg in book.defined_names:
        destinations = list(book.defined_names[arg].destinations)
        if len(destinations) == 1:
            title, target = destinations[0]
            match = REF.match(target.replace("$", ""))
            if match and title in book.sheetnames:
                return _ref(match, title, titles)
    raise _NotSimpleError


def parse(book: Workbook) -> tuple[dict[Key, _Call], set[Key]]:
    """The simple ``TRUPS_*`` calls of a workbook, and every formula cell (by key)."""
    titles = {t.upper(): t for t in book.sheetnames}
    calls: dict[Key, _Call] = {}
    formula_cells: set[Key] = set()
    for title, c in filled_cells(book):
        value = c.value
        if isinstance(value, ArrayFormula):
            formula_cells.add((title, c.coordinate))  # left to the engine
        if not isinstance(value, str) or not value.startswith("="):
            continue
        key = (title, c.coordinate)
        formula_cells.add(key)
        match = CALL.match(value)
        if not match or match[1].upper() not in REGISTRY:
            continue
        try:
            args = tuple(_argument(a, title, book, titles) for a in _split(match[2]))
        except _NotSimpleError:
            continue
        calls[key] = _Call(key, match[1].upper(), args)
    return calls, formula_cells


def _layers(calls: dict[Key, _Call], formula_cells: set[Key]) -> list[list[_Call]]:
    """Calls in dependency order; a call reading another formula that is not a simple call (or on
    a cycle) is dropped, and so is everything that reads it."""
    level: dict[Key, int] = {}
    dropped: set[Key] = set()

    def visit(key: Key, stack: set[Key]) -> int:
        if key in level:
            return level[key]
        if key in dropped or key in stack:
            raise _NotSimpleError
        stack.add(key)
        deepest = 0
        try:
            for arg in calls[key].args:
                if isinstance(arg, _Ref):
                    for cell in arg.cells():
                        if cell in calls:
                            deepest = max(deepest, visit(cell, stack) + 1)
                        elif cell in formula_cells:
                            raise _NotSimpleError
        except _NotSimpleError:
            dropped.add(key)
            raise
        finally:
            stack.discard(key)
        level[key] = deepest
        return deepest

    for key in calls:
        try:
            visit(key, set())
        except _NotSimpleError:
            pass
    layers: list[list[_Call]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for key, depth in level.items():
        layers[depth].append(calls[key])
    return layers


def _value(arg: object, book: Workbook, results: dict[Key, Any]) -> object:
    """An argument as Excel sends it to the function: a value, or rows of values."""
    if not isinstance(arg, _Ref):
        return arg
    ws = book[arg.sheet]
    rows = []
    for r in range(arg.rows[0], arg.rows[1] + 1):
        line = []
        for c in range(arg.cols[0], arg.cols[1] + 1):
            key = (arg.sheet, f"{get_column_letter(c)}{r}")
            if key in results:
                if isinstance(results[key], np.ndarray):
                    raise _NotSimpleError  # a table: what a reader sees of it is the engine's to spill
                line.append(_as_sent(results[key]))
            else:
                cell = ws._cells.get((r, c))
                line.append(None if cell is None else cell.value)
        rows.append(line)
    return rows[0][0] if arg.single else rows


def _as_sent(value: Any) -> Any:
    """A stored result (a date as its serial) as Excel sends it onward: a number."""
    return float(value) if isinstance(value, float) else value


@functools.cache
def _parameters(function: str) -> tuple[str, ...]:
    return tuple(inspect.signature(REGISTRY[function]).parameters)


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def evaluate(book: Workbook) -> tuple[dict[Key, Any], set[Key]]:
    """Values of every simple call that gives one value (``{key: value}`` as the engine stores
    them), and the formula cells left to the engine."""
    calls, formula_cells = parse(book)
    results: dict[Key, Any] = {}
    layers = _layers(calls, formula_cells)
    for layer in layers:
        groups: dict[tuple[object, ...], list[tuple[_Call, list[object]]]] = defaultdict(list)
        for call in layer:
            names = _parameters(call.function)
            try:
                values = [_value(a, book, results) for a in call.args]
            except _NotSimpleError:
                continue  # it reads a table: left to the engine
            if len(values) > len(names) or any(isinstance(v, list) for v, n in zip(values, names, strict=False)
                                                   if n in VECTOR_PARAMETERS.get(call.function, ())):
                groups[(call.key,)].append((call, values))  # alone: arity errors and ranges per cell
                continue
            vector = VECTOR_PARAMETERS.get(call.function, ())
            shared = tuple(("*" if n in vector else _hashable(v)) for v, n in zip(values, names, strict=False))
            groups[(call.function, call.key[0], len(values), shared)].append((call, values))
        for members in groups.values():
            results.update(_run(members))
    # A table in one cell spills, which the engine path handles: the table, the cells it spills
    # into and every call that reads them (in dependency order, so its readers too) are left to it.
    left: set[Key] = set()
    for key, value in results.items():
        if isinstance(value, np.ndarray):
            first_row, first_col = coordinate_to_tuple(key[1])
            left |= set(_Ref(key[0], (first_row, first_row + value.shape[0] - 1),
                             (first_col, first_col + value.shape[1] - 1)).cells())
    for layer in layers:
        for call in layer:
            if any(cell in left for arg in call.args if isinstance(arg, _Ref) for cell in arg.cells()):
                left.add(call.key)
    for key in left:
        results.pop(key, None)
    return results, formula_cells - set(results)


def _run(members: list[tuple[_Call, list[object]]]) -> dict[Key, Any]:
    """One call for the group with its varying arguments as columns; per cell when that fails."""
    first = members[0][0]
    fn = REGISTRY[first.function]
    if len(members) > 1 and first.function not in VECTOR_PARAMETERS:  # the very same call in every cell
        result = stored_result(fn(*members[0][1]))
        return {call.key: result for call, _ in members}
    if len(members) > 1:
        vector = VECTOR_PARAMETERS[first.function]
        names = _parameters(first.function)
        args = [[[values[i]] for _, values in members] if names[i] in vector else members[0][1][i]
                for i in range(len(members[0][1]))]
        out = fn(*args)
        if isinstance(out, list) and len(out) == len(members) and all(len(r) == 1 for r in out) and not any(
                isinstance(r[0], str) and r[0].startswith("#TRUPS") for r in out):
            return {call.key: stored_result(row[0]) for (call, _), row in zip(members, out, strict=True)}
    return {call.key: stored_result(fn(*values)) for call, values in members}
