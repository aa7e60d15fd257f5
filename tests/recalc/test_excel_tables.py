"""Excel tables read from the package: each table's sheet, cells, header and totals rows and columns,
through the relationships of the sheet holding it; a table part that is not read whole (hostile or
damaged, generated here) leaves its name unread, never guessed."""

import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")

from books import with_part  # noqa: E402
from openpyxl.worksheet.table import Table as XlTable  # noqa: E402

from trups_xl.recalc.excel_tables import Table, read_tables  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


def _book(path, totals=False):
    book = openpyxl.Workbook()
    book.active.title = "Front"
    ws = book.create_sheet("Q's ledger")
    ws.append(["Date", "Amount"])
    for i in range(3):
        ws.append([i + 1.0, 10.0 * i])
    table = XlTable(displayName="Ledger1", ref="A1:B5" if totals else "A1:B4")
    if totals:
        table.totalsRowCount = 1
    ws.add_table(table)
    book.save(path)
    return path


def _read(path):
    return read_tables(path, scan(path, Limits()), Limits())


def test_a_table_is_read_with_its_sheet_rows_and_columns(tmp_path):
    tables = _read(_book(tmp_path / "t.xlsx"))
    assert tables == {"LEDGER1": Table("Ledger1", "Q's ledger", 1, 1, 4, 2, 1, 0, ("Date", "Amount"))}
    assert tables["LEDGER1"].data_rows == (2, 4)
    assert tables["LEDGER1"].column("amount") == 2
    assert tables["LEDGER1"].column("Nope") is None


def test_a_totals_row_is_not_a_data_row(tmp_path):
    table = _read(_book(tmp_path / "t.xlsx", totals=True))["LEDGER1"]
    assert table is not None and table.totals_rows == 1 and table.data_rows == (2, 4)


def test_a_workbook_with_no_table_has_none(tmp_path):
    book = openpyxl.Workbook()
    book.save(tmp_path / "t.xlsx")
    assert _read(tmp_path / "t.xlsx") == {}


@pytest.mark.parametrize("edit", [
    lambda d: d.replace(b'ref="A1:B4"', b'ref="A1:B9999999"'),  # off Excel's grid
    lambda d: d.replace(b'ref="A1:B4"', b'ref="nowhere"'),
    lambda d: d.replace(b'ref="A1:B4"', b'ref="A1:C4"'),  # three columns, two named
    lambda d: d.replace(b'name="Amount"', b'name="date"'),  # two columns of one name
    lambda d: d.replace(b'headerRowCount="1"', b'headerRowCount="2"'),
    lambda d: d.replace(b"<table ", b'<table totalsRowCount="3" ', 1),
    lambda d: d.replace(b"<table ", b'<table totalsRowCount="x" ', 1),
])
def test_a_table_not_read_whole_leaves_its_name_unread(tmp_path, edit):
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml", edit)
    assert _read(path) == {"LEDGER1": None}


@pytest.mark.parametrize("before", [b"", b"<!--" + b"x" * 100_000 + b"-->"])  # a comment hides it from a look at the head
def test_a_table_part_declaring_entities_is_not_parsed_and_its_name_is_kept_as_not_read(tmp_path, before):
    bomb = (b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml",
                      lambda d: before + bomb + d.split(b"?>", 1)[-1].replace(b'name="Date"', b'name="&d;"'))
    assert _read(path) == ({"LEDGER1": None} if not before else {})


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="bogus"?>',
                                         b'<?xml version="1.0" encoding="shift_jis"?>'])
def test_a_part_that_cannot_be_decoded_leaves_its_table_alone_out(tmp_path, declaration):
    path = _two_tables(tmp_path)
    path = with_part(path, "xl/tables/table1.xml", lambda d: declaration + d.split(b"?>", 1)[-1])
    tables = _read(path)
    assert tables["LEDGER1"] is None and tables["OTHER"] is not None


def test_a_rels_part_that_cannot_be_decoded_reads_no_table_of_its_sheet(tmp_path):
    path = with_part(_two_tables(tmp_path), "xl/worksheets/_rels/sheet2.xml.rels",
                      lambda d: b'<?xml version="1.0" encoding="bogus"?>' + d.split(b"?>", 1)[-1])
    assert _read(path) == {}  # both tables are on that sheet: formulas naming them say so (a name before a bracket)


def test_a_truncated_part_keeps_its_name_as_not_read(tmp_path):
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml", lambda d: d[:-40])
    assert _read(path) == {"LEDGER1": None}


def test_a_part_named_in_another_case_or_with_escapes_is_found_and_read_once(tmp_path):
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/worksheets/_rels/sheet2.xml.rels", lambda d: d.replace(
        b'Target="/xl/tables/table1.xml"', b'Target="/xl/Tables/table%31.xml"').replace(
        b"</Relationships>", b'<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/table" Target="/xl/tables/table1.xml"/></Relationships>'))
    assert _read(path) == {"LEDGER1": Table("Ledger1", "Q's ledger", 1, 1, 4, 2, 1, 0, ("Date", "Amount"))}


def test_a_heading_s_escaped_characters_are_read_and_the_display_name_is_the_name(tmp_path):
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml", lambda d: d.replace(
        b'name="Amount"', b'name="Amount_x000a_due"').replace(b'name="Ledger1"', b'name="Table7"'))
    table = _read(path)["LEDGER1"]
    assert table is not None and table.columns == ("Date", "Amount\ndue") and set(_read(path)) == {"LEDGER1"}


def _two_tables(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Front"
    ws = book.create_sheet("Q's ledger")
    ws.append(["Date", "Amount", None, "Code"])
    for i in range(3):
        ws.append([i + 1.0, 10.0 * i, None, "x"])
    ws.add_table(XlTable(displayName="Ledger1", ref="A1:B4"))
    ws.add_table(XlTable(displayName="Other", ref="D1:D4"))
    book.save(tmp_path / "two.xlsx")
    return tmp_path / "two.xlsx"


def test_a_relationship_to_a_part_outside_the_package_reads_nothing(tmp_path):
    path = with_part(_book(tmp_path / "t.xlsx"), "xl/worksheets/_rels/sheet2.xml.rels",
                      lambda d: d.replace(b"/xl/tables/table1.xml", b"../../../../etc/passwd")
                      .replace(b"../tables/table1.xml", b"../../../../etc/passwd"))
    assert _read(path) == {}


def test_two_tables_of_one_name_are_neither_read(tmp_path):
    path = _book(tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as z:
        second = z.read("xl/tables/table1.xml")
    rels = with_part(path, "xl/worksheets/_rels/sheet2.xml.rels", lambda d: d.replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/table" Target="/xl/tables/table9.xml"/></Relationships>'))
    out = tmp_path / "two.xlsx"
    with zipfile.ZipFile(rels) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/tables/table9.xml", second.replace(b'ref="A1:B4"', b'ref="A1:B3"'))
    assert _read(out) == {"LEDGER1": None}
