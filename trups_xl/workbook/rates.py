"""The "Rates after LIBOR" sheet: the index under each policy."""

from __future__ import annotations

from openpyxl import Workbook

from trups_xl.excel import udfs
from trups_xl.workbook.layout import (
    DATE_FORMAT,
    FIXING_SPARE_ROWS,
    MONEY,
    RATE,
    RATE_5,
    SAMPLE_QUOTES,
    SAMPLE_TERM_SOFR,
    Sheet,
    _d,
    _schedule_table,
)


def _rates_after_libor(wb: Workbook) -> None:
    """The index under each policy, a projection on a curve, and p.41's quotation average."""
    ix = Sheet(wb, "Rates after LIBOR", "The index after LIBOR",
               "LIBOR ceased after 2023-06-30; the LIBOR Act replaces it with CME Term SOFR + a tenor spread.")
    ix.section("Inputs")
    ix.input("Ix_Start", "Period start (date)", _d("2037-12-21"), DATE_FORMAT)
    ix.input("Ix_PolicyAct", "Policy: LIBOR Act", "libor_act")
    ix.input("Ix_PolicyFallback", "Policy: prospectus text", "prospectus_fallback")
    ix.input("Ix_Curve", "Flat forward 3M/1M Term SOFR (%)", 0.035, RATE)
    ix.input("Ix_From", "Projection from payment date", _d("2037-12-21"), DATE_FORMAT)
    ix.input("Ix_To", "Projection to payment date", _d("2039-12-21"), DATE_FORMAT)
    ix.input("Ix_Principal", "Principal ($)", 1000, MONEY)
    ix.table_input("Ix_Fixings", "3-month Term SOFR fixings (%)", ["period_start", "rate"],
                   [[_d(d), r] for d, r in SAMPLE_TERM_SOFR], [DATE_FORMAT, RATE], spare_rows=FIXING_SPARE_ROWS)
    ix.table_input("Ix_Quotes", "London bank quotations (%)", ["q1", "q2", "q3"], [SAMPLE_QUOTES],
                   [RATE_5] * 3)
    ix.section("Outputs")
    ix.output("Result_IndexAct", "Index under the LIBOR Act (%)",
              "=TRUPS_INDEX_RATE(Ix_Start,Ix_PolicyAct,Ix_Fixings,Ix_Curve)", RATE_5)
    ix.output("Result_IndexText", "Index under the prospectus text (%)",
              "=TRUPS_INDEX_RATE(Ix_Start,Ix_PolicyFallback)", RATE_5)
    ix.output("Result_LiborQuotes", "LIBOR from the quotations (%)", "=TRUPS_LIBOR_FROM_QUOTES(Ix_Quotes)", RATE_5)
    _schedule_table(ix, "Projection: fixings, then the curve",
                    "=TRUPS_SCHEDULE(Ix_From,Ix_To,Ix_Fixings,Ix_Principal,Ix_PolicyAct,Ix_Curve)",
                    udfs.TRUPS_SCHEDULE(_d("2037-12-21"), _d("2039-12-21"),
                                        [[_d(d), r] for d, r in SAMPLE_TERM_SOFR], 1000, "libor_act", 0.035))
