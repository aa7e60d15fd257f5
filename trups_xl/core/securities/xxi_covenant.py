"""Citigroup Capital XXI's capital replacement covenant as data: its dates, its categories of
replacement capital and its table of applicable percentages (p.60-64).

The covenant's rules (:mod:`trups_xl.core.provisions.covenant`) read these; a security with another
covenant would give its own table here, beside its terms file.
"""

from __future__ import annotations

import datetime as dt

#: p.61-62: the applicable percentage steps up on these dates ("on or after").
#: The first step of the table (p.61: "prior to December 21, 2027"): from the issue date, when the covenant begins.
COVENANT_START = dt.date(2007, 12, 21)
STEP_2027 = dt.date(2027, 12, 21)
STEP_2047 = dt.date(2047, 12, 21)
#: p.63 "Measurement date": six months before notice for transactions on or before this
#: date, 30 days before notice after it (XXI's scheduled maturity date).
MEASUREMENT_SWITCH = dt.date(2057, 12, 21)

COMMON_STOCK = "common_stock"
QCS_I, QCS_II, QCS_III = "qcs_i", "qcs_ii", "qcs_iii"

#: Applicable percentage by category: (first date it applies, percentage as a decimal), p.61-62.
PERCENTAGE_TABLE: dict[str, tuple[tuple[dt.date, float], ...]] = {
    # p.61 (i): common stock and rights to acquire it: 133% / 200% / 400%
    COMMON_STOCK: ((COVENANT_START, 1.33), (STEP_2027, 2.00), (STEP_2047, 4.00)),
    # p.62 (ii): 100% / 150% / 300%
    "mandatorily_convertible_preferred": ((COVENANT_START, 1.00), (STEP_2027, 1.50), (STEP_2047, 3.00)),
    "debt_exchangeable_common": ((COVENANT_START, 1.00), (STEP_2027, 1.50), (STEP_2047, 3.00)),
    "debt_exchangeable_preferred": ((COVENANT_START, 1.00), (STEP_2027, 1.50), (STEP_2047, 3.00)),
    "reit_preferred": ((COVENANT_START, 1.00), (STEP_2027, 1.50), (STEP_2047, 3.00)),
    QCS_I: ((COVENANT_START, 1.00), (STEP_2027, 1.50), (STEP_2047, 3.00)),
    # p.62 (iii): qualifying capital securities of clause (ii): 100% / 200%
    QCS_II: ((COVENANT_START, 1.00), (STEP_2047, 2.00)),
    # p.62 (iv): qualifying capital securities of clause (iii): 100%
    QCS_III: ((COVENANT_START, 1.00),),
}
CATEGORIES = tuple(PERCENTAGE_TABLE)
QCS_CATEGORIES = (QCS_I, QCS_II, QCS_III)

#: p.63-64 "Qualifying capital securities": clause (ii) securities qualify only for transactions
#: on or after Dec 21, 2027 and clause (iii) securities only on or after Dec 21, 2047 (each
#: later clause includes the earlier ones), although the percentage table (p.62) lists a
#: percentage "prior to" those dates.
QUALIFIES_FROM = {QCS_II: STEP_2027, QCS_III: STEP_2047}
