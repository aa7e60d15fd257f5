"""Headless recalculation: every formula of a workbook, the ``TRUPS_*`` calls through the very
same :mod:`trups_xl.udfs` functions Excel calls.

The ordinary Excel functions, references and array formulas are evaluated by the maintained
``formulas`` package (EUPL-1.1+, a formula engine built on ``schedula``); trups-xl registers
its functions with it. Cell values reach the UDFs as Excel would send them: numbers and date
serials as floats, text as text, blanks as ``None``, ranges as lists of rows, upstream errors
as their text (``err_to_str``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import schedula as sh
from formulas.functions import XlError
from formulas.ranges import Ranges
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from trups_xl import udfs  # noqa: F401  (registers the functions)
from trups_xl.xlconvert import EXCEL_EPOCH, EXCEL_ERRORS, date_to_serial
from trups_xl.xlfunc import BUG_PREFIX, INPUT_ERROR_PREFIX, REGISTRY

CELL_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>[A-Z]+\d+(?::[A-Z]+\d+)?)$")


def _to_excel(value: Any) -> Any:
    """A Python cell value as the engine sends it to a UDF."""
    if value is sh.EMPTY or value is None:
        return None
    if isinstance(value, XlError):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _argument(value: Any) -> Any:
    if isinstance(value, Ranges):
        value = value.value
    if isinstance(value, np.ndarray):
        rows = [[_to_excel(v) for v in row] for row in np.atleast_2d(value)]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return _to_excel(value)


def _result(value: Any) -> Any:
    """A UDF result as the engine stores it: dates as serials, tables as 2-D arrays."""
    def cell(v: Any) -> Any:
        if isinstance(v, dt.date):
            return float(date_to_serial(v if not isinstance(v, dt.datetime) else v.date()))
        return "" if v is None else v

    if isinstance(value, list):
        return np.array([[cell(v) for v in row] for row in value], dtype=object)
    return cell(value)


def _engine_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return _result(fn(*(_argument(a) for a in args)))

    return call


def register() -> None:
    """Make every ``TRUPS_*`` function known to the formula engine."""
    functions = formulas.get_functions()
    for name, fn in REGISTRY.items():
        functions[name] = _engine_function(fn)


@dataclass
class Recalculation:
    """Computed values by (sheet title, cell) and the named results."""

    values: dict[tuple[str, str], Any]
    names: dict[str, Any]
    errors: list[str]


def recalculate(path: Path, progress: Callable[[str], None] | None = None) -> Recalculation:
    """Evaluate every formula of ``path``; the file is not modified."""
    say = progress or (lambda _m: None)
    register()
    # formulas dispatches some functions once before their named-range inputs are set and
    # logs that attempt as a failure; the final values are what count (checked cell by cell)
    logging.getLogger("schedula").setLevel(logging.CRITICAL)
    say(f"loading {path.name}")
    model = formulas.ExcelModel().loads(str(path)).finish()
    say(f"evaluating {sum(1 for _ in model.cells)} cells")
    solution = model.calculate()
    book = load_workbook(path)
    titles = {t.upper(): t for t in book.sheetnames}
    values: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        match = CELL_KEY.match(str(key))
        if not match or match["sheet"].upper() not in titles:
            continue
        sheet = titles[match["sheet"].upper()]
        first = match["ref"].split(":")[0]
        col = re.match(r"[A-Z]+", first).group(0)  # type: ignore[union-attr]
        row = int(first[len(col):])
        data = np.atleast_2d(getattr(ranges, "value", ranges))
        for i, line in enumerate(data):
            for j, v in enumerate(line):
                ref = f"{get_column_letter(column_index_from_string(col) + j)}{row + i}"
                values[(sheet, ref)] = _to_excel(v)
    errors = [f"{s}!{r}: {v}" for (s, r), v in values.items()
              if isinstance(v, str) and (v.strip().upper() in EXCEL_ERRORS
                                         or v.startswith((INPUT_ERROR_PREFIX, BUG_PREFIX)))]
    names: dict[str, Any] = {}
    for name, defined in book.defined_names.items():
        if name.startswith("Result_"):
            sheet, ref = next(iter(defined.destinations))
            names[name] = values.get((sheet, ref.replace("$", "")))
    return Recalculation(values, names, errors)


def write_values(path: Path, out: Path, result: Recalculation) -> None:
    """Copy ``path`` to ``out`` with every formula replaced by its computed value."""
    if out.resolve() == path.resolve():
        raise ValueError("refusing to overwrite the input workbook; pass another -o path or --in-place")
    book = load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                key = (ws.title, cell.coordinate)
                is_formula = isinstance(cell.value, ArrayFormula) or (
                    isinstance(cell.value, str) and cell.value.startswith("="))
                if key in result.values and (is_formula or cell.value is None):
                    value = result.values[key]
                    if "yy" in (cell.number_format or "") and isinstance(value, float):
                        value = EXCEL_EPOCH + dt.timedelta(days=int(value))
                    cell.value = value
    book.save(out)


def summary(result: Recalculation) -> str:
    """The named results, one per line."""
    lines = []
    for name, value in result.names.items():
        shown = value
        if isinstance(value, float) and 30000 < value < 70000 and name.endswith(("Date", "Previous", "Next")):
            shown = (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        elif isinstance(value, float):
            shown = f"{value:,.6f}"
        lines.append(f"  {name.removeprefix('Result_'):<14} {shown}")
    return "\n".join(lines)


def main_recalc(path: Path, out: Path | None, in_place: bool) -> int:
    """The ``recalc`` command."""
    target = path if in_place else (out or path.with_name(path.stem + ".values" + path.suffix))
    result = recalculate(path, progress=lambda m: print(f"[recalc] {m}", file=sys.stderr))
    if in_place:
        tmp = path.with_name(path.stem + ".tmp" + path.suffix)
        write_values(path, tmp, result)
        tmp.replace(path)
    else:
        write_values(path, target, result)
    print(f"Recalculated {path} -> {target}")
    print(summary(result))
    if result.errors:
        print("Cells with errors:\n  " + "\n  ".join(result.errors))
        return 1
    return 0
