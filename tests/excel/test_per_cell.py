"""A range refused for some of its cells is answered cell by cell, each cell as it alone is; a refusal that
names an argument every cell shares stays one message."""

import datetime as dt

import pytest

from trups_xl.excel import udfs
from trups_xl.excel.function import INFO, REGISTRY
from trups_xl.excel.per_cell import cell_by_cell, range_shape

SETTLEMENT = dt.date(2012, 6, 8)


def test_a_range_shape_is_that_of_several_cells_given_as_equal_rows():
    assert range_shape([[1.0], [2.0]]) == (2, 1)
    assert range_shape([[1.0, 2.0, 3.0]]) == (1, 3)
    for one_or_none in ([[1.0]], 1.0, "abc", None, [], [[]], [[1.0], [2.0, 3.0]], [1.0, 2.0]):
        assert range_shape(one_or_none) is None


def test_a_column_of_prices_with_a_bad_one_answers_every_other_cell_with_the_whole_call_s_number():
    """1,000 yields with a blank and a price of 1,500 among them: 998 numbers, each the number the column
    without those two rows gives to the last bit, and two messages, each what its cell alone shows."""
    prices = [[60.0 + 0.07 * k] for k in range(1_000)]
    prices[10], prices[700] = [None], [1500.0]
    got = udfs.TRUPS_YIELD(SETTLEMENT, prices, None, None, 0.03)
    kept = [row for k, row in enumerate(prices) if k not in (10, 700)]
    clean = udfs.TRUPS_YIELD(SETTLEMENT, kept, None, None, 0.03)
    assert [row for k, row in enumerate(got) if k not in (10, 700)] == clean
    assert got[10] == [udfs.TRUPS_YIELD(SETTLEMENT, [[None]], None, None, 0.03)]
    assert got[700] == [udfs.TRUPS_YIELD(SETTLEMENT, 1500.0, None, None, 0.03)]
    assert got[700][0].startswith("#TRUPS! price: expected a price per 100")  # no "row 701 column 1" in it


def test_a_grid_of_dates_by_prices_refuses_only_its_bad_column():
    days = [["2009-03-02"], ["2012-06-08"], ["2030-12-31"]]
    prices = [[85.0, "abc", 118.0]]
    got = udfs.TRUPS_YIELD(days, prices, None, None, 0.035)
    assert [len(row) for row in got] == [3, 3, 3]
    for i, (day,) in enumerate(days):
        for j, price in enumerate(prices[0]):
            assert got[i][j] == udfs.TRUPS_YIELD(day, price, None, None, 0.035)
    assert all(row[1].startswith("#TRUPS! price:") for row in got)


def test_daily_dates_that_are_not_payment_dates_are_told_at_once_and_only_the_others_called(monkeypatch):
    """A coupon on each of 400 days: every day but the three payment dates refused with its own message, as it
    alone is. The refusal tells each refused day, so only the three payment dates are called again (answered
    by halving the column, a part at a time, it takes 799 calls)."""
    from trups_xl.excel import function

    calls = []

    def counting(call, *rest):
        return cell_by_cell(lambda *args: calls.append(args) or call(*args), *rest)

    monkeypatch.setattr(function, "cell_by_cell", counting)
    days = [[dt.date(2008, 12, 18) + dt.timedelta(days=k)] for k in range(400)]
    got = udfs.TRUPS_COUPON(days)
    assert got == [[udfs.TRUPS_COUPON(day)] for (day,) in days]
    assert sum(isinstance(cell, float) for (cell,) in got) == 3 and len(calls) == 3
    monkeypatch.setattr(function, "_refused_alone", lambda *_args: None)
    calls.clear()
    assert udfs.TRUPS_COUPON(days) == got and len(calls) == 799


def test_a_refusal_naming_an_argument_every_cell_shares_stays_one_message():
    message = udfs.TRUPS_COUPON([["2009-06-21"], ["2009-12-21"]], None, None, None, None, "nope")
    assert message.startswith("#TRUPS! security: no shipped security 'nope'")
    mismatched = udfs.TRUPS_ACCRUAL([["2009-01-01"], ["abc"]], [["2009-06-01"], ["2009-07-01"], ["2009-08-01"]])
    assert isinstance(mismatched, str)  # ranges that do not broadcast: the call's own refusal


@pytest.mark.parametrize("name", sorted(n for n in REGISTRY if INFO[n].elementwise))
def test_every_elementwise_function_answers_a_column_with_a_bad_cell_cell_by_cell(name):
    """Each function's own example, its first elementwise argument given as a column of the example's value,
    text and the value again: each cell is what it alone shows (the text refused, the others the example)."""
    info = INFO[name]
    args = list(info.example) + [None] * (len(info.parameters) - len(info.example))
    at = next(k for k, p in enumerate(info.parameters) if p in info.elementwise and args[k] is not None
              and not isinstance(args[k], list))
    value = args[at]
    column = [[value], ["not a value"], [value]]
    got = REGISTRY[name](*args[:at], column, *args[at + 1:])
    alone = [REGISTRY[name](*args[:at], [[cell]], *args[at + 1:]) for (cell,) in column]
    assert isinstance(alone[1], str) and alone[1].startswith("#TRUPS! ")
    assert got == [[cell] for cell in alone]
