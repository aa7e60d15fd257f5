"""A run's rows called: its elementwise arguments as columns in one vectorised call, the rows grouped
by the arguments that vary and are not elementwise (a security from a lookup), and each row on its own
where that call answers an error (so a bad row keeps its own message) or where a row must stand alone
(too many arguments, a range in an elementwise place). Every call goes through the same
:mod:`trups_xl.excel.udfs` function Excel calls.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from itertools import repeat
from typing import Any

import numpy as np

from trups_xl.excel.convert import dates_to_serials
from trups_xl.excel.function import REGISTRY, refusals
from trups_xl.recalc.calls import VECTOR_PARAMETERS, hashable, parameters
from trups_xl.recalc.engine import to_engine


def grouped_columns(function: str, per_arg: list[Any], varying: list[bool], count: int) -> list[tuple[Any, bool]]:
    """:func:`grouped`, read from the arguments as columns: the rows are grouped by their arguments that
    vary and are not elementwise (a security from a lookup), without a Python list per row."""
    names = parameters(function)
    vector = VECTOR_PARAMETERS.get(function, ())
    if len(per_arg) > len(names) or not vector or any(
            isinstance(v, list) for i in range(len(per_arg)) if varying[i] and names[i] in vector for v in per_arg[i]):
        return grouped(function, [[per_arg[i][k] if varying[i] else per_arg[i] for i in range(len(per_arg))]
                                   for k in range(count)])
    split = [i for i in range(len(per_arg)) if varying[i] and names[i] not in vector]
    groups: dict[object, list[int]] = defaultdict(list)
    if not split:
        groups[()] = list(range(count))
    for k, key in enumerate(zip(*[[id(v) if isinstance(v, list) else hashable(v) for v in per_arg[i]]
                                  for i in split], strict=True)):
        groups[key].append(k)
    result: list[tuple[Any, bool]] = [(None, False)] * count
    for members in groups.values():
        first = members[0]
        # within a group only the elementwise arguments vary: the group is one call with them as columns
        args = [[per_arg[i][k] for k in members] if i not in split and varying[i]
                else (per_arg[i][first] if varying[i] else per_arg[i]) for i in range(len(per_arg))]
        vary = [varying[i] and i not in split for i in range(len(per_arg))]
        for k, value in zip(members, _called(function, args, vary, len(members)), strict=True):
            result[k] = value
    return result


def grouped(function: str, rows: list[list[object]]) -> list[tuple[Any, bool]]:
    """Each row's value: one call per group of rows sharing their other arguments (the varying ones as
    columns), a row alone where it has too many arguments or a range in an elementwise place."""
    names = parameters(function)
    vector = VECTOR_PARAMETERS.get(function, ())
    groups: dict[object, list[int]] = defaultdict(list)
    for k, values in enumerate(rows):
        if len(values) > len(names) or any(isinstance(v, list) for v, n in zip(values, names, strict=False)
                                           if n in vector):
            groups[("alone", k)].append(k)  # arity errors and ranges, per cell
            continue
        shared = tuple("*" if n in vector else (id(v) if isinstance(v, list) else hashable(v))
                       for v, n in zip(values, names, strict=False))
        groups[shared].append(k)
    result: list[tuple[Any, bool]] = [(None, False)] * len(rows)
    for members in groups.values():
        for k, value in zip(members, run_rows(function, [rows[k] for k in members]), strict=True):
            result[k] = value
    return result


def stored(value: Any) -> tuple[Any, bool]:
    return to_engine(value), isinstance(value, dt.date)


def stored_all(values: list[Any]) -> list[tuple[Any, bool]]:
    """:func:`stored` of each value: a column of finite numbers, or of dates, with no Python step per value."""
    kinds = set(map(type, values))
    if kinds == {float} and all(map(math.isfinite, values)):
        return list(zip(values, repeat(False)))
    if kinds == {dt.date}:  # each its serial, as to_engine gives it
        return list(zip(map(float, dates_to_serials(values)), repeat(True)))
    # a finite float is stored as it is (inf - inf and nan - nan are nan)
    return [(v, False) if type(v) is float and v - v == 0.0 else stored(v) for v in values]


def run_whole(function: str, per_arg: list[Any], varying: list[bool], count: int) -> list[tuple[Any, bool]] | None:
    """The run as one call, its vector arguments as columns; None when that call answers an error
    (each row is then called on its own by the caller's path)."""
    return column_result(REGISTRY[function](*_as_columns(function, per_arg, varying, count)), count)


def _called(function: str, args: list[Any], vary: list[bool], count: int) -> list[tuple[Any, bool]]:
    """Each of ``count`` rows' value (the arguments that ``vary`` as columns): the rows as one call; where
    that answers an error, the rows it refuses each on its own told at once and the others called so
    (:func:`_around_refusals`), else blocks of rows, and each row of a block that errs (:func:`_by_blocks`)."""
    values = run_whole(function, args, vary, count) if count > 1 else None
    if values is None and count > 1:
        values = _around_refusals(function, args, vary, count)
    return values if values is not None else _by_blocks(function, args, vary, count)


def _as_columns(function: str, per_arg: list[Any], varying: list[bool], count: int) -> list[Any]:
    """A run's arguments for one call: each vector argument a column of ``count`` one-cell rows."""
    vector = VECTOR_PARAMETERS[function]
    names = parameters(function)
    return [[[v] for v in (per_arg[i] if varying[i] else [per_arg[i]] * count)] if names[i] in vector else per_arg[i]
            for i in range(len(per_arg))]


def _around_refusals(function: str, args: list[Any], vary: list[bool], count: int) -> list[tuple[Any, bool]] | None:
    """A run whose one call refuses some rows each on its own (a coupon asked on every day, refused on all
    but the payment dates: :func:`~trups_xl.excel.function.refusals`): those rows given the message a call
    on each alone shows, the others called as the run's rows are (at once, or by blocks); None when the call
    refuses otherwise (the caller then calls blocks and rows)."""
    found = refusals(function, *_as_columns(function, args, vary, count))
    if found is None or found[0].size != count:
        return None
    refused, messages = found
    out: list[tuple[Any, bool]] = [(None, False)] * count
    for k, message in zip(np.flatnonzero(refused.ravel()).tolist(), messages, strict=True):
        out[k] = stored(message)
    kept = np.flatnonzero(~refused.ravel()).tolist()
    if kept:
        rows = [[a[k] for k in kept] if v else a for a, v in zip(args, vary, strict=True)]
        for k, value in zip(kept, _called(function, rows, vary, len(kept)), strict=True):
            out[k] = value
    return out


def column_result(out: Any, count: int) -> list[tuple[Any, bool]] | None:
    """A vectorised call's result as one stored value a row, or None when it is not a column of
    ``count`` values or answers a message (the rows are then called one by one)."""
    if not isinstance(out, list) or len(out) != count or set(map(len, out)) != {1}:
        return None
    values = [r[0] for r in out]
    if str in set(map(type, values)) and any(isinstance(v, str) and v.startswith("#TRUPS") for v in values):
        return None
    return stored_all(values)


#: Rows called at once when a run's one call answers an error: a block whose call errs too is called a
#: row at a time (so a bad row keeps its own message and a run with a few bad rows is not called row by row).
BLOCK_ROWS = 256


def _by_blocks(function: str, args: list[Any], vary: list[bool], count: int) -> list[tuple[Any, bool]]:
    """The rows of a run whose one call answered an error: a block of :data:`BLOCK_ROWS` at a time as one
    call, each row of a block that answers an error on its own (the values of the others are the very
    values the one call gives a row: the functions are elementwise in these arguments)."""
    fn = REGISTRY[function]
    out: list[tuple[Any, bool]] = []
    for start in range(0, count, BLOCK_ROWS):
        stop = min(count, start + BLOCK_ROWS)
        block = [a[start:stop] if v else a for a, v in zip(args, vary, strict=True)]
        values = run_whole(function, block, vary, stop - start) if count > BLOCK_ROWS and stop - start > 1 else None
        if values is None:
            values = [stored(fn(*[a[j] if v else a for a, v in zip(block, vary, strict=True)]))
                      for j in range(stop - start)]
        out += values
    return out


def run_rows(function: str, rows: list[list[object]]) -> list[tuple[Any, bool]]:
    """One call for the rows with their varying arguments as columns; per row when that fails."""
    fn = REGISTRY[function]
    if len(rows[0]) > len(parameters(function)):  # as Excel shows a UDF given too many
        return [({"type": "Error", "kind": "Value"}, False)] * len(rows)
    if len(rows) > 1 and function not in VECTOR_PARAMETERS:  # the very same call in every cell
        return [stored(fn(*rows[0]))] * len(rows)
    if len(rows) > 1:
        vector = VECTOR_PARAMETERS[function]
        names = parameters(function)
        args = [[[values[i]] for values in rows] if names[i] in vector else rows[0][i] for i in range(len(rows[0]))]
        whole = column_result(fn(*args), len(rows))
        if whole is not None:
            return whole
    return [stored(fn(*values)) for values in rows]


__all__ = ["column_result", "grouped", "grouped_columns", "run_rows", "run_whole", "stored", "stored_all"]
