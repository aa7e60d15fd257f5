"""One reader for every table argument: a header only when it is the documented one, text read the
same way in every row, so a table never changes meaning with its row count (issue: hostile sweep)."""

import pytest

from trups_xl.excel import udfs
from trups_xl.excel.function import INPUT_ERROR_PREFIX

# Citigroup's 1-for-10 reverse split of 2011-05-06: the cap of 195,000,000 shares (p.47) becomes
# 19,500,000 -- the hand-checked answer; never 195,000,000 (the split silently dropped).
SPLIT = 19_500_000.0
UNSPLIT = 195_000_000.0


def test_a_one_row_table_of_text_is_refused_by_row_never_dropped_as_a_header():
    got = udfs.TRUPS_SHARE_CAP("2012-01-03", [["May 6, 2011", "0.1"]])
    assert got != UNSPLIT
    assert got.startswith(f"{INPUT_ERROR_PREFIX} corporate_actions: row 1: expected a date"), got
    assert "effective_date, factor" in got  # says what a header would have looked like


@pytest.mark.parametrize("rows", [
    [["May 6, 2011", "0.1"]], [["2011-05-06", "0.1"]], [["May 6, 2011", 0.1]],
    [["2011-01-01", 1.0], ["May 6, 2011", 0.1]], [["2011-01-01", 1.0], ["2011-05-06", "0.1"]],
])
def test_text_numbers_and_free_text_dates_are_refused_in_every_row(rows):
    for table in (rows, [["effective_date", "factor"], *rows]):
        got = udfs.TRUPS_SHARE_CAP("2012-01-03", table)
        assert isinstance(got, str) and got.startswith(f"{INPUT_ERROR_PREFIX} corporate_actions: row "), got
        assert got != UNSPLIT


@pytest.mark.parametrize("header", [None, ["effective_date", "factor"], ["Effective Date", "FACTOR"],
                                    ["date", "factor"]])
def test_the_split_counts_with_or_without_the_documented_header(header):
    data = [["2011-05-06", 0.1]]
    assert udfs.TRUPS_SHARE_CAP("2012-01-03", data if header is None else [header, *data]) == SPLIT


def test_an_unknown_first_row_of_text_is_refused_not_skipped():
    got = udfs.TRUPS_SHARE_CAP("2012-01-03", [["When", "How much"], ["2011-05-06", 0.1]])
    assert got.startswith(f"{INPUT_ERROR_PREFIX} corporate_actions: row 1:"), got


def test_a_header_without_rows_is_refused():
    got = udfs.TRUPS_SHARE_CAP("2012-01-03", [["effective_date", "factor"], [None, None]])
    assert got.startswith(f"{INPUT_ERROR_PREFIX} corporate_actions: the table has a header row"), got


@pytest.mark.parametrize("argument", ["fixings", "curve"])
def test_a_one_row_rate_table_of_text_is_refused_naming_row_1(argument):
    table = [["Dec 21, 2037", "0.045"]]
    args = ("2037-12-21", "fixings", table) if argument == "fixings" else ("2037-12-21", "fixings", None, table)
    got = udfs.TRUPS_INDEX_RATE(*args)
    assert isinstance(got, str) and got.startswith(f"{INPUT_ERROR_PREFIX} {argument}: row 1: "), got
    table = [["2037-12-21", "0.045"]]
    args = ("2037-12-21", "fixings", table) if argument == "fixings" else ("2037-12-21", "fixings", None, table)
    got = udfs.TRUPS_INDEX_RATE(*args)
    assert got.startswith(f"{INPUT_ERROR_PREFIX} {argument}: row 1: expected a rate") and "stored as text" in got


@pytest.mark.parametrize("argument,header", [("fixings", ["period_start", "rate"]), ("curve", ["Date", "Rate"])])
def test_rate_tables_answer_alike_with_and_without_their_header(argument, header):
    data = [["2037-12-21", 0.045]]
    def call(table):
        return (udfs.TRUPS_INDEX_RATE("2037-12-21", "fixings", table) if argument == "fixings"
                else udfs.TRUPS_INDEX_RATE("2037-12-21", "fixings", None, table))
    assert call(data) == call([header, *data]) == 0.045


def test_a_series_may_start_with_its_name():
    dates = [["2012-03-20"], ["2012-03-21"], ["2012-03-22"], ["2012-03-23"], ["2012-03-26"], ["2012-03-27"],
             ["2012-03-28"], ["2012-03-29"], ["2012-03-30"], ["2012-04-02"]]
    closes = [[36.1], [36.5], [36.0], [36.3], [37.2], [37.0], [36.9], [36.2], [36.55], [36.9]]
    plain = udfs.TRUPS_APM_AVERAGE_PRICE("2012-04-09", dates, closes)
    assert plain == pytest.approx(sum(c[0] for c in closes) / 10, rel=1e-12)  # the hand average
    assert udfs.TRUPS_APM_AVERAGE_PRICE("2012-04-09", [["Date"], *dates], [["Close"], *closes]) == plain
    got = udfs.TRUPS_APM_AVERAGE_PRICE("2012-04-09", dates, [["36.1"], *closes[1:]])
    assert got.startswith(f"{INPUT_ERROR_PREFIX} prices: item 1:") and "stored as text" in got
    paid = udfs.TRUPS_APM_ALLOCATE(60.0, [["date"], ["2010-06-21"], ["2010-12-21"]], [["amount"], [41.5], [41.5]])
    assert paid == [[41.5], [18.5]]


def test_the_terms_header_is_the_documented_one():
    base = [["base", "citigroup_capital_xiii"]]
    plain = udfs.TRUPS_TERMS("liquidation_amount", base)
    assert udfs.TRUPS_TERMS("liquidation_amount", [["Term", "Value"], *base]) == plain == 25.0


@pytest.mark.parametrize(("factor", "cap"), [(0.000001, 195.0), (1_000_000.0, 195e12)])
def test_a_corporate_action_factor_at_either_bound_adjusts_the_cap(factor, cap):
    # p.47: 195,000,000 shares x 0.000001 (a 1-for-1,000,000 reverse split) = 195; x 1,000,000 = 195e12
    assert udfs.TRUPS_SHARE_CAP("2012-01-03", [["2011-05-06", factor]]) == pytest.approx(cap, rel=1e-15)


@pytest.mark.parametrize("factor", [1e-300, 9.99e-7, 1_000_001.0, 1e300, 0.0, -0.1])
def test_a_corporate_action_factor_beyond_the_bounds_is_refused_in_one_line(factor):
    got = udfs.TRUPS_SHARE_CAP("2012-01-03", [["2011-05-06", factor]])
    assert got == (f"{INPUT_ERROR_PREFIX} corporate_actions: row 1: expected a share-count factor (0.1 for "
                   f"1-for-10) from 0.000001 to 1,000,000; got {factor!r}")
