"""LIBOR from bank quotations (p.41): averages rounded upward to 0.00001%."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates.libor import libor_from_quotes, round_up_libor
from trups_xl.core.securities.loading import TERMS


def test_rounding_goes_up_to_the_next_0_00001_percent():
    # 5.123451% is between 5.12345% and 5.12346%: "rounded upward" gives 5.12346%
    assert round_up_libor(0.05123451, terms=TERMS) == pytest.approx(0.0512346, abs=1e-15)
    # already a whole multiple: unchanged, despite binary floating point
    assert round_up_libor(0.0512345, terms=TERMS) == pytest.approx(0.0512345, abs=1e-15)
    assert round_up_libor(0.05, terms=TERMS) == 0.05


def test_london_mean_of_at_least_two_quotes():
    # (5.25% + 5.251% + 5.262%) / 3 = 5.25433333...% -> 5.25434%
    assert libor_from_quotes([0.0525, 0.05251, 0.05262], terms=TERMS) == pytest.approx(0.0525434, abs=1e-15)
    # two quotes are enough: (5% + 5.00001%) / 2 = 5.000005% -> 5.00001%
    assert libor_from_quotes([0.05, 0.0500001], terms=TERMS) == pytest.approx(0.0500001, abs=1e-15)


def test_new_york_when_london_gives_fewer_than_two():
    # one London quote is ignored; three New York banks: (5.1% + 5.2% + 5.3%) / 3 = 5.2%
    assert libor_from_quotes([0.09], [0.051, 0.052, 0.053], terms=TERMS) == pytest.approx(0.052, abs=1e-15)


def test_fallback_when_neither_city_is_enough():
    assert libor_from_quotes([0.05], [0.05, 0.05], terms=TERMS) is None
    assert libor_from_quotes([], terms=TERMS) is None


def test_negative_quotes_are_refused():
    with pytest.raises(TrupsInputError, match="london_quotes"):
        libor_from_quotes([0.05, -0.01], terms=TERMS)


@given(st.lists(st.integers(0, 10_000_000), min_size=2, max_size=4))
def test_rounded_mean_is_the_smallest_grid_point_not_below_the_mean(steps):
    quotes = [s * 1e-7 for s in steps]  # quotations on the 0.00001% grid
    result = libor_from_quotes(quotes, terms=TERMS)
    exact_mean_steps = sum(steps) / len(steps)
    assert result * 1e7 == pytest.approx(-(-sum(steps) // len(steps)), abs=1e-6)
    assert result * 1e7 >= exact_mean_steps - 1e-6


@pytest.mark.parametrize(("security", "index"), [("jpmorgan_notes_2031", "term_sofr_3m"),
                                                 ("citigroup_senior_2030", "sofr_compounded")])
def test_quotations_set_only_a_libor_index(security, index):
    from trups_xl.core.securities.loading import by_name

    with pytest.raises(TrupsInputError, match=f"this security's index is {index}, not LIBOR"):
        libor_from_quotes([0.05, 0.051], terms=by_name(security))


def test_the_fallback_message_names_the_securitys_own_first_period():
    from trups_xl.excel import udfs

    assert "(4.910% for the period from 2037-12-21)" in udfs.TRUPS_LIBOR_FROM_QUOTES(None, None, None)
    # XIII gives no first-period fallback rate: XXI's is not quoted for it
    assert udfs.TRUPS_LIBOR_FROM_QUOTES(None, None, "citigroup_capital_xiii") == (
        "#TRUPS! london_quotes: fewer than 2 London and fewer than 3 New York quotations: LIBOR is the previous "
        "period's, p.41")
