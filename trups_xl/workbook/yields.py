"""The "Yield & risk" sheet: a YAS screen in cells for two securities chosen by id, one a legacy floater."""

from __future__ import annotations

from openpyxl import Workbook

from trups_xl.excel import udfs
from trups_xl.workbook.layout import DATE_FORMAT, HEADER_FONT, MONEY, RATE, RIGHT, Sheet, _d
from trups_xl.workbook.securities import _side_by_side

#: The legacy floater beside security 1: KeyCorp Capital I (1998), a pure three-month LIBOR floater at
#: +0.74%, chosen by id (its data file's sources say which terms were read and which inferred).
LEGACY_FLOATER_ID = "keycorp_capital_i"
#: An illustrative Treasury curve (tenor in years, yield; not market data), read for the G- and Z-spreads.
SAMPLE_TREASURY_CURVE = [(0.25, 0.0009), (2.0, 0.0027), (5.0, 0.0072), (10.0, 0.0164), (30.0, 0.0275)]
BP = "0.0000%"


def _yields(wb: Workbook) -> None:
    """Yield to worst, to maturity and to the next call, the workout the worst assumes, risk and
    spreads, side by side for a security and a legacy floater, both by id, then the yield to each workout."""
    yr = Sheet(wb, "Yield & risk", "Yield, spread and risk",
               "Yield to worst: the lowest yield over every workout date. Floating coupons assume the index stays. "
               "Prices, index and curve are illustrative inputs, not market data.")
    yr.section("Inputs")
    yr.input("YR_Settlement", "Settlement date", _d("2012-06-08"), DATE_FORMAT)
    yr.input("YR_Security", "Security 1 (shipped, by id)", "citigroup_capital_xxi")
    yr.input("YR_Price", "Security 1: clean price per 100", 101.0, MONEY)
    yr.input("YR_Index", "Security 1: index, assumed to stay", 0.03, RATE)
    yr.input("YR_Legacy", "Legacy floater (shipped, by id)", LEGACY_FLOATER_ID)
    yr.input("YR_LegacyPrice", "Legacy floater: clean price per 100", 99.5, MONEY)
    yr.input("YR_LegacyIndex", "Legacy floater: 3M LIBOR, assumed to stay", 0.0047, RATE)
    yr.input("YR_Holding", "Face amount held ($)", 1_000_000, MONEY)
    yr.table_input("YR_Treasury", "Treasury curve (years, yield)", ["tenor", "rate"],
                   [[t, r] for t, r in SAMPLE_TREASURY_CURVE], [None, RATE])
    yr.section("Outputs")
    for j, head in enumerate(["Security 1", "Legacy floater"]):
        header = yr.ws.cell(yr.row, 2 + j, head)
        header.font, header.alignment = HEADER_FONT, RIGHT
    yr.row += 1
    tail = "{i},,,,{s})"
    risk = "=TRUPS_RISK(YR_Settlement,{p},\"%s\",,,{i},,,,%s,{s})"
    rows = [
        ("Yield to worst", "YTW", "=TRUPS_YIELD(YR_Settlement,{p},,," + tail, RATE),
        ("Workout date of the worst", "Workout", "=TRUPS_WORKOUT_DATE(YR_Settlement,{p},,," + tail, DATE_FORMAT),
        ("Yield to maturity", "YTM", "=TRUPS_YIELD(YR_Settlement,{p},\"maturity\",," + tail, RATE),
        ("Yield to the next call", "YTC", "=TRUPS_YIELD(YR_Settlement,{p},\"next_call\",," + tail, RATE),
        ("Price at the yield to worst (check)", "Price", "=TRUPS_PRICE(YR_Settlement,Result_YR{k}YTW,,," + tail,
         MONEY),
        ("Modified duration (years)", "Modified", risk % ("modified", ""), MONEY),
        ("Macaulay duration (years)", "Macaulay", risk % ("macaulay", ""), MONEY),
        ("Convexity", "Convexity", risk % ("convexity", ""), MONEY),
        ("Effective duration, calls re-evaluated", "EffDuration", risk % ("effective_duration", ""), MONEY),
        ("Effective convexity", "EffConvexity", risk % ("effective_convexity", ""), MONEY),
        ("Spread duration", "SpreadDuration", risk % ("spread_duration", ""), MONEY),
        ("DV01 per 100 of principal", "DV01", risk % ("dv01", ""), "0.0000"),
        ("DV01 of the holding ($ per bp)", "DV01Holding", risk % ("dv01", "YR_Holding"), MONEY),
        ("G-spread over the Treasury curve", "GSpread",
         "=TRUPS_SPREAD(YR_Settlement,{p},YR_Treasury,\"g\",,,{i},,,{s})", BP),
        ("Z-spread over the curve as zero rates", "ZSpread",
         "=TRUPS_SPREAD(YR_Settlement,{p},YR_Treasury,\"z\",,,{i},,,{s})", BP),
        ("Discount margin over the index", "DM", "=TRUPS_DISCOUNT_MARGIN(YR_Settlement,{p},{i},,,,,{s})", BP),
    ]
    _side_by_side(yr, rows, [("YR1", {"p": "YR_Price", "i": "YR_Index", "s": "YR_Security", "k": "1"}),
                             ("YR2", {"p": "YR_LegacyPrice", "i": "YR_LegacyIndex", "s": "YR_Legacy", "k": "2"})])
    yr.row += 1
    formats = {0: DATE_FORMAT, 2: RATE}
    yr.ws.cell(yr.row, 1, "Legacy floater: yield to each workout").font = HEADER_FONT
    yr.row += 1
    yr.array("", "=TRUPS_WORKOUTS(YR_Settlement,YR_LegacyPrice,,YR_LegacyIndex,,,,YR_Legacy)",
             udfs.TRUPS_WORKOUTS(_d("2012-06-08"), 99.5, None, 0.0047, None, None, None, LEGACY_FLOATER_ID), formats)
    yr.ws.cell(yr.row, 1, "Security 1: yield to each workout").font = HEADER_FONT
    yr.row += 1
    yr.array("", "=TRUPS_WORKOUTS(YR_Settlement,YR_Price,,YR_Index,,,,YR_Security)",
             udfs.TRUPS_WORKOUTS(_d("2012-06-08"), 101.0, None, 0.03), formats)
