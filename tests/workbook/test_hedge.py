"""The "Hedge effectiveness" sheet: the series are inputs, the tests are formulas on their names."""

from openpyxl import Workbook

from trups_xl.workbook.hedge import HEDGE_SERIES, SWAP_OFFSET, _hedge


def test_the_hedge_sheet_calls_both_tests_on_named_series():
    wb = Workbook()
    _hedge(wb)
    ws = wb.worksheets[-1]
    formulas = [c.value.text if hasattr(c.value, "text") else c.value for row in ws.iter_rows() for c in row]
    text = " ".join(f for f in formulas if isinstance(f, str))
    assert "TRUPS_HEDGE_DOLLAR_OFFSET(HE_Hedged" in text and "TRUPS_HEDGE_REGRESSION(HE_Hedged" in text
    assert {"HE_Hedged", "HE_Swap"} <= set(wb.defined_names)
    assert len(SWAP_OFFSET) == len(HEDGE_SERIES) - 1  # one swap change per change between two dates
