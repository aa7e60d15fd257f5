"""Workout dates from the terms and the cash flows to them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.workout import (
    Workout,
    WorkoutKind,
    flows,
    make_whole_window,
    pick_workout,
    workout_dates,
    workout_days,
)
from trups_xl.core.securities.loading import shipped


def test_xxi_works_out_at_every_payment_date_from_its_par_call_and_at_its_final_maturity() -> None:
    """p.38: at par on or after 2037-12-21; payments quarterly to 2057-12-21, monthly to 2077-12-21."""
    xxi = shipped()["citigroup_capital_xxi"]
    found = workout_dates(xxi, dt.date(2012, 6, 8))
    assert found[0].date == dt.date(2037, 12, 21) and found[0].kind is WorkoutKind.PAR_CALL
    assert found[-1].date == dt.date(2077, 12, 21) and found[-1].kind is WorkoutKind.MATURITY
    assert len(found) == 1 + 80 + 240  # the call date, 80 quarterly dates to 2057, 240 monthly to 2077
    assert make_whole_window(xxi) == (dt.date(2007, 12, 21), dt.date(2037, 12, 20))
    with_events = workout_dates(xxi, dt.date(2012, 6, 8), special_events=True)
    assert with_events[0] == type(with_events[0])(dt.date(2012, 6, 21), WorkoutKind.SPECIAL_EVENT)
    assert len(with_events) == len(found) + 51  # Jun 2012 .. Jun 2037, semi-annual


def test_the_workouts_after_a_day_are_those_of_the_life_after_it_on_every_day() -> None:
    """The workouts are found once for a security and cut at each settlement: on a payment date (not after it,
    so not among them), the day before and after, across the par call and the change of frequency."""
    xxi = shipped()["citigroup_capital_xxi"]
    life = workout_dates(xxi, dt.date(2007, 12, 21), special_events=True)
    days = [dt.date(2037, 12, 20) + dt.timedelta(days=k) for k in range(3)] + \
           [dt.date(2057, 12, 21) + dt.timedelta(days=k) for k in (-1, 0, 1)] + [dt.date(2012, 6, 21)]
    for day in days:
        for events in (False, True):
            found = workout_dates(xxi, day, special_events=events)
            expected = [w for w in life if w.date > day and (events or w.kind is not WorkoutKind.SPECIAL_EVENT)]
            assert list(found) == expected
            days, prices = workout_days(xxi, day, events)
            assert list(days) == [np.datetime64(w.date, "D") for w in expected]
            assert list(prices) == [w.price for w in expected]
    assert workout_dates(xxi, dt.date(2037, 12, 21))[0].date == dt.date(2038, 3, 21)


def test_a_perpetual_has_par_calls_and_no_maturity() -> None:
    series_x = shipped()["citigroup_series_x"]
    found = workout_dates(series_x, dt.date(2022, 1, 3))
    # every payment date a par call, but the last: where the calendars stop, not a term of the security
    assert {w.kind for w in found[:-1]} == {WorkoutKind.PAR_CALL}
    assert found[-1].kind is WorkoutKind.HORIZON
    assert found[0].date == dt.date(2026, 2, 18)
    with pytest.raises(TrupsInputError) as e:
        pick_workout(Workout.MATURITY, dt.date(2022, 1, 3), series_x)
    assert e.value.argument == "workout"


def test_flows_of_xxi_count_fixed_periods_whole_and_floating_quarters_as_half_periods() -> None:
    xxi = shipped()["citigroup_capital_xxi"]
    f = flows(dt.date(2012, 6, 8), xxi, 0.03)
    assert f.frequency == 2.0
    assert f.periods[0] == pytest.approx(13 / 180)  # 30/360: 2012-06-08 .. 06-21
    assert np.allclose(np.diff(f.periods[:51]), 1.0)  # semi-annual to 2037-12-21
    assert np.allclose(np.diff(f.periods[51:131]), 0.5)  # quarterly
    assert f.amounts[0] == pytest.approx(4.15)  # 8.300% x 180/360 per 100
    assert f.accrued == pytest.approx(100 * 0.083 * 167 / 360)  # 2011-12-21 .. 2012-06-08, 30/360
    # a floating quarter: (3% + 4.170%) x actual days / 360 per 100 (2038-03-22..06-21 adjusted: 91 days)
    assert f.amounts[52] == pytest.approx(100 * 0.0717 * 91 / 360)


def test_settlement_outside_the_life_is_refused_naming_it() -> None:
    xxi = shipped()["citigroup_capital_xxi"]
    with pytest.raises(TrupsInputError) as e:
        flows(dt.date(2077, 12, 21), xxi, 0.03)
    assert e.value.argument == "settlement"
