"""Argument readers: cells to dates, numbers and choices; a large numeric range read column-wise
gives what the cell-by-cell reading gives; every refusal names its argument."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.daycount import DayCount
from trups_xl.core.errors import TrupsInputError
from trups_xl.excel import arguments, convert

LO, HI = dt.date(2000, 1, 1), dt.date(2080, 12, 31)


def test_one_date_reads_a_serial_a_date_and_iso_text_alike():
    day = dt.date(2009, 1, 31)
    for cell in (float(convert.date_to_serial(day)), day, dt.datetime(2009, 1, 31, 15, 0), "2009-01-31", [[day]]):
        assert arguments.one_date(cell, "as_of", LO, HI) == day
    with pytest.raises(TrupsInputError, match=r"^as_of: "):
        arguments.one_date("31/01/2009", "as_of", LO, HI)
    assert arguments.optional_date(None, "as_of", LO, HI) is None


@given(st.lists(st.dates(LO, HI), min_size=arguments.VECTOR_MIN_CELLS, max_size=40))
def test_a_large_range_of_serials_reads_as_the_cells_do(days):
    cells = [[float(convert.date_to_serial(d))] for d in days]
    got, shape = arguments.dates(cells, "dates", LO, HI)
    assert shape == (len(days), 1) and got.reshape(-1).tolist() == days
    mixed, _ = arguments.dates([[d] for d in days], "dates", LO, HI)  # date cells: cell by cell
    assert mixed.reshape(-1).tolist() == days


def test_choices_read_once_into_their_enum():
    assert arguments.choice(" act/360 ", "day_count", DayCount, None) is DayCount.ACT_360
    assert arguments.choice(None, "day_count", DayCount, DayCount.THIRTY_360) is DayCount.THIRTY_360
    with pytest.raises(TrupsInputError, match=r"^day_count: "):
        arguments.choice("ACT/366", "day_count", DayCount, None)


def test_rates_and_amounts_refuse_percent_typing_by_name():
    assert arguments.rate_cell(0.04, "treasury_rate", "") == 0.04
    with pytest.raises(TrupsInputError, match=r"^treasury_rate: "):
        arguments.rate_cell(4.0, "treasury_rate", "")  # 4 for 4%: refused, never a 400% rate
    with pytest.raises(TrupsInputError, match=r"^principal: "):
        arguments.amount_cell(-5.0, "principal", "")


@pytest.mark.parametrize(("name", "args"), [
    ("TRUPS_YIELD_TO_CALL", ("2012-06-08", [[101.0]] * 15 + [[10**400]])),
    ("TRUPS_ACCRUAL", ([[40000.0]] * 15 + [[10**400]], "2009-01-31")),
])
def test_an_integer_beyond_a_double_in_a_large_range_is_refused_naming_its_row(name, args):
    # a range of 16 cells or more is read as one array; an integer no double holds (from Python: no cell
    # sends one) is refused cell by cell, as in a short range, not a defect
    from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
    from trups_xl.excel.function import REGISTRY

    shown = REGISTRY[name](*args)
    flat = [cell for row in shown for cell in (row if isinstance(row, list) else [row])] if isinstance(shown, list) \
        else [shown]
    assert not any(isinstance(c, str) and c.startswith("#TRUPS-BUG!") for c in flat), flat[-1]
    assert any(isinstance(c, str) and c.startswith("#TRUPS! ") and "beyond a double" in c for c in flat), flat[-1]
