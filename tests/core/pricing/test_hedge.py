"""Hedge effectiveness: hedged item value against QuantLib, regression against statsmodels, the
dollar-offset rules on hand cases, bad input as one line."""

import datetime as dt

import numpy as np
import pytest
import QuantLib as ql

from trups_xl.core.pricing.hedge import (
    dollar_offset,
    dollar_offset_overall,
    hedged_cash_flows,
    hedged_item_value,
    regression,
)
from trups_xl.core.rates.discount import DiscountCurve
from trups_xl.core.securities.loading import TERMS
from trups_xl.excel import udfs

sm = pytest.importorskip("statsmodels.api")

VAL = dt.date(2012, 6, 29)
NODES = [(dt.date(2013, 6, 28), 0.995), (dt.date(2017, 6, 29), 0.93), (dt.date(2022, 6, 29), 0.80),
         (dt.date(2032, 6, 29), 0.58), (dt.date(2042, 6, 27), 0.40)]


def _qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def _quantlib_npv(nodes, valuation, flows):
    ql.Settings.instance().evaluationDate = _qd(valuation)
    curve = ql.DiscountCurve([_qd(valuation)] + [_qd(d) for d, _ in nodes], [1.0] + [df for _, df in nodes],
                             ql.Actual365Fixed())
    curve.enableExtrapolation()
    leg = [ql.SimpleCashFlow(a, _qd(d)) for d, a in flows]
    return ql.CashFlows.npv(leg, ql.YieldTermStructureHandle(curve), False, _qd(valuation), _qd(valuation))


@pytest.mark.parametrize("valuation", [VAL, dt.date(2008, 1, 15), dt.date(2020, 3, 31), dt.date(2037, 6, 1)])
def test_hedged_item_value_matches_quantlib(valuation):
    nodes = [(d + (valuation - VAL), df) for d, df in NODES]
    curve = DiscountCurve.of(valuation, nodes)
    flows = hedged_cash_flows(valuation, terms=TERMS)
    want = _quantlib_npv(nodes, valuation, flows)
    assert hedged_item_value(valuation, curve, value="dirty", terms=TERMS) == pytest.approx(want, abs=1e-8)
    assert flows[-1] == (dt.date(2037, 12, 21), 1000.0) and flows[0][1] == 41.5


@pytest.mark.parametrize("node", [0, 2, -1])
def test_a_one_node_curve_matches_quantlib(node):
    """One node: one forward rate from the valuation date on (the short path of the discounting)."""
    nodes = [NODES[node]]
    flows = hedged_cash_flows(VAL, terms=TERMS)
    want = _quantlib_npv(nodes, VAL, flows)
    assert hedged_item_value(VAL, DiscountCurve.of(VAL, nodes), value="dirty", terms=TERMS) == pytest.approx(want, abs=1e-8)


def test_zero_rate_curves_and_flat_rates_are_the_same_curve():
    zeros = [(d, -np.log(df) / ((d - VAL).days / 365)) for d, df in NODES]
    by_df = hedged_item_value(VAL, DiscountCurve.of(VAL, NODES), terms=TERMS)
    by_zero = hedged_item_value(VAL, DiscountCurve.of(VAL, zeros, "zero_rate"), terms=TERMS)
    assert by_zero == pytest.approx(by_df, abs=1e-9)
    flat = hedged_item_value(VAL, DiscountCurve.flat(VAL, 0.03), value="dirty", terms=TERMS)
    flows = hedged_cash_flows(VAL, terms=TERMS)
    assert flat == pytest.approx(sum(a * np.exp(-0.03 * (d - VAL).days / 365) for d, a in flows), abs=1e-9)


def test_clean_is_dirty_less_accrued():
    curve = DiscountCurve.of(VAL, NODES)
    accrued = 1000 * 0.083 * 8 / 360  # 2012-06-21 -> 06-29: 8 days 30/360
    dirty = hedged_item_value(VAL, curve, value="dirty", terms=TERMS)
    assert dirty - hedged_item_value(VAL, curve, terms=TERMS) == pytest.approx(accrued)


def test_a_parallel_one_basis_point_shift_matches_the_first_order_change():
    curve = DiscountCurve.of(VAL, NODES)
    flows = hedged_cash_flows(VAL, terms=TERMS)
    dfs = curve.discount(np.array([d for d, _ in flows], dtype="datetime64[D]"))
    times = np.array([(d - VAL).days / 365 for d, _ in flows])
    dv01 = -float(np.sum(times * np.array([a for _, a in flows]) * dfs)) * 1e-4
    up = hedged_item_value(VAL, curve.shifted(0.0001), terms=TERMS) - hedged_item_value(VAL, curve, terms=TERMS)
    down = hedged_item_value(VAL, curve, terms=TERMS) - hedged_item_value(VAL, curve.shifted(-0.0001), terms=TERMS)
    assert (up + down) / 2 == pytest.approx(dv01, rel=1e-6)


# ---- regression --------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_regression_equals_statsmodels_ols(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 10, 12 + seed)
    y = -0.97 * x + rng.normal(0, 1.5, x.size)
    fit = regression(x, y)
    ols = sm.OLS(y, sm.add_constant(x)).fit()
    assert fit.intercept == pytest.approx(ols.params[0], abs=1e-10)
    assert fit.slope == pytest.approx(ols.params[1], abs=1e-10)
    assert fit.intercept_standard_error == pytest.approx(ols.bse[0], abs=1e-10)
    assert fit.slope_standard_error == pytest.approx(ols.bse[1], abs=1e-10)
    assert fit.t_statistic == pytest.approx(ols.tvalues[1], abs=1e-10)
    assert fit.p_value == pytest.approx(ols.pvalues[1], abs=1e-10)
    assert fit.f_statistic == pytest.approx(ols.fvalue, abs=1e-9)
    assert fit.f_p_value == pytest.approx(ols.f_pvalue, abs=1e-10)
    assert fit.r_squared == pytest.approx(ols.rsquared, abs=1e-10)
    assert fit.ss_residual == pytest.approx(ols.ssr, abs=1e-9)
    assert fit.ss_regression == pytest.approx(ols.ess, abs=1e-9)
    assert fit.residual_standard_error == pytest.approx(np.sqrt(ols.scale), abs=1e-10)
    assert fit.degrees_of_freedom == int(ols.df_resid)
    # Excel's LINEST(y, x, TRUE, TRUE) layout, documented in docs/hedge.md:
    # {slope, intercept; se slope, se intercept; r2, sey; F, df; ss_reg, ss_resid}
    linest = [[fit.slope, fit.intercept], [fit.slope_standard_error, fit.intercept_standard_error],
              [fit.r_squared, fit.residual_standard_error], [fit.f_statistic, fit.degrees_of_freedom],
              [fit.ss_regression, fit.ss_residual]]
    design = np.column_stack([x, np.ones_like(x)])
    coef, ssr, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert linest[0] == pytest.approx(list(coef), abs=1e-10) and linest[4][1] == pytest.approx(ssr[0], abs=1e-9)


def _table(rows):
    return dict((r[0], r[1]) for r in rows[1:])


def test_passing_r_squared_but_failing_the_slope_fails_overall():
    x = [[-10.0], [12.0], [-8.0], [5.0], [3.0], [-6.0]]
    y = [[5.1], [-6.0], [3.9], [-2.6], [-1.4], [3.1]]  # slope about -0.5: a half hedge
    table = _table(udfs.TRUPS_HEDGE_REGRESSION(x, y))
    assert table["r_squared_test (>= 0.8)"] == "pass" and table["slope_test (-1.25..-0.8)"] == "fail"
    assert table["overall"] == "fail"


def test_passing_slope_and_r_squared_but_failing_the_t_test_fails_overall():
    x = [[-1.0], [0.0], [1.2]]
    y = [[1.05], [-0.3], [-0.95]]  # three points: r2 about 0.96, but one degree of freedom
    table = _table(udfs.TRUPS_HEDGE_REGRESSION(x, y, 0.99))
    assert table["slope_test (-1.25..-0.8)"] == "pass" and table["r_squared_test (>= 0.8)"] == "pass"
    assert table["significance_test (p < 0.01)"] == "fail" and table["overall"] == "fail"
    assert table["p_value"] > 0.01


# ---- dollar offset -----------------------------------------------------------------------------

def test_a_series_where_nothing_moved_is_too_small_to_judge_not_failed():
    """No change on either side: the default threshold is 0 (10% of a mean of 0), and nothing was hedged or
    hedging, so every period and the whole series are too small to judge; a given threshold of 0 alike."""
    periods, threshold = dollar_offset([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    assert threshold == 0.0
    assert {p.result for p in periods} == {p.cumulative_result for p in periods} == {"too small"}
    assert dollar_offset_overall(periods, "cumulative") == dollar_offset_overall(periods, "period") == "too small"
    periods, _ = dollar_offset([5.0, 0.0, -5.0], [-5.0, 0.0, 5.0], small=0.0)
    assert [p.result for p in periods] == ["pass", "too small", "pass"]
    assert [p.cumulative_result for p in periods] == ["pass", "pass", "too small"]  # back to no change at all
    periods, _ = dollar_offset([1.0, 0.0, 1.0], [-1.0, 0.3, -1.0], small=0.0)  # the hedge moved alone: failed
    assert periods[1].result == "fail"
    table = udfs.TRUPS_HEDGE_DOLLAR_OFFSET([[0.0], [0.0], [0.0]], [[0.0], [0.0], [0.0]])
    assert table[-1][:2] == ["overall", "too small"]


def test_dollar_offset_ratios_by_hand():
    periods, threshold = dollar_offset([-10.0, 12.0, -8.0, 0.2], [9.5, -11.0, 8.4, -0.5])
    assert threshold == pytest.approx(0.1 * (10 + 12 + 8 + 0.2) / 4)  # 0.755
    assert [p.ratio for p in periods[:3]] == [0.95, 11 / 12, 1.05]
    assert [p.result for p in periods] == ["pass", "pass", "pass", "too small"]  # 0.2 and 0.5 < 0.755
    assert periods[1].cumulative_ratio == pytest.approx(1.5 / 2) and periods[1].cumulative_result == "fail"
    assert periods[-1].cumulative_ratio == pytest.approx(6.4 / 5.8)
    assert dollar_offset_overall(periods, "cumulative") == "pass"
    assert dollar_offset_overall(periods, "period") == "pass"  # the small period is not judged


def test_period_method_fails_on_any_judged_failure_and_small_can_be_set():
    periods, _ = dollar_offset([-10.0, 12.0, -8.0], [9.5, -16.0, 8.4], small=0.0)
    assert [p.result for p in periods] == ["pass", "fail", "pass"]
    assert dollar_offset_overall(periods, "period") == "fail"
    rows = udfs.TRUPS_HEDGE_DOLLAR_OFFSET([[-10.0], [12.0], [-8.0]], [[9.5], [-16.0], [8.4]], None, None, "period")
    assert rows[-1][:2] == ["overall", "fail"] and rows[0][3] == "ratio"


# ---- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "argument", "fragment"), [
    (lambda: udfs.TRUPS_HEDGE_REGRESSION([[1.0], [2.0], [3.0]], [[1.0], [2.0]]), "hedge_changes", "parallel"),
    (lambda: udfs.TRUPS_HEDGE_REGRESSION([[1.0], [2.0]], [[1.0], [2.0]]), "hedged_changes", "at least 3"),
    (lambda: udfs.TRUPS_HEDGE_DOLLAR_OFFSET([[1.0], [None], [3.0]], [[1.0], [2.0], [3.0]]), "hedged_changes",
     "item 2: a value is required"),
    (lambda: udfs.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", [["2020-01-01", 0.9], ["2015-01-01", 0.95]]), "curve",
     "dates must increase"),
    (lambda: udfs.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", None), "curve", "curve is required"),
    (lambda: udfs.TRUPS_HEDGED_ITEM_VALUE("2038-06-29", 0.03), "valuation_date", "before the end"),
    (lambda: udfs.TRUPS_HEDGED_ITEM_VALUE("2016-06-29", 0.03, None, None, None, None, "citigroup_capital_xiii"),
     "valuation_date", "before the end"),
])
def test_bad_input_is_one_line(call, argument, fragment):
    result = call()
    assert isinstance(result, str) and result.startswith(f"#TRUPS! {argument}:") and fragment in result, result


def test_xiii_fixed_period_to_its_par_call():
    value = udfs.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", 0.03, None, None, "dirty", None, "citigroup_capital_xiii")
    from trups_xl.core.securities.loading import by_name
    flows = hedged_cash_flows(dt.date(2012, 6, 29), terms=by_name("citigroup_capital_xiii"))
    assert flows[-1] == (dt.date(2015, 10, 30), 25.0) and flows[0][1] == 25 * 0.07875 / 4
    assert value == pytest.approx(sum(a * np.exp(-0.03 * (d - dt.date(2012, 6, 29)).days / 365) for d, a in flows))
