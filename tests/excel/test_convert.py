"""One cell to a core input and back: serials, Excel's error values, results shaped for a sheet."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.excel import convert


def test_serials_by_hand():
    """Excel's own serials: 1900-03-01 is 61 (after the phantom 1900-02-29), 2008-12-21 is 39803."""
    assert convert.date_to_serial(dt.date(1900, 3, 1)) == 61
    assert convert.date_to_serial(dt.date(2008, 12, 21)) == 39803
    assert convert.date_to_serial(dt.datetime(2008, 12, 21, 18, 30)) == 39803  # the time of day dropped
    assert convert.serial_to_date(39803.75) == dt.date(2008, 12, 21)


@given(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)))
def test_serial_round_trip(day):
    assert convert.serial_to_date(float(convert.date_to_serial(day))) == day


@given(st.lists(st.one_of(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)), st.datetimes(dt.datetime(1900, 3, 1)))))
def test_serials_of_many_days_are_each_day_s_serial(days):
    assert list(convert.dates_to_serials(days)) == [convert.date_to_serial(day) for day in days]


def test_excel_errors_and_blanks_are_recognised():
    assert convert.is_error("#N/A") and convert.is_blank(None) and convert.is_blank("")
    assert convert.error_code_name(-2146826246) == "#N/A"
    with pytest.raises(TrupsInputError, match=r"^principal: "):
        convert.cell_number("#N/A", "principal")


def test_results_are_shaped_for_the_sheet():
    assert convert.shape_result(np.array([[1.0, 2.0]])) == [[1.0, 2.0]]
    assert convert.shape_result(np.float64(3.5)) == 3.5
    assert convert.shape_result(np.array([["2008-12-21"]], dtype="datetime64[D]")) == dt.date(2008, 12, 21)


def test_excel_serial_of_any_date_time_and_duration():
    import datetime as dt

    from trups_xl.excel.convert import excel_serial

    # by hand: Excel counts 1900-02-29, so 1900-01-15 is 15 and 1900-03-01 is 61; 2024-01-15 is 45306
    assert excel_serial(dt.date(1900, 1, 15)) == 15.0
    assert excel_serial(dt.date(1900, 2, 28)) == 59.0
    assert excel_serial(dt.date(1900, 3, 1)) == 61.0
    assert excel_serial(dt.datetime(2024, 1, 15, 12, 0)) == 45306.5
    assert excel_serial(dt.time(6, 0)) == 0.25
    assert excel_serial(dt.timedelta(hours=36)) == 1.5


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_excel_serial_is_the_days_since_its_epoch(value):
    from trups_xl.excel.convert import excel_serial

    # from 1900-03-01 the days since 1899-12-30, before it since 1899-12-31 (Excel counts a 1900-02-29)
    epoch = dt.datetime(1899, 12, 30) if value >= dt.datetime(1900, 3, 1) else dt.datetime(1899, 12, 31)
    time_of_day = (value - dt.datetime.combine(value.date(), dt.time())) / dt.timedelta(days=1)
    assert excel_serial(value) == pytest.approx((value.date() - epoch.date()).days + time_of_day, rel=0, abs=1e-9)
    assert excel_serial(value.date()) == (value.date() - epoch.date()).days


def test_a_column_of_dates_has_each_date_s_excel_serial():
    from trups_xl.excel.convert import excel_serial, excel_serials

    days = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2023, 3, 15),
            dt.datetime(2023, 3, 15, 12), dt.datetime(1900, 1, 15, 6), dt.datetime(2023, 3, 15)]
    assert excel_serials(days) == [excel_serial(d) for d in days] == [1.0, 59.0, 61.0, 45000.0, 45000.5, 15.25,
                                                                      45000.0]
    assert excel_serials([]) == []
