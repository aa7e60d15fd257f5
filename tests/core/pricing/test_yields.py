"""Yield of the securities to the 2037 par call."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.yields import price_from_yield, yield_to_call
from trups_xl.core.securities.loading import TERMS

D = np.datetime64


def test_par_on_a_coupon_date_at_the_coupon_rate():
    # On a coupon date, discounting 8.300% semi-annual coupons at 8.300% gives exactly par.
    assert price_from_yield(D("2012-06-21"), 0.083, terms=TERMS) == pytest.approx(100.0, abs=1e-10)
    assert yield_to_call(D("2012-06-21"), 100.0, terms=TERMS) == pytest.approx(0.083, abs=1e-12)


def test_one_period_before_the_call_by_hand():
    # 2037-06-21: one coupon of 4.15 and 100 on 2037-12-21, one period away at 6%:
    # 104.15 / 1.03 = 101.116505
    assert price_from_yield(D("2037-06-21"), 0.06, terms=TERMS) == pytest.approx(104.15 / 1.03, abs=1e-10)


@given(st.dates(min_value=dt.date(2007, 12, 21), max_value=dt.date(2037, 12, 20)),
       st.floats(min_value=0.0, max_value=0.3))
def test_yield_and_price_invert(day, y):
    price = price_from_yield(D(day), y, terms=TERMS)
    assert yield_to_call(D(day), price, terms=TERMS) == pytest.approx(y, abs=1e-10)


def test_after_the_call_is_refused():
    with pytest.raises(TrupsInputError, match="settlement"):
        yield_to_call(D("2037-12-21"), 100.0, terms=TERMS)
