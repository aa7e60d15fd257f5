"""Excel functions of the capital replacement covenant and the scheduled-maturity repayment.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

import datetime as dt
from typing import Any

from trups_xl.core.provisions import covenant as core_covenant
from trups_xl.core.securities import xxi_covenant
from trups_xl.core.securities.terms import Terms, require
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_CRC_CAPACITY",
    "TRUPS_CRC_MEASUREMENT_DATE",
    "TRUPS_CRC_PERCENTAGE",
    "TRUPS_MATURITY_REPAYMENT",
]


def _covenant_dates(terms: Terms) -> tuple[dt.date, dt.date]:
    """The covenant's life: the issue date to the day before it ends (XXI: 2067-12-20)."""
    return terms.issue_date, require(terms, "crc_termination") - dt.timedelta(days=1)


def _eligibility(value: Any) -> core_covenant.Eligibility:
    return xa.choice(value, "eligibility", core_covenant.Eligibility, core_covenant.ELIGIBILITY_DEFAULT)


@excel_function(example=("2027-12-21", "common_stock"), elementwise=("as_of",))
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
    terms = xs.security(security)
    days, _ = xa.dates(as_of, "as_of", *_covenant_dates(terms))
    category_name = xa.text(category, "category", xxi_covenant.CATEGORIES, None)
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
        Repayment, redemption or purchase date, on or after notice_date, which picks the rule; default notice_date.
    previous_period_end : date, optional
        End of the previous measurement period; periods cannot overlap, so the result is never earlier.
    security : text or range, optional
    """
    terms = xs.security(security)
    return core_covenant.measurement_date(
        xa.one_date(notice_date, "notice_date", *_covenant_dates(terms)),
        xa.optional_date(last_proceeds_date, "last_proceeds_date", *xs.life(terms)),
        xa.optional_date(transaction_date, "transaction_date", *xs.life(terms)),
        xa.optional_date(previous_period_end, "previous_period_end", *xs.life(terms)), terms=terms)


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
    terms = xs.security(security)
    day = xa.one_date(as_of, "as_of", *_covenant_dates(terms))
    names, _ = xt.vector(categories, "categories",
                         lambda v, a, w: xc.cell_choice(v, a, xxi_covenant.CATEGORIES, None), skip_blank=True)
    amounts, _ = xt.vector(proceeds, "proceeds", xa.amount_cell, skip_blank=True)
    xt.parallel(("categories", names), ("proceeds", amounts))
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
    terms = xs.security(security)
    require(terms, "crc_termination")
    scheduled = require(terms, "scheduled_maturity_date")
    proceeds = xa.one_number(qualifying_proceeds, "qualifying_proceeds", xa.amount_cell)
    day = xa.one_date(repayment_date, "repayment_date", lo=scheduled, hi=terms.final_repayment, default=scheduled)
    clause = xa.text(category, "category", xxi_covenant.QCS_CATEGORIES, core_covenant.MATURITY_CATEGORY_DEFAULT)
    outstanding = xa.one_number(principal_outstanding, "principal_outstanding", xa.amount_cell,
                                default=require(terms, "securities_issued") * terms.liquidation_amount)
    return core_covenant.maturity_repayment(proceeds, day, clause, outstanding, terms=terms)
