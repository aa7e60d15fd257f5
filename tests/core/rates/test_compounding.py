"""SOFR compounded daily in arrears against QuantLib's OvernightIndexedCoupon on the same daily
fixings: lookback with and without observation shift."""

import datetime as dt
import random

import numpy as np
import pytest
import QuantLib as ql

from trups_xl.core.conventions.calendars import US_GOVERNMENT_SECURITIES
from trups_xl.core.rates.compounding import compounded_rate
from trups_xl.excel import udfs

START, END = dt.date(2024, 7, 30), dt.date(2024, 10, 30)  # an XIII floating period (both business days)
QL_SOFR_CALENDAR = ql.UnitedStates(ql.UnitedStates.SOFR)


def _qd(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def _daily(seed: int) -> dict[dt.date, float]:
    rng = random.Random(seed)
    days = np.arange(np.datetime64("2024-06-01"), np.datetime64("2024-11-30")).astype(object)
    return {d: round(rng.uniform(0.045, 0.056), 6) for d in days if US_GOVERNMENT_SECURITIES.is_open(d)}


def test_the_calendars_agree_on_this_period():
    days = np.arange(np.datetime64("2024-06-01"), np.datetime64("2024-11-30")).astype(object)
    ours = [d for d in days if US_GOVERNMENT_SECURITIES.is_open(d)]
    theirs = [d for d in days if QL_SOFR_CALENDAR.isBusinessDay(_qd(d))]
    assert ours == theirs


def _quantlib_rate(daily: dict[dt.date, float], lookback: int, shift: bool, lockout: int = 0) -> float:
    ql.Settings.instance().evaluationDate = ql.Date(1, 12, 2024)
    index = ql.Sofr()
    index.clearFixings()
    for day, rate in daily.items():
        index.addFixing(_qd(day), rate)
    coupon = ql.OvernightIndexedCoupon(_qd(END), 1000.0, _qd(START), _qd(END), index, 1.0, 0.0, ql.Date(), ql.Date(),
                                       ql.Actual360(), False, ql.RateAveraging.Compound, lookback, lockout, shift)
    return coupon.rate()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("lookback", [0, 2, 5])
@pytest.mark.parametrize("shift", [False, True])
def test_compounded_rate_equals_quantlib(seed, lookback, shift):
    daily = _daily(seed)
    ours = compounded_rate(START, END, daily, lookback, shift)
    assert ours == pytest.approx(_quantlib_rate(daily, lookback, shift), abs=1e-12)


@pytest.mark.parametrize("lookback", [0, 2])
@pytest.mark.parametrize("lockout", [1, 2, 4])
@pytest.mark.parametrize("shift", [False, True])
def test_compounded_rate_with_a_lockout_equals_quantlib(lookback, lockout, shift):
    daily = _daily(11)
    ours = compounded_rate(START, END, daily, lookback, shift, lockout=lockout)
    assert ours == pytest.approx(_quantlib_rate(daily, lookback, shift, lockout), abs=1e-12)
    assert ours != compounded_rate(START, END, daily, lookback, shift)  # the lockout changes the rate


@pytest.mark.parametrize("shift", [False, True])
def test_a_compounded_sofr_security_typed_as_a_table_pays_quantlibs_coupon(shift):
    daily = _daily(7)
    table = [["base", "citigroup_capital_xiii"], ["floating_index", "sofr_compounded"],
             ["libor_determination_lag", None], ["sofr_lookback_days", 2], ["sofr_observation_shift", shift]]
    fixings = [[d, r] for d, r in daily.items()]
    rate = _quantlib_rate(daily, 2, shift)
    assert udfs.TRUPS_INDEX_RATE(START.isoformat(), None, fixings, None, table) == pytest.approx(rate, abs=1e-12)
    # XIII's margin 6.37% over the compounded rate, Actual/360 over the interest period's 92 days, on $25
    assert udfs.TRUPS_COUPON(END.isoformat(), fixings, None, None, None, table) == \
        pytest.approx(25 * (rate + 0.0637) * 92 / 360, abs=1e-10)


def test_a_missing_daily_fixing_names_the_period():
    daily = _daily(7)
    del daily[dt.date(2024, 9, 16)]
    assert compounded_rate(START, END, daily, 2, False) is None
    table = [["base", "citigroup_capital_xiii"], ["floating_index", "sofr_compounded"],
             ["libor_determination_lag", None], ["sofr_lookback_days", 2], ["sofr_observation_shift", False]]
    message = udfs.TRUPS_COUPON(END.isoformat(), [[d, r] for d, r in daily.items()], None, None, None, table)
    assert message.startswith("#TRUPS! fixings: no fixing for the floating period starting 2024-07-30")


def test_compounded_sofr_needs_its_lookback_terms():
    table = [["base", "citigroup_capital_xiii"], ["floating_index", "sofr_compounded"],
             ["libor_determination_lag", None]]
    assert udfs.TRUPS_COUPON(END.isoformat(), 0.05, None, None, None, table) == \
        "#TRUPS! security: missing term sofr_lookback_days, required with sofr_compounded"


def test_a_terms_tables_lockout_reaches_the_period_rate():
    daily = _daily(5)
    table = [["base", "citigroup_capital_xiii"], ["floating_index", "sofr_compounded"],
             ["libor_determination_lag", None], ["sofr_lookback_days", 2], ["sofr_observation_shift", True],
             ["sofr_lockout_days", 2]]
    got = udfs.TRUPS_INDEX_RATE(START.isoformat(), None, [[d, r] for d, r in daily.items()], None, table)
    assert got == pytest.approx(_quantlib_rate(daily, 2, True, 2), abs=1e-12)
    assert udfs.TRUPS_INDEX_RATE(START.isoformat(), None, 0.05, None,
                                 [["base", "citigroup_capital_xiii"], ["sofr_lockout_days", 2]]).startswith(
        "#TRUPS! security: sofr_lookback_days, sofr_observation_shift and sofr_lockout_days need")
