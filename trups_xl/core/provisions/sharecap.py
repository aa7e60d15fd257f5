"""The share cap amount (p.47).

Shares sold to pay deferred interest may not exceed the share cap amount: 195,000,000
shares, "correspondingly adjusted" for stock splits, reverse splits, stock dividends and
the like. At the end of the first year of an extension period and each anniversary after,
if the cap would not raise enough to pay all deferred interest (with compounding) at the
average trading price over the 10 trading days preceding that date, Citigroup must raise
the cap to an amount that would — but need not go above 1,400,000,000 shares.

**Interpretation** (docs/TERMS.md): the 1.4 billion limit is split-adjusted like the cap.
Corporate actions count from their effective date inclusive (Citigroup's 1-for-10 reverse
split took effect at 4:10 pm on May 6, 2011, after the close, so a cap "as of" May 6 is
already adjusted). Citigroup's own actions ship in ``data/citigroup_corporate_actions.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from collections.abc import Sequence
from importlib import resources

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.terms import Terms, require

CorporateActions = tuple[tuple[dt.date, float], ...]

#: The share-count factors a corporate action may have, and the actions in force on a date together: a
#: 1-for-1,000,000 reverse split (0.000001) up to a 1,000,000-for-1 split. Splits "correspondingly
#: adjust" the cap (p.47) and real ones are far inside this (Citigroup's only one, 1-for-10: 0.1); a
#: factor beyond it is a slip (a share count, a percentage), and would give a cap of a fraction of a
#: share or of more shares than exist.
FACTOR_BOUNDS = (1e-6, 1e6)
#: The bounds as the refusals word them.
FACTOR_WORDS = f"from {FACTOR_BOUNDS[0]:.6f} to {FACTOR_BOUNDS[1]:,.0f}"


@functools.lru_cache(maxsize=1)
def citigroup_actions() -> CorporateActions:
    """Citigroup's splits/reverse splits/stock dividends since 2007 (shipped, sourced data)."""
    text = resources.files("trups_xl").joinpath("data/citigroup_corporate_actions.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((dt.date.fromisoformat(r["effective_date"]), float(r["factor"])) for r in rows)


def adjustment_factor(as_of: dt.date, actions: Sequence[tuple[dt.date, float]] | None = None) -> float:
    """Product of the share-count factors of actions effective on or before ``as_of``."""
    table = citigroup_actions() if actions is None else actions
    factor = 1.0
    for day, f in table:
        if not FACTOR_BOUNDS[0] <= f <= FACTOR_BOUNDS[1]:  # p.47's adjustments, within sane bounds
            raise TrupsInputError(f"corporate action factor for {day} must be a share-count factor (0.1 for "
                                  f"1-for-10) {FACTOR_WORDS}; got {f!r}", "corporate_actions")
        if day <= as_of:
            factor *= f
    if not FACTOR_BOUNDS[0] <= factor <= FACTOR_BOUNDS[1]:  # p.47: many actions at once, the same sane bounds
        raise TrupsInputError(f"the corporate actions in force on {as_of} multiply the share count by {factor:g}; "
                              f"together they must be {FACTOR_WORDS} too", "corporate_actions")
    return factor


def share_cap(as_of: dt.date, actions: Sequence[tuple[dt.date, float]] | None = None,
              *, terms: Terms) -> float:
    """The share cap amount in force on ``as_of``."""
    return float(require(terms, "share_cap_initial") * adjustment_factor(as_of, actions))


def share_cap_required(test_date: dt.date, deferred: float, average_price: float,
                       current_cap: float | None = None,
                       actions: Sequence[tuple[dt.date, float]] | None = None, *, terms: Terms) -> float:
    """Cap required at a test date: max(current cap, shares to pay all deferred interest), the
    increase stopping at the split-adjusted 1.4 billion."""
    ceiling = require(terms, "share_cap_ceiling") * adjustment_factor(test_date, actions)
    if average_price <= 0:
        raise TrupsInputError("average price must be positive", "average_price")
    if deferred < 0:
        raise TrupsInputError("deferred interest cannot be negative", "deferred_interest")
    cap = share_cap(test_date, actions, terms=terms) if current_cap is None else current_cap
    needed = math.ceil(deferred / average_price - 1e-9)
    return float(max(cap, min(needed, ceiling)))


def shares_saleable(amount: float, price: float, as_of: dt.date, shares_already_sold: float = 0.0,
                    actions: Sequence[tuple[dt.date, float]] | None = None, *, terms: Terms) -> float:
    """Shares that may be sold to raise ``amount`` at ``price`` under the cap in force:
    the whole shares needed (rounded up), at most the cap less shares already sold."""
    if price <= 0:
        raise TrupsInputError("price must be positive", "price")
    needed = math.ceil(amount / price - 1e-9)
    room = max(0.0, share_cap(as_of, actions, terms=terms) - shares_already_sold)
    return float(min(needed, math.floor(room)))
