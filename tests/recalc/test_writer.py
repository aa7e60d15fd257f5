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
