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
    monkeypatch.setattr(grouping, "refusals", lambda *_args: None)  # as a function refusing rows otherwise
    out = grouped_columns("TRUPS_COUPON", [days, None, 1000.0], [True, False, False], count)
    expected = [stored(real(day, None, 1000.0)) for day in days]
    assert out == expected
    assert out[5][0].startswith("#TRUPS! payment_date: 2009-01-01 is not a scheduled")
    assert out[0] == (41.5, False)
    # the run, its four blocks, and the rows of the two blocks that erred
    assert len(calls) == 1 + 4 + 2 * grouping.BLOCK_ROWS


def test_a_coupon_asked_on_every_day_is_refused_on_each_day_at_once(monkeypatch):
    """A coupon asked on every day of a ledger is refused on all but the payment dates, each refused day
    with its own message: told by the one call of the run (each refused element's message), the payment
    dates then called as one run. Every row shows what its own call shows; no row is called on its own."""
    import functools

    from trups_xl.excel.function import REGISTRY
    from trups_xl.recalc.grouping import grouped_columns, stored

    days = [39_800.0 + k for k in range(400)]  # 2008-12-18 on: three payment dates, 2008-12-21 to 2009-12-21
    days[7] = 20_000.0  # 1954, before the issue date: refused by the call as a whole, not date by date
    calls = []
    real = REGISTRY["TRUPS_COUPON"]

    @functools.wraps(real)
    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setitem(REGISTRY, "TRUPS_COUPON", counted)
    out = grouped_columns("TRUPS_COUPON", [days[:7] + days[8:], None, 1000.0], [True, False, False], 399)
    assert out == [stored(real(day, None, 1000.0)) for day in days[:7] + days[8:]]
    paid = [k for k, (value, _date) in enumerate(out) if isinstance(value, float)]
    assert len(paid) == 3 and all(out[k][0] == 41.5 for k in paid)
    assert out[0][0] == "#TRUPS! payment_date: 2008-12-18 is not a scheduled interest payment date " \
        "(fixed 2008-06-21..2037-12-21 every 6 months; floating 2038-03-21..2057-12-21 every 3 months; " \
        "post-maturity 2058-01-21..2077-12-21 every month)"  # the prospectus's schedule (docs/TERMS.md)
    assert len(calls) == 2  # the run, and its payment dates
    calls.clear()
    out = grouped_columns("TRUPS_COUPON", [days, None, 1000.0], [True, False, False], 400)
    assert out == [stored(real(day, None, 1000.0)) for day in days]
    assert len(calls) > 400  # blocks, and the rows of those that err, as before


def test_a_column_stored_at_once_is_what_each_value_stored_on_its_own_gives():
    """Columns of finite numbers and of dates are stored with no step per value: the same pairs as
    :func:`stored` of each, whatever the column holds."""
    import datetime as dt

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.recalc.grouping import stored, stored_all

    values = st.one_of(st.floats(), st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
                       st.datetimes(dt.datetime(1900, 3, 1)), st.text(max_size=3), st.none(), st.booleans())
    columns = st.one_of(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1),
                        st.lists(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)), min_size=1),
                        st.lists(values, min_size=1))

    @settings(max_examples=300, deadline=None)
    @given(column=columns)
    def check(column):
        got, want = stored_all(column), [stored(v) for v in column]
        assert [(type(v), flag) for v, flag in got] == [(type(v), flag) for v, flag in want]
        assert [v for v, _ in got] == [v for v, _ in want]  # nan and inf both as the #NUM! error

    check()
