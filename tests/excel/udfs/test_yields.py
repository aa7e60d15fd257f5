"""The yield and risk functions in cells: one cell and ranges agree, the old yield-to-call functions
are their first-call case, and every refusal is one line naming its argument."""

from __future__ import annotations

import pytest

from trups_xl import udfs
from trups_xl.core.securities.loading import shipped

PRICES = [[88.0], [97.5], [100.0], [104.25], [121.0]]


def test_the_first_call_case_is_the_old_yield_to_call() -> None:
    new = udfs.TRUPS_YIELD("2012-06-08", PRICES, "next_call")
    old = udfs.TRUPS_YIELD_TO_CALL("2012-06-08", PRICES)
    for (a,), (b,) in zip(new, old, strict=True):
        assert a == pytest.approx(b, abs=1e-13)
    assert udfs.TRUPS_PRICE("2012-06-08", 0.07, "next_call") == \
        pytest.approx(udfs.TRUPS_PRICE_FROM_YIELD("2012-06-08", 0.07), abs=1e-10)


@pytest.mark.parametrize("security", ["citigroup_capital_xxi", "citigroup_capital_xiii", "mellon_capital_iv",
                                      "jpmorgan_notes_2031"])
def test_one_cell_and_a_range_agree(security: str) -> None:
    issue = shipped()[security].issue_date
    day = issue.replace(year=issue.year + 2)
    column = udfs.TRUPS_YIELD(day, PRICES, None, None, 0.04, None, None, None, security)
    dates = udfs.TRUPS_WORKOUT_DATE(day, PRICES, None, None, 0.04, None, None, None, security)
    for (price,), (y,), (when,) in zip(PRICES, column, dates, strict=True):
        # the same solve, each row's sums its own
        assert udfs.TRUPS_YIELD(day, price, None, None, 0.04, None, None, None, security) == y
        assert udfs.TRUPS_YIELD(day, price, when, None, 0.04, None, None, None, security) == \
            pytest.approx(y, abs=1e-13)
        back = udfs.TRUPS_PRICE(day, y, None, None, 0.04, None, None, None, security)
        assert back == pytest.approx(price, abs=1e-10)
        risk = udfs.TRUPS_RISK(day, price, "modified", None, None, 0.04, None, None, None, None, security)
        assert isinstance(risk, float) and risk > 0


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 0), "price"),
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 0.5, "next_call"), "price"),
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 101.0, "2037-12-20"), "workout"),
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 101.0, "2011-12-21"), "workout"),
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 101.0, "soonest"), "workout"),
    (lambda: udfs.TRUPS_YIELD("2012-06-08", 101.0), "curve"),
    (lambda: udfs.TRUPS_YIELD("2077-12-21", 101.0, None, None, 0.03), "settlement"),
    (lambda: udfs.TRUPS_YIELD("2022-06-08", 99.0, "maturity", None, 0.03, None, None, None, "citigroup_series_x"),
     "workout"),
    (lambda: udfs.TRUPS_SPREAD("2012-06-08", 101.0, [[5.0, 0.03]], "g", "next_call"), "benchmark"),
    (lambda: udfs.TRUPS_SPREAD("2012-06-08", 101.0, [[5.0, 0.03], [2.0, 0.02]], "g", "next_call"), "benchmark"),
    (lambda: udfs.TRUPS_RISK("2012-06-08", 101.0, "gamma", "next_call"), "measure"),
    (lambda: udfs.TRUPS_RISK("2012-06-08", 101.0, "dv01", "next_call", None, None, None, None, 0.0), "shift"),
    # a price no plausible yield gives is refused by every function solving a yield, as by TRUPS_YIELD
    (lambda: udfs.TRUPS_YIELD("2015-06-08", 999.9, *[None] * 6, "bac_capital_trust_i"), "price"),
    (lambda: udfs.TRUPS_RISK("2015-06-08", 999.9, "dv01", *[None] * 7, "bac_capital_trust_i"), "price"),
    (lambda: udfs.TRUPS_SPREAD("2015-06-08", 999.9, [[1.0, 0.01], [30.0, 0.03]], "z", *[None] * 5,
                               "bac_capital_trust_i"), "price"),
    (lambda: udfs.TRUPS_DISCOUNT_MARGIN("2015-06-08", 999.9, 0.03, *[None] * 4, "keycorp_capital_i"), "price"),
])
def test_bad_input_is_one_line_naming_the_argument(call, argument: str) -> None:  # type: ignore[no-untyped-def]
    answer = call()
    assert isinstance(answer, str) and answer.startswith(f"#TRUPS! {argument}:"), answer
    assert "\n" not in answer


def test_workouts_list_date_and_why() -> None:
    rows = udfs.TRUPS_WORKOUTS("2012-06-08")
    assert rows[0][1] == "par_call" and str(rows[0][0]) == "2037-12-21"
    assert rows[-1][1] == "maturity" and str(rows[-1][0]) == "2077-12-21"


def test_a_flat_quote_holds_the_accrued_interest() -> None:
    """A $25 listed preferred trading flat at 102 (per 100) yields what it yields clean at 102 less
    the accrued per 100."""
    accrued = udfs.TRUPS_ACCRUED_INTEREST("2012-06-08", None, 100.0)
    flat = udfs.TRUPS_YIELD("2012-06-08", 102.0, "next_call", "flat")
    clean = udfs.TRUPS_YIELD("2012-06-08", 102.0 - accrued, "next_call", "clean")
    assert flat == pytest.approx(clean, abs=1e-13)


def test_the_workout_table_yields_are_each_workouts_and_their_lowest_is_the_worst() -> None:
    table = udfs.TRUPS_WORKOUTS("2012-06-08", 101.0, None, 0.03)
    assert min(row[2] for row in table) == pytest.approx(udfs.TRUPS_YIELD("2012-06-08", 101.0, None, None, 0.03),
                                                         abs=1e-13)
    for row in table[::40]:
        assert row[2] == pytest.approx(udfs.TRUPS_YIELD("2012-06-08", 101.0, row[0], None, 0.03), abs=1e-13)


def test_a_perpetuals_last_workout_is_labelled_the_horizon_not_a_call() -> None:
    """Mellon Capital IV is perpetual: the schedule stops at the calendars' last payment date, which is
    no term of the security; TRUPS_WORKOUTS says so, and a deep discount works to it (a perpetual's
    longest redemption), its date unchanged."""
    rows = udfs.TRUPS_WORKOUTS("2015-06-08", None, None, None, None, None, None, "mellon_capital_iv")
    assert isinstance(rows, list)
    assert [str(kind) for _, kind in rows].count("horizon") == 1
    assert rows[-1][1] == "horizon" and all(kind == "par_call" for _, kind in rows[:-1])
    worst = udfs.TRUPS_WORKOUT_DATE("2015-06-08", 60.0, None, None, 0.03, None, None, None, "mellon_capital_iv")
    assert worst == rows[-1][0]


@pytest.mark.parametrize("call", [
    lambda: udfs.TRUPS_RISK("2012-06-08", PRICES, "modified", "next_call"),
    lambda: udfs.TRUPS_SPREAD("2012-06-08", PRICES, [[1.0, 0.01], [30.0, 0.03]], "g", "next_call"),
    lambda: udfs.TRUPS_DISCOUNT_MARGIN("2015-06-08", [[97.0], [100.0]], 0.03, *[None] * 4, "keycorp_capital_i"),
])
def test_a_measure_on_the_yield_solves_the_yield_once(call, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Risk, spreads and the discount margin refuse a price no plausible yield gives, as TRUPS_YIELD does,
    from the very yields they are computed on: one solve for a settlement date, not one to check and
    another to compute (the numbers are those of the solve alone: it is the same function)."""
    from trups_xl.core.pricing import risk, spreads, workout_yield

    solved: list[int] = []
    real = workout_yield.solve_workout

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        solved.append(1)
        return real(*args, **kwargs)

    for module in (workout_yield, risk, spreads):
        monkeypatch.setattr(module, "solve_workout", counted)
    answer = call()
    assert isinstance(answer, list) and all(isinstance(v, float) for (v,) in answer), answer
    assert len(solved) == 1
