"""A benchmark discount curve against QuantLib's log-linear DiscountCurve (Act/365F)."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates.discount import CurveKind, DiscountCurve, years_from

ql = pytest.importorskip("QuantLib")
VAL = dt.date(2012, 6, 29)
NODES = [(dt.date(2013, 6, 28), 0.99), (dt.date(2017, 6, 29), 0.93), (dt.date(2022, 6, 29), 0.82)]


def _qd(day):
    return ql.Date(day.day, day.month, day.year)


@given(st.dates(VAL, dt.date(2022, 6, 29)))
def test_log_linear_discount_factors_match_quantlib(day):
    theirs = ql.DiscountCurve([_qd(VAL)] + [_qd(d) for d, _ in NODES], [1.0] + [df for _, df in NODES],
                              ql.Actual365Fixed())
    ours = float(DiscountCurve.of(VAL, NODES).discount(np.array([day], dtype="datetime64[D]"))[0])
    assert ours == pytest.approx(theirs.discount(_qd(day)), rel=1e-12)


def test_time_is_actual_365_fixed_and_zero_rates_are_continuous():
    assert years_from(VAL, dt.date(2013, 6, 29)) == 365 / 365.0
    curve = DiscountCurve.of(VAL, [(dt.date(2017, 6, 29), 0.03)], CurveKind.ZERO_RATE)
    t = (dt.date(2017, 6, 29) - VAL).days / 365.0
    assert float(curve.discount(np.array(["2017-06-29"], dtype="datetime64[D]"))[0]) == pytest.approx(np.exp(-0.03 * t))
    flat = DiscountCurve.flat(VAL, 0.03)
    assert float(flat.discount_years(np.array([2.0]))[0]) == pytest.approx(np.exp(-0.06), rel=1e-15)
    assert float(flat.shifted(0.01).discount_years(np.array([2.0]))[0]) == pytest.approx(np.exp(-0.08), rel=1e-15)


def test_bad_nodes_are_refused_by_row():
    with pytest.raises(TrupsInputError, match=r"^curve: row 2: "):
        DiscountCurve.of(VAL, [(dt.date(2013, 1, 1), 0.99), (dt.date(2012, 12, 1), 0.98)])
    with pytest.raises(TrupsInputError, match=r"^curve: row 1: a discount factor must be in"):
        DiscountCurve.of(VAL, [(dt.date(2013, 1, 1), 3.0)])
