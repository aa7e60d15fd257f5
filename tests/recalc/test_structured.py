"""Formulas that read an Excel table by a structured reference: the engine reads no table, so the
recalculation says so in one line naming the first cell, and nothing else changes."""

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from openpyxl.worksheet.table import Table  # noqa: E402

from trups_xl.recalc import recalculate  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402
from trups_xl.recalc.structured import reads_a_table, table_names  # noqa: E402


def _with_table(path, formulas):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Ledger"
    ws.append(["Date", "Plus"])
    for i in range(3):
        ws.append([i + 1.0, formulas[0].format(r=i + 2)])
    ws["D1"] = formulas[1]
    ws.add_table(Table(displayName="Ledger1", ref="A1:B4"))
    book.save(path)
    return path


def test_a_structured_reference_is_said_in_one_line_naming_the_first_cell(tmp_path):
    path = _with_table(tmp_path / "t.xlsx", ("=Ledger1[[#This Row],[Date]]+1", "=SUM(Ledger1[Date])"))
    assert table_names(path, Limits()) == {"LEDGER1"}
    result = recalculate(path)
    said = [n for n in result.notices if "structured reference" in n]
    assert said == ["4 formula cells read an Excel table by a structured reference (first Ledger!D1): the engine "
                    "does not read tables, so such a reference shows #NAME? where Excel shows a value; write it "
                    "as cells (A2, A2:A100) to compute it"]
    assert result.values[("Ledger", "D1")] == "#NAME?"


def test_a_workbook_whose_formulas_read_no_table_says_nothing_of_tables(tmp_path):
    path = _with_table(tmp_path / "t.xlsx", ("=A{r}+1", '=SUM(A2:A4)&"Ledger1[Date]"'))
    result = recalculate(path)
    assert not [n for n in result.notices if "structured reference" in n]
    assert result.values[("Ledger", "B2")] == 2.0


@pytest.mark.parametrize(("formula", "reads"), [
    ("=SUM(Ledger1[Date])", True), ("=ledger1[[#This Row],[Date]]*2", True), ("=[@Date]+1", True),
    ("=[1]Sheet1!A1", False), ('="Ledger1[Date]"', False), ("=Other[Date]", False), ("=SUM(A1:A3)", False),
])
def test_which_formulas_read_a_table(formula, reads):
    assert reads_a_table(formula, {"LEDGER1"}) is reads
