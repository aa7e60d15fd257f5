"""Column widths and print setup: what a value takes as shown, and a sheet that fits a page width."""

import datetime as dt

from openpyxl import Workbook

from trups_xl.workbook import printing


def test_shown_widths_by_hand():
    assert printing._shown_width(dt.date(2009, 1, 31)) == 10  # yyyy-mm-dd
    assert printing._shown_width(1234567.891) == len("1,234,567.89")
    assert printing._shown_width(0.083) == 9 and printing._shown_width(1000) == len("1,000")
    assert printing._shown_width("=TRUPS_TERMS()") == 0 and printing._shown_width(None) == 0


def test_a_narrow_sheet_prints_landscape_at_full_scale():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "short"
    printing._print_setup(ws, {})
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.scale is None or ws.page_setup.scale >= printing.MIN_PRINT_SCALE
