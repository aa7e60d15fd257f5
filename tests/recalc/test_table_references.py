"""A workbook's formulas reading its Excel tables: each read through its table equals its twin written with
cell references (the engine alone evaluates those), and equals formualizer's own tables where it reads them;
the engine's copy holds what the plan reads; what is not read shows #NAME? and is said in one line; hostile
tables are left out, never guessed."""

import datetime as dt

import pytest

openpyxl = pytest.importorskip("openpyxl")
fz = pytest.importorskip("formualizer")

from books import with_part  # noqa: E402
from openpyxl.worksheet.table import Table as XlTable  # noqa: E402

from trups_xl.excel import udfs  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402
from trups_xl.recalc.excel_tables import Table  # noqa: E402
from trups_xl.recalc.structured import Rewriter  # noqa: E402
from trups_xl.recalc.table_references import in_piece  # noqa: E402

#: A1:C7 on sheet "Ledger": header row 1, data rows 2 to 6, totals row 7.
LEDGER = Table("Ledger1", "Ledger", 1, 1, 7, 3, 1, 1, ("Date", "Amount", "Rate #"))
TABLES: dict[str, Table | None] = {"LEDGER1": LEDGER}


def test_the_engine_copy_rewrites_plain_and_array_formulas_and_leaves_shared_ones():
    piece = (b'<row r="3"><c r="D3"><f>Ledger1[[#This Row],[Amount]]&amp;"x"</f><v>1</v></c>'
             b'<c r="E3" s="2"><f t="shared" ref="E3:E4" si="0">Ledger1[[#This Row],[Amount]]</f></c>'
             b'<c r="F3"><f t="array" ref="F3">SUM(Ledger1[Amount]*2)</f></c>'
             b'<c r="G3"><f t="array" ref="G3">Ledger1[[#This Row],[Amount]]</f></c></row>')
    out = in_piece(Rewriter(TABLES), "Other")(piece)
    assert b"<f>Ledger!$B3&amp;\"x\"</f>" in out
    assert b'si="0">Ledger1[[#This Row],[Amount]]</f>' in out
    assert b"<f t=\"array\" ref=\"F3\">SUM(Ledger!$B$2:$B$6*2)</f>" in out
    assert b'ref="G3">Ledger1[[#This Row],[Amount]]</f>' in out


#: (cell, formula through the table, the same written by hand with cell references)
FORMULAS = [
    ("F1", "=SUM(Ledger1[Amount])", "=SUM(B2:B6)"),
    ("F2", "=SUM(Ledger1[[Date]:[Amount]])", "=SUM(A2:B6)"),
    ("F3", "=COUNTA(Ledger1[#All])", "=COUNTA(A1:D7)"),
    ("F4", "=Ledger1[[#Totals],[Amount]]", "=B7"),
    ("F5", "=INDEX(Ledger1[Amount],2)", "=INDEX(B2:B6,2)"),
    ("F6", "=Ledger1[[#Headers],[Rate %]]", "=C1"),
    ("F7", "=SUMPRODUCT(Ledger1[Amount],Ledger1[Rate %])", "=SUMPRODUCT(B2:B6,C2:C6)"),
    ("F8", "=MATCH(3000,Ledger1[Amount],0)", "=MATCH(3000,B2:B6,0)"),
    ("F9", "=IFERROR(Ledger1[[#This Row],[Amount]],-1)", "=IFERROR(#VALUE!,-1)"),
    ("F10", "=SUM(Ledger1[Accrued])", "=SUM(D2:D6)"),
    ("H1", "=Ledger1[[#This Row],[Amount]]*2", "=#VALUE!*2"),
]


def _pair(tmp_path, rows=5):
    """A ledger as an Excel table (dates, amounts, rates, an accrual column reading its own row, a totals
    row) with formulas reading it, and its twin written with cell references."""
    books = []
    for through_table in (True, False):
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "Ledger"
        ws.append(["Date", "Amount", "Rate %", "Accrued"])
        for i in range(rows):
            r = i + 2
            accrued = ("=TRUPS_ACCRUAL(DATE(2008,1,1),Ledger1[[#This Row],[Date]],,Ledger1[[#This Row],[Amount]])"
                       if through_table else f"=TRUPS_ACCRUAL(DATE(2008,1,1),A{r},,B{r})")
            ws.append([dt.datetime(2008, 2, 1) + dt.timedelta(days=30 * i), 1000.0 * (i + 1), 0.01 * (i + 1), accrued])
        total = "=SUBTOTAL(109,Ledger1[Amount])" if through_table else f"=SUBTOTAL(109,B2:B{rows + 1})"
        ws.append(["Total", total, None, None])
        table = XlTable(displayName="Ledger1", ref=f"A1:D{rows + 2}")
        table.totalsRowCount = 1
        ws.add_table(table)
        for cell, structured, cells in FORMULAS:
            ws[cell] = structured if through_table else cells
        for r in range(2, rows + 2):  # a column of copies beside the table, reading its rows
            ws[f"H{r}"] = "=Ledger1[[#This Row],[Amount]]*2" if through_table else f"=B{r}*2"
            ws[f"I{r}"] = ("=SUM(Ledger1[[#Headers],[Amount]]:Ledger1[[#This Row],[Amount]])" if through_table
                           else f"=SUM(B$1:B{r})")  # a running total, as Excel saves =SUM([[#Headers],[Amount]]:[@Amount])
            ws[f"J{r}"] = "=SUM($B$2:Ledger1[[#This Row],[Amount]])" if through_table else f"=SUM($B$2:B{r})"
        other = book.create_sheet("Other")
        other["A1"] = "=SUM(Ledger1[Amount])*2" if through_table else "=SUM(Ledger!B2:B6)*2"
        other["A3"] = "=Ledger1[[#This Row],[Amount]]" if through_table else "=Ledger!B3"
        path = tmp_path / ("table.xlsx" if through_table else "cells.xlsx")
        book.save(path)
        books.append(path)
    return books


def test_a_workbook_read_through_its_table_equals_its_twin_written_with_cells(tmp_path):
    table, cells = _pair(tmp_path)
    got = recalculate(table)
    twin = recalculate(cells)
    assert got.values.keys() == twin.values.keys()
    for key, value in twin.values.items():
        assert got.values[key] == pytest.approx(value, rel=1e-15) if isinstance(value, float) else \
            got.values[key] == value, key
    assert not [n for n in got.notices if "structured reference" in n]
    assert got.values[("Ledger", "F1")] == 15000.0  # 1,000 + 2,000 + ... + 5,000
    assert got.values[("Ledger", "F8")] == 3.0
    assert got.values[("Ledger", "H1")] == "#VALUE!"  # the header row is not one of the table's rows
    assert got.values[("Other", "A3")] == 2000.0
    for r in range(2, 7):
        day = dt.datetime(2008, 2, 1) + dt.timedelta(days=30 * (r - 2))
        assert got.values[("Ledger", f"D{r}")] == udfs.TRUPS_ACCRUAL(dt.datetime(2008, 1, 1), day, None, 1000.0 * (r - 1))


def test_the_engines_own_tables_agree_where_it_reads_them(tmp_path):
    """formualizer reads a few forms itself once told of the table: an implementation nobody here wrote."""
    table, _cells = _pair(tmp_path)
    got = recalculate(table).values
    book = fz.Workbook.load_path(str(table))
    book.add_table("Ledger1", "Ledger", (1, 1, 7, 4), ["Date", "Amount", "Rate %", "Accrued"], totals_row=True)
    for cell, formula in [("J1", "=SUM(Ledger1[Amount])"), ("J2", "=SUM(Ledger1[[Date]:[Amount]])"),
                          ("J3", "=COUNTA(Ledger1[#All])"), ("J4", "=SUMPRODUCT(Ledger1[Amount],Ledger1[Rate %])")]:
        book.set_formula("Ledger", 1, 10, formula)
        book.evaluate_all()
        want = book.get_value("Ledger", 1, 10)
        mine = {"J1": "F1", "J2": "F2", "J3": "F3", "J4": "F7"}[cell]
        assert got[("Ledger", mine)] == pytest.approx(want), formula


def test_a_column_reading_its_own_row_is_one_vectorised_run(tmp_path):
    table, _cells = _pair(tmp_path, rows=40)
    steps = recalculate(table, vectorise_calls=True)
    plain = recalculate(table, vectorise_calls=False)
    assert steps.values == plain.values
    assert steps.values[("Ledger", "D41")] == udfs.TRUPS_ACCRUAL(
        dt.datetime(2008, 1, 1), dt.datetime(2008, 2, 1) + dt.timedelta(days=30 * 39), None, 40000.0)


def test_what_is_not_read_is_said_in_one_line_naming_the_first_cell(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Ledger"
    ws.append(["Date", "Plus"])
    for i in range(3):
        ws.append([i + 1.0, "=[@Date]+1"])  # inside the table: its own row (the engine alone refuses the workbook)
    ws["D1"] = "=SUM(Ledger1[Nope])"
    ws["D2"] = "=SUM(Ledger1[Date])"
    ws["E2"] = "=[@Date]+1"  # in no table
    ws.add_table(XlTable(displayName="Ledger1", ref="A1:B4"))
    book.save(tmp_path / "t.xlsx")
    result = recalculate(tmp_path / "t.xlsx")
    said = [n for n in result.notices if "structured reference" in n]
    assert said == ["2 formula cells read an Excel table by a structured reference this recalculation does not "
                    "read (first Ledger!D1): such a reference shows #NAME? where Excel shows a value; write it as "
                    "cells (A2, A2:A100), or with the table's name and items Excel saves "
                    "(Ledger1[[#This Row],[Date]]), to compute it"]
    assert result.values[("Ledger", "D1")] == result.values[("Ledger", "E2")] == "#NAME?"
    assert result.values[("Ledger", "D2")] == 6.0
    assert [result.values[("Ledger", f"B{r}")] for r in (2, 3, 4)] == [2.0, 3.0, 4.0]


def test_a_workbook_whose_formulas_read_no_table_says_nothing_of_tables(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Date"])
    ws.append([1.0])
    ws["C1"] = '=SUM(A2:A2)&"Ledger1[Date]"'
    ws.add_table(XlTable(displayName="Ledger1", ref="A1:A2"))
    book.save(tmp_path / "t.xlsx")
    result = recalculate(tmp_path / "t.xlsx")
    assert not [n for n in result.notices if "structured reference" in n]
    assert result.values[("Sheet", "C1")] == "1Ledger1[Date]"




def _sales(tmp_path, formulas, name="Sales", through_table=True):
    """A table ``name`` of codes and amounts on sheet "Data" (A1:B5), and ``formulas`` on sheet "Sheet"
    (cell -> formula through the table, or -> (that, the same with cell references) for a twin)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(["Code", "Amount"])
    for i in range(4):
        ws.append([i + 1.0, 10.0 * (i + 1)])
    ws.add_table(XlTable(displayName=name, ref="A1:B5"))
    other = book.create_sheet("Sheet")
    for cell, formula in formulas.items():
        other[cell] = formula if isinstance(formula, str) else formula[0 if through_table else 1]
    path = tmp_path / f"{name}{'' if through_table else '_cells'}.xlsx"
    book.save(path)
    return path


def test_a_bare_table_name_is_its_data(tmp_path):
    formulas = {"A1": ("=SUM(Sales)", "=SUM(Data!A2:B5)"), "A2": ("=VLOOKUP(2,Sales,2,FALSE)",
                "=VLOOKUP(2,Data!A2:B5,2,FALSE)"), "A3": ("=ROWS(Sales)", "=ROWS(Data!A2:B5)"),
                "A4": ("=Sales!A1", "=Sales!A1")}  # a sheet's name is not the table's
    got = recalculate(_sales(tmp_path, formulas)).values
    twin = recalculate(_sales(tmp_path, formulas, through_table=False)).values
    assert [got[("Sheet", f"A{r}")] for r in range(1, 4)] == [twin[("Sheet", f"A{r}")] for r in range(1, 4)] \
        == [110.0, 20.0, 4.0]


def test_a_table_named_in_letters_past_ascii_is_read(tmp_path):
    got = recalculate(_sales(tmp_path, {"A1": "=SUM(Ärger[Amount])", "A2": "=Ärger[[#Headers],[Code]]"},
                             name="Ärger"))
    assert got.values[("Sheet", "A1")] == 100.0 and got.values[("Sheet", "A2")] == "Code"
    assert not [n for n in got.notices if "structured reference" in n]


def test_a_reference_to_no_table_read_here_shows_name_and_is_said(tmp_path):
    path = _sales(tmp_path, {"A1": "=SUM(Nope[Amount])", "A2": "=SUM(Data!Sales[Amount])", "A3": "=SUM(Sales[Amount])"})
    got = recalculate(path)
    assert got.values[("Sheet", "A1")] == got.values[("Sheet", "A2")] == "#NAME?"
    assert got.values[("Sheet", "A3")] == 100.0
    assert next(n for n in got.notices if "structured reference" in n).startswith(
        "2 formula cells read an Excel table by a structured reference this recalculation does not read (first "
        "Sheet!A1)")


def test_a_defined_name_reading_a_table_is_said(tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.load_workbook(_sales(tmp_path, {"A1": "=SUM(Amounts)"}))
    book.defined_names["Amounts"] = DefinedName("Amounts", attr_text="Sales[Amount]")
    book.save(tmp_path / "named.xlsx")
    said = [n for n in recalculate(tmp_path / "named.xlsx").notices if "structured reference" in n]
    assert len(said) == 1 and "the defined name AMOUNTS reads an Excel table by a structured reference" in said[0]


def test_another_workbooks_reference_stays_ref_though_its_path_holds_a_bracket(tmp_path):
    got = recalculate(_sales(tmp_path, {"A1": "='C:\\dir\\[b.xlsx]S'!A1", "A2": "=SUM(Sales[Amount])"}))
    assert got.values[("Sheet", "A1")] == "#REF!" and got.values[("Sheet", "A2")] == 100.0


def test_a_table_part_that_expands_entities_is_refused_in_one_line_not_expanded(tmp_path):
    path = _sales(tmp_path, {"A1": "=SUM(Sales[Amount])"})
    bomb = b'<!--' + b"x" * 200_000 + b'--><!DOCTYPE t [<!ENTITY a "' + b"a" * 1000 + b'">' + b"".join(
        b'<!ENTITY %c "%s">' % (ord("b") + k, (b"&%c;" % (ord("a") + k)) * 50) for k in range(5)) + b"]>"
    out = with_part(path, "xl/tables/table1.xml",
                    lambda data: bomb + data.split(b"?>", 1)[-1].replace(b'name="Code"', b'name="&f;"'))
    got = recalculate(out)
    assert got.values[("Sheet", "A1")] == "#NAME?"
    assert any("structured reference" in n for n in got.notices)


def test_the_engine_copy_reads_the_formula_where_a_program_puts_it():
    piece = (b'<row r="3"><c r="D3"><f t="normal">SUM(Ledger1[Amount])</f></c>'
             b'<c r="E3"><v>1</v><f>Ledger1[[#This Row],[Amount]]</f></c></row>')
    out = in_piece(Rewriter(TABLES), "Other")(piece)
    assert b'<f t="normal">SUM(Ledger!$B$2:$B$6)</f>' in out and b"<f>Ledger!$B3</f>" in out


def _one_sheet(tmp_path, name, formulas, table=True, headings=("Code", "Amount")):
    """A table ``name`` over A1:B5 of sheet "Data" (or the same cells with no table), ``formulas`` on that sheet."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(list(headings))
    for i in range(4):
        ws.append([i + 1.0, 10.0 * (i + 1)])
    for cell, formula in formulas.items():
        ws[cell] = formula
    if table:
        ws.add_table(XlTable(displayName=name, ref="A1:B5"))
    path = tmp_path / f"{name}_{table}.xlsx"
    book.save(path)
    return path


def test_a_table_named_like_a_column_leaves_that_columns_references_alone(tmp_path):
    formulas = {"D1": "=SUM(A:A)", "D2": '=COUNTIF(A:A,">1")', "D3": "=MATCH(3,A:A,0)", "D4": "=SUM(A:B)",
                "D5": "=A$2+$A$3", "D6": "=SUM($A:$A)"}
    got = recalculate(_one_sheet(tmp_path, "A", formulas)).values
    twin = recalculate(_one_sheet(tmp_path, "A", formulas, table=False)).values
    assert {k: got[("Data", k)] for k in formulas} == {k: twin[("Data", k)] for k in formulas}
    assert got[("Data", "D1")] == 10.0 and got[("Data", "D4")] == 110.0


@pytest.mark.parametrize("name", ["N", "NAME", "DIV", "VALUE", "REF"])
def test_an_error_value_is_no_table_named_like_part_of_it(tmp_path, name):
    formulas = {"D1": "=IFERROR(#N/A,1)", "D2": "=IFERROR(#NAME?,7)", "D3": "=IFERROR(#DIV/0!,1)", "D4": "=#N/A",
                "D5": "=IFERROR(#VALUE!,2)+IFERROR(#REF!,3)"}
    got = recalculate(_one_sheet(tmp_path, name, formulas))
    assert [got.values[("Data", f"D{r}")] for r in range(1, 6)] == [1.0, 7.0, 1.0, "#N/A", 5.0]
    assert not [n for n in got.notices if "structured reference" in n or "could not be parsed" in n]


def test_a_bare_name_spelt_otherwise_than_its_table_is_said_not_read(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {"D1": "=IFERROR(SUM(sales),0)", "D2": "=SUM(Sales)"}))
    assert got.values[("Data", "D1")] == "#NAME?" and got.values[("Data", "D2")] == 110.0
    assert any("(first Data!D1)" in n for n in got.notices)


def test_a_bare_name_where_let_may_bind_it_is_said_not_read_and_read_where_it_cannot(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {
        "D1": "=LET(Sales,5,Sales*2)",  # written by hand: Sales may be the parameter
        "D2": "=IFERROR(_xlfn.LET(_xlpm.x,2,VLOOKUP(_xlpm.x,Sales,2,FALSE)),0)",  # as Excel saves it
        "D3": '=IFERROR(VLOOKUP(2,Sales,2,FALSE),0)+LEN("LET(")', "D4": "=SUM(Sales[Amount])",
        "D5": "=IFERROR(_xlfn.LET(_xlpm.a,1,Sales,2,Sales*_xlpm.a),-1)",  # a parameter after the first
        "D6": "=IFERROR(_xlfn.LET(_xlpm.x,SUM(Sales),_xlpm.x*2),-1)"}))
    # between commas in a LET a bare name may be a parameter or an argument: not read either way (D2, D5)
    assert [got.values[("Data", f"D{r}")] for r in range(1, 7)] == ["#NAME?", "#NAME?", 24.0, 100.0, "#NAME?", 220.0]
    assert any("(first Data!D1)" in n for n in got.notices)


def test_a_bare_name_is_read_past_the_tables_searched_at_once(tmp_path):
    from trups_xl.recalc.structured import MAX_BARE_NAMES

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    for k in range(MAX_BARE_NAMES + 1):
        ws.cell(1, 2 * k + 1, "Code")
        ws.cell(1, 2 * k + 2, "Amount")
        for r in range(2, 4):
            ws.cell(r, 2 * k + 1, float(r - 1))
            ws.cell(r, 2 * k + 2, 10.0 * (r - 1) + k)
        first, last = ws.cell(1, 2 * k + 1).coordinate, ws.cell(3, 2 * k + 2).coordinate
        ws.add_table(XlTable(displayName=f"Tab{k}", ref=f"{first}:{last}"))
    other = book.create_sheet("Sheet")
    other["A1"] = "=IFERROR(VLOOKUP(2,Tab0,2,FALSE),-1)"
    other["A2"] = "=SUM(Tab200)"
    book.save(tmp_path / "many.xlsx")
    got = recalculate(tmp_path / "many.xlsx").values
    assert got[("Sheet", "A1")] == 20.0 and got[("Sheet", "A2")] == 1.0 + 2.0 + 10.0 + 20.0 + 2 * 200


def test_a_long_formula_reading_a_table_is_read_in_time_linear_in_its_length(tmp_path):
    import time

    long = "=LEN(\"" + "a" * 7000 + "\")+SUM(Sales[Amount])*50+LEN(\"" + "'" * 500 + "\")"
    started = time.perf_counter()
    got = recalculate(_one_sheet(tmp_path, "Sales", {"D1": long, "D2": long.replace("*50", "*51")}))
    assert time.perf_counter() - started < 10  # 20 s and more a formula when each reference looked back to the start
    assert got.values[("Data", "D1")] == 7000 + 5000 + 500


def test_a_range_from_another_sheet_to_a_tables_row_is_not_read(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {"C3": "=SUM(Other!$B$2:Sales[[#This Row],[Amount]])",
                                                     "C4": "=SUM(Data!$B$2:Sales[[#This Row],[Amount]])",
                                                     "C5": "=SUM($B$2:Sales[[#This Row],[Amount]])",
                                                     "D3": "=SUM(Sales[[#Headers],[Amount]]:Sales[[#This Row],[Amount]])",
                                                     "D4": "=SUM(Sales[[#This Row],[Amount]]:$B$5)"}))
    assert got.values[("Data", "C3")] == "#NAME?"
    assert (got.values[("Data", "C4")], got.values[("Data", "C5")]) == (60.0, 100.0)  # 10+20+30, 10+...+40
    assert (got.values[("Data", "D3")], got.values[("Data", "D4")]) == (30.0, 70.0)  # header text + 10 + 20; 30+40
    assert any("(first Data!C3)" in n for n in got.notices)


def test_a_range_from_another_sheets_table_to_this_sheets_cell_or_table_is_not_read(tmp_path):
    book = openpyxl.load_workbook(_one_sheet(tmp_path, "Sales", {}))
    other = book.create_sheet("O")
    other.append(["V"])
    for i in range(4):
        other.append([1000.0 * (i + 1)])
    other.add_table(XlTable(displayName="Other", ref="A1:A5"))
    data = book["Data"]
    data["D3"] = "=IFERROR(SUM(Other[[#This Row],[V]]:$B$9),-1)"
    data["D4"] = "=IFERROR(SUM(Other[[#This Row],[V]]:Sales[[#This Row],[Amount]]),-1)"
    data["D5"] = "=SUM(Other[[#This Row],[V]]:O!$A$5)"  # both ends on O: one range there
    book.save(tmp_path / "two.xlsx")
    got = recalculate(tmp_path / "two.xlsx")
    assert got.values[("Data", "D3")] == got.values[("Data", "D4")] == "#NAME?"
    assert got.values[("Data", "D5")] == 4000.0  # O!$A5:O!$A$5 from row 5
    assert any("(first Data!D3)" in n for n in got.notices)


def test_a_range_ending_at_a_tables_row_from_a_row_outside_it_is_not_read_and_the_rest_is(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {"C9": "=IFERROR(SUM($B$2:Sales[[#This Row],[Amount]]),-1)",
                                                     "C10": "=IFERROR(Sales[[#This Row],[Amount]],-1)",
                                                     "C3": "=SUM($B$2:Sales[[#This Row],[Amount]])"}))
    assert got.values[("Data", "C9")] == "#NAME?" and got.values[("Data", "C10")] == -1.0
    assert got.values[("Data", "C3")] == 30.0
    assert not [n for n in got.notices if "could not be parsed" in n]


def test_a_column_with_no_tables_name_is_said_not_read(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {"B2": "=IFERROR(SUM([Amount]),0)"}))
    assert got.values[("Data", "B2")] == "#NAME?"
    assert any("structured reference" in n and "(first Data!B2)" in n for n in got.notices)


def test_a_heading_or_name_holding_half_a_surrogate_pair_is_read_as_written(tmp_path):
    path = _one_sheet(tmp_path, "Sales", {"D1": "=SUM(Sales[Amount])"})
    out = with_part(path, "xl/tables/table1.xml",
                    lambda data: data.replace(b'displayName="Sales"', b'displayName="Sales_xD800_"'))
    got = recalculate(out)
    assert got.values[("Data", "D1")] == "#NAME?"


def test_the_engine_copy_reads_a_formula_after_an_inline_text_and_a_name_written_as_references():
    rewriter = Rewriter({"LEDGER1": LEDGER})
    piece = (b'<row r="3"><c r="D3" t="inlineStr"><is><t>x</t></is><f>SUM(Ledger1[Amount])</f></c>'
             b"<c r=\"E3\"><f>SUM(&#76;edger1)</f></c></row>")
    out = in_piece(rewriter, "Other")(piece)
    assert b"<f>SUM(Ledger!$B$2:$B$6)</f></c><c" in out and b"<f>SUM(Ledger!$A$2:$C$6)</f>" in out


def test_a_bare_table_name_joined_by_a_colon_or_bound_by_a_hand_written_let_is_said_not_read(tmp_path):
    got = recalculate(_one_sheet(tmp_path, "Sales", {
        "D1": "=IFERROR(SUM(B2:Sales),-1)", "D2": "=IFERROR(SUM(Sales:B2),-1)",
        "D3": "=IFERROR(_xlfn.LET(_xlpm.a,1,_xlfn.LET(Sales,2,Sales*_xlpm.a)),-1)", "D4": "=SUM(Sales)"}))
    assert [got.values[("Data", f"D{r}")] for r in range(1, 5)] == ["#NAME?", "#NAME?", "#NAME?", 110.0]
    assert any("3 formula cells" in n and "(first Data!D1)" in n for n in got.notices)


def test_the_bare_name_of_a_table_not_read_whole_is_said_not_read(tmp_path):
    path = with_part(_one_sheet(tmp_path, "Sales", {"D1": "=IFERROR(VLOOKUP(2,Sales,2,FALSE),-1)"}),
                     "xl/tables/table1.xml", lambda data: data.replace(b'ref="A1:B5"', b'ref="A1:C5"'))
    got = recalculate(path)
    assert got.values[("Data", "D1")] == "#NAME?"
    assert any("(first Data!D1)" in n for n in got.notices)


def test_a_table_named_like_a_column_joined_to_a_cell_is_said_not_read_and_a_range_of_columns_is_left(tmp_path):
    formulas = {"D1": "=SUM(B2:GL)", "D2": "=IFERROR(SUM(GL:B2),-1)", "D3": "=COUNT(A:GL)", "D4": "=SUM(GL:GL)",
                "D5": "=SUM(GL)", "D6": "=GL$2+0"}
    got = recalculate(_one_sheet(tmp_path, "GL", formulas))
    twin = recalculate(_one_sheet(tmp_path, "GL", {k: f for k, f in formulas.items() if k in ("D3", "D4", "D6")},
                                  table=False)).values
    assert got.values[("Data", "D1")] == got.values[("Data", "D2")] == "#NAME?"
    assert [got.values[("Data", k)] for k in ("D3", "D4", "D6")] == [twin[("Data", k)] for k in ("D3", "D4", "D6")]
    assert got.values[("Data", "D5")] == 110.0
    assert any("(first Data!D1)" in n for n in got.notices)
