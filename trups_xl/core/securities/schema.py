"""The schema of a security's terms: every term, its kind, whether required, what it means, and the
choices and plausible range it takes (``TRUPS_TERMS()`` lists it; :mod:`~trups_xl.core.securities.terms`
builds and checks the value object from it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from trups_xl.core.conventions.adjust import PAYMENT_CONVENTIONS, AccrualConvention, BusinessDayConvention
from trups_xl.core.conventions.daycount import COUPON_DAY_COUNTS, DayCount


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
             "lowest all-in rate (index + margin) of a floating or reset period, decimal, below zero too; blank = "
             "zero (no negative coupon)",
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
