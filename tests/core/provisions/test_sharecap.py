"""Share cap amount, with Citigroup's 1-for-10 reverse split."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.provisions.sharecap import citigroup_actions, share_cap, share_cap_required, shares_saleable
from trups_xl.core.securities.loading import TERMS


def test_shipped_citigroup_actions():
    assert citigroup_actions() == ((dt.date(2011, 5, 6), 0.1),)


def test_before_and_after_the_reverse_split():
    # 195,000,000 before; 1-for-10 effective 2011-05-06: 195,000,000 x 0.1 = 19,500,000
    assert share_cap(dt.date(2011, 5, 5), terms=TERMS) == 195_000_000
    assert share_cap(dt.date(2011, 5, 6), terms=TERMS) == 19_500_000
    assert share_cap(dt.date(2011, 5, 9), terms=TERMS) == 19_500_000
    # user override: no actions at all, or a later 2-for-1 split
    assert share_cap(dt.date(2012, 1, 1), (), terms=TERMS) == 195_000_000
    actions = [(dt.date(2011, 5, 6), 0.1), (dt.date(2029, 1, 1), 2.0)]
    assert share_cap(dt.date(2030, 1, 1), actions, terms=TERMS) == 39_000_000


def test_required_cap_by_hand():
    # $500m deferred at $4.50: 111,111,112 shares needed (rounded up) > 19.5m cap, < 140m limit
    assert share_cap_required(dt.date(2012, 6, 21), 500e6, 4.5, terms=TERMS) == 111_111_112
    # $5bn at $4.50 would need 1.11bn shares: stops at the split-adjusted 1.4bn x 0.1 = 140m
    assert share_cap_required(dt.date(2012, 6, 21), 5e9, 4.5, terms=TERMS) == 140_000_000
    # before the split the unadjusted limit applies
    assert share_cap_required(dt.date(2010, 6, 21), 5e9, 4.5, terms=TERMS) == 1_111_111_112


def test_saleable():
    # $10m at $4.50 = 2,222,223 shares; cap 19.5m less 19m sold leaves 500,000
    assert shares_saleable(10e6, 4.5, dt.date(2012, 1, 3), terms=TERMS) == 2_222_223
    assert shares_saleable(10e6, 4.5, dt.date(2012, 1, 3), 19_000_000, terms=TERMS) == 500_000
    assert shares_saleable(10e6, 4.5, dt.date(2012, 1, 3), 25_000_000, terms=TERMS) == 0


@given(st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2077, 12, 21)),
       st.floats(min_value=0, max_value=1e11), st.floats(min_value=0.01, max_value=1000),
       st.one_of(st.none(), st.floats(min_value=0, max_value=3e9)))
def test_required_bounds(day, deferred, price, current):
    required = share_cap_required(day, deferred, price, current, terms=TERMS)
    cap = share_cap(day, terms=TERMS) if current is None else current
    ceiling = 1.4e9 * (0.1 if day >= dt.date(2011, 5, 6) else 1.0)
    assert required >= cap
    assert required <= max(cap, ceiling)


@pytest.mark.parametrize("factor", [1e-300, 9.99e-7, 1_000_001.0, 1e300])
def test_a_factor_beyond_the_bounds_is_refused_naming_the_corporate_actions(factor):
    with pytest.raises(TrupsInputError, match=r"from 0\.000001 to 1,000,000") as e:
        share_cap(dt.date(2012, 1, 1), [(dt.date(2011, 5, 6), factor)], terms=TERMS)
    assert e.value.argument == "corporate_actions"


def test_actions_whose_product_is_beyond_the_bounds_are_refused_not_a_cap_of_no_shares():
    # 120 reverse splits of 1-for-1,000: each within the bounds, together 1e-360 (a cap of 0.0 shares before)
    actions = [(dt.date(1990, 1, 1) + dt.timedelta(days=i), 0.001) for i in range(120)]
    with pytest.raises(TrupsInputError, match="together they must be") as e:
        share_cap(dt.date(2012, 1, 1), actions, terms=TERMS)
    assert e.value.argument == "corporate_actions"
    # the same actions not yet in force, and two 1-for-10 in force: 195,000,000 x 0.01 = 1,950,000
    assert share_cap(dt.date(1989, 12, 31), actions, terms=TERMS) == 195_000_000
    two = [(dt.date(2011, 5, 6), 0.1), (dt.date(2011, 6, 6), 0.1)]
    assert share_cap(dt.date(2012, 1, 1), two, terms=TERMS) == pytest.approx(1_950_000, rel=1e-15)
