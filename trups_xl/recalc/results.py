"""The results of a batch or scenario run: one tidy table (workbook, scenario, output, value, message)
written as CSV and as an .xlsx with the table, one sheet per output and a chart of each numeric output
against the scenario. Both are written atomically (a temporary file moved into place).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trups_xl.atomic import write_atomically, write_atomically_together

COLUMNS = ("workbook", "scenario", "output", "value", "message")
#: Workbooks drawn as series in one output's chart; past that the sheet still lists every value.
MAX_SERIES = 20
#: Rows of an Excel sheet.
EXCEL_ROWS = 1_048_576
#: Text a CSV cell may not start with: a spreadsheet would read it as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One line of the results: a value, or a message saying why there is none."""

    workbook: str
    scenario: str
    output: str
    value: Any
    message: str = ""


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value  # a text result or a name is never run as a formula by whoever opens the file
    if isinstance(value, float):
        return repr(value)
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(target: Path, rows: Sequence[Row]) -> None:
    write_atomically(target, _csv_writer(rows))


def _csv_writer(rows: Sequence[Row]) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(COLUMNS)
            for r in rows:
                out.writerow([_csv_cell(r.workbook), _csv_cell(r.scenario), _csv_cell(r.output),
                              "" if r.value is None else _csv_cell(r.value), _csv_cell(r.message)])

    return write


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", name)[:28] or "output"
    title, k = base, 1
    while title.upper() in used:
        k += 1
        title = f"{base[:25]}~{k}"
    used.add(title.upper())
    return title


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def write_xlsx(target: Path, rows: Sequence[Row]) -> None:
    """The table on a sheet ``Results``; then per output a sheet of scenario x workbook values with a
    chart of the numeric ones against the scenario."""
    write_atomically(target, _xlsx_writer(rows))


def write_results(csv_target: Path, xlsx_target: Path, rows: Sequence[Row],
                  moving: Callable[[], AbstractContextManager[object]] = nullcontext) -> None:
    """:func:`write_csv` and :func:`write_xlsx` as one: neither file is replaced unless both are written
    (:func:`trups_xl.atomic.write_atomically_together`, ``moving`` around the moves)."""
    write_atomically_together([(csv_target, _csv_writer(rows)), (xlsx_target, _xlsx_writer(rows))], moving)


def _xlsx_writer(rows: Sequence[Row]) -> Callable[[Path], None]:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference

    book = Workbook()
    ws = book.active
    ws.title = "Results"
    ws.append(list(COLUMNS))
    for r in rows[:EXCEL_ROWS - 2]:
        ws.append([_cell(r.workbook), _cell(r.scenario), _cell(r.output), _cell(r.value), _cell(r.message)])
    if len(rows) > EXCEL_ROWS - 2:
        ws.append(["", "", "", None, f"{len(rows) - (EXCEL_ROWS - 2):,} more rows than a sheet holds: see the CSV"])
    ws.freeze_panes = "A2"
    outputs = list(dict.fromkeys(r.output for r in rows if r.output and not r.message))
    workbooks = list(dict.fromkeys(r.workbook for r in rows))
    scenarios = list(dict.fromkeys(r.scenario for r in rows if r.scenario))
    used = {"RESULTS"}
    for output in outputs:
        sheet = book.create_sheet(_sheet_title(output, used))
        sheet.append(["scenario", *workbooks])
        values = {(r.workbook, r.scenario): r.value for r in rows if r.output == output}
        for s in scenarios:
            sheet.append([_cell(s), *(_cell(values.get((w, s))) for w in workbooks)])
        numeric = [k for k, w in enumerate(workbooks) if any(
            isinstance(values.get((w, s)), (int, float)) and not isinstance(values.get((w, s)), bool) for s in scenarios)]
        if not numeric or not scenarios:
            continue
        chart = LineChart()
        chart.title = output[:100]
        chart.x_axis.title = "scenario"
        chart.y_axis.title = output[:60]
        for k in numeric[:MAX_SERIES]:
            chart.add_data(Reference(sheet, min_col=k + 2, min_row=1, max_row=len(scenarios) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(scenarios) + 1))
        chart.width, chart.height = 24, 12
        sheet.add_chart(chart, f"{_column_letter(len(workbooks) + 3)}2")
    return lambda tmp: book.save(tmp)


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


__all__ = ["COLUMNS", "Row", "write_csv", "write_results", "write_xlsx"]
