"""What the recalculation says: a result as its cell's number format shows it, the summary of the
named results and the conditions the functions report, the error cells listed then counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from trups_xl.excel.convert import serial_to_date
from trups_xl.recalc.collect import Recalculation
from trups_xl.recalc.error_cells import ErrorCells
from trups_xl.recalc.number_formats import is_date_format

#: Error cells listed one by one in the summary; past that, a count per sheet.
MAX_LISTED_ERRORS = 20
#: Text results that report a condition rather than a number (listed apart in the summary).
CONDITION_PREFIXES = ("lapsed", "not applicable")


def _is_date(value: Any, number_format: str) -> bool:
    return type(value) is float and is_date_format(number_format) and 1 <= value < 2_958_466


def shown(value: Any, number_format: str) -> str:
    """A result as its cell's number format shows it: dates ISO, percentages, whole numbers with
    thousands separators, amounts with two decimals."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if _is_date(float(value), number_format):
            return serial_to_date(value).isoformat()
        fmt = number_format.split(";")[0]
        decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
        if "%" in fmt:
            return f"{value:.{decimals}%}"
        if fmt.startswith("#,##0") or fmt == "0":
            return f"{value:,.{decimals}f}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"
    return str(value)


#: How the summary shows a blank result (a term the security does not have), so a line never ends empty.
BLANK_SHOWN = "(blank)"


def summary(result: Recalculation) -> str:
    """The named results, one per line: the workbook's own label, the value as its cell shows it;
    then the text results that report a condition (an APM obligation that lapsed, ...)."""
    labels = {n: result.shown_as.get(n, (n.removeprefix("Result_"), "General")) for n in result.names}
    width = max((len(label) for label, _ in labels.values()), default=0)
    lines = [f"  {labels[n][0]:<{width}}  {BLANK_SHOWN if v in (None, '') else shown(v, labels[n][1])}"
             for n, v in result.names.items()]
    conditions = [f"  {labels[n][0]}: {v}" for n, v in result.names.items()
                  if isinstance(v, str) and v.strip().lower().startswith(CONDITION_PREFIXES)]
    if conditions:
        lines += ["Conditions reported by the functions:", *conditions]
    return "\n".join(lines)


#: What the count of :func:`error_lines` calls the lines past the listed ones that name none of the sheets.
OTHER_LINES = "naming no sheet"


def error_lines(errors: Sequence[str], sheets: Iterable[str] = ()) -> list[str]:
    """Cells listed for the summary (``Sheet!A1: ...``): the first :data:`MAX_LISTED_ERRORS`, then a count per
    sheet (the error cells' counted with no line written for them). Lines of text (notices, circular
    references) are counted under the longest of ``sheets`` (the workbook's titles, which may hold a ``!``)
    they start with, then ``!``; a line starting with none is counted among :data:`OTHER_LINES`."""
    lines = list(errors[:MAX_LISTED_ERRORS])
    if len(errors) > MAX_LISTED_ERRORS:
        if isinstance(errors, ErrorCells):
            counts = errors.counts(MAX_LISTED_ERRORS)
        else:
            titles = sorted(sheets, key=len, reverse=True)
            counts = {}
            for e in errors[MAX_LISTED_ERRORS:]:
                sheet = next((t for t in titles if e.startswith(f"{t}!")), OTHER_LINES)
                counts[sheet] = counts.get(sheet, 0) + 1
        lines.append(f"... and {len(errors) - MAX_LISTED_ERRORS:,} more: "
                     + ", ".join(f"{n:,} {s}" if s == OTHER_LINES else f"{n:,} on {s}" for s, n in counts.items()))
    return lines
