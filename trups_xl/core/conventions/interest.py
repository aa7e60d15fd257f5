"""Interest, compounding and the discount factor, once: simple, compounded and continuous.

* simple: interest = principal x days x rate / the day count's year (XXI p.20, p.41), growth
  ``1 + rate x t``;
* compounded ``frequency`` times a year: growth ``(1 + rate / frequency) ** (frequency x t)``, the
  discount factor its reciprocal — per period, ``(1 + rate / frequency) ** -periods`` (p.38's
  semi-annual discounting; the closed-form present value of a whole stream is
  :mod:`trups_xl.core.pricing.bondmath`'s);
* continuous: growth ``exp(rate x t)`` (a benchmark curve's zero rates).

``t`` is a year fraction (:mod:`~trups_xl.core.conventions.daycount`); a rate and its time share a
day count, as QuantLib's ``InterestRate`` does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.daycount import DayCount, per_year

FloatArray = npt.NDArray[np.float64]


class Compounding(StrEnum):
    """How interest earns interest."""

    SIMPLE = "simple"
    COMPOUNDED = "compounded"
    CONTINUOUS = "continuous"


@overload
def simple_interest(principal: float, days: int, rate: float, convention: DayCount) -> float: ...
@overload
def simple_interest(principal: npt.ArrayLike, days: npt.ArrayLike, rate: npt.ArrayLike,
                    convention: DayCount) -> FloatArray: ...
def simple_interest(principal: npt.ArrayLike, days: npt.ArrayLike, rate: npt.ArrayLike,
                    convention: DayCount) -> FloatArray | float:
    """Interest on ``principal`` for ``days`` (counted under ``convention``) at an annual ``rate``.

    Computed as principal x days (exact for whole amounts), then x rate, then / the year's days: two
    roundings, so amounts that are exact decimals come out exact (1000 x 180 x 0.083 / 360 = 41.5,
    where rate x days / 360 x principal gives 41.49999999999998). One float, int and float give a
    float (the same IEEE operations).
    """
    if type(principal) is float and type(days) is int and type(rate) is float:
        return per_year(principal * float(days) * rate, convention)
    return per_year(np.asarray(principal, dtype=np.float64) * np.asarray(days, dtype=np.float64)
                    * np.asarray(rate, dtype=np.float64), convention)


@overload
def compound_factor(rate: float, years: float, compounding: Compounding, frequency: float = 1.0) -> float: ...
@overload
def compound_factor(rate: npt.ArrayLike, years: npt.ArrayLike, compounding: Compounding,
                    frequency: float = 1.0) -> FloatArray: ...
def compound_factor(rate: npt.ArrayLike, years: npt.ArrayLike, compounding: Compounding,
                    frequency: float = 1.0) -> FloatArray | float:
    """What 1 grows to over ``years`` at ``rate``: ``1 + rate t``, ``(1 + rate/f) ** (f t)`` or
    ``exp(rate t)``. Python numbers give a float."""
    one = isinstance(rate, float | int) and isinstance(years, float | int)
    r, t = np.asarray(rate, dtype=np.float64), np.asarray(years, dtype=np.float64)
    if compounding is Compounding.SIMPLE:
        growth = 1.0 + r * t
    elif compounding is Compounding.COMPOUNDED:
        growth = np.exp(frequency * t * np.log1p(r / frequency))
    else:
        growth = np.exp(r * t)
    return float(growth) if one else np.asarray(growth, dtype=np.float64)


def discount_factor(rate: npt.ArrayLike, years: npt.ArrayLike, compounding: Compounding,
                    frequency: float = 1.0) -> FloatArray | float:
    """The reciprocal of :func:`compound_factor`: today's value of 1 paid ``years`` from now."""
    return 1.0 / compound_factor(rate, years, compounding, frequency)


def implied_rate(growth: npt.ArrayLike, years: npt.ArrayLike, compounding: Compounding,
                 frequency: float = 1.0) -> FloatArray:
    """The rate at which 1 grows to ``growth`` over ``years`` (:func:`compound_factor`'s inverse)."""
    g, t = np.asarray(growth, dtype=np.float64), np.asarray(years, dtype=np.float64)
    if compounding is Compounding.SIMPLE:
        return np.asarray((g - 1.0) / t, dtype=np.float64)
    if compounding is Compounding.COMPOUNDED:
        return np.asarray(frequency * np.expm1(np.log(g) / (frequency * t)), dtype=np.float64)
    return np.asarray(np.log(g) / t, dtype=np.float64)


def periodic_discount(rate: npt.ArrayLike, periods: npt.ArrayLike, frequency: float) -> FloatArray:
    """The discount factor over ``periods`` compounding periods at ``rate`` compounded ``frequency``
    times a year: ``(1 + rate / frequency) ** -periods`` (p.38's semi-annual basis for 2)."""
    return np.asarray((1 + np.asarray(rate, dtype=np.float64) / frequency) ** -np.asarray(periods, dtype=np.float64),
                      dtype=np.float64)
