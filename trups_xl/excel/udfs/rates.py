"""Excel functions of the index after LIBOR: a period's index under each policy and LIBOR from dealer quotes.

Each function converts and validates its cells, calls the calculation core and shapes the result;
it computes nothing itself (:mod:`trups_xl.excel.udfs`).
"""

from typing import Any

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.rates import fixings as core_rates
from trups_xl.core.rates import libor as core_libor
from trups_xl.core.securities.terms import require
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import excel_function

__all__ = [
    "TRUPS_INDEX_RATE",
    "TRUPS_LIBOR_FROM_QUOTES",
]


@excel_function(example=("2037-12-21", "libor_act", 0.0375), elementwise=("period_start",))
def TRUPS_INDEX_RATE(period_start: Any, policy: Any = None, fixings: Any = None, curve: Any = None, security: Any = None) -> Any:
    """Index of the floating/post-maturity period starting on period_start, before the 4.170% margin; under "libor_act" it includes the tenor spread adjustment.

    Parameters
    ----------
    period_start : date
        First day of a floating or post-maturity period, scheduled or adjusted (XXI: the 21st, from 2037-12-21). A range gives an array.
    policy : text, optional
    fixings : rate or range, optional
    curve : rate or range, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    first = terms.floating_start if terms.floating_start is not None else require(terms, "switch_date")
    days, _ = xa.dates(period_start, "period_start", first, terms.final_repayment)
    return xc.shape_result(core_rates.index_rate(days, xt.fixings(fixings, terms), xa.policy(policy),
                                                 xt.curve(curve, terms), terms=terms))


@excel_function(example=([[0.0525, 0.05251, 0.05262]],))
def TRUPS_LIBOR_FROM_QUOTES(london_quotes: Any, new_york_quotes: Any = None, security: Any = None) -> Any:
    """LIBOR from bank quotations when the screen rate is missing: mean of >= 2 London quotes, else of 3 New York quotes, rounded up to 0.00001% (p.41).

    Parameters
    ----------
    london_quotes : range
        Quotations (decimals) of the London banks asked; blanks are skipped.
    new_york_quotes : range, optional
        Quotations of the three New York City banks, used when London gave fewer than two.
    security : text or range, optional
    """
    terms = xs.security(security)
    london = [] if xc.is_blank(london_quotes) else \
        xt.vector(london_quotes, "london_quotes", xa.rate_cell, skip_blank=True)[0]
    new_york = [] if xc.is_blank(new_york_quotes) else \
        xt.vector(new_york_quotes, "new_york_quotes", xa.rate_cell, skip_blank=True)[0]
    rate = core_libor.libor_from_quotes(london, new_york, terms=terms)
    if rate is None:
        first = "" if terms.first_floating_fallback is None or terms.switch_date is None else \
            f" ({terms.first_floating_fallback:.3%} for the period from {terms.switch_date.isoformat()})"
        raise TrupsInputError("fewer than 2 London and fewer than 3 New York quotations: LIBOR is the previous "
                              f"period's{first}, p.41", "london_quotes")
    return rate
