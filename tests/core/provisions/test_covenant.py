"""Capital replacement covenant (p.60-66) and scheduled-maturity repayment (p.33-35).

Expected percentages are typed from the prospectus's definition of "applicable percentage"
(p.61-62), at every boundary date: the day before and the day of.
"""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.provisions.covenant import (
    CATEGORIES,
    Eligibility,
    _percentage_on,
    applicable_percentage,
    capacity,
    maturity_repayment,
    measurement_date,
)
from trups_xl.core.securities.loading import TERMS

D = np.datetime64
BEFORE_2027, ON_2027 = "2027-12-20", "2027-12-21"
BEFORE_2047, ON_2047 = "2047-12-20", "2047-12-21"

# p.61 (i), p.62 (ii)-(iv): (day before 2027-12-21, on it, day before 2047-12-21, on it)
PROSPECTUS_TABLE = {
    "common_stock": (1.33, 2.00, 2.00, 4.00),
    "mandatorily_convertible_preferred": (1.00, 1.50, 1.50, 3.00),
    "debt_exchangeable_common": (1.00, 1.50, 1.50, 3.00),
    "debt_exchangeable_preferred": (1.00, 1.50, 1.50, 3.00),
    "reit_preferred": (1.00, 1.50, 1.50, 3.00),
    "qcs_i": (1.00, 1.50, 1.50, 3.00),
    "qcs_ii": (1.00, 1.00, 1.00, 2.00),
    "qcs_iii": (1.00, 1.00, 1.00, 1.00),
}


@pytest.mark.parametrize("category", sorted(PROSPECTUS_TABLE))
def test_percentage_table_at_every_boundary(category):
    days = np.array([BEFORE_2027, ON_2027, BEFORE_2047, ON_2047], dtype="datetime64[D]")
    got = applicable_percentage(days, category, eligibility="table", terms=TERMS)
    assert got.tolist() == pytest.approx(PROSPECTUS_TABLE[category], abs=0)


def test_every_category_is_in_the_table():
    assert set(CATEGORIES) == set(PROSPECTUS_TABLE)


@pytest.mark.parametrize(("category", "day_before", "day_of", "value"), [
    # p.63-64: clause (ii) securities qualify from 2027-12-21, clause (iii) from 2047-12-21
    ("qcs_ii", BEFORE_2027, ON_2027, 1.00),
    ("qcs_iii", BEFORE_2047, ON_2047, 1.00),
])
def test_definition_gives_nothing_before_a_clause_qualifies(category, day_before, day_of, value):
    assert applicable_percentage(D(day_before), category, terms=TERMS) == 0.0
    assert applicable_percentage(D(day_of), category, terms=TERMS) == value


def test_covenant_life():
    assert applicable_percentage(D("2007-12-21"), "common_stock", terms=TERMS) == 1.33
    assert applicable_percentage(D("2067-12-20"), "common_stock", terms=TERMS) == 4.00
    with pytest.raises(TrupsInputError, match="covenant ends"):
        applicable_percentage(D("2067-12-21"), "common_stock", terms=TERMS)
    with pytest.raises(TrupsInputError, match="issue date"):
        applicable_percentage(D("2007-12-20"), "common_stock", terms=TERMS)
    with pytest.raises(TrupsInputError, match="category"):
        applicable_percentage(D("2030-01-01"), "preferred", terms=TERMS)


def test_capacity_sums_percentage_times_proceeds():
    # 2030: common 200% x 500m + clause (i) QCS 150% x 250m = 1,000m + 375m
    assert capacity(dt.date(2030, 6, 1), ["common_stock", "qcs_i"], [500e6, 250e6], terms=TERMS) == pytest.approx(1375e6)
    # the day before 2027-12-21: 133% x 300m; clause (ii) QCS do not qualify yet
    assert capacity(dt.date(2027, 12, 20), ["common_stock", "qcs_ii"], [300e6, 100e6], terms=TERMS) == pytest.approx(399e6)


def test_capacity_refuses_bad_rows():
    with pytest.raises(TrupsInputError, match="row 2"):
        capacity(dt.date(2030, 6, 1), ["common_stock", "bonds"], [1.0, 2.0], terms=TERMS)
    with pytest.raises(TrupsInputError, match="negative"):
        capacity(dt.date(2030, 6, 1), ["common_stock"], [-1.0], terms=TERMS)
    with pytest.raises(TrupsInputError, match="proceeds"):
        capacity(dt.date(2030, 6, 1), ["common_stock"], [1.0, 2.0], terms=TERMS)


@given(st.lists(st.tuples(st.sampled_from(sorted(PROSPECTUS_TABLE)), st.floats(0, 1e10)), max_size=6),
       st.dates(dt.date(2007, 12, 21), dt.date(2067, 12, 20)))
def test_capacity_is_additive_over_issues(rows, day):
    cats = [c for c, _ in rows]
    amounts = [a for _, a in rows]
    whole = capacity(day, cats, amounts, terms=TERMS)
    parts = sum(capacity(day, [c], [a], terms=TERMS) for c, a in rows)
    assert whole == pytest.approx(parts, rel=1e-12, abs=1e-6)


@given(st.sampled_from(sorted(PROSPECTUS_TABLE)),
       st.dates(dt.date(2007, 12, 21), dt.date(2067, 12, 19)), st.integers(1, 3000))
def test_percentages_never_fall_over_time(category, day, later):
    end = min(day + dt.timedelta(days=later), dt.date(2067, 12, 20))
    for eligibility in ("table", "definition"):
        assert applicable_percentage(D(end), category, eligibility, terms=TERMS) >= applicable_percentage(D(day), category,
                                                                                             eligibility, terms=TERMS)


# ---- measurement date (p.63) ----

def test_six_months_before_notice_on_or_before_2057_12_21():
    assert measurement_date(dt.date(2057, 6, 1), terms=TERMS) == dt.date(2056, 12, 1)
    assert measurement_date(dt.date(2057, 12, 21), terms=TERMS) == dt.date(2057, 6, 21)  # the day of: still 6 months
    assert measurement_date(dt.date(2057, 8, 31), terms=TERMS) == dt.date(2057, 2, 28)  # month end clips


def test_thirty_days_before_notice_after_2057_12_21():
    assert measurement_date(dt.date(2057, 12, 22), terms=TERMS) == dt.date(2057, 11, 22)  # the day after
    # Mar 1, 2058 - 30 days = Jan 30, 2058
    assert measurement_date(dt.date(2058, 3, 1), terms=TERMS) == dt.date(2058, 1, 30)


def test_the_transaction_date_picks_the_rule():
    # notice on Dec 1, 2057 for a redemption on Jan 21, 2058: "after Dec 21, 2057" -> 30 days
    assert measurement_date(dt.date(2057, 12, 1), transaction_date=dt.date(2058, 1, 21), terms=TERMS) == dt.date(2057, 11, 1)
    assert measurement_date(dt.date(2057, 12, 1), terms=TERMS) == dt.date(2057, 6, 1)


def test_a_transaction_before_its_notice_is_refused_naming_the_transaction_date():
    # a redemption dated before its notice (the two swapped, say) was taken as an earlier transaction: for a
    # notice in 2058 and a transaction in 2057, the six-month rule, 2057-09-01 where the 30-day rule gives 2058-01-30
    with pytest.raises(TrupsInputError, match=r"^transaction_date: 2057-12-01 is before notice_date 2058-03-01"):
        measurement_date(dt.date(2058, 3, 1), transaction_date=dt.date(2057, 12, 1), terms=TERMS)
    assert measurement_date(dt.date(2058, 3, 1), transaction_date=dt.date(2058, 3, 1), terms=TERMS) == dt.date(2058, 1, 30)
    from trups_xl.excel import udfs

    assert udfs.TRUPS_CRC_MEASUREMENT_DATE("2058-03-01", None, "2057-12-01").startswith(
        "#TRUPS! transaction_date: 2057-12-01 is before notice_date 2058-03-01")


def test_150_day_look_back():
    # notice 2058-03-01: D = 2058-01-30; the 150 days before D began 2057-09-02
    notice = dt.date(2058, 3, 1)
    assert measurement_date(notice, last_proceeds_date=dt.date(2057, 10, 1), terms=TERMS) == dt.date(2057, 9, 2)
    assert measurement_date(notice, last_proceeds_date=dt.date(2057, 9, 2), terms=TERMS) == dt.date(2057, 9, 2)  # first day
    assert measurement_date(notice, last_proceeds_date=dt.date(2057, 9, 1), terms=TERMS) == dt.date(2058, 1, 30)  # before it
    # within D's period
    assert measurement_date(notice, last_proceeds_date=dt.date(2058, 1, 30), terms=TERMS) == dt.date(2058, 1, 30)


def test_measurement_periods_cannot_overlap():
    notice = dt.date(2058, 3, 1)
    # the previous period ended 2057-11-15: the look-back is the "shorter" period from then
    assert measurement_date(notice, dt.date(2057, 12, 1), previous_period_end=dt.date(2057, 11, 15), terms=TERMS) \
        == dt.date(2057, 11, 15)
    assert measurement_date(dt.date(2040, 6, 1), previous_period_end=dt.date(2040, 3, 1), terms=TERMS) == dt.date(2040, 3, 1)
    with pytest.raises(TrupsInputError, match="previous_period_end"):
        measurement_date(dt.date(2040, 6, 1), previous_period_end=dt.date(2040, 7, 1), terms=TERMS)


# ---- scheduled-maturity repayment (p.33-35) ----

def test_nothing_due_below_five_million():
    assert maturity_repayment(4_999_999.99, terms=TERMS) == 0.0
    assert maturity_repayment(5_000_000.0, terms=TERMS) == 5_000_000.0  # clause (iii): 100%


def test_percentage_by_clause_and_cap_at_principal():
    assert maturity_repayment(10e6, category="qcs_i", terms=TERMS) == pytest.approx(30e6)  # 300% on/after 2047
    assert maturity_repayment(10e6, category="qcs_ii", terms=TERMS) == pytest.approx(20e6)  # 200%
    assert maturity_repayment(2e9, category="qcs_i", terms=TERMS) == pytest.approx(3.5e9)  # all 3,500,000 x $1,000
    assert maturity_repayment(2e9, principal_outstanding=1e9, terms=TERMS) == pytest.approx(1e9)


def test_final_repayment_date_takes_everything():
    assert maturity_repayment(0.0, dt.date(2077, 12, 21), principal_outstanding=123e6, terms=TERMS) == 123e6


def test_repayment_dates():
    assert maturity_repayment(6e6, dt.date(2058, 1, 21), terms=TERMS) == 6e6  # a monthly payment date
    with pytest.raises(TrupsInputError, match="repayment_date"):
        maturity_repayment(6e6, dt.date(2058, 1, 20), terms=TERMS)
    with pytest.raises(TrupsInputError, match="category"):
        maturity_repayment(6e6, category="common_stock", terms=TERMS)
    with pytest.raises(TrupsInputError, match="negative"):
        maturity_repayment(-1.0, terms=TERMS)


@given(category=st.sampled_from(CATEGORIES), eligibility=st.sampled_from(["definition", "table"]),
       day=st.dates(dt.date(2007, 12, 21), dt.date(2067, 12, 20)))
def test_one_date_reads_the_table_as_the_array_path_does(category, eligibility, day):
    """A cell's capacity and maturity repayment read one date by bisection; the array path by
    searchsorted: the same percentage for every date, category and eligibility."""
    array = applicable_percentage(np.array([day], dtype="datetime64[D]"), category, eligibility, terms=TERMS)
    assert _percentage_on(day, category, Eligibility(eligibility)) == float(array[0])
