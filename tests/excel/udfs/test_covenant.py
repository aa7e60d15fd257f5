"""The capital replacement covenant functions, on the p.61-62 table."""

from trups_xl.excel.udfs import covenant


def test_the_percentage_steps_up_on_dec_21_2027():
    assert covenant.TRUPS_CRC_PERCENTAGE("2027-12-20", "common_stock") == 1.33
    assert covenant.TRUPS_CRC_PERCENTAGE("2027-12-21", "common_stock") == 2.0


def test_the_maturity_repayment_and_its_5_million_floor():
    assert covenant.TRUPS_MATURITY_REPAYMENT(1e9) == 1e9  # qcs_iii: 100%
    assert covenant.TRUPS_MATURITY_REPAYMENT(4_999_999.0) == 0.0  # p.35
