"""What the recalculation says: results as their cells' number formats show them, the summary, the
error cells listed then counted."""

import datetime as dt

from trups_xl.recalc.collect import Recalculation
from trups_xl.recalc.report import BLANK_SHOWN, MAX_LISTED_ERRORS, error_lines, shown, summary


def test_a_result_is_shown_as_its_number_format_shows_it():
    assert shown(45_000.0, "yyyy-mm-dd") == (dt.date(1899, 12, 30) + dt.timedelta(days=45_000)).isoformat()
    assert shown(45_000.0, "General") == "45,000.00"  # a serial in a cell without a date format is a number
    assert shown(0.0525, "0.00%") == "5.25%"
    assert shown(19_500_000.0, "#,##0") == "19,500,000"
    assert shown(1_234_567.891, "#,##0.00") == "1,234,567.89"
    assert shown(0.000123456789, "General") == "0.000123457"
    assert shown(dt.date(2037, 12, 21), "General") == "2037-12-21"
    assert shown(True, "General") == "True"


def test_the_summary_labels_each_result_and_lists_the_conditions_apart():
    result = Recalculation(values={}, names={"Result_Price": 101.5, "Result_Call": "", "Result_APM": "lapsed on 2012-01-01"},
                           errors=[], shown_as={"Result_Price": ("Clean price", "0.00"),
                                                "Result_Call": ("Next call", "yyyy-mm-dd")})
    lines = summary(result).splitlines()
    assert lines[:3] == ["  Clean price  101.50", f"  Next call    {BLANK_SHOWN}", "  APM          lapsed on 2012-01-01"]
    assert lines[3:] == ["Conditions reported by the functions:", "  APM: lapsed on 2012-01-01"]


def test_error_lines_list_the_first_ones_then_count_the_rest_per_sheet():
    errors = [f"Model!B{k}: #TRUPS! x" for k in range(MAX_LISTED_ERRORS + 3)] + ["Inputs!A1: #REF!", "Inputs!A2: #REF!"]
    lines = error_lines(errors, ["Inputs", "Model"])
    assert lines[:MAX_LISTED_ERRORS] == errors[:MAX_LISTED_ERRORS]
    assert lines[MAX_LISTED_ERRORS:] == ["... and 5 more: 3 on Model, 2 on Inputs"]
    assert error_lines(errors[:2]) == errors[:2]


def test_lines_of_text_are_counted_under_the_sheet_they_name_even_with_a_bang_in_its_title():
    """Excel allows ``!`` in a sheet's title: a circular reference on ``Q1!Plan`` is that sheet's, not ``Q1``'s
    (a sheet ``Q1`` beside it too); a line naming no sheet is counted apart."""
    lines = [f"Q1!Plan!C{k}" for k in range(MAX_LISTED_ERRORS + 2)] + ["Q1!C5", "the workbook's tables: none read"]
    assert error_lines(lines, ["Q1", "Q1!Plan"])[-1] == "... and 4 more: 2 on Q1!Plan, 1 on Q1, 1 naming no sheet"

