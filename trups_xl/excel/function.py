"""The Excel boundary: the ``@excel_function`` decorator and argument readers for UDFs.

``excel_function`` registers a function with xlwings (``xw.func``/``xw.arg``), takes the
Excel function-wizard description from the first docstring line and each argument's
help from the numpydoc ``Parameters`` section, declares every argument ``err_to_str``
(so ``#N/A`` upstream is refused, not read as a blank) and ``ndim=2`` (so a range keeps
its orientation), and wraps the body in the error contract: input the core refuses
becomes one ``#TRUPS!`` line naming the argument; any other exception is a defect and
says so (``#TRUPS-BUG!``), never a traceback and never disguised as an input error.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import xlwings as xw

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings, Policy
from trups_xl.core.securities import loading as core_loading
from trups_xl.core.securities import terms as core_terms
from trups_xl.core.securities.loading import TERMS
from trups_xl.core.securities.terms import IndexKind, Terms
from trups_xl.excel import convert as xc

F = TypeVar("F", bound=Callable[..., Any])

INPUT_ERROR_PREFIX = "#TRUPS!"
BUG_PREFIX = "#TRUPS-BUG!"
CATEGORY = "trups-xl"
#: Excel's limit for a function description and for each argument's help.
WIZARD_LIMIT = 255

#: Every registered Excel function, in definition order.
REGISTRY: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class FunctionInfo:
    """What the function wizard and the reference show of a UDF."""

    summary: str  # the wizard description (first docstring line)
    arg_help: dict[str, str]  # argument -> help (numpydoc Parameters)
    example: tuple[Any, ...]  # Excel-style arguments for the reference and the tests


#: Wizard text and example of every registered function, by name.
INFO: dict[str, FunctionInfo] = {}

def life(terms: Terms) -> tuple[dt.date, dt.date]:
    """First and last day of the security's life (issue date, maturity date)."""
    return terms.issue_date, terms.final_repayment


#: Help for arguments that mean the same in every function. A UDF docstring that lists such an
#: argument without a description gets this text (in its ``__doc__`` and in Excel's wizard).
SHARED_ARG_HELP = {
    "principal": "Principal amount; default the liquidation amount of one security (1000 for XXI, 25 for XIII).",
    "fixings": "Index for floating/post-maturity periods (LIBOR; Term SOFR under libor_act): one decimal rate for all, "
               "or two columns: period start date, rate. Rates -0.10..0.50.",
    "policy": '"fixings" (default: the index as given), "libor_act" (fixings/curve are CME Term SOFR; adds the '
              '0.26161%/0.11448% spread) or "prospectus_fallback" (previous rate; 4.910% first quarter).',
    "curve": "Forward curve for periods with no fixing: one decimal rate (flat) or two columns: date, rate "
             "(linear between dates). Same index as fixings.",
    "spread": "Spread over the treasury rate, decimal 0..0.10; default 0.005 (0.50%, p.38). 50 bp is 0.005.",
    "stub": '"exclude_accrued" (default: first coupon only for the part after the redemption date) or '
            '"subtract_accrued" (full coupon PV less accrued).',
    "corporate_actions": "Two columns: effective date, share-count factor (0.1 for 1-for-10). Blank: "
                         "Citigroup's actions shipped with trups-xl.",
    "security": 'Blank: Citigroup Capital XXI. Text: a shipped security ("citigroup_capital_xiii") or CUSIP. '
                "Two columns (term, value): a security's terms, as TRUPS_TERMS lists them; a base row starts "
                "from a shipped one.",
}


def fill_shared_help(doc: str | None) -> str:
    """``doc`` with :data:`SHARED_ARG_HELP` written under every shared argument left without help."""
    lines = (doc or "").splitlines(keepends=True)
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        head = re.match(r"^(\s*)(\w+) : ", line)
        if not head or head.group(2) not in SHARED_ARG_HELP:
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        indent = len(following) - len(following.lstrip())
        if not following.strip() or indent <= len(head.group(1)):  # no description of its own
            out.append(f"{head.group(1)}    {SHARED_ARG_HELP[head.group(2)]}\n")
    return "".join(out)


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """First line (the wizard description) and ``{argument: help}`` from a numpydoc docstring."""
    text = inspect.cleandoc(doc or "")
    lines = text.splitlines()
    summary = lines[0].strip() if lines else ""
    helps: dict[str, str] = {}
    match = re.search(r"^Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", text, re.S | re.M)
    if match:
        current = None
        for line in match.group(1).splitlines():
            head = re.match(r"^(\w+)\s*:", line)
            if head and not line.startswith(" "):
                current = head.group(1)
                helps[current] = ""
            elif current and line.strip():
                helps[current] = (helps[current] + " " + line.strip()).strip()
    return summary, helps


def excel_function(example: tuple[Any, ...] = ()) -> Callable[[F], F]:
    """Register a UDF; ``example`` holds Excel-style arguments for the reference and tests."""

    def decorate(fn: F) -> F:
        fn.__doc__ = fill_shared_help(fn.__doc__)
        summary, helps = parse_docstring(fn.__doc__)

        @functools.wraps(fn)
        def guarded(*args: Any) -> Any:
            try:
                return finite_result(fn(*args))
            except TrupsInputError as exc:
                return one_line(f"{INPUT_ERROR_PREFIX} {exc}")
            except Exception as exc:  # a defect: say so, do not pose as an input error
                return one_line(f"{BUG_PREFIX} {type(exc).__name__}: {exc} (please report)")

        wrapped: Any = guarded
        for name in inspect.signature(fn).parameters:
            wrapped = xw.arg(name, doc=helps.get(name, ""), err_to_str=True, ndim=2)(wrapped)
        # xw.func last: xw.arg re-runs xlwings' registration and would reset the category.
        wrapped = xw.func(category=CATEGORY)(wrapped)
        if hasattr(wrapped, "__xlfunc__"):  # classic xlwings on Windows: wizard text
            wrapped.__xlfunc__["ret"]["doc"] = summary
        REGISTRY[fn.__name__] = wrapped
        INFO[fn.__name__] = FunctionInfo(summary, helps, example)
        return wrapped  # type: ignore[no-any-return]

    return decorate


def finite_result(result: Any) -> Any:
    """``result`` with a negative zero read as zero, refused (naming the result) when it holds a
    number that is not finite: no function answers NaN or an infinity, whatever its inputs."""
    if type(result) is float:
        if result - result != 0.0:  # NaN or an infinity (inf - inf is NaN)
            raise TrupsInputError("a number beyond double precision arose from these inputs; no result is given",
                                  "result")
        return result + 0.0  # -0.0 + 0.0 is 0.0
    if type(result) is list:
        for row in result:
            for cell in (row if type(row) is list else (row,)):
                if type(cell) is float and cell - cell != 0.0:
                    raise TrupsInputError("a number beyond double precision arose from these inputs; "
                                          "no result is given", "result")
    return result


def one_line(text: str) -> str:
    """Collapse whitespace so a message fits one cell line, at most 255 characters (what a cell shows)."""
    line = " ".join(text.split())
    return line if len(line) <= WIZARD_LIMIT else line[:WIZARD_LIMIT - 3] + "..."


# ---- argument readers -------------------------------------------------------------------

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
    arr = np.array(cells, dtype=np.float64)  # a flat list converts several times faster than rows
    if not ((np.abs(arr) >= xc.SMALLEST_NORMAL) | (arr == 0)).all() or not np.isfinite(arr).all():
        return None  # a subnormal, NaN or an infinity: refused cell by cell, naming it
    arr += 0.0  # a negative zero is zero
    if int in kinds and any(xc.error_code_name(c) is not None for c in cells if type(c) is int):
        return None
    return arr.reshape(len(value), -1)  # type: ignore[arg-type]


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


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
        days = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]").reshape(len(value), -1)  # type: ignore[arg-type]
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


#: The header a table argument may carry in its first row: its documented column names (first in
#: each set here) or a listed synonym, any case, a space or hyphen as an underscore. Any other first
#: row is data, and is refused (naming row 1) when it is not valid data.
TABLE_HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fixings": (("period_start", "period_start_date", "date"), ("rate", "fixing")),
    "curve": (("date",), ("rate", "value", "zero_rate", "discount_factor")),
    "corporate_actions": (("effective_date", "date"), ("factor",)),
    "benchmark": (("tenor", "years", "date"), ("rate", "yield", "zero_rate")),
    core_terms.ARGUMENT: (("term",), ("value",)),
}
#: The header a single-column series (prices, changes, quotes) may carry in its first cell.
SERIES_HEADERS: dict[str, tuple[str, ...]] = {
    "price_dates": ("date", "price_dates", "dates"),
    "prices": ("close", "prices", "price", "closes"),
    "hedged_changes": ("hedged_change", "hedged_changes"),
    "hedge_changes": ("hedge_change", "hedge_changes"),
    "deferred_dates": ("date", "deferred_dates", "dates"),
    "deferred_amounts": ("amount", "deferred_amounts", "amounts"),
    "london_quotes": ("london_quotes", "london"),
    "new_york_quotes": ("new_york_quotes", "new_york"),
    "categories": ("category", "categories"),
    "proceeds": ("proceeds",),
}


def column_name(cell: object) -> str | None:
    """A cell's text as a column name (lower case; spaces and hyphens as underscores), else ``None``."""
    if not isinstance(cell, str):
        return None
    return "_".join(cell.strip().lower().replace("-", " ").replace("_", " ").split())


def is_header(row: Sequence[object], argument: str) -> bool:
    """True when ``row`` (a table's first row) holds the column names of ``argument``
    (:data:`TABLE_HEADERS`)."""
    names = TABLE_HEADERS.get(argument)
    return names is not None and len(row) == len(names) and all(
        column_name(cell) in accepted for cell, accepted in zip(row, names, strict=True))


def header_text(argument: str) -> str:
    """The documented header of a table argument, for a message (``effective_date, factor``)."""
    return ", ".join(col[0] for col in TABLE_HEADERS[argument])


A = TypeVar("A")
B = TypeVar("B")


def table(value: object, argument: str, expected: str, first: Callable[[object, str], A],
          second: Callable[[object, str], B]) -> list[tuple[A, B]]:
    """The rows of a two-column table argument, each cell converted by ``first`` / ``second`` (called
    with the cell and ``"row i: "`` for the message): the one reader of every table (fixings, curves,
    corporate actions; the terms table shares :func:`is_header`).

    The first row is a header only when it holds the documented column names (:data:`TABLE_HEADERS`,
    any case); any other row is data, converted — or refused naming its row — alike in every row.
    Text is never guessed to be a header, so a table means the same whatever its row count: a date
    is a date cell, a serial or ``YYYY-MM-DD`` text in every row, a number is a number in every row
    (``"0.1"`` as text is refused in row 1 as in row 9). Blank rows (the tail of a generously sized
    range) are skipped; a header with no data rows is refused."""
    rows = xc.grid(value, argument)
    if len(rows[0]) != 2:
        raise TrupsInputError(f"expected {expected}; got {len(rows)}x{len(rows[0])}", argument)
    headed = is_header(rows[0], argument)
    out: list[tuple[A, B]] = []
    for i, (a, b) in enumerate(rows):
        if (i == 0 and headed) or (xc.is_blank(a) and xc.is_blank(b)):
            continue
        where = f"row {i + 1}: "
        try:
            out.append((first(a, where), second(b, where)))
        except TrupsInputError as exc:
            if i == 0 and isinstance(a, str) and isinstance(b, str) and not xc.is_error(a) and not xc.is_error(b):
                raise TrupsInputError(f"{exc.message} (nor is it the header: {header_text(argument)})",
                                      argument) from None
            raise
    if headed and not out:
        raise TrupsInputError(f"the table has a header row ({header_text(argument)}) but no data rows", argument)
    return out


def _single_cell(value: object, argument: str) -> object | None:
    """The value of a 1 x 1 argument, else ``None``."""
    rows = xc.grid(value, argument)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else None


def fixings(value: object, terms: Terms) -> Fixings | None:
    """The ``fixings`` argument: blank, one rate, or a two-column range (period start, rate)."""
    if value is None or xc.all_blank(value):
        return None
    single = _single_cell(value, "fixings")
    if single is not None:
        return Fixings(single=xc.cell_rate(single, "fixings"))
    first = terms.switch_date or terms.issue_date
    if terms.floating_index == IndexKind.SOFR_COMPOUNDED:  # daily SOFR, from a lookback before the first period
        first -= dt.timedelta(days=31)
    return Fixings(table=tuple(table(
        value, "fixings", "one rate or a two-column range (period start date, rate)",
        lambda day, where: xc.cell_date(day, "fixings", first, terms.final_repayment, where),
        lambda rate, where: xc.cell_rate(rate, "fixings", where))))


def curve(value: object, terms: Terms) -> ForwardCurve | None:
    """The ``curve`` argument: blank, one rate (flat), or a two-column range (date, rate)."""
    if value is None or xc.all_blank(value):
        return None
    single = _single_cell(value, "curve")
    if single is not None:
        return ForwardCurve.flat(xc.cell_rate(single, "curve"))
    pairs = table(value, "curve", "one rate or a two-column range (date, rate)",
                  lambda day, where: xc.cell_date(day, "curve", terms.issue_date, terms.final_repayment, where),
                  lambda rate, where: xc.cell_rate(rate, "curve", where))
    if not pairs:
        raise TrupsInputError("expected at least one (date, rate) row", "curve")
    return ForwardCurve.of(pairs)


def vector(value: object, argument: str, convert: Callable[[object, str, str], Any],
           skip_blank: bool = False) -> tuple[list[Any], tuple[int, int]]:
    """A single row or column (or one cell) as a list, with its shape; blanks refused unless
    ``skip_blank`` (trailing blank cells of a generous range). A first cell holding the series'
    documented name (:data:`SERIES_HEADERS`, any case) is its header, not a value; any other text is
    converted like every other cell (a number or a date as text is refused in every position)."""
    rows = xc.grid(value, argument)
    shape = (len(rows), len(rows[0]))
    if shape[0] > 1 and shape[1] > 1:
        raise TrupsInputError(f"expected a single row or column; got {shape[0]}x{shape[1]}", argument)
    cells = [c for row in rows for c in row]
    first = 0
    if len(cells) > 1 and column_name(cells[0]) in SERIES_HEADERS.get(argument, ()):
        first = 1  # the series' documented header (SERIES_HEADERS): not a value
        shape = (shape[0] - 1, 1) if shape[0] > 1 else (1, shape[1] - 1)
    out: list[Any] = []
    for i, cell in enumerate(cells[first:], start=first):
        if type(cell) is not float and xc.is_blank(cell):  # (a number, the common cell, is never blank)
            if skip_blank:
                continue
            raise TrupsInputError(f"item {i + 1}: a value is required here; got {xc.describe(cell)}", argument)
        try:
            out.append(convert(cell, argument, ""))
        except TrupsInputError:  # converters are pure: again, to name the item in the message
            convert(cell, argument, f"item {i + 1}: ")
            raise
    if not out:
        raise TrupsInputError("expected at least one value", argument)
    return out, shape


def parallel(first: tuple[str, list[Any]], second: tuple[str, list[Any]]) -> None:
    """Refuse two parallel ranges of different lengths."""
    if len(first[1]) != len(second[1]):
        raise TrupsInputError(f"{first[0]} has {len(first[1])} values but {second[0]} has {len(second[1])}; "
                              "they must be parallel", second[0])


def corporate_actions(value: object) -> tuple[tuple[dt.date, float], ...] | None:
    """The ``corporate_actions`` argument: blank for Citigroup's shipped actions, or two columns
    (effective date, share-count factor, 0.1 for a 1-for-10 reverse split)."""
    if xc.all_blank(value):  # a blank range too: the shipped actions, as documented
        return None
    def factor(cell: object, where: str) -> float:
        f = xc.cell_number(cell, "corporate_actions", "a positive factor (0.1 for 1-for-10)", where)
        if not 0 < f < 1000:
            raise TrupsInputError(f"{where}expected a positive factor (0.1 for 1-for-10); got {f!r}",
                                  "corporate_actions")
        return f

    return tuple(table(value, "corporate_actions", "two columns: effective date, factor (0.1 for 1-for-10)",
                       lambda day, where: xc.cell_date(day, "corporate_actions", dt.date(1990, 1, 1),
                                                       dt.date(2080, 12, 31), where), factor))


# ---- the security ------------------------------------------------------------------------------

#: Dates a terms table cell may hold; the terms then refuse, by name, any outside the calendars (1970-2100).
_TERM_DATES = (dt.date(1900, 3, 1), dt.date(2199, 12, 31))


def _term_value(term: str, value: object) -> object:
    """A cell of a terms table as the Python value the schema checks (blank: absent)."""
    if xc.is_blank(value):
        return None
    spec = core_terms.SPECS.get(term.strip().lower())
    where = f"{term.strip()}: "
    if spec is None or spec.kind in ("text", "choice"):
        if isinstance(value, str) and xc.is_error(value):
            raise TrupsInputError(f"{where}upstream Excel error {value.strip()}", core_terms.ARGUMENT)
        return value
    if spec.kind == "date":
        return xc.cell_date(value, core_terms.ARGUMENT, *_TERM_DATES, where)
    if spec.kind == "flag":  # a logical cell (TRUE/FALSE) or its text; the schema refuses anything else
        if isinstance(value, str) and xc.is_error(value):
            raise TrupsInputError(f"{where}upstream Excel error {value.strip()}", core_terms.ARGUMENT)
        return value
    number = xc.cell_number(value, core_terms.ARGUMENT, "a number", where)
    return int(number) if number == int(number) and spec.kind in ("frequency", "count") else number


@functools.lru_cache(maxsize=256)
def _security_from_rows(rows: tuple[tuple[object, object], ...]) -> Terms:
    pairs = []
    for i, (term, value) in enumerate(rows):
        if xc.is_blank(term) and xc.is_blank(value):
            continue  # the tail of a generously sized range
        if not isinstance(term, str) or xc.is_blank(term):
            raise TrupsInputError(f"row {i + 1}: the first column names a term; got {xc.describe(term)}",
                                  core_terms.ARGUMENT)
        if i == 0 and is_header((term, value), core_terms.ARGUMENT):
            continue  # the documented header row (term, value)
        key = term.strip().lower()
        pairs.append((key, value if key == "base" else _term_value(key, value)))
    if not pairs:
        raise TrupsInputError("the terms table is empty", core_terms.ARGUMENT)
    return core_loading.from_rows(pairs)


def security(value: object) -> Terms:
    """The ``security`` argument: blank (Citigroup Capital XXI), a shipped security's id or CUSIP,
    or a two-column range of (term, value) rows."""
    if xc.is_blank(value):
        return TERMS
    rows = xc.grid(value, core_terms.ARGUMENT)
    if len(rows) == 1 and len(rows[0]) == 1:
        name = rows[0][0]
        if not isinstance(name, str):
            raise TrupsInputError(f"expected a shipped security's name or CUSIP, or a two-column terms table; "
                                  f"got {xc.describe(name)}", core_terms.ARGUMENT)
        return core_loading.by_name(name)
    if len(rows[0]) != 2:
        raise TrupsInputError(f"expected two columns (term, value); got {len(rows)}x{len(rows[0])}",
                              core_terms.ARGUMENT)
    return _security_from_rows(tuple((row[0], row[1]) for row in rows))
