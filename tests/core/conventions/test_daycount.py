"""Day counts against QuantLib, and the hand-checkable day-31 cases."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.daycount import days_30_360, days_actual, year_fraction_30_360, year_fraction_act_360

ql = pytest.importorskip("QuantLib")

dates = st.dates(min_value=dt.date(2007, 12, 21), max_value=dt.date(2077, 12, 21))


def _ql(day: dt.date) -> "ql.Date":
    return ql.Date(day.day, day.month, day.year)


@given(dates, dates)
def test_30_360_bond_basis_matches_quantlib(a, b):
    start, end = sorted((a, b))
    theirs = ql.Thirty360(ql.Thirty360.BondBasis)
    assert days_30_360(np.datetime64(start), np.datetime64(end)) == theirs.dayCount(_ql(start), _ql(end))
    assert year_fraction_30_360(np.datetime64(start), np.datetime64(end)) == pytest.approx(
        theirs.yearFraction(_ql(start), _ql(end)), abs=1e-15)


@given(dates, dates)
def test_act_360_matches_quantlib(a, b):
    start, end = sorted((a, b))
    theirs = ql.Actual360()
    assert days_actual(np.datetime64(start), np.datetime64(end)) == theirs.dayCount(_ql(start), _ql(end))
    assert year_fraction_act_360(np.datetime64(start), np.datetime64(end)) == pytest.approx(
        theirs.yearFraction(_ql(start), _ql(end)), abs=1e-15)


@pytest.mark.parametrize(("start", "end", "days"), [
    ("2008-12-21", "2009-01-31", 40),  # D1=21 < 30, so D2=31 stays: 360*1 + 30*(1-12) + (31-21)
    ("2009-01-31", "2009-03-31", 60),  # D1=31 -> 30; D1 now 30 so D2=31 -> 30: 30*2
    ("2009-01-30", "2009-02-28", 28),  # no end-of-February rule in Bond Basis: 30 - 30 + 28
    ("2008-06-21", "2008-12-21", 180),  # a full fixed period
])
def test_bond_basis_by_hand(start, end, days):
    assert days_30_360(np.datetime64(start), np.datetime64(end)) == days


@given(dates, dates)
def test_act_365_fixed_matches_quantlib(a, b):
    from trups_xl.core.conventions.daycount import ACT_365F, year_fraction

    start, end = sorted((a, b))
    ours = float(year_fraction(np.datetime64(start), np.datetime64(end), ACT_365F))
    assert ours == pytest.approx(ql.Actual365Fixed().yearFraction(_ql(start), _ql(end)), abs=1e-15)


@given(dates, st.integers(0, 181))
def test_act_act_icma_within_a_regular_period_matches_quantlib(start, offset):
    """A fraction of a semi-annual reference period, as QuantLib's ISMA rule counts it."""
    from trups_xl.core.conventions.daycount import ACT_ACT_ICMA, year_fraction
    from trups_xl.core.conventions.stepping import add_months

    ref_end = add_months(start, 6)
    end = min(start + dt.timedelta(days=offset), ref_end)
    ours = float(year_fraction(np.datetime64(start), np.datetime64(end), ACT_ACT_ICMA,
                               (np.datetime64(start), np.datetime64(ref_end)), 2))
    theirs = ql.ActualActual(ql.ActualActual.ISMA).yearFraction(_ql(start), _ql(end), _ql(start), _ql(ref_end))
    assert ours == pytest.approx(theirs, abs=1e-15)


def test_act_act_icma_refuses_without_its_reference_period():
    from trups_xl.core.conventions.daycount import ACT_ACT_ICMA, year_fraction
    from trups_xl.core.errors import TrupsInputError

    with pytest.raises(TrupsInputError, match="reference period"):
        year_fraction(np.datetime64("2020-01-01"), np.datetime64("2020-03-01"), ACT_ACT_ICMA)


@given(dates, dates)
def test_one_pair_counts_as_the_arrays(a, b):
    from trups_xl.core.conventions.dates import day_number
    from trups_xl.core.conventions.daycount import ACT_360, THIRTY_360, day_count

    for convention in (THIRTY_360, ACT_360):
        one = day_count(day_number(a), day_number(b), convention)
        assert type(one) is int and one == int(day_count(np.datetime64(a), np.datetime64(b), convention))


@given(dates, dates, st.sampled_from(["30/360", "ACT/360", "ACT/365F"]))
def test_one_year_fraction_function_for_a_date_pair_and_for_arrays(a, b, name):
    from trups_xl.core.conventions.daycount import DayCount, year_fraction

    convention = DayCount(name)
    one = year_fraction(a, b, convention)
    array = year_fraction(np.array([a], dtype="datetime64[D]"), np.array([b], dtype="datetime64[D]"), convention)
    assert type(one) is float and one == float(array[0])
