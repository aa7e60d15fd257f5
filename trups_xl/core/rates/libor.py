"""LIBOR as the prospectus determines it from bank quotations (p.41).

If the Reuters LIBOR01 rate does not appear, the calculation agent asks four major London
banks; with at least two quotations LIBOR is their arithmetic mean, "rounded upward if
necessary to the nearest whole multiple of 0.00001%". With fewer than two, it is the mean,
rounded the same way, of the rates quoted by three major New York City banks; if fewer than
three of those quote, LIBOR is the previous period's (4.910% for the quarterly period
beginning Dec 21, 2037) — see :data:`trups_xl.core.rates.fixings.POLICY_FALLBACK`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.terms import Terms, require

#: p.41: at least two London quotations are needed for their mean to be LIBOR.
MIN_LONDON_QUOTES = 2
#: p.41: the New York fallback needs quotations from the three banks selected.
MIN_NEW_YORK_QUOTES = 3
#: p.41: four London banks are asked, and three New York City banks: no more quotations exist.
MAX_LONDON_QUOTES = 4
MAX_NEW_YORK_QUOTES = 3


def round_up_libor(rate: float, terms: Terms) -> float:
    """Round a decimal rate upward to the next whole multiple of 0.00001% (p.41).

    A value already on the grid (within floating-point noise of 1e-6 of a step) is kept,
    so 0.0512345 stays 0.0512345 rather than moving up one step because of binary rounding.
    """
    step = float(require(terms, "libor_rounding"))
    steps = rate / step
    nearest = round(steps)
    whole = nearest if abs(steps - nearest) < 1e-6 else math.ceil(steps)
    return round(whole * step, 12)


def libor_from_quotes(london: Sequence[float], new_york: Sequence[float] = (), *, terms: Terms) -> float | None:
    """LIBOR for a period from bank quotations (p.41); ``None`` when the fallback applies.

    Parameters
    ----------
    london : sequence of float
        Quotations (decimals) from the London banks asked; fewer than two are not enough.
    new_york : sequence of float
        Quotations from the three New York City banks, used only when London gave fewer than two.
    """
    indexes = [i for i in (terms.floating_index, terms.post_maturity_index) if i is not None]
    if not any(index.is_libor for index in indexes):
        named = indexes[0].value if indexes else "a fixed rate"
        raise TrupsInputError(f"bank quotations set LIBOR; this security's index is {named}, not LIBOR", "security")
    for quotes, argument, most, where in ((london, "london_quotes", MAX_LONDON_QUOTES, "four London"),
                                          (new_york, "new_york_quotes", MAX_NEW_YORK_QUOTES, "three New York City")):
        if len(quotes) > most:
            raise TrupsInputError(f"{len(quotes)} quotations; p.41 asks {where} banks, so at most {most}", argument)
        if any(q < 0 for q in quotes):
            raise TrupsInputError("a quotation is negative; quotations are decimal rates such as 0.0525",
                                  argument)
    if len(london) >= MIN_LONDON_QUOTES:
        return round_up_libor(sum(london) / len(london), terms)
    if len(new_york) >= MIN_NEW_YORK_QUOTES:
        return round_up_libor(sum(new_york) / len(new_york), terms)
    return None
