"""Interest, compounding and discount factors against QuantLib's InterestRate and by hand."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.conventions.daycount import ACT_360, ACT_365F, THIRTY_360
from trups_xl.core.conventions.interest import (
    Compounding,
    compound_factor,
    discount_factor,
    implied_rate,
    periodic_discount,
    simple_interest,
)

ql = pytest.importorskip("QuantLib")
rates = st.floats(-0.05, 0.3)
years = st.floats(0.01, 40.0)
QL = {Compounding.SIMPLE: ql.Simple, Compounding.COMPOUNDED: ql.Compounded, Compounding.CONTINUOUS: ql.Continuous}


@given(rates, years, st.sampled_from(list(Compounding)), st.sampled_from([1, 2, 4, 12]))
def test_compound_and_discount_factors_match_quantlib(rate, t, compounding, frequency):
    theirs = ql.InterestRate(rate, ql.Actual365Fixed(), QL[compounding], frequency)
    assert compound_factor(rate, t, compounding, frequency) == pytest.approx(theirs.compoundFactor(t), rel=1e-12)
    assert discount_factor(rate, t, compounding, frequency) == pytest.approx(theirs.discountFactor(t), rel=1e-12)
    growth = theirs.compoundFactor(t)
    assert float(implied_rate(growth, t, compounding, frequency)) == pytest.approx(rate, abs=1e-10)


def test_simple_interest_is_exact_on_decimal_amounts():
    assert simple_interest(1000.0, 180, 0.083, THIRTY_360) == 41.5  # XXI's coupon, p.40
    assert simple_interest(1000.0, 92, 0.04, ACT_360) == pytest.approx(10.2222, abs=5e-5)  # Mellon's 10-Q figure
    assert simple_interest(1000.0, 365, 0.05, ACT_365F) == 50.0
    assert float(simple_interest([1000.0], [180], [0.083], THIRTY_360)[0]) == 41.5


def test_periodic_discount_is_the_semiannual_basis():
    assert float(periodic_discount(0.06, 2.0, 2)) == pytest.approx(1 / 1.03 ** 2, rel=1e-15)
    assert float(periodic_discount(0.06, 0.5, 2)) == pytest.approx(1 / math.sqrt(1.03), rel=1e-15)
