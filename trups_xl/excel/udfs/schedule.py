"""Excel functions of the interest schedule and accrual: accrual, accrued interest, coupons, payment dates, the schedule and the terms.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

import datetime as dt
import functools
from typing import Any

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import accrual as core_accrual
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.terms import Terms
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_ACCRUAL",
    "TRUPS_ACCRUED_INTEREST",
    "TRUPS_COUPON",
    "TRUPS_NEXT_PAYMENT_DATE",
    "TRUPS_PREVIOUS_PAYMENT_DATE",
    "TRUPS_SCHEDULE",
    "TRUPS_TERMS",
]


#: Help of the arguments this module's functions share, written once (each docstring lists them without it).
_ARG_HELP = {
    "as_of": ("Any date from the issue date to the day before maturity (XXI: 2007-12-21..2077-12-20). A range gives "
              "an array."),
}


@excel_function(arg_help=_ARG_HELP, example=("2008-12-21", "2009-01-31"), elementwise=("start_date", "end_date"))
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
    terms = xs.security(security)
    a, b = xa.combine(("start_date", xa.date_cells(start_date, "start_date", *xs.life(terms))),
                      ("end_date", xa.date_cells(end_date, "end_date", *xs.life(terms))))
    return xc.shape_result(core_accrual.accrual(a, b, xt.fixings(fixings, terms), xa.principal(principal, terms),
                                                xa.policy(policy), curve=xt.curve(curve, terms), terms=terms))


@excel_function(arg_help=_ARG_HELP, example=("2009-01-31",), elementwise=("settlement",))
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


@excel_function(arg_help=_ARG_HELP, example=("2008-06-21",), elementwise=("payment_date",))
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
    terms = xs.security(security)
    days = xa.date_cells(value, argument, *xs.life(terms))
    return xc.shape_result(core(days, xt.fixings(fixings, terms), xa.principal(principal, terms),
                                xa.policy(policy), curve=xt.curve(curve, terms), terms=terms))


@excel_function(arg_help=_ARG_HELP, example=("2009-01-31",), elementwise=("as_of",))
def TRUPS_PREVIOUS_PAYMENT_DATE(as_of: Any, security: Any = None) -> Any:
    """Scheduled interest payment date on or before as_of (the issue date in the first period), like COUPPCD.

    Parameters
    ----------
    as_of : date
    security : text or range, optional
    """
    return _payment_date(as_of, security, core_accrual.previous_payment_date)


@excel_function(arg_help=_ARG_HELP, example=("2009-01-31",), elementwise=("as_of",))
def TRUPS_NEXT_PAYMENT_DATE(as_of: Any, security: Any = None) -> Any:
    """First scheduled interest payment date after as_of, like Excel's COUPNCD (unadjusted).

    Parameters
    ----------
    as_of : date
    security : text or range, optional
    """
    return _payment_date(as_of, security, core_accrual.next_payment_date)


def _payment_date(as_of: Any, security: Any, core: Any) -> Any:
    """A payment-date function of ``as_of`` (any day before the final repayment date)."""
    terms = xs.security(security)
    days = xa.date_cells(as_of, "as_of", *_as_of_dates(terms))
    return xc.shape_result(core(days, terms))


SCHEDULE_HEADER = ["period", "start", "end", "accrual_start", "accrual_end", "payment_date",
                   "record_date", "determination_date", "regime", "day_count", "days",
                   "year_fraction", "rate", "interest"]


@excel_function(arg_help=_ARG_HELP, example=("2008-01-01", "2009-12-31"))
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
    terms = xs.security(security)
    paid = core_accrual.paid_periods(
        xa.one_date(from_date, "from_date", *xs.life(terms), default=terms.issue_date),
        xa.one_date(to_date, "to_date", *xs.life(terms), default=terms.final_repayment),
        xt.fixings(fixings, terms), xa.principal(principal, terms), xa.policy(policy), xt.curve(curve, terms),
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


@excel_function(arg_help=_ARG_HELP, example=("fixed_rate",))
def TRUPS_TERMS(term: Any = None, security: Any = None) -> Any:
    """A security's terms as a two-column table (term, value; blank where it has none) that works as a security argument, or one term's value.

    Parameters
    ----------
    term : text, optional
        A term's name (e.g. "fixed_rate", "switch_date", "floating_margin"); blank lists all terms.
    security : text or range, optional
    """
    terms = xs.security(security)
    values = _term_values(terms)
    if xc.is_blank(term):
        return [[name, value] for name, value in values.items()]
    xa.single_cell(term, "term", "term name")
    name = xc.grid(term, "term")[0][0]
    if not isinstance(name, str) or name.strip().lower() not in values:
        raise TrupsInputError(f"unknown term {xc.describe(name)}; =TRUPS_TERMS() lists the terms", "term")
    return values[name.strip().lower()]
