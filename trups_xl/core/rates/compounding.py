"""SOFR compounded daily in arrears over an interest period (the ARRC convention, as the term sheets
of compounded-SOFR securities define it).

For an interest period ``[start, end)`` and daily SOFR published for U.S. Government Securities
business days:

    rate = ( prod_i (1 + SOFR_i x n_i / 360) - 1 ) x 360 / d

* **Lookback without observation shift** (``shift=False``): ``i`` runs over the business days of
  the interest period; ``SOFR_i`` is the rate of the business day ``lookback`` business days before
  day ``i``; ``n_i`` counts calendar days from day ``i`` to the next business day (or to ``end``);
  ``d`` is the interest period's calendar days.
* **Observation shift** (``shift=True``): the observation period is ``[start, end)`` moved back
  ``lookback`` business days; ``i``, ``SOFR_i``, ``n_i`` and ``d`` all come from it.

* **Lockout** (``lockout`` days): the last ``lockout`` business days repeat the SOFR of the day
  before them.

A day whose SOFR the table does not give makes the period's rate unknown (``None``): the caller
names the period, never guesses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from trups_xl.core.conventions.adjust import FOLLOWING, adjust
from trups_xl.core.conventions.calendars import US_GOVERNMENT_SECURITIES, BusinessCalendar
from trups_xl.core.conventions.daycount import ACT_360, annualised, per_year


def compounded_rate(start: dt.date, end: dt.date, daily: Mapping[dt.date, float], lookback: int, shift: bool,
                    calendar: BusinessCalendar = US_GOVERNMENT_SECURITIES, lockout: int = 0) -> float | None:
    """The compounded rate of ``[start, end)`` (an annual decimal), or ``None`` when a needed day's
    SOFR is missing from ``daily``. With ``lockout``, the last ``lockout`` business days of the
    period take the SOFR of the day before them (the rate is known ``lockout`` days early)."""
    first, last = (calendar.advance_day(start, -lookback), calendar.advance_day(end, -lookback)) if shift \
        else (start, end)
    day = adjust(first, FOLLOWING, calendar)
    steps: list[tuple[int, dt.date]] = []  # (calendar days to the next business day, the day observed)
    while day < last:
        following = min(calendar.advance_day(day, 1), last)
        steps.append(((following - day).days, day if shift else calendar.advance_day(day, -lookback)))
        day = following
    if 0 < lockout < len(steps):
        locked = steps[-lockout - 1][1]
        steps[-lockout:] = [(days, locked) for days, _ in steps[-lockout:]]
    growth = 1.0
    for days, observed in steps:
        sofr = daily.get(observed)
        if sofr is None:
            return None
        growth *= 1.0 + per_year(sofr * days, ACT_360)
    total = (last - first).days
    return annualised(growth - 1.0, ACT_360) / total if total > 0 else None
