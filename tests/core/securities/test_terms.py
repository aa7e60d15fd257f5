"""Securities as data: the schema, the shipped securities (XXI, XIII) and a user's terms table."""

import dataclasses
import datetime as dt
import inspect
import itertools
import random

import numpy as np
import pytest
import QuantLib as ql

from trups_xl.core.pricing import accrual
from trups_xl.core.rates.fixings import Fixings
from trups_xl.core.scheduling.schedule import FIXED, build_schedule
from trups_xl.core.securities import terms
from trups_xl.core.securities.loading import TERMS, by_name, from_rows, shipped, sources
from trups_xl.excel import udfs
from trups_xl.excel.function import INFO, REGISTRY

XIII = shipped()["citigroup_capital_xiii"]
FED = ql.UnitedStates(ql.UnitedStates.FederalReserve)
UK = ql.UnitedKingdom(ql.UnitedKingdom.Settlement)


def _ql(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def _py(d: ql.Date) -> dt.date:
    return dt.date(d.year(), d.month(), d.dayOfMonth())


# ---- shipped files ------------------------------------------------------------------------------

def test_every_shipped_term_has_its_source():
    for security_id, t in shipped().items():
        given = {k for k, v in t.as_rows() if v is not None} - {"id"}
        defaulted = {k for k, v in terms.DEFAULTS.items() if k not in sources(security_id) and getattr(t, k) == v}
        assert given - defaulted == set(sources(security_id)), security_id
        assert all(len(s) >= 4 for s in sources(security_id).values())


def test_the_securities_page_lists_every_shipped_security_with_its_cusip():
    """docs/securities.md's table of shipped securities (which the refusal of an unknown name points to)
    has one row per data file, with its CUSIP where the terms give one."""
    from pathlib import Path

    readme = (Path(__file__).parents[3] / "docs" / "securities.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[5].strip()
            for line in readme.splitlines() if line.startswith("| `") and line.count("|") == 6}
    assert {k: v for k, v in rows.items() if k in shipped()} == {k: t.cusip or "" for k, t in shipped().items()}


def test_a_fractional_coupon_is_left_out_of_the_name_a_message_gives():
    """Messages name a security up to its coupon; "6 5/8%" is one coupon, not a name ending in 6."""
    table = [["name", "Example Capital Trust 6 5/8% Capital Securities"], *PLAIN[1:]]
    assert udfs.TRUPS_MAKE_WHOLE("2021-01-15", 0.02, None, None, None, None, table) == \
        "#TRUPS! security: Example Capital Trust has no make-whole (no make_whole_spread in its terms)"


def test_xiii_leaves_out_what_its_term_sheet_does_not_give():
    assert XIII.extension_max_years is None and XIII.make_whole_spread is None
    assert XIII.record_date_lag is None and XIII.first_floating_fallback is None


def test_xxi_by_blank_id_and_cusip_is_the_same_security():
    assert by_name("citigroup_capital_xxi") is TERMS and by_name(" 173094aa1 ") is TERMS
    assert TERMS.liquidation_amount == 1000 and TERMS.final_repayment == dt.date(2077, 12, 21)


def _padded(name: str) -> list:
    params = inspect.signature(REGISTRY[name]).parameters
    return list(INFO[name].example) + [None] * (len(params) - 1 - len(INFO[name].example))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_xxi_blank_id_and_cusip_give_identical_results(name):
    args = _padded(name)
    blank = REGISTRY[name](*args)
    assert REGISTRY[name](*args, "citigroup_capital_xxi") == blank
    assert REGISTRY[name](*args, "173094AA1") == blank
    assert REGISTRY[name](*args, [["citigroup_capital_xxi"]]) == blank  # one cell as xlwings sends it


# ---- Citigroup Capital XIII against QuantLib ------------------------------------------------------

def _xiii_quantlib_schedule():
    fixed = ql.Schedule(_ql(XIII.issue_date), _ql(XIII.switch_date), ql.Period(3, ql.Months), FED,
                        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False, _ql(XIII.first_payment_date))
    floating_unadjusted = ql.Schedule(_ql(XIII.switch_date), _ql(XIII.maturity_date), ql.Period(3, ql.Months), FED,
                                      ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
    floating = ql.Schedule(_ql(XIII.switch_date), _ql(XIII.maturity_date), ql.Period(3, ql.Months), FED,
                           ql.ModifiedFollowing, ql.ModifiedFollowing, ql.DateGeneration.Forward, False)
    return list(fixed), list(floating_unadjusted), list(floating)


def test_xiii_schedule_matches_quantlib():
    fixed, floating_unadjusted, floating = _xiii_quantlib_schedule()
    s = build_schedule(terms=XIII)
    f = s.regime == FIXED
    assert list(s.start[f]) == [_py(d) for d in fixed[:-1]]
    assert list(s.end[f]) == [_py(d) for d in fixed[1:]]
    assert s.end[f][0] == np.datetime64("2011-01-30") and s.start[0] == np.datetime64("2010-10-05")  # long first
    assert list(s.payment_date[f]) == [_py(FED.adjust(d, ql.Following)) for d in fixed[1:]]
    assert list(s.accrual_end[f]) == [_py(d) for d in fixed[1:]]  # fixed periods accrue unadjusted
    assert list(s.end[~f]) == [_py(d) for d in floating_unadjusted[1:]]
    assert list(s.payment_date[~f]) == [_py(d) for d in floating[1:]]
    assert list(s.accrual_end[~f]) == [_py(d) for d in floating[1:]]  # modified following accrual
    assert list(s.determination_date[~f]) == [_py(UK.advance(_ql(d.astype(object)), -2, ql.Days))
                                              for d in s.accrual_start[~f]]
    assert f.sum() == 20 and (~f).sum() == 100
    # modified following keeps a month-end roll in its month: Saturday 2016-04-30 -> Friday 04-29
    k = int(np.flatnonzero(s.end == np.datetime64("2016-04-30"))[0])
    assert s.payment_date[k] == np.datetime64("2016-04-29")


@pytest.mark.parametrize("policy", ["fixings", "libor_act"])
def test_xiii_coupons_over_the_whole_life_match_quantlib(policy):
    fixed, _, floating = _xiii_quantlib_schedule()
    rng = random.Random(13)
    starts = [_py(d) for d in floating[:-1]]
    rates = [round(rng.uniform(0.001, 0.06), 6) for _ in starts]
    replacement = _py(UK.advance(ql.Date(30, 6, 2023), 1, ql.Days))
    assert replacement == dt.date(2023, 7, 3)
    want = []
    bond_basis, act360 = ql.Thirty360(ql.Thirty360.BondBasis), ql.Actual360()
    for a, b in itertools.pairwise(fixed):
        want.append(25 * 0.07875 * bond_basis.yearFraction(a, b))
    for a, b, r in zip(floating[:-1], floating[1:], rates, strict=True):
        determined = _py(UK.advance(a, -2, ql.Days))
        spread = 0.0026161 if policy == "libor_act" and determined >= replacement else 0.0
        want.append(25 * (r + spread + 0.0637) * act360.yearFraction(a, b))
    s = build_schedule(terms=XIII)
    got = accrual.coupon(s.end, Fixings(table=tuple(zip(starts, rates, strict=True))), policy=policy, terms=XIII)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert got[0] == pytest.approx(25 * 0.07875 * 115 / 360)  # 2010-10-05 -> 2011-01-30: 115 days 30/360
    assert float(got[1]) == 25 * 0.07875 / 4  # a full quarter: 0.4921875, exactly


def test_xiii_through_the_excel_functions():
    assert udfs.TRUPS_COUPON("2011-04-30", None, None, None, None, "citigroup_capital_xiii") == 0.4921875
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2025-11-23", "citigroup_capital_xiii") == dt.date(2026, 1, 30)
    assert udfs.TRUPS_INDEX_RATE("2025-10-30", "libor_act", 0.0425, None, "citigroup_capital_xiii") == \
        pytest.approx(0.0425 + 0.0026161)
    table = udfs.TRUPS_SCHEDULE("2025-12-01", "2026-12-31", 0.04, None, None, None, "citigroup_capital_xiii")
    assert [r[2] for r in table[1:]] == [dt.date(2026, 1, 30), dt.date(2026, 4, 30), dt.date(2026, 7, 30),
                                         dt.date(2026, 10, 30)]
    assert table[1][6] is None  # no record date in the term sheet


# ---- functions that do not apply ----------------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda: udfs.TRUPS_MAKE_WHOLE("2012-03-15", 0.02, None, None, None, None, "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no make-whole (no make_whole_spread in its terms)"),
    (lambda: udfs.TRUPS_DEFERRED_INTEREST("2011-04-30", "2012-04-30", None, None, None, None, "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no deferral terms (no extension_max_years in its terms)"),
    (lambda: udfs.TRUPS_APM_WINDOW("2012-04-09", "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no APM (no apm_lag_trading_days in its terms)"),
    (lambda: udfs.TRUPS_SHARE_CAP("2012-04-09", None, "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no share cap (no share_cap_initial in its terms)"),
    (lambda: udfs.TRUPS_CRC_PERCENTAGE("2020-01-01", "common_stock", None, "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no capital replacement covenant (no crc_termination in its terms)"),
    (lambda: udfs.TRUPS_LIBOR_FROM_QUOTES([[0.05, 0.051]], None, "citigroup_capital_xiii"),
     "#TRUPS! security: Citigroup Capital XIII has no quotation rounding rule (no libor_rounding in its terms)"),
])
def test_a_function_that_does_not_apply_says_which_term_is_missing(call, message):
    assert call() == message


# ---- a security typed in a workbook -------------------------------------------------------------

PLAIN = [["name", "Example 6.50% $25 fixed"], ["liquidation_amount", 25], ["issue_date", "2020-01-15"],
         ["first_payment_date", "2020-04-15"], ["maturity_date", 43845.0 + 3653],  # 2030-01-15 as a serial
         ["fixed_rate", 0.065], ["fixed_frequency", 4], ["fixed_day_count", "30/360"],
         ["business_day_convention", "following"]]


def test_a_plain_fixed_quarterly_security_typed_as_a_table_accrues_as_by_hand():
    assert udfs.TRUPS_TERMS("maturity_date", PLAIN) == dt.date(2030, 1, 15)
    # 2020-01-15 -> 2020-03-01, 30/360: (3 - 1) x 30 + (1 - 15) = 46 days; 25 x 6.5% x 46/360
    assert udfs.TRUPS_ACCRUAL("2020-01-15", "2020-03-01", None, None, None, None, PLAIN) == \
        pytest.approx(25 * 0.065 * 46 / 360, abs=1e-15)
    assert udfs.TRUPS_COUPON("2020-04-15", None, None, None, None, PLAIN) == 0.40625  # 25 x 6.5% / 4
    assert udfs.TRUPS_ACCRUAL("2021-01-15", "2022-01-15", None, None, None, None, PLAIN) == 1.625
    assert udfs.TRUPS_ACCRUAL("2021-01-15", "2022-01-15", None, 1000, None, None, PLAIN) == 65.0
    assert udfs.TRUPS_INDEX_RATE("2025-01-15", None, None, None, PLAIN) == \
        "#TRUPS! security: Example has no floating period (no switch_date in its terms)"


@pytest.mark.parametrize("security_id", list(shipped()))
def test_terms_table_round_trips(security_id):
    table = udfs.TRUPS_TERMS(None, security_id)
    assert from_rows([(k, None if v == "" else v) for k, v in table]) == shipped()[security_id]
    t = shipped()[security_id]
    checks = [
        ("TRUPS_ACCRUAL", (t.issue_date.isoformat(), (t.final_repayment - dt.timedelta(days=40)).isoformat(), 0.03)),
        ("TRUPS_SCHEDULE", (None, None, 0.03)),
        ("TRUPS_NEXT_PAYMENT_DATE", ("2020-02-29",)),
        ("TRUPS_REDEMPTION_PRICE", ((t.par_call_date or t.first_payment_date).isoformat(), None, None, None, 0.03)),
    ]
    for name, args in checks:
        padded = list(args) + [None] * (len(inspect.signature(REGISTRY[name]).parameters) - 1 - len(args))
        assert REGISTRY[name](*padded, table) == REGISTRY[name](*padded, security_id), name


def test_a_base_row_starts_from_a_shipped_security():
    table = [["term", "value"], ["base", "citigroup_capital_xiii"], ["floating_margin", 0.05]]
    assert udfs.TRUPS_TERMS("floating_margin", table) == 0.05
    assert udfs.TRUPS_TERMS("id", table) == ""  # no longer the shipped security
    base = udfs.TRUPS_COUPON("2026-01-30", 0.04, None, None, None, "citigroup_capital_xiii")
    changed = udfs.TRUPS_COUPON("2026-01-30", 0.04, None, None, None, table)
    assert changed - base == pytest.approx(25 * (0.05 - 0.0637) * 92 / 360)  # 2025-10-30 -> 2026-01-30: 92 days


#: What a name that is not shipped is told: the nearest ids, and where all are listed.
SHIPPED = len(shipped())
NOT_SHIPPED = f"nearest: citigroup_capital_xxi; docs/securities.md lists all {SHIPPED} shipped securities with their CUSIPs"


@pytest.mark.parametrize(("rows", "message"), [
    (PLAIN[1:], "#TRUPS! security: missing required term name"),
    ([*PLAIN, ["coupon", 0.05]], "#TRUPS! security: unknown term 'coupon' (TRUPS_TERMS() lists the terms)"),
    ([*PLAIN[:6], ["fixed_frequency", 3], *PLAIN[7:]], "#TRUPS! security: fixed_frequency must be 1, 2, 4 or 12; got 3"),
    ([*PLAIN[:5], ["fixed_rate", 6.5], *PLAIN[6:]],
     "#TRUPS! security: fixed_rate must be a decimal (0.083 for 8.3%); got 6.5"),
    ([*PLAIN[:2], ["issue_date", "2031-01-01"], *PLAIN[3:]],
     "#TRUPS! security: issue_date 2031-01-01 must be before first_payment_date 2020-04-15"),
    ([*PLAIN[:2], ["issue_date", "15/01/2020"], *PLAIN[3:]],
     "#TRUPS! security: issue_date: expected a date 1900-03-01..2199-12-31 (date cell, serial or YYYY-MM-DD text); "
     "got text '15/01/2020'"),
    ([["base", "citigroup_capital_xx"]],
     f"#TRUPS! security: base 'citigroup_capital_xx' is not a shipped security; {NOT_SHIPPED}"),
    ([*PLAIN, ["switch_date", "2025-01-15"]], "#TRUPS! security: missing term floating_index, required with a switch_date"),
    ([*PLAIN, ["fixed_day_count", "act/365"]], "#TRUPS! security: term fixed_day_count is given twice"),
    ([*PLAIN[:7], ["fixed_day_count", "act/365"], *PLAIN[8:]],
     "#TRUPS! security: fixed_day_count must be 30/360 or ACT/360; got 'act/365'"),
    ([[1.0, 2.0], [3.0, 4.0]], "#TRUPS! security: row 1: the first column names a term; got 1.0"),
    ([["a", "b", "c"], ["d", "e", "f"]], "#TRUPS! security: expected two columns (term, value); got 2x3"),
    ("citigroup_capital_xx", f"#TRUPS! security: no shipped security 'citigroup_capital_xx'; {NOT_SHIPPED}"),
    ("mellon", f"#TRUPS! security: no shipped security 'mellon'; nearest: mellon_capital_iv; docs/securities.md "
               f"lists all {SHIPPED} shipped securities with their CUSIPs"),
    ("trust 9", f"#TRUPS! security: no shipped security 'trust 9'; docs/securities.md lists all {SHIPPED} shipped "
                "securities with their CUSIPs"),
])
def test_each_bad_terms_table_is_one_line_naming_the_term(rows, message):
    assert udfs.TRUPS_ACCRUAL("2020-01-15", "2020-03-01", None, None, None, None, rows) == message


def test_schema_names_the_contract_terms():
    contract = ["name", "liquidation_amount", "issue_date", "first_payment_date", "maturity_date", "fixed_rate",
                "fixed_frequency", "fixed_day_count", "switch_date", "floating_index", "floating_margin",
                "floating_frequency", "floating_day_count", "business_day_convention", "par_call_date",
                "make_whole_spread"]
    assert set(contract) <= set(terms.SPECS)
    assert {"name", "liquidation_amount", "issue_date"} <= set(terms.REQUIRED)


def test_equal_terms_hash_alike_and_the_hash_follows_the_values():
    """Terms key every cache; their hash is kept on the object, so it must still be the values' hash."""
    copy = dataclasses.replace(TERMS)
    assert copy == TERMS and hash(copy) == hash(TERMS)
    assert {TERMS: "xxi"}[copy] == "xxi"
    other = dataclasses.replace(TERMS, fixed_rate=0.07)
    assert other != TERMS and hash(other) == hash(tuple(getattr(other, f.name) for f in dataclasses.fields(other)))


def test_every_bounded_term_outside_its_range_is_one_line_naming_it():
    """Hypothesis over the whole schema: a table value outside a term's plausible range is refused
    with the term's name, never computed with (no #TRUPS-BUG!, no wrong number)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.core.securities.terms import SCHEMA
    from trups_xl.excel import udfs

    bounded = [s for s in SCHEMA if s.bounds is not None]
    assert len(bounded) >= 15

    @settings(max_examples=200, deadline=None)
    @given(st.sampled_from(bounded), st.booleans(), st.floats(0.001, 1e6))
    def check(spec, below, distance):
        lo, hi = spec.bounds
        value = lo - distance if below else hi + distance
        if spec.kind in ("count", "frequency"):
            value = float(int(value)) if int(value) != value else value
            if lo <= value <= hi:
                return
        got = udfs.TRUPS_COUPON("2009-06-21", None, None, None, None,
                                [["base", "citigroup_capital_xxi"], [spec.name, value]])
        assert isinstance(got, str) and got.startswith(f"#TRUPS! security: {spec.name} "), (spec.name, value, got)

    check()


JUNK = ["abc", -1e9, 1e12, True, -0.5, 0.5, 0, "2099-01-01", 3.7, "", "#N/A"]


@pytest.mark.parametrize("base", sorted(shipped()))
def test_no_junk_term_value_reaches_a_defect(base):
    """Every term of the schema set to each junk value on each shipped security: a number or one
    #TRUPS! line from the functions that read the terms, never #TRUPS-BUG!."""
    for spec in terms.SCHEMA:
        for value in JUNK:
            rows = [["base", base], [spec.name, value]]
            for got in (udfs.TRUPS_COUPON("2030-02-18", 0.04, None, None, None, rows),
                        udfs.TRUPS_SCHEDULE("2030-01-01", "2031-01-01", 0.04, None, None, None, rows),
                        udfs.TRUPS_DEFERRED_INTEREST("2030-02-18", "2030-06-01", 0.04, None, None, None, rows)):
                if isinstance(got, str):
                    assert got.startswith("#TRUPS! ") and "\n" not in got, (spec.name, value, got)


def test_each_choice_has_one_spelling_in_the_terms_files():
    """A terms file writes a choice exactly as its enum spells it (``ACT/360``, never ``act/360``),
    so what TRUPS_TERMS shows and what the files say are the same text."""
    import tomllib
    from importlib import resources

    folder = resources.files("trups_xl").joinpath("data", "securities")
    for entry in folder.iterdir():
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for name, spec in terms.SPECS.items():
            if spec.kind == "choice" and name in data:
                value = data[name]["value"] if isinstance(data[name], dict) else data[name]
                assert value in [m.value for m in (spec.accepted or tuple(spec.choice))], (entry.name, name, value)


def test_a_coupon_day_count_is_one_of_the_two_a_security_takes():
    """The day counts of curves and Treasuries (Act/365F, Act/Act ICMA) are not a coupon's: a terms
    table naming one is refused by its term, listing what is accepted."""
    rows = [[k, v] for k, v in TERMS.as_rows() if v is not None and k != "id"]
    rows = [[k, "ACT/365F" if k == "floating_day_count" else v] for k, v in rows]
    with pytest.raises(Exception, match="floating_day_count must be 30/360 or ACT/360"):
        from_rows(rows)
