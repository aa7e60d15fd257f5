"""One function, one rule: a single cell (the core's one-date path inside the same function) gives
what a range of the same cells gives (its array path), bit for bit (the discounting's log1p/exp are
numpy's on both paths), and the same refusal."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.core.pricing import accrual
from trups_xl.core.scheduling.schedule import build_schedule
from trups_xl.core.securities.loading import TERMS, by_name
from trups_xl.excel import udfs
from trups_xl.excel.function import INFO, REGISTRY

LIFE = st.dates(dt.date(2007, 12, 21), dt.date(2077, 12, 21))
FIXED = st.dates(dt.date(2007, 12, 21), dt.date(2037, 12, 20))


def _as_range(value):
    return [[value], [value]]  # two cells: the array path


@given(LIFE, LIFE, st.sampled_from([None, 25.0, 1000.0, 3.5e9]), st.sampled_from([None, "citigroup_capital_xiii"]))
def test_accrual_scalar_equals_array(a, b, principal, security):
    a, b = min(a, b), max(a, b)
    scalar = udfs.TRUPS_ACCRUAL(a.isoformat(), b.isoformat(), None, principal, None, None, security)
    array = udfs.TRUPS_ACCRUAL(_as_range(a.isoformat()), _as_range(b.isoformat()), None, principal, None, None,
                               security)
    if isinstance(scalar, str):
        assert isinstance(array, str) and scalar.split(":")[0] == array.split(":")[0]
    else:
        assert scalar == array[0][0] and scalar == array[1][0]


@given(LIFE)
def test_accrued_interest_scalar_equals_array(day):
    scalar = udfs.TRUPS_ACCRUED_INTEREST(day.isoformat())
    array = udfs.TRUPS_ACCRUED_INTEREST(_as_range(day.isoformat()))
    assert scalar == array or scalar == array[0][0]


#: Every scheduled payment date of XXI: fixed, floating and post-maturity periods alike.
PAYMENT_DATES = [d.item().isoformat() for d in build_schedule(terms=TERMS).end]


@given(st.sampled_from(PAYMENT_DATES), st.sampled_from([None, 0.0525]), st.sampled_from([None, 25.0, 1000.0]))
def test_coupon_scalar_equals_array_on_payment_dates(day, fixing, principal):
    """Scheduled payment dates give numbers on both paths (a fixing for the index-linked periods):
    the cell's coupon equals the range's, bit for bit."""
    fixings = 0.0525 if day > "2037-12-21" else fixing
    coupon = udfs.TRUPS_COUPON(day, fixings, principal)
    coupon_array = udfs.TRUPS_COUPON(_as_range(day), fixings, principal)
    assert isinstance(coupon, float), coupon
    assert coupon == coupon_array[0][0] == coupon_array[1][0]


@settings(max_examples=300)
@given(FIXED, st.floats(-0.05, 0.2), st.sampled_from([None, 0.0, 0.01]), st.sampled_from([None, "subtract_accrued"]),
       st.sampled_from([None, "period_less_accrued"]))
def test_make_whole_scalar_equals_array(day, rate, spread, stub, count):
    for fn in (udfs.TRUPS_MAKE_WHOLE, udfs.TRUPS_MAKE_WHOLE_PV):
        scalar = fn(day.isoformat(), rate, spread, None, stub, count)
        array = fn(_as_range(day.isoformat()), rate, spread, None, stub, count)
        if isinstance(scalar, str):
            assert isinstance(array, str)
            continue
        assert scalar == array[0][0] == array[1][0]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_function_same_by_single_cell_and_1x1_range(name):
    """A single cell arrives bare or, with ndim=2, as [[x]]: the same answer either way."""
    example = list(INFO[name].example)
    wrapped = [[[v]] if not isinstance(v, list) and v is not None else v for v in example]
    assert REGISTRY[name](*wrapped) == REGISTRY[name](*example)


@settings(max_examples=200)
@given(st.dates(dt.date(1995, 1, 1), dt.date(2060, 1, 1)), st.integers(30, 365 * 30),
       st.sampled_from([0.0, 0.01875, 0.04375, 0.08]), st.floats(-0.02, 0.15), st.floats(50, 150))
def test_treasury_scalar_equals_array(settlement, days, coupon, yield_rate, price):
    maturity = settlement + dt.timedelta(days=days)
    s, m = settlement.isoformat(), maturity.isoformat()
    scalar = udfs.TRUPS_TREASURY_PRICE(s, m, coupon, yield_rate)
    array = udfs.TRUPS_TREASURY_PRICE(_as_range(s), m, coupon, yield_rate)
    if isinstance(scalar, str) or isinstance(array, str):
        assert scalar == array  # the same refusal, from the same path
        return
    assert scalar == array[0][0]
    scalar = udfs.TRUPS_TREASURY_YIELD(s, m, coupon, price)
    array = udfs.TRUPS_TREASURY_YIELD(_as_range(s), m, coupon, price)
    if isinstance(scalar, str) or isinstance(array, str):
        assert isinstance(scalar, str) and isinstance(array, str)
    else:
        assert scalar == array[0][0]


@given(FIXED, st.floats(0.0, 0.2), st.floats(60, 160))
def test_par_call_yield_and_price_scalar_equal_array(day, yield_rate, price):
    s = day.isoformat()
    scalar = udfs.TRUPS_PRICE_FROM_YIELD(s, yield_rate)
    array = udfs.TRUPS_PRICE_FROM_YIELD(_as_range(s), yield_rate)
    if isinstance(scalar, str) or isinstance(array, str):
        assert isinstance(scalar, str) and isinstance(array, str)
        return
    assert scalar == array[0][0]
    scalar = udfs.TRUPS_YIELD_TO_CALL(s, price)
    array = udfs.TRUPS_YIELD_TO_CALL(_as_range(s), price)
    if isinstance(scalar, str) or isinstance(array, str):
        assert isinstance(scalar, str) and isinstance(array, str)
    else:
        assert scalar == array[0][0]


@given(LIFE, st.sampled_from([None, 0.02, 0.05]), st.sampled_from([None, "tax", "regulatory_capital"]),
       st.integers(0, 120))
def test_redemption_price_scalar_equals_array(day, rate, trigger, days_after_event):
    event = None if trigger is None else (day - dt.timedelta(days=days_after_event)).isoformat()
    scalar = udfs.TRUPS_REDEMPTION_PRICE(day.isoformat(), rate, trigger, event, 0.04)
    array = udfs.TRUPS_REDEMPTION_PRICE(_as_range(day.isoformat()), rate, trigger, event, 0.04)
    if isinstance(scalar, str) or isinstance(array, str):
        assert scalar == array
        return
    assert scalar == array[0][0]
    no_fixings = udfs.TRUPS_REDEMPTION_PRICE(day.isoformat(), rate, trigger, event)
    no_fixings_array = udfs.TRUPS_REDEMPTION_PRICE(_as_range(day.isoformat()), rate, trigger, event)
    if not isinstance(no_fixings, str):
        assert no_fixings == pytest.approx(no_fixings_array[0][0], rel=5e-16)
    else:
        assert no_fixings == no_fixings_array


@pytest.mark.parametrize("security", ["citigroup_capital_xxi", "citigroup_capital_xiii"])
def test_payment_dates_of_one_date_equal_the_array_path_every_day(security):
    terms = by_name(security)
    days = np.arange(np.datetime64(terms.issue_date), np.datetime64(terms.final_repayment))
    as_dates = days.astype(object)
    assert [accrual.previous_payment_date(d, terms) for d in as_dates] == \
        accrual.previous_payment_date(days, terms).astype(object).tolist()
    assert [accrual.next_payment_date(d, terms) for d in as_dates] == \
        accrual.next_payment_date(days, terms).astype(object).tolist()


@given(st.dates(dt.date(2006, 1, 1), dt.date(2079, 12, 31)), st.sampled_from([None, "citigroup_capital_xiii"]),
       st.sampled_from([None, 2.0, 3.0]))
def test_date_functions_scalar_equal_array(day, security, lag):
    """Through the Excel layer: one cell (scalar path) and a range (array path) agree, refusals included."""
    for fn, args in ((udfs.TRUPS_PREVIOUS_PAYMENT_DATE, (security,)), (udfs.TRUPS_NEXT_PAYMENT_DATE, (security,)),
                     (udfs.TRUPS_REDEMPTION_PAYMENT_DATE, (security,)), (udfs.TRUPS_TREASURY_PRICE_DATE, (lag, security))):
        one = fn(day.isoformat(), *args)
        many = fn(_as_range(day.isoformat()), *args)
        if isinstance(one, str):
            assert isinstance(many, str) and one.split(":")[0] == many.split(":")[0], (fn.__name__, one, many)
        else:
            assert one == many[0][0] == many[1][0], fn.__name__
