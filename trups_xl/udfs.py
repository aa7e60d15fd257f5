"""Excel functions (xlwings UDFs) for Citigroup Capital XXI.

Each function converts and validates its cells, calls the calculation core and shapes
the result; it computes nothing itself. Names and argument order are the contract.
Dates may be date cells, serial numbers or ``YYYY-MM-DD`` text; rates are decimals
(0.083). On bad input a function returns one line starting ``#TRUPS!``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trups_xl import accrual as core_accrual
from trups_xl import xlconvert as xc
from trups_xl import xlfunc as xf
from trups_xl.errors import TrupsInputError
from trups_xl.schedule import build_schedule
from trups_xl.terms import TERMS
from trups_xl.xlfunc import excel_function

__all__ = ["TRUPS_ACCRUAL", "TRUPS_ACCRUED_INTEREST", "TRUPS_COUPON", "TRUPS_NEXT_PAYMENT_DATE",
           "TRUPS_PREVIOUS_PAYMENT_DATE", "TRUPS_SCHEDULE", "TRUPS_TERMS"]


@excel_function(example=("2008-12-21", "2009-01-31"))
def TRUPS_ACCRUAL(start_date: Any, end_date: Any, fixings: Any = None, principal: Any = None,
                  policy: Any = None) -> Any:
    """Interest accrued from start_date (inclusive) to end_date (exclusive), split over interest periods.

    Parameters
    ----------
    start_date : date
        First day of accrual, 2007-12-21..2077-12-21 (date, serial or YYYY-MM-DD). A range gives an array.
    end_date : date
        Day accrual stops (excluded), on or after start_date. A range gives an array.
    fixings : rate or range, optional
        Index (LIBOR) for floating/monthly periods: one decimal rate for all, or two columns: period start date, rate.
    principal : number, optional
        Principal amount; default 1000 (one capital security).
    policy : text, optional
        "fixings" (default: every period needs a fixing) or "prospectus_fallback" (previous rate; 4.910% first quarter).
    """
    start, s_shape = xf.dates(start_date, "start_date")
    end, e_shape = xf.dates(end_date, "end_date")
    a, b = xf.broadcast(("start_date", start, s_shape), ("end_date", end, e_shape))
    return xc.shape_result(core_accrual.accrual(a, b, xf.fixings(fixings), xf.principal(principal),
                                                xf.policy(policy)))


@excel_function(example=("2009-01-31",))
def TRUPS_ACCRUED_INTEREST(settlement: Any, fixings: Any = None, principal: Any = None,
                           policy: Any = None) -> Any:
    """Accrued interest at settlement: interest from the start of its interest period to settlement.

    Parameters
    ----------
    settlement : date
        Settlement date, 2007-12-21..2077-12-21. A range gives an array.
    fixings : rate or range, optional
        Index (LIBOR) for floating/monthly periods: one decimal rate for all, or two columns: period start date, rate.
    principal : number, optional
        Principal amount; default 1000 (one capital security).
    policy : text, optional
        "fixings" (default) or "prospectus_fallback" (previous period's rate; 4.910% for the first quarter).
    """
    days, _ = xf.dates(settlement, "settlement")
    return xc.shape_result(core_accrual.accrued_interest(days, xf.fixings(fixings),
                                                         xf.principal(principal), xf.policy(policy)))


@excel_function(example=("2008-06-21",))
def TRUPS_COUPON(payment_date: Any, fixings: Any = None, principal: Any = None,
                 policy: Any = None) -> Any:
    """Interest payable on a scheduled interest payment date (the whole period ending on it).

    Parameters
    ----------
    payment_date : date
        A scheduled (unadjusted) payment date: Jun/Dec 21 to 2037, quarterly to 2057, monthly to 2077.
    fixings : rate or range, optional
        Index (LIBOR) for floating/monthly periods: one decimal rate for all, or two columns: period start date, rate.
    principal : number, optional
        Principal amount; default 1000 (one capital security).
    policy : text, optional
        "fixings" (default) or "prospectus_fallback" (previous period's rate; 4.910% for the first quarter).
    """
    days, _ = xf.dates(payment_date, "payment_date")
    return xc.shape_result(core_accrual.coupon(days, xf.fixings(fixings), xf.principal(principal),
                                               xf.policy(policy)))


@excel_function(example=("2009-01-31",))
def TRUPS_PREVIOUS_PAYMENT_DATE(as_of: Any) -> Any:
    """Scheduled interest payment date on or before as_of (the issue date in the first period), like COUPPCD.

    Parameters
    ----------
    as_of : date
        Any date 2007-12-21..2077-12-20. A range gives an array.
    """
    days, _ = xf.dates(as_of, "as_of", hi=TERMS.final_repayment - np.timedelta64(1, "D").item())
    return xc.shape_result(core_accrual.previous_payment_date(days))


@excel_function(example=("2009-01-31",))
def TRUPS_NEXT_PAYMENT_DATE(as_of: Any) -> Any:
    """First scheduled interest payment date after as_of, like Excel's COUPNCD (unadjusted).

    Parameters
    ----------
    as_of : date
        Any date 2007-12-21..2077-12-20. A range gives an array.
    """
    days, _ = xf.dates(as_of, "as_of", hi=TERMS.final_repayment - np.timedelta64(1, "D").item())
    return xc.shape_result(core_accrual.next_payment_date(days))


SCHEDULE_HEADER = ["period", "start", "end", "accrual_start", "accrual_end", "payment_date",
                   "record_date", "determination_date", "regime", "day_count", "days",
                   "year_fraction", "rate", "interest"]


@excel_function(example=("2008-01-01", "2009-12-31"))
def TRUPS_SCHEDULE(from_date: Any = None, to_date: Any = None, fixings: Any = None,
                   principal: Any = None, policy: Any = None) -> Any:
    """Interest schedule: one row per period paid from from_date to to_date, with dates, day count, rate and interest.

    Parameters
    ----------
    from_date : date, optional
        First scheduled payment date to list; default the first (2008-06-21).
    to_date : date, optional
        Last scheduled payment date to list; default the last (2077-12-21).
    fixings : rate or range, optional
        Index (LIBOR) for floating/monthly periods: one decimal rate for all, or two columns: period start date, rate.
    principal : number, optional
        Principal amount; default 1000 (one capital security).
    policy : text, optional
        "fixings" (default) or "prospectus_fallback" (previous period's rate; 4.910% for the first quarter).
    """
    first = xf.one_date(from_date, "from_date", default=TERMS.issue_date)
    last = xf.one_date(to_date, "to_date", default=TERMS.final_repayment)
    if last < first:
        raise TrupsInputError("to_date is before from_date", "to_date")
    schedule = build_schedule()
    pick = (schedule.end >= np.datetime64(first)) & (schedule.end <= np.datetime64(last))
    if not pick.any():
        raise TrupsInputError(f"no interest payment date between {first} and {last}", "to_date")
    idx = np.flatnonzero(pick)
    rates = core_accrual.period_rates(schedule, xf.fixings(fixings), xf.policy(policy), idx)
    amount = xf.principal(principal)
    rows: list[list[Any]] = [list(SCHEDULE_HEADER)]
    for k in idx:
        det = schedule.determination_date[k]
        rows.append([
            int(k) + 1, *(xc.shape_result(d) for d in (
                schedule.start[k], schedule.end[k], schedule.accrual_start[k],
                schedule.accrual_end[k], schedule.payment_date[k], schedule.record_date[k])),
            "" if np.isnat(det) else xc.shape_result(det),
            str(schedule.regime[k]), str(schedule.day_count[k]), int(schedule.accrual_days[k]),
            float(schedule.year_fraction[k]), float(rates[k]),
            float(rates[k] * schedule.year_fraction[k] * amount),
        ])
    return rows


@excel_function(example=("fixed_rate",))
def TRUPS_TERMS(term: Any = None) -> Any:
    """The securities' terms as a two-column table (name, value), or the value of one named term.

    Parameters
    ----------
    term : text, optional
        A term's name (e.g. "fixed_rate", "switch_date", "floating_margin"); blank lists all terms.
    """
    rows = [[name, value] for name, value in TERMS.as_rows()]
    if xc.is_blank(term):
        return rows
    names = tuple(str(name) for name, _ in rows)
    chosen = xf.text(term, "term", names, None)
    return dict(TERMS.as_rows())[chosen]
