"""Structured references written as the cells they mean: each form Excel documents, against references
written here by hand from that documentation, and against formualizer's own tables where it reads them;
what is not read left as written."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

fz = pytest.importorskip("formualizer")

from trups_xl.recalc.excel_tables import Table  # noqa: E402
from trups_xl.recalc.structured import reads_a_table, rewrite  # noqa: E402

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


@pytest.mark.parametrize(("formula", "col", "want"), [
    ("=SUM(Ledger1[Amount])", 9, "=SUM($B$2:$B$6)"),  # on its own sheet: no sheet named
    ("=SUM($B$1:Ledger1[[#This Row],[Amount]])", 9, "=SUM($B$1:$B4)"),  # so a range joined by ":" reads as Excel's
    ("=SUM(Ledger1[[#Headers],[Amount]]:Ledger1[[#This Row],[Amount]])", 3, "=SUM($B$1:$B4)"),
    ("=[@Amount]*2", 3, "=$B4*2"),  # no table's name: the table holding the cell
    ("=[[#This Row],[Date]:[Amount]]", 3, "=$A4:$B4"),
    ("=SUM(Bare[X])+[@Amount]", 1, "=SUM('Q''s'!$B$10:$B$13)+$B4"),
    ("=[@Amount]*2", 4, None),  # column D: in no table
])
def test_on_the_tables_own_sheet_a_reference_names_no_sheet(formula, col, want):
    assert rewrite(formula, 4, TABLES, sheet="Ledger", col=col) == want


def test_a_reference_with_no_tables_name_is_not_read_where_the_sheet_is_not_known():
    assert rewrite("=[@Amount]*2", 4, TABLES) is None
    assert rewrite("=[@Amount]*2", 4, TABLES, sheet="Other", col=2) is None


def test_this_row_in_an_array_formula_is_not_read():
    assert rewrite("=Ledger1[[#This Row],[Amount]]", 3, TABLES, this_row=False) is None
    assert rewrite("=SUM(Ledger1[Amount])", 3, TABLES, this_row=False) == "=SUM(Ledger!$B$2:$B$6)"


@pytest.mark.parametrize(("formula", "reads"), [
    ("=SUM(Ledger1[Date])", True), ("=ledger1[[#This Row],[Date]]*2", True), ("=[@Date]+1", True),
    ("=[1]Sheet1!A1", False), ('="Ledger1[Date]"', False), ("=SUM(A1:A3)", False),
    ("=Other[Date]", True),  # a name before a bracket is a table's, defined here or not
    ("='C:\\dir\\[b.xlsx]S'!A1", False), ("=[Amount]*2", True), ("=[Book.xlsx]Sheet1!A1", False),
    ("=[1]!Rate", False), ("=SUM(Ledger1)", True), ("=Ledger1!A1", False), ("=Ledger1(2)", False),
])
def test_which_formulas_read_a_table(formula, reads):
    assert reads_a_table(formula, {"LEDGER1"}) is reads


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
