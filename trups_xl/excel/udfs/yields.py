"""Excel functions of yield and risk for any security: yield to a workout and to worst, the workout
date, price from yield, the workouts, risk measures, spreads and the discount margin.

Each function converts and validates its cells, calls the calculation core
(:mod:`trups_xl.core.pricing.workout_yield`, :mod:`~trups_xl.core.pricing.risk`,
:mod:`~trups_xl.core.pricing.spreads`) and shapes the result; it computes nothing itself.
"""

import datetime as dt
from typing import Any

import numpy as np

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.pricing import risk as core_risk
from trups_xl.core.pricing import spreads as core_spreads
from trups_xl.core.pricing import workout as core_workout
from trups_xl.core.pricing import workout_yield as core_yield
from trups_xl.core.securities.terms import Terms
from trups_xl.excel import arguments as xa
from trups_xl.excel import convert as xc
from trups_xl.excel import security as xs
from trups_xl.excel import tables as xt
from trups_xl.excel.function import INPUT_ERROR_PREFIX, excel_function

__all__ = [
    "TRUPS_DISCOUNT_MARGIN",
    "TRUPS_PRICE",
    "TRUPS_RISK",
    "TRUPS_SPREAD",
    "TRUPS_WORKOUTS",
    "TRUPS_WORKOUT_DATE",
    "TRUPS_YIELD",
]

#: A price per 100 of principal is accepted in this range (exclusive).
PRICE_RANGE = (0.0, 1000.0)
#: Years a benchmark curve's tenor may be.
TENOR_YEARS = (0.0, 100.0)


#: Help of the arguments this module's functions share, written once (each docstring lists them without it).
_ARG_HELP = {
    "curve": ("The index of floating and reset periods with no fixing, assumed to stay (one rate) or to follow a "
              "curve (date, rate)."),
    "settlement": "Settlement date in the security's life. A range gives an array.",
    "special_events": ("\"exclude\" (default) or \"include\" special-event calls at par on each payment date before the "
                       "first par call."),
}


def _price_cell(value: object, argument: str, where: str) -> float:
    price = xc.cell_number(value, argument, "a price per 100 of principal (e.g. 101.25)", where)
    if not PRICE_RANGE[0] < price < PRICE_RANGE[1]:
        raise TrupsInputError(f"{where}expected a price per 100 of principal, above 0 and below 1000; got {price!r}",
                              argument)
    return price


def _workout(value: object, terms: Terms) -> core_workout.Workout | dt.date:
    """``worst`` (blank), ``maturity``, ``next_call`` or a workout date."""
    cell = value[0][0] if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) \
        and len(value[0]) == 1 else value
    if cell is None or xc.is_blank(cell):
        return core_workout.WORKOUT_DEFAULT
    if isinstance(cell, str) and not xc.DATE_TEXT.match(cell.strip()):
        return xa.choice(cell, "workout", core_workout.Workout, core_workout.WORKOUT_DEFAULT)
    try:
        return xa.one_date(value, "workout", *xs.life(terms))
    except TrupsInputError as exc:
        raise TrupsInputError(f"{exc.message}; or \"worst\", \"maturity\" or \"next_call\"", "workout") from None


def _market(quote: Any, curve: Any, fixings: Any, policy: Any, special_events: Any, terms: Terms
            ) -> core_yield.Market:
    events = xa.choice(special_events, "special_events", core_workout.SpecialEvents,
                       core_workout.SPECIAL_EVENTS_DEFAULT)
    return core_yield.Market(quote=xa.choice(quote, "quote", core_workout.Quote, core_workout.QUOTE_DEFAULT),
                             index=xt.curve(curve, terms), fixings=xt.fixings(fixings, terms), policy=xa.policy(policy),
                             special_events=events is core_workout.SpecialEvents.INCLUDE)


def _settlement_and(settlement: Any, value: Any, name: str, convert: Any, terms: Terms) -> list[Any]:
    bounds = xc.RATE_RANGE if convert is xa.rate_cell else (1e-9, 999.999)
    return xa.combine(("settlement", xa.date_cells(settlement, "settlement", *xs.life(terms))),
                      (name, xa.number_cells(value, name, convert, bounds)))


def _plausible(yields: Any, argument: str = "price") -> Any:
    """A solved yield or spread, refused outside the range the yield functions accept."""
    lo, hi = xc.RATE_RANGE
    values = np.asarray(yields)
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise TrupsInputError(f"the yield that gives this price, {float(values[outside].flat[0]):.4%}, is outside the "
                              f"plausible range {lo:.0%}..{hi:.0%}", argument)
    return yields


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0, "2037-12-21"), elementwise=("settlement", "price"))
def TRUPS_YIELD(settlement: Any, price: Any, workout: Any = None, quote: Any = None, curve: Any = None,
                fixings: Any = None, policy: Any = None, special_events: Any = None, security: Any = None) -> Any:
    """Yield to worst (or to maturity, the next call or a call date) from a price per 100, compounded at the security's payment frequency.

    Parameters
    ----------
    settlement : date
        Settlement date in the security's life, before its last payment date. A range gives an array.
    price : number
        Price per 100 of principal (clean unless quote is "flat"). A range gives an array.
    workout : text or date, optional
        "worst" (default: the lowest yield over every workout date), "maturity", "next_call" or a workout date (TRUPS_WORKOUTS).
    quote : text, optional
        "clean" (default: accrued added) or "flat" (accrued inside the price, as $25 listed preferreds trade).
    curve : rate or range, optional
    fixings : rate or range, optional
    policy : text, optional
    special_events : text, optional
        "exclude" (default) or "include": every payment date before the first par call becomes a par workout.
    security : text or range, optional
    """
    terms = xs.security(security)
    market = _market(quote, curve, fixings, policy, special_events, terms)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    return xc.shape_result(_plausible(core_yield.yield_to_workout(s, p, terms, _workout(workout, terms), market)))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0, "next_call"), elementwise=("settlement", "price"))
def TRUPS_WORKOUT_DATE(settlement: Any, price: Any, workout: Any = None, quote: Any = None, curve: Any = None,
                       fixings: Any = None, policy: Any = None, special_events: Any = None,
                       security: Any = None) -> Any:
    """The workout date a yield assumes: for the worst, the maturity or call date whose yield is lowest at that price.

    For a perpetual the worst may be its horizon (TRUPS_WORKOUTS says "horizon"): the last payment date the calendars
    reach, not a term of the security; the yield to it is that of a redemption at par on that date.

    Parameters
    ----------
    settlement : date
    price : number
        Price per 100 of principal (clean unless quote is "flat"). A range gives an array.
    workout : text or date, optional
    quote : text, optional
    curve : rate or range, optional
    fixings : rate or range, optional
    policy : text, optional
    special_events : text, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    market = _market(quote, curve, fixings, policy, special_events, terms)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    return xc.shape_result(core_yield.worst_workout_date(s, p, terms, _workout(workout, terms), market))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 0.08, "next_call"), elementwise=("settlement", "yield_rate"))
def TRUPS_PRICE(settlement: Any, yield_rate: Any, workout: Any = None, quote: Any = None, curve: Any = None,
                fixings: Any = None, policy: Any = None, special_events: Any = None, security: Any = None) -> Any:
    """Price per 100 at a yield to a workout; for the worst, the lowest price over the workout dates (the inverse of TRUPS_YIELD).

    Parameters
    ----------
    settlement : date
    yield_rate : rate
        Yield as a decimal (0.08), compounded at the payment frequency. A range gives an array.
    workout : text or date, optional
    quote : text, optional
        "clean" (default: the price less accrued) or "flat" (accrued inside).
    curve : rate or range, optional
    fixings : rate or range, optional
    policy : text, optional
    special_events : text, optional
        "exclude" (default) or "include" special-event calls at par.
    security : text or range, optional
    """
    terms = xs.security(security)
    market = _market(quote, curve, fixings, policy, special_events, terms)
    s, y = _settlement_and(settlement, yield_rate, "yield_rate", xa.rate_cell, terms)
    return xc.shape_result(core_yield.price_to_workout(s, y, terms, _workout(workout, terms), market))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0, None, 0.03))
def TRUPS_WORKOUTS(settlement: Any, price: Any = None, quote: Any = None, curve: Any = None, fixings: Any = None,
                   policy: Any = None, special_events: Any = None, security: Any = None) -> Any:
    """The workout dates after settlement, one a row: the date, why (maturity, par_call, special_event, horizon) and, with a price, the yield to it (#TRUPS! text where none is plausible).

    A perpetual's last row is "horizon": the last payment date the calendars reach, not a term of the security.

    Parameters
    ----------
    settlement : date
        Settlement date in the security's life.
    price : number, optional
        Price per 100 of principal (clean unless quote is "flat"): adds the yield to each workout date.
    quote : text, optional
    curve : rate or range, optional
    fixings : rate or range, optional
    policy : text, optional
    special_events : text, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    day = xa.one_date(settlement, "settlement", *xs.life(terms))
    market = _market(quote, curve, fixings, policy, special_events, terms)
    found = core_workout.workout_dates(terms, day, market.special_events)
    if not found:
        raise TrupsInputError(f"no workout date after {day}", "settlement")
    if xc.is_blank(price) or (isinstance(price, list) and xc.all_blank(price)):
        return [[w.date, str(w.kind)] for w in found]
    p = xa.one_number(price, "price", _price_cell)
    _, yields = core_yield.yields_to_each(day, p, terms, market)
    lo, hi = xc.RATE_RANGE
    return [[w.date, str(w.kind), float(y) if lo <= y <= hi else
             f"{INPUT_ERROR_PREFIX} price: the yield to this date is outside {lo:.0%}..{hi:.0%}"]
            for w, y in zip(found, yields, strict=True)]


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0, "modified", "2037-12-21"), elementwise=("settlement", "price"))
def TRUPS_RISK(settlement: Any, price: Any, measure: Any = None, workout: Any = None, quote: Any = None,
               curve: Any = None, fixings: Any = None, policy: Any = None, shift: Any = None, holding: Any = None,
               security: Any = None) -> Any:
    """Risk at a price: modified or Macaulay duration, convexity, DV01, effective duration or convexity (calls re-evaluated), spread duration.

    Parameters
    ----------
    settlement : date
    price : number
        Price per 100 of principal (clean unless quote is "flat"). A range gives an array.
    measure : text, optional
        "modified" (default), "macaulay", "convexity", "dv01", "effective_duration", "effective_convexity" or "spread_duration".
    workout : text or date, optional
        "worst" (default), "maturity", "next_call" or a workout date; effective measures always re-evaluate every workout.
    quote : text, optional
    curve : rate or range, optional
        The index of floating and reset periods with no fixing (one rate, or date, rate); effective measures move it with the yield.
    fixings : rate or range, optional
    policy : text, optional
    shift : rate, optional
        The move of effective measures, decimal; default 0.001 (10 bp).
    holding : number, optional
        Face amount held, for DV01 (money per 1 bp); default 100 (DV01 per 100 of principal).
    security : text or range, optional
    """
    terms = xs.security(security)
    chosen = xa.choice(measure, "measure", core_risk.Measure, core_risk.MEASURE_DEFAULT)
    market = _market(quote, curve, fixings, policy, None, terms)
    move = xa.one_number(shift, "shift", xa.spread_cell, default=core_risk.SHIFT_DEFAULT)
    if move <= 0:
        raise TrupsInputError("must be above 0 (a decimal: 0.001 is 10 bp)", "shift")
    face = xa.one_number(holding, "holding", xa.positive_cell, default=100.0)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    chosen_workout = _workout(workout, terms)
    # a price TRUPS_YIELD accepts: its yield, solved once, checked before the measure
    return xc.shape_result(core_risk.risk(s, p, chosen, terms, chosen_workout, market, move, face, check=_plausible))


def _benchmark(value: object, settlement: dt.date) -> core_spreads.TenorCurve:
    if value is None or xc.all_blank(value):
        raise TrupsInputError("expected two columns: tenor in years (or a date), rate", "benchmark")

    def tenor(cell: object, where: str) -> float | dt.date:
        if isinstance(cell, float | int) and not isinstance(cell, bool) and cell < 1000:
            years = xc.cell_number(cell, "benchmark", "a tenor in years", where)
            if not TENOR_YEARS[0] <= years <= TENOR_YEARS[1]:
                raise TrupsInputError(f"{where}a tenor is 0..100 years; got {years!r}", "benchmark")
            return years
        return xc.cell_date(cell, "benchmark", settlement, dt.date(2199, 12, 31), where)

    pairs = xt.table(value, "benchmark", "two columns: tenor in years (or a date), rate", tenor,
                     lambda rate, where: xc.cell_rate(rate, "benchmark", where))
    return core_spreads.TenorCurve(tuple(t for t, _ in pairs), tuple(r for _, r in pairs))


@excel_function(arg_help=_ARG_HELP, example=("2012-06-08", 101.0, [[1.0, 0.01], [10.0, 0.03], [30.0, 0.035]], "z", "2037-12-21"),
                elementwise=("price",))
def TRUPS_SPREAD(settlement: Any, price: Any, benchmark: Any, kind: Any = None, workout: Any = None,
                 quote: Any = None, curve: Any = None, fixings: Any = None, policy: Any = None,
                 security: Any = None) -> Any:
    """Spread of a price over a curve: G (Treasury yields), I (swap rates) at the workout's tenor, or Z (continuous zero rates), decimal.

    Parameters
    ----------
    settlement : date
        Settlement date in the security's life, before the first tenor date. One date.
    price : number
        Price per 100 of principal (clean unless quote is "flat"). A range gives an array.
    benchmark : range
        Two columns, at least two rows, tenors increasing: tenor in years (or a date), rate as a decimal.
    kind : text, optional
        "z" (default: zero rates, continuously compounded), "g" (Treasury curve) or "i" (swap curve).
    workout : text or date, optional
    quote : text, optional
    curve : rate or range, optional
        The index of floating and reset periods with no fixing (one rate, or date, rate).
    fixings : rate or range, optional
    policy : text, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    day = xa.one_date(settlement, "settlement", *xs.life(terms))
    chosen = xa.choice(kind, "kind", core_spreads.SpreadKind, core_spreads.SpreadKind.Z)
    market = _market(quote, curve, fixings, policy, None, terms)
    bench = _benchmark(benchmark, day)
    p = xa.number_cells(price, "price", _price_cell, (1e-9, 999.999))
    chosen_workout = _workout(workout, terms)
    # a price TRUPS_YIELD accepts: its yield, solved once, checked before the spread
    return xc.shape_result(core_spreads.spread(day, p, chosen, bench, terms, chosen_workout, market, check=_plausible))


@excel_function(arg_help=_ARG_HELP, example=("2040-06-08", 98.0, 0.03), elementwise=("settlement", "price"))
def TRUPS_DISCOUNT_MARGIN(settlement: Any, price: Any, index: Any, workout: Any = None, quote: Any = None,
                          fixings: Any = None, policy: Any = None, security: Any = None) -> Any:
    """Discount margin of a floater: the spread over a flat index (the index stays) that prices it, decimal.

    Parameters
    ----------
    settlement : date
    price : number
        Price per 100 of principal (clean unless quote is "flat"). A range gives an array.
    index : rate
        The index, decimal (0.03), for every period with no fixing and for discounting.
    workout : text or date, optional
    quote : text, optional
    fixings : rate or range, optional
    policy : text, optional
    security : text or range, optional
    """
    terms = xs.security(security)
    rate = xa.one_number(index, "index", xa.rate_cell)
    market = _market(quote, None, fixings, policy, None, terms)
    s, p = _settlement_and(settlement, price, "price", _price_cell, terms)
    chosen_workout = _workout(workout, terms)
    # a price TRUPS_YIELD accepts (the index projected): its yield, solved once, checked before the margin
    return xc.shape_result(core_spreads.discount_margin(s, p, rate, terms, chosen_workout, market, check=_plausible))
