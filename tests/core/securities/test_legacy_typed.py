"""Securities issued in the 1990s, typed as terms tables: a 1996 fixed $25 TruPS and a 1997 pure
LIBOR floater, every number worked out by hand here (day counts, holiday rolls, the LIBOR Act).

Holidays used below, from the federal holiday rules as they stood (5 U.S.C. 6103; the Federal
Reserve moves a Sunday holiday to Monday and never a Saturday one):
Washington's Birthday, the third Monday of February: 1997-02-17, 1998-02-16, 1999-02-15;
Martin Luther King Jr. Day, the third Monday of January: 2000-01-17, 2001-01-15, 2024-01-15.
"""

import datetime as dt
import inspect

import pytest

from trups_xl.excel import udfs
from trups_xl.excel.function import BUG_PREFIX, INFO

D = dt.date

#: A fixed 8.00% quarterly $25 retail TruPS of 1996: distributions on Feb/May/Aug/Nov 15, 30/360.
FIXED_1996 = [["name", "Example Capital Trust I 8.00% Trust Preferred Securities"], ["liquidation_amount", 25],
              ["issue_date", "1996-11-19"], ["first_payment_date", "1997-02-15"], ["maturity_date", "2036-11-15"],
              ["fixed_rate", 0.08], ["fixed_frequency", 4], ["fixed_day_count", "30/360"],
              ["par_call_date", "2001-11-15"]]

#: A 1997 pure floater: three-month LIBOR + 0.55%, quarterly on Jan/Apr/Jul/Oct 15, Actual/360,
#: modified following, LIBOR set two London banking days before each period; floating terms only.
FLOATER_1997 = [["name", "Example Capital Trust II Floating Rate Capital Securities"],
                ["liquidation_amount", 1000], ["issue_date", "1997-01-15"], ["first_payment_date", "1997-04-15"],
                ["maturity_date", "2027-01-15"], ["floating_index", "usd_libor_3m"], ["floating_margin", 0.0055],
                ["floating_frequency", 4], ["floating_day_count", "ACT/360"],
                ["business_day_convention", "modified_following"], ["libor_determination_lag", 2],
                ["par_call_date", "2002-01-15"]]


def _rows(table):
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


def _days_30_360(a: dt.date, b: dt.date) -> int:
    """30/360 Bond Basis: D1 31 -> 30; D2 31 -> 30 only when D1 is then 30."""
    d1 = min(a.day, 30)
    d2 = 30 if b.day == 31 and d1 == 30 else b.day
    return (b.year - a.year) * 360 + (b.month - a.month) * 30 + (d2 - d1)


# ---- the 1996 fixed TruPS ------------------------------------------------------------------------

def test_the_1996_trups_first_coupon_is_its_short_first_period():
    # 30/360 from 1996-11-19 to 1997-02-15: 360 - 270 - 4 = 86 days
    assert _days_30_360(D(1996, 11, 19), D(1997, 2, 15)) == 86
    assert udfs.TRUPS_COUPON("1997-02-15", None, None, None, None, FIXED_1996) == pytest.approx(25 * 0.08 * 86 / 360,
                                                                                                abs=1e-12)
    assert udfs.TRUPS_COUPON("1999-02-15", None, None, None, None, FIXED_1996) == pytest.approx(0.50, abs=1e-12)


@pytest.mark.parametrize(("scheduled", "paid"), [
    ("1997-02-15", D(1997, 2, 18)),  # Saturday; Monday the 17th is Washington's Birthday: Tuesday
    ("1997-05-15", D(1997, 5, 15)),  # Thursday
    ("1997-11-15", D(1997, 11, 17)),  # Saturday: Monday
    ("1998-02-15", D(1998, 2, 17)),  # Sunday; Monday the 16th is Washington's Birthday: Tuesday
    ("1998-08-15", D(1998, 8, 17)),  # Saturday: Monday
    ("1998-11-15", D(1998, 11, 16)),  # Sunday: Monday
    ("1999-02-15", D(1999, 2, 16)),  # Washington's Birthday itself: Tuesday
    ("1999-05-15", D(1999, 5, 17)),  # Saturday: Monday
    ("1999-08-15", D(1999, 8, 16)),  # Sunday: Monday
    ("2000-11-15", D(2000, 11, 15)),  # Wednesday
    ("2001-09-15", None),  # not a payment date of this security (Feb/May/Aug/Nov)
])
def test_the_1996_trups_payments_roll_to_the_next_business_day_without_any_increase(scheduled, paid):
    fixed = [row for row in _rows(udfs.TRUPS_SCHEDULE("1996-11-19", "2002-01-01", None, None, None, None, FIXED_1996))
             if row["end"] == D.fromisoformat(scheduled)]
    if paid is None:
        assert fixed == []
        return
    (row,) = fixed
    assert row["payment_date"] == paid
    assert row["accrual_end"] == D.fromisoformat(scheduled)  # accrues to the scheduled date
    assert row["interest"] == pytest.approx(25 * 0.08 * row["days"] / 360, abs=1e-12)
    if row["start"] != D(1996, 11, 19):
        assert row["days"] == 90 and row["interest"] == pytest.approx(0.50, abs=1e-12)


def test_the_1996_trups_schedule_1997_2001_by_hand():
    rows = _rows(udfs.TRUPS_SCHEDULE("1996-11-19", "2001-12-31", None, None, None, None, FIXED_1996))
    ends = [row["end"] for row in rows]
    expected = [D(y, m, 15) for y in range(1997, 2002) for m in (2, 5, 8, 11)]
    assert ends == expected
    assert [row["start"] for row in rows] == [D(1996, 11, 19), *expected[:-1]]
    assert all(row["day_count"] == "30/360" and row["regime"] == "fixed" and row["rate"] == 0.08 for row in rows)
    assert sum(row["interest"] for row in rows) == pytest.approx(25 * 0.08 * 86 / 360 + 19 * 0.50, abs=1e-9)


def test_the_1996_trups_accrual_and_accrued_interest_by_hand():
    # 1999-02-15 to 1999-03-31, 30/360 Bond Basis: 46 days (the 31st stays: the start is the 15th)
    assert _days_30_360(D(1999, 2, 15), D(1999, 3, 31)) == 46
    assert udfs.TRUPS_ACCRUAL("1999-02-15", "1999-03-31", None, None, None, None, FIXED_1996) == pytest.approx(
        25 * 0.08 * 46 / 360, abs=1e-12)
    # the example: accrued on 2026-06-30 from the 2026-05-15 payment date, 45 days
    assert udfs.TRUPS_ACCRUED_INTEREST("2026-06-30", None, None, None, None, FIXED_1996) == pytest.approx(0.25,
                                                                                                        abs=1e-12)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2026-06-30", FIXED_1996) == D(2026, 8, 15)
    assert udfs.TRUPS_PREVIOUS_PAYMENT_DATE("1997-03-01", FIXED_1996) == D(1997, 2, 15)
    # between two 2026 dates (the example that was refused): 2026-01-10 to 2026-03-20
    assert udfs.TRUPS_ACCRUAL("2026-01-10", "2026-03-20", None, None, None, None, FIXED_1996) == pytest.approx(
        25 * 0.08 * _days_30_360(D(2026, 1, 10), D(2026, 3, 20)) / 360, abs=1e-12)


def test_the_1996_trups_par_call_price_is_par_plus_accrued():
    # redeemed 2002-03-01 (after the 2001-11-15 par call): 25 + 25 x 8% x 16/360 (from 2002-02-15)
    assert udfs.TRUPS_REDEMPTION_PRICE("2002-03-01", None, None, None, None, None, None, None, FIXED_1996) == \
        pytest.approx(25 + 25 * 0.08 * 16 / 360, abs=1e-12)


# ---- the 1997 pure floater -----------------------------------------------------------------------

def test_the_1997_floater_is_accepted_with_floating_terms_only():
    terms = dict(udfs.TRUPS_TERMS(None, FLOATER_1997))
    assert terms["fixed_rate"] == "" and terms["switch_date"] == "" and terms["floating_index"] == "usd_libor_3m"


@pytest.mark.parametrize(("scheduled", "paid"), [
    ("1997-04-15", D(1997, 4, 15)),  # Tuesday
    ("1998-04-15", D(1998, 4, 15)),  # Wednesday
    ("1999-01-15", D(1999, 1, 15)),  # Friday
    ("2000-01-15", D(2000, 1, 18)),  # Saturday; Monday the 17th is Martin Luther King Jr. Day: Tuesday
    ("2000-04-15", D(2000, 4, 17)),  # Saturday: Monday
    ("2000-07-15", D(2000, 7, 17)),  # Saturday: Monday
    ("2000-10-15", D(2000, 10, 16)),  # Sunday: Monday
    ("2001-01-15", D(2001, 1, 16)),  # Martin Luther King Jr. Day itself: Tuesday
    ("2001-07-15", D(2001, 7, 16)),  # Sunday: Monday
])
def test_the_1997_floater_pays_and_accrues_to_the_rolled_date(scheduled, paid):
    rows = {row["end"]: row for row in _rows(udfs.TRUPS_SCHEDULE("1997-01-15", "2001-12-31", 0.055, None, None, None,
                                                                  FLOATER_1997))}
    row = rows[D.fromisoformat(scheduled)]
    assert row["payment_date"] == paid and row["accrual_end"] == paid  # floating periods accrue to the paid date
    assert row["days"] == (row["accrual_end"] - row["accrual_start"]).days
    assert row["interest"] == pytest.approx(1000 * (0.055 + 0.0055) * row["days"] / 360, abs=1e-9)


def test_the_1997_floater_periods_1999_2001_by_hand():
    rows = _rows(udfs.TRUPS_SCHEDULE("1999-10-16", "2001-01-31", 0.055, None, None, None, FLOATER_1997))  # paid from
    spans = [(row["accrual_start"], row["accrual_end"], row["days"]) for row in rows]
    assert spans == [
        (D(1999, 10, 15), D(2000, 1, 18), 95),
        (D(2000, 1, 18), D(2000, 4, 17), 90),
        (D(2000, 4, 17), D(2000, 7, 17), 91),
        (D(2000, 7, 17), D(2000, 10, 16), 91),
        (D(2000, 10, 16), D(2001, 1, 16), 92),
    ]
    # LIBOR is set two London banking days before each period's (adjusted) first day
    assert [row["determination_date"] for row in rows] == [D(1999, 10, 13), D(2000, 1, 14), D(2000, 4, 13),
                                                           D(2000, 7, 13), D(2000, 10, 12)]


def test_the_1997_floaters_2024_coupon_under_the_libor_act_by_hand():
    """From the LIBOR replacement date (2023-07-03) the index is three-month CME Term SOFR + 0.26161%
    (12 CFR 253.4): the period 2024-01-16 (the 15th is Martin Luther King Jr. Day) to 2024-04-15
    pays (Term SOFR + 0.26161% + 0.55%) x 90/360 on $1,000."""
    term_sofr = 0.0532
    days = (D(2024, 4, 15) - D(2024, 1, 16)).days
    assert days == 90
    by_hand = 1000 * (term_sofr + 0.0026161 + 0.0055) * days / 360
    assert udfs.TRUPS_COUPON("2024-04-15", term_sofr, None, "libor_act", None, FLOATER_1997) == pytest.approx(
        by_hand, abs=1e-9)
    fixings = [["2024-01-15", term_sofr]]  # keyed by the scheduled period start
    assert udfs.TRUPS_COUPON("2024-04-15", fixings, None, "libor_act", None, FLOATER_1997) == pytest.approx(
        by_hand, abs=1e-9)
    assert udfs.TRUPS_INDEX_RATE("2024-01-15", "libor_act", term_sofr, None, FLOATER_1997) == pytest.approx(
        term_sofr + 0.0026161, abs=1e-12)
    # the period set before the replacement date (2023-04-13 for 2023-04-17) stays on LIBOR, no spread
    libor = 0.0525
    april = (D(2023, 7, 17) - D(2023, 4, 17)).days  # 2023-04-15 and 2023-07-15 are Saturdays
    assert udfs.TRUPS_COUPON("2023-07-15", libor, None, "libor_act", None, FLOATER_1997) == pytest.approx(
        1000 * (libor + 0.0055) * april / 360, abs=1e-9)


def test_the_1997_floater_in_every_function():
    f = FLOATER_1997
    # accrued on 2024-03-01 from 2024-01-16: 45 actual days at Term SOFR + 0.26161% + 0.55%
    assert udfs.TRUPS_ACCRUED_INTEREST("2024-03-01", 0.0532, None, "libor_act", None, f) == pytest.approx(
        1000 * (0.0532 + 0.0026161 + 0.0055) * 45 / 360, abs=1e-9)
    assert udfs.TRUPS_ACCRUAL("2024-01-16", "2024-03-01", 0.05, None, None, None, f) == pytest.approx(
        1000 * 0.0555 * 45 / 360, abs=1e-9)
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2024-03-01", f) == D(2024, 4, 15)
    assert udfs.TRUPS_PREVIOUS_PAYMENT_DATE("2024-03-01", f) == D(2024, 1, 15)
    # redeemed at par after the par call: 1,000 + the period's accrued interest
    assert udfs.TRUPS_REDEMPTION_PRICE("2024-03-01", None, None, None, 0.05, None, None, None, f) == pytest.approx(
        1000 + 1000 * 0.0555 * 45 / 360, abs=1e-9)
    assert udfs.TRUPS_REDEMPTION_PAYMENT_DATE("2024-03-02", f) == D(2024, 3, 4)  # Saturday: Monday
    # what needs a fixed period says so, naming it
    said = udfs.TRUPS_HEDGED_ITEM_VALUE("2001-03-01", 0.03, None, None, None, None, f)
    assert said.startswith("#TRUPS! end_date: ") and "not a fixed-rate interest payment date" in said


@pytest.mark.parametrize(("table", "said"), [
    ([row for row in FLOATER_1997 if row[0] != "floating_margin"],
     "#TRUPS! security: missing term floating_margin, required with a floating_index and no fixed_rate (a pure floater)"),
    ([row for row in FLOATER_1997 if row[0] != "libor_determination_lag"],
     "#TRUPS! security: missing term libor_determination_lag, required with a floating_index and no fixed_rate "
     "(a pure floater)"),
    ([*FLOATER_1997, ["fixed_day_count", "30/360"]],
     "#TRUPS! security: fixed_day_count describes a fixed period: a security with a floating_index and no fixed_rate "
     "or switch_date floats from issue (a pure floater) and has none"),
    ([row for row in FLOATER_1997 if row[0] != "floating_index"], "#TRUPS! security: missing required term fixed_rate"),
])
def test_a_pure_floater_missing_or_mixing_terms_is_refused_naming_the_term(table, said):
    assert udfs.TRUPS_TERMS(None, table) == said


def test_a_term_sofr_pure_floater_and_a_compounded_sofr_one():
    term = [["name", "Example Term SOFR FRN"], ["liquidation_amount", 1000], ["issue_date", "2022-03-15"],
            ["first_payment_date", "2022-06-15"], ["maturity_date", "2027-03-15"], ["floating_index", "term_sofr_3m"],
            ["floating_margin", 0.01], ["floating_frequency", 4], ["floating_day_count", "ACT/360"],
            ["business_day_convention", "following"]]
    # 2022-03-15 to 2022-06-15: 92 days; Term SOFR as published (no spread under any policy)
    assert udfs.TRUPS_COUPON("2022-06-15", 0.01, None, "libor_act", None, term) == pytest.approx(
        1000 * 0.02 * 92 / 360, abs=1e-9)
    compounded = [*term[:5], ["floating_index", "sofr_compounded"], *term[6:],
                  ["sofr_lookback_days", 2], ["sofr_observation_shift", False]]
    # one SOFR (1%) every U.S. Government Securities business day, each weighted by the calendar days
    # to the next (SIFMA closed on Good Friday 2022-04-15 and Memorial Day 2022-05-30)
    closed = {D(2022, 4, 15), D(2022, 5, 30)}
    open_days = [D(2022, 3, 15) + dt.timedelta(days=k) for k in range(92)]
    open_days = [d for d in open_days if d.weekday() < 5 and d not in closed]
    growth = 1.0
    for day, following in zip(open_days, [*open_days[1:], D(2022, 6, 15)], strict=True):
        growth *= 1 + 0.01 * (following - day).days / 360
    rate = (growth - 1) * 360 / 92
    assert udfs.TRUPS_COUPON("2022-06-15", 0.01, None, None, None, compounded) == pytest.approx(
        1000 * (rate + 0.01) * 92 / 360, abs=1e-9)


@pytest.mark.parametrize("name", sorted(INFO))
def test_every_function_answers_a_pure_floater_without_a_defect(name):
    """Each function's example, and the same with a 1997 date, on the pure floater: a value or one
    #TRUPS! line, never #TRUPS-BUG!."""
    params = list(inspect.signature(getattr(udfs, name)).parameters)
    if "security" not in params:
        return
    example = list(INFO[name].example) + [None] * (len(params) - len(INFO[name].example))
    example[params.index("security")] = FLOATER_1997
    for policy in (None, "libor_act", "prospectus_fallback"):
        args = list(example)
        if "policy" in params and args[params.index("policy")] is None:
            args[params.index("policy")] = policy
        for dated in (args, [("2024-03-01" if isinstance(v, str) and v[:2] in ("19", "20") and v[4:5] == "-" else v)
                             for v in args]):
            got = getattr(udfs, name)(*dated)
            texts = [c for row in got for c in row] if isinstance(got, list) else [got]
            assert not any(isinstance(t, str) and t.startswith(BUG_PREFIX) for t in texts), (name, dated, got)
