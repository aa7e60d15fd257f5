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
