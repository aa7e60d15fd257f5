"""APM window, average price, maximum obligation and allocation."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.provisions.apm import apm_allocate, apm_applies, apm_average_price, apm_max_obligation, apm_window
from trups_xl.core.securities.loading import TERMS

ql = pytest.importorskip("QuantLib")

# Monday 2012-04-09 follows Good Friday 2012-04-06 (NYSE closed). Trading days before it:
# Thu 04-05 (1st), Wed 04-04 (2nd), Tue 04-03 (3rd), Mon 04-02 (4th) -> the window ends 04-02,
# and runs back ten trading days: 03-20 .. 03-23, 03-26 .. 03-30, 04-02.
WINDOW_2012_04_09 = [dt.date(2012, 3, d) for d in (20, 21, 22, 23, 26, 27, 28, 29, 30)] + [dt.date(2012, 4, 2)]


def test_window_for_a_monday_after_a_holiday():
    assert apm_window(dt.date(2012, 4, 9), terms=TERMS) == WINDOW_2012_04_09


@given(st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2077, 12, 21)))
def test_window_matches_quantlib_nyse(issuance):
    nyse = ql.UnitedStates(ql.UnitedStates.NYSE)
    day = ql.Date(issuance.day, issuance.month, issuance.year)
    # the 4th trading day strictly before issuance, then ten trading days ending there
    previous = [d for d in (day - k for k in range(1, 30)) if nyse.isBusinessDay(d)]
    end = previous[3]
    window = [d for d in (end - k for k in range(0, 30)) if nyse.isBusinessDay(d)][:10][::-1]
    ours = apm_window(issuance, terms=TERMS)
    assert ours == [dt.date(d.year(), d.month(), d.dayOfMonth()) for d in window]


def test_average_and_refusals():
    prices = [36.0 + i for i in range(10)]
    assert apm_average_price(dt.date(2012, 4, 9), WINDOW_2012_04_09, prices, terms=TERMS) == pytest.approx(40.5)
    with pytest.raises(TrupsInputError, match="2012-03-26"):
        apm_average_price(dt.date(2012, 4, 9), WINDOW_2012_04_09[:4] + WINDOW_2012_04_09[5:], prices[:9], terms=TERMS)
    with pytest.raises(TrupsInputError, match="non-trading days inside the window: 2012-03-24"):
        apm_average_price(dt.date(2012, 4, 9), [*WINDOW_2012_04_09, dt.date(2012, 3, 24)], [*prices, 1.0], terms=TERMS)
    # prices outside the window are ignored, even on holidays
    assert apm_average_price(dt.date(2012, 4, 9), [*WINDOW_2012_04_09, dt.date(2012, 4, 6)],
                             [*prices, 1.0], terms=TERMS) == pytest.approx(40.5)


def test_max_obligation():
    # 2% x 40.50 x 2,900,000,000 shares = 2,349,000,000
    assert apm_max_obligation(40.5, 2.9e9, terms=TERMS) == pytest.approx(2_349_000_000.0)
    assert apm_max_obligation(40.5, 2.9e9, 2_000_000_000.0, terms=TERMS) == pytest.approx(349_000_000.0)
    assert apm_max_obligation(40.5, 2.9e9, 3e9, terms=TERMS) == 0.0
    assert apm_applies(dt.date(2010, 6, 21), dt.date(2015, 6, 21), terms=TERMS)
    assert not apm_applies(dt.date(2010, 6, 21), dt.date(2015, 6, 22), terms=TERMS)


def test_allocation_oldest_first_in_input_order():
    paid, left = apm_allocate(60.0, [dt.date(2011, 6, 21), dt.date(2010, 12, 21)], [41.5, 41.5])
    assert list(paid) == [18.5, 41.5] and left == 0.0


@given(st.floats(min_value=0, max_value=1e6),
       st.lists(st.tuples(st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2077, 1, 1)),
                          st.floats(min_value=0, max_value=1e5)), min_size=1, max_size=20))
def test_allocation_properties(proceeds, items):
    dates, amounts = [d for d, _ in items], [a for _, a in items]
    paid, left = apm_allocate(proceeds, dates, amounts)
    assert (paid >= 0).all() and (paid <= np.array(amounts) + 1e-9).all()
    assert paid.sum() <= proceeds + 1e-6 and left >= -1e-6
    order = sorted(range(len(items)), key=lambda i: (dates[i], i))
    # oldest first: once an item is short-paid, every later one gets nothing
    short = [i for i in order if paid[i] < amounts[i] - 1e-9]
    if short:
        assert all(paid[i] == 0 for i in order[order.index(short[0]) + 1:])
        assert left == pytest.approx(0, abs=1e-6)


def test_the_apm_refuses_an_extension_period_starting_off_an_interest_payment_date():
    # p.42: an extension period begins on an interest payment date; 2010-06-22 is the day after one
    with pytest.raises(TrupsInputError, match="not a scheduled interest payment date") as e:
        apm_applies(dt.date(2010, 6, 22), dt.date(2012, 4, 9), terms=TERMS)
    assert e.value.argument == "first_deferred_date"
