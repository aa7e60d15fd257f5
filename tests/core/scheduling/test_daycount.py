"""Day counts against QuantLib, and the hand-checkable day-31 cases."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.scheduling.daycount import days_30_360, days_actual, year_fraction_30_360, year_fraction_act_360

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
