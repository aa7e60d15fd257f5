"""Fair-value hedge effectiveness for the fixed-rate period: the hedged item's value on a benchmark
curve, the dollar-offset test and the regression test with every statistic.

* **Hedged item value**: the remaining fixed-rate cash flows of the securities — each coupon on
  its payment date (business-day adjusted, p.21) and principal on ``end_date`` (default the par
  call date, 2037-12-21 for XXI) — discounted on the benchmark curve alone, so no credit spread
  (:mod:`trups_xl.core.rates.discount` states the curve's conventions). Full contractual coupons; ``dirty``
  includes the interest accrued to the valuation date, ``clean`` (default) subtracts it.
* **Dollar offset** (SEC comment letter to Citigroup, Oct 23, 2007, comment 16): the ratio of the
  hedge's change to the hedged item's change, sign reversed, per period and cumulatively, passing
  within 80%-125%. A period whose changes are both smaller than ``small``, or both zero, is reported as
  too small to judge rather than failed or passed (the small-numbers problem): by default ``small`` is 10%
  of the mean absolute change of the hedged item over the series (0 where the item never moves, so a
  series of no changes is too small to judge throughout, not failed).
* **Regression** (comments 5 and 6): the hedge's changes on the hedged item's changes by ordinary
  least squares, with every statistic, and each criterion — slope within -1.25..-0.80, r^2 at least
  0.80, slope significant at ``confidence`` — passed or failed, so none can be dropped silently.

Both tests read changes in value of plausible magnitude only — zero, or ``MIN_CHANGE`` (1e-9) to
``MAX_CHANGE`` (1e13, beyond the whole issue) in absolute value — and refuse, naming the item, any
other (1e160, 1e-170, an infinity): their squares, sums and ratios then stay finite. Every
statistic is checked finite before a verdict is drawn from it; a series that fits a line exactly
(no residual: t and F infinite) or whose item changes are all equal is refused, never "passed".
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.dates import day_number
from trups_xl.core.conventions.daycount import per_year
from trups_xl.core.errors import TrupsInputError, check_magnitudes, require_finite
from trups_xl.core.pricing.accrual import accrued_interest, interest
from trups_xl.core.rates.discount import TIME_DAY_COUNT, DiscountCurve
from trups_xl.core.scheduling.schedule import FIXED, build_schedule
from trups_xl.core.securities.terms import Terms, require

FloatArray = npt.NDArray[np.float64]

class Value(StrEnum):
    """The hedged item's value: without accrued interest (clean) or with it (dirty)."""

    CLEAN = "clean"
    DIRTY = "dirty"


VALUES = tuple(Value)
VALUE_DEFAULT = Value.CLEAN
DOLLAR_OFFSET_BOUNDS = (0.80, 1.25)
class Method(StrEnum):
    """How the dollar-offset test reads its periods: cumulatively or period by period."""

    CUMULATIVE = "cumulative"
    PERIOD = "period"


METHODS = tuple(Method)
METHOD_DEFAULT = Method.CUMULATIVE
#: Default "too small to judge" threshold, as a share of the mean absolute hedged-item change.
SMALL_CHANGE_SHARE = 0.10
SLOPE_BOUNDS = (-1.25, -0.80)
MIN_R_SQUARED = 0.80
CONFIDENCE_DEFAULT = 0.95
MIN_POINTS = 3
#: Plausible magnitudes of a change in value (currency), zero aside: outside them a test is refused.
MIN_CHANGE = 1e-9
MAX_CHANGE = 1e13


def hedged_cash_flows(valuation_date: dt.date, end_date: dt.date | None = None, principal: float | None = None,
                      *, terms: Terms) -> list[tuple[dt.date, float]]:
    """(payment date, amount) of the fixed coupons paid after ``valuation_date`` up to ``end_date``,
    and principal on ``end_date``."""
    days, coupons, amount = _flows(valuation_date, end_date, principal, terms)
    dates = days.astype("datetime64[D]").astype(object).tolist()
    return [*zip(dates, coupons.tolist(), strict=True), (dates[-1], float(amount))]


def _flows(valuation_date: dt.date, end_date: dt.date | None, principal: float | None,
           terms: Terms) -> tuple[npt.NDArray[np.int64], FloatArray, float]:
    """Payment dates (days since 1970) and amounts of the coupons, and the principal paid with the last."""
    end = end_date or require(terms, "par_call_date")
    amount = terms.liquidation_amount if principal is None else principal
    if not terms.issue_date <= valuation_date < end:
        raise TrupsInputError(f"expected a valuation date {terms.issue_date}..{end - dt.timedelta(days=1)} "
                              "(before the end of the hedged cash flows)", "valuation_date")
    payments, days = _fixed_periods(terms)
    periods = build_schedule(terms=terms).lists  # the fixed periods are the first ones
    last = periods.index_of_payment(day_number(end))
    if not 0 <= last < periods.leading_fixed:
        raise TrupsInputError(f"{end} is not a fixed-rate interest payment date", "end_date")
    first = bisect_right(periods.end, day_number(valuation_date))
    return payments[first:last + 1], interest(amount, days[first:last + 1], terms.fixed_coupon_rate), float(amount)


@functools.lru_cache(maxsize=64)
def _fixed_periods(terms: Terms) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Payment dates (days since 1970) and accrual days of the fixed periods (read-only)."""
    schedule = build_schedule(terms=terms)
    fixed = schedule.regime == FIXED
    payments = schedule.payment_date[fixed].astype(np.int64)
    days = schedule.accrual_days[fixed].copy()
    payments.flags.writeable = days.flags.writeable = False
    return payments, days


def hedged_item_value(valuation_date: dt.date, curve: DiscountCurve, end_date: dt.date | None = None,
                      principal: float | None = None, value: Value = VALUE_DEFAULT, *, terms: Terms) -> float:
    """Present value on the benchmark curve of the remaining fixed-rate cash flows (module docstring)."""
    value = parse_choice(Value, value, "value")
    pays, coupons, amount = _flows(valuation_date, end_date, principal, terms)
    dfs = curve.discount_years(per_year(pays - day_number(curve.valuation_date), TIME_DAY_COUNT))
    dirty = float(coupons @ dfs) + amount * float(dfs[-1])  # principal with the last coupon
    if value is Value.DIRTY:
        return dirty
    return dirty - accrued_interest(valuation_date, principal=float(amount), terms=terms)


def _check_series(hedged: Sequence[float], hedge: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(hedged, dtype=np.float64) + 0.0, np.asarray(hedge, dtype=np.float64) + 0.0  # -0.0 is 0.0
    if x.size != y.size:
        raise TrupsInputError(f"hedged_changes has {x.size} values but hedge_changes has {y.size}; they must be "
                              "parallel", "hedge_changes")
    if x.size < MIN_POINTS:
        raise TrupsInputError(f"expected at least {MIN_POINTS} periods; got {x.size}", "hedged_changes")
    check_magnitudes(x.tolist(), "hedged_changes", "a change in value", MAX_CHANGE, MIN_CHANGE)
    check_magnitudes(y.tolist(), "hedge_changes", "a change in value", MAX_CHANGE, MIN_CHANGE)
    return x, y


@dataclass(frozen=True)
class OffsetPeriod:
    """One period of the dollar-offset test."""

    hedged: float
    hedge: float
    ratio: float | None  # -hedge / hedged; None when the hedged change is 0
    result: str  # "pass", "fail" or "too small"
    cumulative_hedged: float
    cumulative_hedge: float
    cumulative_ratio: float | None
    cumulative_result: str


def _judge(hedged: float, hedge: float, small: float, bounds: tuple[float, float]) -> tuple[float | None, str]:
    ratio = None if hedged == 0 else 0.0 - hedge / hedged  # (0.0 - 0.0 is 0.0, where -(0.0) is -0.0)
    if (abs(hedged) < small and abs(hedge) < small) or (hedged == 0 and hedge == 0):
        return ratio, "too small"  # neither moved: nothing to judge, whatever the threshold (0 when nothing moves)
    return ratio, "pass" if ratio is not None and bounds[0] <= ratio <= bounds[1] else "fail"


def dollar_offset(hedged: Sequence[float], hedge: Sequence[float], lower: float = DOLLAR_OFFSET_BOUNDS[0],
                  upper: float = DOLLAR_OFFSET_BOUNDS[1], small: float | None = None
                  ) -> tuple[list[OffsetPeriod], float]:
    """Period and cumulative dollar-offset ratios and results; returns them and the threshold used."""
    x, y = _check_series(hedged, hedge)
    if not 0 < lower < upper:
        raise TrupsInputError(f"expected 0 < lower < upper; got {lower}, {upper}", "upper")
    threshold = SMALL_CHANGE_SHARE * math.fsum(np.abs(x).tolist()) / x.size if small is None else small
    check_magnitudes([threshold], "small", "a threshold", MAX_CHANGE)
    out = []
    cx = cy = 0.0
    for a, b in zip(x.tolist(), y.tolist(), strict=True):
        cx, cy = cx + a, cy + b
        ratio, result = _judge(a, b, threshold, (lower, upper))
        c_ratio, c_result = _judge(cx, cy, threshold, (lower, upper))
        require_finite({"ratio": ratio or 0.0, "cumulative change": cx + cy, "cumulative ratio": c_ratio or 0.0},
                       "hedge_changes")
        out.append(OffsetPeriod(a, b, ratio, result, cx, cy, c_ratio, c_result))
    return out, threshold


def dollar_offset_overall(periods: list[OffsetPeriod], method: Method = METHOD_DEFAULT) -> str:
    """The overall result: the last cumulative result, or every judged period passing."""
    method = parse_choice(Method, method, "method")
    if method is Method.CUMULATIVE:
        return periods[-1].cumulative_result
    judged = [p.result for p in periods if p.result != "too small"]
    if not judged:
        return "too small"
    return "pass" if all(r == "pass" for r in judged) else "fail"


@dataclass(frozen=True)
class Regression:
    """Ordinary least squares of the hedge's changes (y) on the hedged item's changes (x)."""

    n: int
    slope: float
    intercept: float
    r: float
    r_squared: float
    slope_standard_error: float
    intercept_standard_error: float
    residual_standard_error: float  # LINEST's sey
    degrees_of_freedom: int
    t_statistic: float
    p_value: float
    f_statistic: float
    f_p_value: float
    ss_regression: float
    ss_residual: float
    confidence: float
    slope_passes: bool
    r_squared_passes: bool
    significance_passes: bool

    @property
    def passes(self) -> bool:
        """Every criterion passes."""
        return self.slope_passes and self.r_squared_passes and self.significance_passes


def regression(hedged: Sequence[float], hedge: Sequence[float], confidence: float = CONFIDENCE_DEFAULT) -> Regression:
    """The regression test with every statistic (scipy.stats for the t and F distributions)."""
    try:
        from scipy import special
    except ImportError:  # pragma: no cover - the extra is installed with the tests
        raise TrupsInputError("the regression needs scipy: pip install 'trups-xl[hedge]'", "hedge_changes") from None
    x, y = _check_series(hedged, hedge)
    if not 0.5 <= confidence < 1:
        raise TrupsInputError(f"expected a confidence 0.5..0.999 (0.95 for 95%); got {confidence!r}", "confidence")
    xs, ys = x.tolist(), y.tolist()
    if min(xs) == max(xs):
        raise TrupsInputError("the hedged item's changes are all equal: no slope can be estimated", "hedged_changes")
    # ordinary least squares in closed form, on Python floats with exactly rounded sums (math.fsum:
    # a few periods cost less than numpy's per-call overhead); the t and F distributions from
    # scipy.special (stdtr, fdtrc: the functions scipy.stats itself evaluates, without its object overhead)
    n = len(xs)
    df = n - 2
    x_mean, y_mean = math.fsum(xs) / n, math.fsum(ys) / n
    dx, dy = [a - x_mean for a in xs], [b - y_mean for b in ys]
    sxx, syy = math.fsum(a * a for a in dx), math.fsum(b * b for b in dy)
    sxy = math.fsum(a * b for a, b in zip(dx, dy, strict=True))
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    fitted = [intercept + slope * a for a in xs]
    ss_res = math.fsum((b - f) ** 2 for b, f in zip(ys, fitted, strict=True))
    ss_reg = math.fsum((f - y_mean) ** 2 for f in fitted)
    sey = math.sqrt(ss_res / df)
    slope_se = sey / math.sqrt(sxx)
    intercept_se = slope_se * math.sqrt(math.fsum(a * a for a in xs) / n)
    if not slope_se > 0:
        raise TrupsInputError("the changes lie exactly on a line (no residual): the t and F statistics would be "
                              "infinite; give the observed changes", "hedge_changes")
    r = sxy / math.sqrt(sxx * syy)  # syy > 0: a constant hedge leaves a residual (checked above)
    t = slope / slope_se
    p = float(2 * special.stdtr(df, -abs(t)))
    f = t * t
    f_p = float(special.fdtrc(1, df, f))
    r2 = r * r
    require_finite({"slope": slope, "intercept": intercept, "r": r, "standard errors": slope_se + intercept_se + sey,
                    "t statistic": t, "p value": p, "F statistic": f, "F p value": f_p,
                    "sums of squares": ss_reg + ss_res}, "hedge_changes")
    return Regression(
        n=n, slope=slope, intercept=intercept, r=r, r_squared=r2,
        slope_standard_error=slope_se, intercept_standard_error=intercept_se,
        residual_standard_error=sey, degrees_of_freedom=df, t_statistic=t, p_value=p, f_statistic=f,
        f_p_value=f_p, ss_regression=ss_reg, ss_residual=ss_res, confidence=confidence,
        slope_passes=SLOPE_BOUNDS[0] <= slope <= SLOPE_BOUNDS[1],
        r_squared_passes=r2 >= MIN_R_SQUARED,
        significance_passes=p < 1 - confidence,
    )
