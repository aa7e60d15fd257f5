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

from trups_xl.core.conventions.adjust import PAYMENT_CONVENTIONS, AccrualConvention, BusinessDayConvention
from trups_xl.core.conventions.calendars import outside_calendars
from trups_xl.core.conventions.choices import choices_text, parse_choice
from trups_xl.core.conventions.daycount import COUPON_DAY_COUNTS, DayCount
from trups_xl.core.conventions.stepping import last_step_on_or_before
from trups_xl.core.errors import TrupsInputError


class IndexKind(StrEnum):
    """The index an index-linked period pays over (its margin added)."""

    USD_LIBOR_3M = "usd_libor_3m"
    USD_LIBOR_1M = "usd_libor_1m"
    #: CME Term SOFR as published, with no spread adjustment (new issues since LIBOR's end)
    TERM_SOFR_3M = "term_sofr_3m"
    TERM_SOFR_1M = "term_sofr_1m"
    #: the five-year U.S. Treasury rate, for fixed-rate resets: set at each reset date and held
    #: for every period until the next (``reset_years``)
    UST_5Y = "ust_5y"
    #: SOFR compounded daily in arrears over each period (``sofr_lookback_days``,
    #: ``sofr_observation_shift``); fixings are a table of daily SOFR
    SOFR_COMPOUNDED = "sofr_compounded"

    @property
    def months(self) -> int:
        """The index's tenor in months."""
        return INDEX_MONTHS[self]

    @property
    def is_libor(self) -> bool:
        """True for USD LIBOR, which the LIBOR Act replaces (with its tenor spread adjustment)."""
        return self in (IndexKind.USD_LIBOR_3M, IndexKind.USD_LIBOR_1M)

    @property
    def is_reset(self) -> bool:
        """True for an index set once per reset period (every ``reset_years``), not every period."""
        return self is IndexKind.UST_5Y


INDEX_MONTHS = {IndexKind.USD_LIBOR_3M: 3, IndexKind.USD_LIBOR_1M: 1, IndexKind.TERM_SOFR_3M: 3,
                IndexKind.TERM_SOFR_1M: 1, IndexKind.UST_5Y: 60,
                IndexKind.SOFR_COMPOUNDED: 0}
#: A perpetual security's schedule runs to its last payment date on or before this day: as far as
#: the calendars reach (they cover 1970-2100; payment dates are rolled to business days).
PERPETUAL_HORIZON = dt.date(2100, 12, 1)
#: Index -> tenor in months.
INDEXES = INDEX_MONTHS
FREQUENCIES = (1, 2, 4, 12)

#: The argument name every error about a security's terms carries.
ARGUMENT = "security"


@dataclass(frozen=True)
class TermSpec:
    """One term of the schema: its name, kind of value, whether required, and what it means."""

    name: str
    kind: str  # text, date, amount, rate, price, frequency, count, choice, flag
    required: bool
    meaning: str
    choice: type[StrEnum] | None = None  # the enum a "choice" term is one of
    #: the members of ``choice`` the term takes (default: every member)
    accepted: tuple[StrEnum, ...] | None = None
    #: plausible range of a number (inclusive): a value outside is refused, never computed with
    bounds: tuple[float, float] | None = None


SCHEMA: tuple[TermSpec, ...] = (
    TermSpec("id", "text", False, "short identifier; a shipped security's is its data file's name"),
    TermSpec("name", "text", True, "free text"),
    TermSpec("cusip", "text", False, "CUSIP, so the security can be named by it"),
    TermSpec("liquidation_amount", "amount", True,
             "principal per security (1000 for XXI, 25 for XIII); the default principal of every function",
             bounds=(0.01, 1e6)),
    TermSpec("issue_date", "date", True, "interest accrues from it"),
    TermSpec("first_payment_date", "date", True,
             "first interest payment date; a long or short first period follows from it"),
    TermSpec("maturity_date", "date", False,
             "final maturity (XXI: 2077-12-21, its final repayment date); blank = perpetual (schedules run to the "
             "last payment date on or before 2100-12-01, as far as the calendars reach)"),
    TermSpec("fixed_rate", "rate", False,
             "coupon of the fixed period, decimal (0.083); required, with fixed_frequency and fixed_day_count, unless "
             "the security floats from issue (a pure floater: floating_index and no switch_date)", bounds=(0.0, 0.25)),
    TermSpec("fixed_frequency", "frequency", False, "payments a year in the fixed period: 1, 2, 4 or 12"),
    TermSpec("fixed_day_count", "choice", False, "30/360 (Bond Basis) or ACT/360", DayCount,
             accepted=COUPON_DAY_COUNTS),
    TermSpec("switch_date", "date", False, "first day of the floating period; blank = fixed to maturity"),
    TermSpec("floating_index", "choice", False,
             "usd_libor_3m, usd_libor_1m (policies fixings, libor_act, prospectus_fallback), term_sofr_3m, "
             "term_sofr_1m, sofr_compounded (daily SOFR in arrears) or ust_5y (a fixed-rate reset); with no "
             "fixed_rate and no switch_date, a pure floater: floating from issue_date, which then needs floating_margin, "
             "floating_frequency, floating_day_count, business_day_convention (and for LIBOR libor_determination_lag)",
             IndexKind),
    TermSpec("floating_margin", "rate", False, "margin over the index, decimal (0.0417)", bounds=(-0.05, 0.15)),
    TermSpec("floating_frequency", "frequency", False, "payments a year in the floating period"),
    TermSpec("floating_day_count", "choice", False, "ACT/360 or 30/360", DayCount,
             accepted=COUPON_DAY_COUNTS),
    TermSpec("business_day_convention", "choice", False,
             "following or modified_following for floating payment and accrual dates (fixed periods accrue "
             "unadjusted and are paid the following business day); required with a switch_date",
             BusinessDayConvention, accepted=PAYMENT_CONVENTIONS),
    TermSpec("floating_accrual", "choice", False,
             "adjusted (floating periods accrue to the business-day-adjusted payment date, XXI's reading of p.41) "
             "or unadjusted (to the scheduled date, paid on the next business day); blank: adjusted, but unadjusted "
             "for a reset index (ust_5y), whose periods are fixed-rate periods", AccrualConvention),
    TermSpec("floating_floor", "rate", False,
             "lowest all-in rate (index + margin) of a floating or reset period, decimal; blank = none",
             bounds=(-0.05, 0.25)),
    TermSpec("floating_cap", "rate", False,
             "highest all-in rate (index + margin) of a floating or reset period, decimal; blank = none",
             bounds=(0.0, 0.5)),
    TermSpec("reset_years", "count", False,
             "for a reset index (ust_5y): years between reset dates, from switch_date; the rate set at a reset "
             "date holds for every period until the next", bounds=(1, 30)),
    TermSpec("sofr_lookback_days", "count", False,
             "compounded SOFR: U.S. Government Securities business days each day's SOFR is looked back",
             bounds=(0, 10)),
    TermSpec("sofr_observation_shift", "flag", False,
             "compounded SOFR: true = the observation period is shifted back (weights from it), false = lookback "
             "without shift"),
    TermSpec("sofr_lockout_days", "count", False,
             "compounded SOFR: the last business days of a period that repeat the SOFR before them; blank = 0",
             bounds=(0, 10)),
    TermSpec("payment_delay_days", "count", False,
             "floating periods are paid this many business days (New York and U.S. Government Securities) after "
             "each period's end, the last at maturity with SOFR fixed from that many days before it; blank = 0",
             bounds=(0, 10)),
    TermSpec("cumulative", "flag", False,
             "true (blank: TruPS, cumulative) or false: an undeclared non-cumulative dividend is never owed"),
    TermSpec("par_call_date", "date", False, "optional redemption at par from this date; blank = none"),
    TermSpec("make_whole_spread", "rate", False,
             "spread over the treasury rate of a make-whole redemption before par_call_date; blank = none",
             bounds=(0.0, 0.1)),
    # -- further terms (Citigroup Capital XXI) --
    TermSpec("securities_issued", "count", False, "number of securities issued", bounds=(1, 1e10)),
    TermSpec("public_offering_price", "price", False, "offering price as a decimal of par (0.99759; 1 for par)"),
    TermSpec("scheduled_maturity_date", "date", False,
             "end of the floating period when principal may remain outstanding to maturity_date "
             "(XXI: 2057-12-21); blank = floating to maturity_date"),
    TermSpec("post_maturity_index", "choice", False,
             "index after scheduled_maturity_date (XXI: usd_libor_1m), plus floating_margin", IndexKind),
    TermSpec("post_maturity_frequency", "frequency", False, "payments a year after scheduled_maturity_date"),
    TermSpec("libor_determination_lag", "count", False,
             "London banking days between the index determination date and the period's first day", bounds=(0, 10)),
    TermSpec("record_date_lag", "count", False,
             "New York business days between the record date and the payment date; blank = none given", bounds=(0, 60)),
    TermSpec("first_floating_fallback", "rate", False,
             "index of the first floating period when no rate can be determined (XXI: 0.0491, p.41)", bounds=(0.0, 0.25)),
    TermSpec("libor_rounding", "rate", False, "quotation averages round up to this step (XXI: 0.0000001, p.41)",
             bounds=(1e-09, 0.01)),
    TermSpec("special_event_window_days", "count", False,
             "days after a special event within which it allows redemption (XXI: 90)", bounds=(1, 3650)),
    TermSpec("extension_max_years", "count", False, "longest deferral (extension period) in years (XXI: 10)",
             bounds=(1, 30)),
    TermSpec("default_grace_days", "count", False, "days a payment failure continues before an event of default",
             bounds=(0, 365)),
    TermSpec("claim_limit_fraction", "rate", False, "bankruptcy claim cap for deferred interest, of principal",
             bounds=(0.0, 0.5)),
    TermSpec("apm_start_years", "count", False, "anniversary of the extension period the APM obligation ends at",
             bounds=(1, 30)),
    TermSpec("apm_max_obligation_fraction", "rate", False, "APM maximum obligation, of market capitalisation",
             bounds=(0.0, 0.5)),
    TermSpec("apm_average_days", "count", False, "trading days averaged for the APM price", bounds=(1, 250)),
    TermSpec("apm_lag_trading_days", "count", False, "trading days between the APM window's end and issuance",
             bounds=(0, 60)),
    TermSpec("share_cap_initial", "count", False, "share cap amount in shares, before corporate actions",
             bounds=(1, 1e12)),
    TermSpec("share_cap_ceiling", "count", False, "most the share cap must be raised to, before corporate actions",
             bounds=(1, 1e12)),
    TermSpec("crc_termination", "date", False,
             "end of a capital replacement covenant with XXI's table of percentages (p.60-62)"),
)
SPECS = {s.name: s for s in SCHEMA}
REQUIRED = tuple(s.name for s in SCHEMA if s.required)
#: The terms of a fixed period: required unless the security is a pure floater (floating from issue).
FIXED_TERMS = ("fixed_rate", "fixed_frequency", "fixed_day_count")
FLOATING_TERMS = ("floating_index", "floating_margin", "floating_frequency", "floating_day_count",
                  "libor_determination_lag", "business_day_convention")
#: What a term is when a security does not give it: trust preferred securities defer cumulatively.
DEFAULTS: dict[str, object] = {"cumulative": True}
#: What a function that needs the term is called, for "has no ..." messages.
FEATURES = {
    "make_whole_spread": "make-whole", "par_call_date": "par call", "switch_date": "floating period",
    "extension_max_years": "deferral terms", "claim_limit_fraction": "bankruptcy claim limit",
    "apm_max_obligation_fraction": "APM", "apm_average_days": "APM", "apm_lag_trading_days": "APM",
    "apm_start_years": "APM", "share_cap_initial": "share cap", "share_cap_ceiling": "share cap",
    "crc_termination": "capital replacement covenant", "special_event_window_days": "special-event redemption",
    "first_floating_fallback": "first-period fallback rate", "libor_rounding": "quotation rounding rule",
    "scheduled_maturity_date": "scheduled maturity before its final maturity",
    "securities_issued": "number of securities issued", "default_grace_days": "event-of-default grace period",
}


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
