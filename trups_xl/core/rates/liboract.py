"""The federal LIBOR Act replacement of USD LIBOR for these securities.

USD LIBOR's 1- and 3-month settings were last published on June 30, 2023. The Adjustable
Interest Rate (LIBOR) Act (12 U.S.C. 5801-5807) and the Federal Reserve's Regulation ZZ
(12 CFR part 253, final rule 88 Fed. Reg. 5204, Jan. 26, 2023) replace LIBOR, by operation
of law, in contracts without a clearly defined and practicable fallback; fallbacks based on
polling banks or on the last LIBOR value — the prospectus's p.41 fallbacks — are disregarded
(12 U.S.C. 5803). For a LIBOR contract that is not a consumer loan, a derivative, an
FHFA-regulated-entity contract or a FFELP ABS, the Board-selected benchmark replacement for
1- and 3-month LIBOR is the corresponding CME Term SOFR plus the tenor spread adjustment
(12 CFR 253.4(b)(1)(ii), 253.4(c); 12 U.S.C. 5802(20)), applying from the LIBOR
replacement date: the first London banking day after June 30, 2023 (12 U.S.C. 5802;
12 CFR 253.2, definitions).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from trups_xl.core.conventions.calendars import LONDON

#: Last publication of the 1- and 3-month USD LIBOR settings (docs/TERMS.md; FCA, March 5, 2021).
LIBOR_LAST_PUBLICATION = dt.date(2023, 6, 30)

#: 12 U.S.C. 5802(20)(B)-(C), 12 CFR 253.4(c): tenor spread adjustment, decimal, by LIBOR
#: tenor in months — 0.11448% for 1-month LIBOR, 0.26161% for 3-month LIBOR.
TENOR_SPREAD_ADJUSTMENT = {1: 0.0011448, 3: 0.0026161}

#: The replacement benchmark's name, by tenor in months (12 CFR 253.4(b)(1)(ii)).
REPLACEMENT_BENCHMARK = {1: "1-month CME Term SOFR", 3: "3-month CME Term SOFR"}


@functools.cache
def libor_replacement_date() -> dt.date:
    """The LIBOR replacement date: the first London banking day after June 30, 2023 (12 U.S.C. 5802;
12 CFR 253.2, definitions)."""
    day: dt.date = LONDON.advance(np.datetime64(LIBOR_LAST_PUBLICATION, "D"), 1).astype("datetime64[D]").item()
    return day
