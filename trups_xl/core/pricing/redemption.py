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
from enum import StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.adjust import FOLLOWING_UNLESS_NEXT_YEAR, adjust
from trups_xl.core.conventions.calendars import NEW_YORK, US_GOVERNMENT_SECURITIES
from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.dates import day_number
from trups_xl.core.conventions.interest import periodic_discount
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.accrual import accrued_interest
from trups_xl.core.pricing.bondmath import pv_semiannual
from trups_xl.core.pricing.parcall import COUNT_DEFAULT, Count, par_call_position, par_call_stream
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import DEFAULT_POLICY, Fixings, Policy
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.terms import Terms, require


class Stub(StrEnum):
    """How the first (stub) coupon enters the make-whole (docs/TERMS.md)."""

    EXCLUDE_ACCRUED = "exclude_accrued"
    SUBTRACT_ACCRUED = "subtract_accrued"


STUB_EXCLUDE, STUB_SUBTRACT = Stub.EXCLUDE_ACCRUED, Stub.SUBTRACT_ACCRUED
STUBS = tuple(Stub)
STUB_DEFAULT = STUB_EXCLUDE

#: **Interpretation** (p.39): the treasury rate is "computed as of the second trading day"
#: before redemption, but the treasury price is the bid "as of the third trading day". The
#: rate is computed from that price, so by default the price date is the 3rd trading day
#: (US government securities market days) before redemption; 2 is available.
TREASURY_PRICE_LAG_DEFAULT = 3
TREASURY_PRICE_LAGS = (2, 3)

def last_make_whole_date(terms: Terms) -> dt.date:
    """Last redemption date the make-whole applies to: the day before the par call date."""
    return dt.date.fromordinal(require(terms, "par_call_date").toordinal() - 1)



class Trigger(StrEnum):
    """Why the securities are redeemed (p.38): at the issuer's option, or after a special event."""

    OPTIONAL = "optional"
    TAX = "tax"
    RATING_AGENCY = "rating_agency"
    INVESTMENT_COMPANY = "investment_company"
    REGULATORY_CAPITAL = "regulatory_capital"


OPTIONAL, TAX, RATING_AGENCY = Trigger.OPTIONAL, Trigger.TAX, Trigger.RATING_AGENCY
INVESTMENT_COMPANY, REGULATORY_CAPITAL = Trigger.INVESTMENT_COMPANY, Trigger.REGULATORY_CAPITAL
TRIGGERS = tuple(Trigger)
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
        return periodic_discount(self.discount_rate, self.periods_to_next, self.frequency)


def make_whole(redemption_date: npt.ArrayLike | dt.date, treasury_rate: npt.ArrayLike,
               spread: npt.ArrayLike | None = None,
               principal: npt.ArrayLike | None = None,
               stub: Stub = STUB_DEFAULT, *, terms: Terms, count: Count = COUNT_DEFAULT) -> MakeWhole:
    """The make-whole redemption price and its intermediates; everything broadcasts."""
    stub = parse_choice(Stub, stub, "stub")
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


def _make_whole_one(redemption_date: object, treasury_rate: object, spread: object, principal: object,
                    stub: Stub, terms: Terms, count: Count) -> tuple[float, float] | None:
    """(price, pv) of :func:`make_whole` for one date and one rate on Python floats (the same
    operations, in the same order); ``None`` for anything else (the array path answers or words
    the refusal)."""
    if type(redemption_date) is not dt.date or type(treasury_rate) is not float or terms.make_whole_spread is None:
        return None
    extra = terms.make_whole_spread if spread is None else spread
    p = terms.liquidation_amount if principal is None else principal
    if type(extra) is not float or type(p) is not float or stub not in STUBS:
        return None
    stream = par_call_position(redemption_date, p, terms, count)
    if stream is None:
        return None
    w, n, full, accrued = stream
    rate = treasury_rate + extra
    if rate <= -terms.fixed_payments_per_year:
        return None
    first = full - accrued if stub == STUB_EXCLUDE else full
    pv = pv_semiannual(w, n, first, full, p, rate, terms.fixed_payments_per_year)
    if stub == STUB_SUBTRACT:
        pv = pv - accrued
    return max(p, pv) + accrued, pv


@overload
def make_whole_price(redemption_date: dt.date, treasury_rate: float, spread: float | None = None,
                     principal: float | None = None, stub: Stub = STUB_DEFAULT, *, terms: Terms,
                     count: Count = COUNT_DEFAULT) -> float: ...
@overload
def make_whole_price(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike,
                     spread: npt.ArrayLike | None = None, principal: npt.ArrayLike | None = None,
                     stub: Stub = STUB_DEFAULT, *, terms: Terms, count: Count = COUNT_DEFAULT) -> FloatArray: ...
def make_whole_price(redemption_date: npt.ArrayLike | dt.date, treasury_rate: npt.ArrayLike,
                     spread: npt.ArrayLike | None = None,
                     principal: npt.ArrayLike | None = None,
                     stub: Stub = STUB_DEFAULT, *, terms: Terms, count: Count = COUNT_DEFAULT) -> FloatArray | float:
    """Make-whole redemption price including accrued interest (p.38); one date and one rate give a float."""
    return _make_whole_part(0, redemption_date, treasury_rate, spread, principal, stub, terms, count)


@overload
def make_whole_pv(redemption_date: dt.date, treasury_rate: float, spread: float | None = None,
                  principal: float | None = None, stub: Stub = STUB_DEFAULT, *, terms: Terms,
                  count: Count = COUNT_DEFAULT) -> float: ...
@overload
def make_whole_pv(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike,
                  spread: npt.ArrayLike | None = None, principal: npt.ArrayLike | None = None,
                  stub: Stub = STUB_DEFAULT, *, terms: Terms, count: Count = COUNT_DEFAULT) -> FloatArray: ...
def make_whole_pv(redemption_date: npt.ArrayLike | dt.date, treasury_rate: npt.ArrayLike,
                  spread: npt.ArrayLike | None = None,
                  principal: npt.ArrayLike | None = None,
                  stub: Stub = STUB_DEFAULT, *, terms: Terms, count: Count = COUNT_DEFAULT) -> FloatArray | float:
    """The present-value leg alone, before the par floor and accrued interest; one date and one rate give a float."""
    return _make_whole_part(1, redemption_date, treasury_rate, spread, principal, stub, terms, count)


def _make_whole_part(part: int, redemption_date: npt.ArrayLike | dt.date, treasury_rate: npt.ArrayLike,
                     spread: npt.ArrayLike | None, principal: npt.ArrayLike | None, stub: Stub, terms: Terms,
                     count: Count) -> FloatArray | float:
    """The price (``part`` 0) or the PV leg (1): the one-date path for one date and one rate, else
    the array path."""
    if (one := _make_whole_one(redemption_date, treasury_rate, spread, principal, stub, terms, count)) is not None:
        return one[part]
    found = make_whole(redemption_date, treasury_rate, spread, principal, stub, terms=terms, count=count)
    value = found.price if part == 0 else found.pv
    return float(value) if type(redemption_date) is dt.date and value.ndim == 0 else value


def _redemption_price_one(redemption_date: dt.date, treasury_rate: object, trigger: Trigger,
                          trigger_date: dt.date | None, principal: float, terms: Terms) -> float | None:
    """:func:`redemption_price` for one date, on fixed periods and default choices; ``None`` for
    anything else (an index-linked period, a refusal, a range of rates: the array path answers, and
    gives every route the shape of the rates) but a date outside the special-event window, refused
    here as the array path refuses it."""
    if treasury_rate is not None and type(treasury_rate) is not float:
        return None
    c = build_schedule(terms=terms).lists
    r = day_number(redemption_date)
    if r < c.start[0] or r > c.end[-1] or trigger not in TRIGGERS:
        return None
    call = terms.par_call_date or terms.final_repayment
    par = redemption_date >= call
    if trigger != OPTIONAL:
        window = terms.special_event_window_days
        if trigger_date is None or window is None:
            return None
        window_end = trigger_date + dt.timedelta(days=window)
        if not par and not trigger_date <= redemption_date <= window_end:  # the array path's refusal
            raise TrupsInputError(f"a special-event redemption before {call} must fall within {window} days "
                                  f"after the event ({trigger_date}..{window_end})", "redemption_date")
        par = par or trigger in PAR_TRIGGERS
    if par:
        return principal + accrued_interest(redemption_date, principal=principal, terms=terms)
    one = _make_whole_one(redemption_date, treasury_rate, None, principal, STUB_DEFAULT, terms, COUNT_DEFAULT)
    return None if one is None else one[0]


@overload
def redemption_price(redemption_date: dt.date, treasury_rate: float | None = None, trigger: Trigger = OPTIONAL,
                     trigger_date: dt.date | None = None, fixings: Fixings | None = None,
                     principal: float | None = None, policy: Policy = DEFAULT_POLICY, spread: float | None = None,
                     stub: Stub = STUB_DEFAULT, curve: ForwardCurve | None = None, *, terms: Terms) -> float: ...
@overload
def redemption_price(redemption_date: npt.ArrayLike, treasury_rate: npt.ArrayLike | None = None,
                     trigger: Trigger = OPTIONAL, trigger_date: dt.date | None = None, fixings: Fixings | None = None,
                     principal: npt.ArrayLike | None = None, policy: Policy = DEFAULT_POLICY,
                     spread: npt.ArrayLike | None = None, stub: Stub = STUB_DEFAULT,
                     curve: ForwardCurve | None = None, *, terms: Terms) -> FloatArray: ...
def redemption_price(redemption_date: npt.ArrayLike | dt.date, treasury_rate: npt.ArrayLike | None = None,
                     trigger: Trigger = OPTIONAL, trigger_date: dt.date | None = None,
                     fixings: Fixings | None = None,
                     principal: npt.ArrayLike | None = None,
                     policy: Policy = DEFAULT_POLICY, spread: npt.ArrayLike | None = None,
                     stub: Stub = STUB_DEFAULT, curve: ForwardCurve | None = None,
                     *, terms: Terms) -> FloatArray | float:
    """Redemption price by route (p.38): par + accrued on/after 2037-12-21 or within 90 days of
    an Investment Company or Regulatory Capital Event; the make-whole otherwise.

    Special events (every trigger but ``"optional"``) need ``trigger_date``; before
    2037-12-21 a redemption more than 90 days after it is refused (p.40). One date (and one rate)
    gives a float.
    """
    one = type(redemption_date) is dt.date
    if one and fixings is None and curve is None and policy == DEFAULT_POLICY and spread is None \
            and stub == STUB_DEFAULT and (principal is None or type(principal) is float):
        p_one = terms.liquidation_amount if principal is None else principal
        fast = _redemption_price_one(redemption_date, treasury_rate, trigger, trigger_date, p_one,  # type: ignore[arg-type]
                                     terms)
        if fast is not None:
            return fast
    trigger = parse_choice(Trigger, trigger, "trigger")
    r_date = np.asarray(redemption_date, dtype="datetime64[D]")
    schedule = build_schedule(terms=terms)
    if r_date.size and (r_date.min() < schedule.start[0] or r_date.max() > schedule.end[-1]):
        raise TrupsInputError(f"redemption dates run {schedule.start[0]}..{schedule.end[-1]}",
                              "redemption_date")
    principal = terms.liquidation_amount if principal is None else principal
    call = terms.par_call_date or terms.final_repayment  # no par call: par only at maturity
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
        par_prices = np.asarray(np.broadcast_to(par_price, np.broadcast_shapes(
            r_date.shape, np.shape(treasury_rate) if treasury_rate is not None else ())), dtype=np.float64)
        return float(par_prices) if one and par_prices.ndim == 0 else par_prices
    if terms.make_whole_spread is None:
        raise TrupsInputError(f"{terms.name} has no make-whole: before {call} it is redeemed at par only after "
                              "a special event (give trigger and trigger_date)", "redemption_date")
    if treasury_rate is None:
        raise TrupsInputError("the make-whole price needs the treasury rate", "treasury_rate")
    mw_dates = np.where(par, np.datetime64(terms.issue_date), r_date)  # placeholder where par
    mw = make_whole_price(mw_dates, treasury_rate, spread, principal, stub, terms=terms)
    result = np.asarray(np.where(par, par_price, mw), dtype=np.float64)
    return float(result) if one and result.ndim == 0 else result


@overload
def redemption_payment_date(redemption_date: dt.date) -> dt.date: ...
@overload
def redemption_payment_date(redemption_date: npt.ArrayLike) -> DateArray: ...
def redemption_payment_date(redemption_date: npt.ArrayLike | dt.date) -> DateArray | dt.date:
    """Day the redemption price is paid (p.22): the next New York business day, or the
    preceding one when the next falls in the following calendar year. A date gives a date."""
    return adjust(redemption_date, FOLLOWING_UNLESS_NEXT_YEAR, NEW_YORK)


@overload
def treasury_price_date(redemption_date: dt.date, lag: int = TREASURY_PRICE_LAG_DEFAULT) -> dt.date: ...
@overload
def treasury_price_date(redemption_date: npt.ArrayLike, lag: int = TREASURY_PRICE_LAG_DEFAULT) -> DateArray: ...
def treasury_price_date(redemption_date: npt.ArrayLike | dt.date,
                        lag: int = TREASURY_PRICE_LAG_DEFAULT) -> DateArray | dt.date:
    """The trading day whose Treasury bid price sets the treasury rate (p.39); a date gives a date."""
    if lag not in TREASURY_PRICE_LAGS:
        raise TrupsInputError(f"lag must be one of {TREASURY_PRICE_LAGS} trading days", "lag")
    if type(redemption_date) is dt.date:
        return US_GOVERNMENT_SECURITIES.advance_day(redemption_date, -lag)
    return US_GOVERNMENT_SECURITIES.advance(np.asarray(redemption_date, dtype="datetime64[D]"), -lag)
