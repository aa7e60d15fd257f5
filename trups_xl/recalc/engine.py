"""The formula engine: formualizer (a maintained native engine, Rust, MIT/Apache-2.0) evaluates every
formula of the workbook; each ``TRUPS_*`` function is registered with it and calls the very same
:mod:`trups_xl.excel.udfs` function Excel calls, through one adapter (:func:`adapter`).

What the adapter makes of the engine's values, so that a function sees what Excel sends it:

* an error argument (the engine's ``{'type': 'Error', 'kind': 'Div'}``) becomes Excel's error text
  (``"#DIV/0!"``), which every function already refuses by name;
* a skipped argument (``=F(a,,b)``, which the engine passes as 0) reaches the function as missing
  (``None``): before evaluation the formula is rewritten with :data:`SKIPPED` in that place
  (:func:`mark_skipped`), a text no workbook cell can hold;
* a range of one cell becomes its value, a larger one a list of rows; numpy results become lists;
* a date a function returns reaches the engine as its serial (the engine keeps no date type for a
  returned value); :class:`DateLog` remembers which results were dates so the values copy writes
  them as dates.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz
import numpy as np

from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
from trups_xl.excel.convert import date_to_serial
from trups_xl.excel.function import BUG_PREFIX, REGISTRY
from trups_xl.recalc.safety import RefusedError

#: The engine's error kinds as Excel shows them.
ERROR_TEXT = {"Div": "#DIV/0!", "Ref": "#REF!", "Name": "#NAME?", "Value": "#VALUE!", "Num": "#NUM!",
              "Null": "#NULL!", "Na": "#N/A", "Spill": "#SPILL!", "Calc": "#CALC!", "Circ": "#CALC!",
              "Cancelled": "#CALC!", "Error": "#VALUE!", "NImpl": "#NAME?"}
#: Text put where a ``TRUPS_*`` call skips an argument. U+0001 cannot stand in an .xlsx (XML 1.0
#: forbids it), so no cell a workbook holds is ever mistaken for a skipped argument.
SKIPPED = "\x01"


def is_engine_error(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "Error"


def error_text(value: dict[str, Any]) -> str:
    return ERROR_TEXT.get(str(value.get("kind")), "#VALUE!")


def as_sent(value: Any) -> Any:
    """One engine value as Excel sends it to a UDF."""
    if type(value) is float or value is None or type(value) is str:
        return None if value is None else (None if value == SKIPPED else value)
    if isinstance(value, dict):
        return error_text(value) if is_engine_error(value) else str(value)
    if isinstance(value, list):
        rows = [[as_sent(v) for v in row] if isinstance(row, list) else [as_sent(row)] for row in value]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value


@dataclass
class DateLog:
    """Which numbers the functions returned as dates, by function and position in the result.

    The engine stores a returned date as its serial; the values copy writes a ``TRUPS_*`` cell as a
    date when its function returned that serial as a date at that position of its result and never
    the same number as a plain number there.
    """

    dates: set[tuple[str, int, int, float]] = field(default_factory=set)
    numbers: set[tuple[str, int, int, float]] = field(default_factory=set)

    def record(self, name: str, result: Any) -> None:
        rows = result if isinstance(result, list) else [[result]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, dt.date):  # a date-time too: its time of day is dropped
                    self.dates.add((name, i, j, float(date_to_serial(v))))
                elif type(v) is float:
                    self.numbers.add((name, i, j, v))

    def is_date(self, name: str, i: int, j: int, value: Any) -> bool:
        key = (name, i, j, value)
        return type(value) is float and key in self.dates and key not in self.numbers


def to_engine(value: Any) -> Any:
    """A UDF result as the engine takes it: dates as serials, tables as lists of rows, numpy as Python."""
    if isinstance(value, list):
        return [[to_engine(v) for v in row] for row in value]
    if isinstance(value, dt.date):  # a date-time too: its time of day is dropped
        return float(date_to_serial(value))
    if isinstance(value, np.ndarray):
        return to_engine(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return {"type": "Error", "kind": "Num"}
    return value


def adapter(name: str, fn: Callable[..., Any], log: DateLog) -> Callable[..., Any]:
    """The engine's callback for one ``TRUPS_*`` function."""
    def call(*args: Any) -> Any:
        try:
            result = fn(*(as_sent(a) for a in args))
            log.record(name, result)
            return to_engine(result)
        except Exception as exc:  # the UDF layer never raises; this is a defect and says so
            return f"{BUG_PREFIX} {type(exc).__name__}: {exc} (please report)"

    return call


def register(book: fz.Workbook, log: DateLog) -> None:
    """Register every ``TRUPS_*`` function with ``book``; a call with more arguments than the function
    takes is ``#VALUE!``, as Excel shows it for a UDF."""
    for name, fn in REGISTRY.items():
        book.register_function(name, adapter(name, fn, log), min_args=0,
                               max_args=len(inspect.signature(fn).parameters))


def mark_skipped(formula: str) -> str | None:
    """``formula`` with :data:`SKIPPED` in every argument a ``TRUPS_*`` call skips, or None when it skips
    none. Excel's own functions keep reading a skipped argument as the engine does."""
    try:
        tokens = fz.tokenize(formula).tokens()
    except Exception:
        return None
    stack: list[bool] = []  # per open call: is it a TRUPS_* call
    inserts: list[int] = []
    previous: Any = None
    for tok in tokens:
        kind, sub = str(tok.token_type), str(tok.subtype)
        if kind == "Func" and sub == "Open":
            stack.append(tok.value.upper().startswith("TRUPS_"))
        elif kind == "Paren" and sub == "Open":
            stack.append(False)
        elif kind == "Sep" and sub == "Arg" and stack and stack[-1]:
            if previous is not None and (str(previous.token_type), str(previous.subtype)) in (
                    ("Func", "Open"), ("Sep", "Arg")):
                inserts.append(tok.start)
        elif sub == "Close" and kind in ("Func", "Paren"):
            if stack and stack[-1] and previous is not None and (str(previous.token_type), str(previous.subtype)) \
                    == ("Sep", "Arg"):
                inserts.append(tok.start)  # a skipped last argument: F(a,)
            if stack:
                stack.pop()
        if kind != "Whitespace":
            previous = tok
    if not inserts:
        return None
    out = formula.encode("utf-8")  # the tokenizer's positions count bytes
    for at in sorted(inserts, reverse=True):
        out = out[:at] + f'"{SKIPPED}"'.encode() + out[at:]
    return out.decode("utf-8")


def evaluate_all(book: fz.Workbook) -> None:
    """Evaluate every formula of ``book``; a formula nested too deeply is refused in one line."""
    try:
        book.evaluate_all()
    except RecursionError:
        raise RefusedError("a formula is nested too deeply to evaluate") from None
