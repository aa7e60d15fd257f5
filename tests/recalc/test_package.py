"""The package read by streaming: cell addresses, parts inflated within a limit, formula cells and
styles scanned."""

import datetime as dt
import io

import pytest

openpyxl = pytest.importorskip("openpyxl")

from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402

from trups_xl.recalc.package import (  # noqa: E402
    a1,
    area_bounds,
    column_letters,
    column_number,
    coordinate,
    counted_chunks,
    scan,
)
from trups_xl.recalc.safety import Limits, RefusedError  # noqa: E402


def test_column_letters_and_numbers_agree_with_openpyxl_on_every_column():
    for n in range(1, 16_385):
        letters = get_column_letter(n)
        assert column_letters(n) == letters
        assert column_number(letters) == column_index_from_string(letters) == n


def test_cell_addresses():
    assert coordinate("B7") == (7, 2)
    assert coordinate("XFD1048576") == (1_048_576, 16_384)
    assert a1(7, 2) == "B7"
    assert area_bounds("A10:N14") == (10, 1, 14, 14)
    assert area_bounds("C3") == (3, 3, 3, 3)


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


def test_a_formula_tag_repeated_down_a_filled_column_is_parsed_once_and_a_long_one_never_kept():
    from trups_xl.recalc import package

    package._formula_attributes.cache_clear()
    for _ in range(3):
        package._add(package.Sheet("S", "xl/worksheets/sheet1.xml"), b'<c r="B3">', b' t="shared" si="0"', None)
    assert package._formula_attributes.cache_info().hits == 2
    with pytest.raises(TypeError):
        package._formula_attributes(b' t="shared" si="0"')["t"] = "normal"  # shared by every cell: read-only
    package._add(package.Sheet("S", "xl/worksheets/sheet1.xml"), b'<c r="B4">', b' t="shared" si="0" x="' + b"y" * 200
                 + b'"', None)
    assert package._formula_attributes.cache_info().currsize == 1
