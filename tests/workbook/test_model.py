"""The model workbook's sheets, in order, each with its inputs named and no number typed in a formula."""

import re

from trups_xl.workbook.model import build

SHEETS = ["About", "Terms", "Schedule", "Accrual", "Make-whole", "Deferral & APM", "Share cap", "Par vs make-whole"]


def test_the_sheets_in_order_and_the_udf_module_named():
    wb = build()
    assert wb.sheetnames[:len(SHEETS)] == SHEETS and wb.sheetnames[-1] == "xlwings.conf"
    assert wb["xlwings.conf"]["B1"].value == "trups_xl.udfs"


def test_formulas_call_the_functions_on_names_only():
    wb = build()
    for ws in wb.worksheets[:len(SHEETS)]:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value.text if hasattr(cell.value, "text") else cell.value
                if isinstance(text, str) and text.startswith("=TRUPS_"):
                    args = text[text.index("(") + 1:-1]
                    assert not re.search(r"(?<![A-Za-z_])\d+(\.\d+)?(?![A-Za-z_])", args), (ws.title, text)
