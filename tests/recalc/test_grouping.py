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
