"""Excel functions of redemption: the make-whole, the price by route, its payment and Treasury price dates, Treasury yields and the yield to call.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

import datetime as dt
from typing import Any

import numpy as np

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import parcall as core_parcall
from trups_xl.core.pricing import redemption as core_redemption
from trups_xl.core.pricing import treasury as core_treasury
from trups_xl.core.pricing import yields as core_yields
from trups_xl.core.securities.terms import Terms, require
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_MAKE_WHOLE",
    "TRUPS_MAKE_WHOLE_PV",
    "TRUPS_PRICE_FROM_YIELD",
    "TRUPS_REDEMPTION_PAYMENT_DATE",
    "TRUPS_REDEMPTION_PRICE",
    "TRUPS_TREASURY_PRICE",
    "TRUPS_TREASURY_PRICE_DATE",
    "TRUPS_TREASURY_YIELD",
    "TRUPS_YIELD_TO_CALL",
]


#: Help of the arguments this module's functions share, written once (each docstring lists them without it).
_ARG_HELP = {
    "redemption_date": "Redemption date 2007-12-21..2077-12-21. A range gives an array.",
    "coupon": "Annual coupon rate as a decimal (0.04375).",
    "settlement": "Settlement date before the par call (XXI: 2037-12-21). A range gives an array.",
}


def _make_whole_inputs(redemption_date: Any, treasury_rate: Any, spread: Any, principal: Any,
                       stub: Any, count: Any, security: Any) -> dict[str, Any]:
    terms = xs.security(security)
    default_spread = require(terms, "make_whole_spread")
    d, r = xa.combine(("redemption_date", xa.date_cells(redemption_date, "redemption_date", terms.issue_date,
                                                        core_redemption.last_make_whole_date(terms))),
                      ("treasury_rate", xa.number_cells(treasury_rate, "treasury_rate", xa.rate_cell, xc.RATE_RANGE)))
    return {"redemption_date": d, "treasury_rate": r,
            "spread": xa.one_number(spread, "spread", xa.spread_cell, default=default_spread),
            "principal": xa.principal(principal, terms),
            "stub": xa.choice(stub, "stub", core_redemption.Stub, core_redemption.STUB_DEFAULT),
            "terms": terms, "count": xa.choice(count, "count", core_parcall.Count, core_parcall.COUNT_DEFAULT)}


@excel_function(arg_help=_ARG_HELP, example=("2030-03-15", 0.04), elementwise=("redemption_date", "treasury_rate"))
def TRUPS_MAKE_WHOLE(redemption_date: Any, treasury_rate: Any, spread: Any = None, principal: Any = None,
                     stub: Any = None, count: Any = None, security: Any = None) -> Any:
    """Make-whole redemption price incl. accrued interest: max(par, PV at treasury rate + spread) + accrued (p.38).

    Parameters
    ----------
    redemption_date : date
        Redemption date before the par call (XXI: 2037-12-21). A range gives an array (dates x rates grid with a row of rates).
    treasury_rate : rate
        Treasury rate as a decimal (0.04): the Treasury's semi-annual equivalent yield (TRUPS_TREASURY_YIELD). A range gives an array.
    spread : rate, optional
    principal : number, optional
    stub : text, optional
    count : text, optional
    security : text or range, optional
    """
    return xc.shape_result(core_redemption.make_whole_price(**_make_whole_inputs(
        redemption_date, treasury_rate, spread, principal, stub, count, security)))


@excel_function(arg_help=_ARG_HELP, example=("2030-03-15", 0.04), elementwise=("redemption_date", "treasury_rate"))
def TRUPS_MAKE_WHOLE_PV(redemption_date: Any, treasury_rate: Any, spread: Any = None, principal: Any = None,
                        stub: Any = None, count: Any = None, security: Any = None) -> Any:
    """Present-value leg of the make-whole (principal on the par call date, XXI: 2037-12-21, plus remaining interest), before the par floor and accrued.

    Parameters
    ----------
    redemption_date : date
        Redemption date before the par call (XXI: 2037-12-21). A range gives an array.
    treasury_rate : rate
        Treasury rate as a decimal (0.04): the Treasury's semi-annual equivalent yield (TRUPS_TREASURY_YIELD). A range gives an array.
    spread : rate, optional
    principal : number, optional
    stub : text, optional
    count : text, optional
    security : text or range, optional
    """
    return xc.shape_result(core_redemption.make_whole_pv(**_make_whole_inputs(
        redemption_date, treasury_rate, spread, principal, stub, count, security)))


@excel_function(arg_help=_ARG_HELP, example=("2012-07-18", None, "regulatory_capital", "2012-06-07"),
                elementwise=("redemption_date", "treasury_rate"))
def TRUPS_REDEMPTION_PRICE(redemption_date: Any, treasury_rate: Any = None, trigger: Any = None,
                           trigger_date: Any = None, fixings: Any = None, principal: Any = None,
                           policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Redemption price by route incl. accrued: par on/after the par call date or within the special-event window (XXI: 90 days) of an investment company/regulatory capital event, else make-whole.

    Parameters
    ----------
    redemption_date : date
        Redemption date in the security's life (XXI: 2007-12-21..2077-12-21). A range gives an array.
    treasury_rate : rate, optional
        Treasury rate as a decimal; needed when the route is the make-whole. A range gives an array.
    trigger : text, optional
        "optional" (default), "tax", "rating_agency", "investment_company" or "regulatory_capital".
    trigger_date : date, optional
        Date the special event occurred; required for every trigger but "optional".
    fixings : rate or range, optional
        Index for accrued interest in a floating period (XXI: from 2037-12-21): one decimal rate, or two columns: period start date, rate.
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    route = xa.choice(trigger, "trigger", core_redemption.Trigger, core_redemption.OPTIONAL)
    event = None if route == core_redemption.OPTIONAL and xc.is_blank(trigger_date) else \
        xa.one_date(trigger_date, "trigger_date", *xs.life(terms))
    d = xa.date_cells(redemption_date, "redemption_date", *xs.life(terms))
    rates = None
    if not xc.is_blank(treasury_rate):
        d, rates = xa.combine(("redemption_date", d), ("treasury_rate", xa.number_cells(
            treasury_rate, "treasury_rate", xa.rate_cell, xc.RATE_RANGE)))
    return xc.shape_result(core_redemption.redemption_price(
        d, rates, route, event, xt.fixings(fixings, terms), xa.principal(principal, terms), xa.policy(policy),
        curve=xt.curve(curve, terms), terms=terms))


@excel_function(arg_help=_ARG_HELP, example=("2011-12-31",), elementwise=("redemption_date",))
def TRUPS_REDEMPTION_PAYMENT_DATE(redemption_date: Any, security: Any = None) -> Any:
    """Day the redemption price is paid: next New York business day, or the preceding one if that falls in the next year (p.22).

    Parameters
    ----------
    redemption_date : date
    security : text or range, optional
    """
    terms = xs.security(security)
    days = xa.date_cells(redemption_date, "redemption_date", *xs.life(terms))
    return xc.shape_result(core_redemption.redemption_payment_date(days))


@excel_function(arg_help=_ARG_HELP, example=("2030-03-15",), elementwise=("redemption_date",))
def TRUPS_TREASURY_PRICE_DATE(redemption_date: Any, lag: Any = None, security: Any = None) -> Any:
    """Trading day whose Treasury bid price sets the treasury rate: the 3rd (default) or 2nd US government securities trading day before redemption (p.39).

    Parameters
    ----------
    redemption_date : date
    lag : number, optional
        3 (default: "treasury price ... as of the third trading day") or 2 ("computed as of the second trading day").
    security : text or range, optional
    """
    terms = xs.security(security)
    lag_days = xa.one_number(lag, "lag", lambda v, a, w: xc.cell_number(v, a, "2 or 3", w),
                             default=float(core_redemption.TREASURY_PRICE_LAG_DEFAULT))
    if lag_days not in core_redemption.TREASURY_PRICE_LAGS:
        raise TrupsInputError(f"expected 2 or 3 trading days; got {lag_days!r}", "lag")
    days = xa.date_cells(redemption_date, "redemption_date", *xs.life(terms))
    return xc.shape_result(core_redemption.treasury_price_date(days, int(lag_days)))


_TSY_DATES = (dt.date(1990, 1, 1), dt.date(2080, 12, 31))


def _treasury_inputs(settlement: Any, maturity: Any, coupon: Any, value: Any, value_name: Any,
                     value_cell: Any) -> list[Any]:
    s = xa.date_cells(settlement, "settlement", *_TSY_DATES)
    m = xa.date_cells(maturity, "maturity", *_TSY_DATES)
    c = xa.number_cells(coupon, "coupon", xa.coupon_cell, xc.COUPON_RANGE)
    v = xa.number_cells(value, value_name, value_cell, xc.RATE_RANGE if value_cell is xa.rate_cell else (1e-9, 999.999))
    # (a negative coupon is refused by coupon_cell: COUPON_RANGE starts at 0)
    # shapes checked Excel-style; the arrays stay unbroadcast so the date work is done once per date
    return xa.combine(("settlement", s), ("maturity", m), ("coupon", c), (value_name, v))


def _plausible_yield(yields: Any) -> Any:
    """A solved yield, refused outside the range the price functions accept (so each inverts the other)."""
    lo, hi = xc.RATE_RANGE
    if type(yields) is float:  # one cell's yield, judged without numpy
        if lo <= yields <= hi:
            return yields
        if yields == yields:  # (NaN: as the array path judges it)
            raise _implausible(yields, lo, hi)
    values = np.asarray(yields)
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise _implausible(float(values[outside].flat[0]), lo, hi)
    return yields


def _implausible(found: float, lo: float, hi: float) -> TrupsInputError:
    return TrupsInputError(f"the yield that gives this price, {found:.4%}, is outside the "
                           f"plausible range {lo:.0%}..{hi:.0%}", "price")


def _price_cell(value: object, argument: str, where: str) -> float:
    price = xc.cell_number(value, argument, "a clean price per 100 (e.g. 101.25)", where)
    if not 0 < price < 1000:
        raise TrupsInputError(f"{where}expected a clean price per 100 of face; got {price!r}", argument)
    return price


@excel_function(arg_help=_ARG_HELP, example=("2030-03-12", "2037-11-15", 0.04375, 101.5),
                elementwise=("settlement", "maturity", "coupon", "price"))
def TRUPS_TREASURY_YIELD(settlement: Any, maturity: Any, coupon: Any, price: Any, security: Any = None) -> Any:
    """Treasury rate: semi-annual equivalent yield to maturity of a Treasury from its clean bid price per 100 (street convention).

    Parameters
    ----------
    settlement : date
        Settlement date of the Treasury price. A range gives an array.
    maturity : date
        Maturity of the Treasury (coupons fall semi-annually on its day of month).
    coupon : rate
    price : number
        Clean (bid) price per 100 of face. A range gives an array.
    security : text or range, optional
    """
    xs.security(security)  # checked; a Treasury's price does not depend on it
    s, m, c, p = _treasury_inputs(settlement, maturity, coupon, price, "price", _price_cell)
    return xc.shape_result(_plausible_yield(core_treasury.treasury_yield(s, m, c, p)))


@excel_function(arg_help=_ARG_HELP, example=("2030-03-12", "2037-11-15", 0.04375, 0.04),
                elementwise=("settlement", "maturity", "coupon", "yield_rate"))
def TRUPS_TREASURY_PRICE(settlement: Any, maturity: Any, coupon: Any, yield_rate: Any, security: Any = None) -> Any:
    """Clean price per 100 of a Treasury at a semi-annual yield to maturity (street convention); the inverse of TRUPS_TREASURY_YIELD.

    Parameters
    ----------
    settlement : date
        Settlement date. A range gives an array.
    maturity : date
        Maturity of the Treasury (coupons fall semi-annually on its day of month).
    coupon : rate
    yield_rate : rate
        Semi-annual yield as a decimal (0.04). A range gives an array.
    security : text or range, optional
    """
    xs.security(security)  # checked; a Treasury's price does not depend on it
    s, m, c, y = _treasury_inputs(settlement, maturity, coupon, yield_rate, "yield_rate", xa.rate_cell)
    return xc.shape_result(core_treasury.treasury_price(s, m, c, y))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0), elementwise=("settlement", "price"))
def TRUPS_YIELD_TO_CALL(settlement: Any, price: Any, security: Any = None) -> Any:
    """Yield of the securities to their first par call from a clean market price per 100, compounded per coupon period of the fixed-rate terms (XXI: 2037-12-21, semi-annual, 30/360).

    Parameters
    ----------
    settlement : date
    price : number
        Clean price per 100 of principal. A range gives an array.
    security : text or range, optional
    """
    terms = xs.security(security)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    return xc.shape_result(_plausible_yield(core_yields.yield_to_call(s, p, terms=terms)))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 0.08), elementwise=("settlement", "yield_rate"))
def TRUPS_PRICE_FROM_YIELD(settlement: Any, yield_rate: Any, security: Any = None) -> Any:
    """Clean price per 100 of the securities at a yield to their first par call, compounded per coupon period of the fixed-rate terms (XXI: 2037-12-21, semi-annual, 30/360).

    Parameters
    ----------
    settlement : date
    yield_rate : rate
        Yield as a decimal (0.08), compounded per coupon period of the fixed-rate terms (twice a year for a semi-annual security, four times for a quarterly one). A range gives an array.
    security : text or range, optional
    """
    terms = xs.security(security)
    s, y = _settlement_and(settlement, yield_rate, "yield_rate", xa.rate_cell, terms)
    return xc.shape_result(core_yields.price_from_yield(s, y, terms=terms))


def _settlement_and(settlement: Any, value: Any, name: str, convert: Any, terms: Terms) -> list[Any]:
    """Settlement dates before the par call, broadcast against a price or yield range."""
    return xa.combine(("settlement", xa.date_cells(settlement, "settlement", terms.issue_date,
                                                   core_redemption.last_make_whole_date(terms))),
                      (name, xa.number_cells(value, name, convert,
                                             xc.RATE_RANGE if convert is xa.rate_cell else (1e-9, 999.999))))
