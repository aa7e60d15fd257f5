"""Deferral, APM and share-cap functions, on figures checked by hand (p.42-47)."""

import pytest

from trups_xl.excel.udfs import deferral


def test_one_deferred_coupon_compounds_once_by_hand():
    # 2010-06-21's coupon (41.50) compounds at 8.300% x 180/360 to 2010-12-21, plus that date's coupon
    assert deferral.TRUPS_DEFERRED_INTEREST("2010-06-21", "2010-12-21") == 41.5 * (1 + 0.083 * 180 / 360) + 41.5


def test_the_claim_limit_is_a_quarter_of_principal():
    assert deferral.TRUPS_CLAIM_LIMIT(300.0) == 250.0  # p.38: 25% of $1,000
    assert deferral.TRUPS_CLAIM_LIMIT(100.0) == 100.0


def test_the_share_cap_after_the_2011_reverse_split():
    assert deferral.TRUPS_SHARE_CAP("2011-05-09") == 19_500_000.0  # 195,000,000 (p.47) / 10


# ten closes of Citigroup common, 2012-03-20..2012-04-02: the window of an issuance on 2012-04-09 (p.46)
CLOSES = [36.1, 36.5, 36.0, 36.3, 37.2, 37.0, 36.9, 36.2, 36.55, 36.9]
WINDOW = ["2012-03-20", "2012-03-21", "2012-03-22", "2012-03-23", "2012-03-26", "2012-03-27", "2012-03-28",
          "2012-03-29", "2012-03-30", "2012-04-02"]


def _apm_max(first_deferred_date):
    return deferral.TRUPS_APM_MAX_OBLIGATION("2012-04-09", [[d] for d in WINDOW], [[c] for c in CLOSES],
                                             2_932_000_000.0, None, first_deferred_date)


@pytest.mark.parametrize("start", ["2010-06-20", "2010-06-22", "2011-03-21"])
def test_a_first_deferred_date_off_the_payment_dates_is_refused_alike_by_the_deferral_dates_and_the_apm(start):
    # p.42: an extension period begins on an interest payment date (June 21 and December 21 until 2037, p.40)
    refusal = (f"#TRUPS! first_deferred_date: {start} is not a scheduled interest payment date; an extension "
               "period begins on one (p.42)")
    assert deferral.TRUPS_DEFERRAL_DATES(start) == refusal
    assert _apm_max(start) == refusal


def test_on_a_payment_date_both_the_deferral_dates_and_the_apm_answer():
    dates = deferral.TRUPS_DEFERRAL_DATES("2010-06-21")
    assert dates[1][0] == "extension_start"
    # 2% x the ten closes' mean (365.65 / 10 = 36.565) x 2,932,000,000 shares = 2,144,171,600 (p.46)
    assert _apm_max("2010-06-21") == pytest.approx(2_144_171_600.0, rel=1e-12)
