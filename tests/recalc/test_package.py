"""The package read by streaming: parts inflated within a limit, formula cells and styles scanned."""

import datetime as dt
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

from trups_xl.recalc.package import counted_chunks, scan  # noqa: E402
from trups_xl.recalc.safety import Limits, RefusedError  # noqa: E402


def test_a_part_is_counted_as_it_inflates_and_refused_past_the_limit():
    data = b"x" * (3 << 20)
    assert b"".join(counted_chunks(io.BytesIO(data), "xl/sheet1.xml", 3 << 20)) == data
    with pytest.raises(RefusedError, match=r"^part xl/sheet1.xml inflates to more than 2 MB, over the limit "
                                           r"\(raise it with --max-uncompressed-mb\); nothing was written$"):
        list(counted_chunks(io.BytesIO(data), "xl/sheet1.xml", 2 << 20, "; nothing was written"))


def test_the_scan_finds_sheets_formulas_and_date_styles(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    ws["A1"] = dt.date(2030, 3, 15)
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["B1"] = "=A1+1"
    ws["B1"].number_format = "dd/mm/yyyy"
    ws["C1"] = "=SUM(A1:B1)"
    ws["C1"].number_format = "#,##0.00"
    book.create_sheet("Other")["A1"] = "label"
    book.save(tmp_path / "b.xlsx")
    found = scan(tmp_path / "b.xlsx", Limits())
    assert [s.title for s in found.sheets] == ["Model", "Other"]
    model = found.sheet("Model")
    assert {rc: cell.text for rc, cell in model.formulas.items()} == {(1, 2): "=A1+1", (1, 3): "=SUM(A1:B1)"}
    assert found.is_date_style(model.formulas[(1, 2)].style)
    assert not found.is_date_style(model.formulas[(1, 3)].style)
    assert found.number_format(model.formulas[(1, 3)].style) == "#,##0.00"
    assert found.sheet("Other").formulas == {}


def _sheet_xml(cells: str) -> bytes:
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}'
            "</sheetData></worksheet>").encode()


PLAIN_ROWS = ('<row r="1"><c r="A1" t="n"><v>1</v></c><c r="B1" s="3"><f>A1*2</f><v>2</v></c></row>'
              '<row r="2"><c r="B2"><f>IF(A1&gt;0,"a&amp;b",A1)</f><v/></c><c r="AB2" s="70000"><f>B1</f></c></row>'
              '<row r="3"><c r="C3" t="str"><f>"x"</f><v>x</v></c></row>')


@pytest.mark.parametrize("piece_bytes", [1, 60, 1 << 20])
def test_plain_formulas_are_read_a_piece_of_the_sheet_at_a_time(monkeypatch, piece_bytes):
    from trups_xl.recalc import package

    monkeypatch.setattr(package, "PIECE_BYTES", piece_bytes)
    sheet = package.Sheet("S", "xl/worksheets/sheet1.xml")
    package._scan_sheet(sheet, _sheet_xml(PLAIN_ROWS), Limits())
    assert [(r, c, t) for r, c, t, _cell in sheet.formulas.texts()] == [
        (1, 2, "=A1*2"), (2, 2, '=IF(A1>0,"a&b",A1)'), (2, 28, "=B1"), (3, 3, '="x"')]
    assert [sheet.formulas.style(r, c) for r, c in sheet.formulas] == [3, 0, 70000, 0]
    assert (sheet.max_row, sheet.max_col) == (3, 28)


@pytest.mark.parametrize("odd", [
    '<row r="4"><c r="D4"><f t="shared" ref="D4:D5" si="0">A4</f></c></row>',  # a formula with attributes
    '<row r="4"><c s="1" r="D4"><f>A4</f></c></row>',  # a tag in another order
    '<row r="4"><c r="D4"><v>1</v><f>A4</f></c></row>',  # the formula not first
    '<row r="4"><c r="D4" s="99999999999"><f>A4</f></c></row>',  # a style past 32 bits
])
def test_a_sheet_with_any_formula_not_plain_is_read_the_careful_way(odd):
    from trups_xl.recalc import package

    data = _sheet_xml(PLAIN_ROWS + odd)
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    plain = package.Sheet("S", "p")
    read = package._plain_formula_cells(plain, data, start, end)
    careful = package.Sheet("S", "p")
    package._scan_sheet(careful, data, Limits())
    assert read == -1 or "<v>1</v><f>" in odd or "shared" in odd  # the formula not first: found by the count
    if read >= 0 and "shared" in odd:  # a formula with attributes is read on its own, as the careful way reads it
        assert list(plain.formulas.items()) == list(careful.formulas.items())
    assert [(r, c, t) for r, c, t, _cell in careful.formulas.texts()][:4] == [
        (1, 2, "=A1*2"), (2, 2, '=IF(A1>0,"a&b",A1)'), (2, 28, "=B1"), (3, 3, '="x"')]
    assert (4, 4) in careful.formulas


def test_a_piece_that_is_not_utf8_is_read_the_careful_way():
    from trups_xl.recalc import package

    data = _sheet_xml(PLAIN_ROWS.replace("<v>1</v>", "<v>\xe9</v>")).replace("\xe9".encode(), b"\xe9")
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    assert package._plain_formula_cells(package.Sheet("S", "p"), data, start, end) == -1
    sheet = package.Sheet("S", "p")
    package._scan_sheet(sheet, data, Limits())
    assert len(sheet.formulas) == 4


def test_a_plain_formula_beyond_the_grid_is_refused():
    from trups_xl.recalc import package

    data = _sheet_xml('<row r="1"><c r="A1"><f>1</f></c></row><row r="1048577"><c r="A1048577"><f>1</f></c></row>')
    with pytest.raises(RefusedError, match="1,048,577"):
        package._scan_sheet(package.Sheet("S", "p"), data, Limits())


def _read_as_the_careful_way(reader, data, elements):
    """The sheet ``reader`` reads from ``data`` (it counts ``elements`` <f>), checked cell for cell against
    the careful reader's."""
    from trups_xl.recalc import package

    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    read, careful = package.Sheet("S", "p"), package.Sheet("S", "p")
    assert reader(read, data, start, end) == elements
    package._formula_cells(careful, data, start, end)
    assert list(read.formulas.items()) == list(careful.formulas.items())
    assert read.formulas.kept_whole() == careful.formulas.kept_whole()
    return read


@pytest.mark.parametrize("piece_bytes", [1, 100, 1 << 20])
def test_a_sheet_of_shared_formulas_is_read_by_columns_as_the_careful_way_reads_it(monkeypatch, piece_bytes):
    from trups_xl.recalc import package

    monkeypatch.setattr(package, "PIECE_BYTES", piece_bytes)
    data = _sheet_xml(
        '<row r="2"><c r="A2" s="3"><f>1+1</f></c><c r="B2" s="4"><f t="shared" ref="B2:B5" si="0">A2-1</f><v/></c>'
        '<c r="C2"><f t="shared" ref="C2:D4" si="17">B2&amp;"x"</f></c><c r="D2"><f t="shared" si="17"/></c></row>'
        '<row r="3"><c r="A3"><f>A2+1</f></c><c r="B3" s="4"><f t="shared" si="0"/><v/></c>'
        '<c r="C3"><f t="shared"  si="17" /></c><c r="D3" t="str"><f t="shared" si="17"></f></c></row>'
        '<row r="4"><c r="B4"><f t="shared" si="0" ca="1"/></c><c r="C4"><f t="shared" si="17"/></c>'
        '<c r="D4"><f/></c></row>'
        '<row r="5"><c r="B5" s="2"><f t="shared" si="0"/></c><c r="C5"><f t="array" ref="C5">SUM(A2:A3)</f></c></row>')
    columns = _read_as_the_careful_way(package._plain_formula_cells, data, 13)
    assert columns.formulas[(3, 3)].shared_index is columns.formulas[(4, 3)].shared_index  # one str per group


def test_a_shared_formulas_cells_are_read_as_the_careful_way_reads_them():
    from trups_xl.recalc import package
    from trups_xl.recalc.formula_cells import FormulaCell

    data = _sheet_xml(
        '<row r="2"><c r="B2" s="4"><f t="shared" ref="B2:B4" si="0">A2-1</f><v/></c></row>'
        '<row r="3"><c r="B3" s="4"><f t="shared" si="0"/><v/></c><c r="C3"><f t="shared"  si="12" /></c></row>'
        '<row r="4"><c r="B4" t="n"><f t="shared" si="0"></f></c><c r="C4"><f t="shared" si="12" ca="1"/></c></row>'
        '<row r="5"><c r="C5"><f t="shared" si="12"/></c></row>')
    fast = _read_as_the_careful_way(package._formula_cells_fast, data, 6)
    assert fast.formulas[(3, 2)] == FormulaCell(3, 2, 4, "shared", None, None, "0")
    assert fast.formulas[(3, 3)].shared_index == "12" and fast.formulas[(4, 2)].text is None
    assert fast.formulas[(3, 3)].shared_index is fast.formulas[(5, 3)].shared_index  # one str per group



#: The formula cell's tag as it was read before :data:`FORMULA_CELL_TAG` turned value cells away at once:
#: the reference the quicker pattern must agree with on every sheet.
_PLAIN_TAG = rb'<c\b(?:\s+r="([A-Z]{1,3})([1-9]\d*)"(?:\s+s="(\d+)")?(?:\s+t="\w+")?\s*|([^>]*))>'
_TAGS = st.sampled_from(['<c r="A1">', '<c r="B12" s="3">', '<c r="C2" t="str">', '<c r="D4" s="1" t="n">',
                         '<c s="2" r="E5">', '<c r="F6" t="e" s="1">', "<c>", '<c r="G7"  s="4" >',
                         '<c r="H8" cm="1" t="array">', '<c r="i9">', '<cx r="A1">', '<c r="A1" x="a>b">',
                         '<c\tr="A1">', '<c r="A1"\n>'])
_BODIES = st.sampled_from(["<f>A1+1</f><v>2</v>", "<f>IF(A1&gt;0,1,2)</f>", '<f t="shared" si="0"/><v>1</v>',
                           '<f t="shared" ref="A1:A3" si="0">B1</f>', " <f>X</f> <v/> ", "<v>1</v>",
                           '<is><t>x</t></is>', "", "<f>A1</f><is><t>y</t></is>", "<f/>", "\n  <f>A1</f>",
                           "\t<f/>", "<fx>1</fx>", "<v>1</v><f>A1</f>", "<f>a<b</f>"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_TAGS, _BODIES, st.booleans()), max_size=12))
def test_the_formula_cell_tag_reads_every_sheet_as_the_plain_pattern_did(cells):
    from trups_xl.recalc import package, writer

    data = b"<row>" + b"".join(  # a cell closed at its tag, its body after it
        (tag[:-1] + "/>" + body if closed else tag + body + "</c>").encode() for tag, body, closed in cells) + b"</row>"
    rest_scan = package._FAST_CELL.pattern.removeprefix(package.FORMULA_CELL_TAG)
    rest_write = writer._FORMULA_CELL.pattern.removeprefix(package.FORMULA_CELL_TAG)
    assert rest_scan != package._FAST_CELL.pattern and rest_write != writer._FORMULA_CELL.pattern
    assert package._FAST_CELL.findall(data) == re.findall(_PLAIN_TAG + rest_scan, data)
    assert [m.span() for m in package._FAST_CELL.finditer(data, 3, len(data) - 2)] == [
        m.span() for m in re.compile(_PLAIN_TAG + rest_scan).finditer(data, 3, len(data) - 2)]
    text = data.decode()
    assert package._FAST_CELL_TEXT.findall(text) == re.findall((_PLAIN_TAG + rest_scan).decode(), text, re.ASCII)
    assert writer._FORMULA_CELL_SPLIT.split(data) == re.split(b"(" + _PLAIN_TAG + rest_write + b")", data)


def test_a_sheet_whose_cells_are_written_under_a_namespace_prefix_is_refused_in_one_line(tmp_path):
    # <x:sheetData> (as some libraries write): read as holding no cells, its formulas were left in the copy

    from books import write_book

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "prefixed.xlsx", {"A1": 2, "B1": "=A1*3"})
    prefixed = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                b'<x:row r="1"><x:c r="A1"><x:v>2</x:v></x:c><x:c r="B1"><x:f>A1*3</x:f></x:c></x:row>'
                b'</x:sheetData></x:worksheet>')
    _rewritten_sheet(path, lambda _part: prefixed)
    with pytest.raises(RefusedError) as refused:
        recalculate(path)
    assert str(refused.value) == (
        "could not be read as a workbook: xl/worksheets/sheet1.xml writes its cells with a namespace prefix "
        "(<x:sheetData>, as some libraries do), which this command does not read; saved again from Excel it is read")


@pytest.mark.parametrize("tag", [b"</f >", b"</f\n>"])
def test_a_sheet_with_an_end_tag_spaced_before_its_bracket_is_refused_in_one_line(tmp_path, tag):
    # well-formed XML Excel never writes: a formula read past its </f > took the next cell's formula with it

    from books import write_book

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "spaced.xlsx", {"A1": 2, "B1": "=A1*3", "B2": "=A1*4"})
    plain = tag.replace(b" ", b"").replace(b"\n", b"").replace(b"\t", b"")

    def spaced(part):
        assert plain in part
        return part.replace(plain, tag, 1)

    _rewritten_sheet(path, spaced)
    with pytest.raises(RefusedError, match="writes an end tag with a space before its '>'") as refused:
        recalculate(path)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("position", [b"$B$1", b"$B1", b"B$1"])
@pytest.mark.parametrize("formula", ["=TRUPS_CLAIM_LIMIT(A1)", "=A1*3"])
def test_a_formula_cell_whose_position_has_dollar_signs_is_refused_in_one_line(tmp_path, position, formula):
    # r="$B$1": the engine refuses the workbook; a sheet of TRUPS_* calls alone, answered without it, was
    # recalculated and its copy written

    from books import write_book

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "dollars.xlsx", {"A1": 100.0, "B1": formula, "B2": formula})
    def moved(part):
        assert part.count(b'<c r="B1">') == 1
        return part.replace(b'<c r="B1">', b'<c r="' + position + b'">')

    _rewritten_sheet(path, moved)
    with pytest.raises(RefusedError) as refused:
        recalculate(path)
    assert str(refused.value) == (
        f"could not be read as a workbook: xl/worksheets/sheet1.xml gives a cell's position with dollar signs "
        f"(r=\"{position.decode()}\"), which Excel never writes and this command does not read")


def _rewritten_sheet(path, change):
    """The workbook at ``path`` written again with its first sheet part changed by ``change`` (bytes -> bytes)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path
