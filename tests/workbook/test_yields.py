"""The "Yield & risk" sheet: every measure for a security chosen by id and for the legacy floater, on
named inputs only, and the yield to each workout date as a table."""

from openpyxl import Workbook

from trups_xl.core.securities.loading import shipped
from trups_xl.workbook.yields import LEGACY_FLOATER_ID, _yields


def test_the_sheet_asks_every_measure_of_both_securities_from_named_inputs():
    wb = Workbook()
    _yields(wb)
    ws = wb["Yield & risk"]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    for name in ("TRUPS_YIELD", "TRUPS_WORKOUT_DATE", "TRUPS_PRICE", "TRUPS_SPREAD", "TRUPS_DISCOUNT_MARGIN"):
        assert any(name + "(" in f for f in formulas), name
    measures = {m for m in ("modified", "macaulay", "convexity", "dv01", "effective_duration", "effective_convexity",
                            "spread_duration") if any(f'"{m}"' in f for f in formulas)}
    assert len(measures) == 7
    for suffix in ("YR1", "YR2"):  # each result named, one column per security
        assert {f"Result_{suffix}YTW", f"Result_{suffix}Workout", f"Result_{suffix}DM"} <= set(wb.defined_names)
    assert sum("YR_Legacy" in f for f in formulas) >= 15 and sum("YR_Security" in f for f in formulas) >= 15
    tables = [f.text for row in ws.iter_rows() for c in row if hasattr(f := c.value, "text")]
    assert sum("TRUPS_WORKOUTS(" in t for t in tables) == 2


def test_the_legacy_floater_chosen_on_the_sheet_is_a_shipped_pure_floater_callable_since_2008():
    wb = Workbook()
    _yields(wb)
    ws = wb["Yield & risk"]
    assert LEGACY_FLOATER_ID in [c.value for row in ws.iter_rows() for c in row]  # typed as its id, like XXI
    legacy = shipped()[LEGACY_FLOATER_ID]
    assert legacy.is_pure_floater and legacy.par_call_date is not None and legacy.par_call_date.year == 2008
    assert legacy.floating_margin == 0.0074  # 3M LIBOR + 0.74%, as the sheet's label and KeyCorp's filings say
