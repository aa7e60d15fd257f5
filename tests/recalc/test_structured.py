"""Structured references written as the cells they mean: each form Excel documents, against references
written here by hand from that documentation; a workbook read through its table against its twin written
with cell references (the engine alone on the twin), and against the engine's own tables where it has them;
what is not read left as written and said in one line."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")
fz = pytest.importorskip("formualizer")

from openpyxl.worksheet.table import Table as XlTable  # noqa: E402

from trups_xl.excel import udfs  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402
from trups_xl.recalc.excel_tables import Table  # noqa: E402
from trups_xl.recalc.structured import in_piece, reads_a_table, rewrite  # noqa: E402

#: A1:C7 on sheet "Ledger": header row 1, data rows 2 to 6, totals row 7.
LEDGER = Table("Ledger1", "Ledger", 1, 1, 7, 3, 1, 1, ("Date", "Amount", "Rate #"))
#: B10:C13 on "Q's": no header, no totals.
BARE = Table("Bare", "Q's", 10, 2, 13, 3, 0, 0, ("X", "Y"))
TABLES: dict[str, Table | None] = {"LEDGER1": LEDGER, "BARE": BARE, "GONE": None}


@pytest.mark.parametrize(("formula", "row", "want"), [
    ("=SUM(Ledger1[Amount])", 20, "=SUM(Ledger!$B$2:$B$6)"),
    ("=SUM(ledger1[amount])", 20, "=SUM(Ledger!$B$2:$B$6)"),  # names in any case
    ("=SUM(Ledger1[[Amount]])", 20, "=SUM(Ledger!$B$2:$B$6)"),
    ("=SUM(Ledger1[[#Data],[Amount]])", 20, "=SUM(Ledger!$B$2:$B$6)"),
    ("=SUM(Ledger1[[Date]:[Amount]])", 20, "=SUM(Ledger!$A$2:$B$6)"),
    ("=SUM(Ledger1[[Amount]:[Date]])", 20, "=SUM(Ledger!$A$2:$B$6)"),
    ("=COUNTA(Ledger1[#All])", 20, "=COUNTA(Ledger!$A$1:$C$7)"),
    ("=COUNTA(Ledger1[#Data])", 20, "=COUNTA(Ledger!$A$2:$C$6)"),
    ("=COUNTA(Ledger1[])", 20, "=COUNTA(Ledger!$A$2:$C$6)"),
    ("=Ledger1[[#Headers],[Amount]]", 20, "=Ledger!$B$1"),
    ("=Ledger1[#Headers]", 20, "=Ledger!$A$1:$C$1"),
    ("=Ledger1[[#Totals],[Amount]]", 20, "=Ledger!$B$7"),
    ("=SUM(Ledger1[[#Headers],[#Data],[Amount]])", 20, "=SUM(Ledger!$B$1:$B$6)"),
    ("=SUM(Ledger1[[#Data],[#Totals],[Amount]])", 20, "=SUM(Ledger!$B$2:$B$7)"),
    ("=SUM(Ledger1[[#All],[Date]:[Amount]])", 20, "=SUM(Ledger!$A$1:$B$7)"),
    ("=Ledger1[[#This Row],[Amount]]*2", 4, "=Ledger!$B4*2"),
    ("=Ledger1[[#this row],[Amount]]*2", 4, "=Ledger!$B4*2"),
    ("=Ledger1[@Amount]*2", 4, "=Ledger!$B4*2"),
    ("=Ledger1[@[Rate '#]]", 6, "=Ledger!$C6"),
    ("=SUM(Ledger1[@])", 2, "=SUM(Ledger!$A2:$C2)"),
    ("=SUM(Ledger1[[#This Row],[Date]:[Amount]])", 3, "=SUM(Ledger!$A3:$B3)"),
    ("=Ledger1[[#This Row],[Amount]]", 1, "=#VALUE!"),  # the header row is not a data row
    ("=Ledger1[[#This Row],[Amount]]", 7, "=#VALUE!"),  # nor is the totals row
    ("=SUM(Ledger1[Rate '#])", 20, "=SUM(Ledger!$C$2:$C$6)"),  # ' escapes the next character
    ("=SUM( Ledger1[ [#Data] , [Amount] ] )", 20, "=SUM( Ledger!$B$2:$B$6 )"),
    ("=SUM(Bare[Y])", 20, "=SUM('Q''s'!$C$10:$C$13)"),
    ("=Bare[@X]", 12, "='Q''s'!$B12"),
    ('=SUM(Ledger1[Amount])&"Ledger1[Date]"', 20, "=SUM(Ledger!$B$2:$B$6)&\"Ledger1[Date]\""),
    ("='Ledger1 [x]'!A1", 20, "='Ledger1 [x]'!A1"),  # a quoted sheet name is not looked into
    ("=SUM(A1:A3)", 20, "=SUM(A1:A3)"),
])
def test_each_form_is_the_cells_excel_documents(formula, row, want):
    assert rewrite(formula, row, TABLES) == want


@pytest.mark.parametrize("formula", [
    "=Ledger1[Nope]",  # no such column
    "=Gone[Date]",  # a table not read whole
    "=SUM(Ledger1[Amount])+Gone[Date]",  # the whole formula stays as written
    "=[@Date]+1",  # no table's name
    "=SUM(Bare[#Headers])",  # no header row
    "=SUM(Bare[#Totals])",  # no totals row
    "=SUM(Ledger1[[#Headers],[#Totals]])",  # not one block of rows
    "=SUM(Ledger1[[#This Row],[#Data],[Amount]])",
    "=SUM(Ledger1[[#Data],[#Data]])",
    "=SUM(Ledger1[[Date],[Amount]])",  # two lists of columns
    "=SUM(Ledger1[[#Data]:[Amount]])",  # an item in a range
    "=SUM(Ledger1[#Everything])",
    "=SUM(Ledger1[[Amount]",  # unclosed
])
def test_what_is_not_read_leaves_the_formula_as_written(formula):
    assert rewrite(formula, 3, TABLES) is None


def test_this_row_in_an_array_formula_is_not_read():
    assert rewrite("=Ledger1[[#This Row],[Amount]]", 3, TABLES, this_row=False) is None
    assert rewrite("=SUM(Ledger1[Amount])", 3, TABLES, this_row=False) == "=SUM(Ledger!$B$2:$B$6)"


def test_the_engine_copy_rewrites_plain_and_array_formulas_and_leaves_shared_ones():
    piece = (b'<row r="3"><c r="D3"><f>Ledger1[[#This Row],[Amount]]&amp;"x"</f><v>1</v></c>'
             b'<c r="E3" s="2"><f t="shared" ref="E3:E4" si="0">Ledger1[[#This Row],[Amount]]</f></c>'
             b'<c r="F3"><f t="array" ref="F3">SUM(Ledger1[Amount]*2)</f></c>'
             b'<c r="G3"><f t="array" ref="G3">Ledger1[[#This Row],[Amount]]</f></c></row>')
    out = in_piece(TABLES)(piece)
    assert b"<f>Ledger!$B3&amp;\"x\"</f>" in out
    assert b'si="0">Ledger1[[#This Row],[Amount]]</f>' in out
    assert b"<f t=\"array\" ref=\"F3\">SUM(Ledger!$B$2:$B$6*2)</f>" in out
    assert b'ref="G3">Ledger1[[#This Row],[Amount]]</f>' in out


@pytest.mark.parametrize(("formula", "reads"), [
    ("=SUM(Ledger1[Date])", True), ("=ledger1[[#This Row],[Date]]*2", True), ("=[@Date]+1", True),
    ("=[1]Sheet1!A1", False), ('="Ledger1[Date]"', False), ("=Other[Date]", False), ("=SUM(A1:A3)", False),
])
def test_which_formulas_read_a_table(formula, reads):
    assert reads_a_table(formula, {"LEDGER1"}) is reads


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
        ws.append([i + 1.0, "=[@Date]+1"])
    ws["D1"] = "=SUM(Ledger1[Nope])"
    ws["D2"] = "=SUM(Ledger1[Date])"
    ws.add_table(XlTable(displayName="Ledger1", ref="A1:B4"))
    book.save(tmp_path / "t.xlsx")
    result = recalculate(tmp_path / "t.xlsx")
    said = [n for n in result.notices if "structured reference" in n]
    assert said == ["4 formula cells read an Excel table by a structured reference this recalculation does not "
                    "read (first Ledger!D1): such a reference shows #NAME? where Excel shows a value; write it as "
                    "cells (A2, A2:A100), or with the table's name and items Excel saves "
                    "(Ledger1[[#This Row],[Date]]), to compute it"]
    assert result.values[("Ledger", "D1")] == "#NAME?"
    assert result.values[("Ledger", "D2")] == 6.0


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


@settings(max_examples=60, deadline=None)
@given(top=st.integers(1, 4), left=st.integers(1, 4), rows=st.integers(1, 5), width=st.integers(1, 4),
       totals=st.booleans(), pick=st.data())
def test_the_cells_written_sum_as_the_engines_own_table_does(top, left, rows, width, totals, pick):
    """For the forms formualizer reads itself once told of a table (its own implementation), the cells
    written here hold what its table reference holds, wherever the table sits."""
    names = tuple(f"H{k}" for k in range(width))
    bottom = top + rows + totals
    table = Table("T", "S", top, left, bottom, left + width - 1, 1, int(totals), names)
    a, b = sorted((pick.draw(st.integers(0, width - 1)), pick.draw(st.integers(0, width - 1))))
    forms = [f"T[{names[a]}]", "T[#All]", "T[#Headers]", "T[#Data]", f"T[[{names[a]}]:[{names[b]}]]"]
    forms += ["T[#Totals]"] if totals else []
    form = pick.draw(st.sampled_from(forms))
    book = fz.Workbook()
    book.add_sheet("S")
    for r in range(top, bottom + 1):
        for k in range(width):
            book.set_value("S", r, left + k, names[k] if r == top else float(r * 100 + k))
    book.add_table("T", "S", (top, left, bottom, left + width - 1), list(names), header_row=True, totals_row=totals)
    book.set_formula("S", 20, 10, f"=SUM({form})+COUNTA({form})*1000")
    book.set_formula("S", 21, 10, rewrite(f"=SUM({form})+COUNTA({form})*1000", 21, {"T": table}))
    book.evaluate_all()
    assert book.get_value("S", 21, 10) == book.get_value("S", 20, 10)


@pytest.mark.parametrize(("title", "written"), [
    ("Ledger", "Ledger!"), ("Ledger_2", "Ledger_2!"), ("Q's", "'Q''s'!"), ("My ledger", "'My ledger'!"),
    ("Q1", "'Q1'!"), ("ABC12", "'ABC12'!"), ("R1C1", "'R1C1'!"), ("r", "'r'!"), ("C2", "'C2'!"), ("True", "'True'!"),
    ("2024", "'2024'!"), ("Año", "'Año'!"), ("Sheet.1", "'Sheet.1'!"), ("XFE1", "'XFE1'!"),
])
def test_a_sheet_is_quoted_where_its_name_needs_it(title, written):
    table = Table("T", title, 1, 1, 3, 1, 1, 0, ("A",))
    assert rewrite("=SUM(T[A])", 5, {"T": table}) == f"=SUM({written}$A$2:$A$3)"
