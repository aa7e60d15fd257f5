"""A1 addresses: a column's letters and number, a cell's row and column, an area's bounds."""

from __future__ import annotations

import re

from trups_xl.recalc.safety import EXCEL_COLUMNS, EXCEL_ROWS

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def column_number(letters: str) -> int:
    """``"A"`` -> 1, ``"XFD"`` -> 16384."""
    known = _NUMBERS.get(letters)
    if known is not None:
        return known
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    if 0 < n <= EXCEL_COLUMNS and letters == column_letters(n):  # a column's own letters: one entry a column
        _remember(n, letters)
    return n


def on_the_grid(letters: str, row: str | None) -> bool:
    """Whether a column's letters (any case) and a row's digits (None: a whole column) name a place on
    Excel's grid (A to XFD, rows 1 to 1,048,576): ``YTD1`` does not (column YTD is past XFD), and is a
    defined name where a formula uses it, as Excel reads it."""
    return column_number(letters.upper()) <= EXCEL_COLUMNS and (row is None or 0 < int(row) <= EXCEL_ROWS)


def reads_like_a_cell(name: str) -> bool:
    """Whether a name is a column's letters and a row's digits (any case): ``YTD1``, a defined name since it is
    off the grid, differs only in its digits from ``YTD2`` and in them only from the cells of a column
    on the grid (``ABC1234567``, a name, and ``ABC1``, a cell)."""
    return _REF.match(name.upper()) is not None


def area_on_the_grid(first: str, first_row: str | None, last: str | None, last_row: str | None) -> bool:
    """:func:`on_the_grid` for both ends of a reference (``last`` None or empty: one cell, or one column)."""
    return on_the_grid(first, first_row) and (not last or on_the_grid(last, last_row))


#: Where a cell reference may start in a formula: after no character a name, a number, a sheet's or a
#: workbook's name holds (any letter, accented too: in ``Año1`` or ``Größe1`` no ``o1`` or ``e1`` is a cell).
REFERENCE_START = r"(?<![\w.'$\\?])"

#: A text in a formula (``""`` inside it is one quote).
TEXT = re.compile(r'"(?:[^"]|"")*"')


def texts_blanked(formula: str) -> str:
    """``formula`` with each of its texts written ``""``: what is left is read for references and names."""
    return TEXT.sub('""', formula)


#: A text or a quoted sheet name, whichever starts first (a quote inside the other is its own).
QUOTED = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
#: An error value written in a formula (``#N/A``: no name ``A`` after ``/``, though a table or a name may be ``A``).
ERROR_VALUE = r"#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)"
#: A name in R1C1 notation (``R``, ``C2``, ``R1C1``), which Excel reads as a reference, not as a name.
_R1C1 = re.compile(r"R\d*C?\d*|C\d*", re.I)


def reads_like_r1c1(name: str) -> bool:
    """Whether a name is a reference in R1C1 notation (``R``, ``C2``, ``r1c1``), as Excel reads one."""
    return _R1C1.fullmatch(name) is not None


def quoted_spans(formula: str) -> list[tuple[int, int]]:
    """Where a formula's texts and quoted sheet names are (``'Model FY2024'``: words in them that read
    like cells are not references)."""
    return [m.span() for m in QUOTED.finditer(formula)] if "'" in formula or '"' in formula else []


def quoted(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether position ``at`` of a formula lies inside one of its :func:`quoted_spans`."""
    return any(start < at < end for start, end in spans)


_FIXED_CELL = re.compile(r"\$[A-Za-z]{1,3}\$\d+")


def fixed_reference(reference: str) -> bool:
    """Whether every column and row a defined name's reference gives is absolute (``S!$A$2:$A$9``).
    A name with a relative part (``S!$A2``) moves with the cell that uses it; the engine alone
    refuses such a name (``#NAME?``), so the fast path neither reads it at one fixed cell nor takes
    the columns it reads from its text."""
    return all(_FIXED_CELL.fullmatch(cell) for cell in reference.rpartition("!")[2].split(":"))


def column_letters(n: int) -> str:
    """A column's letters (1 -> "A", 28 -> "AB"; 0 -> "")."""
    if n < 0:  # no column: refused, not a loop that never ends
        raise ValueError(f"no column {n}")
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


#: The columns met so far, by number and by letters, each worked out once (a workbook uses a few dozen
#: columns; a table of all 16,384 made at import held 2 MB in every recalculation).
_LETTERS: dict[int, str] = {}
_NUMBERS: dict[str, int] = {}


def _remember(col: int, letters: str) -> None:
    """Keep a column of the grid met, by number and by its own letters."""
    _LETTERS[col] = letters
    _NUMBERS[letters] = col


def coordinate(ref: str) -> tuple[int, int]:
    """``"B12"`` -> (12, 2); ``$`` signs ignored."""
    match = _REF.match(ref.replace("$", "").upper())
    if not match:
        raise ValueError(ref)
    return int(match[2]), column_number(match[1])


def a1(row: int, col: int) -> str:
    letters = _LETTERS.get(col)
    if letters is None:
        letters = column_letters(col)
        if 0 < col <= EXCEL_COLUMNS:
            _remember(col, letters)
    return f"{letters}{row}"


def area_bounds(area: str) -> tuple[int, int, int, int]:
    """``"A1:C3"`` -> (first row, first col, last row, last col)."""
    first, _, last = area.partition(":")
    r1, c1 = coordinate(first)
    r2, c2 = coordinate(last or first)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
