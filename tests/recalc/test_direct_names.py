"""Defined names that stand for one reference, written out in the engine's copy: which names qualify,
where in a formula a name is written out and where it is left as written, the same on a sheet part's
bytes as on each formula's text, and every value the same as the engine alone gives on the workbook
as written."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.recalc.direct_names import in_piece, references, written_out
from trups_xl.recalc.package import Scan, Sheet
from trups_xl.recalc.xml_text import escape

TEXTS = {"PRINCIPAL": "Inputs!$B$2", "RATE": "'Rate inputs'!$C$1", "WEIGHTS": "Inputs!$B$7:$D$7",
         "RATE.BASE": "Inputs!$B$9"}


def _scan(names: dict[tuple[str | None, str], str], titles=("Inputs", "Rate inputs", "Ledger")) -> Scan:
    return Scan([Sheet(t, f"xl/worksheets/sheet{k}.xml") for k, t in enumerate(titles, start=1)],
                {name: (sheet, text) for (sheet, name), text in names.items()}, [], scoped=dict(names))


def test_the_names_written_out_are_the_workbook_s_names_of_one_absolute_reference():
    found = _scan({
        (None, "PRINCIPAL"): "Inputs!$B$2",
        (None, "RATE"): "'Rate inputs'!$C$1",
        (None, "WEIGHTS"): "Inputs!$B$7:$D$7",
        (None, "RELATIVE"): "Inputs!B2",  # moves with the cell that reads it
        (None, "MIXED"): "Inputs!$B2",
        (None, "COLUMN"): "Inputs!$B:$B",
        (None, "CONSTANT"): "0.05",
        (None, "FORMULA"): "Inputs!$B$2*2",
        (None, "ELSEWHERE"): "[1]Inputs!$B$2",
        (None, "NOSHEET"): "Missing!$B$2",
        (None, "THREE_D"): "Inputs:Ledger!$B$2",
        (None, "BEYOND"): "Inputs!$B$1048577",
        (None, "SHADOWED"): "Inputs!$B$3",
        ("Ledger", "SHADOWED"): "Inputs!$B$4",  # a formula on Ledger means this one
        ("Ledger", "LOCAL"): "Inputs!$B$5",
        (None, "_XLNM.PRINT_AREA"): "Inputs!$A$1:$B$2",
        (None, "ROW2"): "Inputs!$B$6",  # a cell's address, which Excel refuses as a name
        (None, "R1C1"): "Inputs!$B$6",
        (None, "C"): "Inputs!$B$6",
        (None, "CASED"): "inputs!$B$7",  # the engine finds no sheet "inputs": #NAME? as written
    })
    assert references(found) == {"PRINCIPAL": "Inputs!$B$2", "RATE": "'Rate inputs'!$C$1",
                                 "WEIGHTS": "Inputs!$B$7:$D$7"}


@pytest.mark.parametrize(("formula", "expected"), [
    ("A2+Principal", "A2+Inputs!$B$2"),
    ("IF(AND(A2>=principal,A2<PRINCIPAL),A2,0)", "IF(AND(A2>=Inputs!$B$2,A2<Inputs!$B$2),A2,0)"),  # any case
    ("SUMPRODUCT(Weights,H2:J2)", "SUMPRODUCT(Inputs!$B$7:$D$7,H2:J2)"),
    ("Rate*Rate.Base", "'Rate inputs'!$C$1*Inputs!$B$9"),  # a longer name is its own
    ('"Principal"&Principal', '"Principal"&Inputs!$B$2'),  # not in a text
    ('"say ""Principal"""&Principal', '"say ""Principal"""&Inputs!$B$2'),
    ("'Principal data'!A1+Principal", "'Principal data'!A1+Inputs!$B$2"),  # not in a quoted sheet name
    ("Principal!A1", "Principal!A1"),  # a sheet of that name
    ("Ledger!Principal", "Ledger!Principal"),  # a name qualified by a sheet
    ("RATE(10,1,-5)", "RATE(10,1,-5)"),  # a function of that name
    ("PrincipalX+XPrincipal+Principal_2", "PrincipalX+XPrincipal+Principal_2"),
    ("A1:Principal", "A1:Principal"),  # a range operator between references
    ("Principal:A1", "Principal:A1"),
    ("Table1[Principal]", "Table1[Principal]"),
    ("Principal#", "Principal#"),
    ("-Principal%", "-Inputs!$B$2%"),
    ("ISREF(Principal)", "ISREF(Inputs!$B$2)"),
    ("Principal", "Inputs!$B$2"),
    ('CELL("address",Principal)', 'CELL("address",Principal)'),  # $B$2 named, Inputs!$B$2 written out
    ("Table1[Loan Principal]+T1[[#This Row],[Loan Principal]]+T1[@Principal]",
     "Table1[Loan Principal]+T1[[#This Row],[Loan Principal]]+T1[@Principal]"),
    ("LET(Principal,5,Principal*2)+Principal", "LET(Principal,5,Principal*2)+Principal"),  # its own names
    ("_xlfn.LET(_xlpm.Principal,5,_xlpm.Principal*2)", "_xlfn.LET(_xlpm.Principal,5,_xlpm.Principal*2)"),
    ("LAMBDA(Rate,Rate*2)(Principal)", "LAMBDA(Rate,Rate*2)(Principal)"),
])
def test_a_name_is_written_out_only_where_it_stands_as_an_operand(formula, expected):
    assert written_out(TEXTS)(formula) == expected


def _part(texts: list[str], entity_quotes: list[bool] | None = None) -> bytes:
    cells = []
    for k, text in enumerate(texts, start=1):
        body = escape(text)
        if entity_quotes and entity_quotes[k - 1]:
            body = body.replace('"', "&quot;")
        cells.append(f'<row r="{k}"><c r="A{k}" t="inlineStr"><is><t>Principal</t></is></c>'
                     f'<c r="B{k}" s="1"><f>{body}</f><v>Principal</v></c></row>')
    return ("<worksheet><sheetData>" + "".join(cells) + "</sheetData></worksheet>").encode()


_PIECES = st.sampled_from(["Principal", "principal", "Rate", "Rate.Base", "Weights", "PrincipalX", '"Principal"', "LET(",
                           "'Rate inputs'!A1", "Principal!A1", "RATE(", ")", "A1:", ":B2", "+", "&", ">=", ",", " ",
                           "é", "Ledger!", "[", "]", "#", "1", '""', "'", "A", "gt", "amp", "#N/A", ">", "<", "&",
                           "CELL(", "@", "[#This Row]"])


#: Names none of which is in another's reference ("Rate" is in 'Rate inputs'!$C$1): a piece whose every
#: place of a name is an operand, each name spelt alike, has each name replaced at once.
UNNESTED = {"PRINCIPAL": "Inputs!$B$2", "RATE": "Inputs!$C$1", "WEIGHTS": "Inputs!$B$7:$D$7"}
#: Names spelt as parts of an entity (&gt;) or of an error value (#N/A).
ODD = {"A": "Inputs!$B$5", "GT": "Inputs!$B$3", "AMP": "Inputs!$B$4", "QUOT": "Inputs!$B$6"}


@pytest.mark.parametrize(("formula", "expected"), [
    ("IFERROR(A,#N/A)+NA()", "IFERROR(Inputs!$B$5,#N/A)+NA()"),
    ("IF(A1>gt,amp&A,0)", "IF(A1>Inputs!$B$3,Inputs!$B$4&Inputs!$B$5,0)"),
])
def test_names_spelt_as_parts_of_entities_or_errors_are_written_out_only_as_operands(formula, expected):
    assert written_out(ODD)(formula) == expected
    assert in_piece(ODD)(_part([formula])) == _part([expected])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), min_size=1, max_size=6), st.booleans(),
       st.sampled_from([TEXTS, UNNESTED, ODD]))
def test_a_part_s_bytes_are_written_out_as_each_formula_s_text_is(formulas, entity_quotes, texts):
    # the cells' texts and cached values are never touched; each formula as written_out gives it (a part
    # writing its quotes as entities: a formula written out is written back with its quotes as they are)
    out = written_out(texts)
    got = in_piece(texts)(_part(formulas, [entity_quotes] * len(formulas)))
    assert got == _part([out(f) for f in formulas], [entity_quotes and out(f) == f for f in formulas])
    assert got.count(b"<t>Principal</t>") == len(formulas) and got.count(b"<v>Principal</v>") == len(formulas)


@pytest.mark.parametrize("formulas", [["Principal+Rate", "Weights*Rate"], ["Rate+principal", "Principal"]])
def test_names_replaced_at_once_are_each_replaced_where_they_are(formulas):
    # each name's places found before any is replaced: a reference written in does not move the next name
    assert in_piece(UNNESTED)(_part(formulas)) == _part([written_out(UNNESTED)(f) for f in formulas])


def test_a_piece_naming_none_of_the_names_is_given_back_as_it_is():
    part = _part(["A1+B1", 'IF(A1>0,"x",0)'])
    assert in_piece(TEXTS)(part) is part
    assert in_piece({})(part) is part


def test_the_engine_is_given_the_references_and_every_value_is_the_engine_alone_s(tmp_path):
    """The engine's copy names each reference (what it loads many times faster), and every cell shows
    what the engine alone shows on the workbook as written: values, ranges, spills, a name in a text, a
    sheet's own name of the same name, a relative name (which the engine does not read: #NAME? either way)."""
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("formualizer")
    from openpyxl.workbook.defined_name import DefinedName

    from trups_xl.recalc.load import load_workbook
    from trups_xl.recalc.run import recalculate

    book = openpyxl.Workbook()
    ledger = book.active
    ledger.title = "Ledger"
    inputs = book.create_sheet("Inputs")
    for ref, value in {"B2": 1000.0, "B3": 3500.0, "B5": 39600.0, "B6": 40000.0, "B7": 0.5, "C7": 0.3, "D7": 0.2,
                       "B8": 7.0, "C8": 8.0, "C2": 2.0}.items():
        inputs[ref] = value
    for name, text in {"Principal": "Inputs!$B$2", "NumSecs": "Inputs!$B$3", "DeferStart": "Inputs!$B$5",
                       "DeferEnd": "Inputs!$B$6", "Weights": "Inputs!$B$7:$D$7", "Shadowed": "Inputs!$B$2",
                       "NextDoor": "Inputs!C2"}.items():
        book.defined_names[name] = DefinedName(name, attr_text=text)
    ledger.defined_names["Shadowed"] = DefinedName("Shadowed", attr_text="Inputs!$B$3", localSheetId=0)
    for r in range(2, 12):
        ledger[f"A{r}"] = 39590.0 + r * 3
        ledger[f"B{r}"] = f"=TRUPS_NEXT_PAYMENT_DATE(A{r})"
        ledger[f"C{r}"] = f"=IF(AND(A{r}>=DeferStart,A{r}<DeferEnd),TRUPS_ACCRUAL(A{r}-1,A{r},,Principal),0)"
        ledger[f"D{r}"] = "=SUMPRODUCT(Weights,Inputs!$B$8:$D$8)*NumSecs"
        ledger[f"E{r}"] = '="Principal "&Principal&" "&Shadowed'
        ledger[f"F{r}"] = f"=TRUPS_COUPON(B{r},,Principal)*NumSecs+ROW(Principal)+ISREF(Weights)"
    ledger["G2"] = "=Weights"  # saved before dynamic arrays: Weights' cell in column G, none (#VALUE!), no spill
    ledger["C12"] = "=Weights"  # and in column C, Inputs!C7
    ledger["G4"] = "=Inputs!B2+NextDoor"  # a relative name: as written
    ledger["G6"] = "=LET(Principal,5,Principal*2)+Principal"  # its own Principal, then the workbook's
    path = tmp_path / "named.xlsx"
    book.save(path)

    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None
    assert loaded.book.get_formula("Ledger", 2, 4).replace(" ", "") == \
        "=SUMPRODUCT(Inputs!$B$7:$D$7,Inputs!$B$8:$D$8)*Inputs!$B$3"
    text = loaded.book.get_formula("Ledger", 2, 5)
    assert '"Principal "' in text and "Inputs!$B$2" in text and re.search(r"Shadowed", text)
    assert "NextDoor" in loaded.book.get_formula("Ledger", 4, 7)

    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values and fast.errors == slow.errors and fast.spills == slow.spills
    assert fast.values[("Ledger", "E2")] == "Principal 1000 3500"  # the sheet's own Shadowed
    assert fast.values[("Ledger", "C12")] == 0.3 and ("Ledger", "I2") not in fast.values  # one value, not a spill
    assert any(line.startswith("Ledger!G2: #VALUE!") for line in fast.errors)
    assert fast.values[("Ledger", "G6")] == slow.values[("Ledger", "G6")]
    assert fast.values[("Ledger", "G4")] == slow.values[("Ledger", "G4")]  # a relative name: what the engine shows
    assert fast.values[("Ledger", "D2")] == pytest.approx((0.5 * 7 + 0.3 * 8) * 3500)
