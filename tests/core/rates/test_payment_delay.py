"""Compounded SOFR with a payment delay (Citigroup's fixed rate / floating rate senior notes): each
floating period compounds SOFR over itself and is paid two business days after its end date; the
last is paid at maturity with SOFR fixed from the rate cut-off date.

Oracles: the first floating payment dates printed in seven Citigroup pricing term sheets (one of them
a Saturday period end), and QuantLib's OvernightLeg with a two-day payment lag on the same daily
fixings (coupon amounts and payment dates)."""

import datetime as dt
import random

import numpy as np
import pytest
import QuantLib as ql

from trups_xl.core.conventions.calendars import US_GOVERNMENT_SECURITIES
from trups_xl.core.scheduling.schedule import build_schedule, payment_delay_calendar
from trups_xl.core.securities.loading import by_name
from trups_xl.core.securities.terms import from_mapping
from trups_xl.excel import udfs

SECURITY = "citigroup_senior_2030"
NOTES = by_name(SECURITY)


def _qd(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def _py(day: ql.Date) -> dt.date:
    return dt.date(day.year(), day.month(), day.dayOfMonth())


def _citigroup_notes(settlement: str, switch: str, maturity: str) -> object:
    """The shipped notes' terms with another Citigroup note's dates (same program, same conventions)."""
    s, w, m = (dt.date.fromisoformat(d) for d in (settlement, switch, maturity))
    values = dict(NOTES.as_rows()) | {"issue_date": s, "first_payment_date": s.replace(year=s.year + (s.month > 6),
                                      month=(s.month + 5) % 12 + 1), "switch_date": w, "maturity_date": m}
    return from_mapping(values)


# (settlement, floating from, maturity, the term sheet's first floating payment date)
TERM_SHEETS = [
    ("2019-11-05", "2029-11-05", "2030-11-05", "2030-02-07"),  # 2.976% due 2030 (the shipped notes)
    ("2020-03-26", "2040-03-26", "2041-03-26", "2040-06-28"),  # 5.316% due 2041
    ("2020-06-03", "2030-06-03", "2031-06-03", "2030-09-05"),  # 2.572% due 2031
    ("2021-01-28", "2026-01-28", "2027-01-28", "2026-04-30"),  # 1.122% due 2027
    ("2022-05-24", "2024-05-24", "2025-05-24", "2024-08-27"),  # 4.140% due 2025: ends Saturday Aug 24
    ("2021-11-03", "2031-11-03", "2032-11-03", "2032-02-05"),  # 2.520% due 2032
    ("2024-06-11", "2034-06-11", "2035-06-11", "2034-09-13"),  # 5.449% due 2035
]


@pytest.mark.parametrize(("settlement", "switch", "maturity", "first_floating_payment"), TERM_SHEETS)
def test_the_first_floating_payment_is_the_term_sheets(settlement, switch, maturity, first_floating_payment):
    schedule = build_schedule(terms=_citigroup_notes(settlement, switch, maturity))
    k = int(np.flatnonzero(schedule.regime == "floating")[0])
    assert str(schedule.payment_date[k]) == first_floating_payment


def test_a_holiday_moves_the_payment_the_term_sheet_prints_without_holidays():
    # 3.290% notes due 2026: the term sheet says "beginning on June 19, 2025", Juneteenth (a holiday)
    schedule = build_schedule(terms=_citigroup_notes("2022-03-17", "2025-03-17", "2026-03-17"))
    k = int(np.flatnonzero(schedule.regime == "floating")[0])
    assert str(schedule.payment_date[k]) == "2025-06-20"


def test_the_shipped_notes_dates():
    schedule = build_schedule(terms=NOTES)
    floating = schedule.regime == "floating"
    assert [str(d) for d in schedule.payment_date[floating]] == ["2030-02-07", "2030-05-07", "2030-08-07",
                                                                 "2030-11-05"]  # the last at maturity
    # May 5, 2030 is a Sunday: the interest period ends Monday May 6 (modified following)
    assert [str(d) for d in schedule.accrual_end[floating]] == ["2030-02-05", "2030-05-06", "2030-08-05",
                                                                "2030-11-05"]
    # the fixed periods are paid as before: on the date, or the next business day
    assert str(schedule.payment_date[~floating][-2]) == "2029-05-07"  # May 5, 2029 is a Saturday


def _daily(seed: int) -> dict[dt.date, float]:
    rng = random.Random(seed)
    days = np.arange(np.datetime64("2029-11-05"), np.datetime64("2030-11-05")).astype(object)
    return {d: round(rng.uniform(0.02, 0.05), 6) for d in days if US_GOVERNMENT_SECURITIES.is_open(d)}


def _quantlib_leg(daily: dict[dt.date, float]) -> list[ql.OvernightIndexedCoupon]:
    ql.Settings.instance().evaluationDate = ql.Date(1, 12, 2030)
    index = ql.Sofr()
    index.clearFixings()
    for day, rate in daily.items():
        index.addFixing(_qd(day), rate)
    new_york = ql.UnitedStates(ql.UnitedStates.FederalReserve)
    schedule = ql.Schedule(_qd(NOTES.switch_date), _qd(NOTES.maturity_date), ql.Period(3, ql.Months), new_york,
                           ql.ModifiedFollowing, ql.ModifiedFollowing, ql.DateGeneration.Forward, False)
    both = ql.JointCalendar(new_york, ql.UnitedStates(ql.UnitedStates.SOFR))
    leg = ql.OvernightLeg([1000.0], schedule, index, ql.Actual360(), ql.Following, [1.0], [NOTES.floating_margin],
                          False, ql.RateAveraging.Compound, both, 2)
    return [ql.as_overnight_indexed_coupon(c) for c in leg]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_delayed_coupon_equals_quantlibs(seed):
    daily = _daily(seed)
    fixings = [[d, r] for d, r in daily.items()]
    coupons = _quantlib_leg(daily)
    ours = build_schedule(terms=NOTES)
    floating = np.flatnonzero(ours.regime == "floating")
    for k, coupon in zip(floating[:-1], coupons[:-1], strict=True):  # all but the final period
        scheduled_end = ours.end[k].astype(object)
        assert udfs.TRUPS_COUPON(scheduled_end.isoformat(), fixings, None, None, None, SECURITY) == \
            pytest.approx(coupon.amount(), abs=1e-8)
        if US_GOVERNMENT_SECURITIES.is_open(scheduled_end):  # QuantLib counts from the adjusted end
            assert ours.payment_date[k].astype(object) == _py(coupon.date())


@pytest.mark.parametrize("seed", [4, 5])
def test_the_final_period_takes_the_rate_cut_off_dates_sofr(seed):
    daily = _daily(seed)
    maturity = NOTES.maturity_date
    cut_off = US_GOVERNMENT_SECURITIES.advance_day(maturity, -2)  # two business days before maturity
    # by hand: every day from the cut-off date on compounds at the cut-off date's SOFR; QuantLib's
    # plain coupon over those fixings is then the period's coupon
    held = {d: (daily[cut_off] if d >= cut_off else r) for d, r in daily.items()}
    final = _quantlib_leg(held)[-1].amount()  # (QuantLib's SOFR fixings are global: read before the next leg)
    fixings = [[d, r] for d, r in daily.items()]
    assert udfs.TRUPS_COUPON(maturity.isoformat(), fixings, None, None, None, SECURITY) == \
        pytest.approx(final, abs=1e-8)
    unheld = _quantlib_leg(daily)[-1].amount()
    assert final != pytest.approx(unheld, abs=1e-8)  # the cut-off changes the coupon


def test_the_rate_is_known_when_its_last_sofr_is_published():
    schedule = build_schedule(terms=NOTES)
    floating = schedule.regime == "floating"
    # no lookback: each period's end; the final period's, the day after the rate cut-off date
    assert [str(d) for d in schedule.determination_date[floating]] == ["2030-02-05", "2030-05-06", "2030-08-05",
                                                                       "2030-11-04"]


def test_the_fixed_coupon_by_hand():
    # $1,000 x 2.976% / 2 each half-year (30/360); the first period Nov 5, 2019 to May 5, 2020
    assert udfs.TRUPS_COUPON("2020-05-05", None, None, None, None, SECURITY) == pytest.approx(14.88, abs=1e-12)


def test_the_delay_calendar_is_both_markets():
    both = payment_delay_calendar()
    assert not both.is_open(dt.date(2030, 4, 19))  # Good Friday: New York banks open, SIFMA closed
    assert not both.is_open(dt.date(2030, 11, 11))  # Veterans Day: both closed


def test_a_payment_delay_needs_a_floating_period():
    table = [["base", "citigroup_capital_xxi"], ["switch_date", None], ["payment_delay_days", 2]]
    assert udfs.TRUPS_COUPON("2008-06-21", None, None, None, None, table).startswith(
        "#TRUPS! security: payment_delay_days delays a floating period's payment: it needs a switch_date")


def test_a_perpetual_delayed_schedule_has_no_maturity_cut_off():
    """Without a maturity the schedule's last period is only the calendars' horizon: it is paid two
    days late like every other, and its SOFR is not held from a cut-off."""
    perpetual = from_mapping(dict(NOTES.as_rows()) | {"maturity_date": None})
    schedule = build_schedule(terms=perpetual)
    last_end = schedule.end[-1].astype(object)
    assert schedule.payment_date[-1].astype(object) == payment_delay_calendar().advance_day(last_end, 2)
    assert schedule.determination_date[-1] == schedule.accrual_end[-1]  # known at its end, as the others
