"""Table arguments of the Excel functions: an optional header row of documented column names, then
rows read alike (fixings, curves, series, corporate actions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.provisions.sharecap import FACTOR_BOUNDS, FACTOR_WORDS
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities import terms as core_terms
from trups_xl.core.securities.terms import IndexKind, Terms
from trups_xl.excel import convert as xc

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
    (effective date, share-count factor, 0.1 for a 1-for-10 reverse split; 0.000001 to 1,000,000:
    :data:`~trups_xl.core.provisions.sharecap.FACTOR_BOUNDS`)."""
    if xc.all_blank(value):  # a blank range too: the shipped actions, as documented
        return None
    def factor(cell: object, where: str) -> float:
        f = xc.cell_number(cell, "corporate_actions", "a share-count factor (0.1 for 1-for-10)", where)
        if not FACTOR_BOUNDS[0] <= f <= FACTOR_BOUNDS[1]:  # p.47: splits adjust the cap, within sane bounds
            raise TrupsInputError(f"{where}expected a share-count factor (0.1 for 1-for-10) {FACTOR_WORDS}; got {f!r}",
                                  "corporate_actions")
        return f

    return tuple(table(value, "corporate_actions", "two columns: effective date, factor (0.1 for 1-for-10)",
                       lambda day, where: xc.cell_date(day, "corporate_actions", dt.date(1990, 1, 1),
                                                       dt.date(2080, 12, 31), where), factor))
