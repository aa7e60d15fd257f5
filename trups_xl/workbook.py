"""Generate the Citigroup Capital XXI model workbook (``workbooks/citigroup_capital_xxi.xlsx``).

Financial-model conventions: each sheet has an Inputs block (blue font, units in the labels,
workbook-level named ranges) and outputs whose formulas call the add-in's functions on
those names only — no numbers typed into formulas. Table results are written as array
formulas sized to the result (they spill in Excel 365). ``python -m trups_xl.workbook``
rewrites the committed file; a test checks the committed file equals this generator's output.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from trups_xl.core.securities.loading import TERMS
from trups_xl.excel import udfs

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "workbooks" / "citigroup_capital_xxi.xlsx"
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


def build() -> Workbook:
    """The model workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    about = Sheet(wb, "About", "Citigroup Capital XXI 8.300% Enhanced TruPS - trups-xl model",
                  "Blue cells are inputs (named ranges); grey cells call the trups-xl add-in.")
    for text in [
        "Enable the functions (Windows Excel): pip install trups-xl; xlwings addin install;",
        "then on the xlwings ribbon tab set UDF Modules to trups_xl.udfs (the xlwings.conf sheet of this",
        "workbook already does) and click Import Functions. Save as .xlsm to keep the generated module.",
        "xlwings Lite (Excel 365/web): requirements.txt lists trups-xl (or its wheel URL); main.py holds the",
        "single line: from trups_xl.udfs import *",
        "Tables are dynamic-array formulas in one cell: they spill in Excel 365/2021 (older Excel shows the first",
        "cell only). Fixings tables have blank rows to fill: the functions skip blank rows.",
        "Without Excel: trups-xl recalc workbooks/citigroup_capital_xxi.xlsx -o out/citigroup_capital_xxi.values.xlsx",
        "Source: prospectus (424(b)(2)) dated December 17, 2007; page numbers in the add-in's documentation.",
        "Sample fixings and NYSE prices in this workbook are illustrative inputs, not market data.",
    ]:
        about.ws.cell(about.row, 1, text)
        about.row += 1

    terms = Sheet(wb, "Terms", "Terms", "TRUPS_TERMS(): every number the functions use.")
    top, _, _, _ = terms.array("", "=TRUPS_TERMS()", udfs.TRUPS_TERMS(), col=1)
    terms.ws.column_dimensions["B"].width = 24
    _format_term_values(terms.ws, top, 2)

    sched = Sheet(wb, "Schedule", "Interest schedule", "One row per interest period; floating rows use the fixings.")
    sched.section("Inputs")
    sched.input("Sched_From", "From payment date (date)", _d("2036-06-21"), DATE_FORMAT)
    sched.input("Sched_To", "To payment date (date)", _d("2038-12-21"), DATE_FORMAT)
    sched.input("Sched_Principal", "Principal per security ($)", 1000, MONEY)
    sched.table_input("Sched_Fixings", "3-month LIBOR fixings (%)", ["period_start", "rate"],
                      _fixings_rows(), [DATE_FORMAT, RATE], spare_rows=FIXING_SPARE_ROWS)
    sched.section("Outputs")
    result = udfs.TRUPS_SCHEDULE(_d("2036-06-21"), _d("2038-12-21"), _fixings_rows(), 1000)
    top, _, bottom, right = _schedule_table(
        sched, "", "=TRUPS_SCHEDULE(Sched_From,Sched_To,Sched_Fixings,Sched_Principal)", result)
    chart = BarChart()
    chart.title = "Interest per period ($ per security)"
    chart.y_axis.title = "$"
    chart.add_data(Reference(sched.ws, min_col=right, min_row=top, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(sched.ws, min_col=3, min_row=top + 1, max_row=bottom))
    chart.width, chart.height = 24, 9  # cm; the default 15 x 7.5 squeezed the date labels
    sched.ws.add_chart(chart, f"A{bottom + 3}")
    sched.ws.row_breaks.append(Break(id=bottom + 2))  # the chart starts a page: it printed cut across two
    sched.ws.column_dimensions["A"].width = 30

    acc = Sheet(wb, "Accrual", "Accrual", "Interest for a period and accrued interest at settlement.")
    acc.section("Inputs")
    acc.input("Acc_Start", "Start date (inclusive)", _d("2008-12-21"), DATE_FORMAT)
    acc.input("Acc_End", "End date (exclusive)", _d("2009-01-31"), DATE_FORMAT)
    acc.input("Acc_Settlement", "Settlement date", _d("2012-07-18"), DATE_FORMAT)
    acc.input("Acc_Principal", "Principal ($)", 1000, MONEY)
    acc.input("Acc_Payment", "Scheduled payment date", _d("2012-06-21"), DATE_FORMAT)
    acc.section("Outputs")
    acc.output("Result_Accrual", "Interest start -> end ($)", "=TRUPS_ACCRUAL(Acc_Start,Acc_End,,Acc_Principal)", MONEY)
    acc.output("Result_Accrued", "Accrued interest at settlement ($)",
               "=TRUPS_ACCRUED_INTEREST(Acc_Settlement,,Acc_Principal)", MONEY)
    acc.output("Result_Previous", "Previous payment date", "=TRUPS_PREVIOUS_PAYMENT_DATE(Acc_Settlement)", DATE_FORMAT)
    acc.output("Result_Next", "Next payment date", "=TRUPS_NEXT_PAYMENT_DATE(Acc_Settlement)", DATE_FORMAT)
    acc.output("Result_Coupon", "Coupon on the payment date ($)", "=TRUPS_COUPON(Acc_Payment,,Acc_Principal)", MONEY)

    mw = Sheet(wb, "Make-whole", "Make-whole redemption price", "p.38: max(par, PV at Treasury + spread) + accrued.")
    mw.section("Inputs")
    mw.input("MW_Date", "Redemption date", _d("2030-03-15"), DATE_FORMAT)
    mw.input("MW_Treasury", "Treasury rate (%)", 0.04, RATE)
    mw.input("MW_Spread", "Spread (%)", 0.005, RATE)
    mw.input("MW_Principal", "Principal ($)", 1000, MONEY)
    grid_dates = [[_d("2012-07-18")], [_d("2015-06-21")], [_d("2020-01-02")], [_d("2025-09-30")], [_d("2030-03-15")]]
    grid_rates = [[0.01, 0.02, 0.03, 0.04, 0.05, 0.06]]
    mw.table_input("MW_Grid_Dates", "Grid redemption dates", ["date"], grid_dates, [DATE_FORMAT])
    mw.table_input("MW_Grid_Rates", "Grid Treasury rates (%)", ["r1", "r2", "r3", "r4", "r5", "r6"],
                   grid_rates, [RATE] * 6)
    mw.section("Outputs")
    mw.output("Result_MakeWhole", "Make-whole price incl. accrued ($)",
              "=TRUPS_MAKE_WHOLE(MW_Date,MW_Treasury,MW_Spread,MW_Principal)", MONEY)
    mw.output("Result_MakeWholePV", "PV leg ($)", "=TRUPS_MAKE_WHOLE_PV(MW_Date,MW_Treasury,MW_Spread,MW_Principal)",
              MONEY)
    mw.output("Result_PriceDate", "Treasury price date", "=TRUPS_TREASURY_PRICE_DATE(MW_Date)", DATE_FORMAT)
    mw.ws.cell(mw.row, 1, "Grid: dates (rows) x Treasury rates (columns)")
    mw.ws.cell(mw.row, 3).value = ArrayFormula(f"C{mw.row}", "=MW_Grid_Rates")
    for col in range(3, 9):
        mw.ws.cell(mw.row, col).number_format = RATE
        mw.ws.cell(mw.row, col).font = HEADER_FONT
    mw.row += 1
    mw.ws.cell(mw.row, 2).value = ArrayFormula(f"B{mw.row}", "=MW_Grid_Dates")
    for i in range(len(grid_dates)):
        mw.ws.cell(mw.row + i, 2).number_format = DATE_FORMAT
        mw.ws.cell(mw.row + i, 2).font = HEADER_FONT
    mw.array("", "=TRUPS_MAKE_WHOLE(MW_Grid_Dates,MW_Grid_Rates,MW_Spread,MW_Principal)",
             udfs.TRUPS_MAKE_WHOLE(grid_dates, grid_rates), dict.fromkeys(range(6), MONEY), col=3)

    de = Sheet(wb, "Deferral & APM", "Deferral and the alternative payment mechanism", "p.42-47.")
    de.section("Inputs")
    de.input("Def_First", "First deferred payment date", _d("2010-06-21"), DATE_FORMAT)
    de.input("Def_AsOf", "Amount owed as of", _d("2014-12-21"), DATE_FORMAT)
    de.input("Def_Principal", "Principal ($)", 1000, MONEY)
    de.input("APM_Issuance", "Stock issuance date", _d("2012-04-09"), DATE_FORMAT)
    de.input("APM_Shares", "Shares outstanding (latest financial statements)", 2_932_000_000, "#,##0")
    de.input("APM_Applied", "Proceeds already applied ($)", 0, MONEY)
    de.table_input("APM_History", "Sample NYSE closes", ["date", "close"],
                   [[_d(d), p] for d, p in SAMPLE_CLOSES], [DATE_FORMAT, MONEY])
    de.section("Outputs")
    de.output("Result_Deferred", "Deferred interest owed ($)", "=TRUPS_DEFERRED_INTEREST(Def_First,Def_AsOf,,Def_Principal)",
              MONEY)
    de.output("Result_ClaimLimit", "Bankruptcy claim limit ($)", "=TRUPS_CLAIM_LIMIT(Result_Deferred,Def_Principal)",
              MONEY)
    de.output("Result_APMAverage", "APM average price ($)",
              "=TRUPS_APM_AVERAGE_PRICE(APM_Issuance,APM_History_date,APM_History_close)", MONEY)
    de.output("Result_APMMax", "APM maximum obligation left ($)",
              "=TRUPS_APM_MAX_OBLIGATION(APM_Issuance,APM_History_date,APM_History_close,APM_Shares,APM_Applied)",
              "#,##0")
    de.array("APM window (NYSE trading days)", "=TRUPS_APM_WINDOW(APM_Issuance)",
             udfs.TRUPS_APM_WINDOW(_d("2012-04-09")), {0: DATE_FORMAT})
    de.array("Extension period dates", "=TRUPS_DEFERRAL_DATES(Def_First)",
             udfs.TRUPS_DEFERRAL_DATES(_d("2010-06-21")), {1: DATE_FORMAT})

    sc = Sheet(wb, "Share cap", "Share cap amount", "p.47: 195,000,000 shares, adjusted for splits.")
    sc.section("Inputs")
    sc.input("Cap_Before", "Date before the reverse split", _d("2011-05-05"), DATE_FORMAT)
    sc.input("Cap_After", "Date after the reverse split", _d("2011-05-09"), DATE_FORMAT)
    sc.input("Cap_TestDate", "Share cap test date", _d("2011-06-21"), DATE_FORMAT)
    sc.input("Cap_Deferred", "All deferred interest, whole issue ($)", 500_000_000, MONEY)
    sc.input("Cap_Price", "10-day average price ($)", 4.5, MONEY)
    sc.input("Cap_Amount", "Proceeds to raise ($)", 10_000_000, MONEY)
    sc.section("Outputs")
    sc.output("Result_CapBefore", "Share cap before (shares)", "=TRUPS_SHARE_CAP(Cap_Before)", "#,##0")
    sc.output("Result_CapAfter", "Share cap after (shares)", "=TRUPS_SHARE_CAP(Cap_After)", "#,##0")
    sc.output("Result_CapRequired", "Share cap required (shares)",
              "=TRUPS_SHARE_CAP_REQUIRED(Cap_TestDate,Cap_Deferred,Cap_Price)", "#,##0")
    sc.output("Result_Saleable", "Shares saleable (shares)", "=TRUPS_SHARES_SALEABLE(Cap_Amount,Cap_Price,Cap_After)",
              "#,##0")

    pv = Sheet(wb, "Par vs make-whole", "Par vs make-whole after a Regulatory Capital Event",
               "Citigroup announced the redemption on June 8, 2012, after the Fed's June 7 capital proposals.")
    pv.section("Inputs")
    pv.input("RCE_Event", "Regulatory Capital Event date", _d("2012-06-07"), DATE_FORMAT)
    pv.input("RCE_Redemption", "Redemption date", _d("2012-07-18"), DATE_FORMAT)
    pv.input("RCE_Treasury", "Treasury rate (%)", 0.0265, RATE)
    pv.input("RCE_Securities", "Capital securities outstanding", 3_500_000, "#,##0")
    pv.section("Outputs")
    pv.output("Result_Par", "Par route price per security ($)",
              '=TRUPS_REDEMPTION_PRICE(RCE_Redemption,,"regulatory_capital",RCE_Event)', MONEY)
    pv.output("Result_MW", "Make-whole price per security ($)", "=TRUPS_MAKE_WHOLE(RCE_Redemption,RCE_Treasury)", MONEY)
    pv.output("Result_Diff", "Difference per security ($)", "=Result_MW-Result_Par", MONEY)
    pv.output("Result_DiffTotal", "Difference, all securities ($)", "=Result_Diff*RCE_Securities", MONEY)
    pv.output("Result_PayDate", "Redemption payment date", "=TRUPS_REDEMPTION_PAYMENT_DATE(RCE_Redemption)",
              DATE_FORMAT)

    _rates_after_libor(wb)
    _covenant(wb)
    _securities(wb)
    _hedge(wb)

    conf = wb.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "UDF Modules", "trups_xl.udfs"
    for ws in wb.worksheets:
        _print_setup(ws, SPILL_WIDTHS.get(ws.title, {}))
    SPILL_WIDTHS.clear()
    return wb


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


def _covenant(wb: Workbook) -> None:
    """Capital replacement covenant and the repayment at scheduled maturity."""
    cv = Sheet(wb, "Covenant", "Capital replacement covenant",
               "p.60-64: repayments before 2067-12-21 limited to % of replacement capital; p.33-35: maturity.")
    cv.section("Inputs")
    cv.input("CRC_AsOf", "Redemption or purchase date", _d("2030-06-21"), DATE_FORMAT)
    cv.input("CRC_Category", "Category for the percentage", "common_stock")
    cv.table_input("CRC_Issues", "Replacement capital since the measurement date", ["category", "proceeds"],
                   [["common_stock", 500_000_000], ["qcs_i", 250_000_000]], [None, MONEY])
    cv.input("CRC_Notice", "Notice date", _d("2030-04-21"), DATE_FORMAT)
    cv.input("Mat_Proceeds", "Qualifying capital proceeds in the 180-day window ($)", 1_200_000_000, MONEY)
    cv.input("Mat_Date", "Repayment date", _d("2057-12-21"), DATE_FORMAT)
    cv.section("Outputs")
    cv.output("Result_CRCPercentage", "Applicable percentage", "=TRUPS_CRC_PERCENTAGE(CRC_AsOf,CRC_Category)", "0%")
    cv.output("Result_CRCCapacity", "Most that may be redeemed ($)",
              "=TRUPS_CRC_CAPACITY(CRC_AsOf,CRC_Issues_category,CRC_Issues_proceeds)", MONEY)
    cv.output("Result_MeasurementDate", "Measurement date", "=TRUPS_CRC_MEASUREMENT_DATE(CRC_Notice)", DATE_FORMAT)
    cv.output("Result_MaturityRepay", "Principal due at maturity ($)",
              "=TRUPS_MATURITY_REPAYMENT(Mat_Proceeds,Mat_Date)", MONEY)


#: An illustrative security typed as a terms table (not a real issue).
YOUR_SECURITY: list[tuple[str, object]] = [
    ("name", "Example Capital I 6.50% Fixed-to-Floating TruPS (illustrative)"), ("liquidation_amount", 25),
    ("issue_date", _d("2021-03-15")), ("first_payment_date", _d("2021-06-15")),
    ("maturity_date", _d("2051-03-15")), ("fixed_rate", 0.065), ("fixed_frequency", 4),
    ("fixed_day_count", "30/360"), ("switch_date", _d("2026-03-15")), ("floating_index", "usd_libor_3m"),
    ("floating_margin", 0.045), ("floating_frequency", 4), ("floating_day_count", "ACT/360"),
    ("business_day_convention", "modified_following"), ("par_call_date", _d("2026-03-15")),
    ("libor_determination_lag", 2),
]
#: Illustrative 3-month CME Term SOFR forward curve (not market data).
SAMPLE_SOFR_CURVE = [("2025-10-28", 0.0395), ("2026-10-28", 0.0355), ("2028-10-28", 0.0365)]


def _securities(wb: Workbook) -> None:
    """XXI and XIII side by side, and a security typed as a terms table read by the same formulas."""
    sec = Sheet(wb, "Securities", "Securities side by side",
                "The same functions for any fixed/floating TruPS: a shipped security by name, or a terms table.")
    sec.section("Inputs")
    sec.input("Sec_AsOf", "As of (date)", _d("2025-11-23"), DATE_FORMAT)
    sec.input("Sec_To", "Coupons up to (date)", _d("2027-01-31"), DATE_FORMAT)
    sec.input("Sec_Policy", "Index policy", "libor_act")
    sec.input("Sec_XXI", "Security 1 (shipped)", "citigroup_capital_xxi")
    sec.input("Sec_XIII", "Security 2 (shipped)", "citigroup_capital_xiii")
    sec.table_input("Sec_Curve", "3M Term SOFR forward curve (date, rate)", ["date", "rate"],
                    [[_d(d), r] for d, r in SAMPLE_SOFR_CURVE], [DATE_FORMAT, RATE], spare_rows=6)
    yours: list[list[Any]] = [[t, v] for t, v in YOUR_SECURITY]
    first = sec.row + 1
    sec.table_input("Sec_Yours", "Your security: its terms (illustrative)", ["term", "value"], yours,
                    [None, None], spare_rows=8)
    for i, (_, value) in enumerate(YOUR_SECURITY):  # value column formats by kind
        cell = sec.ws.cell(first + i, 3)
        cell.alignment = RIGHT
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, float) and value < 1:
            cell.number_format = RATE
    sec.section("Outputs (per security)")
    for j, head in enumerate(["Security 1", "Security 2", "Your security"]):
        header = sec.ws.cell(sec.row, 2 + j, head)
        header.font, header.alignment = HEADER_FONT, RIGHT  # over the right-aligned values
    sec.row += 1
    rows = [
        ("Next payment date", "Next", "=TRUPS_NEXT_PAYMENT_DATE(Sec_AsOf,{s})", DATE_FORMAT),
        ("Accrued on the as-of date ($ per security)", "Accrued",
         "=TRUPS_ACCRUED_INTEREST(Sec_AsOf,,,Sec_Policy,Sec_Curve,{s})", PER_SECURITY),
        ("Liquidation amount ($)", "Par", '=TRUPS_TERMS("liquidation_amount",{s})', MONEY),
    ]
    _side_by_side(sec, rows, [("XXI", {"s": "Sec_XXI"}), ("XIII", {"s": "Sec_XIII"}), ("Yours", {"s": "Sec_Yours"})])
    sec.row += 1
    sec.ws.cell(sec.row, 1, "Terms (TRUPS_TERMS): a table that works as a security argument").font = HEADER_FONT
    sec.row += 1
    top = sec.row
    for col, name in ((2, "Sec_XXI"), (5, "Sec_XIII")):
        sec.row = top
        sec.array("", f"=TRUPS_TERMS(,{name})", udfs.TRUPS_TERMS(None, "citigroup_capital_xxi"), col=col)
        _format_term_values(sec.ws, top, col + 1)
    sec.row = top + len(udfs.TRUPS_TERMS()) + 1
    _hybrids(sec)
    args = (_d("2025-11-23"), _d("2027-01-31"), None, None, "libor_act",
            [[_d(d), r] for d, r in SAMPLE_SOFR_CURVE])
    _schedule_table(sec, "Security 2: coming coupons, libor_act on the Term SOFR curve",
                    "=TRUPS_SCHEDULE(Sec_AsOf,Sec_To,,,Sec_Policy,Sec_Curve,Sec_XIII)",
                    udfs.TRUPS_SCHEDULE(*args, "citigroup_capital_xiii"), PER_SECURITY)
    _schedule_table(sec, "Your security: coming coupons",
                    "=TRUPS_SCHEDULE(Sec_AsOf,Sec_To,,,Sec_Policy,Sec_Curve,Sec_Yours)",
                    udfs.TRUPS_SCHEDULE(*args, yours), PER_SECURITY)


#: The hybrid stack beside the TruPS, in blocks of two (two value columns fit a printed page beside
#: the labels): (result suffix, security, what its index input is, illustrative value).
HYBRIDS = ((("Mellon", "mellon_capital_iv", "3M Term SOFR", 0.0395),
            ("SeriesX", "citigroup_series_x", "5Y Treasury at reset", 0.04)),
           (("JPM2031", "jpmorgan_notes_2031", "3M Term SOFR", 0.0395),
            ("Citi2030", "citigroup_senior_2030", "daily SOFR (every day)", 0.039)))
HYBRID_TITLES = ("Legacy hybrids: a floored floater and a fixed-rate reset (perpetual, non-cumulative)",
                 "SOFR notes: Term SOFR without adjustment; compounded SOFR paid two days late")
#: A logical's format: Excel shows TRUE/FALSE whatever the format; LibreOffice's print needs it.
LOGICAL_FORMAT = '"TRUE";"TRUE";"FALSE"'


def _side_by_side(sec: Sheet, rows: list[tuple[str, str, str, str]],
                  columns: list[tuple[str, dict[str, str]]]) -> None:
    """Output rows (label, result key, formula template, number format), one column per security
    from column B: each cell the template filled with that column's names, named ``Result_<suffix><key>``."""
    for label, key, formula, fmt in rows:
        sec.ws.cell(sec.row, 1, label)
        for j, (suffix, names) in enumerate(columns):
            cell = sec.ws.cell(sec.row, 2 + j, formula.format(**names))
            cell.number_format, cell.fill = fmt, OUTPUT_FILL
            sec._name(f"Result_{suffix}{key}", f"${get_column_letter(2 + j)}${sec.row}")
        sec.row += 1


def _hybrids(sec: Sheet) -> None:
    """Shipped hybrids side by side on the as-of date, each with its index input: a floored perpetual
    floater and a perpetual fixed-rate reset (both non-cumulative), then a Term SOFR floater without
    spread adjustment and a compounded-SOFR note paid two business days after each period."""
    sec.section("The hybrid stack (shipped)")
    for title, block in zip(HYBRID_TITLES, HYBRIDS, strict=True):
        sec.ws.cell(sec.row, 1, title).font = HEADER_FONT
        sec.row += 1
        for suffix, security, what, value in block:
            sec.input(f"Sec_{suffix}", "Security (shipped)", security)
            sec.input(f"Sec_{suffix}Index", f"Index: {what} (illustrative)", value, RATE)
        for j, (suffix, _, _, _) in enumerate(block):
            header = sec.ws.cell(sec.row, 2 + j, suffix)
            header.font, header.alignment = HEADER_FONT, RIGHT
        sec.row += 1
        rows = [
            ("Next payment date", "Next", "=TRUPS_NEXT_PAYMENT_DATE(Sec_AsOf,{s})", DATE_FORMAT),
            ("Coupon on it ($ per security)", "Coupon", "=TRUPS_COUPON({next},{i},,Sec_Policy,,{s})", PER_SECURITY),
            ("Accrued on the as-of date ($ per security)", "Accrued",
             "=TRUPS_ACCRUED_INTEREST(Sec_AsOf,{i},,Sec_Policy,,{s})", PER_SECURITY),
            ("Floor on the floating rate", "Floor", '=TRUPS_TERMS("floating_floor",{s})', RATE),
        ]
        first = sec.row  # the next payment date's row: the coupon row reads it
        _side_by_side(sec, rows, [(suffix, {"s": f"Sec_{suffix}", "i": f"Sec_{suffix}Index",
                                            "next": f"{get_column_letter(2 + j)}{first}"})
                                  for j, (suffix, _, _, _) in enumerate(block)])
        sec.ws.cell(sec.row, 1, "Cumulative? (FALSE: undeclared not owed)")
        for j, (suffix, _, _, _) in enumerate(block):
            cell = sec.ws.cell(sec.row, 2 + j, f'=TRUPS_TERMS("cumulative",Sec_{suffix})')
            cell.fill, cell.number_format = OUTPUT_FILL, LOGICAL_FORMAT
        sec.row += 2


#: Printable width of a landscape Letter page in column-width units, with room for wider fonts (the
#: render through LibreOffice split a 114-unit sheet across two pages at 100%).
PAGE_WIDTH_UNITS = 90
#: Smallest print scale: below it the render at a readable resolution was too small to read.
MIN_PRINT_SCALE = 70
#: Smallest scale that still puts a slightly-too-wide sheet on one page width (still readable in the render).
FIT_PRINT_SCALE = 60
#: Widest column A that repeats on each page of a sheet printed more than one page wide (a wider one
#: would leave room for little else on each page).
REPEATED_COLUMN_WIDTH = 46
#: Widest a column is made to fit its content, and to fit what a function spills into it (outside
#: the Terms sheet, where a security's full name is printed).
MAX_COLUMN_WIDTH = 72
#: Widest value column: a security's name (70 characters) runs on into the empty cell beside it
#: rather than widening the column (the Securities sheet printed 12 pages wide-and-long before).
MAX_VALUE_WIDTH = 30
MAX_SPILL_WIDTH = 30


def _shown_width(value: Any) -> int:
    """Characters a value takes as the sheet shows it."""
    if value is None or (isinstance(value, str) and value.startswith("=")) or isinstance(value, ArrayFormula):
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") if abs(value) >= 1 else 9
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))


def _fit_columns(ws: Worksheet, results: dict[int, int]) -> None:
    """Widen each column to its longest typed value, or to the longest value a function spills
    into it (``results``: column -> characters), up to :data:`MAX_COLUMN_WIDTH`."""
    needed: dict[int, int] = dict(results)
    for row in ws.iter_rows():
        for c in row:
            if c.column == 1 and (c.row <= 2 or ws.cell(c.row, 2).value is None):
                continue  # titles, notes and section headings run on into the empty cells beside them
            needed[c.column] = max(needed.get(c.column, 0), _shown_width(c.value))
    for col, chars in needed.items():
        letter = get_column_letter(col)
        current = ws.column_dimensions[letter].width or 8.43
        widest = MAX_COLUMN_WIDTH if col <= 2 else MAX_VALUE_WIDTH  # long text further right runs on
        ws.column_dimensions[letter].width = max(current, min(widest, chars + 2))


#: Illustrative quarter-end valuation dates and flat benchmark zero rates (not market data).
HEDGE_SERIES = [("2010-03-31", 0.0420), ("2010-06-30", 0.0385), ("2010-09-30", 0.0360), ("2010-12-31", 0.0395),
                ("2011-03-31", 0.0410), ("2011-06-30", 0.0390), ("2011-09-30", 0.0300), ("2011-12-30", 0.0280),
                ("2012-03-30", 0.0310)]
#: Illustrative swap effectiveness: the swap offsets this share of the hedged item's change, with noise.
SWAP_OFFSET = (0.97, 1.02, 0.93, 1.05, 0.99, 0.95, 1.01, 0.96)


#: How each regression statistic is shown: counts whole, ratios and slopes to 4 places, p-values in
#: scientific notation (they reach 1e-11), sums of squares as amounts.
REGRESSION_FORMATS = {
    "n": "0", "degrees_of_freedom": "0", "slope": "0.0000", "intercept": "#,##0.00", "r": "0.0000",
    "r_squared": "0.0000", "slope_standard_error": "0.0000", "intercept_standard_error": "#,##0.00",
    "residual_standard_error": "#,##0.00", "t_statistic": "0.00", "f_statistic": "#,##0.00",
    "p_value": "0.00E+00", "f_p_value": "0.00E+00", "ss_regression": "#,##0.00", "ss_residual": "#,##0.00",
}


def _hedge(wb: Workbook) -> None:
    """A fair-value hedge of the fixed-rate period: the hedged item valued on a benchmark rate at each
    quarter end, a swap's changes in value, the dollar-offset and regression tests, and a chart."""
    he = Sheet(wb, "Hedge effectiveness", "Fair-value hedge effectiveness (fixed-rate period)",
               "Hedged item: the remaining fixed cash flows on the benchmark curve, no credit spread. Sample data.")
    he.section("Inputs: quarter ends, benchmark zero rate (flat, continuous, %), swap change in value ($)")
    for j, head in enumerate(["valuation_date", "benchmark_rate", "swap_change"]):
        he.ws.cell(he.row, 2 + j, head).font = HEADER_FONT
    he.row += 1
    first = he.row
    values = [udfs.TRUPS_HEDGED_ITEM_VALUE(d, r) for d, r in HEDGE_SERIES]
    for i, (day, rate) in enumerate(HEDGE_SERIES):
        r = first + i
        for col, value, fmt in ((2, _d(day), DATE_FORMAT), (3, rate, RATE)):
            cell = he.ws.cell(r, col, value)
            cell.font, cell.number_format = INPUT_FONT, fmt
        if i:
            swap = round(-(values[i] - values[i - 1]) * SWAP_OFFSET[i - 1], 2)
            cell = he.ws.cell(r, 4, swap)
            cell.font, cell.number_format = INPUT_FONT, MONEY
    last = first + len(HEDGE_SERIES) - 1
    he.row = last + 2
    he.section("Outputs: hedged item value and its change each quarter ($ per security)")
    for j, head in enumerate(["hedged_item_value", "hedged_change"]):
        he.ws.cell(first - 1, 5 + j, head).font = HEADER_FONT
    for r in range(first, last + 1):
        he.ws.cell(r, 5, f"=TRUPS_HEDGED_ITEM_VALUE(B{r},C{r})").number_format = MONEY
        if r > first:
            he.ws.cell(r, 6, f"=E{r}-E{r - 1}").number_format = MONEY
        for c in (5, 6):
            he.ws.cell(r, c).fill = OUTPUT_FILL
    wb.defined_names["HE_Hedged"] = DefinedName("HE_Hedged", attr_text=f"'{he.ws.title}'!$F${first + 1}:$F${last}")
    wb.defined_names["HE_Swap"] = DefinedName("HE_Swap", attr_text=f"'{he.ws.title}'!$D${first + 1}:$D${last}")
    hedged = [[values[i] - values[i - 1]] for i in range(1, len(values))]
    swaps = [[round(-(values[i] - values[i - 1]) * SWAP_OFFSET[i - 1], 2)] for i in range(1, len(values))]
    he.ws.cell(he.row, 1, "Dollar offset (80%-125%, cumulative)").font = HEADER_FONT
    he.row += 1
    offset_top, offset_col, offset_bottom, _ = he.array(
        "", "=TRUPS_HEDGE_DOLLAR_OFFSET(HE_Hedged,HE_Swap)", udfs.TRUPS_HEDGE_DOLLAR_OFFSET(hedged, swaps),
        {1: MONEY, 2: MONEY, 3: "0.0%", 5: MONEY, 6: MONEY, 7: "0.0%"}, col=2)
    for r in range(offset_top, offset_bottom + 1):  # pass/fail centred, apart from the ratio beside it
        for j in (4, 8):
            he.ws.cell(r, offset_col + j).alignment = CENTER
    he.ws.cell(he.row, 1, "Regression of the swap's change on the hedged change").font = HEADER_FONT
    he.row += 1
    regression = udfs.TRUPS_HEDGE_REGRESSION(hedged, swaps)
    top, _, _, _ = he.array("", "=TRUPS_HEDGE_REGRESSION(HE_Hedged,HE_Swap)", regression, {1: "General"}, col=2)
    for i, (statistic, _) in enumerate(regression):  # each statistic in the format it is read in
        he.ws.cell(top + i, 3).number_format = REGRESSION_FORMATS.get(statistic, "General")
    chart = ScatterChart()
    chart.title = "Swap change vs hedged item change ($)"
    chart.style = 13
    chart.x_axis.title = "hedged item change"
    chart.y_axis.title = "swap change"
    points = Series(Reference(he.ws, min_col=4, min_row=first + 1, max_row=last),
                    Reference(he.ws, min_col=6, min_row=first + 1, max_row=last), title="quarters")
    points.marker.symbol = "circle"
    points.marker.size = 7
    points.marker.graphicalProperties = GraphicalProperties(solidFill="1F4E79")  # filled: LibreOffice drew hollow
    points.marker.graphicalProperties.line.solidFill = "1F4E79"
    chart.x_axis.crosses = chart.y_axis.crosses = "min"  # axes at the plot's edges, clear of the points
    chart.x_axis.delete = chart.y_axis.delete = False
    points.graphicalProperties.line.noFill = True
    chart.series.append(points)
    chart.width, chart.height = 16, 9
    he.ws.add_chart(chart, f"B{he.row + 1}")  # below the tables, within the first page's width


def _print_setup(ws: Worksheet, results: dict[int, int]) -> None:
    """Landscape, columns fitted to their content, a scale no smaller than 70% (wide sheets continue
    on a second page), and the sheet's title rows repeated on every page."""
    _fit_columns(ws, results)
    total = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    fit = int(PAGE_WIDTH_UNITS * 100 / total)
    # a sheet a little too wide prints one page wide at up to FIT_PRINT_SCALE (the make-whole grid's
    # last rate column went to a page of its own at 70%); a much wider one continues at 70%
    ws.page_setup.scale = min(100, fit) if fit >= FIT_PRINT_SCALE else MIN_PRINT_SCALE
    ws.print_title_rows = "1:2"
    first = ws.column_dimensions["A"].width or 8.43
    if fit < FIT_PRINT_SCALE and first <= REPEATED_COLUMN_WIDTH:  # continues to the right: its labels repeat
        ws.print_title_cols = "A:A"


#: The cell metadata Excel 365 writes for dynamic-array formulas (ECMA-376 metadata part with the
#: XLDAPR extension, [MS-XLSX] 2.6.143): an anchor cell carrying ``cm="1"`` spills.
DYNAMIC_ARRAY_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>'
    '</ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    '</metadata>')
METADATA_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
METADATA_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"


def dynamic_anchors(wb: Workbook) -> dict[int, list[str]]:
    """Sheet position (1-based, openpyxl's part order) -> cells holding one-cell array formulas."""
    found: dict[int, list[str]] = {}
    for i, ws in enumerate(wb.worksheets, start=1):
        cells = [anchor for anchor, ref in ws.array_formulae.items() if ":" not in ref]
        if cells:
            found[i] = cells
    return found


def mark_dynamic_arrays(source: Path, target: Path, anchors: dict[int, list[str]]) -> None:
    """Copy the package ``source`` to ``target`` with the given one-cell array formulas marked as
    dynamic arrays, as Excel 365 saves them (openpyxl has no notion of them)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/metadata.xml" '
                                    f'ContentType="{METADATA_CONTENT_TYPE}"/></Types>'.encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdTrupsMeta" '
                                    f'Type="{METADATA_RELATIONSHIP}" Target="metadata.xml"/></Relationships>'.encode())
            else:
                match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
                for cell in anchors.get(int(match.group(1)), []) if match else []:
                    data, count = re.subn(f'<c r="{cell}"'.encode(), f'<c r="{cell}" cm="1"'.encode(), data)
                    if count != 1:
                        raise RuntimeError(f"cell {cell} not found once in {item.filename}")
            zout.writestr(item, data)
        zout.writestr("xl/metadata.xml", DYNAMIC_ARRAY_METADATA)


def save(path: Path = DEFAULT_PATH) -> Path:
    """Write the workbook (atomically: a partial file never replaces a good one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".trups-xl-") as tmp:
        plain, marked = Path(tmp) / "plain.xlsx", Path(tmp) / "marked.xlsx"
        wb.save(plain)
        mark_dynamic_arrays(plain, marked, dynamic_anchors(wb))
        os.replace(marked, path)
    return path


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    """``python -m trups_xl.workbook [PATH]``."""
    args = sys.argv[1:] if argv is None else argv
    out(f"wrote {save(Path(args[0]) if args else DEFAULT_PATH)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
