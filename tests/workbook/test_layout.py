"""A sheet's building blocks: inputs as workbook-level named ranges in blue, outputs calling them."""

import datetime as dt

from openpyxl import Workbook

from trups_xl.excel import udfs
from trups_xl.workbook import layout


def _sheet():
    wb = Workbook()
    wb.remove(wb.active)
    return wb, layout.Sheet(wb, "Test", "Heading", "Note")


def test_an_input_is_a_named_blue_cell_and_an_output_formula_names_it():
    wb, sheet = _sheet()
    sheet.section("Inputs")
    sheet.input("T_Date", "A date", dt.date(2009, 1, 31), layout.DATE_FORMAT)
    sheet.output("T_Out", "Accrued", "=TRUPS_ACCRUED_INTEREST(T_Date)", layout.MONEY)
    (title, ref), = wb.defined_names["T_Date"].destinations
    cell = sheet.ws[ref.replace("$", "")]
    assert title == "Test" and cell.value == dt.date(2009, 1, 31) and cell.font.color.rgb.endswith("0000FF")
    (_, out_ref), = wb.defined_names["T_Out"].destinations
    assert sheet.ws[out_ref.replace("$", "")].value == "=TRUPS_ACCRUED_INTEREST(T_Date)"


def test_a_schedule_table_is_one_array_formula_sized_to_its_result():
    _, sheet = _sheet()
    result = udfs.TRUPS_SCHEDULE("2008-01-01", "2009-12-31")
    top, left, bottom, right = layout._schedule_table(sheet, "", "=TRUPS_SCHEDULE(A1,B1)", result)
    assert (bottom - top + 1, right - left + 1) == (len(result), len(result[0]))
    assert sheet.ws.array_formulae  # one anchor holding the formula
