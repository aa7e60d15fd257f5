"""The capital replacement covenant (p.60-66) and the scheduled-maturity repayment rule (p.33-35).

The rules are here; XXI's dates and table of percentages are its data
(:mod:`trups_xl.core.securities.xxi_covenant`).

Before Dec 21, 2067 Citigroup may repay, redeem or purchase the securities only up to the
applicable percentage of the net proceeds of replacement capital issued since the
measurement date (p.60). At the scheduled maturity date it must repay them only to the
extent of the applicable percentage of the net proceeds of qualifying capital securities
raised in a 180-day window, and nothing when those proceeds are below $5 million (p.33, p.35).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import check_choice, parse_choice
from trups_xl.core.conventions.stepping import add_months
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.scheduling.schedule import POST_MATURITY, build_schedule
from trups_xl.core.securities.terms import Terms, require
from trups_xl.core.securities.xxi_covenant import (
    CATEGORIES,
    MEASUREMENT_SWITCH,
    PERCENTAGE_TABLE,
    QCS_CATEGORIES,
    QCS_III,
    QUALIFIES_FROM,
)

#: p.63 "Measurement date": six months before notice for transactions on or before the switch
#: date, 30 days before notice after it.
MEASUREMENT_MONTHS_EARLY = 6  # p.63 (i)
MEASUREMENT_DAYS_LATE = 30  # p.63 (ii)
LOOK_BACK_DAYS = 150  # p.63 (ii): the 150-day (or shorter) period before notice - 30 days
#: p.35: below $5 million of net proceeds nothing is due on that date.
MATURITY_MINIMUM_PROCEEDS = 5_000_000.0

#: Interpretation: "definition" (default) gives 0% to qualifying capital securities of a
#: clause that does not yet qualify on the transaction date (:data:`QUALIFIES_FROM`), so
#: their proceeds never count early; "table" reads the p.61-62 percentage table alone.
class Eligibility(StrEnum):
    """Which securities count as replacement capital: by the covenant's definitions or its table."""

    DEFINITION = "definition"
    TABLE = "table"


ELIGIBILITY_DEFAULT = Eligibility.DEFINITION
ELIGIBILITIES = tuple(Eligibility)

#: Interpretation: the scheduled-maturity rule (p.33) applies "the applicable percentage" to
#: qualifying capital securities without naming their clause; a sum of proceeds with no clause
#: is read as clause (iii), 100% — the percentage every qualifying capital security reaches.
MATURITY_CATEGORY_DEFAULT = QCS_III


def _days(values: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    return np.asarray(values, dtype="datetime64[D]")


def check_covenant_date(days: npt.ArrayLike | dt.date, argument: str, terms: Terms) -> None:
    """Refuse dates outside the covenant's life: issue date to the day before Dec 21, 2067 (p.60-61)."""
    end = require(terms, "crc_termination")
    if isinstance(days, dt.date):  # one date (a cell): compared as it is
        first = last = days
    else:
        d = _days(days)
        if not d.size:
            return
        first, last = d.min().item(), d.max().item()
    if first < terms.issue_date:
        raise TrupsInputError(f"{first} is before the issue date {terms.issue_date}", argument)
    if last >= end:
        raise TrupsInputError(
            f"{last} is on or after {end}, when the covenant ends (p.61): "
            "nothing limits a repayment, redemption or purchase then", argument)


def _percentage(days: npt.NDArray[np.datetime64], category: str, eligibility: Eligibility) -> npt.NDArray[np.float64]:
    steps = PERCENTAGE_TABLE[category]
    bounds = np.array([d for d, _ in steps], dtype="datetime64[D]")
    values = np.array([p for _, p in steps])
    k = np.searchsorted(bounds, days, side="right") - 1
    result = values[np.maximum(k, 0)]
    if eligibility is Eligibility.DEFINITION and category in QUALIFIES_FROM:
        result = np.where(days < np.datetime64(QUALIFIES_FROM[category]), 0.0, result)
    return np.asarray(result, dtype=np.float64)


def _percentage_on(day: dt.date, category: str, eligibility: Eligibility) -> float:
    """:func:`_percentage` for one date (a cell's call), on the table as it is."""
    steps = PERCENTAGE_TABLE[category]
    k = bisect_right(steps, day, key=lambda step: step[0]) - 1
    if eligibility is Eligibility.DEFINITION and category in QUALIFIES_FROM and day < QUALIFIES_FROM[category]:
        return 0.0
    return steps[max(k, 0)][1]


def applicable_percentage(as_of: npt.ArrayLike, category: str,
                          eligibility: Eligibility = ELIGIBILITY_DEFAULT, *, terms: Terms) -> npt.NDArray[np.float64]:
    """The applicable percentage (1.33 for 133%) for a transaction on ``as_of`` (p.61-62).

    Parameters
    ----------
    as_of : array_like of datetime64[D]
        Date of the repayment, redemption or purchase, before Dec 21, 2067.
    category : str
        One of :data:`CATEGORIES`.
    eligibility : {"definition", "table"}
        See :data:`ELIGIBILITY_DEFAULT`.
    terms : Terms
        A security with a capital replacement covenant (XXI's table of percentages).
    """
    check_choice(category, CATEGORIES, "category")
    eligibility = parse_choice(Eligibility, eligibility, "eligibility")
    days = _days(as_of)
    check_covenant_date(days, "as_of", terms)
    return _percentage(days, category, eligibility)


def capacity(as_of: dt.date, categories: Sequence[str], proceeds: Sequence[float],
             eligibility: Eligibility = ELIGIBILITY_DEFAULT, *, terms: Terms) -> float:
    """The most that may be repaid, redeemed or purchased on ``as_of``: the sum of each category's
    applicable percentage x its net proceeds since the measurement date (p.60)."""
    if len(categories) != len(proceeds):
        raise TrupsInputError(f"{len(categories)} categories but {len(proceeds)} proceeds", "proceeds")
    eligibility = parse_choice(Eligibility, eligibility, "eligibility")
    check_covenant_date(as_of, "as_of", terms)
    total = 0.0
    for row, (category, amount) in enumerate(zip(categories, proceeds, strict=True), start=1):
        if category not in CATEGORIES:
            raise TrupsInputError(f"row {row}: unknown category {category!r}; accepted: {', '.join(CATEGORIES)}",
                                  "categories")
        if amount < 0:
            raise TrupsInputError(f"row {row}: net proceeds are negative ({amount})", "proceeds")
        total += _percentage_on(as_of, category, eligibility) * amount
    return total


def measurement_date(notice_date: dt.date, last_proceeds_date: dt.date | None = None,
                     transaction_date: dt.date | None = None,
                     previous_period_end: dt.date | None = None, *, terms: Terms) -> dt.date:
    """The measurement date for a notice (or, for a purchase, the purchase date), p.63.

    Parameters
    ----------
    notice_date : datetime.date
        Delivery of the notice of repayment or redemption, or the date of a purchase.
    last_proceeds_date : datetime.date, optional
        A date on which net cash proceeds were received that no repayment, redemption or
        purchase used. After Dec 21, 2057, if it falls in the 150 days before the date 30 days
        before notice, the measurement date moves back to the start of those 150 days.
    transaction_date : datetime.date, optional
        The repayment, redemption or purchase date, which chooses the rule ("on or prior to
        Dec 21, 2057" or "after"); default ``notice_date`` (interpretation: the notice comes
        10 to 60 days before, so only notices in the last weeks of 2057 can differ). An earlier date than
        ``notice_date`` is refused.
    previous_period_end : datetime.date, optional
        End (notice or purchase date) of the previous measurement period: "measurement
        periods cannot run concurrently", so the result is never earlier (the "shorter" period).
    """
    check_covenant_date(np.datetime64(notice_date, "D"), "notice_date", terms)
    if transaction_date is not None and transaction_date < notice_date:  # p.63: the notice comes first
        raise TrupsInputError(f"{transaction_date} is before notice_date {notice_date}: a repayment or redemption "
                              "follows its notice, and a purchase is its own notice_date (p.63)", "transaction_date")
    deciding = transaction_date or notice_date
    if deciding <= MEASUREMENT_SWITCH:  # p.63 (i)
        result = add_months(notice_date, -MEASUREMENT_MONTHS_EARLY)
    else:  # p.63 (ii)
        result = notice_date - dt.timedelta(days=MEASUREMENT_DAYS_LATE)
        window_start = result - dt.timedelta(days=LOOK_BACK_DAYS)
        if previous_period_end is not None:
            window_start = max(window_start, previous_period_end)
        if last_proceeds_date is not None and window_start <= last_proceeds_date < result:
            result = window_start
    if previous_period_end is not None:
        if previous_period_end > notice_date:
            raise TrupsInputError("the previous measurement period ends after this notice", "previous_period_end")
        result = max(result, previous_period_end)
    return result


def check_maturity_repayment_date(day: dt.date, terms: Terms) -> None:
    """Accept the scheduled maturity date or a later monthly interest payment date (p.33)."""
    scheduled = require(terms, "scheduled_maturity_date")
    schedule = build_schedule(terms=terms)
    post_maturity_ends = schedule.end[schedule.regime == POST_MATURITY]
    if not (day == scheduled or np.datetime64(day, "D") in post_maturity_ends):
        raise TrupsInputError(
            f"{day} is neither the scheduled maturity date {scheduled} nor a later interest payment "
            f"date ({post_maturity_ends[0]}..{post_maturity_ends[-1]})", "repayment_date")


def maturity_repayment(qualifying_proceeds: float, repayment_date: dt.date | None = None,
                       category: str = MATURITY_CATEGORY_DEFAULT,
                       principal_outstanding: float | None = None, *, terms: Terms) -> float:
    """Principal Citigroup must repay on the scheduled maturity date or a later monthly payment date.

    The applicable percentage of the net proceeds of qualifying capital securities raised in
    the window (180 days before the notice date, p.33), nothing when those proceeds are below
    $5 million (p.35), at most the principal outstanding, and all of it on the final repayment
    date Dec 21, 2077 whatever was raised (p.35).
    """
    check_choice(category, QCS_CATEGORIES, "category")
    require(terms, "crc_termination")
    repayment_date = repayment_date or require(terms, "scheduled_maturity_date")
    if principal_outstanding is None:
        principal_outstanding = require(terms, "securities_issued") * terms.liquidation_amount
    check_maturity_repayment_date(repayment_date, terms)
    if qualifying_proceeds < 0:
        raise TrupsInputError(f"net proceeds are negative ({qualifying_proceeds})", "qualifying_proceeds")
    if principal_outstanding < 0:
        raise TrupsInputError(f"principal outstanding is negative ({principal_outstanding})",
                              "principal_outstanding")
    if repayment_date == terms.final_repayment:  # p.35: due regardless of proceeds
        return float(principal_outstanding)
    if qualifying_proceeds < MATURITY_MINIMUM_PROCEEDS:  # p.35
        return 0.0
    pct = _percentage_on(repayment_date, category, ELIGIBILITY_DEFAULT)
    return float(min(principal_outstanding, pct * qualifying_proceeds))
