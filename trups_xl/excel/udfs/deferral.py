"""Excel functions of deferral and the alternative payment mechanism: deferred interest, the extension period's dates, the claim limit, APM prices and allocation, the share cap.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

import datetime as dt
from typing import Any

from trups_xl.core.provisions import apm as core_apm
from trups_xl.core.provisions import deferral as core_deferral
from trups_xl.core.provisions import sharecap as core_sharecap
from trups_xl.core.securities.terms import require
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_APM_ALLOCATE",
    "TRUPS_APM_AVERAGE_PRICE",
    "TRUPS_APM_MAX_OBLIGATION",
    "TRUPS_APM_WINDOW",
    "TRUPS_CLAIM_LIMIT",
    "TRUPS_DEFERRAL_DATES",
    "TRUPS_DEFERRED_INTEREST",
    "TRUPS_SHARES_SALEABLE",
    "TRUPS_SHARE_CAP",
    "TRUPS_SHARE_CAP_REQUIRED",
]


#: Help of the arguments this module's functions share, written once (each docstring lists them without it).
_ARG_HELP = {
    "issuance_date": "Date of the stock issuance.",
    "prices": "Closing prices per share, parallel to price_dates.",
}


_PRICE_HISTORY = (dt.date(2007, 1, 1), dt.date(2077, 12, 31))
_ALL_ACTIONS = dt.date(2080, 12, 31)  # a blank as_of: after every corporate action in the table


def _share_cap_as_of(as_of: Any) -> dt.date:
    """``as_of`` of the share-cap functions; blank applies every action in the table."""
    return xa.one_date(as_of, "as_of", lo=dt.date(2007, 1, 1), hi=_ALL_ACTIONS, default=_ALL_ACTIONS)


@excel_function(arg_help=_ARG_HELP, example=("2010-06-21", "2014-12-21"))
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
    terms = xs.security(security)
    return core_deferral.deferred_interest(
        xa.one_date(first_deferred_date, "first_deferred_date", *xs.life(terms)),
        xa.one_date(as_of, "as_of", *xs.life(terms)), xt.fixings(fixings, terms), xa.principal(principal, terms),
        xa.policy(policy), curve=xt.curve(curve, terms), terms=terms)


@excel_function(arg_help=_ARG_HELP, example=("2010-06-21",))
def TRUPS_DEFERRAL_DATES(first_deferred_date: Any, security: Any = None) -> Any:
    """Key dates of an extension period: start, share-cap tests, APM 5th anniversary, 10-year limit, event of default (two columns).

    Parameters
    ----------
    first_deferred_date : date
        The first interest payment date on which interest is deferred.
    security : text or range, optional
    """
    terms = xs.security(security)
    events = core_deferral.deferral_dates(xa.one_date(first_deferred_date, "first_deferred_date", *xs.life(terms)),
                                          terms)
    return [["event", "date"], *([name, day] for name, day in events)]


@excel_function(arg_help=_ARG_HELP, example=(300.0,), elementwise=("deferred_interest",))
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
    terms = xs.security(security)
    amounts, _ = xa.numbers(deferred_interest, "deferred_interest", xa.amount_cell)
    return xc.shape_result(core_deferral.claim_limit(amounts, xa.principal(principal, terms), terms=terms))


@excel_function(arg_help=_ARG_HELP, example=("2012-04-09",))
def TRUPS_APM_WINDOW(issuance_date: Any, security: Any = None) -> Any:
    """The 10 NYSE trading days whose closing prices set the APM maximum obligation: ending on the 4th trading day before issuance (p.46).

    Parameters
    ----------
    issuance_date : date
        Date of the stock issuance, 2007-12-21..2077-12-21.
    security : text or range, optional
    """
    terms = xs.security(security)
    return [[day] for day in core_apm.apm_window(xa.one_date(issuance_date, "issuance_date", *xs.life(terms)),
                                                 terms=terms)]


#: The last price history read, with the very range objects it was read from (held, so their ids
#: cannot be reused): a recalculation passes the same named history to every APM cell of a column.
_LAST_HISTORY: list[tuple[Any, Any, tuple[list[dt.date], list[float]]]] = []


#: The examples' APM window for an issuance on 2012-04-09: the ten NYSE trading days' dates and
#: closes (illustrative prices), as columns.
_APM_EXAMPLE_HISTORY = ([["2012-03-20"], ["2012-03-21"], ["2012-03-22"], ["2012-03-23"], ["2012-03-26"],
                         ["2012-03-27"], ["2012-03-28"], ["2012-03-29"], ["2012-03-30"], ["2012-04-02"]],
                        [[36.1], [36.5], [36.0], [36.3], [37.2], [37.0], [36.9], [36.2], [36.55], [36.9]])


def _price_history(price_dates: Any, prices: Any) -> tuple[list[dt.date], list[float]]:
    last = _LAST_HISTORY[0] if _LAST_HISTORY else None
    if last is not None and last[0] is price_dates and last[1] is prices and isinstance(prices, list):
        return last[2]
    dates, _ = xt.vector(price_dates, "price_dates",
                         lambda v, a, w: xc.cell_date(v, a, *_PRICE_HISTORY, w), skip_blank=True)
    closes, _ = xt.vector(prices, "prices", xa.share_price_cell,
                          skip_blank=True)
    xt.parallel(("price_dates", dates), ("prices", closes))
    _LAST_HISTORY[:] = [(price_dates, prices, (dates, closes))]
    return dates, closes


@excel_function(arg_help=_ARG_HELP, example=("2012-04-09", *_APM_EXAMPLE_HISTORY))
def TRUPS_APM_AVERAGE_PRICE(issuance_date: Any, price_dates: Any, prices: Any, security: Any = None) -> Any:
    """Average NYSE closing price over the APM window (10 trading days ending 4 trading days before issuance); refuses missing or non-trading days.

    Parameters
    ----------
    issuance_date : date
    price_dates : range
        A column (or row) of dates with closing prices; must hold every trading day of the window.
    prices : range
    security : text or range, optional
    """
    terms = xs.security(security)
    dates, closes = _price_history(price_dates, prices)
    return core_apm.apm_average_price(xa.one_date(issuance_date, "issuance_date", *xs.life(terms)), dates, closes,
                                      terms=terms)


@excel_function(arg_help=_ARG_HELP, example=("2012-04-09", *_APM_EXAMPLE_HISTORY, 2_932_000_000.0))
def TRUPS_APM_MAX_OBLIGATION(issuance_date: Any, price_dates: Any, prices: Any, shares_outstanding: Any,
                             proceeds_applied: Any = None, first_deferred_date: Any = None, security: Any = None) -> Any:
    """APM maximum obligation: 2% x average close over the APM window x shares outstanding, less proceeds already applied (p.46).

    Parameters
    ----------
    issuance_date : date
    price_dates : range
        A column (or row) of dates with closing prices; must hold every trading day of the window.
    prices : range
    shares_outstanding : number
        Common shares issued and outstanding per the latest public financial statements.
    proceeds_applied : number, optional
        Gross proceeds already applied in this extension period; the result is the capacity left (never negative).
    first_deferred_date : date, optional
        Start of the extension period, an interest payment date (p.42): after its 5th anniversary the obligation has lapsed and the result says so.
    security : text or range, optional
    """
    terms = xs.security(security)
    issuance = xa.one_date(issuance_date, "issuance_date", *xs.life(terms))
    dates, closes = _price_history(price_dates, prices)
    shares = xa.one_number(shares_outstanding, "shares_outstanding",
                           xa.positive_cell)
    applied = xa.one_number(proceeds_applied, "proceeds_applied", xa.amount_cell, default=0.0)
    start = xa.optional_date(first_deferred_date, "first_deferred_date", *xs.life(terms))
    if start is not None and not core_apm.apm_applies(start, issuance, terms):  # an interest payment date (p.42)
        return "lapsed: no APM maximum obligation after the 5th anniversary (p.46)"
    average = core_apm.apm_average_price(issuance, dates, closes, terms=terms)
    return core_apm.apm_max_obligation(average, shares, applied, terms=terms)


@excel_function(arg_help=_ARG_HELP, example=(60.0, [["2010-06-21"], ["2010-12-21"]], [[41.5], [41.5]]))
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
    terms = xs.security(security)
    require(terms, "apm_max_obligation_fraction")
    available = xa.one_number(proceeds, "proceeds", xa.amount_cell)
    dates, _ = xt.vector(deferred_dates, "deferred_dates", lambda v, a, w: xc.cell_date(v, a, *xs.life(terms), w))
    amounts, shape = xt.vector(deferred_amounts, "deferred_amounts", xa.amount_cell)
    xt.parallel(("deferred_dates", dates), ("deferred_amounts", amounts))
    paid, _ = core_apm.apm_allocate(available, dates, amounts)
    return xc.shape_result(paid.reshape(shape))


@excel_function(arg_help=_ARG_HELP, example=("2011-05-09",))
def TRUPS_SHARE_CAP(as_of: Any = None, corporate_actions: Any = None, security: Any = None) -> Any:
    """Share cap amount in force on as_of: 195,000,000 shares adjusted for splits, reverse splits and stock dividends (p.47).

    Parameters
    ----------
    as_of : date, optional
        Date; blank applies every action in the table (today's cap).
    corporate_actions : range, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    day = _share_cap_as_of(as_of)
    return core_sharecap.share_cap(day, xt.corporate_actions(corporate_actions), terms=terms)


@excel_function(arg_help=_ARG_HELP, example=("2011-06-21", 500_000_000.0, 4.5))
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
    terms = xs.security(security)
    day = xa.one_date(test_date, "test_date", *xs.life(terms))
    amount = xa.one_number(deferred_interest, "deferred_interest", xa.amount_cell)
    price = xa.one_number(average_price, "average_price", xa.share_price_cell)
    cap = None if xc.is_blank(current_cap) else xa.one_number(current_cap, "current_cap", xa.amount_cell)
    return core_sharecap.share_cap_required(day, amount, price, cap, xt.corporate_actions(corporate_actions), terms=terms)


@excel_function(arg_help=_ARG_HELP, example=(10_000_000.0, 4.5, "2012-01-03"))
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
    terms = xs.security(security)
    value = xa.one_number(amount, "amount", xa.amount_cell)
    per_share = xa.one_number(price, "price", xa.share_price_cell)
    day = _share_cap_as_of(as_of)
    sold = xa.one_number(shares_already_sold, "shares_already_sold", xa.amount_cell, default=0.0)
    return core_sharecap.shares_saleable(value, per_share, day, sold, xt.corporate_actions(corporate_actions), terms=terms)
