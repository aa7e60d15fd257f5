"""The schedule and accrual functions, on hand-checked XXI figures (p.20, p.40: 8.300% on $1,000, 30/360)."""

import datetime as dt

from trups_xl.excel.udfs import schedule


def test_a_full_fixed_period_and_a_stub_by_hand():
    assert schedule.TRUPS_COUPON("2008-06-21") == 41.5  # 1000 x 0.083 x 180 / 360
    # 2008-12-21 to 2009-01-31: 40 days 30/360 Bond Basis
    assert schedule.TRUPS_ACCRUAL("2008-12-21", "2009-01-31") == 1000 * 0.083 * 40 / 360
    assert schedule.TRUPS_ACCRUED_INTEREST("2009-01-31") == 1000 * 0.083 * 40 / 360


def test_payment_dates_like_couppcd_and_coupncd():
    assert schedule.TRUPS_PREVIOUS_PAYMENT_DATE("2009-01-31") == dt.date(2008, 12, 21)
    assert schedule.TRUPS_NEXT_PAYMENT_DATE("2009-01-31") == dt.date(2009, 6, 21)


def test_the_schedule_and_the_terms():
    rows = schedule.TRUPS_SCHEDULE("2008-01-01", "2009-12-31")
    assert rows[0] == schedule.SCHEDULE_HEADER and len(rows) == 1 + 4  # Jun/Dec 2008 and 2009
    assert schedule.TRUPS_TERMS("fixed_rate") == 0.083
    assert schedule.TRUPS_COUPON("2010-01-21").startswith("#TRUPS! payment_date: ")
