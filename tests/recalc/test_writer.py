"""The values copy: formula cells rewritten with their values, read back by an independent reader
(openpyxl) as numbers, dates, text and Excel's errors."""

import datetime as dt

import pytest

openpyxl = pytest.importorskip("openpyxl")

from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402
from trups_xl.recalc.writer import write_copy  # noqa: E402


def _book(path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    ws["A1"] = 5
    for ref, formula in {"B1": "=A1*2", "B2": "=A1+1", "B3": '="a"&"b"', "B4": "=1/0", "B5": "=TODAY()",
                         "B6": "=A1"}.items():
        ws[ref] = formula
    ws["B6"].number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def test_every_formula_is_replaced_by_its_value_with_dates_as_dates(tmp_path):
    source = _book(tmp_path / "in.xlsx")
    values = {(1, 2): (10.0, False), (2, 2): (0.1 + 0.2, False), (3, 2): ("ab & <c>", False),
              (4, 2): ({"type": "Error", "kind": "Div"}, False), (5, 2): (dt.date(2030, 3, 15), False),
              (6, 2): (47_000.0, True)}
    write_copy(source, tmp_path / "out.xlsx", scan(source, Limits()), {"Model": values}, keep_vba=False)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Model"]
    assert ws["A1"].value == 5  # not a formula: left as it was
    assert ws["B1"].value == 10
    assert ws["B2"].value == 0.1 + 0.2  # every digit kept
    assert ws["B3"].value == "ab & <c>"
    assert ws["B4"].value == "#DIV/0!"
    assert ws["B5"].value == dt.datetime(2030, 3, 15)  # a date gets a date format of its own
    assert ws["B6"].value == dt.datetime(1899, 12, 30) + dt.timedelta(days=47_000)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row)


def test_the_input_is_left_as_it_was(tmp_path):
    source = _book(tmp_path / "in.xlsx")
    before = source.read_bytes()
    write_copy(source, tmp_path / "out.xlsx", scan(source, Limits()), {"Model": {(1, 2): (10.0, False)}},
               keep_vba=False)
    assert source.read_bytes() == before


@pytest.mark.parametrize("piece_bytes", [1, 50, 1 << 20])
def test_formula_cells_are_rewritten_whatever_the_order_of_their_attributes(monkeypatch, piece_bytes):
    """Cells as Excel writes them and cells of other shapes (type before style, position last) are
    rewritten alike; a cell a table spills into is added in column order; the bytes between the
    formula cells are kept as they were; the part is rewritten a piece at a time (cut after a row)."""
    from trups_xl.recalc import writer
    from trups_xl.recalc.computed import ComputedCells
    from trups_xl.recalc.package import Scan
    from trups_xl.recalc.value_cells import Styles as _Styles
    from trups_xl.recalc.writer import rewrite_sheet

    monkeypatch.setattr(writer, "PIECE_BYTES", piece_bytes)

    data = (b'<worksheet><dimension ref="A1:D2"/><sheetData><row r="1" spans="1:4"><c r="A1" s="2"><f>1+1</f>'
            b'<v>2</v></c><c t="str" s="3" r="B1"><f>"x"</f><v>x</v></c><c r="C1" t="str"><f>"a&amp;b"</f></c>'
            b'<c r="D1" s="0"><f>C1</f><v /></c></row><row r="2"><c r="A2"><f>A1</f></c></row></sheetData>'
            b"<pageMargins/></worksheet>")
    values = {(1, 1): (4.5, False), (1, 2): ("<x>", False), (1, 3): ("<x>", False), (1, 4): (float("inf"), False),
              (2, 1): (True, False), (2, 2): (7.0, False)}
    table = ComputedCells()  # the collected cells' own table: read without a tuple per cell
    table.update(values)
    spread = ComputedCells()  # the same cells set out of order: kept by position in a dict
    spread.update(reversed(values.items()))
    assert rewrite_sheet(data, table, _Styles(None, Scan([], {}, []))) == rewrite_sheet(
        data, values, _Styles(None, Scan([], {}, []))) == rewrite_sheet(data, spread, _Styles(None, Scan([], {}, [])))
    out = rewrite_sheet(data, table, _Styles(None, Scan([], {}, [])))
    assert out == (b'<worksheet><sheetData><row r="1" spans="1:4"><c r="A1" s="2"><v>4.5</v></c>'
                   b'<c r="B1" s="3" t="inlineStr"><is><t xml:space="preserve">&lt;x&gt;</t></is></c>'
                   b'<c r="C1" t="inlineStr"><is><t xml:space="preserve">&lt;x&gt;</t></is></c>'
                   b'<c r="D1" t="e"><v>#NUM!</v></c></row>'
                   b'<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2"><v>7.0</v></c></row></sheetData>'
                   b"<pageMargins/></worksheet>")


def test_text_is_escaped_as_the_standard_library_escapes_it():
    from xml.sax.saxutils import escape as standard

    from trups_xl.recalc.xml_text import escape

    for text in ["a & b < c > d", "&amp;", "<<>>&&", "", "plain", "R&D <x>"]:
        assert escape(text) == standard(text)
    assert escape("a<b&c") == "a&lt;b&amp;c"


@pytest.mark.parametrize("piece_bytes", [1, 1 << 20])
def test_a_formula_cell_without_a_value_is_left_as_it_was_and_a_date_given_a_date_style(monkeypatch, piece_bytes):
    from trups_xl.recalc import writer
    from trups_xl.recalc.computed import ComputedCells
    from trups_xl.recalc.package import Scan
    from trups_xl.recalc.value_cells import Styles as _Styles
    from trups_xl.recalc.writer import rewrite_sheet

    monkeypatch.setattr(writer, "PIECE_BYTES", piece_bytes)
    styles_xml = (b'<styleSheet><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
                  b"</cellXfs></styleSheet>")
    data = (b'<worksheet><sheetData><row r="1"><c r="A1"><f>X()</f></c><c r="B1" s="1"><f>D()</f></c></row>'
            b'<row r="2"><c r="A2"><f>D()</f></c><c r="B2" s="1"><f>2</f></c></row></sheetData></worksheet>')
    table = ComputedCells()
    table.put(1, 2, 40_000.0, True)  # a date in a date style: kept
    table.put(2, 1, 40_001.0, True)  # a date in General: given a date format
    table.put(2, 2, 3.0, False)
    styles = _Styles(styles_xml, Scan([], {}, ["General", "mm-dd-yy"]))
    assert rewrite_sheet(data, table, styles) == (
        b'<worksheet><sheetData><row r="1"><c r="A1"><f>X()</f></c><c r="B1" s="1"><v>40000.0</v></c></row>'
        b'<row r="2"><c r="A2" s="2"><v>40001.0</v></c><c r="B2" s="1"><v>3.0</v></c></row></sheetData></worksheet>')


def test_a_copy_with_stand_ins_has_those_formula_cells_hold_the_stand_in_and_the_rest_as_it_was(tmp_path):
    source = _book(tmp_path / "in.xlsx")
    target = tmp_path / "blank.xlsx"
    write_copy(source, target, scan(source, Limits()), {}, keep_vba=False,
               spans={"Model": {2: [(1, 2, None), (4, 4, None)]}})
    ws = openpyxl.load_workbook(target)["Model"]
    assert [ws[f"B{r}"].value for r in range(1, 7)] == [0, 0, '="a"&"b"', 0, "=TODAY()", "=A1"]
    assert ws["A1"].value == 5 and ws["B6"].number_format == "yyyy-mm-dd"


def test_a_date_the_engine_computed_is_written_as_its_serial_shown_as_a_date():
    # the one-pass rewrite takes a date as its serial with a date style, exactly as a cell written on its
    # own (cell_xml) does: 2009-12-21 is serial 40168, and 15:30 that day 40168 + 15.5 / 24 (its time kept)
    import datetime as dt

    from trups_xl.recalc.package import Scan
    from trups_xl.recalc.value_cells import Styles as _Styles
    from trups_xl.recalc.value_cells import cell_xml
    from trups_xl.recalc.writer import rewrite_sheet

    data = b'<worksheet><sheetData><row r="1"><c r="A1" s="1"><f>B1-1</f><v>1</v></c></row></sheetData></worksheet>'
    styles_xml = (b'<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="2"/></cellXfs></styleSheet>')
    scan = Scan([], {}, ["General", "0.00"])
    for day, serial in ((dt.date(2009, 12, 21), 40168.0), (dt.datetime(2009, 12, 21, 15, 30), 40168 + 15.5 / 24)):
        as_date = rewrite_sheet(data, {(1, 1): (day, False)}, _Styles(styles_xml, scan))
        as_serial = rewrite_sheet(data, {(1, 1): (serial, True)}, _Styles(styles_xml, scan))
        assert as_date == as_serial
        assert cell_xml("A1", 1, day, False, _Styles(styles_xml, scan)) in bytes(as_date)
        assert b"<v>%a</v>" % serial in bytes(as_date)


@pytest.mark.parametrize("spilled", [False, True])
def test_a_sheet_is_read_and_written_a_piece_at_a_time_as_it_is_rewritten_whole(tmp_path, monkeypatch, spilled):
    """A part many pieces long, streamed from the package into a temporary file and on into the copy, is
    byte for byte what rewriting it whole gives; a cell the part does not hold (a spill's) is merged in."""
    import zipfile

    from trups_xl.recalc import writer
    from trups_xl.recalc.computed import ComputedCells
    from trups_xl.recalc.value_cells import Styles
    from trups_xl.recalc.writer import rewrite_sheet

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    for r in range(1, 2_001):
        ws.append([r, f"=A{r}*2", f'=IF(A{r}>5,"big","small")', f"=DATE(2009,1,A{r})"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    table = ComputedCells()
    for r in range(1, 2_001):
        table.put(r, 2, r * 2.0, False)
        table.put(r, 3, "big" if r > 5 else "small", False)
        table.put(r, 4, 39_813.0 + r, True)
        if spilled and r == 7:
            table.put(r, 5, 1.5, False)  # a cell the part does not hold
    monkeypatch.setattr(writer, "PIECE_BYTES", 2_000)
    monkeypatch.setattr(writer, "SPOOL_BYTES", 4_000)  # past it, a temporary file
    found = scan(source, Limits())
    write_copy(source, tmp_path / "out.xlsx", found, {"Model": table}, keep_vba=False)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(tmp_path / "out.xlsx") as zout:
        part = found.sheets[0].part
        styles = Styles(zin.read("xl/styles.xml"), found)
        assert zout.read(part) == rewrite_sheet(zin.read(part), table, styles)
        assert zout.read("xl/styles.xml") == styles.rewritten()
        kept = [i.filename for i in zin.infolist() if i.filename != "xl/calcChain.xml"]
        assert [i.filename for i in zout.infolist()] == kept
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Model"]
    assert ws["B2000"].value == 4000 and ws["C3"].value == "small" and ws["D1"].value == dt.datetime(2009, 1, 1)
    assert (ws["E7"].value == 1.5) is spilled


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the package as given, and its copy, hold two such entries
def test_a_sheet_part_stored_twice_in_the_package_is_written_rewritten_both_times(tmp_path):
    """A zip may hold two entries of one name (readers take the last): each is the rewritten part, as the
    part read once and rewritten once; neither keeps the formulas with their values lost."""
    import warnings
    import zipfile

    source = _book(tmp_path / "in.xlsx")
    twice = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(twice, "w") as zout, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
            if info.filename == "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
    values = {(1, 2): (10.0, False), (2, 2): (6.0, False)}
    write_copy(twice, tmp_path / "out.xlsx", scan(twice, Limits()), {"Model": values}, keep_vba=False)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        parts = [z.open(i).read() for i in z.infolist() if i.filename == "xl/worksheets/sheet1.xml"]
    assert len(parts) == 2 and parts[0] == parts[1] and b"<v>10.0</v>" in parts[1] and b"<f>A1*2</f>" not in parts[1]
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Model"]
    assert ws["B1"].value == 10 and ws["B2"].value == 6


@pytest.mark.parametrize("rows", [3, 40])  # a few cells on their own, and a column written at once
def test_an_engine_date_time_keeps_its_time_of_day_and_an_early_date_its_excel_serial(tmp_path, rows):
    # Excel's serials: 1900-01-15 is 15 (before 1900-03-01 they count a 1900-02-29 that never was), 1900-03-01
    # is 61, and 45000.5 is noon on 2023-03-15; the engine gives back a date-time for a cell holding a time
    from trups_xl.recalc import recalculate
    from trups_xl.recalc.run import write_values

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    typed = [15, 59, 61, 45000.5, 45000.25]
    for r in range(1, rows + 1):
        ws.cell(r, 1, typed[(r - 1) % len(typed)]).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(r, 2, f"=A{r}").number_format = "yyyy-mm-dd hh:mm"
        ws.cell(r, 3, f"=A{r}+0.25").number_format = "yyyy-mm-dd hh:mm"
    path = tmp_path / "times.xlsx"
    book.save(path)
    result = recalculate(path)
    out = tmp_path / "values.xlsx"
    write_values(path, out, result)
    zipped = __import__("zipfile").ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    import re

    numbers = {ref: float(v) for ref, v in re.findall(r'<c r="([BC]\d+)"[^>]*><v>([^<]*)</v>', zipped)}
    for r in range(1, rows + 1):
        serial = typed[(r - 1) % len(typed)]
        assert numbers[f"B{r}"] == serial and numbers[f"C{r}"] == serial + 0.25, r
