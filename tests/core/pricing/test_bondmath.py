"""The closed-form present value, its derivative, and the bracketed yield solver."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import bondmath


def _explicit_pv(w, n, first, coupon, redemption, rate, frequency=2.0):
    """The stream discounted flow by flow (no closed form): first at w, then n - 1 coupons."""
    v = 1.0 / (1.0 + rate / frequency)
    flows = [first] + [coupon] * (n - 1)
    flows[-1] += redemption
    return sum(f * v ** (w + k) for k, f in enumerate(flows))


@settings(max_examples=300, deadline=None)
@given(w=st.floats(0.0, 1.0), n=st.integers(1, 80), first=st.floats(0.0, 60.0), coupon=st.floats(0.0, 60.0),
       rate=st.floats(-0.05, 0.5))
def test_closed_form_and_its_slope_match_the_flows_discounted_one_by_one(w, n, first, coupon, rate):
    pv, slope = bondmath._pv_and_slope(w, n, first, coupon, 100.0, rate, 2.0, slope=True)
    assert float(pv) == pytest.approx(_explicit_pv(w, n, first, coupon, 100.0, rate), rel=1e-12)
    h = 1e-6
    central = (_explicit_pv(w, n, first, coupon, 100.0, rate + h)
               - _explicit_pv(w, n, first, coupon, 100.0, rate - h)) / (2 * h)
    assert float(slope) == pytest.approx(central, rel=1e-6, abs=1e-6)
    # Python numbers take the float path: numpy's log1p/exp on one number, bit for bit the array's
    one = bondmath.pv_semiannual(float(w), n, float(first), float(coupon), 100.0, float(rate))
    assert type(one) is float and one == float(pv)
    assert float(bondmath.pv_semiannual(np.array([w]), n, first, coupon, 100.0, rate)[0]) == float(pv)


def test_a_step_landing_on_the_root_ends_the_search(monkeypatch):
    """Newton's step from the low side can land exactly on the root (pv == target); that step is
    taken as the answer, not refused as outside the bracket (which cost ~40 bisections)."""
    w, n, c, target = 0.39130435, 19.0, 2.1875, 110.0
    calls = []
    real = bondmath._pv_and_slope

    def counting(*args, **kwargs):
        calls.append(kwargs.get("slope"))
        return real(*args, **kwargs)

    monkeypatch.setattr(bondmath, "_pv_and_slope", counting)
    y = float(bondmath.solve_yield(target, w, n, c, c, 100.0))
    assert abs(float(real(w, n, c, c, 100.0, y, 2.0, slope=False)[0]) - target) <= 1e-9
    assert calls.count(True) <= 8, f"{calls.count(True)} Newton steps"


def test_targets_no_rate_reaches_are_refused_with_the_bracket_named():
    w = np.array([0.5, 0.5])
    with pytest.raises(TrupsInputError, match=r"no yield between -99\.99% and 99\.99%"):
        bondmath.solve_yield(np.array([100.0, 1e9]), w, 20, 2.0, 2.0, 100.0)
    with pytest.raises(TrupsInputError, match="no yield between"):
        bondmath.solve_yield(np.array([100.0, 0.0]), w, 20, 2.0, 2.0, 100.0)


@settings(max_examples=300)
@given(st.floats(0.0, 2.0), st.integers(1, 120), st.floats(0.0, 60.0), st.floats(0.0, 60.0),
       st.floats(-0.05, 0.3), st.sampled_from([1.0, 2.0, 4.0, 12.0]))
def test_one_stream_on_floats_equals_the_array_form(w, n, first, coupon, rate, frequency):
    """A cell's stream is priced on Python floats, a range's on arrays: the same closed form, the same
    operations in the same order, numpy's log1p/exp on both, so the same bits and the same yield."""
    one = bondmath.pv_semiannual(w, float(n), first, coupon, 100.0, rate, frequency)
    array = bondmath.pv_semiannual(np.array([w]), np.array([float(n)]), np.array([first]), np.array([coupon]),
                                   np.array([100.0]), np.array([rate]), frequency)
    assert type(one) is float and one == float(array[0])
    def solved(target):
        try:
            return float(np.asarray(bondmath.solve_yield(target, w, float(n), first, coupon, 100.0,
                                                         frequency=frequency)).reshape(-1)[0])
        except TrupsInputError as exc:
            return str(exc)

    y_one, y_array = solved(one), solved(np.array([one]))
    if isinstance(y_one, str) or isinstance(y_array, str):  # a refusal of one form is the other's too
        assert y_one == y_array
    else:
        assert y_one == y_array


def _answer(target, w, n, first, coupon):
    try:
        return bondmath.solve_yield(target, w, n, first, coupon, 100.0)
    except TrupsInputError as exc:
        return str(exc)


def test_one_price_no_rate_reaches_is_refused_as_the_array_path_refuses_it():
    refusal = "price: no yield between -99.99% and 99.99% gives that price"
    for target in (1e9, 1e-9, 0.0, -5.0):
        assert _answer(target, 0.5, 20.0, 2.0, 2.0) == refusal
        assert _answer(np.array([100.0, target]), 0.5, 20.0, 2.0, 2.0) == refusal


@settings(max_examples=200)
@given(st.floats(0.0, 2.0), st.integers(1, 120), st.floats(0.0, 10.0), st.floats(0.0, 10.0),
       st.sampled_from([-0.9999, 0.9999]), st.floats(-1e-6, 1e-6))
def test_a_price_at_the_edge_of_reach_is_judged_alike_from_a_float_and_an_array(w, n, first, coupon, bound, nudge):
    """Near the price of a bounding yield a float and an array give the same number or the same refusal,
    whichever side of the edge (and by how little) the price is."""
    edge = float(bondmath.pv_semiannual(np.array([w]), float(n), first, coupon, 100.0, bound)[0])
    target = edge * (1 + nudge) if edge < 1e12 else edge
    one, array = _answer(target, w, float(n), first, coupon), _answer(np.array([target]), w, float(n), first, coupon)
    if isinstance(one, str) or isinstance(array, str):
        assert one == array
        return
    assert one == float(array[0])  # the same steps on the same bits: the same yield
    assert float(bondmath.pv_semiannual(np.array([w]), float(n), first, coupon, 100.0, one)[0]) == \
        pytest.approx(target, abs=2 * bondmath.REPRICE_TOLERANCE, rel=0)


@settings(max_examples=100)
@given(st.lists(st.one_of(st.floats(1e-9, 1e-3), st.floats(20.0, 200.0), st.floats(1e7, 1e9)), min_size=1,
                max_size=8))
def test_a_column_of_prices_is_refused_exactly_when_one_of_its_rows_is(targets):
    rows = [_answer(target, 0.5, 20.0, 2.0, 2.0) for target in targets]
    whole = _answer(np.array(targets), 0.5, 20.0, 2.0, 2.0)
    if isinstance(whole, str):
        assert whole in [row for row in rows if isinstance(row, str)]
    else:
        assert not any(isinstance(row, str) for row in rows)
        assert whole.tolist() == pytest.approx(rows, abs=1e-10)


@pytest.mark.parametrize("x", [math.inf, -math.inf, math.nan, 709.78, 709.79, 1e3, -1e3, -745.2, 0.0, 1e-300])
@pytest.mark.parametrize("minus_one", [False, True])
def test_one_numbers_exponential_fails_and_overflows_as_maths_does(x, minus_one):
    """numpy's exp on one number, with math's behaviour at the edges: an OverflowError for a finite argument
    past a double (the one-price path's callers catch it), infinity for infinity, nan for nan."""
    expected = math.expm1 if minus_one else math.exp
    try:
        want = expected(x)
    except OverflowError:
        with pytest.raises(OverflowError):
            bondmath._exp(x, minus_one)
        return
    got = bondmath._exp(x, minus_one)
    assert type(got) is float
    assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-15, abs=0)
