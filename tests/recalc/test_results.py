"""The results table: CSV that a spreadsheet opens without running any cell as a formula, and an
.xlsx with the table, one sheet per output and a chart of the numeric ones."""

import csv

import pytest

openpyxl = pytest.importorskip("openpyxl")

from trups_xl.recalc.results import COLUMNS, Row, write_csv, write_xlsx  # noqa: E402

ROWS = [
    Row("a.xlsx", "base", "Result_Price", 101.25),
    Row("a.xlsx", "up", "Result_Price", 0.1 + 0.2),
    Row("a.xlsx", "base", "Result_Note", "=HYPERLINK(\"http://x\")"),
    Row("a.xlsx", "up", "Result_Note", "-12.5"),
    Row("b.xlsx", "base", "Result_Price", None, "input Shift: the workbook has no defined name 'Shift'"),
]


def test_the_csv_keeps_floats_exactly_and_never_starts_a_text_cell_as_a_formula(tmp_path):
    target = tmp_path / "results.csv"
    write_csv(target, ROWS)
    with target.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == COLUMNS
    assert float(table[2][3]) == 0.1 + 0.2  # every digit kept
    assert table[3][3] == "'=HYPERLINK(\"http://x\")"  # shown as text, not run
    assert table[4][3] == "-12.5"  # a number written as text stays a number
    assert table[5][3:] == ["", "input Shift: the workbook has no defined name 'Shift'"]
    assert len(table) == len(ROWS) + 1


def test_the_xlsx_has_the_table_a_sheet_per_output_and_a_chart_of_numbers(tmp_path):
    target = tmp_path / "results.xlsx"
    write_xlsx(target, ROWS)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Results", "Result_Price", "Result_Note"]
    results = [list(r) for r in book["Results"].iter_rows(values_only=True)]
    assert tuple(results[0]) == COLUMNS
    assert results[3][3] == "'=HYPERLINK(\"http://x\")"
    price = [list(r) for r in book["Result_Price"].iter_rows(values_only=True)]
    assert price[:2] == [["scenario", "a.xlsx", "b.xlsx"], ["base", 101.25, None]]
    assert price[2][0] == "up" and price[2][1] == pytest.approx(0.3, abs=1e-15) and price[2][2] is None
    assert len(book["Result_Price"]._charts) == 1
    assert len(book["Result_Note"]._charts) == 0  # text only: nothing to draw
