"""The model workbook: its sheets in order, the first of them (About, Terms, Schedule, Accrual,
Make-whole, Deferral & APM, Share cap, Par vs make-whole) written here."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.pagebreak import Break

from trups_xl.excel import udfs
from trups_xl.workbook.covenant import _covenant
from trups_xl.workbook.hedge import _hedge
from trups_xl.workbook.layout import (
    DATE_FORMAT,
    FIXING_SPARE_ROWS,
    HEADER_FONT,
    MONEY,
    RATE,
    SAMPLE_CLOSES,
    SPILL_WIDTHS,
    Sheet,
    _d,
    _fixings_rows,
    _format_term_values,
    _schedule_table,
)
from trups_xl.workbook.printing import _print_setup
from trups_xl.workbook.rates import _rates_after_libor
from trups_xl.workbook.securities import _securities
from trups_xl.workbook.yields import _yields


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
    _yields(wb)
    _hedge(wb)

    conf = wb.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "UDF Modules", "trups_xl.udfs"
    for ws in wb.worksheets:
        _print_setup(ws, SPILL_WIDTHS.get(ws.title, {}))
    SPILL_WIDTHS.clear()
    return wb
