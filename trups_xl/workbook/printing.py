"""Column widths and print setup of every sheet: each fits its content and prints readably."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

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
