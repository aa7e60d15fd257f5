"""Excel data tables (What-If Analysis): the workbook is read, not refused; the table's cells keep the values
Excel saved, in the engine and in the values copy, and one line says so; a scenario run refuses it. A table any
cell of which the engine reads as empty is refused, whatever the file puts in its place (five reviews' decoys)."""

import zipfile
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import write_book  # noqa: E402

from trups_xl.cli import main  # noqa: E402
from trups_xl.recalc.data_tables import without_data_tables  # noqa: E402

#: The data table's three cells as Excel saves a one-input table of B1 over D3:D5 (=TABLE(,B1)): the
#: top-left cell holds the table's formula, each cell the value Excel last computed.
_SAVED = (b'<c r="E3"><f t="dataTable" ref="E3:E5" dt2D="0" dtr="0" r1="B1"/><v>101</v></c>',
          b'<c r="E4"><v>102</v></c>', b'<c r="E5"><v>103</v></c>')


def _what_if_book(path: Path, saved: tuple[bytes, ...] = _SAVED, workbook_xml: bytes | None = None) -> Path:
    """Inputs B1 (a rate) and B2; E2 =B2*(1+B1) the table's formula; D3:D5 the rates tried; E3:E5 the table;
    G1 reads the table, G2 a TRUPS_* call, G3 an ordinary formula."""
    write_book(path, {"B1": 0.05, "B2": 100, "E2": "=B2*(1+B1)", "D3": 0.01, "D4": 0.02, "D5": 0.03,
                      "E3": 0, "E4": 0, "E5": 0, "G1": "=SUM(E3:E5)", "G2": "=TRUPS_ACCRUAL(DATE(2008,12,21),"
                      "DATE(2009,1,31))", "G3": "=E2*2"})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    for row in (3, 4, 5):  # the cells as openpyxl wrote them, each replaced by the next of ``saved``
        start = sheet.index(f'<c r="E{row}"'.encode())
        sheet = sheet[:start] + (saved[row - 3] if row - 3 < len(saved) else b"") + sheet[sheet.index(b"</c>", start) + 4:]
    sheet = sheet.replace(b"</sheetData>", b"".join(saved[3:]) + b"</sheetData>")  # what more there is, at the end
    parts["xl/worksheets/sheet1.xml"] = sheet
    if workbook_xml is not None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<calcPr ", workbook_xml + b"<calcPr ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_workbook_with_a_data_table_is_recalculated_its_table_keeping_the_values_excel_saved(tmp_path, capsys):
    book = _what_if_book(tmp_path / "what_if.xlsx")
    out = tmp_path / "values.xlsx"
    assert main(["recalc", str(book), "-o", str(out)]) == 0  # refused as a whole until December 2026
    printed = capsys.readouterr().out
    assert "Sheet!E3:E5: a data table (What-If Analysis) keeps the values Excel saved" in printed
    values = openpyxl.load_workbook(out)["Sheet"]
    assert [values[f"E{r}"].value for r in (3, 4, 5)] == [101, 102, 103]
    assert values["G1"].value == 306 and values["G3"].value == pytest.approx(210.0)
    assert values["G2"].value == pytest.approx(9.222222222, abs=1e-9)
    with zipfile.ZipFile(out) as z:
        assert b"dataTable" not in z.read("xl/worksheets/sheet1.xml")  # no formula left in the values copy


def test_a_scenario_run_refuses_a_workbook_with_a_data_table_in_one_line(tmp_path, capsys):
    book = _what_if_book(tmp_path / "what_if.xlsx")
    scenarios = tmp_path / "s.csv"
    scenarios.write_text("scenario,Sheet!B1\nlow,0.01\n")
    assert main(["recalc", str(book), "--scenarios", str(scenarios), "-o", str(tmp_path / "res"),
                 "--outputs", "Sheet!G1", "--workers", "1"]) == 1
    captured = capsys.readouterr()
    rows = (tmp_path / "res.csv").read_text()
    assert "Sheet!E3:E5 is a data table (What-If Analysis), whose values a scenario would leave as Excel saved" \
        in rows and "Traceback" not in captured.err


def test_only_a_data_tables_formula_element_is_left_out():
    piece = (b'<row r="3"><c r="E3"><f t="dataTable" ref="E3:E5" dt2D="0" dtr="0" r1="B1"/><v>101</v></c>'
             b'<c r="F3"><f t="dataTable" ref="F3:F5" r1="B1"></f><v>7</v></c>'
             b'<c r="G3"><f t="shared" ref="G3:G5" si="0">"dataTable"&amp;A1</f><v>x</v></c></row>')
    assert without_data_tables(piece) == (
        b'<row r="3"><c r="E3"><v>101</v></c><c r="F3"><v>7</v></c>'
        b'<c r="G3"><f t="shared" ref="G3:G5" si="0">"dataTable"&amp;A1</f><v>x</v></c></row>')
    plain = b'<row r="1"><c r="A1"><f>B1+1</f><v>2</v></c></row>'
    assert without_data_tables(plain) is plain


def test_a_data_table_without_its_saved_values_is_refused_in_one_line(tmp_path, capsys):
    # openpyxl keeps the other cells' values but writes the top-left cell's formula without one: read as an
    # empty cell, SUM over the table gave 205, not 306, and the command said nothing
    book = _what_if_book(tmp_path / "what_if.xlsx")
    again = tmp_path / "saved_by_openpyxl.xlsx"
    openpyxl.load_workbook(book).save(again)
    assert main(["recalc", str(again), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("trups-xl: Sheet!E3:E5 is a data table (What-If Analysis) without the values Excel computes")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_batch_without_scenarios_reads_a_workbook_with_a_data_table_as_it_is(tmp_path, capsys):
    books = [_what_if_book(tmp_path / f"what_if_{k}.xlsx") for k in range(2)]
    assert main(["recalc", *map(str, books), "--outputs", "Sheet!G1", "-o", str(tmp_path / "res"),
                 "--workers", "1"]) == 0
    rows = (tmp_path / "res.csv").read_text().splitlines()
    assert len(rows) == 3 and all(row.endswith(",base,Sheet!G1,306.0,") for row in rows[1:]), rows


def test_a_sheet_read_a_second_way_names_its_data_table_once(tmp_path, capsys):
    # a formula that is not its cell's first child makes the scan read the sheet again, the careful way
    book = _what_if_book(tmp_path / "what_if.xlsx")
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    at = sheet.index(b"</row>")
    parts["xl/worksheets/sheet1.xml"] = sheet[:at] + b'<c r="H1"><v>2</v><f>1+1</f></c>' + sheet[at:]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    notices = [line for line in capsys.readouterr().out.splitlines() if "data table" in line]
    assert len(notices) == 1 and notices[0].strip().startswith("Sheet!E3:E5: a data table"), notices


@pytest.mark.parametrize(("mode", "said"), [("autoNoTable", "automatically except data tables"), ("manual", "by hand")])
def test_a_workbook_saved_leaving_data_tables_uncalculated_is_told_they_may_be_out_of_date(tmp_path, capsys, mode,
                                                                                          said):
    book = _what_if_book(tmp_path / "what_if.xlsx")
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert parts["xl/workbook.xml"].count(b"<calcPr ") == 1  # as openpyxl writes it: Excel's setting added
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<calcPr ", f'<calcPr calcMode="{mode}" '.encode())
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "data table" in line]
    assert f"saved calculating {said}, so they may be out of date" in line


_E3 = _SAVED[0]


@pytest.mark.parametrize("cells", [
    pytest.param((_E3, b'<c r="E4"><v>102</v></c><c r="E4"><v>102</v></c>', b""), id="a cell twice, E5 missing"),
    pytest.param((_E3, b'<c r="E4"><f t="dataTable" ref="E3:E5" r1="B1"/><v>102</v></c>', b""),
                 id="the table twice, E5 missing"),
    pytest.param((_E3, _SAVED[1], b'<!--<c r="E5"><v>103</v></c>-->'), id="E5 in a comment"),
    pytest.param((_E3, _SAVED[1], b'<c r="E5"><v> </v></c>'), id="E5 blank"),
    pytest.param((_E3, _SAVED[1], b'<?x <c r="E5"><v>103</v></c>?>'), id="E5 in a processing instruction"),
    pytest.param((_E3, _SAVED[1], b'<c xmlns:q="urn:q" q:r="E5" r="E6"><v>103</v></c>'),
                 id="E5 in a prefixed attribute"),
    pytest.param((_E3, _SAVED[1], b"<c cm=' r=\"E5\"' r=\"E6\"><v>103</v></c>"), id="E5 inside another attribute"),
    pytest.param((_E3, _SAVED[1], b'<c r="E5"><v>&#49;03</v></c>'), id="E5 a character reference"),
    pytest.param((_E3, _SAVED[1], b'<c r="H9" t="inlineStr"><is><t>a</t><c r="E5"><v>103</v></c></is></c>'),
                 id="E5 inside another cell's inline string"),
    pytest.param((_E3, _SAVED[1], b"", b'</sheetData><extLst><ext uri="x"><row r="5"><c r="E5"><v>103</v></c>'
                                       b'</row></ext></extLst><sheetData>'), id="E5 in a row outside the sheet's data"),
    pytest.param((_E3, _SAVED[1], b"", b'</sheetData><sheetData><row r="5"><c r="E5"><v>103</v></c></row>'),
                 id="E5 in a second sheetData"),
    pytest.param((_E3, _SAVED[1], b'<c r="E5"><v>103</v><v></v></c>'), id="E5 with a second, empty value"),
    pytest.param((_E3, _SAVED[1], b'<c r="E5"><v >10&#51;</v></c>'), id="E5 partly a character reference"),
    pytest.param((_E3, _SAVED[1], b'<c r="E5" t="inlineStr"><is><t></t><rPh sb="0" eb="1"><t>103</t></rPh></is></c>'),
                 id="E5 text only in a phonetic run"),
])
def test_a_data_table_is_refused_whatever_stands_in_for_a_missing_value(tmp_path, capsys, cells):
    # each was read, before this check was tightened, as a table of saved values: SUM over it 203, not 306
    book = _what_if_book(tmp_path / "what_if.xlsx", cells)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err  # the table twice: its second formula does not start its range
    assert "Sheet!E3:E5 is a data table (What-If Analysis) without the values" in err \
        or "Sheet!E4 holds a data table whose range 'E3:E5' does not start there" in err


def test_a_sheet_of_unclosed_cells_beside_a_data_table_is_read_in_linear_time(tmp_path, capsys):
    import time

    # 20,000 cells never closed took 35 s (each searched to the end of the sheet for its end tag)
    unclosed = b"".join(f'<c r="K{r}"><v>1</v>'.encode() for r in range(10, 20_010))
    book = _what_if_book(tmp_path / "what_if.xlsx", (*_SAVED, b'<row r="9">' + unclosed + b"</row>"))
    started = time.monotonic()
    main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")])
    assert time.monotonic() - started < 10
    capsys.readouterr()


def test_a_sheet_of_bare_cell_tags_beside_a_data_table_is_refused_in_linear_time(tmp_path, capsys):
    import time

    # 30,000 "<c" with no ">" before the end took 28.6 s (each tag looked for its ">" to the end of the sheet)
    book = _what_if_book(tmp_path / "what_if.xlsx", (*_SAVED, b"<c " * 30_000))
    started = time.monotonic()
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert time.monotonic() - started < 10
    capsys.readouterr()


def test_a_commented_out_calculation_setting_is_not_read_for_the_real_one(tmp_path, capsys):
    book = _what_if_book(tmp_path / "what_if.xlsx", workbook_xml=b'<!--<calcPr calcMode="manual"/>-->')
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "data table" in line]
    assert "out of date" not in line


def test_a_data_table_whose_range_does_not_start_at_its_own_cell_is_refused(tmp_path, capsys):
    # ref="H1" on E3, with E4:E5 empty: only H1 was checked, and SUM over E3:E5 gave 101
    saved = (b'<c r="E3"><f t="dataTable" ref="H1" dt2D="0" dtr="0" r1="B1"/><v>101</v></c>', b"", b"",
             b'<row r="9"><c r="H9"><v>7</v></c></row>')
    book = _what_if_book(tmp_path / "what_if.xlsx", saved)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "Sheet!E3 holds a data table whose range 'H1' does not start there" in capsys.readouterr().err
