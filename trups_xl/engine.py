"""The ``formulas`` engine made to call the ``TRUPS_*`` functions and to read what Excel sends.

``register()`` registers every ``TRUPS_*`` function with the engine and adapts it where it and
Excel 365 differ (see :mod:`trups_xl.recalc`): skipped arguments, table results, arrays larger
than their range. ``guard_files`` keeps the engine from opening any file but the workbook being
recalculated (external references become ``#REF!``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import formulas
import formulas.cell
import formulas.excel.xlreader
import formulas.ranges
import numpy as np
import schedula as sh
from formulas.functions import XlError
from formulas.ranges import Ranges
from formulas.tokens.operand import Empty

from trups_xl import udfs  # noqa: F401  (registers the functions)
from trups_xl.xlconvert import date_to_serial
from trups_xl.xlfunc import REGISTRY


class Missing(int):
    """A skipped argument (``=F(a,,b)``). Excel's own functions in the engine see 0, as they
    always did; :func:`_argument` hands a ``TRUPS_*`` function ``None``, as Excel does."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing(0)


class DateSerial(float):
    """A date a function returned, as the serial the engine computes with; written as a date."""


def to_excel(value: Any) -> Any:
    """A Python cell value as the engine sends it to a UDF."""
    if value is sh.EMPTY or value is None or isinstance(value, Missing):
        return None
    if isinstance(value, XlError):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _argument(value: Any) -> Any:
    if isinstance(value, Ranges):
        value = value.value
    if isinstance(value, np.ndarray):
        rows = [[to_excel(v) for v in row] for row in np.atleast_2d(value)]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return to_excel(value)


def stored_result(value: Any) -> Any:
    """A UDF result as the engine stores it: dates as serials, tables as 2-D arrays."""
    def cell(v: Any) -> Any:
        if isinstance(v, dt.date):
            return DateSerial(date_to_serial(v if not isinstance(v, dt.datetime) else v.date()))
        return "" if v is None else v

    if isinstance(value, list):
        return np.array([[cell(v) for v in row] for row in value], dtype=object)
    return cell(value)


def _engine_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return stored_result(fn(*(_argument(a) for a in args)))

    return call


# ---- where the engine is made to behave as Excel ------------------------------------------------

#: Full results of single-cell and array formulas, recorded while the engine runs:
#: engine range name -> (rows, columns) of the formula's result.
RESULT_SHAPES: dict[str, tuple[int, int]] = {}
_original_format_output = formulas.cell.format_output
_original_reshape = formulas.ranges._reshape_array_as_excel


def _format_output(rng: Any, value: Any) -> Any:
    """The engine's output filter, recording the shape of every table a formula returns."""
    if isinstance(value, Ranges):
        value = value.value
    if isinstance(value, np.ndarray) and value.ndim == 2:
        RESULT_SHAPES[rng["name"]] = (int(value.shape[0]), int(value.shape[1]))
    return _original_format_output(rng, value)


def _reshape_array_as_excel(value: Any, base_shape: tuple[int, int]) -> Any:
    """Fit a result to its range as Excel does: a larger result shows its top-left part."""
    arr = np.asarray(value, dtype=object)
    if arr.ndim == 2 and arr.shape != tuple(base_shape) and arr.shape[0] >= base_shape[0] \
            and arr.shape[1] >= base_shape[1]:
        return arr[:base_shape[0], :base_shape[1]]
    return _original_reshape(value, base_shape)


def register() -> None:
    """Make every ``TRUPS_*`` function known to the formula engine, and the engine read skipped
    arguments, tables and spills as Excel does (idempotent)."""
    functions = formulas.get_functions()
    for name, fn in REGISTRY.items():
        functions[name] = _engine_function(fn)
    Empty.compile = staticmethod(lambda: MISSING)
    formulas.cell.format_output = _format_output
    formulas.ranges._reshape_array_as_excel = _reshape_array_as_excel



# ---- no file but the workbook --------------------------------------------------------------------

_original_load_workbook = formulas.excel.xlreader.load_workbook
#: While :func:`guard_files` is active: the files the engine may open, and what it was refused.
_ALLOWED: list[Path] = []
_REFUSED: list[str] = []


def _guarded_load_workbook(filename: Any, *args: Any, **kwargs: Any) -> Any:
    """The engine's file loader, refusing any file but the allowed ones (an external reference)."""
    target = Path(os.path.realpath(str(filename)))
    if target not in _ALLOWED:
        _REFUSED.append(str(filename))
        raise PermissionError(f"external reference to {filename} not read")
    return _original_load_workbook(filename, *args, **kwargs)


@contextlib.contextmanager
def guard_files(allowed: Path) -> Iterator[list[str]]:
    """Let the engine open ``allowed`` only; yields the list of references it was refused."""
    _ALLOWED[:] = [Path(os.path.realpath(allowed))]
    _REFUSED.clear()
    formulas.excel.xlreader.load_workbook = _guarded_load_workbook
    try:
        yield _REFUSED
    finally:
        formulas.excel.xlreader.load_workbook = _original_load_workbook
        _ALLOWED.clear()


@contextlib.contextmanager
def quiet_progress() -> Iterator[None]:
    """Switch off the progress bar the engine draws on stderr while it builds its model (dozens
    of redrawn lines in a terminal or a log); the command prints its own one-line steps. Only the
    engine's module sees the change (formulas' own command line quiets it the same way)."""
    bars = formulas.excel.tqdm  # the tqdm module, as formulas.excel imported it
    formulas.excel.tqdm = types.SimpleNamespace(tqdm=functools.partial(bars.tqdm, disable=True))
    try:
        yield
    finally:
        formulas.excel.tqdm = bars


def allow(path: Path) -> None:
    """Also allow ``path`` (a temporary copy of the workbook) inside :func:`guard_files`."""
    _ALLOWED.append(Path(os.path.realpath(path)))
