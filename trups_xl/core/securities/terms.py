"""A security's terms as a value: the schema, the frozen value object and its validation.

Every calculation takes a :class:`Terms` (frozen, hashable) explicitly, with no default: a
caller that forgets the security is an error, never silently Citigroup Capital XXI. Where terms
come from (the shipped files, a user's table, lookup by id or CUSIP) is
:mod:`trups_xl.core.securities.loading`.

The schema (:data:`SCHEMA`) is the contract: the terms of a plain fixed-rate or
fixed-to-floating security first, then the further terms Citigroup Capital XXI needs (its
regime after the scheduled maturity, deferral, APM, share cap, covenant, special events). A
function that needs a term the security does not have says which
(:func:`require`); nothing is assumed in its place.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from trups_xl.core.conventions.adjust import AccrualConvention, BusinessDayConvention
from trups_xl.core.conventions.calendars import outside_calendars
from trups_xl.core.conventions.choices import choices_text, parse_choice
from trups_xl.core.conventions.daycount import DayCount
from trups_xl.core.conventions.stepping import last_step_on_or_before
from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.schema import (
    ARGUMENT as ARGUMENT,
)
from trups_xl.core.securities.schema import (
    DEFAULTS as DEFAULTS,
)
from trups_xl.core.securities.schema import (
    FEATURES as FEATURES,
)
from trups_xl.core.securities.schema import (
    FIXED_TERMS as FIXED_TERMS,
)
from trups_xl.core.securities.schema import (
    FLOATING_TERMS as FLOATING_TERMS,
)
from trups_xl.core.securities.schema import (
    FREQUENCIES as FREQUENCIES,
)
from trups_xl.core.securities.schema import (
    INDEX_MONTHS as INDEX_MONTHS,
)
from trups_xl.core.securities.schema import (
    INDEXES as INDEXES,
)
from trups_xl.core.securities.schema import (
    PERPETUAL_HORIZON as PERPETUAL_HORIZON,
)
from trups_xl.core.securities.schema import (
    REQUIRED as REQUIRED,
)
from trups_xl.core.securities.schema import (
    SCHEMA as SCHEMA,
)
from trups_xl.core.securities.schema import (
    SPECS as SPECS,
)
from trups_xl.core.securities.schema import (
    IndexKind as IndexKind,
)
from trups_xl.core.securities.schema import (
    TermSpec as TermSpec,
)


@dataclass(frozen=True)
class Terms:
    """The terms of one security (see :data:`SCHEMA`); build with :func:`from_mapping`."""

    id: str | None
    name: str
    cusip: str | None
    liquidation_amount: float
    issue_date: dt.date
    first_payment_date: dt.date
    maturity_date: dt.date | None
    fixed_rate: float | None  # None: a pure floater (floating from issue_date)
    fixed_frequency: int | None
    fixed_day_count: DayCount | None
    switch_date: dt.date | None
    floating_index: IndexKind | None
    floating_margin: float | None
    floating_frequency: int | None
    floating_day_count: DayCount | None
    business_day_convention: BusinessDayConvention | None
    floating_accrual: AccrualConvention | None
    floating_floor: float | None
    floating_cap: float | None
    reset_years: int | None
    sofr_lookback_days: int | None
    sofr_observation_shift: bool | None
    sofr_lockout_days: int | None
    payment_delay_days: int | None
    cumulative: bool
    par_call_date: dt.date | None
    make_whole_spread: float | None
    securities_issued: int | None
    public_offering_price: float | None
    scheduled_maturity_date: dt.date | None
    post_maturity_index: IndexKind | None
    post_maturity_frequency: int | None
    libor_determination_lag: int | None
    record_date_lag: int | None
    first_floating_fallback: float | None
    libor_rounding: float | None
    special_event_window_days: int | None
    extension_max_years: int | None
    default_grace_days: int | None
    claim_limit_fraction: float | None
    apm_start_years: int | None
    apm_max_obligation_fraction: float | None
    apm_average_days: int | None
    apm_lag_trading_days: int | None
    share_cap_initial: int | None
    share_cap_ceiling: int | None
    crc_termination: dt.date | None

    # Terms key every cache (schedules, rate vectors, calendars' lists): the hash of 38 fields is
    # computed once per object instead of on every lookup (~1 us each, several per cell's call).
    def __hash__(self) -> int:
        return self._field_hash

    @functools.cached_property
    def _field_hash(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    # -- derived, for readability of the rules ----------------------------------------------------
    @property
    def final_repayment(self) -> dt.date:
        """The last day interest accrues to: the maturity date, or for a perpetual security the last
        payment date on or before :data:`PERPETUAL_HORIZON`."""
        return self.maturity_date if self.maturity_date is not None else self._perpetual_end

    @functools.cached_property
    def _perpetual_end(self) -> dt.date:
        anchor, months = (self.switch_date, self.floating_months) if self.switch_date is not None \
            else (self.first_payment_date, self.floating_months if self.is_pure_floater else self.fixed_months)
        return last_step_on_or_before(anchor, months, PERPETUAL_HORIZON)

    @property
    def is_perpetual(self) -> bool:
        """True when the security has no maturity date."""
        return self.maturity_date is None

    @property
    def fixed_coupon_rate(self) -> float:
        """The fixed period's rate; a pure floater (no fixed period) is refused naming ``fixed_rate``."""
        return float(require(self, "fixed_rate", "fixed period"))

    @property
    def fixed_payments_per_year(self) -> int:
        """The fixed period's payments a year; a pure floater is refused naming ``fixed_frequency``."""
        return int(require(self, "fixed_frequency", "fixed period"))

    @property
    def is_pure_floater(self) -> bool:
        """True for a security floating from its issue date (no fixed period: no fixed_rate)."""
        return self.fixed_rate is None

    @property
    def has_floating_period(self) -> bool:
        """True when some periods pay the floating index: a switch_date, or a pure floater."""
        return self.switch_date is not None or self.is_pure_floater

    @property
    def floating_start(self) -> dt.date | None:
        """First day of the floating period: the switch date, a pure floater's issue date; else None."""
        return self.issue_date if self.is_pure_floater else self.switch_date

    @property
    def fixed_end(self) -> dt.date:
        """Last day (exclusive) of the fixed period (a pure floater's issue date: it has none)."""
        return self.floating_start or self.final_repayment

    @property
    def floating_end(self) -> dt.date:
        """Last day (exclusive) of the floating period."""
        return self.scheduled_maturity_date or self.final_repayment

    @property
    def scheduled_maturity(self) -> dt.date:
        """XXI's scheduled maturity date (2057-12-21), else the maturity date: the floating period's end."""
        return self.floating_end

    @property
    def fixed_months(self) -> int:
        """Months between fixed payments."""
        return 12 // self.fixed_payments_per_year

    @property
    def floating_months(self) -> int:
        """Months between floating payments."""
        return 12 // int(require(self, "floating_frequency"))

    @property
    def post_maturity_months(self) -> int:
        """Months between payments after the scheduled maturity date."""
        return 12 // int(require(self, "post_maturity_frequency"))

    def as_rows(self) -> list[tuple[str, object]]:
        """The terms as (term, value) pairs in schema order; ``None`` where a term is absent."""
        return [(f.name, str(v) if isinstance(v := getattr(self, f.name), StrEnum) else v) for f in fields(self)]


def require(terms: Terms, term: str, feature: str | None = None) -> Any:
    """The value of ``term``; refuse, naming it, when the security does not have it."""
    value = getattr(terms, term)
    if value is None:
        what = feature or FEATURES.get(term, term.replace("_", " "))
        raise TrupsInputError(f"{_short(terms.name)} has no {what} (no {term} in its terms)", ARGUMENT)
    return value


def _short(name: str) -> str:
    """The name up to its coupon ("Citigroup Capital XIII 7.875% ..." -> "Citigroup Capital XIII")."""
    words = []
    for word in name.split():
        if any(ch.isdigit() for ch in word) and "%" in word:
            break
        words.append(word)
    return " ".join(words) or name


# ---- building and checking --------------------------------------------------------------------

def _bad(term: str, message: str) -> TrupsInputError:
    return TrupsInputError(f"{term} {message}", ARGUMENT)


def _value(spec: TermSpec, value: object) -> object:
    """A Python value (from TOML or converted from a cell) checked against its kind."""
    kind, term = spec.kind, spec.name
    if kind == "choice" and spec.choice is not None and isinstance(value, spec.choice) \
            and value in (spec.accepted or tuple(spec.choice)):
        return value
    if kind in ("text", "choice"):
        if not isinstance(value, str) or not value.strip():
            raise _bad(term, f"must be text; got {value!r}")
        text = value.strip()
        if kind == "choice" and spec.choice is not None:
            members = spec.accepted or tuple(spec.choice)
            try:
                return parse_choice(spec.choice, text, ARGUMENT, accepted=members)
            except TrupsInputError:
                raise _bad(term, f"must be {choices_text(members, ' or ')}; got {text!r}") from None
        return text
    if kind == "flag":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise _bad(term, f"must be true or false; got {value!r}")
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise _bad(term, f"must be a date; got {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(term, f"must be a number; got {value!r}")
    number = float(value)
    checked = _number(spec, number, value)
    if spec.bounds is not None and not spec.bounds[0] <= number <= spec.bounds[1]:
        lo, hi = spec.bounds
        raise _bad(term, f"must be within {lo:g}..{hi:g}; got {value!r}")
    return checked


def _number(spec: TermSpec, number: float, value: object) -> float | int:
    """A number checked against its kind (before its plausible range)."""
    kind, term = spec.kind, spec.name
    if kind == "rate":
        if abs(number) >= 1:
            raise _bad(term, f"must be a decimal (0.083 for 8.3%); got {value!r}")
        return number
    if kind == "price":
        if not 0 < number < 2:
            raise _bad(term, f"must be a decimal of par (1 for par); got {value!r}")
        return number
    if kind == "amount":
        if not 0 < number <= 1e13:
            raise _bad(term, f"must be a positive amount; got {value!r}")
        return number
    if kind == "frequency":
        if number not in FREQUENCIES:
            raise _bad(term, f"must be 1, 2, 4 or 12; got {value!r}".replace(".0;", ";"))
        return int(number)
    if number != int(number) or number < 0:  # count
        raise _bad(term, f"must be a whole number >= 0; got {value!r}")
    return int(number)


def from_mapping(values: Mapping[str, object]) -> Terms:
    """Terms from ``{term: value}`` (``None`` = absent), every term checked, dates in order.

    Raises
    ------
    TrupsInputError
        Naming the term: unknown, missing, a bad value, or dates out of order.
    """
    unknown = [k for k in values if k not in SPECS]
    if unknown:
        raise TrupsInputError(f"unknown term {unknown[0]!r} (TRUPS_TERMS() lists the terms)", ARGUMENT)
    checked = {k: None if v is None else _value(SPECS[k], v) for k, v in values.items()}
    for spec in SCHEMA:  # every date of the security within the calendars, refused by its term's name
        day = checked.get(spec.name)
        if spec.kind == "date" and isinstance(day, dt.date) and (why := outside_calendars(day)) is not None:
            raise TrupsInputError(f"{spec.name}: {why}", ARGUMENT)
    for term in REQUIRED:
        if checked.get(term) is None:
            raise TrupsInputError(f"missing required term {term}", ARGUMENT)
    index = checked.get("floating_index")
    pure_floater = isinstance(index, IndexKind) and checked.get("fixed_rate") is None \
        and checked.get("switch_date") is None
    if pure_floater:
        given = [term for term in FIXED_TERMS if checked.get(term) is not None]
        if given:
            raise TrupsInputError(f"{given[0]} describes a fixed period: a security with a floating_index and no "
                                  "fixed_rate or switch_date floats from issue (a pure floater) and has none",
                                  ARGUMENT)
        if isinstance(index, IndexKind) and index.is_reset:
            raise TrupsInputError(f"the reset index {index} needs a fixed_rate and a switch_date (the first reset "
                                  "date); a pure floater cannot reset", ARGUMENT)
        libor = isinstance(index, IndexKind) and index.is_libor
        _require(checked, [term for term in FLOATING_TERMS if libor or term != "libor_determination_lag"],
                 "a floating_index and no fixed_rate (a pure floater)")
    else:
        for term in FIXED_TERMS:
            if checked.get(term) is None:
                raise TrupsInputError(f"missing required term {term}", ARGUMENT)
    if checked.get("switch_date") is not None:
        libor = isinstance(index, IndexKind) and index.is_libor
        # only LIBOR is determined in London a set number of days ahead
        _require(checked, [term for term in FLOATING_TERMS if libor or term != "libor_determination_lag"],
                 "a switch_date")
    if checked.get("scheduled_maturity_date") is not None:
        _require(checked, ["post_maturity_index", "post_maturity_frequency"], "a scheduled_maturity_date")
    if isinstance(index, IndexKind) and index.is_reset:
        _require(checked, ["reset_years"], f"the reset index {index}")
    if index == IndexKind.SOFR_COMPOUNDED:
        _require(checked, ["sofr_lookback_days", "sofr_observation_shift"], "sofr_compounded")
    elif any(checked.get(term) is not None for term in ("sofr_lookback_days", "sofr_observation_shift",
                                                         "sofr_lockout_days")):
        raise TrupsInputError("sofr_lookback_days, sofr_observation_shift and sofr_lockout_days need "
                              "floating_index sofr_compounded",
                              ARGUMENT)
    if checked.get("payment_delay_days") is not None and checked.get("switch_date") is None and not pure_floater:
        raise TrupsInputError("payment_delay_days delays a floating period's payment: it needs a switch_date",
                              ARGUMENT)
    if checked.get("reset_years") is not None and not (isinstance(index, IndexKind) and index.is_reset):
        raise TrupsInputError("reset_years needs a reset floating_index (ust_5y)", ARGUMENT)
    post = checked.get("post_maturity_index")
    if isinstance(post, IndexKind) and post.is_reset:
        raise TrupsInputError("post_maturity_index cannot be a reset index", ARGUMENT)
    if checked.get("maturity_date") is None and checked.get("scheduled_maturity_date") is not None:
        raise TrupsInputError("a scheduled_maturity_date needs a maturity_date (blank maturity_date = perpetual)",
                              ARGUMENT)
    floor, cap = checked.get("floating_floor"), checked.get("floating_cap")
    if floor is not None and cap is not None and floor > cap:  # type: ignore[operator]
        raise TrupsInputError(f"floating_floor {floor} is above floating_cap {cap}", ARGUMENT)
    if (floor is not None or cap is not None) and checked.get("switch_date") is None and not pure_floater:
        raise TrupsInputError("floating_floor and floating_cap bound a floating period: they need a switch_date",
                              ARGUMENT)
    for term, default in DEFAULTS.items():
        if checked.get(term) is None:
            checked[term] = default
    if checked.get("make_whole_spread") is not None and checked.get("par_call_date") is None:
        raise TrupsInputError("make_whole_spread needs a par_call_date (the make-whole applies before it)",
                              ARGUMENT)
    terms = Terms(**{f.name: checked.get(f.name) for f in fields(Terms)})  # type: ignore[arg-type]
    _check_order(terms)
    return terms


def _require(checked: Mapping[str, object], terms: Iterable[str], reason: str) -> None:
    """Refuse the first of ``terms`` that is absent, naming it and why it is needed."""
    for term in terms:
        if checked.get(term) is None:
            raise TrupsInputError(f"missing term {term}, required with {reason}", ARGUMENT)


def _check_order(t: Terms) -> None:
    def before(a: str, b: str, strict: bool = True) -> None:
        first, second = getattr(t, a), getattr(t, b)
        if first is None or second is None:
            return
        if first > second or (strict and first == second):
            raise TrupsInputError(f"{a} {first} must be {'before' if strict else 'on or before'} {b} {second}",
                                  ARGUMENT)

    before("issue_date", "first_payment_date")
    before("first_payment_date", "switch_date", strict=False)
    before("first_payment_date", "maturity_date", strict=False)
    before("switch_date", "maturity_date")
    before("switch_date", "scheduled_maturity_date")
    before("scheduled_maturity_date", "maturity_date")
    before("issue_date", "par_call_date")
    before("par_call_date", "maturity_date", strict=False)
    before("issue_date", "crc_termination")
