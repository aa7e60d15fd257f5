"""Runs of TRUPS_* calls evaluated vectorised give exactly what the engine and direct calls give."""

import datetime as dt

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import write_book  # noqa: E402
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402

from trups_xl.excel.convert import date_to_serial  # noqa: E402
from trups_xl.excel.function import REGISTRY  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402


def _model(path, rows=40):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    ws["H1"], ws["H2"], ws["H3"] = 0.006, "citigroup_capital_xiii", dt.datetime(2011, 5, 9)
    book.defined_names["Spread"] = DefinedName("Spread", attr_text="Model!$H$1")
    for i in range(rows):
        r = i + 2
        start = dt.datetime(2008, 1, 1) + dt.timedelta(days=97 * i)
        ws.cell(r, 1, start)
        ws.cell(r, 2, start + dt.timedelta(days=45 + i))
        ws.cell(r, 3, 0.01 + i / 1000)
        ws.cell(r, 4, f"=TRUPS_ACCRUAL(A{r},B{r})")
        ws.cell(r, 5, f"=TRUPS_MAKE_WHOLE(A{r},C{r},Spread,,\"subtract_accrued\")")
        ws.cell(r, 6, f"=TRUPS_CLAIM_LIMIT(D{r})")  # reads another run: a second layer
        ws.cell(r, 7, f"=TRUPS_NEXT_PAYMENT_DATE(A{r},$H$2)")
        ws.cell(r, 9, f"=TRUPS_ACCRUED_INTEREST(A{r}, , 25)")
        ws.cell(r, 11, "=TRUPS_SHARE_CAP($H$3)")  # no vectorised argument: the same call in every row
    ws["A7"] = "not a date"  # a bad row: its own message, the others their numbers
    ws["J1"] = "=SUM(D2:D41)"  # an ordinary formula over the run: left to the engine
    ws["J2"] = "=TRUPS_ACCRUAL(A2,B2)+1"  # a call inside arithmetic: the call vectorised, the sum the engine's
    book.save(path)
    return path


def test_the_vectorised_path_equals_the_engine_and_direct_calls(tmp_path):
    path = _model(tmp_path / "model.xlsx")
    fast = recalculate(path)
    slow = recalculate(path, vectorise_calls=False)
    assert fast.values.keys() >= {k for k in slow.values if k[1][0] in "DEFGIJ"}
    for key, value in slow.values.items():
        if key[1][0] not in "DEFGIJK":
            continue  # input cells: the vectorised path reads them, it does not copy them
        if isinstance(value, float) and not isinstance(fast.values[key], str):
            # numpy's vectorised log/exp may differ from its one-value path in the last bit
            assert fast.values[key] == pytest.approx(value, rel=4e-16, abs=0), key
            assert type(fast.values[key]) is type(value), key  # dates stay dates
        else:
            assert fast.values[key] == value, key
    book = openpyxl.load_workbook(path)
    for r in range(2, 42):
        ws = book["Model"]
        direct = REGISTRY["TRUPS_ACCRUAL"](ws.cell(r, 1).value, ws.cell(r, 2).value)
        assert fast.values[("Model", f"D{r}")] == direct  # accrual has no transcendental step: exact
        nxt = REGISTRY["TRUPS_NEXT_PAYMENT_DATE"](ws.cell(r, 1).value, "citigroup_capital_xiii")
        assert fast.values[("Model", f"G{r}")] == (nxt if isinstance(nxt, str) else date_to_serial(nxt))
    assert fast.values[("Model", "D7")].startswith("#TRUPS! start_date:")
    assert isinstance(fast.values[("Model", "D8")], float)
    assert fast.errors == slow.errors


def test_which_calls_are_vectorised(tmp_path):
    path = _model(tmp_path / "model.xlsx", rows=5)
    done = recalculate(path).vectorised
    assert ("Model", "J1") not in done and ("Model", "J2") in done
    assert {("Model", f"{c}{r}") for c in "DEFGIK" for r in range(2, 7)} <= done


def test_a_table_result_is_left_to_the_engine_to_spill(tmp_path):
    path = write_book(tmp_path / "t.xlsx", {"A1": '=TRUPS_SCHEDULE("2008-01-01","2009-12-31")', "P1": "=SUM(N2:N5)"})
    result = recalculate(path)
    assert result.spills == {("Sheet", "A1"): "A1:N5"} and result.values[("Sheet", "P1")] == 166.0


def test_calls_reading_a_table_or_its_spill_are_left_to_the_engine(tmp_path):
    path = write_book(tmp_path / "readers.xlsx", {
        "A1": '=TRUPS_SCHEDULE("2008-01-01","2009-12-31")',
        "P1": "=TRUPS_CLAIM_LIMIT(N2)",  # a cell the table spills into
        "P2": "=TRUPS_TERMS(A1)",  # the table's anchor ("period" once it spills)
        "P3": "=TRUPS_CLAIM_LIMIT(P1)",  # a reader of a reader
    })
    # the anchor's reader sees "period" either way; the spill's readers are the engine's
    assert not {("Sheet", "A1"), ("Sheet", "P1"), ("Sheet", "P3")} & recalculate(path).vectorised
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    for ref in ("P1", "P2", "P3"):
        assert fast.values[("Sheet", ref)] == slow.values[("Sheet", ref)]
    assert fast.values[("Sheet", "P1")] == 41.5
