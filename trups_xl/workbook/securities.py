"""The "Securities" sheet: shipped securities side by side, a security typed as a table, legacy hybrids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from trups_xl.excel import udfs
from trups_xl.workbook.layout import (
    DATE_FORMAT,
    HEADER_FONT,
    MONEY,
    OUTPUT_FILL,
    PER_SECURITY,
    RATE,
    RIGHT,
    Sheet,
    _d,
    _format_term_values,
    _schedule_table,
)

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
