"""One date, one rate: the accrual and make-whole computations in plain Python floats.

A worksheet cell is one call; numpy's per-call overhead (array creation, broadcasting, a
schedule-wide rate vector) costs far more than the arithmetic. These functions do the very same
arithmetic, in the same order, on Python floats (IEEE doubles, as numpy's), over the schedule's
columns cached as lists per security — so an accrual is bit-for-bit the array path's
(:mod:`trups_xl.core.pricing.accrual`), and a make-whole differs at most in the last bit of ``log1p``/``exp``
(tested). They answer ``None`` for anything they do not cover — a period whose rate is an index,
a date outside the life, a refusal — and the caller then takes the array path, which gives the
answer or the error message.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from trups_xl.core.pricing.bondmath import RATE_BOUNDS, REPRICE_TOLERANCE
from trups_xl.core.pricing.parcall import COUNT_DIRECT
from trups_xl.core.pricing.redemption import OPTIONAL, PAR_TRIGGERS, STUB_EXCLUDE
from trups_xl.core.pricing.treasury import coupon_position
from trups_xl.core.scheduling.schedule import FIXED, build_schedule
from trups_xl.core.securities.terms import FLOATING_ACCRUAL_DEFAULT, THIRTY_360_NAME, Terms

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Columns:
    """The schedule as Python lists (days since 1970), for bisect lookups."""

    accrual_start: list[int]
    accrual_end: list[int]
    start: list[int]
    end: list[int]
    is_30_360: list[bool]
    days: list[int]
    fixed: list[bool]
    fixed_rate: float


@functools.lru_cache(maxsize=64)
def columns(terms: Terms, convention: str = FLOATING_ACCRUAL_DEFAULT) -> Columns:
    """The schedule of ``terms`` under ``convention`` as lists, built once per security."""
    s = build_schedule(convention, terms=terms)

    def days(column: object) -> list[int]:
        return [int(v) for v in column.astype("int64")]  # type: ignore[attr-defined]

    return Columns(days(s.accrual_start), days(s.accrual_end), days(s.start), days(s.end),
                   [bool(v) for v in s.is_30_360], [int(v) for v in s.accrual_days],
                   [bool(v) for v in s.regime == FIXED], terms.fixed_rate)


def day_number(day: dt.date) -> int:
    """A date as days since 1970-01-01 (what ``datetime64[D]`` holds)."""
    return day.toordinal() - EPOCH_ORDINAL


def date_of(days: int) -> dt.date:
    """The date of a day number (:func:`day_number`'s inverse)."""
    return dt.date.fromordinal(days + EPOCH_ORDINAL)


def index_of(days: list[int], day: int) -> int:
    """Position of ``day`` in the sorted list ``days``; -1 when it is not there (as
    :meth:`trups_xl.core.scheduling.schedule.Schedule.index_of_payment` for one day)."""
    k = bisect_left(days, day)
    return k if k < len(days) and days[k] == day else -1


def _ymd(days: int) -> tuple[int, int, int]:
    d = date_of(days)
    return d.year, d.month, d.day


def _days_30_360(start: int, end: int) -> int:
    """30/360 Bond Basis, as :func:`trups_xl.core.scheduling.daycount.days_30_360`."""
    y1, m1, d1 = _ymd(start)
    y2, m2, d2 = _ymd(end)
    d1 = 30 if d1 == 31 else d1
    d2 = 30 if d2 == 31 and d1 >= 30 else d2
    return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)


def count_days(start: int, end: int, is_30_360: bool) -> int:
    """As :func:`trups_xl.core.scheduling.daycount.accrual_days` for one pair of day numbers."""
    return _days_30_360(start, end) if is_30_360 else end - start


def _interest(principal: float, days: int, rate: float) -> float:
    """As :func:`trups_xl.core.pricing.accrual.interest`: principal x days, x rate, / 360."""
    return float(principal) * float(days) * rate / 360.0


def period_of(c: Columns, day: int) -> int:
    """As :meth:`trups_xl.core.scheduling.schedule.Schedule.period_containing` for one day number."""
    return min(max(bisect_right(c.accrual_start, day) - 1, 0), len(c.accrual_start) - 1)


def accrual(start: dt.date, end: dt.date, principal: float, terms: Terms) -> float | None:
    """Interest from ``start`` to ``end`` when every period it needs is fixed-rate, else ``None``."""
    c = columns(terms)
    a, b = day_number(start), day_number(end)
    if a < c.accrual_start[0] or b > c.accrual_end[-1] or b < a:
        return None
    ka, kb = period_of(c, a), period_of(c, b)
    last_needed = kb if b > c.accrual_start[kb] else kb - 1
    if any(not c.fixed[k] for k in range(ka, last_needed + 1)):
        return None  # an index-linked period: the array path reads the fixings
    rate_a = c.fixed_rate
    rate_b = c.fixed_rate if c.fixed[kb] else 0.0  # not needed (b is its first day): 0, as the array path
    da = count_days(c.accrual_start[ka], a, c.is_30_360[ka])
    db = count_days(c.accrual_start[kb], b, c.is_30_360[kb])
    if ka == kb:
        return _interest(principal, db - da, rate_a)
    head = _interest(principal, c.days[ka] - da, rate_a)
    middle = _interest(principal, sum(c.days[ka + 1:kb]), rate_a) if kb > ka + 1 else 0.0
    return head + middle + _interest(principal, db, rate_b)


def accrued_interest(settlement: dt.date, principal: float, terms: Terms) -> float | None:
    """Accrued interest at ``settlement`` when its period is fixed-rate, else ``None``."""
    c = columns(terms)
    s = day_number(settlement)
    if s < c.accrual_start[0] or s > c.accrual_end[-1]:
        return None
    if s == c.accrual_end[-1]:
        return None  # after the last period: the array path's special case
    k = period_of(c, s)
    return accrual(date_of(c.accrual_start[k]), settlement, principal, terms)


def coupon(payment_date: dt.date, principal: float, terms: Terms) -> float | None:
    """The interest of the fixed period ending on ``payment_date``, else ``None``."""
    c = columns(terms)
    k = index_of(c.end, day_number(payment_date))
    if k < 0 or not c.fixed[k]:
        return None
    return accrual(date_of(c.accrual_start[k]), date_of(c.accrual_end[k]), principal, terms)


def _pv(w: float, n: int, first: float, coupon_: float, redemption: float, rate: float, frequency: float) -> float:
    """As :func:`trups_xl.core.pricing.bondmath.pv_semiannual`, on floats."""
    return _pv_and_slope(w, n, first, coupon_, redemption, rate, frequency, slope=False)[0]


def _pv_and_slope(w: float, n: int, first: float, coupon_: float, redemption: float, rate: float,
                  frequency: float, slope: bool = True) -> tuple[float, float]:
    """The present value and (with ``slope``; else 0.0) its derivative in the rate, as
    ``trups_xl.core.pricing.bondmath._pv_and_slope``."""
    log_v = -math.log1p(rate / frequency)
    later = n - 1.0
    v = math.exp(log_v)
    v_later = math.exp(later * log_v)
    lead = math.exp(w * log_v)
    small = abs(rate) < 1e-9
    den = 1.0 if small else -math.expm1(log_v)
    if small:
        annuity = later * (1.0 - (later + 1.0) / 2.0 * rate / frequency)
    else:
        annuity = v * -math.expm1(later * log_v) / den
    pv = lead * (first + coupon_ * annuity + redemption * v_later)
    if not slope:
        return pv, 0.0
    if small:
        d_annuity = later * (later + 1.0) / 2.0
    else:
        d_annuity = v * (-math.expm1(later * log_v) - later * v_later * den) / den ** 2
    d_pv = w * pv + lead * (coupon_ * d_annuity + redemption * later * v_later)
    return pv, -d_pv / (frequency + rate)


def _stream(day: dt.date, principal: float, terms: Terms, count: str = COUNT_DIRECT
            ) -> tuple[float, int, float, float] | None:
    """As :func:`trups_xl.core.pricing.parcall.par_call_stream` for one date: (w, coupons left, full coupon,
    accrued), or ``None`` when the date is not before the par call or the stream does not apply."""
    call = terms.par_call_date
    if call is None or terms.fixed_day_count != THIRTY_360_NAME:
        return None
    c = columns(terms)
    d, call_day = day_number(day), day_number(call)
    if d < day_number(terms.issue_date) or d >= call_day or call_day not in c.end:
        return None
    last = c.end.index(call_day)
    if not all(c.fixed[: last + 1]):
        return None
    k = bisect_right(c.end, d, 0, last + 1)
    period_days = 360 // terms.fixed_frequency
    accrued_days = _days_30_360(c.start[k], d)
    days_next = _days_30_360(d, c.end[k]) if count == COUNT_DIRECT else period_days - accrued_days
    return (days_next / period_days, last + 1 - k, _interest(principal, period_days, terms.fixed_rate),
            _interest(principal, accrued_days, terms.fixed_rate))


def make_whole(redemption_date: dt.date, treasury_rate: float, spread: float, principal: float, stub: str,
               count: str, terms: Terms) -> tuple[float, float] | None:
    """(price, pv) of the make-whole for one date and rate, else ``None``."""
    if terms.make_whole_spread is None:
        return None
    stream = _stream(redemption_date, principal, terms, count)
    if stream is None:
        return None
    w, n, full, accrued = stream
    rate = treasury_rate + spread
    first = full - accrued if stub == STUB_EXCLUDE else full
    if rate <= -terms.fixed_frequency:
        return None
    pv = _pv(w, n, first, full, principal, rate, terms.fixed_frequency)
    if stub != STUB_EXCLUDE:
        pv = pv - accrued
    return max(principal, pv) + accrued, pv


def _solve(target: float, w: float, n: int, first: float, coupon_: float, redemption: float,
           frequency: float) -> float | None:
    """As :func:`trups_xl.core.pricing.bondmath.solve_yield` for one price; ``None`` where it would refuse."""
    lo, hi = RATE_BOUNDS
    try:
        if not _pv(w, n, first, coupon_, redemption, hi, frequency) < target < \
                _pv(w, n, first, coupon_, redemption, lo, frequency):
            return None
    except OverflowError:
        return None
    y = 0.05
    for _ in range(200):
        pv, slope = _pv_and_slope(w, n, first, coupon_, redemption, y, frequency)
        if pv > target:
            lo = y
        else:
            hi = y
        newton = y - (pv - target) / slope if slope != 0 else math.nan
        step = newton if math.isfinite(newton) and lo <= newton <= hi else (lo + hi) / 2
        done = abs(step - y) < 1e-13
        y = step
        if done:
            break
    error = abs(_pv(w, n, first, coupon_, redemption, y, frequency) - target)
    if not error <= REPRICE_TOLERANCE * max(1.0, abs(redemption) / 100.0):
        return None
    return y


def treasury(settlement: dt.date, maturity: dt.date, coupon_rate: float) -> tuple[float, int, float, float, float]:
    """(w, n, first coupon, full coupon, accrued) per 100 of a Treasury (street convention)."""
    w, n, first, accrued = coupon_position(settlement, maturity)
    c = coupon_rate * 100 / 2
    return w, n, c * first, c, c * accrued


def treasury_price(settlement: dt.date, maturity: dt.date, coupon_rate: float, yield_rate: float) -> float | None:
    """Clean price per 100 of one Treasury at one yield."""
    if not settlement < maturity:
        return None
    w, n, first, c, accrued = treasury(settlement, maturity, coupon_rate)
    return _pv(w, n, first, c, 100.0, yield_rate, 2.0) - accrued


def treasury_yield(settlement: dt.date, maturity: dt.date, coupon_rate: float, price: float) -> float | None:
    """Semi-annual yield of one Treasury from its clean price, or ``None`` (the array path refuses)."""
    if not settlement < maturity:
        return None
    w, n, first, c, accrued = treasury(settlement, maturity, coupon_rate)
    return _solve(price + accrued, w, n, first, c, 100.0, 2.0)


def price_from_yield(settlement: dt.date, yield_rate: float, terms: Terms) -> float | None:
    """Clean price per 100 of the securities at a yield to the par call."""
    stream = _stream(settlement, 100.0, terms)
    if stream is None:
        return None
    w, n, full, accrued = stream
    return _pv(w, n, full, full, 100.0, yield_rate, terms.fixed_frequency) - accrued


def yield_to_call(settlement: dt.date, price: float, terms: Terms) -> float | None:
    """Yield to the par call from a clean price per 100, or ``None``."""
    stream = _stream(settlement, 100.0, terms)
    if stream is None:
        return None
    w, n, full, accrued = stream
    return _solve(price + accrued, w, n, full, full, 100.0, terms.fixed_frequency)


def redemption_price(redemption_date: dt.date, treasury_rate: float | None, trigger: str,
                     trigger_date: dt.date | None, principal: float, terms: Terms) -> float | None:
    """As :func:`trups_xl.core.pricing.redemption.redemption_price` for one date, on fixed periods; ``None`` for
    anything else (an index-linked period, a refusal: the array path answers)."""
    c = columns(terms)
    r = day_number(redemption_date)
    if r < c.start[0] or r > c.end[-1]:
        return None
    call = terms.par_call_date or terms.maturity_date
    par = redemption_date >= call
    if trigger != OPTIONAL:
        window = terms.special_event_window_days
        if trigger_date is None or window is None:
            return None
        if not par and not trigger_date <= redemption_date <= trigger_date + dt.timedelta(days=window):
            return None
        par = par or trigger in PAR_TRIGGERS
    if par:
        accrued = accrued_interest(redemption_date, principal, terms)
        return None if accrued is None else principal + accrued
    if treasury_rate is None or terms.make_whole_spread is None:
        return None
    result = make_whole(redemption_date, treasury_rate, terms.make_whole_spread, principal, STUB_EXCLUDE,
                        COUNT_DIRECT, terms)
    return None if result is None else result[0]


def previous_payment_date(as_of: dt.date, terms: Terms) -> dt.date | None:
    """As :func:`trups_xl.core.pricing.accrual.previous_payment_date` for one date; ``None`` outside the schedule."""
    c = columns(terms)
    d = day_number(as_of)
    if not c.start[0] <= d < c.end[-1]:
        return None
    return date_of(c.start[bisect_right(c.start, d) - 1])


def next_payment_date(as_of: dt.date, terms: Terms) -> dt.date | None:
    """As :func:`trups_xl.core.pricing.accrual.next_payment_date` for one date; ``None`` outside the schedule."""
    c = columns(terms)
    d = day_number(as_of)
    if not c.start[0] <= d < c.end[-1]:
        return None
    return date_of(c.end[bisect_right(c.end, d)])
