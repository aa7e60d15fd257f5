"""Index fixings and the coupon rate of every period.

Floating and monthly interest = (index + 4.170%) x Act/360 (p.40). The index of each
period comes from the user: fixings (one rate for every index-linked period, or a table of
period-start date -> rate) for what was published, and, kept apart, a forward curve
(:class:`trups_xl.core.rates.curve.ForwardCurve`) that projects the periods with no fixing. Policies
(the ``policy`` argument) say what the numbers are and what a period with neither gets:

* ``"fixings"`` (default): the numbers are the index itself, as it applies to the period;
  a period the calculation touches with no fixing and no curve is an error naming it.
* ``"libor_act"``: the numbers are the LIBOR Act replacement rate (3-month CME Term SOFR for
  quarterly periods, 1-month for monthly ones) and the index adds the tenor spread adjustment
  (0.26161% / 0.11448%) for periods determined on or after the LIBOR replacement date
  (:mod:`trups_xl.core.rates.liboract`); a period with no rate is an error.
* ``"prospectus_fallback"``: a period with no fixing and no curve takes the previous period's
  index, and the quarterly period beginning Dec 21, 2037 takes 4.910% (p.41).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.arrays import member
from trups_xl.core.conventions.adjust import AccrualConvention
from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.errors import MissingFixingError, TrupsInputError
from trups_xl.core.rates.compounding import compounded_rate
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.liboract import TENOR_SPREAD_ADJUSTMENT, libor_replacement_date
from trups_xl.core.scheduling.schedule import (
    FIXED,
    FLOATING,
    POST_MATURITY,
    Schedule,
    build_schedule,
    final_lockout_days,
)
from trups_xl.core.securities.terms import IndexKind, Terms, require


class Policy(StrEnum):
    """What the index numbers are and what a period with neither a fixing nor a curve gets
    (module docstring)."""

    FIXINGS = "fixings"
    LIBOR_ACT = "libor_act"
    PROSPECTUS_FALLBACK = "prospectus_fallback"


POLICY_FIXINGS, POLICY_LIBOR_ACT, POLICY_FALLBACK = Policy.FIXINGS, Policy.LIBOR_ACT, Policy.PROSPECTUS_FALLBACK
POLICIES = tuple(Policy)
#: Interpretation: the default takes the user's numbers as the index itself and never adds
#: a spread or invents a rate; "libor_act" is the legally operative reading since July 2023
#: (see docs/conventions.md, "LIBOR's end") but needs Term SOFR rather than LIBOR numbers.
DEFAULT_POLICY = POLICY_FIXINGS

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fixings:
    """Index fixings supplied by the user (decimals, 0.0525 for 5.25%).

    Parameters
    ----------
    single : float, optional
        One rate for every floating and monthly period.
    table : tuple of (datetime.date, float)
        Period-start date -> rate; wins over ``single`` for the periods it names.
    """

    single: float | None = None
    table: tuple[tuple[dt.date, float], ...] = ()

    @classmethod
    def of(cls, value: float | Mapping[dt.date, float] | Iterable[tuple[dt.date, float]] | None) -> Fixings:
        """Fixings from a rate, a mapping or pairs (``None`` for none)."""
        if value is None:
            return cls()
        if isinstance(value, Fixings):
            return value
        if isinstance(value, (int, float)):
            return cls(single=float(value))
        pairs = value.items() if isinstance(value, Mapping) else value
        return cls(table=tuple((d, float(r)) for d, r in pairs))


def index_rates(schedule: Schedule, fixings: Fixings | None = None,
                policy: Policy = DEFAULT_POLICY, curve: ForwardCurve | None = None) -> FloatArray:
    """The index of every period (NaN for fixed periods and for periods with no rate); cached per
    (schedule, fixings, policy, curve), all immutable, and returned read-only.

    Raises
    ------
    TrupsInputError
        A table date that is not the start of an index-linked period, or an unknown policy.
    """
    return _index_rates(schedule, fixings, policy, curve)


@functools.lru_cache(maxsize=256)
def _index_rates(schedule: Schedule, fixings: Fixings | None, policy: Policy, curve: ForwardCurve | None) -> FloatArray:
    """The index of every period (NaN for fixed periods and for periods with no rate).

    Raises
    ------
    TrupsInputError
        A table date that is not the start of an index-linked period, or an unknown policy.
    """
    policy = parse_choice(Policy, policy, "policy")
    fixings = fixings or Fixings()
    rates = np.full(schedule.size, np.nan)
    linked = schedule.is_index_linked
    anchors = reset_anchors(schedule)  # a reset index: each period reads the fixing of its reset date
    compounded = schedule.terms.floating_index == IndexKind.SOFR_COMPOUNDED
    if compounded:  # daily SOFR, compounded over each period (one rate: every day at it)
        rates = _compounded_rates(schedule, fixings)
    elif fixings.single is not None:
        rates[linked] = fixings.single
    if fixings.table and not compounded:
        starts = schedule.start.astype("datetime64[D]")
        periods = linked_periods(schedule, np.array([d for d, _ in fixings.table], dtype="datetime64[D]"))
        if anchors is not None:  # fixings of a reset index are keyed by reset date
            periods = np.where((periods >= 0) & (anchors[np.maximum(periods, 0)] == periods), periods, -1)
        seen: dict[int, float] = {}
        for (day, rate), k in zip(fixings.table, periods.tolist(), strict=True):
            if k < 0:
                d = np.datetime64(day, "D")
                nearest = starts[linked][np.argmin(np.abs((starts[linked] - d).astype(np.int64)))]
                if anchors is not None:
                    resets = ", ".join(str(starts[k]) for k in sorted(set(anchors[linked].tolist()))[:3])
                    raise TrupsInputError(f"{day.isoformat()} is not a reset date ({resets}, ...); fixings of a "
                                          "reset index are keyed by reset date", "fixings")
                raise TrupsInputError(
                    f"{day.isoformat()} is not the first day of a floating or post-maturity period "
                    f"(nearest: {nearest}); fixings are keyed by period start date",
                    "fixings",
                )
            if k in seen and seen[k] != rate:
                raise TrupsInputError(
                    f"two different fixings for the period starting {starts[k]}", "fixings"
                )
            seen[k] = rate
            rates[k] = rate
    if curve is not None:
        gap = linked & np.isnan(rates)
        if anchors is not None:  # a reset period projects its reset date's rate
            gap &= anchors == np.arange(schedule.size)
        rates[gap] = curve.rate_at(schedule.start[gap])
    if anchors is not None:
        rates = np.where(linked, rates[np.maximum(anchors, 0)], rates)  # held until the next reset
    if policy == POLICY_LIBOR_ACT:
        rates = rates + tenor_spread_adjustments(schedule)
    if policy == POLICY_FALLBACK and linked.any():
        first = int(np.flatnonzero(linked)[0])
        if np.isnan(rates[first]):
            # p.41: 4.910% for XXI; a security without such a rate says so
            rates[first] = require(schedule.terms, "first_floating_fallback")
        for k in range(first + 1, schedule.size):
            if np.isnan(rates[k]):
                rates[k] = rates[k - 1]  # p.41: LIBOR as determined for the previous period
    rates.flags.writeable = False
    return rates


def linked_periods(schedule: Schedule, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Index of the floating or post-maturity period whose first day (scheduled or business-day
    adjusted) is each of ``days``; -1 where none starts on it. Fixings and period starts are keyed so."""
    linked, accrual_firsts, scheduled_firsts = _linked_firsts(schedule)
    flat = days.ravel()
    result = np.full(flat.shape, -1, dtype=np.int64)
    for firsts in (accrual_firsts, scheduled_firsts):  # scheduled start wins
        k = np.minimum(np.searchsorted(firsts, flat), linked.size - 1)
        hit = firsts[k] == flat
        result[hit] = linked[k[hit]]
    return result.reshape(days.shape)


@functools.lru_cache(maxsize=64)
def _linked_firsts(schedule: Schedule) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64],
                                                npt.NDArray[np.datetime64]]:
    """The index-linked periods and their adjusted and scheduled first days, once per schedule."""
    linked = np.flatnonzero(schedule.is_index_linked)
    return linked, schedule.accrual_start[linked], schedule.start[linked]


def _compounded_rates(schedule: Schedule, fixings: Fixings) -> FloatArray:
    """Each floating period's compounded SOFR from daily fixings (NaN where a needed day is missing)."""
    terms = schedule.terms
    lookback, shift = int(require(terms, "sofr_lookback_days")), bool(require(terms, "sofr_observation_shift"))
    lockout = terms.sofr_lockout_days or 0
    rates = np.full(schedule.size, np.nan)
    floating = np.flatnonzero(schedule.regime == FLOATING)
    starts, ends = (schedule.accrual_start.astype(object), schedule.accrual_end.astype(object))
    last = schedule.size - 1
    days: dict[dt.date, float] = _Every(fixings.single) if fixings.single is not None else dict(fixings.table)
    for k in floating.tolist():
        # the final period of a payment delay is held from its rate cut-off date (final_lockout_days)
        found = compounded_rate(starts[k], ends[k], days, lookback, shift,
                                lockout=final_lockout_days(terms) if k == last else lockout)
        if found is not None:
            rates[k] = found
    return rates


class _Every(dict[dt.date, float]):
    """The same rate on every day."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = rate

    def get(self, key: dt.date, default: float | None = None) -> float:  # type: ignore[override]
        return self.rate


def reset_anchors(schedule: Schedule) -> npt.NDArray[np.int64] | None:
    """For a reset index (``ust_5y``), the period whose first day is each period's reset date: the
    latest reset date (``switch_date`` + k x ``reset_years`` years) on or before the period's start
    (-1 for fixed periods); ``None`` for an index set every period."""
    terms = schedule.terms
    if terms.floating_index is None or not terms.floating_index.is_reset:
        return None
    return _reset_anchors(schedule)


@functools.lru_cache(maxsize=64)
def _reset_anchors(schedule: Schedule) -> npt.NDArray[np.int64]:
    terms = schedule.terms
    starts = schedule.start.astype("datetime64[D]")
    resets = schedule.determination_date  # for a reset index: each period's reset date (the schedule's)
    anchors = np.searchsorted(starts, resets)
    linked = schedule.is_index_linked
    if (starts[np.minimum(anchors, schedule.size - 1)] != resets)[linked].any():
        raise TrupsInputError(f"{terms.name}: its reset dates (every {terms.reset_years} years from "
                              f"{terms.switch_date}) are not all payment dates", "security")
    anchors = np.where(linked, anchors, -1).astype(np.int64)
    anchors.flags.writeable = False
    return anchors


def tenor_spread_adjustments(schedule: Schedule) -> FloatArray:
    """The LIBOR Act spread of every LIBOR period: 0.26161% quarterly, 0.11448% monthly, from the
    LIBOR replacement date (12 U.S.C. 5802(20); 12 CFR 253.4(c)); 0 before it, for fixed periods
    and for an index that is not LIBOR (Term SOFR, the Treasury rate)."""
    terms = schedule.terms
    libor = np.select([schedule.regime == FLOATING, schedule.regime == POST_MATURITY],
                      [bool(terms.floating_index and terms.floating_index.is_libor),
                       bool(terms.post_maturity_index and terms.post_maturity_index.is_libor)], False)
    replaced = libor & (schedule.determination_date >= np.datetime64(libor_replacement_date(), "D"))
    spread = np.array([TENOR_SPREAD_ADJUSTMENT.get(int(m), 0.0) for m in schedule.index_months])
    return np.asarray(np.where(replaced, spread, 0.0), dtype=np.float64)


#: The lowest coupon rate an index-linked period pays where the security types no ``floating_floor``: zero (a
#: choice). No prospectus shipped here provides for holders paying interest to the issuer, yet index + margin
#: goes below zero under a negative fixing or curve (a rate shock): -4.30% for an index of -5.00% and a 0.70%
#: margin, a negative coupon before December 2026. A typed ``floating_floor`` is the lowest rate instead, below
#: zero too (a terms table that means a negative coupon says so).
MINIMUM_COUPON_RATE = 0.0


def coupon_rates(schedule: Schedule, fixings: Fixings | None = None,
                 policy: Policy = DEFAULT_POLICY, curve: ForwardCurve | None = None) -> FloatArray:
    """The annual coupon rate of every period: the fixed rate (8.300% for XXI), then index + margin
    (4.170% for XXI, p.40) within ``floating_floor`` (without one, :data:`MINIMUM_COUPON_RATE`) and
    ``floating_cap``. Cached like :func:`index_rates`; read-only."""
    return _coupon_rates(schedule, fixings, policy, curve)


@functools.lru_cache(maxsize=256)
def _coupon_rates(schedule: Schedule, fixings: Fixings | None, policy: Policy, curve: ForwardCurve | None) -> FloatArray:
    """:func:`coupon_rates`, computed."""
    terms = schedule.terms
    margin = terms.floating_margin if terms.floating_margin is not None else np.nan
    rates = index_rates(schedule, fixings, policy, curve) + margin
    # all-in bounds of an index-linked period (a missing index stays missing: NaN passes through)
    # the typed floor, else zero (a choice: see the constant), then the cap
    rates = np.maximum(rates, terms.floating_floor if terms.floating_floor is not None else MINIMUM_COUPON_RATE)
    if terms.floating_cap is not None:
        rates = np.minimum(rates, terms.floating_cap)
    fixed = terms.fixed_rate if terms.fixed_rate is not None else np.nan  # (a pure floater has no fixed period)
    result = np.where(schedule.regime == FIXED, fixed, rates)
    result.flags.writeable = False
    return result


def require_known(schedule: Schedule, rates: FloatArray, needed: npt.NDArray[np.bool_] | npt.NDArray[np.int64]
                  ) -> None:
    """Raise :class:`MissingFixingError` naming the first needed period with no rate; ``needed``
    is a mask of the periods or their indices."""
    if needed.dtype != np.bool_:
        if not np.isnan(rates[needed]).any():  # the common case, without a schedule-wide mask
            return
        needed = member(np.arange(schedule.size), needed)
    missing = needed & np.isnan(rates)
    if missing.any():
        raise missing_fixing(schedule, int(np.flatnonzero(missing)[0]))


def require_known_between(schedule: Schedule, rates: FloatArray, first: int, last: int) -> None:
    """:func:`require_known` for the periods ``first..last`` (one date's periods, without numpy's
    per-call overhead: a column of refused dates is refused row by row)."""
    for k, rate in enumerate(rates[first:last + 1].tolist(), start=first):
        if rate != rate:  # NaN: no rate
            raise missing_fixing(schedule, k)


def missing_fixing(schedule: Schedule, k: int) -> MissingFixingError:
    """The refusal of period ``k``, which needs a fixing it was not given."""
    return MissingFixingError(_missing_fixing_message(schedule, k), "fixings")


@functools.lru_cache(maxsize=1024)
def _missing_fixing_message(schedule: Schedule, k: int) -> str:
    """:func:`missing_fixing`'s text, written once per period: a column of dates in one period
    without a fixing repeats it."""
    terms, determined = schedule.terms, schedule.determination_date[k]
    index = terms.floating_index if schedule.regime[k] == FLOATING else terms.post_maturity_index
    compounded = index == IndexKind.SOFR_COMPOUNDED
    label = "reset date" if index is not None and index.is_reset else \
        "rate known" if compounded else "determination date"
    when = "" if np.isnat(determined) else f" ({label} {determined})"
    supply = "daily SOFR over its observation period in fixings" if compounded else "it in fixings"
    # the prospectus fallback is the rule of a security that states a first-period fallback rate
    fallback = "" if terms.first_floating_fallback is None else f" or use policy '{POLICY_FALLBACK}'"
    return (f"no fixing for the {schedule.regime[k]} period starting {schedule.start[k]}{when}; supply {supply}, "
            f"project it with a curve{fallback}")


def index_rate(period_start: npt.ArrayLike, fixings: Fixings | None = None, policy: Policy = DEFAULT_POLICY,
               curve: ForwardCurve | None = None, convention: AccrualConvention | None = None,
               *, terms: Terms) -> FloatArray:
    """The index of the floating or post-maturity period starting on each date, before the 4.170% margin.

    ``period_start`` is a period's scheduled first day (Dec 21, 2037, Mar 21, 2038, ...) or
    its business-day-adjusted first day. Under ``"libor_act"`` the result includes the
    tenor spread adjustment.
    """
    if not terms.has_floating_period:
        require(terms, "switch_date")
    schedule = build_schedule(convention, terms=terms)
    days = np.asarray(period_start, dtype="datetime64[D]")
    periods = linked_periods(schedule, days)
    if (periods < 0).any():
        linked = np.flatnonzero(schedule.is_index_linked)
        bad = days[periods < 0].flat[0]
        raise TrupsInputError(
            f"{bad} is not the first day of a floating period ({schedule.start[linked[0]]}, "
            f"{schedule.start[linked[1]] if linked.size > 1 else ''}, ... {schedule.start[linked[-1]]})",
            "period_start")
    rates = index_rates(schedule, fixings, policy, curve)
    require_known(schedule, rates, periods)
    return np.asarray(rates[periods], dtype=np.float64)
