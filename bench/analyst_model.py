"""An analyst-shaped model workbook: what `trups-xl recalc` is benchmarked and tested on.

Sheets:

* ``Inputs`` -- named inputs (a Treasury shift, a yield, a deferral window, securities held) and a
  named row of weights;
* ``Prices`` -- a 1,000-row price history of the common stock (named ``PriceDates``/``Prices``);
* ``Ledger`` -- one row per day: the date, a Treasury rate and an issuance date typed (filled series), then 12
  ``TRUPS_*`` calls and 13 ordinary formulas: running totals (``=M1+Q2`` and ``=SUM($E$2:E2)``),
  ``IF(AND(...))``, ``IFERROR``, ``SUMPRODUCT`` over a named row, cross-sheet references, named
  inputs, a text flag; three of the ``TRUPS_*`` calls read ordinary formulas (the make-whole and
  redemption price on a shifted Treasury rate, the claim limit on a running total);
* ``Summary`` -- ``SUM``/``MAX``/``AVERAGE``/``COUNTIF`` over the ledger's columns, named
  ``Result_*``.

Run ``python bench/analyst_model.py ROWS PATH`` to write one.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

#: Ledger columns: (header, formula template with {r} the row and {p} the previous row).
TRUPS_COLUMNS = {
    "C": ("previous payment", "=TRUPS_PREVIOUS_PAYMENT_DATE(A{r})"),
    "D": ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(A{r})"),
    "E": ("accrual since payment", "=TRUPS_ACCRUAL(C{r},A{r})"),
    "F": ("accrued interest", "=TRUPS_ACCRUED_INTEREST(A{r})"),
    "G": ("next coupon", "=TRUPS_COUPON(D{r})"),
    "H": ("make-whole", "=TRUPS_MAKE_WHOLE(A{r},I{r})"),
    "J": ("redemption price", "=TRUPS_REDEMPTION_PRICE(A{r},I{r})"),
    "K": ("price from yield", "=TRUPS_PRICE_FROM_YIELD(A{r},Yield)"),
    "L": ("claim limit", "=TRUPS_CLAIM_LIMIT(M{r})"),
    "N": ("APM average price", "=TRUPS_APM_AVERAGE_PRICE(AB{r},PriceDates,Prices)"),
    "O": ("Treasury price date", "=TRUPS_TREASURY_PRICE_DATE(A{r})"),
    "P": ("redemption payment date", "=TRUPS_REDEMPTION_PAYMENT_DATE(A{r})"),
}
ORDINARY_COLUMNS = {
    "I": ("shifted Treasury", "=B{r}+Shift"),
    "Q": ("deferred this day", "=IF(AND(A{r}>=DeferStart,A{r}<DeferEnd),G{r}/182,0)"),
    "M": ("deferred, running", "=M{p}+Q{r}"),
    "R": ("accrual, running", "=SUM($E$2:E{r})"),
    "S": ("make-whole / redemption", "=IFERROR(H{r}/J{r},0)"),
    "T": ("weighted", "=SUMPRODUCT(Weights,F{r}:H{r})"),
    "U": ("accrued, all held", "=Inputs!$B$5*F{r}"),
    "V": ("price less make-whole", "=ROUND(K{r}-H{r},2)"),
    "W": ("higher price", "=MAX(H{r},J{r})"),
    "X": ("shares per security", "=IF(N{r}>0,1000/N{r},0)"),
    "Y": ("accrual, all held", "=E{r}*Held"),
    "Z": ("claim check", '=IF(L{r}>M{r},"ok","limit")'),
    "AA": ("days to payment", "=D{r}-A{r}"),
}
PRICE_ROWS = 1_000


def ledger_date(i: int) -> dt.datetime:
    """Row i's date: daily from 2008-01-02, wrapping every 10,000 days (inside the fixed-rate period,
    whose coupons need no index fixings)."""
    return dt.datetime(2008, 1, 2) + dt.timedelta(days=i % 10_000)


def issuance(i: int) -> dt.datetime:
    """Row i's hypothetical share issuance date, inside the price history."""
    return dt.datetime(2008, 3, 3) + dt.timedelta(days=i % 1_000)


def trading_days(count: int) -> list[dt.date]:
    """``count`` NYSE trading days from 2007-09-04."""
    from trups_xl.core.conventions.calendars import NYSE

    out, day = [], dt.date(2007, 9, 4)
    while len(out) < count:
        if NYSE.is_open(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def treasury(i: int) -> float:
    return 0.01 + (i % 60) / 1000


def generate(path: Path, rows: int, dates_as_formulas: bool = False) -> Path:
    """Write the model with ``rows`` ledger rows; ``dates_as_formulas`` writes the date column as
    ``=A{previous}+1`` after its first row (as some analysts build a ledger) instead of typed dates."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.Workbook(write_only=True)
    inputs = book.create_sheet("Inputs")
    for row in (["input", "value"], ["Shift", 0.0025], ["Yield", 0.07], ["DeferStart", dt.datetime(2010, 3, 21)],
                ["Held", 3_500_000], ["DeferEnd", dt.datetime(2014, 3, 21)], ["Weights", 0.5, 0.3, 0.2]):
        inputs.append(row)
    prices = book.create_sheet("Prices")
    prices.append(["date", "price"])
    for k, day in enumerate(trading_days(PRICE_ROWS)):
        prices.append([dt.datetime.combine(day, dt.time()), 20 + (k * 37 % 400) / 10])
    ledger = book.create_sheet("Ledger")
    columns = {**TRUPS_COLUMNS, **ORDINARY_COLUMNS}
    order = sorted(columns, key=lambda c: (len(c), c))
    ledger.append(["date", "treasury", *(columns[c][0] for c in order), "issuance date"])
    for i in range(rows):
        r = i + 2
        first: object = f"=A{r - 1}+1" if dates_as_formulas and i and i % 10_000 else ledger_date(i)
        line: list[object] = [first, treasury(i)]
        for c in order:
            template = columns[c][1]
            line.append("=Q2" if (c == "M" and r == 2) else template.format(r=r, p=r - 1))
        ledger.append([*line, issuance(i)])
    last = rows + 1
    summary = book.create_sheet("Summary")
    results = [("Accrual, all rows ($)", f"=SUM(Ledger!E2:E{last})", "AccrualTotal"),
               ("Highest make-whole ($)", f"=MAX(Ledger!H2:H{last})", "MaxMakeWhole"),
               ("Average APM price ($)", f"=AVERAGE(Ledger!N2:N{last})", "AveragePrice"),
               ("Rows at the claim limit", f'=COUNTIF(Ledger!Z2:Z{last},"limit")', "AtLimit"),
               ("Deferred, end ($)", f"=Ledger!M{last}", "Deferred")]
    summary.append(["result", "value"])
    for label, formula, _ in results:
        summary.append([label, formula])
    names = {"Shift": "Inputs!$B$2", "Yield": "Inputs!$B$3", "DeferStart": "Inputs!$B$4", "Held": "Inputs!$B$5",
             "DeferEnd": "Inputs!$B$6", "Weights": "Inputs!$B$7:$D$7", "PriceDates": f"Prices!$A$2:$A${PRICE_ROWS + 1}",
             "Prices": f"Prices!$B$2:$B${PRICE_ROWS + 1}"}
    for k, (_, _, name) in enumerate(results):
        names[f"Result_{name}"] = f"Summary!$B${k + 2}"
    for name, target in names.items():
        book.defined_names[name] = DefinedName(name, attr_text=target)
    book.save(path)
    return path


if __name__ == "__main__":
    generate(Path(sys.argv[2]), int(sys.argv[1]), dates_as_formulas="--dates-as-formulas" in sys.argv)
