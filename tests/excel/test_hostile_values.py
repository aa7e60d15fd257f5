"""Values an attacker (or an unlucky export) sends: each refused by name or read by a documented
rule, and a range answered in the same shape whatever route the function takes."""

import datetime as dt
import math

import pytest

from trups_xl.excel import udfs
from trups_xl.excel.function import INPUT_ERROR_PREFIX


@pytest.mark.parametrize("tz", [dt.UTC, dt.timezone(dt.timedelta(hours=-5)),
                                dt.timezone(dt.timedelta(hours=14))])
def test_a_timezone_aware_datetime_is_refused_by_name(tz):
    aware = dt.datetime(2012, 7, 18, 23, 30, tzinfo=tz)
    for got in (udfs.TRUPS_ACCRUED_INTEREST(aware), udfs.TRUPS_ACCRUED_INTEREST([[aware]] * 20),
                udfs.TRUPS_SHARE_CAP(aware)):
        assert isinstance(got, str) and got.startswith(INPUT_ERROR_PREFIX) and "time zone" in got, got
    naive = udfs.TRUPS_ACCRUED_INTEREST(dt.datetime(2012, 7, 18, 23, 30))
    assert naive == udfs.TRUPS_ACCRUED_INTEREST("2012-07-18")  # a naive date-time: its date, as documented


@pytest.mark.parametrize("tiny", [1e-320, 5e-324, -1e-310])
def test_a_subnormal_is_refused_where_a_number_is_read(tiny):
    assert udfs.TRUPS_ACCRUED_INTEREST("2012-07-18", None, tiny).startswith(f"{INPUT_ERROR_PREFIX} principal:")
    assert "subnormal" in udfs.TRUPS_MAKE_WHOLE("2030-03-15", tiny)
    column = [[0.03]] * 19 + [[tiny]]
    got = udfs.TRUPS_MAKE_WHOLE("2030-03-15", column)
    assert got.startswith(f"{INPUT_ERROR_PREFIX} treasury_rate: row 20") and "subnormal" in got, got


def test_a_negative_zero_reads_and_answers_as_zero():
    for got in (udfs.TRUPS_CLAIM_LIMIT(-0.0), udfs.TRUPS_CLAIM_LIMIT([[-0.0]])):
        assert got == 0.0 and math.copysign(1.0, got) == 1.0


@pytest.mark.parametrize("rates", [[[0.03, 0.04]], [[0.03], [0.04]], [[0.03, 0.04], [0.05, 0.045]]])
def test_a_rate_range_has_the_same_shape_on_every_route(rates):
    """Par on the regulatory-capital route, make-whole on the optional one: one shape for both."""
    shape = (len(rates), len(rates[0]))
    for trigger, event in (("optional", None), ("tax", "2012-06-07"), ("regulatory_capital", "2012-06-07"),
                           ("investment_company", "2012-06-07")):
        got = udfs.TRUPS_REDEMPTION_PRICE("2012-07-18", rates, trigger, event)
        assert isinstance(got, list) and (len(got), len(got[0])) == shape, (trigger, got)
    par = udfs.TRUPS_REDEMPTION_PRICE("2012-07-18", rates, "regulatory_capital", "2012-06-07")
    assert {v for row in par for v in row} == {udfs.TRUPS_REDEMPTION_PRICE("2012-07-18", 0.03, "regulatory_capital",
                                                                           "2012-06-07")}
