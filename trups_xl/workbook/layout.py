"""The model workbook's building blocks: formats, sample inputs and :class:`Sheet` (a sheet's title,
its Inputs block of named ranges, its outputs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from trups_xl.core.securities.loading import TERMS
from trups_xl.workbook.printing import MAX_COLUMN_WIDTH, MAX_SPILL_WIDTH, _shown_width

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "workbooks" / "citigroup_capital_xxi.xlsx"
INPUT_FONT = Font(color="0000FF")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
OUTPUT_FILL = PatternFill("solid", fgColor="F2F2F2")
RIGHT = Alignment(horizontal="right")
CENTER = Alignment(horizontal="center")
LEFT = Alignment(horizontal="left")
DATE_FORMAT = "yyyy-mm-dd"
MONEY = "#,##0.00"
#: Amounts per $25 (or $1,000) security as issuers declare them: to 4 places ($0.6815 a quarter).
PER_SECURITY = "#,##0.0000"
RATE = "0.000%"
RATE_5 = "0.00000%"

#: Sample NYSE closes for the APM window of an issuance on 2012-04-09 (illustrative, not market data).
SAMPLE_CLOSES = [("2012-03-19", 35.9), ("2012-03-20", 36.1), ("2012-03-21", 36.5), ("2012-03-22", 36.0),
                 ("2012-03-23", 36.3), ("2012-03-26", 37.2), ("2012-03-27", 37.0), ("2012-03-28", 36.9),
                 ("2012-03-29", 36.2), ("2012-03-30", 36.55), ("2012-04-02", 36.9), ("2012-04-03", 37.1)]
#: Sample 3-month CME Term SOFR fixings and London quotations (illustrative, not market data).
SAMPLE_TERM_SOFR = [("2037-12-21", 0.0375), ("2038-03-21", 0.038)]
SAMPLE_QUOTES = [0.0525, 0.05251, 0.05262]
#: Blank input rows under each fixings table (it grows without editing a formula) and formatted rows
#: under each schedule (it spills further when the dates move).
FIXING_SPARE_ROWS = 12
SCHEDULE_ROOM = 24
SAMPLE_FIXINGS = [("2037-12-21", 0.045), ("2038-03-21", 0.0455), ("2038-06-21", 0.046), ("2038-09-21", 0.0465)]


#: Characters the values a function spills need, by sheet and column (filled while building).
SPILL_WIDTHS: dict[str, dict[int, int]] = {}


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Sheet:
    """Writes one sheet: a title, an Inputs block with named ranges, and outputs."""

    def __init__(self, wb: Workbook, title: str, heading: str, note: str) -> None:
        self.wb = wb
        self.ws: Worksheet = wb.create_sheet(title)
        self.ws["A1"] = heading
        self.ws["A1"].font = TITLE_FONT
        self.ws["A2"] = note
        self.ws.column_dimensions["A"].width = 44
        self.ws.column_dimensions["B"].width = 18
        for col in range(3, 16):  # wide enough for yyyy-mm-dd and $ amounts (the render showed ###)
            self.ws.column_dimensions[get_column_letter(col)].width = 14
        self.row = 4

    def section(self, text: str) -> None:
        self.row += 1 if self.row > 4 else 0
        self.ws.cell(self.row, 1, text).font = HEADER_FONT
        self.row += 1

    def _name(self, name: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{self.ws.title}'!{ref}")

    def _labelled(self, name: str, label: str, value: Any, fmt: str | None) -> Cell:
        """A label in column A and a named value in column B, on the next row."""
        self.ws.cell(self.row, 1, label)
        cell = self.ws.cell(self.row, 2, value)
        if fmt:
            cell.number_format = fmt
        self._name(name, f"$B${self.row}")
        self.row += 1
        return cell

    def input(self, name: str, label: str, value: Any, fmt: str | None = None) -> str:
        self._labelled(name, label, value, fmt).font = INPUT_FONT
        return name

    def table_input(self, name: str, label: str, headers: list[str], rows: list[list[Any]],
                    formats: list[str | None], spare_rows: int = 0) -> str:
        """A named input table; ``spare_rows`` blank input rows below the data let it grow (the
        functions skip blank rows), so an analyst adds a fixing without editing a formula."""
        rows = rows + [[None] * len(headers) for _ in range(spare_rows)]
        self.ws.cell(self.row, 1, label)
        for j, h in enumerate(headers):
            head = self.ws.cell(self.row, 2 + j, h)
            head.font = HEADER_FONT
            head.alignment = RIGHT
        first = self.row + 1
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                cell = self.ws.cell(first + i, 2 + j, v)
                cell.font = INPUT_FONT
                if formats[j]:
                    cell.number_format = formats[j]
        last = first + len(rows) - 1
        self._name(name, f"$B${first}:${get_column_letter(1 + len(headers))}${last}")
        for j, h in enumerate(headers):
            col = get_column_letter(2 + j)
            self._name(f"{name}_{h}", f"${col}${first}:${col}${last}")
        self.row = last + 2
        return name

    def output(self, name: str, label: str, formula: str, fmt: str | None = None) -> str:
        self._labelled(name, label, formula, fmt).fill = OUTPUT_FILL
        return name

    def array(self, label: str, formula: str, result: Any, formats: dict[int, str] | None = None,
              col: int = 2, room: int = 0) -> tuple[int, int, int, int]:
        """A dynamic-array formula in one cell, spilling as ``result`` (a list of rows) does today, with
        ``room`` more formatted rows below for a result that grows; returns (row1, col1, row2, col2)
        of today's result."""
        if label:
            self.ws.cell(self.row, 1, label)
        rows = result if isinstance(result, list) else [[result]]
        height, width = len(rows), len(rows[0])
        top = self.row
        anchor = f"{get_column_letter(col)}{top}"
        self.ws.cell(top, col).value = ArrayFormula(anchor, formula)  # one cell: marked dynamic on save
        widths = SPILL_WIDTHS.setdefault(self.ws.title, {})
        cap = MAX_COLUMN_WIDTH if self.ws.title == "Terms" else MAX_SPILL_WIDTH  # long names print in full on Terms
        for line in rows:
            for j, v in enumerate(line):
                widths[col + j] = max(widths.get(col + j, 0), min(cap, _shown_width(v)))
        for i in range(height + room):
            for j in range(width):
                cell = self.ws.cell(top + i, col + j)
                cell.fill = OUTPUT_FILL
                if formats and j in formats:
                    cell.number_format = formats[j]
        self.row = top + height + room + 1
        return top, col, top + height - 1, col + width - 1


def _format_term_values(ws: Worksheet, top: int, col: int) -> None:
    """The value column of a TRUPS_TERMS table: beside its labels, each term in the format of its
    kind (XXI's values decide it; every security has the same terms)."""
    for i, (_, value) in enumerate(TERMS.as_rows()):
        cell = ws.cell(top + i, col)
        cell.alignment = LEFT  # beside its label (right-aligned, values sat a wide column away)
        if isinstance(value, bool):
            continue  # a logical shows as TRUE/FALSE; a number format would show it as 1/0
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, float) and value < 1:
            cell.number_format = "0.00000%"
        elif isinstance(value, (int, float)):
            cell.number_format = "#,##0.##" if isinstance(value, float) else "#,##0"


def _fixings_rows() -> list[list[Any]]:
    return [[_d(d), r] for d, r in SAMPLE_FIXINGS]


def _schedule_table(sheet: Sheet, label: str, formula: str, result: Any,
                    interest: str = MONEY) -> tuple[int, int, int, int]:
    """A TRUPS_SCHEDULE array formula: dates, year fraction, rate and interest formatted, and the
    header row the function returns aligned over its numbers."""
    formats = {**dict.fromkeys(range(1, 8), DATE_FORMAT), 11: "0.000000", 12: RATE_5, 13: interest}
    if label:  # on its own row: the table starts in column A
        sheet.ws.cell(sheet.row, 1, label).font = HEADER_FONT
        sheet.row += 1
    top, left, bottom, right = sheet.array("", formula, result, formats, col=1, room=SCHEDULE_ROOM)
    for c in range(left, right + 1):
        sheet.ws.cell(top, c).font = HEADER_FONT
        if c > left:  # column A also holds the sheet's labels
            sheet.ws.column_dimensions[get_column_letter(c)].width = 17  # "determination_date"
        for r in range(top, bottom + 1):  # text columns (regime, day count) too, under their headers
            sheet.ws.cell(r, c).alignment = RIGHT
    return top, left, bottom, right
