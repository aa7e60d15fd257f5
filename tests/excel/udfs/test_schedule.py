"""The schedule and accrual functions, on hand-checked XXI figures (p.20, p.40: 8.300% on $1,000, 30/360)."""

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.excel.udfs import schedule


def test_a_full_fixed_period_and_a_stub_by_hand():
    assert schedule.TRUPS_COUPON("2008-06-21") == 41.5  # 1000 x 0.083 x 180 / 360
    # 2008-12-21 to 2009-01-31: 40 days 30/360 Bond Basis
    assert schedule.TRUPS_ACCRUAL("2008-12-21", "2009-01-31") == 1000 * 0.083 * 40 / 360
    assert schedule.TRUPS_ACCRUED_INTEREST("2009-01-31") == 1000 * 0.083 * 40 / 360


def test_payment_dates_like_couppcd_and_coupncd():
    assert schedule.TRUPS_PREVIOUS_PAYMENT_DATE("2009-01-31") == dt.date(2008, 12, 21)
    assert schedule.TRUPS_NEXT_PAYMENT_DATE("2009-01-31") == dt.date(2009, 6, 21)


def test_the_schedule_and_the_terms():
    rows = schedule.TRUPS_SCHEDULE("2008-01-01", "2009-12-31")
    assert rows[0] == schedule.SCHEDULE_HEADER and len(rows) == 1 + 4  # Jun/Dec 2008 and 2009
    assert schedule.TRUPS_TERMS("fixed_rate") == 0.083
    assert schedule.TRUPS_COUPON("2010-01-21").startswith("#TRUPS! payment_date: ")


# ---- a column with refused rows: the one call and the calls row by row agree ----------------------

XXI_REFUSAL = ("#TRUPS! payment_date: 2010-03-03 is not a scheduled interest payment date (fixed 2008-06-21.."
               "2037-12-21 every 6 months; floating 2038-03-21..2057-12-21 every 3 months; post-maturity "
               "2058-01-21..2077-12-21 every month)")  # docs/TERMS.md, p.19-20


def test_a_daily_date_that_is_not_a_payment_date_says_where_they_are():
    assert schedule.TRUPS_COUPON(dt.datetime(2010, 3, 3), None, 1000) == XXI_REFUSAL
    assert schedule.TRUPS_COUPON([[dt.datetime(2008, 6, 21)], [dt.datetime(2010, 3, 3)]], None, 1000) == XXI_REFUSAL
    assert schedule.TRUPS_ACCRUAL("2009-01-31", "2008-12-21") == "#TRUPS! end_date: end_date is before start_date"


SECURITIES = st.sampled_from([None, "citigroup_capital_xiii"])
LIFE_DAYS = st.dates(dt.date(2007, 12, 1), dt.date(2041, 1, 31))  # both lives, and days either side
#: payment dates of both securities, so that some rows are accepted
PAYMENT_DAYS = st.sampled_from([dt.date(y, m, d) for y in range(2008, 2041) for m, d in
                                ((1, 30), (3, 21), (4, 30), (6, 21), (7, 30), (9, 21), (10, 30), (12, 21))])


def _refused_rows(function, rows, *rest):
    """The per-row answers, and which rows refuse (a ``#TRUPS!`` text)."""
    answers = [function(*[[[cell]] for cell in row], *rest) for row in rows]
    return answers, [isinstance(answer, str) for answer in answers]


def _agree(function, rows, *rest):
    answers, refused = _refused_rows(function, rows, *rest)
    whole = function(*[[[row[i]] for row in rows] for i in range(len(rows[0]))], *rest)
    if isinstance(whole, str):  # one refused row refuses the column, naming it or with its message
        named = re.search(r": row (\d+) column 1: ", whole)
        row = int(named.group(1)) - 1 if named else answers.index(whole)
        assert refused[row] and whole.replace(named.group(0) if named else ": ", ": ") == answers[row]
    else:  # no row refused: the same numbers as the rows'
        assert not any(refused) and [cell for (cell,) in whole] == answers


@settings(max_examples=40)
@given(st.lists(st.one_of(PAYMENT_DAYS, LIFE_DAYS), min_size=2, max_size=20), st.sampled_from([None, 0.05]),
       SECURITIES)
def test_coupon_rows_refused_alone_are_those_the_column_refuses_for(days, fixings, security):
    _agree(schedule.TRUPS_COUPON, [(day,) for day in days], fixings, None, None, None, security)


@settings(max_examples=40)
@given(st.lists(st.tuples(st.one_of(PAYMENT_DAYS, LIFE_DAYS), st.one_of(PAYMENT_DAYS, LIFE_DAYS)),
                min_size=2, max_size=20), SECURITIES)
def test_accrual_rows_refused_alone_are_those_the_column_refuses_for(pairs, security):
    _agree(schedule.TRUPS_ACCRUAL, pairs, 0.05, None, None, None, security)
