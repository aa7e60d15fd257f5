"""Statistics that cannot pass on overflow: extreme and degenerate series give finite numbers or one
refusal naming the argument, never NaN, an infinity, a defect or a verdict drawn from either."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing.hedge import dollar_offset, dollar_offset_overall, regression
from trups_xl.core.provisions.apm import apm_allocate, apm_max_obligation
from trups_xl.core.securities.loading import TERMS
from trups_xl.excel import udfs

sm = pytest.importorskip("statsmodels.api")

EXTREMES = [1e160, -1e160, 1e-170, -1e-170, 1e308, -1e308, 1e300, 1e-300, 5e-324, -0.0, 0.0,
            math.inf, -math.inf, math.nan, 1e13, 1e-9, 1.0, -1.0]
values = st.one_of(st.sampled_from(EXTREMES), st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(-1e3, 1e3))
series = st.one_of(
    st.lists(values, min_size=0, max_size=12),
    st.builds(lambda v, n: [v] * n, values, st.integers(0, 8)),  # constant
    st.builds(lambda v: [v], values),  # one point
    st.builds(lambda m, n: [m * (-1) ** i * (1 + i / 7) for i in range(n)],  # mixed signs, one scale
              st.sampled_from([1e300, 1e-300, 1e160, 1e-170, 1.0]), st.integers(1, 9)),
)


def _finite_fields(obj):
    return [v for v in vars(obj).values() if isinstance(v, float)]


def _refusal_is_one_line(exc: TrupsInputError) -> None:
    text = str(exc)
    assert exc.argument and "\n" not in text and len(text) <= 255, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series, series)
def test_regression_is_finite_or_one_refusal(x, y):
    n = min(len(x), len(y))
    try:
        fit = regression(x[:n], y[:n])
    except TrupsInputError as exc:
        _refusal_is_one_line(exc)
        return
    assert all(math.isfinite(v) for v in _finite_fields(fit)), fit
    assert fit.passes == (fit.slope_passes and fit.r_squared_passes and fit.significance_passes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series, series, st.one_of(st.none(), values))
def test_dollar_offset_is_finite_or_one_refusal(x, y, small):
    n = min(len(x), len(y))
    try:
        periods, used = dollar_offset(x[:n], y[:n], small=small)
    except TrupsInputError as exc:
        _refusal_is_one_line(exc)
        return
    assert math.isfinite(used)
    for p in periods:
        assert all(math.isfinite(v) for v in _finite_fields(p)), p
    assert dollar_offset_overall(periods) in ("pass", "fail", "too small")


@settings(max_examples=200, deadline=None)
@given(values, series)
def test_apm_sums_are_finite_or_one_refusal(proceeds, amounts):
    dates = [TERMS.issue_date] * len(amounts)
    try:
        paid, left = apm_allocate(proceeds, dates, amounts)
    except TrupsInputError as exc:
        _refusal_is_one_line(exc)
    else:
        assert np.isfinite(paid).all() and math.isfinite(left)
    try:
        cap = apm_max_obligation(abs(proceeds), proceeds, abs(proceeds), terms=TERMS)
    except TrupsInputError as exc:
        _refusal_is_one_line(exc)
    else:
        assert math.isfinite(cap)


@pytest.mark.parametrize("scale", [1e160, 1e-170, 1e308, -1e308])
def test_the_hedge_tests_on_overflowing_series_refuse_by_name(scale):
    """The series that used to answer NaN slopes with a "pass" (1e160), #TRUPS-BUG! (1e-170) and
    infinite cumulatives (±1e308)."""
    x = [[scale], [-2 * scale], [3 * scale], [scale / 2]]
    y = [[-scale], [2.1 * scale], [-2.9 * scale], [-scale / 2]]
    for answer in (udfs.TRUPS_HEDGE_REGRESSION(x, y), udfs.TRUPS_HEDGE_DOLLAR_OFFSET(x, y)):
        assert isinstance(answer, str) and answer.startswith("#TRUPS! hedged_changes: item "), answer
    mixed = [[1e308], [-1e308], [1e308]]
    answer = udfs.TRUPS_HEDGE_DOLLAR_OFFSET(mixed, [[-1e308], [1e308], [-1e308]])
    assert isinstance(answer, str) and answer.startswith("#TRUPS! hedged_changes: item 1:"), answer


def test_an_exact_line_is_refused_not_passed_with_an_infinite_t():
    answer = udfs.TRUPS_HEDGE_REGRESSION([[1.0], [2.0], [4.0]], [[-1.0], [-2.0], [-4.0]])
    assert answer.startswith("#TRUPS! hedge_changes: the changes lie exactly on a line"), answer


@pytest.mark.parametrize("scale", [1e-6, 1e11])
def test_statsmodels_agrees_at_the_edges_of_the_accepted_magnitudes(scale):
    rng = np.random.default_rng(7)
    x = rng.normal(0, 10, 20) * scale
    y = -0.97 * x + rng.normal(0, 1.5, x.size) * scale
    fit = regression(x, y)
    ols = sm.OLS(y, sm.add_constant(x)).fit()
    assert fit.slope == pytest.approx(ols.params[1], rel=1e-9)
    assert fit.t_statistic == pytest.approx(ols.tvalues[1], rel=1e-9)
    assert fit.r_squared == pytest.approx(ols.rsquared, rel=1e-9)
    assert fit.p_value == pytest.approx(ols.pvalues[1], rel=1e-6, abs=1e-300)


def test_claim_limit_of_negative_zero_is_zero():
    got = udfs.TRUPS_CLAIM_LIMIT(-0.0)
    assert got == 0.0 and math.copysign(1.0, got) == 1.0


@pytest.mark.parametrize("nodes,kind,fragment", [
    ([["2020-01-01", 1e-200], ["2030-01-01", 0.6]], None, "implies a zero rate of"),
    ([["2020-01-01", 1e308]], None, "implies a zero rate of"),
    ([["2020-01-01", 0.03], ["2020-01-02", 0.45]], "zero_rate", "implies a forward rate of"),
])
def test_a_benchmark_curve_beyond_plausible_rates_is_refused_not_valued(nodes, kind, fragment):
    """A discount factor of 1e-200 once valued the hedged item at 9.9e161."""
    got = udfs.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", nodes, None, None, None, kind)
    assert isinstance(got, str) and got.startswith("#TRUPS! curve: row ") and fragment in got, got
