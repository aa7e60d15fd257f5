"""The "Rates after LIBOR" sheet: the index under each policy, from named inputs."""

from openpyxl import Workbook

from trups_xl.workbook.rates import _rates_after_libor


def test_the_sheet_shows_the_index_under_the_libor_act_and_the_fallback():
    wb = Workbook()
    _rates_after_libor(wb)
    ws = wb["Rates after LIBOR"] if "Rates after LIBOR" in wb.sheetnames else wb.worksheets[-1]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("TRUPS_INDEX_RATE" in f for f in formulas) and any("TRUPS_LIBOR_FROM_QUOTES" in f for f in formulas)
    assert {"Ix_PolicyAct", "Ix_PolicyFallback"} <= set(wb.defined_names)
