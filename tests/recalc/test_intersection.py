"""Implicit intersection of formulas saved before dynamic arrays: where ``@`` goes (each case written by hand from
Microsoft's "Implicit intersection operator: @" page and the formulas that needed Ctrl+Shift+Enter before dynamic
arrays), and whole workbooks against their twins written with the one cell Excel takes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.recalc.intersection import Intersector, applied, edits, in_piece

RATES = frozenset({"RATES"})


@pytest.mark.parametrize(("formula", "given"), [
    # a reference to several cells where one value is taken: "=A1:A10" shows as "=@A1:A10"
    ("$B$2:$B$5", "@$B$2:$B$5"),
    ("B:B", "@B:B"),
    ("$2:$2", "@$2:$2"),
    ("$B$2:$B$5*2", "@$B$2:$B$5*2"),
    ("-B2:B5", "-@B2:B5"),
    ("B2:B5%", "(@B2:B5)%"),  # the engine's % binds before its @
    ("INDEX(A1:A5,B1:B1)%", "(@INDEX(A1:A5,@B1:B1))%"),
    ("'My sheet'!$B$2:$B$5&\"x\"", "@'My sheet'!$B$2:$B$5&\"x\""),
    ("Rates*2", "@Rates*2"),
    ("rates", "@rates"),
    # operators inside functions took values too: a sum of products needed Ctrl+Shift+Enter
    ("SUM($B$2:$B$5*2)", "SUM(@$B$2:$B$5*2)"),
    ("AND(B2:B5>0)", "AND(@B2:B5>0)"),
    ("IFERROR(B2:B5/2,\"\")", "IFERROR(@B2:B5/2,\"\")"),
    # a whole argument taken as one value, or handed on where the call is
    ("IF(B2:B5>0,1,0)", "IF(@B2:B5>0,1,0)"),
    ("IF(A1,B2:B5,0)", "IF(A1,@B2:B5,0)"),
    ("ROUND(B2:B5,0)", "ROUND(@B2:B5,0)"),
    ("NOT(ISBLANK(B2:B5))", "NOT(ISBLANK(@B2:B5))"),
    ("VLOOKUP(A2:A5,T!A:B,2,FALSE)", "VLOOKUP(@A2:A5,T!A:B,2,FALSE)"),
    ("SUMIFS(C:C,A:A,B2:B5,D:D,\">0\")", "SUMIFS(C:C,A:A,@B2:B5,D:D,\">0\")"),
    ("CHOOSE(2,B2:B5,C2:C5)", "CHOOSE(2,@B2:B5,@C2:C5)"),
    ("(B2:B5)*2", "(@B2:B5)*2"),
    # a call whose value is a reference: "=@INDEX(...)", "=@OFFSET(...)"
    ("INDEX(B:B,A3)", "@INDEX(B:B,A3)"),  # a row of 0 is the whole column
    ("INDEX($B$2:$C$9,MATCH(A3,$A$2:$A$9,0))", "@INDEX($B$2:$C$9,MATCH(A3,$A$2:$A$9,0))"),  # a whole row
    # one cell whatever the cells hold (MATCH answers 1 or more): as written
    ("INDEX(B:B,MATCH(A3,A:A,0))", "INDEX(B:B,MATCH(A3,A:A,0))"),
    ("INDEX($B$2:$B$9,MATCH(A3,$A$2:$A$9,0))*2", "INDEX($B$2:$B$9,MATCH(A3,$A$2:$A$9,0))*2"),
    ("INDEX($B$2:$C$9,MATCH(A3,A:A,0),_xlfn.XMATCH(D1,$B$1:$C$1))",
     "INDEX($B$2:$C$9,MATCH(A3,A:A,0),_xlfn.XMATCH(D1,$B$1:$C$1))"),
    ("INDEX($B$2:$B$9,MATCH(A3,A:A,0)+1)", "@INDEX($B$2:$B$9,MATCH(A3,A:A,0)+1)"),
    ("OFFSET(A1,0,0,5)*2", "@OFFSET(A1,0,0,5)*2"),
    ("INDEX(Rates,0)*2", "@INDEX(Rates,0)*2"),
    # INDEX over an array is an array: Excel took one value of it only as the whole formula's value
    ("SUM(INDEX(B2:B5*2,0)*1)", "SUM(INDEX(B2:B5*2,0)*1)"),
    # references taken whole: left as written
    ("SUM(B2:B5)", "SUM(B2:B5)"),
    ("SUM($D$2:D3)", "SUM($D$2:D3)"),
    ("SUM(Rates)", "SUM(Rates)"),
    ("SUM(IF(A1,B2:B5,0))", "SUM(IF(A1,B2:B5,0))"),
    ("SUM(OFFSET(A1,0,0,5))", "SUM(OFFSET(A1,0,0,5))"),
    ("COUNTIF(A:A,\">0\")", "COUNTIF(A:A,\">0\")"),
    # computed over arrays before dynamic arrays too, or not known here: left as written
    ("SUMPRODUCT(B2:B5*2)", "SUMPRODUCT(B2:B5*2)"),
    ("SUMPRODUCT((A2:A5>0)*B2:B5)", "SUMPRODUCT((A2:A5>0)*B2:B5)"),
    ("INDEX((A1:A5=1)*(B1:B5=2),0)", "@INDEX((A1:A5=1)*(B1:B5=2),0)"),
    ("LOOKUP(2,1/(A:A<>\"\"),A:A)", "LOOKUP(2,1/(A:A<>\"\"),A:A)"),
    ("TRUPS_ACCRUAL(B2:B5*1,A3)", "TRUPS_ACCRUAL(B2:B5*1,A3)"),
    ("IF(A1>0,SUMPRODUCT(B2:B5*C2:C5),B2:B5)", "IF(A1>0,SUMPRODUCT(B2:B5*C2:C5),@B2:B5)"),
    # one cell, a union, an intersection, a range's end, a text, a table, an @ already there: as written
    ("B3*2", "B3*2"),
    ("(B2:B5,C2:C5)", "(B2:B5,C2:C5)"),
    ("B2:B5 C3:D3", "B2:B5 C3:D3"),
    ("A1:C9 B3:D3*2", "A1:C9 B3:D3*2"),
    ("A1:A5:B9", "A1:A5:B9"),
    ("\"B2:B5\"&1", "\"B2:B5\"&1"),
    ("Table1[x]*2", "Table1[x]*2"),
    ("@B2:B5*2", "@B2:B5*2"),
    ("Other*2", "Other*2"),
    # a value that may be an array of several: Excel took its first
    ("{1,2}*B2:B5", "@({1,2}*@B2:B5)"),
    ("TRANSPOSE(A1:A3)", "@(TRANSPOSE(A1:A3))"),
    ("ROW(A1:A3)", "@(ROW(A1:A3))"),
    ("ROW()-1", "ROW()-1"),
    ("TRUPS_CALLS_ON({1,2})", "TRUPS_CALLS_ON({1,2})"),
    # more functions taking values, or a range each
    ("MEDIAN($B$2:$B$9*2)", "MEDIAN(@$B$2:$B$9*2)"),
    ("CEILING($B$2:$B$9,5)", "CEILING(@$B$2:$B$9,5)"),
    ("_xlfn.STDEV.S(B2:B9)", "_xlfn.STDEV.S(B2:B9)"),
    ("IFS(B2:B5>0,1,TRUE,B2:B5)", "IFS(@B2:B5>0,1,TRUE,@B2:B5)"),
    ("NETWORKDAYS(A2:A5,B2,H1:H9)", "NETWORKDAYS(@A2:A5,B2,H1:H9)"),
    # an INDEX of columns by a MATCH is a whole row
    ("INDEX($A:$C,MATCH(5,$A:$A,0))", "@INDEX($A:$C,MATCH(5,$A:$A,0))"),
    # what dynamic-array Excel stores for a typed @
    ("_xlfn.SINGLE(B2:B5)+1", "@(B2:B5)+1"),
])
def test_at_goes_where_excel_took_one_value(formula: str, given: str) -> None:
    assert applied(formula, edits(formula, RATES)) == given


def test_an_array_formula_keeps_its_references_and_reads_single_as_at() -> None:
    assert edits("SUM(B2:B5*2)", intersect=False) == ()
    assert applied("_xlfn.SINGLE(B2:B5)*{1,2}", edits("_xlfn.SINGLE(B2:B5)*{1,2}", intersect=False)) == "@(B2:B5)*{1,2}"


@pytest.mark.parametrize("formula", ["", "  ", "SUM(B2:B5", "B2:B5)", "B2:B5*[x]", "B2:B5*2|", "B2:B5;2", "'B2:B5*2"])
def test_a_formula_not_read_whole_is_left_as_written(formula: str) -> None:
    assert edits(formula, RATES) == ()


def test_a_long_formula_is_read_in_linear_time() -> None:
    import time

    formula = "+".join(f"B{r}:B{r + 3}*2" for r in range(1, 4001))
    started = time.perf_counter()
    made = edits(formula)
    assert len(made) == 4000 and time.perf_counter() - started < 2.0


def _scan_with_names(names: dict[str, str]) -> object:
    from trups_xl.recalc.package import Scan

    return Scan([], {n: (None, t) for n, t in names.items()}, {}, None, {(None, n.upper()): t for n, t in names.items()})


def test_a_name_is_intersected_where_every_scope_makes_it_a_reference() -> None:
    from trups_xl.recalc.package import Scan

    found = _scan_with_names({"Rates": "Inputs!$B$2:$B$9", "Moving": "OFFSET(Inputs!$A$1,0,0,5)", "One": "Inputs!$B$2",
                              "Consts": "{1,2,3}", "Rate1": "Inputs!$C$2:$C$9", "Rate2": "0.05"})
    assert isinstance(found, Scan)
    intersector = Intersector.of(found)
    assert intersector.names == {"RATES", "MOVING", "RATE1"}  # one cell is a value already; an array is not a reference
    assert intersector.exact  # Rate1 and Rate2 alike but for a digit: each text is its own key
    assert applied("Rate1*2+Rate2", intersector.decided("Rate1*2+Rate2", True)) == "@Rate1*2+Rate2"
    assert applied("Rate2*2+Rate1", intersector.decided("Rate2*2+Rate1", True)) == "Rate2*2+@Rate1"


def test_the_copies_of_a_formula_share_one_decision() -> None:
    intersector = Intersector()
    for row in range(2, 500):
        intersector.decided(f"$B$2:$B$9*C{row}", True)
    assert len(intersector._decided) == 3  # one, two and three digits


def test_each_formula_element_of_a_piece_is_given_its_edits() -> None:
    piece = (b'<row r="3"><c r="D3"><f>$B$2:$B$5&gt;2</f><v>1</v></c><c r="E3"><f t="array" ref="E3">SUM(B2:B5*2)</f>'
             b'</c><c r="F3"><f t="shared" ref="F3:F9" si="0">B2:B5*2</f></c><c r="F4"><f t="shared" si="0"/></c>'
             b'<c r="G3"><f t="dataTable" ref="G3:G4" r1="B1">B2:B5</f></c><c r="H3"><f>SUM(B2:B5)</f></c></row>')
    out = in_piece(Intersector(), "S")(piece)
    assert b"<f>@$B$2:$B$5&gt;2</f>" in out
    assert b'<f t="array" ref="E3">SUM(B2:B5*2)</f>' in out
    assert b'<f t="shared" ref="F3:F9" si="0">@B2:B5*2</f>' in out and b'<f t="shared" si="0"/>' in out
    assert b"B1\">B2:B5</f>" in out and b"<f>SUM(B2:B5)</f>" in out


def _sheet_s() -> tuple[Any, Any]:
    """A new workbook and its sheet ``S`` (the test skipped where openpyxl or the engine is not installed)."""
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("formualizer")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    return book, sheet


def _recalculated(tmp_path, cells: dict[str, object], names: dict[str, str] | None = None) -> dict[str, object]:
    from openpyxl.workbook.defined_name import DefinedName

    from trups_xl.recalc.run import recalculate

    book, sheet = _sheet_s()
    for ref, value in cells.items():
        sheet[ref] = value
    for name, text in (names or {}).items():
        book.defined_names[name] = DefinedName(name, attr_text=text)
    path = tmp_path / f"book{len(list(tmp_path.iterdir()))}.xlsx"
    book.save(path)
    done = recalculate(path)
    shown: dict[str, object] = {}
    for line in done.errors:
        where, _, value = line.partition(": ")
        shown[where.split("!")[1]] = value
    for (_title, ref), value in done.values.items():
        shown[ref] = value
    return shown


_COLUMN = {f"B{r}": float(r * 10) for r in range(2, 6)} | {f"{c}8": float(100 * i) for i, c in enumerate("BCD", 1)}


@pytest.mark.parametrize(("ref", "formula", "twin"), [
    ("D3", "=$B$2:$B$5*2", "=$B3*2"),
    ("D5", "=B:B+1", "=B5+1"),
    ("E4", "=IF($B$2:$B$5>25,1,0)", "=IF($B4>25,1,0)"),
    ("F2", "=SUM($B$2:$B$5*2)", "=SUM($B2*2)"),
    ("G3", "=Rates&\"%\"", "=$B3&\"%\""),
    ("C10", "=$B$8:$D$8/100", "=C$8/100"),
    ("H4", "=INDEX($B$2:$B$5,0)", "=$B4"),
    ("I5", "=SUMPRODUCT($B$2:$B$5*2)", "=SUM($B$2*2,$B$3*2,$B$4*2,$B$5*2)"),
    ("J3", "=_xlfn.SINGLE($B$2:$B$5)*3", "=$B3*3"),
    ("K4", "=OFFSET($B$2,0,0,4)*1", "=$B4*1"),  # no range written: found by the function's name
    ("L3", "=SUM(INDEX($B$2:$B$5*2,0)*1)", "=SUMPRODUCT($B$2:$B$5*2)"),  # INDEX(...,0) over an array: no Ctrl+Shift+Enter
    ("M3", "=MATCH(30,INDEX($B$2:$B$5*1,0),0)", "=2"),
    ("N4", "=MEDIAN($B$2:$B$5*2)", "=MEDIAN($B4*2)"),
    ("O3", "=CEILING($B$2:$B$5,7)", "=CEILING($B3,7)"),
    ("P5", "=$B$2:$B$5%", "=$B5%"),
    ("Q5", "={1,2,3}", "=1"),  # no spill: R5 and S5 stay empty
    ("R4", "=TRANSPOSE($B$2:$B$5)*1", "=$B$2*1"),
    ("S9", "=$B$2:$B$5*{1,2}", "=#VALUE!"),
])
def test_a_workbook_shows_what_its_twin_written_with_the_one_cell_shows(tmp_path, ref: str, formula: str,
                                                                        twin: str) -> None:
    names = {"Rates": "S!$B$2:$B$5"}
    shown = _recalculated(tmp_path, {**_COLUMN, ref: formula}, names)
    expected = _recalculated(tmp_path, {**_COLUMN, ref: twin}, names)
    assert shown[ref] == expected[ref]
    assert {k: v for k, v in shown.items() if k != ref} == {k: v for k, v in expected.items() if k != ref}  # no spill


@settings(max_examples=25, deadline=None)
@given(first=st.integers(2, 6), length=st.integers(2, 5), row=st.integers(1, 12),
       operator=st.sampled_from(["*2", "+1", ">30", "&\"x\"", "/4"]), wrap=st.sampled_from(["{}", "IF(TRUE,{},0)",
                                                                                          "ROUND({},1)", "-({})"]))
def test_any_row_takes_its_own_cell_or_value_error(tmp_path_factory, first: int, length: int, row: int, operator: str,
                                                   wrap: str) -> None:
    """The row's own cell of the range where it has one, else #VALUE!: Excel's documented rule, written out here."""
    tmp_path = tmp_path_factory.mktemp("rows")
    column = {f"B{r}": float(r * 10 + 1) for r in range(1, 13)}
    area = f"$B${first}:$B${first + length - 1}"
    shown = _recalculated(tmp_path, {**column, f"D{row}": "=" + wrap.format(area + operator)})
    inside = first <= row < first + length
    expected = _recalculated(tmp_path, {**column, f"D{row}": "=" + wrap.format(f"$B{row}{operator}") if inside
                                        else "=" + wrap.format("#VALUE!")})
    assert shown.get(f"D{row}") == expected.get(f"D{row}")
    assert f"D{row + 1}" not in shown


def test_a_shared_formula_gives_each_copy_its_own_rows_cell(tmp_path) -> None:
    """A column filled down as Excel saves it (one shared formula): each copy takes its own row's cell."""
    import re

    from books import with_part

    from trups_xl.recalc.run import recalculate

    book, sheet = _sheet_s()
    for r in range(1, 12):
        sheet[f"A{r}"] = float(r)
        sheet[f"D{r}"] = f"=A$2:A$9*2+C{r}"
    path = tmp_path / "plain.xlsx"
    book.save(path)

    def share(part: bytes) -> bytes:
        part = re.sub(rb'(<c r="D1"[^>]*>)<f>([^<]*)</f>', rb'\1<f t="shared" ref="D1:D11" si="0">\2</f>', part)
        return re.sub(rb'(<c r="D(?:[2-9]|1[01])"[^>]*>)<f>[^<]*</f>', rb'\1<f t="shared" si="0"/>', part)

    done = recalculate(with_part(path, "xl/worksheets/sheet1.xml", share, tmp_path / "shared.xlsx"))
    assert {ref: value for (_title, ref), value in done.values.items() if ref.startswith("D")} == {
        **{f"D{r}": 2.0 * r for r in range(2, 10)}, "D1": "#VALUE!", "D10": "#VALUE!", "D11": "#VALUE!"}


def test_the_texts_looked_at_are_those_with_a_range_a_function_or_a_name_that_may_need_one() -> None:
    texts = ["=A1*2", None, "=Rates*2", "=SUM(B:B)", None, "=INDEX(X,1)", "=rates+index(Y,2)", "=B3", "=Ratesx"]
    assert Intersector(frozenset({"RATES"}))._candidates(texts) == [2, 3, 5, 6, 8]
    assert Intersector()._candidates([t for t in texts if t]) == [2, 3, 4]


def test_many_names_cost_a_lookup_each_not_a_search_each() -> None:
    """A search for thousands of names at once in each formula took 2 ms a formula (a workbook of 10,000 range names
    and 30,000 formulas: 19 s before implicit intersection, 38 s with that search)."""
    import time

    names = frozenset(f"RANGE{n}" for n in range(5000))
    intersector = Intersector(names)
    texts = [f"=A{r}*2+SQRT(A{r})+Range{r % 40}*2" for r in range(1, 5001)]
    started = time.perf_counter()
    assert intersector._candidates(texts) == list(range(5000))
    piece = b"".join(b'<c r="B%d"><f>%s</f></c>' % (r, t[1:].encode()) for r, t in enumerate(texts, 1))
    out = in_piece(intersector, "S")(piece)
    assert time.perf_counter() - started < 1.5
    assert b"<f>A1*2+SQRT(A1)+@Range1*2</f>" in out


def test_a_sheets_own_name_is_read_on_that_sheet_and_the_workbooks_elsewhere(tmp_path) -> None:
    book, main = _sheet_s()
    from openpyxl.workbook.defined_name import DefinedName

    from trups_xl.recalc.run import recalculate

    other = book.create_sheet("T")
    for r in range(2, 10):
        main[f"C{r}"] = float(r * 100)
    book.defined_names["Loc"] = DefinedName("Loc", attr_text="S!$C$2:$C$9")
    other.defined_names["Loc"] = DefinedName("Loc", attr_text="7", localSheetId=1)
    main["G5"] = "=Loc*2"
    other["G5"] = "=Loc*2"
    other["H5"] = "=SUM(Loc)"
    path = tmp_path / "scoped.xlsx"
    book.save(path)
    done = recalculate(path)
    assert done.values[("S", "G5")] == 1000.0  # the workbook's Loc, a range: its cell in row 5
    assert done.values[("T", "G5")] == 14.0 and done.values[("T", "H5")] == 7.0  # T's own Loc, a number


def test_a_sheets_own_name_is_not_seen_on_another_sheet() -> None:
    from trups_xl.recalc.package import Scan

    found = Scan([], {}, {}, None, {("T", "LOC"): "T!$C$2:$C$9", (None, "WIDE"): "S!$B$2:$B$9", ("T", "WIDE"): "4"})
    intersector = Intersector.of(found)
    assert intersector.on("S") == {"WIDE"} and intersector.on("T") == {"LOC"} and intersector.every == {"LOC", "WIDE"}


def test_a_formula_with_a_line_break_keeps_the_others_in_their_places(tmp_path) -> None:
    """A line break in a formula (Alt+Enter) once shifted every later formula's place in the scan's search."""
    shown = _recalculated(tmp_path, {"B1": 1.0, "B2": 2.0, "B3": 3.0, "A1": "=IF(B1>0,\nB1,0)", "A2": "=INDEX(B1:B2,2)",
                                     "A3": "=$B$1:$B$3*2", "C1": '="a\nb"&B1'})
    assert (shown["A1"], shown["A2"], shown["A3"], shown["C1"]) == (1.0, 2.0, 6.0, "a\nb1")
    texts = ["=IF(B1>0,\nB1,0)", "=1", "=INDEX(B1:B2,2)", "=B2:B3"]
    assert Intersector()._candidates(texts) == [2, 3]
