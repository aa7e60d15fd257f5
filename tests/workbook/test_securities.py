"""The "Securities" sheet: shipped securities side by side and a security typed as a table."""

from openpyxl import Workbook

from trups_xl.workbook.securities import LOGICAL_FORMAT, YOUR_SECURITY, _securities


def test_a_typed_security_is_valid_terms_and_each_choice_has_its_one_spelling():
    from trups_xl.core.securities.loading import from_rows

    typed = from_rows(YOUR_SECURITY)
    assert typed.floating_day_count is not None and str(typed.floating_day_count) == "ACT/360"
    assert dict(YOUR_SECURITY)["floating_day_count"] == "ACT/360"


def test_the_sheet_names_the_typed_security_and_shows_flags_as_text():
    wb = Workbook()
    _securities(wb)
    assert "Sec_Yours" in wb.defined_names
    assert LOGICAL_FORMAT.count("TRUE") == 2
