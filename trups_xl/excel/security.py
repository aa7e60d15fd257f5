"""The security argument of every Excel function: a shipped security by id or CUSIP, or a terms table
typed in cells, and its life."""

from __future__ import annotations

import datetime as dt
import functools

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities import loading as core_loading
from trups_xl.core.securities import terms as core_terms
from trups_xl.core.securities.loading import TERMS
from trups_xl.core.securities.terms import Terms
from trups_xl.excel import convert as xc
from trups_xl.excel.tables import is_header


def life(terms: Terms) -> tuple[dt.date, dt.date]:
    """First and last day of the security's life (issue date, maturity date)."""
    return terms.issue_date, terms.final_repayment


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
