"""The par-call stream: hand-checked positions and the one-date form equal to the array form."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.parcall import COUNTS, Count, par_call_position, par_call_stream
from trups_xl.core.securities.loading import TERMS, by_name

BEFORE_CALL = st.dates(dt.date(2007, 12, 21), dt.date(2037, 12, 20))


def test_xxi_seen_from_2009_12_31_by_hand():
    """30/360 from Dec 31 to Jun 21: 171 days direct (D1 31 -> 30), 170 as 180 less 10 accrued;
    coupons of 8.300% x 180/360 = 41.50 per 1,000; 56 coupons Jun 2010 .. Dec 2037."""
    stream = par_call_stream(np.datetime64("2009-12-31"), 1000.0, TERMS)
    assert int(stream.days_to_next) == 171 and float(stream.periods_to_next) == 171 / 180
    assert int(stream.coupons_left) == 56 and float(stream.coupon) == 41.5
    assert float(stream.accrued) == pytest.approx(1000 * 0.083 * 10 / 360, rel=1e-15)
    other = par_call_stream(np.datetime64("2009-12-31"), 1000.0, TERMS, Count.PERIOD_LESS_ACCRUED)
    assert int(other.days_to_next) == 170


@settings(max_examples=300)
@given(BEFORE_CALL, st.sampled_from([25.0, 1000.0, 3.5e9]), st.sampled_from(COUNTS))
def test_one_date_equals_the_array_form(day, principal, count):
    one = par_call_position(day, principal, TERMS, count)
    stream = par_call_stream(np.array([day], dtype="datetime64[D]"), principal, TERMS, count)
    assert one is not None
    w, n, coupon, accrued = one
    assert (w, n, coupon, accrued) == (float(stream.periods_to_next[0]), float(stream.coupons_left[0]),
                                       float(stream.coupon[0]), float(stream.accrued[0]))


def test_a_security_without_a_par_call_is_refused_by_name():
    xiii = by_name("citigroup_capital_xiii")
    if xiii.par_call_date is None:
        with pytest.raises(TrupsInputError, match="par call"):
            par_call_stream(np.datetime64("2010-01-04"), 25.0, xiii)
        assert par_call_position(dt.date(2010, 1, 4), 25.0, xiii) is None
    assert par_call_position(dt.date(2037, 12, 21), 1000.0, TERMS) is None  # on the call date: no stream
