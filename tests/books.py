"""Small workbooks the tests write: one sheet of {cell: value}."""

from pathlib import Path

import openpyxl


def write_book(path: Path, cells: dict, sheet: str = "Sheet") -> Path:
    """Save a one-sheet workbook holding ``cells`` (formulas as text, ArrayFormula objects, values)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for ref, value in cells.items():
        ws[ref] = value
    book.save(path)
    return path
