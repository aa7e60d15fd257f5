"""Whole-life cash-flow projection on a flat curve, against an independent loop.

The loop builds the dates with dateutil, adjusts them with QuantLib's Federal Reserve
calendar, counts days with QuantLib's 30/360 Bond Basis and Actual/360, and takes the rates
from the prospectus (8.300%; index + 4.170%, p.40) and the LIBOR Act (3-month / 1-month
Term SOFR + 0.26161% / 0.11448%, 12 U.S.C. 5802(20)). It shares no code with trups_xl.
"""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from trups_xl.excel.udfs import TRUPS_SCHEDULE

ql = pytest.importorskip("QuantLib")

TERM_SOFR = 0.035  # the flat curve
MARGIN = 0.0417
SPREAD = {3: 0.0026161, 1: 0.0011448}


def _ql(d: dt.date):
    return ql.Date(d.day, d.month, d.year)


def _independent_cash_flows(principal: float = 1000.0) -> list[float]:
    fed = ql.UnitedStates(ql.UnitedStates.FederalReserve)
    bond_basis = ql.Thirty360(ql.Thirty360.BondBasis)
    act360 = ql.Actual360()
    flows = []
    legs = [(dt.date(2007, 12, 21), dt.date(2037, 12, 21), 6),
            (dt.date(2037, 12, 21), dt.date(2057, 12, 21), 3),
            (dt.date(2057, 12, 21), dt.date(2077, 12, 21), 1)]
    for first, last, months in legs:
        n = 0
        while True:
            start = first + relativedelta(months=months * n)
            end = first + relativedelta(months=months * (n + 1))
            if end > last:
                break
            if months == 6:  # fixed: scheduled dates, 30/360
                flows.append(0.083 * bond_basis.dayCount(_ql(start), _ql(end)) / 360 * principal)
            else:  # floating/monthly: adjusted (following) dates, Act/360
                a = fed.adjust(_ql(start), ql.Following)
                b = fed.adjust(_ql(end), ql.Following)
                rate = TERM_SOFR + SPREAD[months] + MARGIN
                flows.append(rate * act360.dayCount(a, b) / 360 * principal)
            n += 1
    return flows


def test_whole_life_projection_on_a_flat_curve():
    rows = TRUPS_SCHEDULE(None, None, None, 1000, "libor_act", TERM_SOFR)
    header, body = rows[0], rows[1:]
    interest = [r[header.index("interest")] for r in body]
    expected = _independent_cash_flows()
    assert len(interest) == len(expected) == 60 + 80 + 240
    assert interest == pytest.approx(expected, abs=1e-9)
    # totals a treasurer would check: 60 fixed coupons of $41.50
    assert sum(interest[:60]) == pytest.approx(60 * 41.50, abs=1e-9)


def test_fixings_override_the_curve_in_the_projection():
    rows = TRUPS_SCHEDULE("2038-03-21", "2038-06-21", [["2037-12-21", 0.05]], 1000, "libor_act", TERM_SOFR)
    rate = rows[0].index("rate")
    assert rows[1][rate] == pytest.approx(0.05 + 0.0026161 + MARGIN)  # fixed by the user
    assert rows[2][rate] == pytest.approx(TERM_SOFR + 0.0026161 + MARGIN)  # projected
