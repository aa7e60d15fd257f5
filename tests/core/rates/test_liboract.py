"""The LIBOR Act replacement: numbers from the statute and Regulation ZZ, and their use."""

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.errors import MissingFixingError
from trups_xl.core.rates.curve import ForwardCurve
from trups_xl.core.rates.fixings import Fixings, coupon_rates, index_rate, index_rates, tenor_spread_adjustments
from trups_xl.core.rates.liboract import TENOR_SPREAD_ADJUSTMENT, libor_replacement_date
from trups_xl.core.scheduling.schedule import FIXED, FLOATING, POST_MATURITY, build_schedule
from trups_xl.core.securities.loading import TERMS

D = np.datetime64


def test_tenor_spreads_are_the_statutory_numbers():
    # 12 U.S.C. 5802(20): (B) 0.11448 percent for 1-month LIBOR; (C) 0.26161 percent for 3-month
    assert TENOR_SPREAD_ADJUSTMENT[1] == pytest.approx(0.11448 / 100, abs=1e-15)
    assert TENOR_SPREAD_ADJUSTMENT[3] == pytest.approx(0.26161 / 100, abs=1e-15)


def test_replacement_date_is_the_first_london_banking_day_after_june_30_2023():
    # June 30, 2023 was a Friday; Monday July 3, 2023 was a London banking day
    assert dt.date(2023, 6, 30).weekday() == 4
    assert libor_replacement_date() == dt.date(2023, 7, 3)


def test_every_index_period_of_these_securities_takes_its_tenor_spread():
    schedule = build_schedule(terms=TERMS)
    spread = tenor_spread_adjustments(schedule)
    assert (spread[schedule.regime == FIXED] == 0).all()
    assert (spread[schedule.regime == FLOATING] == 0.0026161).all()
    assert (spread[schedule.regime == POST_MATURITY] == 0.0011448).all()


def test_first_quarterly_coupon_rate_under_the_act():
    # 3-month Term SOFR 3.75% + 0.26161% + margin 4.170% = 8.18161%
    schedule = build_schedule(terms=TERMS)
    rates = coupon_rates(schedule, Fixings(table=((dt.date(2037, 12, 21), 0.0375),)), "libor_act")
    k = int(np.flatnonzero(schedule.start == D("2037-12-21"))[0])
    assert rates[k] == pytest.approx(0.0818161, abs=1e-15)


def test_index_rate_by_policy():
    assert index_rate(D("2037-12-21"), Fixings(single=0.04), "fixings", terms=TERMS) == pytest.approx(0.04)
    assert index_rate(D("2037-12-21"), Fixings(single=0.04), "libor_act", terms=TERMS) == pytest.approx(0.0426161)
    # monthly periods start on 2057-12-21: 1-month tenor
    assert index_rate(D("2057-12-21"), Fixings(single=0.04), "libor_act", terms=TERMS) == pytest.approx(0.0411448)
    assert index_rate(D("2037-12-21"), None, "prospectus_fallback", terms=TERMS) == pytest.approx(0.0491)
    with pytest.raises(MissingFixingError, match="2038-03-21"):
        index_rate(D("2038-03-21"), None, "libor_act", terms=TERMS)


def test_adjusted_period_start_is_accepted():
    # 2038-03-21 is a Sunday: the period's accrual starts Monday 2038-03-22
    f = Fixings(table=((dt.date(2038, 3, 21), 0.03),))
    assert index_rate(D("2038-03-22"), f, terms=TERMS) == index_rate(D("2038-03-21"), f, terms=TERMS) == pytest.approx(0.03)


def test_fixings_win_over_the_curve_and_the_curve_fills_the_rest():
    schedule = build_schedule(terms=TERMS)
    fixings = Fixings(table=((dt.date(2038, 3, 21), 0.02),))
    rates = index_rates(schedule, fixings, "fixings", ForwardCurve.flat(0.05))
    k = int(np.flatnonzero(schedule.start == D("2038-03-21"))[0])
    assert rates[k] == 0.02
    linked = schedule.is_index_linked
    others = linked.copy()
    others[k] = False
    assert (rates[others] == 0.05).all()
    assert np.isnan(rates[~linked]).all()


def test_curve_has_precedence_over_the_prospectus_fallback():
    schedule = build_schedule(terms=TERMS)
    rates = index_rates(schedule, None, "prospectus_fallback", ForwardCurve.flat(0.03))
    assert (rates[schedule.is_index_linked] == 0.03).all()
