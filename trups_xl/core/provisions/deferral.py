"""Deferral of interest: the amount owed during an extension period and its key dates.

p.19-20, p.42: Citigroup may defer interest for up to 10 years; an extension period begins
on the first interest payment date on which interest is deferred; deferred interest
accrues interest "compounded on each subsequent interest payment date at the rate
specified" for the securities; a deferral cannot run past the final repayment date.
p.44-47: the APM binds from the 5th anniversary (or an earlier payment of current
interest); the share cap is tested at the end of the first year and each anniversary after.
p.49: failure to pay at the end of 10 years, continuing 30 days, is an event of default.
p.38: in bankruptcy the claim for deferred interest (with compounding) is capped at 25% of
principal.

Amount owed at a date = every deferred coupon, each compounding on every later interest
payment date at that period's rate and day count, plus interest accrued on that balance
since the last payment date (current-period interest on principal is not included: it is
ordinary accrued interest, :func:`trups_xl.core.pricing.accrual.accrued_interest`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from bisect import bisect_right

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.adjust import AccrualConvention
from trups_xl.core.conventions.dates import day_number
from trups_xl.core.conventions.daycount import accrual_days, per_year
from trups_xl.core.conventions.stepping import add_years
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.accrual import COUPON_YEAR, interest
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings, Policy, coupon_rates, require_known
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.terms import Terms, require

FloatArray = npt.NDArray[np.float64]


def extension_limit(first_deferred_date: dt.date, terms: Terms) -> dt.date:
    """End of the extension period at the latest: 10 years on, never past 2077-12-21 (p.42)."""
    return min(add_years(first_deferred_date, require(terms, "extension_max_years")), terms.final_repayment)


def require_cumulative(terms: Terms) -> None:
    """Refuse, in one line, a deferral question about a non-cumulative security: a dividend it does
    not declare is never owed, so nothing accrues, compounds or is claimed."""
    if not terms.cumulative:
        raise TrupsInputError(f"{terms.name} is non-cumulative: a dividend not declared is not owed later, so "
                              "nothing is deferred, compounded or claimable", "security")


def check_first_deferred(first_deferred_date: dt.date, terms: Terms) -> int:
    """Refuse, in one line, an extension period's start that is not a scheduled interest payment date
    (it begins on one, p.42) or is the final repayment date (p.19); its index among the payment dates.
    Every function given a ``first_deferred_date`` checks it here."""
    require_cumulative(terms)
    require(terms, "extension_max_years")
    k = build_schedule(terms=terms).lists.index_of_payment(day_number(first_deferred_date))
    if k < 0:
        raise TrupsInputError(f"{first_deferred_date} is not a scheduled interest payment date; an extension "
                              "period begins on one (p.42)", "first_deferred_date")
    if first_deferred_date >= terms.final_repayment:
        raise TrupsInputError("interest cannot be deferred on the final repayment date (p.19)",
                              "first_deferred_date")
    return k


def deferral_dates(first_deferred_date: dt.date, terms: Terms) -> list[tuple[str, dt.date]]:
    """The extension period's key dates, in order."""
    return list(_deferral_dates(first_deferred_date, terms))


@functools.lru_cache(maxsize=1024)
def _deferral_dates(first_deferred_date: dt.date, terms: Terms) -> tuple[tuple[str, dt.date], ...]:
    """:func:`deferral_dates`, cached like a calendar: it depends on dates and terms only."""
    check_first_deferred(first_deferred_date, terms)
    limit = extension_limit(first_deferred_date, terms)
    grace = require(terms, "default_grace_days")
    events = [("extension_start", first_deferred_date)]
    for year in range(1, terms.extension_max_years or 0):
        day = add_years(first_deferred_date, year)
        if day >= limit:
            break
        if year == terms.apm_start_years:
            events.append(("apm_5th_anniversary", day))  # p.44: APM obligations start
        events.append((f"share_cap_test_{year}", day))  # p.47: end of year 1 and each anniversary
    events.append(("ten_year_limit", limit))  # p.42 (or the final repayment date)
    events.append(("event_of_default", limit + dt.timedelta(days=grace)))  # p.49
    return tuple(events)


def deferred_interest(first_deferred_date: dt.date, as_of: dt.date, fixings: Fixings | None = None,
                      principal: float | None = None, policy: Policy = DEFAULT_POLICY,
                      convention: AccrualConvention | None = None, curve: ForwardCurve | None = None,
                      *, terms: Terms) -> float:
    """Deferred interest owed at ``as_of``, compounding included (see module docstring)."""
    k0 = check_first_deferred(first_deferred_date, terms)
    limit = extension_limit(first_deferred_date, terms)
    amount = terms.liquidation_amount if principal is None else principal
    if as_of < first_deferred_date:
        raise TrupsInputError(f"as_of is before the extension period starts ({first_deferred_date})", "as_of")
    if as_of > limit:
        raise TrupsInputError(f"an extension period ends by {limit} (10 years, p.42); as_of is after it",
                              "as_of")
    # one cell's call: the schedule as lists (Schedule.lists) and the cached rate vector, Python
    # floats in the loop (the same IEEE arithmetic as numpy's, without its per-element overhead)
    schedule = build_schedule(convention, terms=terms)
    c = schedule.lists
    day = day_number(as_of)
    # deferred coupons: payment dates from the first deferred one, on or before as_of, before the limit
    last = bisect_right(c.end, min(day, day_number(limit) - 1)) - 1
    upto = max(last + 1, c.period_containing(day) + 1)
    rates = coupon_rates(schedule, fixings, policy, curve)
    period_rates = rates[k0:max(upto, last + 2)].tolist()
    if any(math.isnan(r) for r in period_rates[:upto - k0]):
        require_known(schedule, rates, np.arange(k0, upto))  # names the first period with no rate
    period_days = c.accrual_days[k0:last + 2]
    balance = 0.0
    for i in range(last + 1 - k0):
        if i:
            # compounded on this payment date (p.42)
            balance *= 1.0 + period_rates[i] * per_year(period_days[i], COUPON_YEAR)
        balance += interest(float(amount), period_days[i], period_rates[i])  # this period's interest
    # interest on the balance since the last payment date (accrual convention of the period)
    k = last + 1
    if k < schedule.size and day > c.accrual_start[k]:
        days = accrual_days(c.accrual_start[k], day, c.is_30_360[k])
        balance *= 1.0 + per_year(period_rates[k - k0] * float(days), COUPON_YEAR)
    return float(balance)


def claim_limit(deferred: npt.ArrayLike, principal: npt.ArrayLike | None = None,
                *, terms: Terms) -> FloatArray:
    """Bankruptcy claim for deferred interest: at most 25% of principal (p.38)."""
    require_cumulative(terms)
    fraction = require(terms, "claim_limit_fraction")
    amount = terms.liquidation_amount if principal is None else principal
    return np.asarray(np.minimum(np.asarray(deferred, dtype=np.float64),
                                 fraction * np.asarray(amount, dtype=np.float64)))
