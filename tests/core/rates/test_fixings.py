"""Coupon rates of every period: the fixed rate, the index plus the margin, refusals naming the period."""

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.errors import MissingFixingError
from trups_xl.core.rates.fixings import Fixings, coupon_rates, index_rate, index_rates
from trups_xl.core.scheduling.schedule import FIXED, FLOATING, POST_MATURITY, build_schedule
from trups_xl.core.securities.loading import TERMS


def test_fixings_of_a_rate_a_mapping_or_pairs():
    assert Fixings.of(0.05) == Fixings(single=0.05)
    table = Fixings.of({dt.date(2037, 12, 21): 0.045})
    assert table.table == ((dt.date(2037, 12, 21), 0.045),)
    assert Fixings.of(None) == Fixings()


def test_xxi_rates_are_the_fixed_rate_then_index_plus_4_170_percent():
    schedule = build_schedule(terms=TERMS)
    rates = coupon_rates(schedule, Fixings(single=0.05))
    assert (rates[schedule.regime == FIXED] == 0.083).all()  # p.19
    linked = (schedule.regime == FLOATING) | (schedule.regime == POST_MATURITY)
    assert np.allclose(rates[linked], 0.05 + 0.0417, rtol=0, atol=1e-15)  # p.40
    assert np.isnan(index_rates(schedule)[schedule.regime == FIXED]).all()


def test_a_missing_fixing_names_the_period():
    with pytest.raises(MissingFixingError, match=r"^fixings: no fixing for the floating period starting 2037-12-21"):
        index_rate(np.datetime64("2037-12-21"), terms=TERMS)
