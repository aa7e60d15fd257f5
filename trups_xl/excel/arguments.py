"""Argument readers of the Excel functions: cells to dates, numbers and choices, each refusal one line
naming the argument (a range converted column-wise when it is large and all numbers)."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.dates import EPOCH_ORDINAL
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Policy
from trups_xl.core.securities.terms import Terms
from trups_xl.excel import convert as xc


def dates(value: object, argument: str, lo: dt.date, hi: dt.date,
          required: bool = True, default: dt.date | None = None
          ) -> tuple[npt.NDArray[np.datetime64], tuple[int, int]]:
    """A date cell or range as a 2-D ``datetime64[D]`` array and its shape."""
    fast = _vector_dates(value, lo, hi)
    if fast is not None:
        return fast, (int(fast.shape[0]), int(fast.shape[1]))
    cells, shape = xc.map_grid(value, argument,
                               lambda v, a, w: xc.cell_date(v, a, lo, hi, w),
                               required=required, default=default)
    return xc.to_array(cells, "datetime64[D]"), shape


def one_date(value: object, argument: str, lo: dt.date, hi: dt.date,
             default: dt.date | None = None) -> dt.date:
    """A single date (a 1 x 1 range is accepted); blank gives ``default`` when there is one."""
    single_cell(value, argument, "date")
    cells, shape = xc.map_grid(value, argument, lambda v, a, w: xc.cell_date(v, a, lo, hi, w),
                               required=default is None, default=default)
    if shape != (1, 1):
        raise TrupsInputError(f"expected a single date; got a {shape[0]}x{shape[1]} range", argument)
    return cells[0][0]


def optional_date(value: object, argument: str, lo: dt.date, hi: dt.date) -> dt.date | None:
    """A single date, or ``None`` for a blank (an omitted argument or an empty cell)."""
    return None if xc.is_blank(value) else one_date(value, argument, lo, hi)


#: Ranges at least this large are converted column-wise when every cell is a number (or a date).
VECTOR_MIN_CELLS = 16


def _grid_cells(value: object) -> tuple[list[object], set[type]] | None:
    """The cells of a large rectangular range, row by row, and their types; ``None`` for anything else."""
    if not (isinstance(value, list) and len(value) * (len(value[0]) if value and isinstance(value[0], list) else 0)
            >= VECTOR_MIN_CELLS):
        return None
    if set(map(type, value)) != {list}:
        return None
    cells: list[object]
    if len(value[0]) == 1:  # a column, the common case: unpacking checks every row has one cell
        try:
            cells = [cell for (cell,) in value]
        except ValueError:
            return None
    elif len(set(map(len, value))) == 1:
        cells = list(itertools.chain.from_iterable(value))
    else:
        return None
    return cells, set(map(type, cells))


def _numeric_grid(value: object, found: tuple[list[object], set[type]] | None = None
                  ) -> npt.NDArray[np.float64] | None:
    """A large rectangular range whose cells are all numbers (no logicals, blanks, text or error
    codes) as a float array; ``None`` when the cell-by-cell path must judge it."""
    found = _grid_cells(value) if found is None else found
    if found is None or not found[1] <= {float, int}:
        return None
    cells, kinds = found
    try:
        arr = np.array(cells, dtype=np.float64)  # a flat list converts several times faster than rows
    except OverflowError:  # an integer beyond a double (from Python, never a cell): refused cell by cell
        return None
    if not ((np.abs(arr) >= xc.SMALLEST_NORMAL) | (arr == 0)).all() or not np.isfinite(arr).all():
        return None  # a subnormal, NaN or an infinity: refused cell by cell, naming it
    arr += 0.0  # a negative zero is zero
    if int in kinds and any(xc.error_code_name(c) is not None for c in cells if type(c) is int):
        return None
    return arr.reshape(len(value), -1)  # type: ignore[arg-type]




def _vector_dates(value: object, lo: dt.date, hi: dt.date) -> npt.NDArray[np.datetime64] | None:
    """A large range of date serials as ``datetime64[D]`` (time of day dropped); ``None`` otherwise."""
    found = _grid_cells(value)
    if found is None:
        return None
    if found[1] <= {dt.datetime, dt.date}:  # date cells as xlwings sends them (time of day dropped)
        if dt.datetime in found[1] and any(  # a time zone: refused cell by cell, naming it
                cell.tzinfo is not None for cell in found[0] if type(cell) is dt.datetime):
            return None
        # day numbers in one C-level pass (numpy's own datetime conversion is ~10x slower per cell)
        ordinals = np.fromiter(map(dt.date.toordinal, found[0]), dtype=np.int64,  # type: ignore[arg-type]
                               count=len(found[0]))
        days = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]").reshape(len(value), -1)  # type: ignore[arg-type]
    else:
        arr = _numeric_grid(value, found)
        if arr is None or not ((arr >= 61) & (arr < 2_958_466)).all():
            return None
        days = np.datetime64(xc.EXCEL_EPOCH, "D") + np.floor(arr).astype(np.int64).astype("timedelta64[D]")
    if (days < np.datetime64(lo, "D")).any() or (days > np.datetime64(hi, "D")).any():
        return None
    return np.asarray(days)


def numbers(value: object, argument: str, convert: Callable[[object, str, str], float],
            bounds: tuple[float, float] | None = None) -> tuple[npt.NDArray[np.float64], tuple[int, int]]:
    """A numeric cell or range (every cell required) as a 2-D float array. With ``bounds`` (what
    ``convert`` accepts, inclusive) a large all-number range is checked column-wise."""
    if bounds is not None:
        arr = _numeric_grid(value)
        if arr is not None and ((arr >= bounds[0]) & (arr <= bounds[1])).all():
            return arr, (int(arr.shape[0]), int(arr.shape[1]))
    cells, shape = xc.map_grid(value, argument, convert)
    return xc.to_array(cells, "float64"), shape


def one_number(value: object, argument: str, convert: Callable[[object, str, str], float],
               default: float | None = None) -> float:
    """A single number; blank gives ``default`` when there is one."""
    cell = _scalar(value)
    if cell is None and default is not None:  # an omitted argument or an empty cell
        return default
    if type(cell) is float or type(cell) is int:  # one number cell: converted (or refused) directly
        return convert(cell, argument, "")
    single_cell(value, argument, "value")
    cells, shape = xc.map_grid(value, argument, convert, required=default is None, default=default)
    if shape != (1, 1):
        raise TrupsInputError(f"expected a single value; got a {shape[0]}x{shape[1]} range", argument)
    return cells[0][0]


def _scalar(value: object) -> object:
    """The value of a single cell (bare, or 1 x 1 as xlwings sends it with ndim=2); ``...`` for a range."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
            return value[0][0]
        return ...
    return value


def date_cells(value: object, argument: str, lo: dt.date, hi: dt.date
               ) -> dt.date | npt.NDArray[np.datetime64]:
    """A date argument read once: one cell gives a ``datetime.date`` (the core's one-date path), a
    range a 2-D ``datetime64[D]`` array; anything not accepted is refused naming ``argument``."""
    cell = _scalar(value)
    if type(cell) is float or isinstance(cell, dt.date) or (cell is not ... and not xc.is_blank(cell)):
        return xc.cell_date(cell, argument, lo, hi)  # one cell (serials and date cells: what Excel sends)
    return dates(value, argument, lo, hi)[0]


def number_cells(value: object, argument: str, convert: Callable[[object, str, str], float],
                 bounds: tuple[float, float] | None = None) -> float | npt.NDArray[np.float64]:
    """A number argument read once: one cell gives a float, a range a 2-D float array (see :func:`numbers`)."""
    cell = _scalar(value)
    if type(cell) is float or (cell is not ... and not xc.is_blank(cell)):
        return convert(cell, argument, "")
    return numbers(value, argument, convert, bounds)[0]


def combine(*named: tuple[str, object]) -> list[Any]:
    """Arguments read by :func:`date_cells` / :func:`number_cells`, checked to combine Excel-style
    (the error names the arguments) and returned as they are: single cells stay Python values, so
    a call of single cells takes the core's one-date path; ranges broadcast in the core, a column
    of dates against a row of rates keeping its date work per date."""
    for _, v in named:
        if isinstance(v, np.ndarray):
            xc.broadcast_shapes({name: (int(a.shape[0]), int(a.shape[1])) if isinstance(a, np.ndarray) else (1, 1)
                                 for name, a in named})
            break
    return [v for _, v in named]


def single_cell(value: object, argument: str, what: str) -> None:
    """Refuse a range where one value is expected, by its shape, before any cell is converted."""
    if isinstance(value, (list, tuple)) and value:
        rows = len(value)
        cols = len(value[0]) if isinstance(value[0], (list, tuple)) else rows
        if isinstance(value[0], (list, tuple)) and (rows, cols) != (1, 1):
            raise TrupsInputError(f"expected a single {what}; got a {rows}x{cols} range", argument)
        if not isinstance(value[0], (list, tuple)) and rows != 1:
            raise TrupsInputError(f"expected a single {what}; got a range of {rows}", argument)


def rate_cell(value: object, argument: str, where: str) -> float:
    """Converter for rate cells (plausible range :data:`~trups_xl.excel.convert.RATE_RANGE`)."""
    return xc.cell_rate(value, argument, where)


def spread_cell(value: object, argument: str, where: str) -> float:
    """Converter for spreads and margins (:data:`~trups_xl.excel.convert.SPREAD_RANGE`)."""
    return xc.cell_rate(value, argument, where, xc.SPREAD_RANGE)


def coupon_cell(value: object, argument: str, where: str) -> float:
    """Converter for a Treasury's coupon rate (:data:`~trups_xl.excel.convert.COUPON_RANGE`)."""
    return xc.cell_rate(value, argument, where, xc.COUPON_RANGE)


#: Plausible price of one common share, in currency.
SHARE_PRICE_RANGE = (0.0001, 1_000_000.0)


def share_price_cell(value: object, argument: str, where: str) -> float:
    """Converter for a price per share, within :data:`SHARE_PRICE_RANGE`."""
    price = xc.cell_number(value, argument, "a price per share", where)
    lo, hi = SHARE_PRICE_RANGE
    if not lo <= price <= hi:
        raise TrupsInputError(f"{where}expected a price per share {lo}..{hi:,.0f}; got {price!r}", argument)
    return price


def amount_cell(value: object, argument: str, where: str) -> float:
    """Converter for non-negative amounts."""
    return xc.cell_amount(value, argument, where)


def positive_cell(value: object, argument: str, where: str) -> float:
    """Converter for strictly positive amounts (prices, share counts, principal)."""
    return xc.cell_amount(value, argument, where, allow_zero=False)


def principal(value: object, terms: Terms) -> float:
    """The ``principal`` argument: positive, default the liquidation amount of one security."""
    return one_number(value, "principal", positive_cell, default=terms.liquidation_amount)


def policy(value: object) -> Policy:
    """The ``policy`` argument."""
    return choice(value, "policy", Policy, DEFAULT_POLICY)


E = TypeVar("E", bound=StrEnum)


@functools.cache
def _spellings(kind: type[StrEnum]) -> dict[str, StrEnum]:
    """Each member of a choice by its lower-case text."""
    return {m.value.lower(): m for m in kind}


def choice(value: object, argument: str, kind: type[E], default: E | None) -> E:
    """A choice argument (a 1 x 1 range is accepted), parsed once here to the rule's enum: any case,
    blank gives ``default`` (refused when there is none)."""
    if value is None and default is not None:  # an omitted argument: the common case
        return default
    if type(value) is str and (member := _spellings(kind).get(value.strip().lower())) is not None:
        return member  # type: ignore[return-value]
    lowered = tuple(_spellings(kind))
    return parse_choice(kind, text(value, argument, lowered, None if default is None else default.value.lower()),
                        argument)


def text(value: object, argument: str, choices: tuple[str, ...], default: str | None) -> str:
    """A text choice (a 1 x 1 range is accepted)."""
    single_cell(value, argument, "text value")
    if isinstance(value, list):
        cells = xc.grid(value, argument)
        if len(cells) != 1 or len(cells[0]) != 1:
            raise TrupsInputError("expected a single text value; got a range", argument)
        value = cells[0][0]
    return xc.cell_choice(value, argument, choices, default)
