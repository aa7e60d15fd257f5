"""A benchmark discount curve: nodes of (date, discount factor) or (date, zero rate).

Conventions (stated, as the hedge documentation must): time is Actual/365 Fixed from the
valuation date; a zero rate is continuously compounded, so ``DF = exp(-z t)``; between nodes
the curve is log-linear in discount factors (constant forward rates, QuantLib's
``DiscountCurve`` with ``LogLinear``); before the first node the first node's zero rate holds;
beyond the last node its last forward rate continues. The valuation date has DF 1; a flat rate
is one zero rate for every date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.conventions.daycount import ACT_365F, per_year
from trups_xl.core.errors import TrupsInputError

FloatArray = npt.NDArray[np.float64]
#: The curve's time: Actual/365 Fixed from the valuation date.
TIME_DAY_COUNT = ACT_365F


def years_from(valuation_date: dt.date, day: dt.date) -> float:
    """The curve's time of ``day``: years from the valuation date, Actual/365 Fixed."""
    return per_year((day - valuation_date).days, TIME_DAY_COUNT)


class CurveKind(StrEnum):
    """What a discount curve's numbers are."""

    DISCOUNT_FACTOR = "discount_factor"
    ZERO_RATE = "zero_rate"


KINDS = tuple(CurveKind)
KIND_DEFAULT = CurveKind.DISCOUNT_FACTOR


@dataclass(frozen=True)
class DiscountCurve:
    """Log-linear discount factors from ``valuation_date`` (DF 1) through the nodes."""

    valuation_date: dt.date
    times: tuple[float, ...]  # years (Act/365F) of the nodes, the valuation date (0) first
    log_dfs: tuple[float, ...]

    @classmethod
    def of(cls, valuation_date: dt.date, nodes: Sequence[tuple[dt.date, float]],
           kind: CurveKind = KIND_DEFAULT, argument: str = "curve") -> DiscountCurve:
        """A curve from (date, value) nodes in increasing date order, after the valuation date."""
        kind = parse_choice(CurveKind, kind, "curve_kind", "curve kind")
        if not nodes:
            raise TrupsInputError("expected at least one (date, value) row", argument)
        times, logs = [0.0], [0.0]
        previous = valuation_date
        for i, (day, value) in enumerate(nodes, start=1):
            if day <= previous:
                raise TrupsInputError(f"row {i}: {day} is not after {previous}; dates must increase and follow "
                                      "the valuation date", argument)
            t = years_from(valuation_date, day)
            if kind == CurveKind.DISCOUNT_FACTOR:
                if not 0 < value <= 2:
                    raise TrupsInputError(f"row {i}: a discount factor must be in (0, 2]; got {value!r}", argument)
                logs.append(float(np.log(value)))
            else:
                logs.append(-value * t)
            times.append(t)
            previous = day
        return cls(valuation_date, tuple(times), tuple(logs))

    @classmethod
    def flat(cls, valuation_date: dt.date, zero_rate: float) -> DiscountCurve:
        """One continuously compounded zero rate for every date."""
        return cls(valuation_date, (0.0, 1.0), (0.0, -zero_rate))

    def discount(self, days: npt.ArrayLike) -> FloatArray:
        """Discount factors of dates on or after the valuation date."""
        d = np.asarray(days, dtype="datetime64[D]")
        return self.discount_years(per_year((d - np.datetime64(self.valuation_date, "D")).astype(np.int64),
                                            TIME_DAY_COUNT))

    def discount_years(self, years: FloatArray) -> FloatArray:
        """Discount factors ``years`` (Act/365F, zero or more) after the valuation date."""
        times, logs = self._nodes
        if times.size == 2:  # one forward rate throughout (a flat curve, or one node)
            return np.asarray(np.exp(logs[1] / times[1] * years), dtype=np.float64)
        inside = np.interp(years, times, logs)
        slope = (logs[-1] - logs[-2]) / (times[-1] - times[-2])  # the last forward rate continues
        beyond = logs[-1] + slope * (years - times[-1])
        return np.asarray(np.exp(np.where(years > times[-1], beyond, inside)), dtype=np.float64)

    @functools.cached_property
    def _nodes(self) -> tuple[FloatArray, FloatArray]:
        """The nodes as arrays, built on first use (a curve is read many times, a cell's call once)."""
        return np.array(self.times), np.array(self.log_dfs)

    def shifted(self, shift: float) -> DiscountCurve:
        """The curve with every continuously compounded zero rate moved by ``shift`` (0.0001 = 1bp)."""
        return DiscountCurve(self.valuation_date, self.times,
                             tuple(ln - shift * t for ln, t in zip(self.log_dfs, self.times, strict=True)))
