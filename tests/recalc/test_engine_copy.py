"""The engine's copy: formula cells of whole columns left empty or given other formulas in one pass,
and a sheet added to the package as Excel lists one (read back by openpyxl, an independent reader)."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from trups_xl.recalc.engine_copy import replace_cells, with_sheet  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402
from trups_xl.recalc.writer import write_copy  # noqa: E402

PART = (b'<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="H2" s="3"><f>TRUPS_COUPON(A2)</f><v>5</v></c>'
        b'<c r="HA2" t="str"><f t="shared" ref="HA2:HA4" si="0">A2</f><v>x</v></c></row>'
        b'<row r="3"><c r="H3" s="3"><f>TRUPS_COUPON(A3)</f></c><c r="HA3"><f t="shared" si="0"/><v>1</v></c></row>'
        b'<row r="4"><c r="H4"><f>A4</f></c><c r="HA4"><f t="shared" si="0"/></c></row></sheetData></worksheet>')


def test_the_cells_of_the_spans_are_left_empty_or_given_their_formulas_and_nothing_else_changes():
    out = replace_cells(PART, {8: [(2, 3, None)], 209: [(3, 4, ['=IF(A3<1,"a&b",2)', "=S!A4"]), (2, 2, None)]})
    assert out == (b'<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="H2" s="3"/><c r="HA2"/></row>'
                   b'<row r="3"><c r="H3" s="3"/><c r="HA3"><f>IF(A3&lt;1,"a&amp;b",2)</f></c></row>'
                   b'<row r="4"><c r="H4"><f>A4</f></c><c r="HA4"><f>S!A4</f></c></row></sheetData></worksheet>')


def test_a_cell_of_the_spans_not_found_in_the_usual_shape_leaves_the_part_to_the_caller():
    assert replace_cells(PART.replace(b'<c r="H3" s="3">', b'<c s="3" r="H3">'), {8: [(2, 3, None)]}) is None
    assert replace_cells(PART, {8: [(2, 5, None)]}) is None  # H5 is not there


def _book(path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    for r in range(1, 5):
        ws[f"A{r}"] = r
        ws[f"B{r}"] = f"=A{r}*2"
    book.create_sheet("Other")["A1"] = "kept"
    book.save(path)
    return path


def test_a_copy_with_a_sheet_added_lists_it_last_and_holds_the_formulas_reading_it(tmp_path):
    source = _book(tmp_path / "in.xlsx")
    target = tmp_path / "copy.xlsx"
    spans = {"Model": {2: [(1, 2, ["='_scratch'!A1", "='_scratch'!A2"]), (3, 3, None)]}}
    assert write_copy(source, target, scan(source, Limits()), {}, keep_vba=False, spans=spans,
                      sheet=("_scratch", "xl/worksheets/trups_scratch.xml")) == (True, set())
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Model", "Other", "_scratch"]
    assert [book["Model"][f"B{r}"].value for r in range(1, 5)] == ["='_scratch'!A1", "='_scratch'!A2", None, "=A4*2"]
    assert book["Other"]["A1"].value == "kept" and book["_scratch"].max_row == 1
    # no sheet asked for: the spans giving formulas are not written (they would read a sheet not there)
    assert write_copy(source, target, scan(source, Limits()), {}, keep_vba=False, spans=spans) == (False, {"Model"})
    assert [openpyxl.load_workbook(target)["Model"][f"B{r}"].value for r in range(1, 5)] == [
        "=A1*2", "=A2*2", None, "=A4*2"]


def test_a_sheet_is_not_added_over_a_part_the_workbook_has(tmp_path):
    source = _book(tmp_path / "in.xlsx")
    target = tmp_path / "copy.xlsx"
    assert write_copy(source, target, scan(source, Limits()), {}, keep_vba=False, spans={},
                      sheet=("_scratch", "xl/worksheets/sheet1.xml")) == (False, set())
    assert openpyxl.load_workbook(target).sheetnames == ["Model", "Other"]


def test_a_cell_written_twice_does_not_stand_for_one_not_found():
    # B3's tag is not of the usual shape; B4 twice must not make up for it (B2's formula would be gone
    # while B3 still follows it)
    part = (b'<worksheet><sheetData><row r="2"><c r="B2"><f t="shared" ref="B2:B4" si="0">A2</f></c></row>'
            b'<row r="3"><c s="1" r="B3"><f t="shared" si="0"/></c></row><row r="4"><c r="B4"><f t="shared" si="0"/>'
            b'</c><c r="B4"><f t="shared" si="0"/></c></row></sheetData></worksheet>')
    assert replace_cells(part, {2: [(2, 4, None)]}) is None


RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_a_sheet_is_added_only_with_the_relationships_prefix_declared_on_the_root():
    rels = b'<Relationships xmlns="x"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
    types = b'<Types xmlns="t"><Override PartName="/xl/worksheets/sheet1.xml"/></Types>'
    on_root = (b'<workbook xmlns="m" xmlns:rel="%s"><sheets><sheet name="A" sheetId="4" rel:id="rId1"/></sheets>'
               b"</workbook>" % RELS)
    made = with_sheet(on_root, rels, types, 'S"1', "xl/worksheets/s.xml", {"xl/workbook.xml"})
    assert made is not None
    assert made[0].endswith(b'<sheet name="S&quot;1" sheetId="5" rel:id="rIdTrups0"/></sheets></workbook>')
    assert b'Id="rIdTrups0"' in made[1] and b'Target="worksheets/s.xml"' in made[1]
    assert b'PartName="/xl/worksheets/s.xml"' in made[2]
    on_each = (b'<workbook xmlns="m"><sheets><sheet xmlns:r="%s" name="A" sheetId="1" r:id="rId1"/></sheets>'
               b"</workbook>" % RELS)
    assert with_sheet(on_each, rels, types, "S", "xl/worksheets/s.xml", set()) is None  # r: not in scope
    named = types.replace(b"</Types>", b'<Override PartName="/xl/worksheets/s.xml"/></Types>')
    assert with_sheet(on_root, rels, named, "S", "xl/worksheets/s.xml", set()) is None
