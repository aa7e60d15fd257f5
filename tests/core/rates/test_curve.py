"""Forward curves: flat, linear and step reading of dates -> rates."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates.curve import ForwardCurve

D = np.datetime64


def test_flat_curve():
    assert (ForwardCurve.flat(0.04).rate_at(np.array(["2038-01-01", "2070-05-05"], dtype="datetime64[D]")) == 0.04).all()


def test_linear_between_dates_flat_outside():
    c = ForwardCurve.of([(dt.date(2040, 1, 11), 0.05), (dt.date(2040, 1, 1), 0.03)])
    # 5 of 10 days: halfway between 3% and 5%
    assert c.rate_at(D("2040-01-06")) == pytest.approx(0.04)
    assert c.rate_at(D("2039-01-01")) == pytest.approx(0.03)
    assert c.rate_at(D("2050-01-01")) == pytest.approx(0.05)


def test_step_holds_each_rate_until_the_next_date():
    c = ForwardCurve.of([(dt.date(2040, 1, 1), 0.03), (dt.date(2040, 1, 11), 0.05)], interpolation="step")
    assert c.rate_at(D("2040-01-10")) == 0.03
    assert c.rate_at(D("2040-01-11")) == 0.05
    assert c.rate_at(D("2039-12-31")) == 0.03


def test_bad_curves_are_refused():
    with pytest.raises(TrupsInputError, match="strictly increasing"):
        ForwardCurve((dt.date(2040, 1, 1), dt.date(2040, 1, 1)), (0.01, 0.02))
    with pytest.raises(TrupsInputError, match="as many rates"):
        ForwardCurve((dt.date(2040, 1, 1),), ())
    with pytest.raises(TrupsInputError, match="interpolation"):
        ForwardCurve((dt.date(2040, 1, 1),), (0.01,), "cubic")


@given(st.lists(st.tuples(st.integers(0, 20000), st.floats(0, 0.2)), min_size=1, max_size=8,
                unique_by=lambda t: t[0]),
       st.integers(-1000, 21000))
def test_linear_reading_stays_within_the_neighbouring_rates(nodes, day):
    base = dt.date(2037, 1, 1)
    c = ForwardCurve.of([(base + dt.timedelta(days=d), r) for d, r in nodes])
    value = float(c.rate_at(D(base) + np.timedelta64(day, "D")))
    rates = [r for _, r in nodes]
    assert min(rates) - 1e-15 <= value <= max(rates) + 1e-15
