"""A1 addresses: column letters and numbers against openpyxl's, cells and areas."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402

from trups_xl.recalc.addresses import a1, area_bounds, column_letters, column_number, coordinate  # noqa: E402


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
