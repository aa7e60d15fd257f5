"""Redemption: the make-whole price, the price by route, and the redemption dates (p.38-40, p.22).

Make-whole redemption price (p.38): the greater of (i) 100% of principal and (ii) the sum
of the present values of (a) the principal paid Dec 21, 2037 and (b) the scheduled interest
that would accrue from the redemption date to and including Dec 21, 2037 "(not including
any interest accrued to the redemption date)", each discounted from its payment date to the
redemption date on a semi-annual basis (30/360) at the treasury rate + 0.50% — in each case
plus accrued and unpaid interest to the redemption date.

**Interpretation** (``stub``), default :data:`STUB_DEFAULT`:

* ``"exclude_accrued"``: the first coupon after the redemption date enters the sum only
  for the part accruing after the redemption date (full coupon less accrued interest);
* ``"subtract_accrued"``: the full first coupon is discounted and the accrued interest is
  then subtracted from the sum, undiscounted.

The two differ by accrued x (discount factor of the first coupon - 1). A fractional period
is 30/360 days / 180, so the first coupon is discounted over ``w = days/180`` periods and
each later one a whole period more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trups_xl.core.errors import TrupsInputError, check_choice
from trups_xl.core.pricing.accrual import accrued_interest
from trups_xl.core.pricing.bondmath import pv_semiannual
from trups_xl.core.pricing.parcall import COUNT_DEFAULT, par_call_stream
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings
from trups_xl.core.scheduling.calendars import NEW_YORK, US_GOVERNMENT_SECURITIES
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.terms import TERMS, Terms, require

STUB_EXCLUDE = "exclude_accrued"
STUB_SUBTRACT = "subtract_accrued"
STUBS = (STUB_EXCLUDE, STUB_SUBTRACT)
STUB_DEFAULT = STUB_EXCLUDE

#: **Interpretation** (p.39): the treasury rate is "computed as of the second trading day"
#: before redemption, but the treasury price is the bid "as of the third trading day". The
#: rate is computed from that price, so by default the price date is the 3rd trading day
#: (US government securities market days) before redemption; 2 is available.
TREASURY_PRICE_LAG_DEFAULT = 3
TREASURY_PRICE_LAGS = (2, 3)

def last_make_whole_date(terms: Terms = TERMS) -> dt.date:
    """Last redemption date the make-whole applies to: the day before the par call date."""
    return dt.date.fromordinal(require(terms, "par_call_date").toordinal() - 1)


#: XXI's last make-whole redemption date (2037-12-20).
LAST_MAKE_WHOLE_DATE = last_make_whole_date()

OPTIONAL = "optional"
TAX, RATING_AGENCY = "tax", "rating_agency"
INVESTMENT_COMPANY, REGULATORY_CAPITAL = "investment_company", "regulatory_capital"
TRIGGERS = (OPTIONAL, TAX, RATING_AGENCY, INVESTMENT_COMPANY, REGULATORY_CAPITAL)
PAR_TRIGGERS = (INVESTMENT_COMPANY, REGULATORY_CAPITAL)  # p.38: par within 90 days

FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class MakeWhole:
    """Every intermediate of a make-whole computation. The date-only parts (accrued, coupon dates and
    counts) keep the shape of the dates and principal; the rest broadcasts over the rates too."""

    accrued: FloatArray  # accrued interest to the redemption date (30/360)
    next_coupon_date: DateArray  # first scheduled coupon after the redemption date
    days_to_next: npt.NDArray[np.int64]  # 30/360 days redemption date -> next coupon
    periods_to_next: FloatArray  # w = days_to_next / 180
    coupons_left: npt.NDArray[np.int64]  # coupons from next_coupon_date to 2037-12-21
    first_coupon: FloatArray  # amount of the first coupon entering the sum
    coupon: FloatArray  # each later full coupon
    discount_rate: FloatArray  # treasury rate + spread
    pv: FloatArray  # present-value leg (after subtracting accrued for "subtract_accrued")
    price: FloatArray  # max(principal, pv) + accrued
    frequency: int  # discounting periods a year (2: semi-annual, p.38)

    @property
    def first_discount_factor(self) -> FloatArray:
        """(1 + rate/2) ** -w: the discount factor of the first coupon (computed on demand)."""
        return np.asarray((1 + self.discount_rate / self.frequency) ** -self.periods_to_next, dtype=np.float64)


def make_whole(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike,
               spread: npt.ArrayLike | None = None,
               principal: npt.ArrayLike | None = None,
               stub: str = STUB_DEFAULT, terms: Terms = TERMS, count: str = COUNT_DEFAULT) -> MakeWhole:
    """The make-whole redemption price and its intermediates; everything broadcasts."""
    check_choice(stub, STUBS, "stub")
    default_spread = require(terms, "make_whole_spread")
    # the date work is done on the dates (and principal) alone, not on every (date, rate) cell of a grid
    r_date, p = np.broadcast_arrays(np.asarray(redemption_date, dtype="datetime64[D]"),
                                    np.asarray(terms.liquidation_amount if principal is None else principal,
                                               dtype=np.float64))
    y = np.asarray(treasury_rate, dtype=np.float64)
    s = np.asarray(default_spread if spread is None else spread, dtype=np.float64)
    call = np.datetime64(require(terms, "par_call_date"))
    if r_date.size and (r_date.min() < np.datetime64(terms.issue_date) or r_date.max() >= call):
        raise TrupsInputError(
            f"the make-whole applies to redemption dates {terms.issue_date}..{call - 1}; "
            f"on/after {call} the price is par + accrued (p.38)", "redemption_date")
    stream = par_call_stream(r_date, p, terms, count)
    frequency = stream.frequency
    full, accrued, w = stream.coupon, stream.accrued, stream.periods_to_next
    rate = y + s
    first = full - accrued if stub == STUB_EXCLUDE else full
    pv = pv_semiannual(w, stream.coupons_left, first, full, p, rate, frequency)
    if stub == STUB_SUBTRACT:
        pv = pv - accrued
    return MakeWhole(
        accrued=accrued, next_coupon_date=stream.next_coupon_date, days_to_next=stream.days_to_next,
        periods_to_next=w, coupons_left=stream.coupons_left, first_coupon=np.asarray(first, dtype=np.float64),
        coupon=full, discount_rate=np.asarray(rate, dtype=np.float64),
        pv=np.asarray(pv, dtype=np.float64),
        price=np.asarray(np.maximum(p, pv) + accrued, dtype=np.float64),
        frequency=frequency,
    )


def make_whole_price(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike,
                     spread: npt.ArrayLike | None = None,
                     principal: npt.ArrayLike | None = None,
                     stub: str = STUB_DEFAULT, terms: Terms = TERMS, count: str = COUNT_DEFAULT) -> FloatArray:
    """Make-whole redemption price including accrued interest (p.38)."""
    return make_whole(redemption_date, treasury_rate, spread, principal, stub, terms, count).price


def make_whole_pv(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike,
                  spread: npt.ArrayLike | None = None,
                  principal: npt.ArrayLike | None = None,
                  stub: str = STUB_DEFAULT, terms: Terms = TERMS, count: str = COUNT_DEFAULT) -> FloatArray:
    """The present-value leg alone, before the par floor and accrued interest."""
    return make_whole(redemption_date, treasury_rate, spread, principal, stub, terms, count).pv


def redemption_price(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike | None = None,
                     trigger: str = OPTIONAL, trigger_date: dt.date | None = None,
                     fixings: Fixings | None = None,
                     principal: npt.ArrayLike | None = None,
                     policy: str = DEFAULT_POLICY, spread: npt.ArrayLike | None = None,
                     stub: str = STUB_DEFAULT, curve: ForwardCurve | None = None,
                     terms: Terms = TERMS) -> FloatArray:
    """Redemption price by route (p.38): par + accrued on/after 2037-12-21 or within 90 days of
    an Investment Company or Regulatory Capital Event; the make-whole otherwise.

    Special events (every trigger but ``"optional"``) need ``trigger_date``; before
    2037-12-21 a redemption more than 90 days after it is refused (p.40).
    """
    check_choice(trigger, TRIGGERS, "trigger")
    r_date = np.asarray(redemption_date, dtype="datetime64[D]")
    schedule = build_schedule(terms=terms)
    if r_date.size and (r_date.min() < schedule.start[0] or r_date.max() > schedule.end[-1]):
        raise TrupsInputError(f"redemption dates run {schedule.start[0]}..{schedule.end[-1]}",
                              "redemption_date")
    principal = terms.liquidation_amount if principal is None else principal
    call = terms.par_call_date or terms.maturity_date  # no par call: par only at maturity
    after_switch = r_date >= np.datetime64(call)
    par = after_switch.copy()
    if trigger != OPTIONAL:
        if trigger_date is None:
            raise TrupsInputError(f"a {trigger} event needs its date", "trigger_date")
        event = np.datetime64(trigger_date, "D")
        window = require(terms, "special_event_window_days")
        window_end = event + np.timedelta64(window, "D")
        outside = ~after_switch & ((r_date < event) | (r_date > window_end))
        if outside.any():
            raise TrupsInputError(
                f"a special-event redemption before {call} must fall within "
                f"{window} days after the event ({event}..{window_end})",
                "redemption_date")
        if trigger in PAR_TRIGGERS:
            par = np.ones_like(par)
    par_price = (np.asarray(principal, dtype=np.float64)
                 + accrued_interest(r_date, fixings, principal, policy, curve=curve, terms=terms)) if par.any() else 0.0
    if par.all():
        return np.asarray(np.broadcast_to(par_price, np.broadcast_shapes(
            r_date.shape, np.shape(treasury_rate) if treasury_rate is not None else ())), dtype=np.float64)
    if terms.make_whole_spread is None:
        raise TrupsInputError(f"{terms.name} has no make-whole: before {call} it is redeemed at par only after "
                              "a special event (give trigger and trigger_date)", "redemption_date")
    if treasury_rate is None:
        raise TrupsInputError("the make-whole price needs the treasury rate", "treasury_rate")
    mw_dates = np.where(par, np.datetime64(terms.issue_date), r_date)  # placeholder where par
    mw = make_whole_price(mw_dates, treasury_rate, spread, principal, stub, terms)
    return np.asarray(np.where(par, par_price, mw), dtype=np.float64)


def redemption_payment_date(redemption_date: npt.ArrayLike) -> DateArray:
    """Day the redemption price is paid (p.22): the next New York business day, or the
    preceding one when the next falls in the following calendar year."""
    r_date = np.asarray(redemption_date, dtype="datetime64[D]")
    following = NEW_YORK.following(r_date)
    preceding = NEW_YORK.preceding(r_date)
    next_year = following.astype("datetime64[Y]") != r_date.astype("datetime64[Y]")
    return np.asarray(np.where(next_year, preceding, following))


def redemption_payment_day(redemption_date: dt.date) -> dt.date:
    """:func:`redemption_payment_date` for one date (a cell's call)."""
    following = NEW_YORK.following_day(redemption_date)
    return NEW_YORK.preceding_day(redemption_date) if following.year != redemption_date.year else following


def treasury_price_day(redemption_date: dt.date, lag: int = TREASURY_PRICE_LAG_DEFAULT) -> dt.date:
    """:func:`treasury_price_date` for one date (a cell's call)."""
    if lag not in TREASURY_PRICE_LAGS:
        raise TrupsInputError(f"lag must be one of {TREASURY_PRICE_LAGS} trading days", "lag")
    return US_GOVERNMENT_SECURITIES.advance_day(redemption_date, -lag)


def treasury_price_date(redemption_date: npt.ArrayLike,
                        lag: int = TREASURY_PRICE_LAG_DEFAULT) -> DateArray:
    """The trading day whose Treasury bid price sets the treasury rate (p.39)."""
    if lag not in TREASURY_PRICE_LAGS:
        raise TrupsInputError(f"lag must be one of {TREASURY_PRICE_LAGS} trading days", "lag")
    return US_GOVERNMENT_SECURITIES.advance(np.asarray(redemption_date, dtype="datetime64[D]"), -lag)
