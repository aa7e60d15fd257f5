"""A1 addresses: column letters and numbers against openpyxl's, cells and areas."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402

from trups_xl.recalc.addresses import (  # noqa: E402
    a1,
    area_bounds,
    column_letters,
    column_number,
    coordinate,
    fixed_reference,
    quoted,
    quoted_spans,
    reads_like_a_cell,
)


def test_column_letters_and_numbers_agree_with_openpyxl_on_every_column():
    for n in range(1, 16_385):
        letters = get_column_letter(n)
        assert column_letters(n) == letters
        assert column_number(letters) == column_index_from_string(letters) == n


@given(st.text(alphabet="AZaz[@0 ", max_size=4), st.integers(1, 16_390))
def test_letters_that_are_not_a_column_s_own_leave_its_address_as_it_is(letters, col):
    """Whatever text is read as column letters first, each column's address is its own letters (that of
    the number the text reads as included)."""
    read = column_number(letters)
    for n in (col, read):
        if 0 < n:
            assert a1(3, n) == f"{column_letters(n)}3"
    if col <= 16_384:
        assert column_number(column_letters(col)) == col


def test_a_negative_column_number_is_refused():
    with pytest.raises(ValueError, match="no column -1"):
        column_letters(-1)
    with pytest.raises(ValueError):
        a1(3, -2)


def test_cell_addresses():
    assert coordinate("B7") == (7, 2)
    assert coordinate("XFD1048576") == (1_048_576, 16_384)
    assert a1(7, 2) == "B7"
    assert area_bounds("A10:N14") == (10, 1, 14, 14)
    assert area_bounds("C3") == (3, 3, 3, 3)


def test_a_defined_name_is_fixed_only_when_every_column_and_row_is_absolute():
    assert fixed_reference("Model!$B$1") and fixed_reference("'Rates 2'!$A$2:$A$9") and fixed_reference("$C$3")
    for moving in ("Model!$A2", "Model!A$2", "Model!B1", "Model!$A$2:$A9", "Model!$A:$A", "Model!1:1", "42"):
        assert not fixed_reference(moving), moving


def test_a_word_is_quoted_inside_a_text_or_a_quoted_sheet_name_only():
    formula = "='Model FY2024'!A2&\"it's B2\"&C3"
    spans = quoted_spans(formula)
    assert [formula[a:b] for a, b in spans] == ["'Model FY2024'", '"it\'s B2"']
    assert quoted(spans, formula.index("FY2024")) and quoted(spans, formula.index("B2"))
    assert not quoted(spans, formula.index("A2")) and not quoted(spans, formula.index("C3"))
    assert quoted_spans("=A2+B3") == []


@pytest.mark.parametrize(("name", "like"), [("YTD1", True), ("abc1234567", True), ("XFE1", True), ("Q1", True),
                                            ("Rate1", False), ("FY_1", False), ("YTD", False), ("1A", False)])
def test_a_name_reads_like_a_cell_when_it_is_letters_then_digits(name, like):
    assert reads_like_a_cell(name) is like
