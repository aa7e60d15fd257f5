"""XXI's covenant data against the prospectus's table (p.61-62) and definitions (p.63-64)."""

import datetime as dt

from trups_xl.core.securities import xxi_covenant as crc


def test_the_table_as_the_prospectus_prints_it():
    assert [p for _, p in crc.PERCENTAGE_TABLE["common_stock"]] == [1.33, 2.00, 4.00]  # p.61 (i)
    assert [p for _, p in crc.PERCENTAGE_TABLE["reit_preferred"]] == [1.00, 1.50, 3.00]  # p.62 (ii)
    assert [p for _, p in crc.PERCENTAGE_TABLE["qcs_ii"]] == [1.00, 2.00]  # p.62 (iii)
    assert [p for _, p in crc.PERCENTAGE_TABLE["qcs_iii"]] == [1.00]  # p.62 (iv)
    assert crc.STEP_2027 == dt.date(2027, 12, 21) and crc.STEP_2047 == dt.date(2047, 12, 21)


def test_every_step_date_is_in_order_and_clauses_qualify_later():
    for steps in crc.PERCENTAGE_TABLE.values():
        assert [d for d, _ in steps] == sorted(d for d, _ in steps) and steps[0][0] == crc.COVENANT_START
    assert crc.QUALIFIES_FROM == {"qcs_ii": crc.STEP_2027, "qcs_iii": crc.STEP_2047}  # p.63-64
    assert set(crc.QCS_CATEGORIES) <= set(crc.CATEGORIES)
    assert crc.MEASUREMENT_SWITCH == dt.date(2057, 12, 21)  # p.63
