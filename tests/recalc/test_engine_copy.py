"""The engine's copy: formula cells of whole columns given a stand-in number or other formulas in one pass,
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


def test_the_cells_of_the_spans_are_given_the_stand_in_or_their_formulas_and_nothing_else_changes():
    # a stand-in, not an empty cell: the engine alone holds a formula there, which no spill may fill
    out = replace_cells(PART, {8: [(2, 3, None)], 209: [(3, 4, ['=IF(A3<1,"a&b",2)', "=S!A4"]), (2, 2, None)]})
    assert out == (b'<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="H2" s="3"><v>0.0</v></c>'
                   b'<c r="HA2"><v>0.0</v></c></row>'
                   b'<row r="3"><c r="H3" s="3"><v>0.0</v></c><c r="HA3"><f>IF(A3&lt;1,"a&amp;b",2)</f></c></row>'
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
    assert [book["Model"][f"B{r}"].value for r in range(1, 5)] == ["='_scratch'!A1", "='_scratch'!A2", 0, "=A4*2"]
    assert book["Other"]["A1"].value == "kept" and book["_scratch"].max_row == 1
    # no sheet asked for: the spans giving formulas are not written (they would read a sheet not there)
    assert write_copy(source, target, scan(source, Limits()), {}, keep_vba=False, spans=spans) == (False, {"Model"})
    assert [openpyxl.load_workbook(target)["Model"][f"B{r}"].value for r in range(1, 5)] == [
        "=A1*2", "=A2*2", 0, "=A4*2"]


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


def _replaced_one_by_one(data, spans):
    """The reference: each formula cell of the spans' columns matched on its own and replaced by a
    function of its match (what the one-pass split must give, byte for byte)."""
    import re

    from trups_xl.recalc.addresses import column_letters
    from trups_xl.recalc.xml_text import escape

    by_letters = {column_letters(col).encode(): within for col, within in spans.items()}
    pattern = re.compile(rb'<c r="(' + b"|".join(sorted(by_letters, key=len, reverse=True)) + rb')([1-9]\d*)"'
                         rb'(\s+s="\d+")?(?:\s+t="\w+")?\s*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*'
                         rb"(?:<v\b[^>]*?(?:/>|>[^<]*</v>)\s*)?</c>")
    done = set()

    def replace(cell):
        row = int(cell[2])
        for first, last, texts in by_letters[cell[1]]:
            if first <= row <= last:
                done.add((cell[1], row))
                if texts is None:
                    return b'<c r="%s%s"%s><v>0.0</v></c>' % (cell[1], cell[2], cell[3] or b"")  # the stand-in
                return b'<c r="%s%s"%s><f>%s</f></c>' % (cell[1], cell[2], cell[3] or b"",
                                                           escape(texts[row - first].removeprefix("=")).encode())
        return cell[0]

    out = pattern.sub(replace, data)
    expected = sum(last - first + 1 for within in spans.values() for first, last, _texts in within)
    return out if len(done) == expected else None


@pytest.mark.parametrize("piece_bytes", [1, 1 << 18])
def test_the_one_pass_is_what_replacing_each_cell_on_its_own_gives(monkeypatch, piece_bytes):
    """Generated parts (cells in and out of the spans, styles, types, spaces, a cell written twice, a cell of
    another shape, rows cut into pieces) and spans (empty or given formulas, several in a column): the same
    bytes, or both None."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.recalc import engine_copy

    monkeypatch.setattr(engine_copy, "PIECE_BYTES", piece_bytes)

    letters = ["B", "H", "HA", "AB"]

    @settings(max_examples=300, deadline=None)
    @given(cells=st.lists(st.tuples(st.sampled_from(letters), st.integers(1, 12), st.sampled_from(["", ' s="2"']),
                                    st.sampled_from(["", ' t="str"', ' t="n" ']), st.booleans(),
                                    st.sampled_from(["<v>1</v>", "", "<v/>", " <v>a&amp;b</v> "])),
                          max_size=30),
           spans=st.dictionaries(st.sampled_from([2, 8, 209, 28]),
                                 st.lists(st.tuples(st.integers(1, 12), st.integers(0, 3), st.booleans()),
                                          min_size=1, max_size=3), min_size=1, max_size=3))
    def check(cells, spans):
        def body_of(some):
            return b"".join(
                (f'<c r="{letter}{row}"{style}{kind}>' if shaped else f'<c{style} r="{letter}{row}">').encode()
                + b"<f>A1&amp;2</f>" + value.encode() + b"</c>"
                for letter, row, style, kind, shaped, value in some)

        half = len(cells) // 2  # two rows (the cells need not be in order: the reference does not care)
        rows = [body_of(cells[:half]), body_of(cells[half:])]
        data = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>' + rows[0] + b'</row><row r="2">' + rows[1]
                + b"</row></sheetData></worksheet>")
        given_spans = {}
        for col, found in spans.items():
            taken, within = set(), []
            for first, extra, formulas in sorted(found):
                rows = set(range(first, first + extra + 1))
                if rows & taken:
                    continue  # the spans of a column are disjoint
                taken |= rows
                within.append((first, first + extra, [f'="{r}<&"' for r in sorted(rows)] if formulas else None))
            given_spans[col] = within
        assert replace_cells(data, given_spans) == _replaced_one_by_one(data, given_spans)

    check()


@pytest.mark.parametrize(("entity", "shown"), [(b"&#13;", "a\rb41.5"), (b"&#xD800;", None)])
def test_a_character_reference_in_a_formula_the_copy_rewrites_reads_as_the_engine_alone_reads_it(
        tmp_path, entity, shown):
    # a carriage return in a formula rewritten into the engine's copy stays one (written as it was, a parser
    # reads it as a line feed); a reference to no character is refused in one line, as the engine refuses it
    import zipfile

    from books import write_book

    from trups_xl.recalc import recalculate
    from trups_xl.recalc.safety import RefusedError

    plain = write_book(tmp_path / "plain.xlsx", {**{f"A{r}": 39_985.0 for r in range(2, 6)},
                                                 **{f"B{r}": f'="aQQb"&TRUPS_COUPON(A{r})' for r in range(2, 6)}})
    path = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data.replace(b"QQ", entity) if info.filename.startswith("xl/worksheets/") else data)
    if shown is None:
        for fast in (True, False):
            with pytest.raises(RefusedError, match="to no character"):
                recalculate(path, vectorise_calls=fast)
        return
    assert recalculate(path).values[("Sheet", "B2")] == shown == recalculate(path, vectorise_calls=False).values[
        ("Sheet", "B2")]

