"""The index after LIBOR: the LIBOR Act's replacement and the p.41 quotation average, by hand."""

from trups_xl.excel.udfs import rates


def test_libor_act_adds_the_three_month_tenor_spread():
    assert abs(rates.TRUPS_INDEX_RATE("2037-12-21", "libor_act", 0.0375) - (0.0375 + 0.0026161)) < 1e-15


def test_quotations_average_rounded_up_to_a_hundred_thousandth_of_a_percent():
    assert rates.TRUPS_LIBOR_FROM_QUOTES([[0.0525, 0.05251, 0.05262]]) == 0.0525434  # 0.0525433.. up
