"""The ledgers analysts write (bench/analyst_shapes.py): the vectorised path gives every cell the value
the engine alone gives, and takes the calls written inside IF, IFERROR, AND, arithmetic, with skipped
arguments, on dates that are formulas and with a security from a lookup."""

import datetime as dt
import sys
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import analyst_shapes as shapes  # noqa: E402
from books import write_book  # noqa: E402

from trups_xl.excel import udfs  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402

#: Past the first payment date (2008-06-21, row 173), so an IF takes both branches.
ROWS = 200


def _same(got, want):
    if isinstance(want, float) and isinstance(got, float):
        return got == want  # bit for bit: one cell's path (the engine's call) is a range's
    return got == want


@pytest.mark.parametrize("shape", list(shapes.SHAPES))
def test_every_cell_equals_the_engine_alone(tmp_path, shape):
    path = shapes.generate(shape, tmp_path / f"{shape}.xlsx", ROWS)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert set(fast.values) == set(slow.values)
    wrong = [(k, fast.values[k], v) for k, v in slow.values.items() if not _same(fast.values[k], v)]
    assert not wrong, wrong[:5]
    assert fast.errors == slow.errors and fast.names == pytest.approx(slow.names, rel=1e-12)
    # every column of TRUPS_* calls is vectorised but the one whose call reads A2-1 (an expression)
    columns = {heading: shapes._letter(k + 2) for k, (heading, t) in enumerate(shapes.SHAPES[shape]) if "TRUPS_" in t
               and "A{r}-1" not in t}
    done = {ref.rstrip("0123456789") for sheet, ref in fast.vectorised if sheet == "Ledger"}
    assert set(columns.values()) <= done, (columns, done)


def test_the_ledger_as_excel_saves_it_is_the_ledger(tmp_path):
    # each column of copies stored as one shared formula, as Excel saves a filled-down column: read by an
    # independent reader as the very formulas of the ledger, and recalculated to the very same values
    from trups_xl.recalc.package import scan
    from trups_xl.recalc.safety import Limits

    saved = shapes.generate("saved", tmp_path / "saved.xlsx", ROWS)
    ledger = shapes.generate("ledger", tmp_path / "ledger.xlsx", ROWS)
    kinds = {cell.kind for cell in scan(saved, Limits()).sheet("Ledger").formulas.kept_whole()}
    assert kinds == {"shared"}
    as_read = [[c.value for c in row] for row in openpyxl.load_workbook(saved)["Ledger"].iter_rows()]
    assert as_read == [[c.value for c in row] for row in openpyxl.load_workbook(ledger)["Ledger"].iter_rows()]
    assert recalculate(saved).values == recalculate(ledger).values


def test_the_ledger_against_direct_calls(tmp_path):
    path = shapes.generate("ledger", tmp_path / "ledger.xlsx", ROWS)
    v = recalculate(path).values
    paid_rows = 0
    for i in range(ROWS):
        r = i + 2
        day = shapes.ledger_date(i)
        prior = day - dt.timedelta(days=1)
        paid = udfs.TRUPS_NEXT_PAYMENT_DATE(prior)
        coupon = udfs.TRUPS_COUPON(day, None, 1000)
        assert v[("Ledger", f"H{r}")] == udfs.TRUPS_ACCRUAL(prior, day, None, 1000)
        if paid == day.date():  # the IF's call taken: the coupon; else 0, though the call would answer a message
            paid_rows += 1
            assert v[("Ledger", f"I{r}")] == coupon == 41.5 and v[("Ledger", f"J{r}")] == coupon
        else:
            assert v[("Ledger", f"I{r}")] == 0.0 and coupon.startswith("#TRUPS! payment_date:")
            assert v[("Ledger", f"J{r}")] == coupon  # a message is text: IFERROR shows it, as in Excel
        assert v[("Ledger", f"K{r}")] == udfs.TRUPS_ACCRUED_INTEREST(day, None, 1000, None, None,
                                                                      "citigroup_capital_xxi")
    assert paid_rows == 1


def test_iferror_catches_an_error_of_a_nested_call_and_if_skips_it(tmp_path):
    path = write_book(tmp_path / "nested.xlsx", {
        "A1": dt.datetime(2010, 6, 21), "A2": dt.datetime(2010, 6, 22),
        "B1": '=IFERROR(TRUPS_NEXT_PAYMENT_DATE(A1,,1),"caught")',  # three arguments of two: #VALUE!
        "B2": '=IFERROR(TRUPS_NEXT_PAYMENT_DATE(A2,,1),"caught")',
        "C1": "=IF(A1=DATE(2010,6,21),TRUPS_COUPON(A1),TRUPS_COUPON(A1+1))",
        "C2": "=IF(A2=DATE(2010,6,21),TRUPS_COUPON(A2),-1)",
        "D1": "=TRUPS_COUPON(TRUPS_NEXT_PAYMENT_DATE(A1-1))*2",
        "D2": "=1+TRUPS_ACCRUAL(A1,A2,,1000)+TRUPS_ACCRUAL(A1,A2)",
    })
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    for ref in ("B1", "B2", "C1", "C2", "D1", "D2"):
        assert fast.values[("Sheet", ref)] == slow.values[("Sheet", ref)], ref
    assert fast.values[("Sheet", "B1")] == "caught" and fast.values[("Sheet", "C2")] == -1.0
    # XXI pays 8.300% a year on $1,000, 30/360: $41.50 a half year, $0.2305... a day
    assert fast.values[("Sheet", "C1")] == 41.5 and fast.values[("Sheet", "D1")] == 83.0
    # the principal skipped: the security's own $1,000
    assert fast.values[("Sheet", "D2")] == pytest.approx(1 + 2 * 1000 * 0.083 / 360, rel=1e-12)
    assert {("Sheet", r) for r in ("B1", "C1", "D2")} <= fast.vectorised  # D1: A1-1 is the engine's


def test_a_call_on_a_formula_that_reads_its_own_column_is_left_to_the_engine(tmp_path):
    cells = {}
    for r in range(1, 8):
        cells[f"A{r}"] = dt.datetime(2010, 1, 1) + dt.timedelta(days=r)
        cells[f"B{r}"] = f"=TRUPS_ACCRUAL(A{r},C{r})"
        # each end date reads the accrual of the row above: a cycle over the columns, none over the cells
        cells[f"C{r}"] = f"=A{r}+30+IF(ISNUMBER(B{r - 1}),0,1)" if r > 1 else "=A1+30"
        cells[f"D{r}"] = f"=IFERROR(TRUPS_CLAIM_LIMIT(B{r}),0)"
    path = write_book(tmp_path / "cycle.xlsx", cells)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values
    assert not any(ref.startswith("B") for _sheet, ref in fast.vectorised)
    # the calls reading the engine's accruals are vectorised, after the engine evaluated those
    assert {("Sheet", f"D{r}") for r in range(1, 8)} <= fast.vectorised
    # 2010-01-02 to 2010-02-01 is 29 days on 30/360: 30 x 1 month + (1 - 2)
    assert fast.values[("Sheet", "B1")] == pytest.approx(1000 * 0.083 * 29 / 360, rel=1e-12)


def test_a_recalculation_runs_with_the_collector_paused_and_makes_no_cycle_per_row(tmp_path, monkeypatch):
    """The recalculation and the values copy hold hundreds of thousands of long-lived objects, which
    each collection would walk: they run with Python's cyclic collector paused (as it was after). Only
    reference counting frees memory meanwhile, so a cycle made per row would pile up: no more cycles are
    left after a ledger of 600 rows than after one of 60."""
    import gc

    from trups_xl.recalc import run

    seen = []
    for name in ("evaluate_workbook", "write_copy"):
        real = getattr(run, name)
        monkeypatch.setattr(run, name, lambda *a, _real=real, **k: seen.append(gc.isenabled()) or _real(*a, **k))
    left = []
    for rows in (60, 600):
        path = shapes.generate("ledger", tmp_path / f"ledger_{rows}.xlsx", rows)
        gc.collect()
        result = recalculate(path)
        run.write_values(path, tmp_path / f"ledger_{rows}.values.xlsx", result)
        del result
        left.append(gc.collect())
    assert seen == [False, False, False, False] and gc.isenabled()
    assert left[1] <= left[0], left
