"""Deferral, APM and share-cap functions, on figures checked by hand (p.42-47)."""

from trups_xl.excel.udfs import deferral


def test_one_deferred_coupon_compounds_once_by_hand():
    # 2010-06-21's coupon (41.50) compounds at 8.300% x 180/360 to 2010-12-21, plus that date's coupon
    assert deferral.TRUPS_DEFERRED_INTEREST("2010-06-21", "2010-12-21") == 41.5 * (1 + 0.083 * 180 / 360) + 41.5


def test_the_claim_limit_is_a_quarter_of_principal():
    assert deferral.TRUPS_CLAIM_LIMIT(300.0) == 250.0  # p.38: 25% of $1,000
    assert deferral.TRUPS_CLAIM_LIMIT(100.0) == 100.0


def test_the_share_cap_after_the_2011_reverse_split():
    assert deferral.TRUPS_SHARE_CAP("2011-05-09") == 19_500_000.0  # 195,000,000 (p.47) / 10
