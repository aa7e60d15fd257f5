"""Ledgers written the way analysts write them: what `trups-xl recalc` is benchmarked and tested on
beside the tidy model of ``bench/analyst_model.py``.

Each shape is a daily ledger for Citigroup Capital XXI on a sheet ``Ledger`` (row 1 headings, one
row a day from row 2, the date typed in column A), with the inputs a model names (``Principal``,
``NumSecs``, ``Shift``, ``DeferStart``/``DeferEnd``, a named row ``Weights``) on ``Inputs``, a
``Securities`` sheet a lookup reads, and a ``Summary`` sheet of totals named ``Result_*``:

* ``skipped`` -- calls that skip an argument: ``=TRUPS_ACCRUAL(B2,A2,,Principal)``;
* ``if`` -- calls inside ``IF`` (whose other branch would error: a coupon asked on a day that is
  not a payment date), ``IFERROR`` and ``AND``;
* ``dates`` -- dates as formulas (``=A2-1``, ``=EDATE(A2,3)``) read by the calls, and a call
  reading another call's column;
* ``chain`` -- a ``TRUPS_*`` column reading a running total of an ``IF`` column;
* ``lookup`` -- ``security`` from a ``VLOOKUP`` on the securities sheet;
* ``arith`` -- arithmetic around a call (``=TRUPS_COUPON(F2,,Principal)*NumSecs``);
* ``sumproduct`` -- ``SUMPRODUCT`` over a named row of the ``TRUPS_*`` columns;
* ``ledger`` -- all of these in one 25-column ledger (the model of issue 31);
* ``saved`` -- the ledger as Excel saves it: each column of copied formulas stored as one shared
  formula (its first cell holds the text, the others refer to it), as a filled-down column is;
* ``table`` -- the ledger as an Excel table (``Ledger1``), its formulas reading their own row by
  structured references (``=TRUPS_ACCRUAL(Ledger1[[#This Row],[prior day]],Ledger1[[#This Row],[date]],,
  Principal)``, as Excel saves ``[@[prior day]]``) and the summary summing its columns (``Ledger1[accrual]``);
  a running total still reads the row above by its address.

Run ``python bench/analyst_shapes.py SHAPE ROWS PATH`` to write one.
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from pathlib import Path

#: Ledger columns per shape, from column B: (heading, formula template or typed value); ``{r}`` is
#: the row, ``{p}`` the previous row (the first row's running total reads only its own row).
SHAPES: dict[str, list[tuple[str, str]]] = {
    "skipped": [
        ("prior day", "@prior"),
        ("accrual", "=TRUPS_ACCRUAL(B{r},A{r},,Principal)"),
        ("accrued interest", "=TRUPS_ACCRUED_INTEREST(A{r},,Principal)"),
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(A{r},)"),
    ],
    "if": [
        ("prior day", "@prior"),
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(B{r})"),
        ("coupon paid", "=IF(A{r}=C{r},TRUPS_COUPON(A{r},,Principal),0)"),
        ("coupon or blank", '=IFERROR(TRUPS_COUPON(A{r},,Principal),"")'),
        ("deferring", "=IF(AND(A{r}>=DeferStart,TRUPS_ACCRUAL(B{r},A{r})>0),1,0)"),
    ],
    "dates": [
        ("prior day", "=A{r}-1"),
        ("three months on", "=EDATE(A{r},3)"),
        ("accrual", "=TRUPS_ACCRUAL(B{r},A{r})"),
        ("next payment then", "=TRUPS_NEXT_PAYMENT_DATE(C{r})"),
        ("coupon then", "=TRUPS_COUPON(E{r})"),
    ],
    "chain": [
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(A{r})"),
        ("deferred this day", "=IF(AND(A{r}>=DeferStart,A{r}<DeferEnd),TRUPS_ACCRUAL(A{r}-1,A{r},,Principal),0)"),
        ("deferred, running", "=D{p}+C{r}"),
        ("claim limit", "=TRUPS_CLAIM_LIMIT(D{r},Principal)"),
        ("coupon", "=TRUPS_COUPON(B{r},,Principal)"),
    ],
    "lookup": [
        ("code", "@code"),
        ("security", "=VLOOKUP(B{r},Securities!$A$2:$B$4,2,FALSE)"),
        ("accrued interest", "=TRUPS_ACCRUED_INTEREST(A{r},,Principal,,,C{r})"),
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(A{r},C{r})"),
    ],
    "arith": [
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(A{r})"),
        ("coupon, all held", "=TRUPS_COUPON(B{r},,Principal)*NumSecs"),
        ("accrued per security", "=TRUPS_ACCRUED_INTEREST(A{r})*NumSecs/1000"),
    ],
    "sumproduct": [
        ("accrued interest", "=TRUPS_ACCRUED_INTEREST(A{r})"),
        ("next coupon", "=TRUPS_COUPON(TRUPS_NEXT_PAYMENT_DATE(A{r}))"),
        ("accrual", "=TRUPS_ACCRUAL(TRUPS_PREVIOUS_PAYMENT_DATE(A{r}),A{r})"),
        ("weighted", "=SUMPRODUCT(Weights,B{r}:D{r})"),
    ],
    "ledger": [
        ("prior day", "=A{r}-1"),
        ("three months on", "=EDATE(A{r},3)"),
        ("code", "@code"),
        ("security", "=VLOOKUP(D{r},Securities!$A$2:$B$4,2,FALSE)"),
        ("next payment", "=TRUPS_NEXT_PAYMENT_DATE(B{r})"),
        ("previous payment", "=TRUPS_PREVIOUS_PAYMENT_DATE(A{r},E{r})"),
        ("accrual", "=TRUPS_ACCRUAL(B{r},A{r},,Principal)"),
        ("coupon paid", "=IF(A{r}=F{r},TRUPS_COUPON(A{r},,Principal),0)"),
        ("coupon or blank", '=IFERROR(TRUPS_COUPON(A{r},,Principal),"")'),
        ("accrued interest", "=TRUPS_ACCRUED_INTEREST(A{r},,Principal,,,E{r})"),
        ("next coupon, all held", "=TRUPS_COUPON(F{r},,Principal)*NumSecs"),
        ("next payment in 3 months", "=TRUPS_NEXT_PAYMENT_DATE(C{r})"),
        ("treasury", "@treasury"),
        ("shifted treasury", "=N{r}+Shift"),
        ("make-whole", "=TRUPS_MAKE_WHOLE(A{r},O{r})"),
        ("deferred this day", "=IF(AND(A{r}>=DeferStart,A{r}<DeferEnd),I{r},0)"),
        ("deferred, running", "=R{p}+Q{r}"),
        ("claim limit", "=TRUPS_CLAIM_LIMIT(R{r},Principal)"),
        ("weighted", "=SUMPRODUCT(Weights,H{r}:J{r})"),
        ("days to payment", "=F{r}-A{r}"),
        ("claim check", '=IF(S{r}>R{r},"ok","limit")'),
        ("accrued, all held", "=ROUND(K{r}*NumSecs,2)"),
        ("accrual, running", "=SUM($H$2:H{r})"),
        ("make-whole per $1", "=IFERROR(P{r}/Principal,0)"),
    ],
}
SHAPES["saved"] = SHAPES["ledger"]
SHAPES["table"] = SHAPES["ledger"]
#: Shapes whose columns of copied formulas are stored as shared formulas, as Excel saves a fill-down.
SHARED = frozenset({"saved"})
#: Shapes whose ledger is an Excel table read by structured references (:func:`_through_table`).
TABLED = frozenset({"table"})
#: The ledger table's name.
TABLE = "Ledger1"
#: The inputs and their names.
INPUTS = [("Principal", 1000.0), ("NumSecs", 3500.0), ("Shift", 0.0025), ("DeferStart", dt.datetime(2010, 3, 21)),
          ("DeferEnd", dt.datetime(2014, 3, 21))]
WEIGHTS = (0.5, 0.3, 0.2)
SECURITIES = [("XXI", "citigroup_capital_xxi"), ("XIII", "citigroup_capital_xiii"), ("MELLON", "mellon_capital_iv")]


def ledger_date(i: int) -> dt.datetime:
    """Row i's date: daily from 2008-01-02, wrapping every 10,000 days (inside the fixed-rate period)."""
    return dt.datetime(2008, 1, 2) + dt.timedelta(days=i % 10_000)


def treasury(i: int) -> float:
    return 0.01 + (i % 60) / 1000


def _typed(kind: str, i: int) -> object:
    if kind == "@prior":
        return ledger_date(i) - dt.timedelta(days=1)
    if kind == "@code":
        return "XXI"
    return treasury(i)


def _letter(n: int) -> str:
    return chr(64 + n) if n <= 26 else "A" + chr(64 + n - 26)


def _share(path: Path, first_rows: dict[str, int], last: int) -> None:
    """Store each ledger column of copies (its letter -> the row its copies start) as one shared formula:
    ``<f t="shared" ref="B2:B9" si="0">A2-1</f>`` in the first cell, ``<f t="shared" si="0"/>`` in the others."""
    import re
    import zipfile

    index = {letter: k for k, letter in enumerate(first_rows)}

    def shared(m: re.Match[bytes]) -> bytes:
        opening, letter, row, text = m[1], m[2].decode(), int(m[3]), m[4]
        if letter not in index or row < first_rows[letter]:
            return m[0]
        si = index[letter]
        if row == first_rows[letter]:
            return opening + f'<f t="shared" ref="{letter}{row}:{letter}{last}" si="{si}">'.encode() + text + b"</f>"
        return opening + f'<f t="shared" si="{si}"/>'.encode()

    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    ledger = "xl/worksheets/sheet3.xml"  # Inputs, Securities, Ledger, Summary: the third sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in parts:
            if info.filename == ledger:
                data = re.sub(rb'(<c r="([A-Z]+)(\d+)"[^>]*>)<f>([^<]*)</f>', shared, data)
            book.writestr(info, data)


def _through_table(template: str, headings: list[str]) -> str:
    """A ledger formula with its references to its own row (``H{r}``, ``H{r}:J{r}``) written as the table's
    own row (``Ledger1[[#This Row],[accrual]]``); absolute references and the row above kept."""
    import re

    def own_row(m: re.Match[str]) -> str:
        first = headings[_column(m[1])]
        last = headings[_column(m[2])] if m[2] else first
        span = f"[{first}]" if last == first else f"[{first}]:[{last}]"
        return f"{TABLE}[[#This Row],{span}]"

    return re.sub(r"(?<![$A-Z])([A-Z]{1,2})\{r\}(?::([A-Z]{1,2})\{r\})?", own_row, template)


def _column(letters: str) -> int:
    """A column's number from 0 (A) for one or two letters."""
    return ord(letters[-1]) - 65 + (26 * (ord(letters[0]) - 64) if len(letters) == 2 else 0)


def _add_table(ledger: object, headings: list[str], last: int) -> None:
    from openpyxl.worksheet.table import Table, TableColumn

    table = Table(displayName=TABLE, ref=f"A1:{_letter(len(headings))}{last}")
    table.tableColumns = [TableColumn(id=k + 1, name=heading) for k, heading in enumerate(headings)]
    with warnings.catch_warnings():  # openpyxl warns that write-only mode needs the columns given: they are
        warnings.simplefilter("ignore", UserWarning)
        ledger.add_table(table)  # type: ignore[attr-defined]


def generate(shape: str, path: Path, rows: int) -> Path:
    """Write the ``shape`` ledger with ``rows`` rows."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    columns = SHAPES[shape]
    headings = ["date", *(heading for heading, _ in columns)]
    if shape in TABLED:
        columns = [(heading, _through_table(t, headings)) for heading, t in columns]
    book = openpyxl.Workbook(write_only=True)
    inputs = book.create_sheet("Inputs")
    inputs.append(["input", "value"])
    for name, value in INPUTS:
        inputs.append([name, value])
    inputs.append(["Weights", *WEIGHTS])
    securities = book.create_sheet("Securities")
    securities.append(["code", "security"])
    for code, name in SECURITIES:
        securities.append([code, name])
    ledger = book.create_sheet("Ledger")
    ledger.append(headings)
    running = {_letter(k + 2) for k, (_, t) in enumerate(columns) if "{p}" in t}
    for i in range(rows):
        r = i + 2
        line: list[object] = [ledger_date(i)]
        for k, (_, template) in enumerate(columns):
            if template.startswith("@"):
                line.append(_typed(template, i))
            elif r == 2 and _letter(k + 2) in running:  # a running total starts from its own row
                line.append(template.split("+", 1)[1].format(r=r).join(["=", ""]))
            else:
                line.append(template.format(r=r, p=r - 1))
        ledger.append(line)
    last = rows + 1
    summary = book.create_sheet("Summary")
    summary.append(["result", "value"])
    trups = [_letter(k + 2) for k, (_, t) in enumerate(columns) if "TRUPS_" in t]
    results = [(f"Sum of {columns[ord(c[-1]) - 66][0]}" if len(c) == 1 else c,
                f"=SUM({TABLE}[{headings[_column(c)]}])" if shape in TABLED else f"=SUM(Ledger!{c}2:{c}{last})",
                f"Sum{c}") for c in trups[:4]]
    results.append(("Last of the first call's column", f"=Ledger!{trups[0]}{last}", "Last"))
    names = {name: f"Inputs!$B${k + 2}" for k, (name, _) in enumerate(INPUTS)}
    names["Weights"] = f"Inputs!$B${len(INPUTS) + 2}:$D${len(INPUTS) + 2}"
    for k, (label, formula, name) in enumerate(results):
        summary.append([label, formula])
        names[f"Result_{name}"] = f"Summary!$B${k + 2}"
    for name, target in names.items():
        book.defined_names[name] = DefinedName(name, attr_text=target)
    if shape in TABLED:
        _add_table(ledger, headings, last)
    book.save(path)
    if shape in SHARED:
        _share(path, {_letter(k + 2): 3 if _letter(k + 2) in running else 2 for k, (_, t) in enumerate(columns)
                      if not t.startswith("@")}, rows + 1)
    return path


if __name__ == "__main__":
    generate(sys.argv[1], Path(sys.argv[3]), int(sys.argv[2]))
