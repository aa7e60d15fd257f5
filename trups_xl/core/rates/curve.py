"""Forward curves that project the index of periods nobody has fixed yet.

A curve is what the user expects the index to be; fixings are what it was. They are kept
apart: a period with a fixing always uses the fixing, and the curve only fills the
index-linked periods that have none (see :func:`trups_xl.core.rates.fixings.index_rates`). A curve is
read at each period's scheduled first day, the date its fixings are keyed by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from trups_xl.core.conventions.choices import parse_choice
from trups_xl.core.errors import TrupsInputError


#: Interpretation: between curve dates the rate is interpolated linearly in calendar days;
#: before the first date and after the last it stays flat. ``"step"`` holds each date's rate
#: until the next date (a piecewise-flat forward curve).
class Interpolation(StrEnum):
    """How a forward curve is read between its dates."""

    LINEAR = "linear"
    STEP = "step"


CURVE_INTERPOLATION_DEFAULT = Interpolation.LINEAR
CURVE_INTERPOLATIONS = tuple(Interpolation)


@dataclass(frozen=True)
class ForwardCurve:
    """Projected index rates (decimals) by date; one date makes a flat curve.

    Parameters
    ----------
    dates : tuple of datetime.date
        Strictly increasing.
    rates : tuple of float
        The projected index on each date.
    interpolation : {"linear", "step"}
        How dates between the curve's dates are read (:data:`CURVE_INTERPOLATION_DEFAULT`).
    """

    dates: tuple[dt.date, ...]
    rates: tuple[float, ...]
    interpolation: Interpolation = CURVE_INTERPOLATION_DEFAULT

    def __post_init__(self) -> None:
        if not self.dates or len(self.dates) != len(self.rates):
            raise TrupsInputError("a curve needs as many rates as dates, at least one", "curve")
        if any(b <= a for a, b in zip(self.dates, self.dates[1:], strict=False)):
            raise TrupsInputError("curve dates must be strictly increasing", "curve")
        object.__setattr__(self, "interpolation", parse_choice(Interpolation, self.interpolation, "curve",
                                                               "interpolation"))

    @classmethod
    def flat(cls, rate: float) -> ForwardCurve:
        """The same rate for every period."""
        return cls((dt.date(2000, 1, 1),), (float(rate),))

    @classmethod
    def of(cls, pairs: Iterable[tuple[dt.date, float]], interpolation: Interpolation = CURVE_INTERPOLATION_DEFAULT
           ) -> ForwardCurve:
        """A curve from (date, rate) pairs in any order."""
        ordered = sorted(pairs)
        return cls(tuple(d for d, _ in ordered), tuple(float(r) for _, r in ordered), interpolation)

    def rate_at(self, days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The projected index on each of ``days`` (datetime64[D] or dates)."""
        x = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
        nodes = np.array(self.dates, dtype="datetime64[D]").astype(np.int64)
        values = np.array(self.rates, dtype=np.float64)
        if self.interpolation == Interpolation.STEP:
            k = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, nodes.size - 1)
            return np.asarray(values[k], dtype=np.float64)
        return np.asarray(np.interp(x, nodes, values), dtype=np.float64)
