"""The alternative payment mechanism: price window, APM maximum obligation, allocation (p.44-47).

APM maximum obligation (p.46): before the 5th anniversary of the extension period,
Citigroup need not issue stock where gross proceeds applied since the extension period
began would exceed 2% x (average of the NYSE closing prices on the 10 consecutive trading
days ending on the 4th trading day immediately preceding the date of issuance) x (shares
issued and outstanding per the latest public financial statements). It ceases to apply
after the 5th anniversary. Proceeds short of all deferred interest are paid in
chronological order, oldest first (p.46).

Inputs are read within plausible magnitudes, refused (naming the item) outside them: a closing
price 0.0001..1,000,000 per share, amounts and share counts up to ``MAX_AMOUNT`` (1e13), all
finite; so every sum here is finite.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.calendars import NYSE, BusinessCalendar
from trups_xl.core.conventions.stepping import add_years
from trups_xl.core.errors import TrupsInputError, check_magnitudes, require_finite
from trups_xl.core.provisions.deferral import check_first_deferred
from trups_xl.core.securities.terms import Terms, require

FloatArray = npt.NDArray[np.float64]
#: Plausible magnitudes: a closing price per share, and any amount or share count.
MIN_PRICE, MAX_PRICE = 0.0001, 1_000_000.0
MAX_AMOUNT = 1e13


def apm_window(issuance_date: dt.date, calendar: BusinessCalendar = NYSE, *, terms: Terms) -> list[dt.date]:
    """The 10 NYSE trading days ending on the 4th trading day before issuance, oldest first."""
    return list(_apm_window(issuance_date, calendar, terms=terms))


@functools.lru_cache(maxsize=1024)
def _apm_window(issuance_date: dt.date, calendar: BusinessCalendar, terms: Terms) -> tuple[dt.date, ...]:
    """:func:`apm_window`, cached like a calendar: it depends on dates and the calendar only."""
    end = calendar.advance(np.datetime64(issuance_date, "D"), -require(terms, "apm_lag_trading_days"))
    first = calendar.advance(end, -(require(terms, "apm_average_days") - 1))
    span = int((end - first).astype(np.int64)) + 1
    days = first + np.arange(span).astype("timedelta64[D]")
    return tuple(d.astype(object) for d in days[calendar.is_business_day(days)])


def apm_average_price(issuance_date: dt.date, price_dates: Sequence[dt.date], prices: Sequence[float],
                      calendar: BusinessCalendar = NYSE, *, terms: Terms) -> float:
    """Average NYSE close over the APM window, refusing a history that does not fit it."""
    if len(price_dates) != len(prices):
        raise TrupsInputError("price_dates and prices must have the same length", "prices")
    check_magnitudes(prices, "prices", "a closing price per share", MAX_PRICE, MIN_PRICE)
    window = apm_window(issuance_date, calendar, terms=terms)
    history: dict[dt.date, float] = {}
    for day, price in zip(price_dates, prices, strict=True):
        if price <= 0:
            raise TrupsInputError(f"closing price for {day} must be positive", "prices")
        if day in history and history[day] != price:
            raise TrupsInputError(f"two different prices for {day}", "price_dates")
        history[day] = price
    strays = sorted(d for d in history if window[0] <= d <= window[-1] and d not in window)
    if strays:
        raise TrupsInputError("prices given for non-trading days inside the window: "
                              + ", ".join(d.isoformat() for d in strays), "price_dates")
    missing = [d for d in window if d not in history]
    if missing:
        raise TrupsInputError("no closing price for window trading days: "
                              + ", ".join(d.isoformat() for d in missing), "price_dates")
    closes = [history[d] for d in window]
    return math.fsum(closes) / len(closes)  # the sum exactly rounded (numpy's mean costs more than 10 adds)


def apm_applies(first_deferred_date: dt.date, issuance_date: dt.date, terms: Terms) -> bool:
    """True while the APM maximum obligation applies: up to the 5th anniversary (p.46). The extension
    period begins on an interest payment date (p.42) and the issuance falls within it, or either is
    refused in one line."""
    check_first_deferred(first_deferred_date, terms)  # p.42: the same refusal as the deferral's dates
    if issuance_date < first_deferred_date:
        raise TrupsInputError("issuance_date is before the extension period starts", "issuance_date")
    return issuance_date <= add_years(first_deferred_date, require(terms, "apm_start_years"))


def apm_max_obligation(average_price: float, shares_outstanding: float, proceeds_applied: float = 0.0,
                       *, terms: Terms) -> float:
    """2% x average price x shares outstanding, less proceeds already applied (never negative)."""
    check_magnitudes([average_price], "average_price", "a price per share", MAX_PRICE, MIN_PRICE)
    check_magnitudes([shares_outstanding], "shares_outstanding", "a share count", MAX_AMOUNT)
    check_magnitudes([proceeds_applied], "proceeds_applied", "an amount", MAX_AMOUNT)
    if shares_outstanding <= 0:
        raise TrupsInputError("shares outstanding must be positive", "shares_outstanding")
    if proceeds_applied < 0:
        raise TrupsInputError("proceeds applied cannot be negative", "proceeds_applied")
    cap = float(require(terms, "apm_max_obligation_fraction")) * average_price * shares_outstanding
    return max(0.0, cap - proceeds_applied)


def apm_allocate(proceeds: float, deferred_dates: Sequence[dt.date],
                 deferred_amounts: Sequence[float]) -> tuple[FloatArray, float]:
    """Pay deferred amounts oldest first; (paid per item in input order, proceeds left over)."""
    check_magnitudes([proceeds], "proceeds", "an amount", MAX_AMOUNT)
    check_magnitudes(deferred_amounts, "deferred_amounts", "an amount", MAX_AMOUNT)
    if proceeds < 0:
        raise TrupsInputError("proceeds cannot be negative", "proceeds")
    if len(deferred_dates) != len(deferred_amounts):
        raise TrupsInputError("deferred_dates and deferred_amounts must have the same length",
                              "deferred_amounts")
    amounts = np.asarray(deferred_amounts, dtype=np.float64)
    if (amounts < 0).any():
        raise TrupsInputError("deferred amounts cannot be negative", "deferred_amounts")
    order = sorted(range(len(amounts)), key=lambda i: (deferred_dates[i], i))  # stable: oldest first
    paid = np.zeros_like(amounts)
    left = proceeds
    for i in order:
        paid[i] = min(left, amounts[i])
        left -= paid[i]
    require_finite({"amount paid": math.fsum(paid.tolist()), "proceeds left": left}, "deferred_amounts")
    return paid, left
