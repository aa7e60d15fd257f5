"""Runs of TRUPS_* calls evaluated vectorised give exactly what the engine and direct calls give."""

import datetime as dt

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import imported_after, write_book  # noqa: E402
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
            assert fast.values[key] == value, key  # bit for bit: one cell's path is a range's
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


def _nested(path, start):
    """Calls inside IF, one skipping its fixings and one passing 0 (the engine passes both as 0)."""
    book, ws = _sheet("M")
    for i in range(30):
        r = i + 2
        ws.cell(r, 1, start + dt.timedelta(days=i))
        ws.cell(r, 3, start + dt.timedelta(days=i + 10))
        ws.cell(r, 4, f"=IF(A{r}>0,TRUPS_ACCRUAL(A{r},C{r},,1000),0)")
        ws.cell(r, 5, f"=IF(A{r}>0,TRUPS_ACCRUAL(A{r},C{r},0,1000),0)")
        ws.cell(r, 6, f"=IFERROR(TRUPS_NEXT_PAYMENT_DATE(A{r})-A{r},-1)")
    book.save(path)
    return path


def _engine_formula_and_values(path):
    from trups_xl.recalc import run

    loaded = run.load_workbook(path)
    outcome = run.evaluate_calls(loaded)
    got = run.collect(loaded, outcome)
    return loaded.book, outcome, got


@pytest.mark.parametrize("start, answered", [
    # the engine passes a skipped argument as 0: of the formulas calling TRUPS_ACCRUAL, those skipping its
    # fixings (the first block's) are answered, the one typing 0 is given its formula rewritten to read
    # scratch cells, whether the two agree (fixed-rate periods) or not (floating: a missing fixing is
    # refused, 0 is a rate); the IFERROR calls its function on every row, so it reads scratch cells too
    # (a rewritten formula costs the engine less than a call to Python)
    (dt.datetime(2010, 1, 5), {4}),
    (dt.datetime(2040, 1, 5), {4}),
])
def test_calls_inside_formulas_are_answered_unless_a_typed_zero_could_be_taken_for_a_skipped_argument(
        tmp_path, start, answered):
    path = _nested(tmp_path / "nested.xlsx", start)
    book, outcome, fast = _engine_formula_and_values(path)
    kept = {col for col in (4, 5, 6) if "TRUPS_ACCRUAL(" in book.get_formula("M", 2, col).upper()
            or "TRUPS_NEXT_PAYMENT_DATE(" in book.get_formula("M", 2, col).upper()}
    assert kept == answered
    assert {h.block.col for h in outcome.answered} == answered
    assert not outcome.answers.doubt
    slow = recalculate(path, vectorise_calls=False)
    for key, value in slow.values.items():
        assert fast.values[key] == value, key
    # by hand: 2010-01-05 to 2010-01-15 is 10 days of 30/360 at 8.300% on $1,000 = 2.30555...
    assert fast.values[("M", "D2")] == pytest.approx(1000 * 0.083 * 10 / 360) if start.year == 2010 else \
        fast.values[("M", "D2")].startswith("#TRUPS! fixings: no fixing for the floating period")
    assert fast.values[("M", "E2")] != fast.values[("M", "D2")] or start.year == 2010


def test_a_missed_call_that_may_be_a_skipped_argument_is_made_again_from_rewritten_formulas():
    from trups_xl.recalc.engine import Answers, DateLog, adapter

    answers = Answers()
    assert answers.add("TRUPS_ACCRUAL", [1.0, 2.0, 0.0], 5.0, False)
    assert not answers.add("TRUPS_ACCRUAL", [1.0, 2.0, 0.0], 6.0, False)  # one answer per call
    assert answers.add("TRUPS_ACCRUAL", [1.0, 2.0, True], 7.0, False)  # TRUE is not 1
    answers.skipped_at["TRUPS_ACCRUAL"] = {2}
    calls = []
    call = adapter("TRUPS_ACCRUAL", lambda *a: calls.append(a) or 9.0, DateLog(), answers)
    assert call(1.0, 2.0, 0.0) == 5.0 and call(1.0, 2.0, True) == 7.0 and not calls and not answers.doubt
    assert call(1.0, 3.0, 1.0) == 9.0 and not answers.doubt  # a miss, but no 0 where an argument is skipped
    assert call(1.0, 3.0, 0.0) == 9.0 and answers.doubt  # a miss with a 0 where one is: in doubt


def _sheet(title):
    book = openpyxl.Workbook()
    book.active.title = title
    return book, book.active


def _dated(rows, days, *columns):
    """A sheet Ledger of dates in column A from 2009-01-05, one every ``days`` days, and from column B a
    column per formula template (``{r}`` its row, ``{p}`` the row above: blank above the first): the
    workbook and the sheet, not saved."""
    book, ws = _sheet("Ledger")
    for i in range(rows):
        r = i + 2
        ws.cell(r, 1, dt.datetime(2009, 1, 5) + dt.timedelta(days=days * i))
        for k, template in enumerate(columns):
            ws.cell(r, 2 + k, template.format(r=r, p=r - 1))
    return book, ws


def _daily(path, rows, days, *columns):
    """:func:`_dated` saved at ``path``."""
    book, _ws = _dated(rows, days, *columns)
    book.save(path)
    return path


def _same_as_the_engine_alone(path):
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    wrong = [(k, fast.values.get(k), v) for k, v in slow.values.items() if fast.values.get(k) != v]
    assert not wrong, wrong[:3]
    return fast


def test_a_stand_in_given_before_a_run_never_reaches_a_cell_or_a_later_run(tmp_path):
    # trade timestamps with milliseconds: the engine passes their exact serials, which no answer is kept
    # under, and the later column's run reads the answered one while the runs are being made
    book, ws = _sheet("Blotter")
    for i in range(12):
        r = i + 2
        ws.cell(r, 1, dt.datetime(2011, 3, 1, 9, 30, 15, 250000) + dt.timedelta(days=23 * i))
        ws.cell(r, 2, f'=IF(A{r}="","",TRUPS_NEXT_PAYMENT_DATE(A{r}))')
        ws.cell(r, 3, f'=IF(B{r}="","",TRUPS_COUPON(B{r},,1000))')
    book.save(tmp_path / "blotter.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "blotter.xlsx")
    # by hand: XXI's fixed coupon on $1,000 is 8.300% / 2 = 41.50
    assert fast.values[("Blotter", "C2")] == pytest.approx(41.5)


def test_a_skipped_argument_never_gets_the_answer_of_a_typed_zero(tmp_path):
    # floating periods: the fixings skipped are refused, a fixing of 0 is a rate; the same instants read
    # as a date-time and as a number
    book, ws = _sheet("M")
    for i in range(10):
        r = i + 2
        serial = 51000.123456789 + 91 * i
        ws.cell(r, 1, serial).number_format = "yyyy-mm-dd hh:mm:ss"
        ws.cell(r, 3, int(serial) + 30).number_format = "yyyy-mm-dd"
        ws.cell(r, 7, f"=A{r}*1")
        ws.cell(r, 4, f"=IF(TRUE,TRUPS_ACCRUAL(A{r},C{r},,1000),-1)")
        ws.cell(r, 5, f"=IF(TRUE,TRUPS_ACCRUAL(G{r},C{r},0,1000),-1)")
    book.save(tmp_path / "zero.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "zero.xlsx")
    assert fast.values[("M", "D2")].startswith("#TRUPS! fixings: no fixing for the floating period")
    assert isinstance(fast.values[("M", "E2")], float)


def test_times_early_dates_and_logicals_reach_a_run_as_they_reach_the_engine_s_call(tmp_path):
    book, ws = _sheet("M")
    inputs = [dt.time(6, 0), dt.datetime(1900, 1, 15), dt.datetime(2011, 1, 5, 12, 0, 0, 500000), 40000.5]
    for i, value in enumerate(inputs * 3):
        r = i + 2
        ws.cell(r, 1, value)
        ws.cell(r, 2, f"=TRUPS_NEXT_PAYMENT_DATE(A{r})")
        ws.cell(r, 3, f"=IF(TRUE,TRUPS_NEXT_PAYMENT_DATE(A{r}),-1)")
        ws.cell(r, 5, dt.datetime(2010, 6, 21))
        ws.cell(r, 6, True if i % 2 else 1)  # a principal of TRUE is refused, 1 is a principal
        ws.cell(r, 7, f"=TRUPS_COUPON(E{r},,F{r})")
    book.save(tmp_path / "kinds.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "kinds.xlsx")
    assert "0.25" in fast.values[("M", "B2")] and "datetime" not in fast.values[("M", "B2")]
    assert fast.values[("M", "G2")] == pytest.approx(0.0415) and "logical TRUE" in fast.values[("M", "G3")]


def test_a_call_reading_only_runs_is_made_before_the_engine_evaluates_anything_for_later_runs(tmp_path):
    # a ledger's column of calls inside an IF's branch on the next payment date (a run), and a running total
    # of an IF column read by a later run: evaluating an IF makes the engine evaluate much more than it is
    # asked for, so the branching column is met then; its calls are made before that, and stay answered
    _daily(tmp_path / "ledger.xlsx", 30, 11, "=A{r}-1", "=TRUPS_NEXT_PAYMENT_DATE(B{r})",
           "=IF(C{r}>0,TRUPS_COUPON(C{r},,1000)*3500,0)", "=IF(A{r}>C{r}-30,1,0)", "=F{p}+E{r}",
           "=TRUPS_CLAIM_LIMIT(F{r},1000)")
    _book, outcome, _got = _engine_formula_and_values(tmp_path / "ledger.xlsx")
    assert [h.block.col for h in outcome.answered] == [4]
    assert not outcome.answers.doubt
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    # by hand: XXI's fixed coupon on $1,000 is 8.300% / 2 = 41.50, for 3,500 securities 145,250
    assert fast.values[("Ledger", "D2")] == pytest.approx(145_250)


def test_a_whole_formula_call_met_before_its_run_is_replaced_and_what_read_it_evaluated_again(tmp_path):
    # the first run reads an IF column: evaluating it makes the engine evaluate every formula, the later
    # calls (not blanked first) among them, given a stand-in; their runs' values replace them, and the
    # formulas that read them are evaluated again
    _daily(tmp_path / "ledger.xlsx", 25, 13, "=IF(A{r}>0,A{r},0)", "=TRUPS_NEXT_PAYMENT_DATE(B{r})",
           "=TRUPS_COUPON(C{r},,1000)", "=D{r}*2", "=TRUPS_ACCRUED_INTEREST(A{r},,1000)", "=F{r}+E{r}")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    # by hand: XXI's fixed coupon on $1,000 is 8.300% / 2 = 41.50; on 2009-01-05, 14 days (30/360) have
    # accrued since the 2008-12-21 payment date at 8.300% on $1,000
    assert fast.values[("Ledger", "E2")] == pytest.approx(83.0)
    assert fast.values[("Ledger", "G2")] == pytest.approx(83.0 + 1000 * 0.083 * 14 / 360)


def test_a_run_reading_a_date_a_formula_computed_is_sent_its_number_as_the_engine_sends_it(tmp_path):
    # =A2-1 reads back from the engine as a date, but the engine calls a function with its serial: a
    # number argument (deferred interest) fed from it is a number on both paths, not a refused date
    _daily(tmp_path / "dates.xlsx", 6, 30, "=A{r}-1", "=TRUPS_CLAIM_LIMIT(B{r},1000)",
           "=TRUPS_CLAIM_LIMIT(B{r}/1000,1000)")
    fast = _same_as_the_engine_alone(tmp_path / "dates.xlsx")
    # by hand: a claim is capped at 25% of $1,000 (p.38); 39.817 (2009-01-04's serial / 1000) is under it
    assert fast.values[("Ledger", "C2")] == 250.0 and fast.values[("Ledger", "D2")] == pytest.approx(39.817)


def test_a_call_given_whole_to_a_function_that_takes_references_otherwise_is_not_read_from_a_cell(tmp_path):
    # SUM skips a referenced text and refuses a text given to it; a TRUPS_* refusal is text: read from a
    # scratch cell, a refused coupon would have vanished from the total (a plausible number for #VALUE!)
    book, ws = _sheet("M")
    for i in range(8):
        r = i + 2
        ws.cell(r, 1, dt.datetime(2008 + i // 2, 6, 21 + i % 2))  # a payment date, the day after, ...
        ws.cell(r, 2, f"=SUM(TRUPS_COUPON(A{r},,1000),100)")
        ws.cell(r, 3, f"=AND(TRUPS_COUPON(A{r},,1000)>0,TRUE)")  # an operand: read from a cell
        ws.cell(r, 4, f"=ISREF(TRUPS_NEXT_PAYMENT_DATE(A{r}))")
    book.save(tmp_path / "sum.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "sum.xlsx")
    assert fast.values[("M", "B2")] == pytest.approx(141.5)  # 8.300% / 2 on $1,000, plus 100
    assert fast.values[("M", "B3")] == "#VALUE!" and fast.values[("M", "D2")] is False


def test_a_date_read_from_a_cell_is_written_as_a_date(tmp_path):
    # the engine never calls a function whose calls are read from cells: the values copy still shows the
    # next payment date as a date, as the engine alone (which calls it) does
    from trups_xl.recalc.run import write_values

    book, ws = _sheet("M")
    for i in range(8):
        ws.cell(i + 2, 1, dt.datetime(2009, 1, 5) + dt.timedelta(days=30 * i))
        ws.cell(i + 2, 3, f"=TRUPS_NEXT_PAYMENT_DATE(A{i + 2})+0")
    book.save(tmp_path / "d.xlsx")
    formats = []
    for vectorise in (True, False):
        out = tmp_path / f"out_{vectorise}.xlsx"
        write_values(tmp_path / "d.xlsx", out, recalculate(tmp_path / "d.xlsx", vectorise_calls=vectorise))
        cell = openpyxl.load_workbook(out)["M"]["C2"]
        formats.append((cell.value, cell.is_date))
    assert formats[0] == formats[1] and formats[0][1] is True


@pytest.mark.parametrize("spill", ["=SEQUENCE(2)", "=SEQUENCE(3)"])
def test_a_spill_onto_the_cells_of_a_run_read_from_a_formula_is_the_engine_alone_s_spill_error(tmp_path, spill):
    # the run's cells are empty in the engine's copy until the run is made: no formula may spill onto them
    cells = {"A2": 39_800.0, "A3": 39_900.0, "A4": 40_000.0, "B2": "=A2+0", "B3": "=A3+0", "B4": "=A4+0",
             "C1": spill, "C2": "=TRUPS_NEXT_PAYMENT_DATE(B2)", "C3": "=TRUPS_NEXT_PAYMENT_DATE(B3)",
             "C4": "=TRUPS_NEXT_PAYMENT_DATE(B4)"}
    path = write_book(tmp_path / "spill.xlsx", cells)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert dict(fast.values.items()) == dict(slow.values.items())
    assert fast.spills == slow.spills and fast.errors == slow.errors
    assert fast.values[("Sheet", "C1")] == "#SPILL!"


class _Asked:
    """An engine workbook that notes which evaluations it is asked for."""

    def __init__(self, book):
        self.book, self.asked = book, []

    def __getattr__(self, name):
        return getattr(self.book, name)

    def evaluate_cells(self, cells):
        self.asked.append(("cells", len(cells)))
        return self.book.evaluate_cells(cells)

    def evaluate_all(self):
        self.asked.append(("all", 0))
        return self.book.evaluate_all()


@pytest.mark.parametrize(("second", "asked_for_cells"), [
    ("=TRUPS_COUPON(D{r},,1000)", False),  # every call a whole formula, left empty in the engine's copy
    ("=TRUPS_ACCRUAL(A{r}-1,A{r})", True),  # a call the engine makes itself: the cells the runs read
])
def test_what_a_level_s_runs_read_is_evaluated_with_everything_where_the_engine_holds_no_call(
        tmp_path, second, asked_for_cells):
    """The engine evaluates a column it is asked for several times more slowly than in its evaluation of
    everything: where it holds no call of a function (every whole-formula call empty in its copy, nothing
    it calls itself) it evaluates everything before a level of runs, else only what they read. The values
    are the engine alone's either way."""
    from trups_xl.recalc.load import load_workbook
    from trups_xl.recalc.run import collect, evaluate_calls

    cells = {}
    for r in range(1, 41):
        cells |= {f"A{r}": 39_800.0 + 7 * r, f"B{r}": f"=A{r}-1", f"C{r}": f"=EDATE(A{r},3)",
                  f"D{r}": f"=TRUPS_NEXT_PAYMENT_DATE(B{r})", f"E{r}": second.format(r=r),
                  f"F{r}": f"=TRUPS_ACCRUAL(B{r},C{r})"}
    path = write_book(tmp_path / "levels.xlsx", cells)
    loaded = load_workbook(path, blank_runs=True)
    loaded.book = asked = _Asked(loaded.book)
    fast = collect(loaded, evaluate_calls(loaded))
    assert any(kind == "cells" for kind, _n in asked.asked) == asked_for_cells
    assert ("all", 0) in asked.asked
    assert dict(fast.values.items()) == dict(recalculate(path, vectorise_calls=False).values.items())


@pytest.mark.parametrize("anchor", [
    {"G1": '=IF(C2=0,SEQUENCE(2)*1000,"x")'},  # spills only while C2 holds its stand-in
    {"G1": "=FILTER(C2:C4,C2:C4=0,1000)"},
    {"G1": "=SEQUENCE(COUNTIF(C2:C4,0)+1)*1000"},
    {"G1": '=IF(C2=0,K1:K2,"x")', "K1": 500.0, "K2": 700.0},
])
def test_a_run_that_read_a_spill_gone_by_the_end_is_the_engine_s(tmp_path, anchor):
    """Where the engine evaluates everything before a level of runs, a formula reading a run not made yet
    may spill for a while (onto cells another run of that level reads, empty in the workbook), the spill
    gone once the run's values are set: the run that read it is made again by the engine (its arguments
    read again at the end are not those it was made with). Found by an independent review."""
    cells = dict(anchor)
    for r in range(2, 5):
        cells |= {f"A{r}": 39_800.0 + 37 * r, f"B{r}": f"=A{r}-1", f"C{r}": f"=TRUPS_NEXT_PAYMENT_DATE(B{r})",
                  f"H{r}": f"=TRUPS_ACCRUAL(B{r},A{r},,G{r})"}
    path = write_book(tmp_path / "gone.xlsx", cells)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert dict(fast.values.items()) == dict(slow.values.items())
    assert fast.spills == slow.spills and fast.errors == slow.errors and fast.notices == slow.notices
    assert isinstance(fast.values[("Sheet", "H2")], float)


def test_a_spill_onto_a_formula_reading_it_while_a_run_holds_its_stand_in_is_the_engine_alone_s(tmp_path):
    """While C2 holds its stand-in, H2 spills onto I2, whose FILTER reads the spill: the engine finds no fixed
    point for everything (#N/IMPL!) and the level's cells are asked for alone. No traceback; the engine
    alone's values. Found by an independent review."""
    cells = {"A2": 39_874.0, "B2": "=A2-1", "C2": "=TRUPS_NEXT_PAYMENT_DATE(B2)",
             "H2": '=IF(C2=0,SEQUENCE(1,3)*1000,"x")', "I2": "=FILTER(H2:H4,H2:H4=0,1000)"}
    path = write_book(tmp_path / "nofix.xlsx", cells)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert dict(fast.values.items()) == dict(slow.values.items())
    assert fast.spills == slow.spills and fast.errors == slow.errors and fast.notices == slow.notices


def test_a_run_given_back_lists_each_notice_once(tmp_path):
    """Reading back again after a run is given back to the engine (it read a spill gone by the end) lists the
    blocked spill's notice once, as the engine alone does. Found by an independent review."""
    cells = {"G1": '=IF(C2=0,SEQUENCE(2)*1000,"x")', "K1": "=SEQUENCE(2)", "K2": 1.0, "A2": 39_874.0,
             "B2": "=A2-1", "C2": "=TRUPS_NEXT_PAYMENT_DATE(B2)", "H2": "=TRUPS_ACCRUAL(B2,A2,,G2)"}
    path = write_book(tmp_path / "twice.xlsx", cells)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert len(slow.notices) == 1 and fast.notices == slow.notices
    assert dict(fast.values.items()) == dict(slow.values.items())


def test_runs_that_read_only_typed_values_load_no_hash_library(tmp_path):
    """A run's arguments are digested (hashlib, which loads OpenSSL's libcrypto: 3 MB) only where the engine
    evaluated something before the run read them; runs on typed dates and numbers never are."""
    path = write_book(tmp_path / "typed.xlsx", {
        **{f"A{r}": dt.date(2008, 1, 1) + dt.timedelta(days=r) for r in range(1, 41)},
        **{f"B{r}": f"=TRUPS_ACCRUAL(A{r},A{r}+30)" for r in range(1, 41)},
        **{f"C{r}": f"=TRUPS_ACCRUED_INTEREST(A{r},,1000)" for r in range(1, 41)}})
    code = ("from pathlib import Path\nfrom trups_xl.recalc import recalculate\n"
            f"result = recalculate(Path({str(path)!r}))\n"
            "assert len(result.vectorised) == 40, result.vectorised")
    assert imported_after(code, {"hashlib", "_hashlib"}, tmp_path) == []


def _read_and_unread(path, reader):
    """Ledger: dates in A; B a column of calls no formula reads; C a column of calls column D reads;
    E a column of calls a Summary sheet sums through a defined name; ``reader`` a formula in F2."""
    book, ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,1000)", "=TRUPS_NEXT_PAYMENT_DATE(A{r})", "=C{r}+1",
                      "=TRUPS_ACCRUED_INTEREST(A{r},,25)")
    if reader:
        ws["F2"] = reader
    book.defined_names["Accrued"] = DefinedName("Accrued", attr_text="Ledger!$E$2:$E$13")
    book.create_sheet("Summary")["A1"] = "=SUM(Accrued)"
    book.save(path)
    return path


def _in_engine(loaded, col):
    return [loaded.book.get_value("Ledger", r, col) for r in range(2, 14)]


def test_a_column_of_calls_no_formula_reads_is_not_set_into_the_engine_of_one_recalculation(tmp_path):
    from trups_xl.recalc.engine_copy import STAND_IN
    from trups_xl.recalc.run import collect, evaluate_calls, evaluate_workbook, load_workbook

    path = _read_and_unread(tmp_path / "ledger.xlsx", None)
    fast = _same_as_the_engine_alone(path)
    loaded = load_workbook(path, blank_runs=True)
    result = evaluate_workbook(loaded)
    assert [result.values[("Ledger", f"B{r}")] for r in range(2, 14)] == [fast.values[("Ledger", f"B{r}")]
                                                                           for r in range(2, 14)]
    assert _in_engine(loaded, 2) == [STAND_IN] * 12  # read by nothing: left as the copy's stand-ins
    # read by a formula (D), or through a defined name (Summary): given to the engine
    assert _in_engine(loaded, 3) == [result.values[("Ledger", f"C{r}")] for r in range(2, 14)]
    assert _in_engine(loaded, 5) == [result.values[("Ledger", f"E{r}")] for r in range(2, 14)]
    assert result.values[("Summary", "A1")] == pytest.approx(sum(result.values[("Ledger", f"E{r}")]
                                                                 for r in range(2, 14)))
    # a model evaluated again (scenarios) holds every run's values in the engine
    again = load_workbook(path, blank_runs=True)
    held = collect(again, evaluate_calls(again))
    assert _in_engine(again, 2) == [held.values[("Ledger", f"B{r}")] for r in range(2, 14)]


@pytest.mark.parametrize("reader", ["=SUM(B2:B13)", '=SUM(INDIRECT("B2:B13"))', "=SUM(Ledger!B:B)"])
def test_a_column_of_calls_some_formula_reads_is_set_into_the_engine(tmp_path, reader):
    from trups_xl.recalc.run import evaluate_workbook, load_workbook

    path = _read_and_unread(tmp_path / "ledger.xlsx", reader)
    fast = _same_as_the_engine_alone(path)
    loaded = load_workbook(path, blank_runs=True)
    result = evaluate_workbook(loaded)
    assert _in_engine(loaded, 2) == [result.values[("Ledger", f"B{r}")] for r in range(2, 14)]
    assert fast.values[("Ledger", "F2")] == pytest.approx(sum(fast.values[("Ledger", f"B{r}")] for r in range(2, 14)))


@pytest.mark.parametrize("reader", ["=SUM(YTD1)", "=SUM(Ledger!2:13)", "=SUM(Ledger:Summary!B2:B13)",
                                    "=SUM(Total)", "=SUM(Ledger!YTD1)"])
def test_a_column_of_calls_read_in_a_way_the_plan_cannot_resolve_is_set_into_the_engine(tmp_path, reader):
    # a name that reads like a cell beyond the grid (YTD1: column YTD is past XFD), whole rows, a 3D
    # reference, a name holding a formula, a sheet's name: each reads column B as Excel and the engine read it
    from trups_xl.recalc.run import evaluate_workbook, load_workbook

    book, _ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,1000)")
    book.defined_names["YTD1"] = DefinedName("YTD1", attr_text="Ledger!$B$2:$B$13")
    book.defined_names["Total"] = DefinedName("Total", attr_text="Ledger!$B$2:$B$13*1")
    book.create_sheet("Summary")["A1"] = reader
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    column = [fast.values[("Ledger", f"B{r}")] for r in range(2, 14)]
    if reader == "=SUM(YTD1)":
        assert fast.values[("Summary", "A1")] == pytest.approx(sum(column))
    loaded = load_workbook(tmp_path / "ledger.xlsx", blank_runs=True)
    evaluate_workbook(loaded)
    assert [loaded.book.get_value("Ledger", r, 2) for r in range(2, 14)] == column


def test_a_name_that_reads_like_a_cell_beyond_the_grid_is_not_the_cell_of_its_letters(tmp_path):
    # ABC1234567 (a row past the grid: a name) and ABC1 (a cell) differ only in their digits: the formula
    # reading the name reads the column of calls, which must be in the engine when the formula is evaluated
    book, _ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,1000)")
    summary = book.create_sheet("Summary")
    summary["ABC1"] = 7
    book.defined_names["ABC1234567"] = DefinedName("ABC1234567", attr_text="Ledger!$B$2:$B$13")
    summary["A1"], summary["A2"] = "=SUM(ABC1)", "=SUM(ABC1234567)"
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    column = [fast.values[("Ledger", f"B{r}")] for r in range(2, 14)]
    assert fast.values[("Summary", "A1")] == 7 and min(column) > 0
    assert fast.values[("Summary", "A2")] == pytest.approx(sum(column))


def test_sheets_named_like_cells_that_differ_in_their_digits_are_two_sheets(tmp_path):
    # FY2023 and FY2024, each a column of calls; two names that differ only in their digits (Rate1, Rate2)
    # have the plan tell formulas apart by every digit: a sheet's name keeps its own
    book, _ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,1000)")
    book["Ledger"].title = "FY2023"
    later = book.create_sheet("FY2024")
    for i in range(12):
        later.cell(i + 2, 1, dt.datetime(2010, 1, 5) + dt.timedelta(days=31 * i))
        later.cell(i + 2, 2, f"=TRUPS_ACCRUED_INTEREST(A{i + 2},,1000)")
    book["FY2023"]["H1"], book["FY2023"]["H2"] = 1, 2
    book.defined_names["Rate1"] = DefinedName("Rate1", attr_text="FY2023!$H$1")
    book.defined_names["Rate2"] = DefinedName("Rate2", attr_text="FY2023!$H$2")
    summary = book.create_sheet("Summary")
    summary["A1"], summary["A2"], summary["B1"] = "=SUM(FY2023!B2:B13)", "=SUM(FY2024!B2:B13)", "=Rate1+Rate2"
    book.save(tmp_path / "years.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "years.xlsx")
    for row, title in ((1, "FY2023"), (2, "FY2024")):
        column = [fast.values[(title, f"B{r}")] for r in range(2, 14)]
        assert min(column) > 0 and fast.values[("Summary", f"A{row}")] == pytest.approx(sum(column))


def test_a_call_whose_argument_is_a_name_that_reads_like_a_cell_beyond_the_grid_reads_the_name(tmp_path):
    book, ws = _dated(6, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,YTD1)")
    ws["D1"] = 25
    book.defined_names["YTD1"] = DefinedName("YTD1", attr_text="Ledger!$D$1")  # column YTD is past XFD: a name
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    # by hand: 2009-01-05 is 14 days (30/360: 9 to the 30th of December, then 5) after the 2008-12-21
    # payment date; 8.300% a year on 25 for 14 days
    assert fast.values[("Ledger", "B2")] == pytest.approx(25 * 0.083 * 14 / 360)


@pytest.mark.parametrize("second", ["YTD2", "XFE1"])
def test_two_names_that_read_like_cells_beyond_the_grid_are_two_names(tmp_path, second):
    # YTD1 and YTD2 differ only in their digits: a formula reading one is not taken for one reading the other
    book, ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,1000)")
    ws["D1"] = 5
    book.defined_names["YTD1"] = DefinedName("YTD1", attr_text="Ledger!$D$1")
    book.defined_names[second] = DefinedName(second, attr_text="Ledger!$B$2:$B$13")
    summary = book.create_sheet("Summary")
    summary["A1"], summary["A2"] = "=SUM(YTD1)", f"=SUM({second})"
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    assert fast.values[("Summary", "A2")] == pytest.approx(sum(fast.values[("Ledger", f"B{r}")] for r in range(2, 14)))


def test_a_column_of_the_same_formula_in_lower_case_reads_the_row_it_names(tmp_path):
    # every row's formula reads A2 (a file written by a program, not copied down in Excel): not one run
    # moving A2 down the column
    # (column C copied down in lower case: one run)
    book, _ws = _dated(12, 31, "=TRUPS_ACCRUED_INTEREST(a2,,1000)", "=trups_accrued_interest(a{r},,1000)")
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    assert {fast.values[("Ledger", f"B{r}")] for r in range(2, 14)} == {fast.values[("Ledger", "C2")]}


def test_a_column_of_copies_holding_a_text_that_reads_like_a_reference_gives_the_engine_s_values(tmp_path):
    book, ws = _dated(12, 31, '=IF(C{r}="H1",TRUPS_ACCRUED_INTEREST(A{r},,1000),0)')
    for i in range(12):
        ws.cell(i + 2, 3, "H1" if i % 2 else "H2")
    book.save(tmp_path / "ledger.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "ledger.xlsx")
    assert fast.values[("Ledger", "B2")] == 0 and fast.values[("Ledger", "B3")] > 0


@pytest.mark.parametrize("history", ["Prices!A:A,Prices!B:B", "Prices!$A:$A,Prices!$B:$B",
                                     "Prices!A:A,Prices!C:C"])
def test_a_price_history_given_as_whole_columns_is_read_as_the_engine_passes_it(tmp_path, history):
    # the engine passes a whole column from row 1 (the heading) down to the last row it holds (column C
    # is shorter than A); one run reads it once for the column of calls
    from trups_xl.recalc.run import load_workbook

    book, _ws = _dated(30, 7, f"=TRUPS_APM_AVERAGE_PRICE(A{{r}},{history})")
    prices = book.create_sheet("Prices")
    prices.append(["date", "close", "short"])
    days = [dt.datetime(2008, 12, 1) + dt.timedelta(days=i) for i in range(300)]
    for i, day in enumerate([d for d in days if d.weekday() < 5]):  # closes on weekdays (holidays refused)
        prices.append([day, 20 + (i % 7) / 4, 1.0 if i < 50 else None])
    book.save(tmp_path / "apm.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "apm.xlsx")
    averages = [fast.values[("Ledger", f"B{r}")] for r in range(2, 32)]
    assert any(type(v) is str for v in averages)  # a window with a holiday's close: its message
    assert any(type(v) is float for v in averages) or history.endswith("C:C")  # C is shorter than A: refused
    loaded = load_workbook(tmp_path / "apm.xlsx", blank_runs=True)
    assert [(r.col, r.count) for r in loaded.plan.runs] == [(2, 30)]


def test_a_whole_column_holding_nothing_and_its_bounded_twin_are_read_as_the_engine_passes_them(tmp_path):
    # a column holding nothing: the engine's, as it passes every row of it, each empty; a whole column beside
    # the same range written out (the same rows until cut): two different runs
    book, _ws = _dated(1, 7, "=TRUPS_APM_AVERAGE_PRICE(A{r},Prices!A:A,Prices!F:F)",
                      "=TRUPS_APM_ALLOCATE(2500,Prices!$H$1:$H$61,Prices!$I$1:$I$61)",
                      "=TRUPS_APM_ALLOCATE(2500,Prices!H:H,Prices!I:I)")
    prices = book.create_sheet("Prices")
    prices.append(["date", "close"])
    for i in range(60):
        prices.append([dt.datetime(2008, 12, 1) + dt.timedelta(days=i), 20.0])
    for k in range(5):
        prices.cell(k + 1, 8, dt.datetime(2009, 3, 21) + dt.timedelta(days=91 * k))
        prices.cell(k + 1, 9, 1000.0 + k)
    book.save(tmp_path / "apm.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "apm.xlsx")
    assert fast.values[("Ledger", "C2")] != fast.values[("Ledger", "D2")]  # the twin's refusal is not taken


@pytest.mark.parametrize("security", [None, "citigroup_capital_xiii"])
def test_a_whole_column_of_a_sheet_of_one_row_is_read_as_a_range(tmp_path, security):
    # Sec holds one row: Sec!B:B is one cell's rows, but a range all the same (the engine passes its one row,
    # or all 1,048,576 where B holds nothing), never read as one value (a blank security: XXI)
    book, _ws = _dated(6, 31, "=TRUPS_PREVIOUS_PAYMENT_DATE(A{r},Sec!B:B)")
    sec = book.create_sheet("Sec")
    sec["A1"], sec["B1"] = "security", security
    book.save(tmp_path / "sec.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "sec.xlsx")
    first = fast.values[("Ledger", "B2")]
    said = "#TRUPS! security: expected two columns" if security is None else "2010-10-05"  # XIII's first day
    assert type(first) is str and said in first, first


def test_a_range_written_with_its_ends_reversed_is_read_in_order_as_excel_reads_it(tmp_path):
    # Fix!B:A and Fix!$B$3:$A$1 are Fix!A:B and Fix!$A$1:$B$3 to Excel (which saves neither reversed): the
    # floating coupons read the fixings so; the engine alone answers #REF! for the first and refuses the second
    book, ws = _sheet("Ledger")
    fixings = book.create_sheet("Fix")
    fixings.append(["period_start", "rate"])
    fixings.append([dt.datetime(2037, 12, 21), 0.05])
    fixings.append([dt.datetime(2038, 3, 21), 0.06])
    days = [dt.datetime(2038, 3, 21), dt.datetime(2038, 6, 21)]
    for i, day in enumerate(days):
        r = i + 2
        ws.cell(r, 1, day)
        for k, ref in enumerate(("Fix!A:B", "Fix!B:A", "Fix!$B$3:$A$1")):
            ws.cell(r, 2 + k, f"=TRUPS_COUPON(A{r},{ref},1000)")
    book.save(tmp_path / "reversed.xlsx")
    values = recalculate(tmp_path / "reversed.xlsx").values
    table = [["period_start", "rate"], [dt.datetime(2037, 12, 21), 0.05], [dt.datetime(2038, 3, 21), 0.06]]
    for i, day in enumerate(days):
        want = REGISTRY["TRUPS_COUPON"](day, table, 1000)
        assert type(want) is float and want > 0
        assert [values[("Ledger", f"{c}{i + 2}")] for c in "BCD"] == [pytest.approx(want, rel=1e-12)] * 3


def test_a_name_on_a_sheet_whose_title_holds_a_dollar_sign_reads_that_sheet(tmp_path):
    # Px is 'Rates$'!$B$2 and Coupons 'Rates$'!$C$2:$C$5, beside a sheet Rates: the $ of the title is the
    # title's, not one of the address's, both for a call's argument and for what a formula reads
    book, _ws = _dated(4, 91, "=TRUPS_COUPON(DATE(2009,6,21),,Px)", "=SUM(Coupons)+B{r}")
    book.create_sheet("Rates")["B2"] = 1000
    rates = book.create_sheet("Rates$")
    rates["B2"] = 5000
    for r, day in enumerate(("2009-06-21", "2009-12-21", "2010-06-21", "2010-12-21"), start=2):
        rates.cell(r, 1, dt.datetime.fromisoformat(day))  # payment dates: every six months while fixed
        rates.cell(r, 3, f"=TRUPS_COUPON(A{r},,Px)")
    book.defined_names["Px"] = DefinedName("Px", attr_text="'Rates$'!$B$2")
    book.defined_names["Coupons"] = DefinedName("Coupons", attr_text="'Rates$'!$C$2:$C$5")
    book.save(tmp_path / "dollar.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "dollar.xlsx")
    coupons = [fast.values[("Rates$", f"C{r}")] for r in range(2, 6)]
    assert coupons == [pytest.approx(5000 * 0.083 / 2)] * 4  # half a year at 8.300% on the name's 5,000
    assert fast.values[("Ledger", "C2")] == pytest.approx(sum(coupons) + fast.values[("Ledger", "B2")])


def test_a_column_of_calls_each_on_its_own_accented_name_reads_each_name(tmp_path):
    # Año1 .. Año6 (not cells o1 .. o6): typed row by row, they are not copies of one formula
    book, ws = _dated(6, 31, "=TRUPS_ACCRUED_INTEREST(A{r},,Año{p})")
    inputs = book.create_sheet("Inputs")
    for k in range(1, 7):
        inputs.cell(k, 1, 1000 * k)
        book.defined_names[f"Año{k}"] = DefinedName(f"Año{k}", attr_text=f"Inputs!$A${k}")
    book.save(tmp_path / "names.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "names.xlsx")
    for r in range(2, 8):  # the interest on the row's own principal, 1,000 times its name's number
        per_1000 = REGISTRY["TRUPS_ACCRUED_INTEREST"](ws.cell(r, 1).value, None, 1000)
        assert fast.values[("Ledger", f"B{r}")] == pytest.approx(per_1000 * (r - 1), rel=1e-12)


def test_a_text_argument_joined_from_two_texts_is_the_joined_text(tmp_path):
    # "citigroup_"&"capital_xxi" is one argument the engine joins, not a text "citigroup_"&"capital_xxi"
    book, _ws = _dated(6, 61, '=TRUPS_NEXT_PAYMENT_DATE(A{r},"citigroup_"&"capital_xxi")',
                       '=TRUPS_NEXT_PAYMENT_DATE(A{r},"citigroup_capital_xxi")',
                       '=TRUPS_ACCRUAL(A{r},A{r}+30,,,"libor"&"_act")')
    book.save(tmp_path / "joined.xlsx")
    fast = _same_as_the_engine_alone(tmp_path / "joined.xlsx")
    for r in range(2, 8):
        joined, typed, accrual = (fast.values[("Ledger", f"{c}{r}")] for c in "BCD")
        assert joined == typed and type(joined) is float and type(accrual) is float
