"""The "Hedge effectiveness" sheet: a fair-value hedge's dollar offset and regression."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.workbook.defined_name import DefinedName

from trups_xl.excel import udfs
from trups_xl.workbook.layout import CENTER, DATE_FORMAT, HEADER_FONT, INPUT_FONT, MONEY, OUTPUT_FILL, RATE, Sheet, _d

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
