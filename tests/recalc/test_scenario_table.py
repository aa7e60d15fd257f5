"""The scenario table and the outputs: every value a table can hold read as Excel would, anything
else refused in one line naming the row and the column; outputs resolved to cells of the workbook."""

import datetime as dt
import re

import pytest

openpyxl = pytest.importorskip("openpyxl")

from trups_xl.recalc.safety import RefusedError  # noqa: E402
from trups_xl.recalc.scenario_table import Area, Day, parse_outputs, read_table, resolve  # noqa: E402


@pytest.mark.parametrize(("text", "message"), [
    ("name,Shift\na,1\n", "t.csv, row 1, column 'name': the first column must be headed 'scenario'"),
    ("scenario,Shift\na,=1+1\n", "t.csv, row 2, column 'Shift': '=1+1' is a formula"),
    ("scenario,Shift\na,1\na,2\n", "t.csv, row 3, column 'scenario': 'a' is also the name of row 2"),
    ("scenario,Shift\n,1\n", "t.csv, row 2, column 'scenario': the scenario has no name"),
    ("scenario,Sheet!A1:B2\na,1\n", "t.csv, row 1, column 'Sheet!A1:B2': an input is headed by a defined name"),
    ("scenario,Shift\na,1,2\n", "t.csv, row 2: the row has values past the 2 headed columns"),
    ("scenario,Shift\na,1e999\n", "t.csv, row 2, column 'Shift': '1e999' is not a finite number"),
    ("scenario,Shift\n", "t.csv: the scenario table has no scenarios"),
    ("scenario," + ",".join(f"N{k}" for k in range(300)) + "\n", "t.csv, row 1: 300 input columns; at most 256"),
])
def test_a_bad_scenario_table_is_refused_in_one_line_naming_row_and_column(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(RefusedError) as refused:
        read_table(path)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_table_values_numbers_percent_dates_booleans_blank(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("scenario,Shift,DeferEnd,Flag,Label\nx,1.5%,2012-03-21,true,\ny,,,,up\n")
    table = read_table(path)
    assert table.inputs == ("Shift", "DeferEnd", "Flag", "Label")
    x, y = table.scenarios
    assert dict(x.inputs) == {"Shift": pytest.approx(0.015), "DeferEnd": 40989.0, "Flag": True}  # Excel: 40989
    assert dict(y.inputs) == {"Label": "up"}


def test_an_xlsx_scenario_table_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Other"
    ws = wb.create_sheet("Shocks")
    for row in (["scenario", "Shift", "DeferEnd"], ["up", 0.01, dt.datetime(2012, 3, 21)]):
        ws.append(row)
    wb.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx", "Shocks")
    assert dict(table.scenarios[0].inputs) == {"Shift": 0.01, "DeferEnd": 40989.0}
    with pytest.raises(RefusedError, match=r"t.xlsx: no sheet 'Nope' \(it has: Other, Shocks\)"):
        read_table(tmp_path / "t.xlsx", "Nope")


def test_a_date_time_a_time_and_a_duration_keep_their_fraction_of_a_day(tmp_path):
    """An .xlsx table's date cell with a time of day was read as its date alone (2012-03-21 18:00 set as 40989, a
    quarter of a day lost); a time cell and a duration cell became text. Each is now Excel's number for it."""
    wb = openpyxl.Workbook()
    for row in (["scenario", "At", "Time", "Span"],
                ["x", dt.datetime(2012, 3, 21, 18, 0), dt.time(6, 0), dt.timedelta(hours=36)],
                ["y", dt.datetime(2012, 3, 21), dt.time(0, 0, 30), dt.timedelta(days=2)]):
        wb.active.append(row)
    for cell, number_format in (("C2", "hh:mm"), ("C3", "hh:mm:ss"), ("D2", "[h]:mm"), ("D3", "[h]:mm")):
        wb.active[cell].number_format = number_format  # as Excel saves them: openpyxl reads them back so
    wb.save(tmp_path / "t.xlsx")
    x, y = read_table(tmp_path / "t.xlsx").scenarios
    assert dict(x.inputs) == {"At": 40989.75, "Time": 0.25, "Span": 1.5}
    assert dict(y.inputs) == {"At": 40989.0, "Time": 30 / 86400, "Span": 2.0}
    assert isinstance(dict(x.inputs)["At"], Day)
    path = tmp_path / "t.csv"
    path.write_text("scenario,At\nx,2012-03-21 18:00\ny,2012-03-21T06:00:30\nz,2012-03-21 25:00\n")
    with pytest.raises(RefusedError, match=r"row 4, column 'At': '2012-03-21 25:00' is not a date"):
        read_table(path)
    path.write_text("scenario,At\nx,2012-03-21 18:00\ny,2012-03-21T06:00:30\n")
    x, y = read_table(path).scenarios
    assert dict(x.inputs) == {"At": 40989.75} and dict(y.inputs) == {"At": 40989 + (6 * 3600 + 30) / 86400}


@pytest.mark.parametrize("text, says", [
    ("9999-12-31 23:59:59.999999", "has a fraction of a second"),  # its double rounds into year 10000
    ("2012-03-21 09:07:13.5", "has a fraction of a second"),  # the engine keeps a date-time's whole seconds
    ("2012-03-21 00:00:00.000001", "has a fraction of a second"),
])
def test_a_date_time_the_model_cannot_hold_is_refused_naming_its_row(tmp_path, text, says):
    path = tmp_path / "t.csv"
    path.write_text(f"scenario,At\nok,2012-03-21 18:00\nbad,{text}\n")
    with pytest.raises(RefusedError, match=rf"row 3, column 'At': '{re.escape(text)}' {says}"):
        read_table(path)


def test_the_last_second_of_excel_s_calendar_is_read_and_shown_back_as_it_was():
    from trups_xl.excel.convert import serial_to_moment
    from trups_xl.recalc.scenario_table import parse_value

    last = parse_value("9999-12-31 23:59:59", "t.csv", 2, "At")
    assert serial_to_moment(last) == dt.datetime(9999, 12, 31, 23, 59, 59)


def test_every_second_of_a_late_day_comes_back_as_that_second():
    """A date-time's serial read back to the millisecond: to the microsecond, 17,665 of the seconds of
    2200-01-01 came back a microsecond off (00:00:05.000001), the double's rounding shown."""
    from trups_xl.excel.convert import excel_serial, serial_to_moment

    start = dt.datetime(2200, 1, 1)
    for second in range(1, 86_400, 7):  # (midnight is the date itself)
        moment = start + dt.timedelta(seconds=second)
        assert serial_to_moment(excel_serial(moment)) == moment


def test_outputs_are_names_or_cells():
    assert parse_outputs("Result_A, Summary!B2:B6,'My Sheet'!C3") == ("Result_A", "Summary!B2:B6", "'My Sheet'!C3")
    with pytest.raises(RefusedError, match="--outputs: 'B2 B3' is neither"):
        parse_outputs("B2 B3")


def test_an_output_resolves_to_an_area_of_the_workbook():
    titles = ["Model", "My Sheet"]
    names = {"Result_Price": (None, "Model!$C$4"), "Local": ("My Sheet", "'My Sheet'!$A$1")}
    assert resolve("result_price", titles, names) == Area("Model", (4, 3), (4, 3))
    assert resolve("'my sheet'!B6:A2", titles, names) == Area("My Sheet", (2, 1), (6, 2))
    assert resolve("Local", titles, names).size == 1
    for reference, why in [("Nope", "the workbook has no defined name 'Nope'"),
                           ("Other!A1", "the workbook has no sheet 'Other'"),
                           ("Model!A1:Z1000", "spans 26,000 cells; at most 10,000 are read")]:
        with pytest.raises(LookupError, match=why):
            resolve(reference, titles, names)


@pytest.mark.parametrize("day", ["1900-01-01", "1900-01-15", "1900-02-28", "1899-12-31", "0001-01-01"])
def test_a_date_before_1900_03_01_is_refused_in_one_line_naming_row_and_column(tmp_path, day):
    # Excel shows 1900-01-01..1900-02-28 as serials 1..59 (1900-01-15 is 15), counting a 1900-02-29 that never
    # was: read as days since 1899-12-30 (serial 16) the date was a day off in the values copy
    path = tmp_path / "t.csv"
    path.write_text(f"scenario,Sheet!B1\nearly,{day}\n")
    with pytest.raises(RefusedError) as refused:
        read_table(path)
    assert str(refused.value) == (f"t.csv, row 2, column 'Sheet!B1': '{day}' is before 1900-03-01: a scenario's dates "
                                  "start there (Excel's serials before it count a 1900-02-29 that never was)")


def test_dates_from_1900_03_01_are_excel_s_serials_in_a_csv_and_an_xlsx_table(tmp_path):
    # Excel: 1900-03-01 is serial 61 (60 is its 1900-02-29), 1900-03-02 is 62
    path = tmp_path / "t.csv"
    path.write_text("scenario,Sheet!B1\nfirst,1900-03-01\nsecond,1900-03-02\n")
    assert [dict(s.inputs) for s in read_table(path).scenarios] == [{"Sheet!B1": 61.0}, {"Sheet!B1": 62.0}]
    wb = openpyxl.Workbook()
    wb.active.append(["scenario", "Sheet!B1"])
    wb.active.append(["first", dt.datetime(1900, 3, 1)])
    wb.save(tmp_path / "t.xlsx")
    assert dict(read_table(tmp_path / "t.xlsx").scenarios[0].inputs) == {"Sheet!B1": 61.0}
    wb.active["B2"] = dt.datetime(1900, 1, 15)  # a date cell showing 1900-01-15: serial 15
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(RefusedError, match=r"row 2, column 'Sheet!B1': '1900-01-15' is before 1900-03-01"):
        read_table(tmp_path / "t.xlsx")
