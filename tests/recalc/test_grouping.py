"""A run's rows called as columns, grouped by what varies and is not elementwise, or one by one: the
very values each row called alone gives."""

import datetime as dt

import pytest

from trups_xl.excel.function import REGISTRY


@pytest.mark.parametrize("count", [1, 2, 9])
@pytest.mark.parametrize("securities", [None, "citigroup_capital_xxi", ["citigroup_capital_xxi", "citigroup_capital_xiii",
                                                                          "nope", 3.0, True]])
def test_runs_grouped_by_a_varying_security_are_what_each_row_alone_gives(count, securities):
    from trups_xl.recalc.grouping import grouped, grouped_columns

    days = [dt.datetime(2011, 5, 9) + dt.timedelta(days=40 * k) for k in range(count)]
    days[-1] = "not a date" if count > 2 else days[-1]
    varying = [count > 1, False, False, False, False, isinstance(securities, list) and count > 1]
    column = [securities[k % len(securities)] for k in range(count)] if isinstance(securities, list) else securities
    per_arg = [days if varying[0] else days[0], None, 1000.0, None, None,
               column if varying[5] else (column[0] if isinstance(column, list) else column)]
    rows = [[per_arg[i][k] if varying[i] else per_arg[i] for i in range(6)] for k in range(count)]
    got = grouped_columns("TRUPS_ACCRUED_INTEREST", per_arg, varying, count)
    assert got == grouped("TRUPS_ACCRUED_INTEREST", rows)
    assert [v for v, _ in got] == [REGISTRY["TRUPS_ACCRUED_INTEREST"](*row) for row in rows]


def test_a_run_with_a_few_bad_rows_is_called_a_block_at_a_time_and_each_bad_row_keeps_its_message(monkeypatch):
    """One call of a long run answers the first bad row's message: the run is then called a block of rows at
    a time, and a block that errs a row at a time. Every row shows what its own call shows."""
    import functools

    from trups_xl.excel.function import REGISTRY
    from trups_xl.recalc import grouping
    from trups_xl.recalc.grouping import grouped_columns, stored

    count = 3 * grouping.BLOCK_ROWS + 7
    payment = 39_985.0  # 2009-06-21, a payment date of XXI
    days = [payment] * count
    days[5], days[2 * grouping.BLOCK_ROWS + 1] = 39_814.0, 39_900.0  # two rows that are not payment dates
    calls = []
    real = REGISTRY["TRUPS_COUPON"]

    @functools.wraps(real)  # its signature: the arguments a run may pass
    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setitem(REGISTRY, "TRUPS_COUPON", counted)
    out = grouped_columns("TRUPS_COUPON", [days, None, 1000.0], [True, False, False], count)
    expected = [stored(real(day, None, 1000.0)) for day in days]
    assert out == expected
    assert out[5][0].startswith("#TRUPS! payment_date: 2009-01-01 is not a scheduled")
    assert out[0] == (41.5, False)
    # the run, its four blocks, and the rows of the two blocks that erred
    assert len(calls) == 1 + 4 + 2 * grouping.BLOCK_ROWS
