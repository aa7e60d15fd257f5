"""Redemption and Treasury functions, on figures checked by hand."""

import datetime as dt

from trups_xl.excel.udfs import redemption


def test_a_treasury_priced_at_its_coupon_on_a_coupon_date_is_par():
    assert redemption.TRUPS_TREASURY_PRICE("2030-05-15", "2037-11-15", 0.04, 0.04) == 100.0
    assert abs(redemption.TRUPS_TREASURY_YIELD("2030-05-15", "2037-11-15", 0.04, 100.0) - 0.04) < 1e-12


def test_the_redemption_payment_date_does_not_run_into_the_next_year():
    assert redemption.TRUPS_REDEMPTION_PAYMENT_DATE("2011-12-31") == dt.date(2011, 12, 30)  # p.22
    assert redemption.TRUPS_REDEMPTION_PAYMENT_DATE("2012-06-23") == dt.date(2012, 6, 25)  # Saturday -> Monday


def test_the_make_whole_never_below_par_plus_accrued():
    # a treasury rate of 45%: the present value is far below par, so par + accrued (p.38)
    assert redemption.TRUPS_MAKE_WHOLE("2009-12-21", 0.45) == 1000.0
    assert redemption.TRUPS_MAKE_WHOLE_PV("2009-12-21", 0.45) < 1000.0


def test_a_yield_beyond_the_plausible_range_is_refused_alike_from_a_cell_and_a_column():
    from trups_xl.core.pricing.treasury import treasury_yield

    settlement, maturity = dt.datetime(2012, 6, 8), dt.datetime(2037, 12, 21)
    found = treasury_yield(settlement.date(), maturity.date(), 0.05, 8.0)
    assert found > 0.5  # 8 per 100 for 25 years of 5% coupons: a yield above the 50% the functions accept
    refusal = f"#TRUPS! price: the yield that gives this price, {found:.4%}, is outside the plausible range -10%..50%"
    assert redemption.TRUPS_TREASURY_YIELD(settlement, maturity, 0.05, 8.0) == refusal
    assert redemption.TRUPS_TREASURY_YIELD([[settlement], [settlement]], [[maturity], [maturity]], 0.05,
                                           [[99.0], [8.0]]) == refusal
