"""Yield of the securities themselves to the Dec 21, 2037 par call, and price from that yield.

So an analyst can set the make-whole beside where the securities trade: the cash flows are
the fixed coupons (8.300%, 30/360, semi-annual, p.40) to Dec 21, 2037 and principal then
(the first date of par redemption, p.38), discounted semi-annually with 30/360 fractional
periods, like the make-whole. Prices are clean, per 100 of principal.
"""

from __future__ import annotations

import datetime as dt
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.bondmath import pv_semiannual, solve_yield
from trups_xl.core.pricing.parcall import par_call_position, par_call_stream
from trups_xl.core.securities.terms import Terms, require

FloatArray = npt.NDArray[np.float64]
PER = 100.0  # prices per 100 of principal


def _call_stream(settlement: npt.ArrayLike | dt.date, terms: Terms
                 ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, int]:
    call = require(terms, "par_call_date")
    s_dates = np.asarray(settlement, dtype="datetime64[D]")
    if s_dates.size and (s_dates.min() < np.datetime64(terms.issue_date)
                         or s_dates.max() >= np.datetime64(call)):
        raise TrupsInputError(f"settlement must fall {terms.issue_date}..{call - dt.timedelta(days=1)} "
                              "(before the par call)", "settlement")
    stream = par_call_stream(s_dates, PER, terms)
    return (stream.periods_to_next, np.asarray(stream.coupons_left, dtype=np.float64), stream.coupon,
            stream.accrued, stream.frequency)


def _one(settlement: object, value: object, terms: Terms) -> tuple[float, float, float, float, int] | None:
    """The stream from one settlement date (before the par call) with one number, on floats; ``None``
    otherwise (the array path answers or words the refusal)."""
    if type(settlement) is not dt.date or type(value) is not float:
        return None
    found = par_call_position(settlement, PER, terms)
    return None if found is None else (*found, terms.fixed_payments_per_year)


@overload
def price_from_yield(settlement: dt.date, yield_rate: float, terms: Terms) -> float: ...
@overload
def price_from_yield(settlement: npt.ArrayLike, yield_rate: npt.ArrayLike, terms: Terms) -> FloatArray: ...
def price_from_yield(settlement: npt.ArrayLike | dt.date, yield_rate: npt.ArrayLike,
                     terms: Terms) -> FloatArray | float:
    """Clean price per 100 at a yield to the par call (2037-12-21 for XXI), compounded per coupon
    period; one date and one yield give a float."""
    if (one := _one(settlement, yield_rate, terms)) is not None:
        w, n, full, accrued, frequency = one
        return pv_semiannual(w, n, full, full, PER, yield_rate, frequency) - accrued
    w_, n_, full_, accrued_, frequency = _call_stream(settlement, terms)
    return np.asarray(pv_semiannual(w_, n_, full_, full_, PER, yield_rate, frequency) - accrued_, dtype=np.float64)


@overload
def yield_to_call(settlement: dt.date, price: float, terms: Terms) -> float: ...
@overload
def yield_to_call(settlement: npt.ArrayLike, price: npt.ArrayLike, terms: Terms) -> FloatArray: ...
def yield_to_call(settlement: npt.ArrayLike | dt.date, price: npt.ArrayLike, terms: Terms) -> FloatArray | float:
    """Yield to the par call (2037-12-21 for XXI, semi-annual) from a clean price per 100; one date
    and one price give a float."""
    if (one := _one(settlement, price, terms)) is not None:
        w, n, full, accrued, frequency = one
        return solve_yield(price + accrued, w, n, full, full, PER, frequency=frequency)  # type: ignore[operator]
    w_, n_, full_, accrued_, frequency = _call_stream(settlement, terms)
    return solve_yield(np.asarray(price, dtype=np.float64) + accrued_, w_, n_, full_, full_, PER, frequency=frequency)
