"""The terms of Citigroup Capital XXI, read from the prospectus (424(b)(2), Dec 17, 2007).

Every number the calculations use lives here, once, with the page it comes from.
Page numbers are the prospectus's own page footers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

#: Interpretation (docs/TERMS.md, p.41): floating and monthly periods accrue to the
#: business-day-adjusted (following) payment date, because from Dec 21, 2037 the text
#: drops the "without any interest ... in respect of any such delay" clause of p.21/p.41.
#: ``"unadjusted"`` keeps the scheduled dates, as the fixed periods do.
FLOATING_ACCRUAL_DEFAULT = "adjusted"
ACCRUAL_CONVENTIONS = ("adjusted", "unadjusted")


@dataclass(frozen=True)
class Terms:
    """The financial terms of the 8.300% Fixed Rate/Floating Rate Enhanced TruPS."""

    name: str = "Citigroup Capital XXI 8.300% Fixed Rate/Floating Rate Enhanced TruPS"
    cusip: str = "173094AA1"  # docs/TERMS.md (public reports)
    issue_date: dt.date = dt.date(2007, 12, 21)  # p.7 closing date; p.40 first period start
    public_offering_price: float = 0.99759  # cover
    principal_per_security: float = 1000.0  # p.19 liquidation amount $1,000
    securities_issued: int = 3_500_000  # cover: 3,500,000 capital securities
    fixed_rate: float = 0.083  # p.40 (i) 8.300% per annum
    first_payment_date: dt.date = dt.date(2008, 6, 21)  # p.19, p.40
    switch_date: dt.date = dt.date(2037, 12, 21)  # p.40 (ii) floating from and incl.
    first_quarterly_payment: dt.date = dt.date(2038, 3, 21)  # p.19, p.40
    scheduled_maturity: dt.date = dt.date(2057, 12, 21)  # p.40 (iii)
    first_monthly_payment: dt.date = dt.date(2058, 1, 21)  # p.20, p.40
    final_repayment: dt.date = dt.date(2077, 12, 21)  # cover, p.2: the "final repayment date"
    payment_day: int = 21  # p.19: the 21st of the month
    fixed_months: int = 6  # p.19 semi-annual
    floating_months: int = 3  # p.19 quarterly
    monthly_months: int = 1  # p.20 monthly
    floating_margin: float = 0.0417  # p.40: LIBOR + 4.170%
    first_floating_fallback: float = 0.0491  # p.41: 4.910% for the period from 2037-12-21
    libor_determination_lag: int = 2  # p.41: 2nd London banking day before the period
    record_date_lag: int = 1  # p.20, p.41: one business day before the payment date
    libor_rounding: float = 1e-7  # p.41: upward to 0.00001% (= 1e-7 as a decimal)
    make_whole_spread: float = 0.005  # p.38: treasury rate + 0.50%
    special_event_window_days: int = 90  # p.38: par within 90 days of the event
    extension_max_years: int = 10  # p.42: extension period not exceeding 10 years
    default_grace_days: int = 30  # p.49: failure continuing for 30 days
    apm_start_years: int = 5  # p.44: 5th anniversary of the extension period
    claim_limit_fraction: float = 0.25  # p.38: 25% of outstanding principal
    apm_max_obligation_fraction: float = 0.02  # p.46: 2% of market value
    apm_average_days: int = 10  # p.46: 10 consecutive trading days
    apm_lag_trading_days: int = 4  # p.46: ending on the 4th trading day before issuance
    share_cap_initial: int = 195_000_000  # p.47
    share_cap_ceiling: int = 1_400_000_000  # p.47
    crc_termination: dt.date = dt.date(2067, 12, 21)  # p.60 capital replacement covenant

    def as_rows(self) -> list[tuple[str, object]]:
        """The terms as (field, value) pairs, in declaration order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


#: The one instance every calculation reads.
TERMS = Terms()
