"""The analyst-shaped model of the benchmark, recalculated: every ordinary formula against values
computed here from the inputs, every TRUPS_* cell against a direct call of the same function."""

import datetime as dt
import sys
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import analyst_model as model  # noqa: E402

from trups_xl.excel import udfs  # noqa: E402
from trups_xl.excel.convert import date_to_serial  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402

ROWS = 80


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    path = model.generate(tmp_path_factory.mktemp("model") / "model.xlsx", ROWS)
    return recalculate(path), recalculate(path, vectorise_calls=False)


def _serial(value):
    return float(date_to_serial(value)) if isinstance(value, dt.date) else value


def _close(got, want):
    if isinstance(want, float) and isinstance(got, float):
        return got == pytest.approx(want, rel=1e-12, abs=1e-9)
    return got == want


def test_every_cell_matches_direct_calls_and_arithmetic_done_here(recalculated):
    result, _ = recalculated
    v = result.values
    shift, yld, held = 0.0025, 0.07, 3_500_000
    defer_start, defer_end = dt.date(2010, 3, 21), dt.date(2014, 3, 21)
    weights = (0.5, 0.3, 0.2)
    days = model.trading_days(model.PRICE_ROWS)
    prices = [[20 + (k * 37 % 400) / 10] for k in range(model.PRICE_ROWS)]
    price_dates = [[dt.datetime.combine(d, dt.time())] for d in days]
    running_deferred = running_accrual = 0.0
    for i in range(ROWS):
        r = i + 2
        day, rate = model.ledger_date(i), model.treasury(i)
        want = {
            "C": udfs.TRUPS_PREVIOUS_PAYMENT_DATE(day),
            "D": udfs.TRUPS_NEXT_PAYMENT_DATE(day),
            "F": udfs.TRUPS_ACCRUED_INTEREST(day),
            "I": rate + shift,
            "K": udfs.TRUPS_PRICE_FROM_YIELD(day, yld),
            "N": udfs.TRUPS_APM_AVERAGE_PRICE(model.issuance(i), price_dates, prices),
            "O": udfs.TRUPS_TREASURY_PRICE_DATE(day),
            "P": udfs.TRUPS_REDEMPTION_PAYMENT_DATE(day),
        }
        want["E"] = udfs.TRUPS_ACCRUAL(want["C"], day)
        want["G"] = udfs.TRUPS_COUPON(want["D"])
        want["H"] = udfs.TRUPS_MAKE_WHOLE(day, want["I"])
        want["J"] = udfs.TRUPS_REDEMPTION_PRICE(day, want["I"])
        want["Q"] = want["G"] / 182 if defer_start <= day.date() < defer_end else 0.0
        running_deferred += want["Q"]
        running_accrual += want["E"]
        want["M"] = running_deferred
        want["L"] = udfs.TRUPS_CLAIM_LIMIT(want["M"])
        want["R"] = running_accrual
        want["S"] = want["H"] / want["J"] if want["J"] else 0.0
        want["T"] = sum(w * x for w, x in zip(weights, (want["F"], want["G"], want["H"]), strict=True))
        want["U"] = held * want["F"]
        want["V"] = round(want["K"] - want["H"], 2)
        want["W"] = max(want["H"], want["J"])
        want["X"] = 1000 / want["N"] if want["N"] > 0 else 0.0
        want["Y"] = want["E"] * held
        want["Z"] = "ok" if want["L"] > want["M"] else "limit"
        want["AA"] = float(date_to_serial(want["D"]) - date_to_serial(day.date()))
        for col, expected in want.items():
            got = v[("Ledger", f"{col}{r}")]
            assert _close(got, _serial(expected)), (col, r, got, expected)
    last = ROWS + 1
    column = {c: [v[("Ledger", f"{c}{r}")] for r in range(2, last + 1)] for c in ("E", "H", "N", "Z", "M")}
    assert result.names["Result_AccrualTotal"] == pytest.approx(sum(column["E"]), rel=1e-12)
    assert result.names["Result_MaxMakeWhole"] == max(column["H"])
    assert result.names["Result_AveragePrice"] == pytest.approx(sum(column["N"]) / ROWS, rel=1e-12)
    assert result.names["Result_AtLimit"] == column["Z"].count("limit")
    assert result.names["Result_Deferred"] == column["M"][-1]
    assert result.errors == []


def test_vectorised_runs_and_the_engine_alone_agree(recalculated):
    fast, slow = recalculated
    assert len(fast.vectorised) >= 9 * ROWS  # the calls on typed inputs and on other calls
    for key, value in slow.values.items():
        assert _close(fast.values[key], value), key
