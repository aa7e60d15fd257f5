"""Excel functions (xlwings UDFs) for Citigroup Capital XXI.

Each function converts and validates its cells, calls the calculation core and shapes
the result; it computes nothing itself. Names and argument order are the contract.
Dates may be date cells, serial numbers or ``YYYY-MM-DD`` text; rates are decimals
(0.083). On bad input a function returns one line starting ``#TRUPS!``.
"""


import datetime as dt
import functools
import math
from typing import Any

import numpy as np

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import accrual as core_accrual
from trups_xl.core.pricing import hedge as core_hedge
from trups_xl.core.pricing import parcall as core_parcall
from trups_xl.core.pricing import redemption as core_redemption
from trups_xl.core.pricing import treasury as core_treasury
from trups_xl.core.pricing import yields as core_yields
from trups_xl.core.provisions import apm as core_apm
from trups_xl.core.provisions import covenant as core_covenant
from trups_xl.core.provisions import deferral as core_deferral
from trups_xl.core.provisions import sharecap as core_sharecap
from trups_xl.core.rates import discount as core_discount
from trups_xl.core.rates import fixings as core_rates
from trups_xl.core.rates import libor as core_libor
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities import xxi_covenant
from trups_xl.core.securities.terms import Terms, require
from trups_xl.excel import convert as xc
from trups_xl.excel import function as xf
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_ACCRUAL",
    "TRUPS_ACCRUED_INTEREST",
    "TRUPS_APM_ALLOCATE",
    "TRUPS_APM_AVERAGE_PRICE",
    "TRUPS_APM_MAX_OBLIGATION",
    "TRUPS_APM_WINDOW",
    "TRUPS_CLAIM_LIMIT",
    "TRUPS_COUPON",
    "TRUPS_CRC_CAPACITY",
    "TRUPS_CRC_MEASUREMENT_DATE",
    "TRUPS_CRC_PERCENTAGE",
    "TRUPS_DEFERRAL_DATES",
    "TRUPS_DEFERRED_INTEREST",
    "TRUPS_HEDGED_ITEM_VALUE",
    "TRUPS_HEDGE_DOLLAR_OFFSET",
    "TRUPS_HEDGE_REGRESSION",
    "TRUPS_INDEX_RATE",
    "TRUPS_LIBOR_FROM_QUOTES",
    "TRUPS_MAKE_WHOLE",
    "TRUPS_MAKE_WHOLE_PV",
    "TRUPS_MATURITY_REPAYMENT",
    "TRUPS_NEXT_PAYMENT_DATE",
    "TRUPS_PREVIOUS_PAYMENT_DATE",
    "TRUPS_PRICE_FROM_YIELD",
    "TRUPS_REDEMPTION_PAYMENT_DATE",
    "TRUPS_REDEMPTION_PRICE",
    "TRUPS_SCHEDULE",
    "TRUPS_SHARES_SALEABLE",
    "TRUPS_SHARE_CAP",
    "TRUPS_SHARE_CAP_REQUIRED",
    "TRUPS_TERMS",
    "TRUPS_TREASURY_PRICE",
    "TRUPS_TREASURY_PRICE_DATE",
    "TRUPS_TREASURY_YIELD",
    "TRUPS_YIELD_TO_CALL",
]


@excel_function(example=("2008-12-21", "2009-01-31"))
def TRUPS_ACCRUAL(start_date: Any, end_date: Any, fixings: Any = None, principal: Any = None,
                  policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Interest accrued from start_date (inclusive) to end_date (exclusive), split over interest periods.

    Parameters
    ----------
    start_date : date
        First day of accrual, in the security's life (XXI: 2007-12-21..2077-12-21). A range gives an array.
    end_date : date
        Day accrual stops (excluded), on or after start_date. A range gives an array.
    fixings : rate or range, optional
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    a, b = xf.combine(("start_date", xf.date_cells(start_date, "start_date", *xf.life(terms))),
                      ("end_date", xf.date_cells(end_date, "end_date", *xf.life(terms))))
    return xc.shape_result(core_accrual.accrual(a, b, xf.fixings(fixings, terms), xf.principal(principal, terms),
                                                xf.policy(policy), curve=xf.curve(curve, terms), terms=terms))


@excel_function(example=("2009-01-31",))
def TRUPS_ACCRUED_INTEREST(settlement: Any, fixings: Any = None, principal: Any = None,
                           policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Accrued interest at settlement: interest from the start of its interest period to settlement.

    Parameters
    ----------
    settlement : date
        Settlement date in the security's life (XXI: 2007-12-21..2077-12-21). A range gives an array.
    fixings : rate or range, optional
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    return _interest_on_a_date(settlement, "settlement", fixings, principal, policy, curve, security,
                               core_accrual.accrued_interest)


@excel_function(example=("2008-06-21",))
def TRUPS_COUPON(payment_date: Any, fixings: Any = None, principal: Any = None,
                 policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Interest payable on a scheduled interest payment date (the whole period ending on it).

    Parameters
    ----------
    payment_date : date
        A scheduled (unadjusted) payment date (XXI: Jun/Dec 21 to 2037, quarterly to 2057, monthly to 2077); with
        payment_delay_days, the interest period's end date (TRUPS_SCHEDULE's payment_date says when it is paid).
    fixings : rate or range, optional
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    return _interest_on_a_date(payment_date, "payment_date", fixings, principal, policy, curve, security,
                               core_accrual.coupon)


def _interest_on_a_date(value: Any, argument: str, fixings: Any, principal: Any, policy: Any, curve: Any,
                        security: Any, core: Any) -> Any:
    """A function of one date (accrued interest, coupon): each argument read once, one core call."""
    terms = xf.security(security)
    days = xf.date_cells(value, argument, *xf.life(terms))
    return xc.shape_result(core(days, xf.fixings(fixings, terms), xf.principal(principal, terms),
                                xf.policy(policy), curve=xf.curve(curve, terms), terms=terms))


@excel_function(example=("2009-01-31",))
def TRUPS_PREVIOUS_PAYMENT_DATE(as_of: Any, security: Any = None) -> Any:
    """Scheduled interest payment date on or before as_of (the issue date in the first period), like COUPPCD.

    Parameters
    ----------
    as_of : date
        Any date from the issue date to the day before maturity (XXI: 2007-12-21..2077-12-20). A range gives an array.
    security : text or range, optional
    """
    return _payment_date(as_of, security, core_accrual.previous_payment_date)


@excel_function(example=("2009-01-31",))
def TRUPS_NEXT_PAYMENT_DATE(as_of: Any, security: Any = None) -> Any:
    """First scheduled interest payment date after as_of, like Excel's COUPNCD (unadjusted).

    Parameters
    ----------
    as_of : date
        Any date from the issue date to the day before maturity (XXI: 2007-12-21..2077-12-20). A range gives an array.
    security : text or range, optional
    """
    return _payment_date(as_of, security, core_accrual.next_payment_date)


def _payment_date(as_of: Any, security: Any, core: Any) -> Any:
    """A payment-date function of ``as_of`` (any day before the final repayment date)."""
    terms = xf.security(security)
    days = xf.date_cells(as_of, "as_of", *_as_of_dates(terms))
    return xc.shape_result(core(days, terms))


SCHEDULE_HEADER = ["period", "start", "end", "accrual_start", "accrual_end", "payment_date",
                   "record_date", "determination_date", "regime", "day_count", "days",
                   "year_fraction", "rate", "interest"]


@excel_function(example=("2008-01-01", "2009-12-31"))
def TRUPS_SCHEDULE(from_date: Any = None, to_date: Any = None, fixings: Any = None,
                   principal: Any = None, policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Interest schedule: one row per period paid from from_date to to_date, with dates, day count, rate and interest.

    Parameters
    ----------
    from_date : date, optional
        First scheduled payment date to list; default the first (XXI: 2008-06-21).
    to_date : date, optional
        Last scheduled payment date to list; default the last (XXI: 2077-12-21).
    fixings : rate or range, optional
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    paid = core_accrual.paid_periods(
        xf.one_date(from_date, "from_date", *xf.life(terms), default=terms.issue_date),
        xf.one_date(to_date, "to_date", *xf.life(terms), default=terms.final_repayment),
        xf.fixings(fixings, terms), xf.principal(principal, terms), xf.policy(policy), xf.curve(curve, terms),
        terms=terms)
    cells = _schedule_cells(terms)
    rows: list[list[Any]] = [list(SCHEDULE_HEADER)]
    rows += [[*cells[k], paid.rates[i], paid.interest[i]] for i, k in enumerate(range(paid.first, paid.stop))]
    return rows


@functools.lru_cache(maxsize=64)
def _as_of_dates(terms: Terms) -> tuple[dt.date, dt.date]:
    """The dates a payment-date function accepts: the issue date to the day before the last repayment."""
    return terms.issue_date, terms.final_repayment - dt.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def _term_values(terms: Terms) -> dict[str, object]:
    """TRUPS_TERMS's cells (blank where the security has no such term), laid out once per security."""
    return {name: "" if value is None else value for name, value in terms.as_rows()}


@functools.lru_cache(maxsize=64)
def _schedule_cells(terms: Terms) -> tuple[tuple[Any, ...], ...]:
    """Per period, TRUPS_SCHEDULE's cells up to the rate (dates as ``datetime.date``, no determination
    date as ""), laid out once per security: a cell's call then only slices them."""
    schedule = build_schedule(terms=terms)
    dates = [column.astype("datetime64[D]").astype(object).tolist() for column in (
        schedule.start, schedule.end, schedule.accrual_start, schedule.accrual_end, schedule.payment_date,
        schedule.record_date, schedule.determination_date)]
    columns = (schedule.regime.tolist(), schedule.day_count.tolist(), schedule.accrual_days.tolist(),
               schedule.year_fraction.tolist())
    return tuple((k + 1, *(column[k] for column in dates[:6]), "" if dates[6][k] is None else dates[6][k],
                  *(column[k] for column in columns)) for k in range(schedule.size))


@excel_function(example=("fixed_rate",))
def TRUPS_TERMS(term: Any = None, security: Any = None) -> Any:
    """A security's terms as a two-column table (term, value; blank where it has none) that works as a security argument, or one term's value.

    Parameters
    ----------
    term : text, optional
        A term's name (e.g. "fixed_rate", "switch_date", "floating_margin"); blank lists all terms.
    security : text or range, optional
    """
    terms = xf.security(security)
    values = _term_values(terms)
    if xc.is_blank(term):
        return [[name, value] for name, value in values.items()]
    xf.single_cell(term, "term", "term name")
    name = xc.grid(term, "term")[0][0]
    if not isinstance(name, str) or name.strip().lower() not in values:
        raise TrupsInputError(f"unknown term {xc.describe(name)}; =TRUPS_TERMS() lists the terms", "term")
    return values[name.strip().lower()]


# ---- redemption (issue: make-whole) --------------------------------------------------------


def _make_whole_inputs(redemption_date: Any, treasury_rate: Any, spread: Any, principal: Any,
                       stub: Any, count: Any, security: Any) -> dict[str, Any]:
    terms = xf.security(security)
    default_spread = require(terms, "make_whole_spread")
    d, r = xf.combine(("redemption_date", xf.date_cells(redemption_date, "redemption_date", terms.issue_date,
                                                        core_redemption.last_make_whole_date(terms))),
                      ("treasury_rate", xf.number_cells(treasury_rate, "treasury_rate", xf.rate_cell, xc.RATE_RANGE)))
    return {"redemption_date": d, "treasury_rate": r,
            "spread": xf.one_number(spread, "spread", xf.spread_cell, default=default_spread),
            "principal": xf.principal(principal, terms),
            "stub": xf.choice(stub, "stub", core_redemption.Stub, core_redemption.STUB_DEFAULT),
            "terms": terms, "count": xf.choice(count, "count", core_parcall.Count, core_parcall.COUNT_DEFAULT)}


@excel_function(example=("2030-03-15", 0.04))
def TRUPS_MAKE_WHOLE(redemption_date: Any, treasury_rate: Any, spread: Any = None, principal: Any = None,
                     stub: Any = None, count: Any = None, security: Any = None) -> Any:
    """Make-whole redemption price incl. accrued interest: max(par, PV at treasury rate + spread) + accrued (p.38).

    Parameters
    ----------
    redemption_date : date
        Redemption date before the par call (XXI: 2037-12-21). A range gives an array (dates x rates grid with a row of rates).
    treasury_rate : rate
        Treasury rate as a decimal (0.04), semi-annual yield. A range gives an array.
    spread : rate, optional
    principal : number, optional
    stub : text, optional
    count : text, optional
        "direct" (default: 30/360 days to the next coupon) or "period_less_accrued" (180 days less accrued days, Excel PRICE's E-A); they differ on a 31st.
    security : text or range, optional
    """
    return xc.shape_result(core_redemption.make_whole_price(**_make_whole_inputs(
        redemption_date, treasury_rate, spread, principal, stub, count, security)))


@excel_function(example=("2030-03-15", 0.04))
def TRUPS_MAKE_WHOLE_PV(redemption_date: Any, treasury_rate: Any, spread: Any = None, principal: Any = None,
                        stub: Any = None, count: Any = None, security: Any = None) -> Any:
    """Present-value leg of the make-whole (principal on 2037-12-21 plus remaining interest), before the par floor and accrued.

    Parameters
    ----------
    redemption_date : date
        Redemption date before the par call (XXI: 2037-12-21). A range gives an array.
    treasury_rate : rate
        Treasury rate as a decimal (0.04), semi-annual yield. A range gives an array.
    spread : rate, optional
    principal : number, optional
    stub : text, optional
    count : text, optional
        "direct" (default: 30/360 days to the next coupon) or "period_less_accrued" (180 days less accrued days, Excel PRICE's E-A); they differ on a 31st.
    security : text or range, optional
    """
    return xc.shape_result(core_redemption.make_whole_pv(**_make_whole_inputs(
        redemption_date, treasury_rate, spread, principal, stub, count, security)))


@excel_function(example=("2012-07-18", None, "regulatory_capital", "2012-06-07"))
def TRUPS_REDEMPTION_PRICE(redemption_date: Any, treasury_rate: Any = None, trigger: Any = None,
                           trigger_date: Any = None, fixings: Any = None, principal: Any = None,
                           policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Redemption price by route incl. accrued: par on/after 2037-12-21 or within 90 days of an investment company/regulatory capital event, else make-whole.

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
        Index for accrued interest on/after 2037-12-21: one decimal rate, or two columns: period start date, rate.
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    route = xf.choice(trigger, "trigger", core_redemption.Trigger, core_redemption.OPTIONAL)
    event = None if route == core_redemption.OPTIONAL and xc.is_blank(trigger_date) else \
        xf.one_date(trigger_date, "trigger_date", *xf.life(terms))
    d = xf.date_cells(redemption_date, "redemption_date", *xf.life(terms))
    rates = None
    if not xc.is_blank(treasury_rate):
        d, rates = xf.combine(("redemption_date", d), ("treasury_rate", xf.number_cells(
            treasury_rate, "treasury_rate", xf.rate_cell, xc.RATE_RANGE)))
    return xc.shape_result(core_redemption.redemption_price(
        d, rates, route, event, xf.fixings(fixings, terms), xf.principal(principal, terms), xf.policy(policy),
        curve=xf.curve(curve, terms), terms=terms))


@excel_function(example=("2011-12-31",))
def TRUPS_REDEMPTION_PAYMENT_DATE(redemption_date: Any, security: Any = None) -> Any:
    """Day the redemption price is paid: next New York business day, or the preceding one if that falls in the next year (p.22).

    Parameters
    ----------
    redemption_date : date
        Redemption date 2007-12-21..2077-12-21. A range gives an array.
    security : text or range, optional
    """
    terms = xf.security(security)
    days = xf.date_cells(redemption_date, "redemption_date", *xf.life(terms))
    return xc.shape_result(core_redemption.redemption_payment_date(days))


@excel_function(example=("2030-03-15",))
def TRUPS_TREASURY_PRICE_DATE(redemption_date: Any, lag: Any = None, security: Any = None) -> Any:
    """Trading day whose Treasury bid price sets the treasury rate: the 3rd (default) or 2nd US government securities trading day before redemption (p.39).

    Parameters
    ----------
    redemption_date : date
        Redemption date 2007-12-21..2077-12-21. A range gives an array.
    lag : number, optional
        3 (default: "treasury price ... as of the third trading day") or 2 ("computed as of the second trading day").
    security : text or range, optional
    """
    terms = xf.security(security)
    lag_days = xf.one_number(lag, "lag", lambda v, a, w: xc.cell_number(v, a, "2 or 3", w),
                             default=float(core_redemption.TREASURY_PRICE_LAG_DEFAULT))
    if lag_days not in core_redemption.TREASURY_PRICE_LAGS:
        raise TrupsInputError(f"expected 2 or 3 trading days; got {lag_days!r}", "lag")
    days = xf.date_cells(redemption_date, "redemption_date", *xf.life(terms))
    return xc.shape_result(core_redemption.treasury_price_date(days, int(lag_days)))


_TSY_DATES = (dt.date(1990, 1, 1), dt.date(2080, 12, 31))


def _treasury_inputs(settlement: Any, maturity: Any, coupon: Any, value: Any, value_name: Any,
                     value_cell: Any) -> list[Any]:
    s = xf.date_cells(settlement, "settlement", *_TSY_DATES)
    m = xf.date_cells(maturity, "maturity", *_TSY_DATES)
    c = xf.number_cells(coupon, "coupon", xf.coupon_cell, xc.COUPON_RANGE)
    v = xf.number_cells(value, value_name, value_cell, xc.RATE_RANGE if value_cell is xf.rate_cell else (1e-9, 999.999))
    # (a negative coupon is refused by coupon_cell: COUPON_RANGE starts at 0)
    # shapes checked Excel-style; the arrays stay unbroadcast so the date work is done once per date
    return xf.combine(("settlement", s), ("maturity", m), ("coupon", c), (value_name, v))


def _plausible_yield(yields: Any) -> Any:
    """A solved yield, refused outside the range the price functions accept (so each inverts the other)."""
    lo, hi = xc.RATE_RANGE
    if type(yields) is float and lo <= yields <= hi:  # one cell's yield
        return yields
    values = np.asarray(yields)
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise TrupsInputError(f"the yield that gives this price, {float(values[outside].flat[0]):.4%}, is outside the "
                              f"plausible range {lo:.0%}..{hi:.0%}", "price")
    return yields


def _price_cell(value: object, argument: str, where: str) -> float:
    price = xc.cell_number(value, argument, "a clean price per 100 (e.g. 101.25)", where)
    if not 0 < price < 1000:
        raise TrupsInputError(f"{where}expected a clean price per 100 of face; got {price!r}", argument)
    return price


@excel_function(example=("2030-03-12", "2037-11-15", 0.04375, 101.5))
def TRUPS_TREASURY_YIELD(settlement: Any, maturity: Any, coupon: Any, price: Any, security: Any = None) -> Any:
    """Treasury rate: semi-annual equivalent yield to maturity of a Treasury from its clean bid price per 100 (street convention).

    Parameters
    ----------
    settlement : date
        Settlement date of the Treasury price. A range gives an array.
    maturity : date
        Maturity of the Treasury (coupons fall semi-annually on its day of month).
    coupon : rate
        Annual coupon rate as a decimal (0.04375).
    price : number
        Clean (bid) price per 100 of face. A range gives an array.
    security : text or range, optional
    """
    xf.security(security)  # checked; a Treasury's price does not depend on it
    s, m, c, p = _treasury_inputs(settlement, maturity, coupon, price, "price", _price_cell)
    return xc.shape_result(_plausible_yield(core_treasury.treasury_yield(s, m, c, p)))


@excel_function(example=("2030-03-12", "2037-11-15", 0.04375, 0.04))
def TRUPS_TREASURY_PRICE(settlement: Any, maturity: Any, coupon: Any, yield_rate: Any, security: Any = None) -> Any:
    """Clean price per 100 of a Treasury at a semi-annual yield to maturity (street convention); the inverse of TRUPS_TREASURY_YIELD.

    Parameters
    ----------
    settlement : date
        Settlement date. A range gives an array.
    maturity : date
        Maturity of the Treasury (coupons fall semi-annually on its day of month).
    coupon : rate
        Annual coupon rate as a decimal (0.04375).
    yield_rate : rate
        Semi-annual yield as a decimal (0.04). A range gives an array.
    security : text or range, optional
    """
    xf.security(security)  # checked; a Treasury's price does not depend on it
    s, m, c, y = _treasury_inputs(settlement, maturity, coupon, yield_rate, "yield_rate", xf.rate_cell)
    return xc.shape_result(core_treasury.treasury_price(s, m, c, y))


@excel_function(example=("2012-06-08", 101.0))
def TRUPS_YIELD_TO_CALL(settlement: Any, price: Any, security: Any = None) -> Any:
    """Yield of the securities to their first par call from a clean market price per 100, compounded per coupon period of the fixed-rate terms (XXI: 2037-12-21, semi-annual, 30/360).

    Parameters
    ----------
    settlement : date
        Settlement date before 2037-12-21. A range gives an array.
    price : number
        Clean price per 100 of principal. A range gives an array.
    security : text or range, optional
    """
    terms = xf.security(security)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    return xc.shape_result(_plausible_yield(core_yields.yield_to_call(s, p, terms=terms)))


@excel_function(example=("2012-06-08", 0.08))
def TRUPS_PRICE_FROM_YIELD(settlement: Any, yield_rate: Any, security: Any = None) -> Any:
    """Clean price per 100 of the securities at a yield to their first par call, compounded per coupon period of the fixed-rate terms (XXI: 2037-12-21, semi-annual, 30/360).

    Parameters
    ----------
    settlement : date
        Settlement date before 2037-12-21. A range gives an array.
    yield_rate : rate
        Semi-annual yield as a decimal (0.08). A range gives an array.
    security : text or range, optional
    """
    terms = xf.security(security)
    s, y = _settlement_and(settlement, yield_rate, "yield_rate", xf.rate_cell, terms)
    return xc.shape_result(core_yields.price_from_yield(s, y, terms=terms))


def _settlement_and(settlement: Any, value: Any, name: str, convert: Any, terms: Terms) -> list[Any]:
    """Settlement dates before the par call, broadcast against a price or yield range."""
    return xf.combine(("settlement", xf.date_cells(settlement, "settlement", terms.issue_date,
                                                   core_redemption.last_make_whole_date(terms))),
                      (name, xf.number_cells(value, name, convert,
                                             xc.RATE_RANGE if convert is xf.rate_cell else (1e-9, 999.999))))


# ---- deferral, APM and share cap ---------------------------------------------------------------

_PRICE_HISTORY = (dt.date(2007, 1, 1), dt.date(2077, 12, 31))
_ALL_ACTIONS = dt.date(2080, 12, 31)  # a blank as_of: after every corporate action in the table


def _share_cap_as_of(as_of: Any) -> dt.date:
    """``as_of`` of the share-cap functions; blank applies every action in the table."""
    return xf.one_date(as_of, "as_of", lo=dt.date(2007, 1, 1), hi=_ALL_ACTIONS, default=_ALL_ACTIONS)


@excel_function(example=("2010-06-21", "2014-12-21"))
def TRUPS_DEFERRED_INTEREST(first_deferred_date: Any, as_of: Any, fixings: Any = None, principal: Any = None,
                            policy: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Deferred interest owed at as_of: every deferred coupon compounding on each later payment date, plus interest on that balance since (p.42).

    Parameters
    ----------
    first_deferred_date : date
        The first interest payment date on which interest is deferred (start of the extension period).
    as_of : date
        Date of the amount owed, up to 10 years after first_deferred_date; the coupon due on that
        last date is paid, not deferred (the extension period ends there, p.42).
    fixings : rate or range, optional
    principal : number, optional
    policy : text, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    return core_deferral.deferred_interest(
        xf.one_date(first_deferred_date, "first_deferred_date", *xf.life(terms)),
        xf.one_date(as_of, "as_of", *xf.life(terms)), xf.fixings(fixings, terms), xf.principal(principal, terms),
        xf.policy(policy), curve=xf.curve(curve, terms), terms=terms)


@excel_function(example=("2010-06-21",))
def TRUPS_DEFERRAL_DATES(first_deferred_date: Any, security: Any = None) -> Any:
    """Key dates of an extension period: start, share-cap tests, APM 5th anniversary, 10-year limit, event of default (two columns).

    Parameters
    ----------
    first_deferred_date : date
        The first interest payment date on which interest is deferred.
    security : text or range, optional
    """
    terms = xf.security(security)
    events = core_deferral.deferral_dates(xf.one_date(first_deferred_date, "first_deferred_date", *xf.life(terms)),
                                          terms)
    return [["event", "date"], *([name, day] for name, day in events)]


@excel_function(example=(300.0,))
def TRUPS_CLAIM_LIMIT(deferred_interest: Any, principal: Any = None, security: Any = None) -> Any:
    """Bankruptcy claim for deferred interest (with compounding): the amount, capped at 25% of principal (p.38).

    Parameters
    ----------
    deferred_interest : number
        Deferred interest owed, compounding included (e.g. from TRUPS_DEFERRED_INTEREST). A range gives an array.
    principal : number, optional
        Outstanding principal; default the liquidation amount of one security (XXI: 1000).
    security : text or range, optional
    """
    terms = xf.security(security)
    amounts, _ = xf.numbers(deferred_interest, "deferred_interest", xf.amount_cell)
    return xc.shape_result(core_deferral.claim_limit(amounts, xf.principal(principal, terms), terms=terms))


@excel_function(example=("2012-04-09",))
def TRUPS_APM_WINDOW(issuance_date: Any, security: Any = None) -> Any:
    """The 10 NYSE trading days whose closing prices set the APM maximum obligation: ending on the 4th trading day before issuance (p.46).

    Parameters
    ----------
    issuance_date : date
        Date of the stock issuance, 2007-12-21..2077-12-21.
    security : text or range, optional
    """
    terms = xf.security(security)
    return [[day] for day in core_apm.apm_window(xf.one_date(issuance_date, "issuance_date", *xf.life(terms)),
                                                 terms=terms)]


#: The last price history read, with the very range objects it was read from (held, so their ids
#: cannot be reused): a recalculation passes the same named history to every APM cell of a column.
_LAST_HISTORY: list[tuple[Any, Any, tuple[list[dt.date], list[float]]]] = []


def _price_history(price_dates: Any, prices: Any) -> tuple[list[dt.date], list[float]]:
    last = _LAST_HISTORY[0] if _LAST_HISTORY else None
    if last is not None and last[0] is price_dates and last[1] is prices and isinstance(prices, list):
        return last[2]
    dates, _ = xf.vector(price_dates, "price_dates",
                         lambda v, a, w: xc.cell_date(v, a, *_PRICE_HISTORY, w), skip_blank=True)
    closes, _ = xf.vector(prices, "prices", xf.share_price_cell,
                          skip_blank=True)
    xf.parallel(("price_dates", dates), ("prices", closes))
    _LAST_HISTORY[:] = [(price_dates, prices, (dates, closes))]
    return dates, closes


@excel_function(example=("2012-04-09", [["2012-03-20"], ["2012-03-21"], ["2012-03-22"], ["2012-03-23"],
                                        ["2012-03-26"], ["2012-03-27"], ["2012-03-28"], ["2012-03-29"],
                                        ["2012-03-30"], ["2012-04-02"]],
                         [[36.1], [36.5], [36.0], [36.3], [37.2], [37.0], [36.9], [36.2], [36.55], [36.9]]))
def TRUPS_APM_AVERAGE_PRICE(issuance_date: Any, price_dates: Any, prices: Any, security: Any = None) -> Any:
    """Average NYSE closing price over the APM window (10 trading days ending 4 trading days before issuance); refuses missing or non-trading days.

    Parameters
    ----------
    issuance_date : date
        Date of the stock issuance.
    price_dates : range
        A column (or row) of dates with closing prices; must hold every trading day of the window.
    prices : range
        Closing prices per share, parallel to price_dates.
    security : text or range, optional
    """
    terms = xf.security(security)
    dates, closes = _price_history(price_dates, prices)
    return core_apm.apm_average_price(xf.one_date(issuance_date, "issuance_date", *xf.life(terms)), dates, closes,
                                      terms=terms)


@excel_function(example=("2012-04-09", [["2012-03-20"], ["2012-03-21"], ["2012-03-22"], ["2012-03-23"],
                                        ["2012-03-26"], ["2012-03-27"], ["2012-03-28"], ["2012-03-29"],
                                        ["2012-03-30"], ["2012-04-02"]],
                         [[36.1], [36.5], [36.0], [36.3], [37.2], [37.0], [36.9], [36.2], [36.55], [36.9]],
                         2_932_000_000.0))
def TRUPS_APM_MAX_OBLIGATION(issuance_date: Any, price_dates: Any, prices: Any, shares_outstanding: Any,
                             proceeds_applied: Any = None, first_deferred_date: Any = None, security: Any = None) -> Any:
    """APM maximum obligation: 2% x average close over the APM window x shares outstanding, less proceeds already applied (p.46).

    Parameters
    ----------
    issuance_date : date
        Date of the stock issuance.
    price_dates : range
        A column (or row) of dates with closing prices; must hold every trading day of the window.
    prices : range
        Closing prices per share, parallel to price_dates.
    shares_outstanding : number
        Common shares issued and outstanding per the latest public financial statements.
    proceeds_applied : number, optional
        Gross proceeds already applied in this extension period; the result is the capacity left (never negative).
    first_deferred_date : date, optional
        Start of the extension period: after its 5th anniversary the obligation has lapsed and the result says so.
    security : text or range, optional
    """
    terms = xf.security(security)
    issuance = xf.one_date(issuance_date, "issuance_date", *xf.life(terms))
    dates, closes = _price_history(price_dates, prices)
    shares = xf.one_number(shares_outstanding, "shares_outstanding",
                           xf.positive_cell)
    applied = xf.one_number(proceeds_applied, "proceeds_applied", xf.amount_cell, default=0.0)
    start = xf.optional_date(first_deferred_date, "first_deferred_date", *xf.life(terms))
    if start is not None:
        if issuance < start:
            raise TrupsInputError("issuance_date is before the extension period starts", "issuance_date")
        if not core_apm.apm_applies(start, issuance, terms):
            return "lapsed: no APM maximum obligation after the 5th anniversary (p.46)"
    average = core_apm.apm_average_price(issuance, dates, closes, terms=terms)
    return core_apm.apm_max_obligation(average, shares, applied, terms=terms)


@excel_function(example=(60.0, [["2010-06-21"], ["2010-12-21"]], [[41.5], [41.5]]))
def TRUPS_APM_ALLOCATE(proceeds: Any, deferred_dates: Any, deferred_amounts: Any, security: Any = None) -> Any:
    """APM proceeds applied to deferred interest in chronological order, oldest first: the amount paid on each deferred payment (p.46).

    Parameters
    ----------
    proceeds : number
        Net proceeds available to pay deferred interest.
    deferred_dates : range
        A column (or row) of the dates of the deferred payments.
    deferred_amounts : range
        Amounts owed for each deferred payment, parallel to deferred_dates; the result has the same shape.
    security : text or range, optional
    """
    terms = xf.security(security)
    require(terms, "apm_max_obligation_fraction")
    available = xf.one_number(proceeds, "proceeds", xf.amount_cell)
    dates, _ = xf.vector(deferred_dates, "deferred_dates", lambda v, a, w: xc.cell_date(v, a, *xf.life(terms), w))
    amounts, shape = xf.vector(deferred_amounts, "deferred_amounts", xf.amount_cell)
    xf.parallel(("deferred_dates", dates), ("deferred_amounts", amounts))
    paid, _ = core_apm.apm_allocate(available, dates, amounts)
    return xc.shape_result(paid.reshape(shape))


@excel_function(example=("2011-05-09",))
def TRUPS_SHARE_CAP(as_of: Any = None, corporate_actions: Any = None, security: Any = None) -> Any:
    """Share cap amount in force on as_of: 195,000,000 shares adjusted for splits, reverse splits and stock dividends (p.47).

    Parameters
    ----------
    as_of : date, optional
        Date; blank applies every action in the table (today's cap).
    corporate_actions : range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    day = _share_cap_as_of(as_of)
    return core_sharecap.share_cap(day, xf.corporate_actions(corporate_actions), terms=terms)


@excel_function(example=("2011-06-21", 500_000_000.0, 4.5))
def TRUPS_SHARE_CAP_REQUIRED(test_date: Any, deferred_interest: Any, average_price: Any, current_cap: Any = None,
                             corporate_actions: Any = None, security: Any = None) -> Any:
    """Share cap required at a test date: the larger of the current cap and the shares to pay all deferred interest, raised no further than 1.4bn split-adjusted (p.47).

    Parameters
    ----------
    test_date : date
        End of the first year of the extension period or a later anniversary.
    deferred_interest : number
        All deferred interest incl. compounding, in currency (for the whole issue, e.g. per 3,500,000 securities).
    average_price : number
        Average trading price per share over the 10 trading days preceding test_date.
    current_cap : number, optional
        The share cap amount now; blank: the split-adjusted 195,000,000.
    corporate_actions : range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    day = xf.one_date(test_date, "test_date", *xf.life(terms))
    amount = xf.one_number(deferred_interest, "deferred_interest", xf.amount_cell)
    price = xf.one_number(average_price, "average_price", xf.share_price_cell)
    cap = None if xc.is_blank(current_cap) else xf.one_number(current_cap, "current_cap", xf.amount_cell)
    return core_sharecap.share_cap_required(day, amount, price, cap, xf.corporate_actions(corporate_actions), terms=terms)


@excel_function(example=(10_000_000.0, 4.5, "2012-01-03"))
def TRUPS_SHARES_SALEABLE(amount: Any, price: Any, as_of: Any = None, shares_already_sold: Any = None,
                          corporate_actions: Any = None, security: Any = None) -> Any:
    """Shares that may be sold to raise amount at price: whole shares needed, at most the share cap in force less shares already sold (p.47).

    Parameters
    ----------
    amount : number
        Proceeds to raise, in currency.
    price : number
        Price per share.
    as_of : date, optional
        Date of the sale; blank applies every corporate action in the table.
    shares_already_sold : number, optional
        Shares already sold under the cap to pay deferred interest; default 0.
    corporate_actions : range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    value = xf.one_number(amount, "amount", xf.amount_cell)
    per_share = xf.one_number(price, "price", xf.share_price_cell)
    day = _share_cap_as_of(as_of)
    sold = xf.one_number(shares_already_sold, "shares_already_sold", xf.amount_cell, default=0.0)
    return core_sharecap.shares_saleable(value, per_share, day, sold, xf.corporate_actions(corporate_actions), terms=terms)


# ---- the index after LIBOR (issue: rates after LIBOR) --------------------------------------------


@excel_function(example=("2037-12-21", "libor_act", 0.0375))
def TRUPS_INDEX_RATE(period_start: Any, policy: Any = None, fixings: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Index of the floating/post-maturity period starting on period_start, before the 4.170% margin; under "libor_act" it includes the tenor spread adjustment.

    Parameters
    ----------
    period_start : date
        First day of a floating or post-maturity period, scheduled or adjusted (XXI: the 21st, from 2037-12-21). A range gives an array.
    policy : text, optional
    fixings : rate or range, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xf.security(security)
    first = terms.floating_start if terms.floating_start is not None else require(terms, "switch_date")
    days, _ = xf.dates(period_start, "period_start", first, terms.final_repayment)
    return xc.shape_result(core_rates.index_rate(days, xf.fixings(fixings, terms), xf.policy(policy),
                                                 xf.curve(curve, terms), terms=terms))


@excel_function(example=([[0.0525, 0.05251, 0.05262]],))
def TRUPS_LIBOR_FROM_QUOTES(london_quotes: Any, new_york_quotes: Any = None, security: Any = None) -> Any:
    """LIBOR from bank quotations when the screen rate is missing: mean of >= 2 London quotes, else of 3 New York quotes, rounded up to 0.00001% (p.41).

    Parameters
    ----------
    london_quotes : range
        Quotations (decimals) of the London banks asked; blanks are skipped.
    new_york_quotes : range, optional
        Quotations of the three New York City banks, used when London gave fewer than two.
    security : text or range, optional
    """
    terms = xf.security(security)
    london = [] if xc.is_blank(london_quotes) else \
        xf.vector(london_quotes, "london_quotes", xf.rate_cell, skip_blank=True)[0]
    new_york = [] if xc.is_blank(new_york_quotes) else \
        xf.vector(new_york_quotes, "new_york_quotes", xf.rate_cell, skip_blank=True)[0]
    rate = core_libor.libor_from_quotes(london, new_york, terms=terms)
    if rate is None:
        first = "" if terms.first_floating_fallback is None or terms.switch_date is None else \
            f" ({terms.first_floating_fallback:.3%} for the period from {terms.switch_date.isoformat()})"
        raise TrupsInputError("fewer than 2 London and fewer than 3 New York quotations: LIBOR is the previous "
                              f"period's{first}, p.41", "london_quotes")
    return rate


# ---- capital replacement covenant and scheduled-maturity repayment ------------------------------------

def _covenant_dates(terms: Terms) -> tuple[dt.date, dt.date]:
    """The covenant's life: the issue date to the day before it ends (XXI: 2067-12-20)."""
    return terms.issue_date, require(terms, "crc_termination") - dt.timedelta(days=1)


def _eligibility(value: Any) -> core_covenant.Eligibility:
    return xf.choice(value, "eligibility", core_covenant.Eligibility, core_covenant.ELIGIBILITY_DEFAULT)


@excel_function(example=("2027-12-21", "common_stock"))
def TRUPS_CRC_PERCENTAGE(as_of: Any, category: Any, eligibility: Any = None, security: Any = None) -> Any:
    """Capital replacement covenant applicable percentage (1.33 for 133%) for a repayment, redemption or purchase on as_of, by category of replacement capital (p.61-62).

    Parameters
    ----------
    as_of : date
        Date of the repayment, redemption or purchase, 2007-12-21..2067-12-20. A range gives an array.
    category : text
        common_stock, mandatorily_convertible_preferred, debt_exchangeable_common, debt_exchangeable_preferred, reit_preferred, qcs_i, qcs_ii or qcs_iii.
    eligibility : text, optional
        "definition" (default: 0 for qcs_ii before 2027-12-21 and qcs_iii before 2047-12-21, p.63-64) or "table" (p.62 table alone).
    security : text or range, optional
    """
    terms = xf.security(security)
    days, _ = xf.dates(as_of, "as_of", *_covenant_dates(terms))
    category_name = xf.text(category, "category", xxi_covenant.CATEGORIES, None)
    return xc.shape_result(core_covenant.applicable_percentage(days, category_name, _eligibility(eligibility),
                                                               terms=terms))


@excel_function(example=("2057-06-01",))
def TRUPS_CRC_MEASUREMENT_DATE(notice_date: Any, last_proceeds_date: Any = None, transaction_date: Any = None,
                               previous_period_end: Any = None, security: Any = None) -> Any:
    """Measurement date for a notice: 6 months before it for transactions on/before 2057-12-21, 30 days after that, with the 150-day look-back (p.63).

    Parameters
    ----------
    notice_date : date
        Delivery of the repayment or redemption notice, or the date of a purchase.
    last_proceeds_date : date, optional
        A date net cash proceeds were received that no repayment, redemption or purchase used (look-back, after 2057-12-21).
    transaction_date : date, optional
        Repayment, redemption or purchase date, which picks the rule; default notice_date.
    previous_period_end : date, optional
        End of the previous measurement period; periods cannot overlap, so the result is never earlier.
    security : text or range, optional
    """
    terms = xf.security(security)
    return core_covenant.measurement_date(
        xf.one_date(notice_date, "notice_date", *_covenant_dates(terms)),
        xf.optional_date(last_proceeds_date, "last_proceeds_date", *xf.life(terms)),
        xf.optional_date(transaction_date, "transaction_date", *xf.life(terms)),
        xf.optional_date(previous_period_end, "previous_period_end", *xf.life(terms)), terms=terms)


@excel_function(example=("2030-06-01", [["common_stock"], ["qcs_i"]], [[500_000_000.0], [250_000_000.0]]))
def TRUPS_CRC_CAPACITY(as_of: Any, categories: Any, proceeds: Any, eligibility: Any = None, security: Any = None) -> Any:
    """Most that may be repaid, redeemed or purchased on as_of: each category's applicable percentage x its net proceeds since the measurement date, summed (p.60-62).

    Parameters
    ----------
    as_of : date
        Date of the repayment, redemption or purchase, before 2067-12-21.
    categories : range
        Category of each issue of replacement capital (see TRUPS_CRC_PERCENTAGE), parallel to proceeds.
    proceeds : range
        Net cash proceeds (or market value of common stock delivered) of each issue, in currency.
    eligibility : text, optional
        "definition" (default) or "table"; see TRUPS_CRC_PERCENTAGE.
    security : text or range, optional
    """
    terms = xf.security(security)
    day = xf.one_date(as_of, "as_of", *_covenant_dates(terms))
    names, _ = xf.vector(categories, "categories",
                         lambda v, a, w: xc.cell_choice(v, a, xxi_covenant.CATEGORIES, None), skip_blank=True)
    amounts, _ = xf.vector(proceeds, "proceeds", xf.amount_cell, skip_blank=True)
    xf.parallel(("categories", names), ("proceeds", amounts))
    return core_covenant.capacity(day, names, amounts, _eligibility(eligibility), terms=terms)


@excel_function(example=(1_000_000_000.0,))
def TRUPS_MATURITY_REPAYMENT(qualifying_proceeds: Any, repayment_date: Any = None, category: Any = None,
                             principal_outstanding: Any = None, security: Any = None) -> Any:
    """Principal due on the scheduled maturity date (or a later monthly date): applicable % of qualifying capital proceeds in the window; 0 below $5 million (p.33, p.35).

    Parameters
    ----------
    qualifying_proceeds : number
        Net proceeds of qualifying capital securities in the 180-day window before the notice date, in currency.
    repayment_date : date, optional
        2057-12-21 (default) or a later monthly payment date; on 2077-12-21 all principal is due.
    category : text, optional
        Clause of the qualifying capital securities: qcs_i, qcs_ii or qcs_iii (default, 100%).
    principal_outstanding : number, optional
        Principal still outstanding; default 3,500,000,000 (all 3,500,000 securities).
    security : text or range, optional
    """
    terms = xf.security(security)
    require(terms, "crc_termination")
    scheduled = require(terms, "scheduled_maturity_date")
    proceeds = xf.one_number(qualifying_proceeds, "qualifying_proceeds", xf.amount_cell)
    day = xf.one_date(repayment_date, "repayment_date", lo=scheduled, hi=terms.final_repayment, default=scheduled)
    clause = xf.text(category, "category", xxi_covenant.QCS_CATEGORIES, core_covenant.MATURITY_CATEGORY_DEFAULT)
    outstanding = xf.one_number(principal_outstanding, "principal_outstanding", xf.amount_cell,
                                default=require(terms, "securities_issued") * terms.liquidation_amount)
    return core_covenant.maturity_repayment(proceeds, day, clause, outstanding, terms=terms)


# ---- fair-value hedge effectiveness (issue: hedge accounting) -----------------------------------

def _discount_curve(value: Any, valuation: dt.date, kind: core_discount.CurveKind) -> core_discount.DiscountCurve:
    """The ``curve`` of the hedge functions: one zero rate (flat), or two columns (date, value)."""
    if xc.all_blank(value):
        raise TrupsInputError("a benchmark curve is required: one zero rate, or two columns (date, value)", "curve")
    rows = xc.grid(value, "curve")
    if len(rows) == 1 and len(rows[0]) == 1:
        return core_discount.DiscountCurve.flat(valuation, xc.cell_rate(rows[0][0], "curve"))
    nodes = xf.table(value, "curve", "one zero rate or two columns (date, value)",
                     lambda day, where: xc.cell_date(day, "curve", valuation, dt.date(2120, 12, 31), where),
                     lambda number, where: xc.cell_rate(number, "curve", where) if kind == "zero_rate"
                     else xc.cell_number(number, "curve", "a discount factor", where))
    _check_plausible_curve(valuation, nodes, kind)
    return core_discount.DiscountCurve.of(valuation, nodes, kind)


#: Forward rates (continuously compounded) a benchmark curve may imply between its dates.
FORWARD_RANGE = (-1.0, 1.0)


def _check_plausible_curve(valuation: dt.date, nodes: list[tuple[dt.date, float]], kind: str) -> None:
    """Refuse discount factors whose zero rates fall outside the plausible range for rates, or whose
    forward rates between dates pass +-100% (a factor of 1e-200 once valued the item at 1e161)."""
    lo, hi = xc.RATE_RANGE
    previous_t, previous_log = 0.0, 0.0
    for i, (day, value) in enumerate(nodes, start=1):
        t = core_discount.years_from(valuation, day)
        if t <= 0 or (kind != "zero_rate" and value <= 0):
            return  # DiscountCurve.of refuses it by row
        log = -value * t if kind == "zero_rate" else math.log(value)
        zero = -log / t
        if kind != "zero_rate" and not lo <= zero <= hi:
            raise TrupsInputError(f"row {i}: a discount factor of {value!r} on {day} implies a zero rate of {zero:.2%}, "
                                  f"outside the plausible range {lo:.0%}..{hi:.0%}", "curve")
        forward = (previous_log - log) / (t - previous_t) if t > previous_t else 0.0
        if not FORWARD_RANGE[0] <= forward <= FORWARD_RANGE[1]:
            raise TrupsInputError(f"row {i}: the curve implies a forward rate of {forward:.0%} up to {day}, outside "
                                  f"{FORWARD_RANGE[0]:.0%}..{FORWARD_RANGE[1]:.0%}", "curve")
        previous_t, previous_log = t, log


@excel_function(example=("2012-06-29", 0.025))
def TRUPS_HEDGED_ITEM_VALUE(valuation_date: Any, curve: Any, end_date: Any = None, principal: Any = None,
                            value: Any = None, curve_kind: Any = None, security: Any = None) -> Any:
    """Value of the remaining fixed-rate cash flows (coupons, principal at end_date) on a benchmark curve, no credit spread: the hedged item of a fair-value hedge.

    Parameters
    ----------
    valuation_date : date
        Valuation date, before end_date.
    curve : rate or range
        One continuously compounded zero rate (flat), or two columns: date, discount factor (or zero rate, see curve_kind). Act/365F; log-linear in discount factors.
    end_date : date, optional
        Last cash flow date (principal); default the par call date (XXI: 2037-12-21).
    principal : number, optional
    value : text, optional
        "clean" (default: less accrued interest at the valuation date) or "dirty".
    curve_kind : text, optional
        "discount_factor" (default) or "zero_rate" (continuously compounded, Act/365F) for a two-column curve.
    security : text or range, optional
    """
    terms = xf.security(security)
    day = xf.one_date(valuation_date, "valuation_date", *xf.life(terms))
    kind = xf.choice(curve_kind, "curve_kind", core_discount.CurveKind, core_discount.KIND_DEFAULT)
    end = xf.optional_date(end_date, "end_date", *xf.life(terms))
    return core_hedge.hedged_item_value(day, _discount_curve(curve, day, kind), end, xf.principal(principal, terms),
                                        xf.choice(value, "value", core_hedge.Value, core_hedge.VALUE_DEFAULT), terms=terms)


def _changes(hedged_changes: Any, hedge_changes: Any) -> tuple[list[float], list[float]]:
    number = lambda v, a, w: xc.cell_number(v, a, "a change in value (a number)", w)  # noqa: E731
    x, _ = xf.vector(hedged_changes, "hedged_changes", number)
    y, _ = xf.vector(hedge_changes, "hedge_changes", number)
    xf.parallel(("hedged_changes", x), ("hedge_changes", y))
    return x, y


#: Largest dollar-offset bound accepted (the test's own bounds are 0.80 and 1.25).
MAX_OFFSET_RATIO = 10.0
OFFSET_HEADER = ["period", "hedged_change", "hedge_change", "ratio", "result", "cumulative_hedged",
                 "cumulative_hedge", "cumulative_ratio", "cumulative_result"]


@excel_function(example=([[-10.0], [12.0], [-8.0], [0.2]], [[9.5], [-11.0], [8.4], [-0.5]]))
def TRUPS_HEDGE_DOLLAR_OFFSET(hedged_changes: Any, hedge_changes: Any, lower: Any = None, upper: Any = None,
                              method: Any = None, small: Any = None, security: Any = None) -> Any:
    """Dollar-offset test: -hedge change / hedged item change per period and cumulatively, pass within 80%-125%; periods too small to judge are reported as such.

    Parameters
    ----------
    hedged_changes : range
        Changes in the hedged item's value for the benchmark rate, one per period (a column or row, no blanks).
    hedge_changes : range
        Changes in the hedging derivative's value, parallel to hedged_changes.
    lower : number, optional
        Lowest passing ratio; default 0.80.
    upper : number, optional
        Highest passing ratio; default 1.25.
    method : text, optional
        Overall result from "cumulative" (default: the last cumulative ratio) or "period" (every judged period).
    small : number, optional
        A period whose two changes are both smaller is "too small" to judge; default 10% of the mean absolute hedged change.
    security : text or range, optional
    """
    xf.security(security)  # checked; the test reads the changes only
    x, y = _changes(hedged_changes, hedge_changes)
    def bound(v: object, a: str, w: str) -> float:
        ratio = xc.cell_number(v, a, "a ratio such as 0.8", w)
        if not 0 < ratio <= MAX_OFFSET_RATIO:
            raise TrupsInputError(f"{w}expected a ratio in (0, {MAX_OFFSET_RATIO}] such as 0.8; got {ratio!r}", a)
        return ratio

    lo = xf.one_number(lower, "lower", bound, default=core_hedge.DOLLAR_OFFSET_BOUNDS[0])
    hi = xf.one_number(upper, "upper", bound, default=core_hedge.DOLLAR_OFFSET_BOUNDS[1])
    threshold = None if xc.is_blank(small) else xf.one_number(small, "small", xf.amount_cell)
    periods, used = core_hedge.dollar_offset(x, y, lo, hi, threshold)
    overall = core_hedge.dollar_offset_overall(
        periods, xf.choice(method, "method", core_hedge.Method, core_hedge.METHOD_DEFAULT))
    blank = [""] * (len(OFFSET_HEADER) - 2)
    rows: list[list[Any]] = [list(OFFSET_HEADER)]
    for i, p in enumerate(periods, start=1):
        rows.append([i, p.hedged, p.hedge, "" if p.ratio is None else p.ratio, p.result, p.cumulative_hedged,
                     p.cumulative_hedge, "" if p.cumulative_ratio is None else p.cumulative_ratio, p.cumulative_result])
    rows.append(["small_threshold", used, *blank])
    rows.append(["overall", overall, *blank])
    return rows


@excel_function(example=([[-10.0], [12.0], [-8.0], [5.0], [3.0]], [[9.5], [-11.0], [8.4], [-5.2], [-2.7]]))
def TRUPS_HEDGE_REGRESSION(hedged_changes: Any, hedge_changes: Any, confidence: Any = None,
                           security: Any = None) -> Any:
    """Regression test: hedge changes on hedged item changes (OLS) with n, slope, intercept, r, r^2, errors, t, p, F; each criterion (slope -1.25..-0.80, r^2 >= 0.80, significant slope) and overall pass/fail.

    Parameters
    ----------
    hedged_changes : range
        Changes in the hedged item's value (x), one per period, no blanks.
    hedge_changes : range
        Changes in the hedging derivative's value (y), parallel to hedged_changes.
    confidence : number, optional
        Confidence level of the slope's t-test; default 0.95 (95%).
    security : text or range, optional
    """
    xf.security(security)  # checked; the test reads the changes only
    x, y = _changes(hedged_changes, hedge_changes)
    level = xf.one_number(confidence, "confidence", lambda v, a, w: xc.cell_number(v, a, "a level such as 0.95", w),
                          default=core_hedge.CONFIDENCE_DEFAULT)
    fit = core_hedge.regression(x, y, level)
    lo, hi = core_hedge.SLOPE_BOUNDS

    def verdict(ok: bool) -> str:
        return "pass" if ok else "fail"

    return [
        ["statistic", "value"], ["n", fit.n], ["slope", fit.slope], ["intercept", fit.intercept], ["r", fit.r],
        ["r_squared", fit.r_squared], ["slope_standard_error", fit.slope_standard_error],
        ["intercept_standard_error", fit.intercept_standard_error],
        ["residual_standard_error", fit.residual_standard_error], ["degrees_of_freedom", fit.degrees_of_freedom],
        ["t_statistic", fit.t_statistic], ["p_value", fit.p_value], ["f_statistic", fit.f_statistic],
        ["f_p_value", fit.f_p_value], ["ss_regression", fit.ss_regression], ["ss_residual", fit.ss_residual],
        [f"slope_test ({lo}..{hi})", verdict(fit.slope_passes)],
        [f"r_squared_test (>= {core_hedge.MIN_R_SQUARED})", verdict(fit.r_squared_passes)],
        [f"significance_test (p < {1 - fit.confidence:.3g})", verdict(fit.significance_passes)],
        ["overall", verdict(fit.passes)],
    ]
