"""Excel tables read from the package: each table's sheet, cells, header and totals rows and columns,
through the relationships of the sheet holding it; a table part that is not read whole (hostile or
damaged, generated here) leaves its name unread, never guessed."""

import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")

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


def _with_part(path, name, edit):
    """``path`` with the part ``name`` passed through ``edit`` (bytes -> bytes)."""
    out = path.with_name("edited.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data) if info.filename == name else data)
    return out


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
    path = _with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml", edit)
    assert _read(path) == {"LEDGER1": None}


def test_a_table_part_declaring_entities_is_not_parsed(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>')
    path = _with_part(_book(tmp_path / "t.xlsx"), "xl/tables/table1.xml",
                      lambda d: bomb + d.split(b"?>", 1)[-1])
    assert _read(path) == {}


def test_a_relationship_to_a_part_outside_the_package_reads_nothing(tmp_path):
    path = _with_part(_book(tmp_path / "t.xlsx"), "xl/worksheets/_rels/sheet2.xml.rels",
                      lambda d: d.replace(b"/xl/tables/table1.xml", b"../../../../etc/passwd")
                      .replace(b"../tables/table1.xml", b"../../../../etc/passwd"))
    assert _read(path) == {}


def test_two_tables_of_one_name_are_neither_read(tmp_path):
    path = _book(tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as z:
        second = z.read("xl/tables/table1.xml")
    rels = _with_part(path, "xl/worksheets/_rels/sheet2.xml.rels", lambda d: d.replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/table" Target="/xl/tables/table9.xml"/></Relationships>'))
    out = tmp_path / "two.xlsx"
    with zipfile.ZipFile(rels) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/tables/table9.xml", second.replace(b'ref="A1:B4"', b'ref="A1:B3"'))
    assert _read(out) == {"LEDGER1": None}
