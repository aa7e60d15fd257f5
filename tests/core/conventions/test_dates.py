"""Day numbers: one date and ``datetime64[D]`` arrays meet the same integers."""

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.dates import date_of, day_number, is_month_end, month_length, ymd


@given(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)))
def test_a_day_number_is_what_datetime64_holds(day):
    n = day_number(day)
    assert n == int(np.datetime64(day, "D").astype(np.int64)) and date_of(n) == day
    year, month, dom = ymd(np.array([day], dtype="datetime64[D]"))
    assert (int(year[0]), int(month[0]), int(dom[0])) == (day.year, day.month, day.day)


def test_month_lengths_and_month_ends_by_hand():
    assert day_number(dt.date(1970, 1, 1)) == 0
    assert [month_length(2000, 2), month_length(1900, 2), month_length(2023, 2), month_length(2023, 4)] == \
        [29, 28, 28, 30]
    assert is_month_end(dt.date(2023, 2, 28)) and not is_month_end(dt.date(2024, 2, 28))
