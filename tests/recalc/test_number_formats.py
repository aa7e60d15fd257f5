"""Excel's built-in number formats and the date test: the same as openpyxl's, which the command no
longer imports for them."""

import pytest
from openpyxl.styles import numbers as openpyxl_numbers

from trups_xl.recalc.number_formats import BUILTIN_FORMATS, is_date_format

CODES = [
    "General", "0.00", "yyyy-mm-dd", "d-mmm-yy", "[h]:mm:ss", "mm:ss", "h:mm AM/PM", "0.00%",
    '"day"0', '"m"0.00', "[Red]0.00", "[Blue]#,##0;[Red]-#,##0", "[$-409]d-mmm-yyyy", "[$USD]#,##0",
    r"\d0", "_d0", "0;yyyy", "yyyy;0", "@", "", "DD/MM/YYYY", "[mm]:ss", "[ss].00", "#,##0_);(#,##0)",
    'mmm" "yy', '[$-F800]dddd, mmmm dd, yyyy', "E+00", "0.00E+00",
]


def test_the_built_in_formats_are_openpyxls():
    assert BUILTIN_FORMATS == openpyxl_numbers.BUILTIN_FORMATS


@pytest.mark.parametrize("code", [*CODES, *openpyxl_numbers.BUILTIN_FORMATS.values(), None])
def test_a_date_format_is_told_as_openpyxl_tells_it(code):
    assert is_date_format(code) is openpyxl_numbers.is_date_format(code)


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy-mm-dd", True), ("0.00", False), ('"d"0', False), ("[Red]0", False), ("[h]:mm", True),
    (r"\d0", False), ("0;yyyy", False), ("General", False), (None, False),
])
def test_dates_by_their_codes(code, is_date):
    assert is_date_format(code) is is_date
