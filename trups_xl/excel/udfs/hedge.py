"""Excel functions of fair-value hedge effectiveness: the hedged item's value, dollar offset and regression.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

import datetime as dt
import math
from typing import Any

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import hedge as core_hedge
from trups_xl.core.rates import discount as core_discount
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_HEDGED_ITEM_VALUE",
    "TRUPS_HEDGE_DOLLAR_OFFSET",
    "TRUPS_HEDGE_REGRESSION",
]


def _discount_curve(value: Any, valuation: dt.date, kind: core_discount.CurveKind) -> core_discount.DiscountCurve:
    """The ``curve`` of the hedge functions: one zero rate (flat), or two columns (date, value)."""
    if xc.all_blank(value):
        raise TrupsInputError("a benchmark curve is required: one zero rate, or two columns (date, value)", "curve")
    rows = xc.grid(value, "curve")
    if len(rows) == 1 and len(rows[0]) == 1:
        return core_discount.DiscountCurve.flat(valuation, xc.cell_rate(rows[0][0], "curve"))
    nodes = xt.table(value, "curve", "one zero rate or two columns (date, value)",
                     lambda day, where: xc.cell_date(day, "curve", valuation, dt.date(2120, 12, 31), where),
                     lambda number, where: xc.cell_rate(number, "curve", where) if kind is core_discount.CurveKind.ZERO_RATE
                     else xc.cell_number(number, "curve", "a discount factor", where))
    _check_plausible_curve(valuation, nodes, kind)
    return core_discount.DiscountCurve.of(valuation, nodes, kind)


#: Forward rates (continuously compounded) a benchmark curve may imply between its dates.
FORWARD_RANGE = (-1.0, 1.0)


def _check_plausible_curve(valuation: dt.date, nodes: list[tuple[dt.date, float]],
                          kind: core_discount.CurveKind) -> None:
    """Refuse discount factors whose zero rates fall outside the plausible range for rates, or whose
    forward rates between dates pass +-100% (a factor of 1e-200 once valued the item at 1e161)."""
    lo, hi = xc.RATE_RANGE
    previous_t, previous_log = 0.0, 0.0
    for i, (day, value) in enumerate(nodes, start=1):
        t = core_discount.years_from(valuation, day)
        if t <= 0 or (kind is not core_discount.CurveKind.ZERO_RATE and value <= 0):
            return  # DiscountCurve.of refuses it by row
        zero_kind = kind is core_discount.CurveKind.ZERO_RATE
        log = -value * t if zero_kind else math.log(value)
        zero = -log / t
        if not zero_kind and not lo <= zero <= hi:
            raise TrupsInputError(f"row {i}: a discount factor of {value!r} on {day} implies a zero rate of {zero:.2%}, "
                                  f"outside the plausible range {lo:.0%}..{hi:.0%}", "curve")
        forward = (previous_log - log) / (t - previous_t) if t > previous_t else 0.0
        if not FORWARD_RANGE[0] <= forward <= FORWARD_RANGE[1]:
            raise TrupsInputError(f"row {i}: the curve implies a forward rate of {forward:.0%} up to {day}, outside "
                                  f"{FORWARD_RANGE[0]:.0%}..{FORWARD_RANGE[1]:.0%}", "curve")
        previous_t, previous_log = t, log


@excel_function(example=("2012-06-29", 0.025))
def TRUPS_HEDGED_ITEM_VALUE(valuation_date: Any, curve: Any, end_date: Any = None, principal: Any = None,
                            value: Any = None, curve_kind: Any = None, security: Any = None) -> Any:
    """Value of the remaining fixed-rate cash flows (coupons, principal at end_date) on a benchmark curve, no credit spread: the hedged item of a fair-value hedge.

    Parameters
    ----------
    valuation_date : date
        Valuation date, before end_date.
    curve : rate or range
        One continuously compounded zero rate (flat), or two columns: date, discount factor (or zero rate, see curve_kind). Act/365F; log-linear in discount factors.
    end_date : date, optional
        Last cash flow date (principal); default the par call date (XXI: 2037-12-21).
    principal : number, optional
    value : text, optional
        "clean" (default: less accrued interest at the valuation date) or "dirty".
    curve_kind : text, optional
        "discount_factor" (default) or "zero_rate" (continuously compounded, Act/365F) for a two-column curve.
    security : text or range, optional
    """
    terms = xs.security(security)
    day = xa.one_date(valuation_date, "valuation_date", *xs.life(terms))
    kind = xa.choice(curve_kind, "curve_kind", core_discount.CurveKind, core_discount.KIND_DEFAULT)
    end = xa.optional_date(end_date, "end_date", *xs.life(terms))
    return core_hedge.hedged_item_value(day, _discount_curve(curve, day, kind), end, xa.principal(principal, terms),
                                        xa.choice(value, "value", core_hedge.Value, core_hedge.VALUE_DEFAULT), terms=terms)


def _changes(hedged_changes: Any, hedge_changes: Any) -> tuple[list[float], list[float]]:
    number = lambda v, a, w: xc.cell_number(v, a, "a change in value (a number)", w)  # noqa: E731
    x, _ = xt.vector(hedged_changes, "hedged_changes", number)
    y, _ = xt.vector(hedge_changes, "hedge_changes", number)
    xt.parallel(("hedged_changes", x), ("hedge_changes", y))
    return x, y


#: Largest dollar-offset bound accepted (the test's own bounds are 0.80 and 1.25).
MAX_OFFSET_RATIO = 10.0
OFFSET_HEADER = ["period", "hedged_change", "hedge_change", "ratio", "result", "cumulative_hedged",
                 "cumulative_hedge", "cumulative_ratio", "cumulative_result"]


@excel_function(example=([[-10.0], [12.0], [-8.0], [0.2]], [[9.5], [-11.0], [8.4], [-0.5]]))
def TRUPS_HEDGE_DOLLAR_OFFSET(hedged_changes: Any, hedge_changes: Any, lower: Any = None, upper: Any = None,
                              method: Any = None, small: Any = None, security: Any = None) -> Any:
    """Dollar-offset test: -hedge change / hedged item change per period and cumulatively, pass within 80%-125%; periods too small to judge are reported as such.

    Parameters
    ----------
    hedged_changes : range
        Changes in the hedged item's value for the benchmark rate, one per period (a column or row, no blanks).
    hedge_changes : range
        Changes in the hedging derivative's value, parallel to hedged_changes.
    lower : number, optional
        Lowest passing ratio; default 0.80.
    upper : number, optional
        Highest passing ratio; default 1.25.
    method : text, optional
        Overall result from "cumulative" (default: the last cumulative ratio) or "period" (every judged period).
    small : number, optional
        A period whose two changes are both smaller, or both zero, is "too small" to judge; default 10% of the mean absolute hedged change.
    security : text or range, optional
    """
    xs.security(security)  # checked; the test reads the changes only
    x, y = _changes(hedged_changes, hedge_changes)
    def bound(v: object, a: str, w: str) -> float:
        ratio = xc.cell_number(v, a, "a ratio such as 0.8", w)
        if not 0 < ratio <= MAX_OFFSET_RATIO:
            raise TrupsInputError(f"{w}expected a ratio in (0, {MAX_OFFSET_RATIO}] such as 0.8; got {ratio!r}", a)
        return ratio

    lo = xa.one_number(lower, "lower", bound, default=core_hedge.DOLLAR_OFFSET_BOUNDS[0])
    hi = xa.one_number(upper, "upper", bound, default=core_hedge.DOLLAR_OFFSET_BOUNDS[1])
    threshold = None if xc.is_blank(small) else xa.one_number(small, "small", xa.amount_cell)
    periods, used = core_hedge.dollar_offset(x, y, lo, hi, threshold)
    overall = core_hedge.dollar_offset_overall(
        periods, xa.choice(method, "method", core_hedge.Method, core_hedge.METHOD_DEFAULT))
    blank = [""] * (len(OFFSET_HEADER) - 2)
    rows: list[list[Any]] = [list(OFFSET_HEADER)]
    for i, p in enumerate(periods, start=1):
        rows.append([i, p.hedged, p.hedge, "" if p.ratio is None else p.ratio, p.result, p.cumulative_hedged,
                     p.cumulative_hedge, "" if p.cumulative_ratio is None else p.cumulative_ratio, p.cumulative_result])
    rows.append(["small_threshold", used, *blank])
    rows.append(["overall", overall, *blank])
    return rows


@excel_function(example=([[-10.0], [12.0], [-8.0], [5.0], [3.0]], [[9.5], [-11.0], [8.4], [-5.2], [-2.7]]))
def TRUPS_HEDGE_REGRESSION(hedged_changes: Any, hedge_changes: Any, confidence: Any = None,
                           security: Any = None) -> Any:
    """Regression test: hedge changes on hedged item changes (OLS) with n, slope, intercept, r, r^2, errors, t, p, F; each criterion (slope -1.25..-0.80, r^2 >= 0.80, significant slope) and overall pass/fail.

    Parameters
    ----------
    hedged_changes : range
        Changes in the hedged item's value (x), one per period, no blanks.
    hedge_changes : range
        Changes in the hedging derivative's value (y), parallel to hedged_changes.
    confidence : number, optional
        Confidence level of the slope's t-test; default 0.95 (95%).
    security : text or range, optional
    """
    xs.security(security)  # checked; the test reads the changes only
    x, y = _changes(hedged_changes, hedge_changes)
    level = xa.one_number(confidence, "confidence", lambda v, a, w: xc.cell_number(v, a, "a level such as 0.95", w),
                          default=core_hedge.CONFIDENCE_DEFAULT)
    fit = core_hedge.regression(x, y, level)
    lo, hi = core_hedge.SLOPE_BOUNDS

    def verdict(ok: bool) -> str:
        return "pass" if ok else "fail"

    return [
        ["statistic", "value"], ["n", fit.n], ["slope", fit.slope], ["intercept", fit.intercept], ["r", fit.r],
        ["r_squared", fit.r_squared], ["slope_standard_error", fit.slope_standard_error],
        ["intercept_standard_error", fit.intercept_standard_error],
        ["residual_standard_error", fit.residual_standard_error], ["degrees_of_freedom", fit.degrees_of_freedom],
        ["t_statistic", fit.t_statistic], ["p_value", fit.p_value], ["f_statistic", fit.f_statistic],
        ["f_p_value", fit.f_p_value], ["ss_regression", fit.ss_regression], ["ss_residual", fit.ss_residual],
        [f"slope_test ({lo}..{hi})", verdict(fit.slope_passes)],
        [f"r_squared_test (>= {core_hedge.MIN_R_SQUARED})", verdict(fit.r_squared_passes)],
        [f"significance_test (p < {1 - fit.confidence:.3g})", verdict(fit.significance_passes)],
        ["overall", verdict(fit.passes)],
    ]
