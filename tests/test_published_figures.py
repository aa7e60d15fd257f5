"""Published real-world figures: the best oracle there is, because nobody here wrote them.

Citigroup Capital XIII paid $0.6815 per $25 security on January 30, 2023 (Nasdaq, "ex-div
reminder for Citigroup ... Fixed Rate/Floating Rate Trust Preferred Securities", ex-date
2023-01-26). The period ran from October 30, 2022 (a Sunday: accrual from Monday October 31 under
modified following) to January 30, 2023, at three-month USD LIBOR set on October 27, 2022 (the
second London banking day before) plus 6.37%. That LIBOR setting, 4.41471%, is read from a
published page of USD LIBOR settles (fixedincomegroup.com, "LIBOR v BSBY v SOFR" for 10/28/22:
3-month 4.43957%, change +0.02486 from the day before).
"""

import datetime as dt

import numpy as np
import pytest

from trups_xl.core.pricing.accrual import coupon
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.securities.loading import by_name
from trups_xl.excel import udfs

XIII = "citigroup_capital_xiii"
LIBOR_2022_10_27 = 0.0443957 - 0.0002486  # 10/28/22 settle less that day's change


def test_xiii_distribution_paid_2023_01_30():
    fixings = [["2022-10-30", LIBOR_2022_10_27]]
    assert round(udfs.TRUPS_COUPON("2023-01-30", fixings, None, None, None, XIII), 4) == 0.6815
    header, row = udfs.TRUPS_SCHEDULE("2023-01-30", "2023-01-30", fixings, None, None, None, XIII)
    period = dict(zip(header, row, strict=True))
    assert period["accrual_start"] == dt.date(2022, 10, 31) and period["days"] == 91
    assert period["determination_date"] == dt.date(2022, 10, 27)
    assert period["payment_date"] == dt.date(2023, 1, 30)


def test_the_published_amount_decides_the_readings_it_touches():
    """The fourth decimal tells apart the readings this period could have had: accrual from the
    unadjusted October 30 (92 days, the "unadjusted" convention) or the next day's LIBOR setting."""
    fixings = Fixings.of([(dt.date(2022, 10, 30), LIBOR_2022_10_27)])
    unadjusted = float(coupon(np.datetime64("2023-01-30"), fixings, convention="unadjusted", terms=by_name(XIII)))
    assert round(unadjusted, 4) != 0.6815
    next_day = udfs.TRUPS_COUPON("2023-01-30", [["2022-10-30", 0.0443957]], None, None, None, XIII)
    assert round(next_day, 4) != 0.6815


# Mellon Capital IV (BNY Mellon Series A underneath since 2012): the greater of three-month LIBOR
# + 0.565% and 4.000%, Actual/360 on $1,000. BNY Mellon's 10-Q for the quarter to March 31, 2014
# lists the dividends paid per $1,000 depositary share: $10.0000 (March 20, 2013), $10.2222
# (June 20), $10.2222 (September 20), $10.1111 (December 20, 2013), $10.0000 (March 20, 2014).
# Three-month LIBOR was about 0.25% then, far below the 3.435% at which the floor stops binding,
# so the published amounts test the floor without the index: any fixing below it gives them.
MELLON = "mellon_capital_iv"
MELLON_DIVIDENDS = {"2013-03-20": 10.0000, "2013-06-20": 10.2222, "2013-09-20": 10.2222,
                    "2013-12-20": 10.1111, "2014-03-20": 10.0000}


def test_mellon_capital_iv_dividends_where_the_4_percent_floor_bound():
    for libor in (0.0, 0.0025, 0.03):
        for day, paid in MELLON_DIVIDENDS.items():
            assert round(udfs.TRUPS_COUPON(day, libor, None, None, None, MELLON), 4) == paid, (day, libor)


def test_mellon_capital_iv_above_the_floor_is_index_plus_margin_by_hand():
    # September 20 -> December 20, 2013: 91 days; 5% + 0.565% = 5.565% > 4%
    assert udfs.TRUPS_COUPON("2013-12-20", 0.05, None, None, None, MELLON) == \
        pytest.approx(1000 * 0.05565 * 91 / 360, abs=1e-9)


# Citigroup Series X: 3.875% a year, quarterly, to the first reset date; redeemed in whole on that
# date, February 18, 2026, at $1,000 per depositary share, paying the regular dividend of $9.6875
# (Citigroup's redemption announcement, February 2026).
SERIES_X = "citigroup_series_x"


def test_citigroup_series_x_last_fixed_dividend_and_redemption_price():
    assert udfs.TRUPS_COUPON("2026-02-18", None, None, None, None, SERIES_X) == 9.6875
    assert udfs.TRUPS_REDEMPTION_PRICE("2026-02-18", None, None, None, None, None, None, None, SERIES_X) == 1000.0
    assert udfs.TRUPS_ACCRUED_INTEREST("2026-02-18", None, None, None, None, SERIES_X) == 0.0
