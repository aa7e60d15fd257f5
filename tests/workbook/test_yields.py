"""The "Yield & risk" sheet: every measure for a security chosen by id and for the legacy floater, on
named inputs only, and the yield to each workout date as a table."""

from openpyxl import Workbook

from trups_xl.core.securities.loading import from_rows, shipped
from trups_xl.workbook.yields import LEGACY_FLOATER, _yields


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


def test_the_legacy_floater_typed_on_the_sheet_is_a_pure_floater_callable_since_2008():
    legacy = from_rows(LEGACY_FLOATER)
    assert legacy.is_pure_floater and legacy.par_call_date is not None and legacy.par_call_date.year == 2008
    if "keycorp_capital_i" in shipped():  # the data file, once shipped here: the same terms
        assert from_rows(LEGACY_FLOATER).floating_margin == shipped()["keycorp_capital_i"].floating_margin
