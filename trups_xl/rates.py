"""Index fixings and the coupon rate of every period.

Floating and monthly interest = (index + 4.170%) x Act/360 (p.40). The index of each
period is supplied by the user as fixings: one rate for every index-linked period, or a
table of period-start date -> rate. Policies (the ``policy`` argument):

* ``"fixings"`` (default): every index-linked period the calculation touches must have a
  fixing; a missing one is an error naming the period's start date.
* ``"prospectus_fallback"``: a period without a fixing takes the previous period's index,
  and the quarterly period beginning Dec 21, 2037 takes 4.910% (p.41).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trups_xl.errors import MissingFixingError, TrupsInputError
from trups_xl.schedule import FIXED, Schedule
from trups_xl.terms import TERMS

POLICY_FIXINGS = "fixings"
POLICY_FALLBACK = "prospectus_fallback"
POLICIES = (POLICY_FIXINGS, POLICY_FALLBACK)
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
                policy: str = DEFAULT_POLICY) -> FloatArray:
    """The index of every period (NaN for fixed periods and for periods with no fixing).

    Raises
    ------
    TrupsInputError
        A table date that is not the start of an index-linked period, or an unknown policy.
    """
    if policy not in POLICIES:
        raise TrupsInputError(f"unknown policy {policy!r}; accepted: {', '.join(POLICIES)}", "policy")
    fixings = fixings or Fixings()
    rates = np.full(schedule.size, np.nan)
    linked = schedule.is_index_linked
    if fixings.single is not None:
        rates[linked] = fixings.single
    if fixings.table:
        starts = schedule.start.astype("datetime64[D]")
        adjusted = schedule.accrual_start
        seen: dict[int, float] = {}
        for day, rate in fixings.table:
            d = np.datetime64(day, "D")
            hits = np.flatnonzero(linked & ((starts == d) | (adjusted == d)))
            if hits.size == 0:
                nearest = starts[linked][np.argmin(np.abs((starts[linked] - d).astype(np.int64)))]
                raise TrupsInputError(
                    f"{day.isoformat()} is not the first day of a floating or monthly period "
                    f"(nearest: {nearest}); fixings are keyed by period start date",
                    "fixings",
                )
            k = int(hits[0])
            if k in seen and seen[k] != rate:
                raise TrupsInputError(
                    f"two different fixings for the period starting {starts[k]}", "fixings"
                )
            seen[k] = rate
            rates[k] = rate
    if policy == POLICY_FALLBACK:
        first = int(np.flatnonzero(linked)[0])
        if np.isnan(rates[first]):
            rates[first] = TERMS.first_floating_fallback  # p.41: 4.910%
        for k in range(first + 1, schedule.size):
            if np.isnan(rates[k]):
                rates[k] = rates[k - 1]  # p.41: LIBOR as determined for the previous period
    return rates


def coupon_rates(schedule: Schedule, fixings: Fixings | None = None,
                 policy: str = DEFAULT_POLICY) -> FloatArray:
    """The annual coupon rate of every period: 8.300% fixed, index + 4.170% after (p.40)."""
    rates = index_rates(schedule, fixings, policy) + TERMS.floating_margin
    return np.where(schedule.regime == FIXED, TERMS.fixed_rate, rates)


def require_known(schedule: Schedule, rates: FloatArray, needed: npt.NDArray[np.bool_]) -> None:
    """Raise :class:`MissingFixingError` naming the first needed period with no rate."""
    missing = needed & np.isnan(rates)
    if missing.any():
        k = int(np.flatnonzero(missing)[0])
        raise MissingFixingError(
            f"no fixing for the {schedule.regime[k]} period starting {schedule.start[k]} "
            f"(determination date {schedule.determination_date[k]}); supply it in fixings "
            f"or use policy {POLICY_FALLBACK!r}",
            "fixings",
        )
