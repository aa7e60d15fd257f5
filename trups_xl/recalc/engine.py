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
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz
import numpy as np

from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
from trups_xl.excel.convert import FIRST_SERIAL_DATE, date_to_serial, excel_serial
from trups_xl.excel.function import BUG_PREFIX, REGISTRY
from trups_xl.recalc.calls import parameters
from trups_xl.recalc.safety import RefusedError
from trups_xl.recalc.steps import step

#: The engine's error kinds as Excel shows them.
ERROR_TEXT = {"Div": "#DIV/0!", "Ref": "#REF!", "Name": "#NAME?", "Value": "#VALUE!", "Num": "#NUM!",
              "Null": "#NULL!", "Na": "#N/A", "Spill": "#SPILL!", "Calc": "#CALC!", "Circ": "#CALC!",
              "Cancelled": "#CALC!", "Error": "#VALUE!", "NImpl": "#NAME?"}
#: The prefix each ``TRUPS_*`` function is also registered under in the engine (``TRUPSX_COUPON``):
#: formulas the engine is given rewritten call their functions by it, so that only the formulas it
#: keeps as the workbook wrote them are answered from :class:`Answers`.
ALIAS = "TRUPSX_"
#: Text put where a ``TRUPS_*`` call skips an argument. U+0001 cannot stand in an .xlsx (XML 1.0
#: forbids it), so no cell a workbook holds is ever mistaken for a skipped argument.
SKIPPED = "\x01"


def is_engine_error(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "Error"


def error_text(value: dict[str, Any]) -> str:
    return ERROR_TEXT.get(str(value.get("kind")), "#VALUE!")


def as_sent(value: Any) -> Any:
    """One engine value as the engine sends it to a function (as Excel sends a UDF a cell's value): a
    date, a date-time, a time or a duration as its number, whether typed or a formula's result (the
    engine reads such a cell back as a date, and calls a function with its serial)."""
    if type(value) is float or value is None or type(value) is str:
        return None if value is None else (None if value == SKIPPED else value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return excel_serial(value)
    return _other(value, as_sent)


def as_shown(value: Any) -> Any:
    """One engine value as the recalculation reports it: as :func:`as_sent`, but a date kept a date
    (from 1900-03-01 on, where it has a serial)."""
    if type(value) is float or value is None or type(value) is str:
        return None if value is None else (None if value == SKIPPED else value)
    if isinstance(value, dt.time | dt.timedelta) or (isinstance(value, dt.date) and (
            value.date() if isinstance(value, dt.datetime) else value) < FIRST_SERIAL_DATE):
        return excel_serial(value)
    return _other(value, as_shown)


def _other(value: Any, each: Callable[[Any], Any]) -> Any:
    """An error as Excel's text, a range as rows (one cell as its value), a whole number as a float."""
    if isinstance(value, dict):
        return error_text(value) if is_engine_error(value) else str(value)
    if isinstance(value, list):
        rows = [[each(v) for v in row] if isinstance(row, list) else [each(row)] for row in value]
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

    def record_values(self, name: str, values: Iterable[tuple[Any, bool]]) -> None:
        """Note a run's values (each as the engine holds it, and whether a date) as if each had been
        returned by a call of ``name``."""
        for value, is_date in values:
            if type(value) is float:
                (self.dates if is_date else self.numbers).add((name, 0, 0, value))

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


def call_key(sent: Sequence[Any]) -> tuple[Any, ...]:
    """Arguments as a function receives them (:func:`as_sent`), as a dictionary key: a logical apart
    from the number it equals (``TRUE`` is not ``1``), a range as a tuple of rows, a date as its
    serial (the engine reads a date cell as a date, and passes it to a function as its serial)."""
    return tuple(key_part(v) for v in sent)


def key_part(value: Any) -> Any:
    """One argument of :func:`call_key`."""
    if type(value) is bool:
        return ("bool", value)
    if isinstance(value, list):
        return tuple(key_part(v) for v in value)
    if isinstance(value, dt.date):  # as_sent gives serials already; a date passed here is keyed the same
        return excel_serial(value)
    return value


@dataclass
class Answers:
    """Results the vectorised runs made, for the engine's calls of the same function on the same
    arguments: a formula around a call (``=IF(A3=C3,TRUPS_COUPON(A3,,P),0)``) keeps its text in the
    engine and its call is answered from here, as fast as a dictionary look-up.

    An answer is a function of the arguments as the function receives them, so it is right for any
    cell that makes that call. A skipped argument reaches the engine's callback as 0 (the engine
    cannot tell ``F(a,,b)`` from ``F(a,0,b)``): the answered formulas calling a function all skip the
    same arguments of it, and every other formula calls it under its :data:`ALIAS` (see
    :func:`trups_xl.recalc.vectorise.evaluate`); a call the answers miss with a 0 where an answered
    formula skips an argument is marked ``doubt``: the answered formulas are then rewritten to read
    their scratch cells and evaluated again.
    """

    #: per function, the answer (value as the engine takes it, whether a date) to each key (:func:`call_key`)
    by_call: dict[str, dict[tuple[Any, ...], tuple[Any, bool]]] = field(default_factory=dict)
    #: the functions some answer of which is a date (a hit logs a number only for those: see DateLog)
    dated: set[str] = field(default_factory=set)
    #: per function, the positions some answered formula in the engine skips
    skipped_at: dict[str, set[int]] = field(default_factory=dict)
    doubt: bool = False
    #: while the runs are being made: a call not answered yet gets a stand-in (the engine evaluates
    #: more than it is asked to), noted in ``missed``; a whole-formula call's stand-in is replaced by its
    #: run's values, and the answered formulas calling a function that got one are sent back to their
    #: scratch cells (see :func:`trups_xl.recalc.vectorise.evaluate`)
    open: bool = False
    missed: set[tuple[str, tuple[Any, ...]]] = field(default_factory=set)

    def add(self, name: str, sent: Sequence[Any], value: Any, is_date: bool) -> bool:
        """Keep ``value`` as the answer to ``name(*sent)``; False where another answer is kept for it."""
        return self.add_all(name, [call_key(sent)], [(value, is_date)])

    def add_all(self, name: str, keys: Iterable[tuple[Any, ...]], values: Iterable[tuple[Any, bool]]) -> bool:
        """Keep each ``(value, is_date)`` as the answer to ``name`` on its key (:func:`call_key`); False
        where another answer is kept for a key."""
        kept = True
        table = self.by_call.setdefault(name, {})
        for key, answer in zip(keys, values, strict=True):
            if table.setdefault(key, answer) != answer:
                kept = False
            if answer[1]:
                self.dated.add(name)
        return kept

    def answer(self, name: str, args: tuple[Any, ...]) -> tuple[Any, bool] | None:
        """The answer to the engine's call ``name(*args)``, a stand-in (0) while the runs are made, or
        None (the call is made)."""
        table = self.by_call.get(name)
        if table is None and not self.open:
            return None
        # numbers reach a function as the engine passes them: their tuple is the key itself
        key = args if all(type(a) is float for a in args) else call_key([as_sent(a) for a in args])
        hit = table.get(key) if table is not None else None
        if hit is None and self.open:
            self.missed.add((name, key))
            return 0.0, False
        return hit

    def clear(self) -> None:
        self.by_call.clear()
        self.dated.clear()
        self.skipped_at.clear()
        self.missed.clear()
        self.doubt = self.open = False



def adapter(name: str, fn: Callable[..., Any], log: DateLog, answers: Answers | None = None) -> Callable[..., Any]:
    """The engine's callback for one ``TRUPS_*`` function: an answer the runs made, else the call."""
    def call(*args: Any) -> Any:
        try:
            if answers is not None:
                hit = answers.answer(name, args)
                if hit is not None:
                    value, is_date = hit
                    if is_date or name in answers.dated:
                        log.record_values(name, (hit,))
                    return value
            sent = [as_sent(a) for a in args]
            if answers is not None and any(p < len(sent) and type(sent[p]) is float and sent[p] == 0.0
                                           for p in answers.skipped_at.get(name, ())):
                answers.doubt = True  # perhaps an answered formula's skipped argument, read as 0
            result = fn(*sent)
            log.record(name, result)
            return to_engine(result)
        except Exception as exc:  # the UDF layer never raises; this is a defect and says so
            return f"{BUG_PREFIX} {type(exc).__name__}: {exc} (please report)"

    return call


def register(book: fz.Workbook, log: DateLog, answers: Answers | None = None) -> None:
    """Register every ``TRUPS_*`` function with ``book``; a call with more arguments than the function
    takes is ``#VALUE!``, as Excel shows it for a UDF."""
    for name, fn in REGISTRY.items():
        most = len(parameters(name))
        book.register_function(name, adapter(name, fn, log, answers), min_args=0, max_args=most)
        book.register_function(ALIAS + name.removeprefix("TRUPS_"), adapter(name, fn, log), min_args=0,
                               max_args=most)


def mark_skipped(formula: str, alias: bool = False) -> str | None:
    """``formula`` with :data:`SKIPPED` in every argument a ``TRUPS_*`` call skips, or None when it skips
    none. Excel's own functions keep reading a skipped argument as the engine does.

    ``alias``: every ``TRUPS_*`` call also renamed to its :data:`ALIAS` (the same function, never
    answered from :class:`Answers`), so the text is returned whenever it calls one."""
    try:
        tokens = fz.tokenize(formula).tokens()
    except Exception:
        return None
    stack: list[bool] = []  # per open call: is it a TRUPS_* call
    inserts: list[tuple[int, bytes, int]] = []  # (where, text put there, bytes it replaces)
    previous: Any = None
    for tok in tokens:
        kind, sub = str(tok.token_type), str(tok.subtype)
        if kind == "Func" and sub == "Open":
            trups = tok.value.upper().startswith("TRUPS_")
            stack.append(trups)
            if trups and alias:
                inserts.append((tok.start, ALIAS.encode(), len("TRUPS_")))
        elif kind == "Paren" and sub == "Open":
            stack.append(False)
        elif kind == "Sep" and sub == "Arg" and stack and stack[-1]:
            if previous is not None and (str(previous.token_type), str(previous.subtype)) in (
                    ("Func", "Open"), ("Sep", "Arg")):
                inserts.append((tok.start, f'"{SKIPPED}"'.encode(), 0))
        elif sub == "Close" and kind in ("Func", "Paren"):
            if stack and stack[-1] and previous is not None and (str(previous.token_type), str(previous.subtype)) \
                    == ("Sep", "Arg"):
                inserts.append((tok.start, f'"{SKIPPED}"'.encode(), 0))  # a skipped last argument: F(a,)
            if stack:
                stack.pop()
        if kind != "Whitespace":
            previous = tok
    if not inserts:
        return None
    out = formula.encode("utf-8")  # the tokenizer's positions count bytes
    for at, text, replaced in sorted(inserts, reverse=True):
        out = out[:at] + text + out[at + replaced:]
    return out.decode("utf-8")


def engine_text(formula: str) -> str:
    """A formula as the engine is given it where its calls must not be answered: skipped arguments
    marked, every ``TRUPS_*`` call under its :data:`ALIAS`."""
    return mark_skipped(formula, alias=True) or formula


@contextmanager
def dates_as_serials(book: fz.Workbook) -> Iterator[None]:
    """The engine's values read as a function is sent them: a date, a date-time, a time or a duration as
    its serial number, made by the engine (what :func:`as_sent` makes of each, with no Python step per
    cell: a property test holds the two to each other); its own dates again after."""
    book.set_temporal_egress("serial")
    try:
        yield
    finally:
        book.set_temporal_egress("native")


def evaluate_all(book: fz.Workbook) -> None:
    """Evaluate every formula of ``book``, refused in one line where the engine cannot (:func:`refused`)."""
    with step("engine evaluation"), refused():
        book.evaluate_all()


def evaluate_cells(book: fz.Workbook, cells: list[tuple[str, int, int]]) -> None:
    """Evaluate ``cells`` and what they read, refused in one line where the engine cannot (:func:`refused`)."""
    with step("engine evaluation"), refused():
        book.evaluate_cells(cells)


@contextmanager
def refused() -> Iterator[None]:
    """An evaluation the engine cannot make as one line: a formula nested too deeply, or a workbook it finds
    no values for (``#N/IMPL!``: a spill onto a formula reading what it spills, which the engine's dynamic
    dependencies never settle), as the engine alone fails on it."""
    try:
        yield
    except RecursionError:
        raise RefusedError("a formula is nested too deeply to evaluate") from None
    except fz.ExcelEvaluationError as exc:
        detail = " ".join(str(exc).split())[:200]
        raise RefusedError(f"the formula engine could not evaluate the workbook ({detail})") from None
