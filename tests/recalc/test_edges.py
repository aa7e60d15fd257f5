"""The defects found at recalc's edges, each on a small generated file: the exit code, the one line,
the input's bytes unchanged and nothing left behind."""

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import CLI_WITH_OWN_PEAK, write_book  # noqa: E402
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402

from trups_xl.cli import main  # noqa: E402
from trups_xl.excel import udfs  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402


def _run(args, capsys):
    code = main(["recalc", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Exception ignored" not in out.err, out.err
    return code, out.out, out.err


def _refusal(err: str) -> str:
    lines = [line for line in err.splitlines() if not line.startswith("[recalc] ")]
    assert len(lines) == 1 and lines[0].startswith("trups-xl: "), err
    return lines[0]


def _only(folder: Path, names: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == names, sorted(p.name for p in folder.iterdir())


def _patched(path: Path, old: bytes, new: bytes, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """``path`` with a part's XML edited, its first sheet's by default (what openpyxl will not write)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new)
            zout.writestr(item, data)
    tmp.replace(path)
    return path


def test_text_that_is_a_trups_call_stays_text_on_every_path(tmp_path, capsys):
    """Typed with a leading apostrophe, as analysts document formulas: the cell holds text."""
    path = write_book(tmp_path / "doc.xlsx", {"A1": '=TRUPS_ACCRUAL("2008-12-21","2009-01-31")', "A2": "=1+1",
                                              "B1": '=TRUPS_ACCRUAL("2008-12-21","2009-01-31")'})
    book = openpyxl.load_workbook(path)
    for ref in ("A1", "A2"):
        book["Sheet"][ref].data_type = "s"
    book.save(path)
    before = path.read_bytes()
    code, _, _ = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 0 and path.read_bytes() == before
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]
    assert (ws["A1"].value, ws["A1"].data_type) == ('=TRUPS_ACCRUAL("2008-12-21","2009-01-31")', "s")
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert ws["B1"].value == pytest.approx(1000 * 40 * 0.083 / 360)  # the formula beside it is evaluated


def test_a_range_too_large_for_a_function_is_refused_naming_the_argument(tmp_path, capsys):
    path = write_book(tmp_path / "big.xlsx", {"B1": 5.0, "A1": "=TRUPS_CLAIM_LIMIT(B1:XFD1048576)"})
    before = path.read_bytes()
    code, printed, _ = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    line = next(x for x in printed.splitlines() if x.strip().startswith("Sheet!A1: "))
    assert code == 1 and line.strip() == ("Sheet!A1: #TRUPS! deferred_interest: the range B1:XFD1048576 spans "
                                          "17,178,820,608 cells; a range argument may span at most 1,048,576 "
                                          "(one column)")
    assert path.read_bytes() == before
    _only(tmp_path, {"big.xlsx", "out.xlsx"})
    value = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]["A1"].value
    assert value.startswith("#TRUPS! deferred_interest:") and value != udfs.TRUPS_CLAIM_LIMIT(5.0)  # not B1's


@pytest.mark.parametrize(("formula", "shows", "said"), [
    ("=1+*2", "#NAME?", "could not be parsed"),
    ("=SUM(1,2", "#NAME?", "could not be parsed"),
    ("=[other.xlsx]Sheet!A1", "#REF!", "External references not read (they show #REF!): Sheet!A1 (other.xlsx)"),
    ("=cmd|' /C calc'!A0", "#REF!", "External references not read (they show #REF!): Sheet!A1 (a DDE link)"),
])
def test_a_formula_the_engine_cannot_read_is_an_error_cell_the_summary_names(tmp_path, capsys, formula, shows, said):
    path = write_book(tmp_path / "f.xlsx", {"A1": formula, "A2": "=1+1"})
    before = path.read_bytes()
    code, printed, _ = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 1 and said in printed and f"Sheet!A1: {shows}" in printed
    assert path.read_bytes() == before
    _only(tmp_path, {"f.xlsx", "out.xlsx"})
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]
    assert ws["A1"].value == shows and ws["A2"].value == 2


def test_result_names_that_are_not_one_cell_are_said_not_a_traceback(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.defined_names["Result_Gone"] = DefinedName("Result_Gone", attr_text="Nope!$A$1")
    book.defined_names["Result_Const"] = DefinedName("Result_Const", attr_text="42")
    book.defined_names["Result_Here"] = DefinedName("Result_Here", attr_text="Sheet!$A$1")
    path = tmp_path / "names.xlsx"
    book.save(path)
    before = path.read_bytes()
    code, printed, _ = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 0 and path.read_bytes() == before
    _only(tmp_path, {"names.xlsx", "out.xlsx"})
    assert "(refers to a sheet the workbook does not have: Nope)" in printed and "(not one cell: 42)" in printed
    assert "Here" in printed and " 2" in printed


def test_numbers_beyond_a_double_are_kept_as_typed_and_read_as_num_errors(tmp_path, capsys):
    path = write_book(tmp_path / "n.xlsx", {"A1": 7, "A2": "=A1*2", "B1": 8, "B2": "=B1+1"})
    _patched(path, b"<v>7</v>", b"<v>" + b"9" * 400 + b"</v>")
    _patched(path, b"<v>8</v>", b"<v>1e400</v>")
    before = path.read_bytes()
    code, printed, _ = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 1 and "Sheet!A2: #NUM!" in printed and "Sheet!B2: #NUM!" in printed
    assert path.read_bytes() == before
    _only(tmp_path, {"n.xlsx", "out.xlsx"})
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:  # the typed cells are not erased
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<v>" + b"9" * 400 + b"</v>" in sheet and b"<v>1e400</v>" in sheet


def test_a_sheet_beyond_excels_grid_is_one_line(tmp_path, capsys):
    path = _patched(write_book(tmp_path / "rows.xlsx", {"A1": 1}), b"</sheetData>",
                    b'<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>')
    before = path.read_bytes()
    code, _, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and "reaches row 1,048,577" in _refusal(err) and "beyond Excel's grid" in err
    assert path.read_bytes() == before
    _only(tmp_path, {"rows.xlsx"})


def test_whole_column_arguments_cost_their_used_cells(tmp_path):
    """The issue's 5 KB file of four =TRUPS_CLAIM_LIMIT(A:A) cells took 2.9 GB on the old engine."""
    path = write_book(tmp_path / "cols.xlsx", {"A1": 100.0, "A2": 200.0, "C1": "=SUM(A:A)",
                                               **{f"E{k}": "=TRUPS_CLAIM_LIMIT(A:A)" for k in (1, 5, 9, 13)}})
    before = path.read_bytes()
    peak_file = tmp_path / "peak"  # the child's own peak (not this process's before the child's exec)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", CLI_WITH_OWN_PEAK, str(peak_file), "recalc", str(path), "-o",
                          str(tmp_path / "out.xlsx")], capture_output=True, text=True, check=False, timeout=60)
    code, peak_kb = run.returncode, int(peak_file.read_text())
    peak_file.unlink()
    assert code == 0 and time.perf_counter() - start < 10, run.stderr
    assert peak_kb < 400 * 1024  # the whole process: no million-row copy of a column (the old engine: 2.9 GB)
    assert path.read_bytes() == before
    _only(tmp_path, {"cols.xlsx", "out.xlsx"})
    result = recalculate(path)
    assert result.values[("Sheet", "C1")] == 300.0
    # the column's used cells (two) are read, not a million: a two-row table
    assert result.spills[("Sheet", "E1")] == "E1:E2"
    assert result.values[("Sheet", "E2")] == udfs.TRUPS_CLAIM_LIMIT(200.0)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_output_that_is_not_a_regular_file_is_refused(tmp_path, capsys, kind):
    path = write_book(tmp_path / "in.xlsx", {"A1": 2, "B1": "=A1*3"})
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    code, _, err = _run([path, "-o", target], capsys)
    assert code == 2 and "is not a regular file" in _refusal(err)
    assert not target.is_file() and (target.is_fifo() or target.is_char_device())


def test_a_refused_run_creates_no_folder_and_a_good_one_creates_it(tmp_path, capsys):
    bad = _patched(write_book(tmp_path / "rows.xlsx", {"A1": 1}), b"</sheetData>",
                   b'<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>')
    code, _, _ = _run([bad, "-o", tmp_path / "new1" / "new2" / "out.xlsx"], capsys)
    assert code == 2 and not (tmp_path / "new1").exists()
    good = write_book(tmp_path / "in.xlsx", {"A1": 2, "B1": "=A1*3"})
    code, _, _ = _run([good, "-o", tmp_path / "new1" / "new2" / "out.xlsx"], capsys)
    assert code == 0 and (tmp_path / "new1" / "new2" / "out.xlsx").is_file()


def test_too_many_arguments_in_a_cell_is_an_excel_error_not_a_defect(tmp_path):
    path = write_book(tmp_path / "many.xlsx", {
        "A1": '=TRUPS_ACCRUAL("2008-12-21","2009-01-31",,,,,,,1)',  # vectorised path
        "A2": '=IF(TRUE,TRUPS_ACCRUAL("2008-12-21","2009-01-31",,,,,,,1),0)',  # the engine's path
    })
    values = recalculate(path).values
    assert values[("Sheet", "A1")] == "#VALUE!" and values[("Sheet", "A2")] == "#VALUE!"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_run_in_one_line_with_nothing_left_behind(tmp_path, signum):
    """A long run stopped midway: no traceback, no temporary file beside the output, no temp folder."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from analyst_model import generate

    path = generate(tmp_path / "model.xlsx", 3_000)
    before = path.read_bytes()
    # its own temporary folder: recalcs running elsewhere on the machine are not its leftovers
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "trups_xl.cli", "recalc", str(path), "-o", str(tmp_path / "out.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    # signalled once it says it is loading the workbook (its handlers are in place by then), however long a
    # loaded machine takes to start it
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert first.startswith("[recalc]"), first
    time.sleep(0.2)
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == 128 + signum and "Traceback" not in err, err
    assert [line for line in err.splitlines() if not line.startswith("[recalc]")] == [
        f"trups-xl: interrupted ({signal.Signals(signum).name}); nothing was written"]
    assert path.read_bytes() == before
    _only(tmp_path, {"model.xlsx", "tmp"})
    assert list(temp.iterdir()) == []


def test_a_name_with_a_relative_row_is_not_read_at_one_fixed_row(tmp_path):
    """``Start`` = ``Sheet!$A2`` moves with the cell using it; the fast path read it as ``$A$2`` for
    every row (a number the engine alone never shows: it refuses such a name)."""
    cells = {f"A{r}": f"=DATE(2008,12,{20 + r})" for r in range(1, 6)}
    cells |= {f"B{r}": "=TRUPS_ACCRUAL(Start,\"2009-01-31\")" for r in range(1, 6)}
    cells |= {f"C{r}": "=TRUPS_ACCRUAL(Fixed,\"2009-01-31\")" for r in range(1, 6)}
    path = write_book(tmp_path / "relative.xlsx", cells)
    book = openpyxl.load_workbook(path)
    book.defined_names["Start"] = DefinedName("Start", attr_text="Sheet!$A2")
    book.defined_names["Fixed"] = DefinedName("Fixed", attr_text="Sheet!$A$2")
    book.save(path)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values
    assert not any(ref.startswith("B") for _sheet, ref in fast.vectorised)
    assert {("Sheet", f"C{r}") for r in range(1, 6)} <= fast.vectorised
    assert len({fast.values[("Sheet", f"C{r}")] for r in range(1, 6)}) == 1


@pytest.mark.parametrize("trigger", ["mask", "name", "none"])
def test_a_call_given_whole_to_sum_or_or_is_never_read_from_a_scratch_cell(tmp_path, trigger):
    """SUM and OR skip a text held in a referenced cell but refuse it given directly (#VALUE!): a call
    that is their whole argument and cannot be answered is the engine's, cell by cell, never rewritten
    to read its value from a cell (it showed 1 and FALSE where the engine alone shows #VALUE!)."""
    cells = {f"A{r}": f"=DATE(2008,{r},1)" for r in range(2, 6)}  # the 1st: not a payment date (a message)
    cells |= {f"E{r}": f"=SUM(TRUPS_COUPON(A{r}),1)" for r in range(2, 6)}
    cells |= {f"F{r}": f"=OR(TRUPS_COUPON(A{r}),FALSE)" for r in range(2, 6)}
    cells |= {f"G{r}": f"=ISREF(TRUPS_COUPON(A{r}))" for r in range(2, 6)}
    if trigger == "mask":  # the same function with another argument skipped: its calls are not answered
        cells |= {f"D{r}": f"=IF(A{r}>0,TRUPS_COUPON(A{r},,1000),0)" for r in range(2, 6)}
    path = write_book(tmp_path / "sum.xlsx", cells)
    if trigger == "name":  # a call in a defined name: no call is answered
        book = openpyxl.load_workbook(path)
        book.defined_names["NP"] = DefinedName("NP", attr_text="TRUPS_NEXT_PAYMENT_DATE(Sheet!$A$2)")
        book.save(path)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values and fast.errors == slow.errors
    assert {fast.values[("Sheet", f"{c}3")] for c in "EF"} == {"#VALUE!"}
    from trups_xl.recalc.scenario_table import Scenario
    from trups_xl.recalc.scenarios import ModelSession

    outputs = [f"Sheet!{c}2:{c}5" for c in "EFG"]
    base = dict(ModelSession(path).evaluate(Scenario("base", 2, ()), outputs).values)
    assert base == {f"{area} Sheet!{c}{r}": slow.values[("Sheet", f"{c}{r}")]
                    for area, c in zip(outputs, "EFG", strict=True) for r in range(2, 6)}


@pytest.mark.parametrize("local_first", [True, False])
def test_a_sheet_s_own_name_is_read_on_that_sheet_whichever_comes_first_in_the_workbook(tmp_path, local_first):
    """``Principal`` on the sheet Other (3000) and in the workbook (1000): a call on Other reads 3000 on
    both paths, whichever of the two the workbook lists first (the fast path kept the last one)."""
    import datetime as dt
    import re

    book = openpyxl.Workbook()
    main_sheet = book.active
    main_sheet.title = "Sheet"
    other = book.create_sheet("Other sheet")
    for ws, principal in ((main_sheet, 1000.0), (other, 3000.0)):
        ws["Z1"] = principal
        for r in range(2, 6):
            ws[f"A{r}"] = float((dt.date(2008 + r, 6, 21) - dt.date(1899, 12, 30)).days)
            ws[f"B{r}"] = f"=TRUPS_COUPON(A{r},,Principal)"
            ws[f"C{r}"] = f"=IF(TRUE,TRUPS_COUPON(A{r},,Principal),0)"
            ws[f"D{r}"] = "=Principal"
    book.defined_names["Principal"] = DefinedName("Principal", attr_text="Sheet!$Z$1")
    other.defined_names["Principal"] = DefinedName("Principal", attr_text="'Other sheet'!$Z$1")
    path = tmp_path / "names.xlsx"
    book.save(path)
    if local_first:
        with zipfile.ZipFile(path) as z:
            names = re.findall(rb"<definedName\b.*?</definedName>", z.read("xl/workbook.xml"))
        assert len(names) == 2
        ordered = sorted(names, key=lambda n: b"localSheetId" not in n)
        _patched(path, b"".join(names), b"".join(ordered), part="xl/workbook.xml")
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values
    assert fast.values[("Other sheet", "D2")] == 3000.0 and fast.values[("Sheet", "D2")] == 1000.0
    # by hand: a full half-year's coupon at 8.300% (paid June 21 and December 21 until 2037), on the
    # principal each sheet names
    assert fast.values[("Other sheet", "B2")] == pytest.approx(3000 * 0.083 / 2, rel=1e-12)
    assert fast.values[("Sheet", "B2")] == pytest.approx(1000 * 0.083 / 2, rel=1e-12)


def test_a_name_defined_twice_in_one_scope_is_read_as_its_first_definition(tmp_path):
    """Only tools other than Excel write a name twice; the engine takes the first, so does the fast path
    (it took the last: 124.5 where the engine alone gave 41.5)."""
    import re

    cells = {"Z1": 1000.0, "Z2": 3000.0, **{f"A{r}": 39620.0 for r in range(2, 5)},  # 2008-06-21
             **{f"B{r}": f"=TRUPS_COUPON(A{r},,Principal)" for r in range(2, 5)}}
    path = write_book(tmp_path / "twice.xlsx", cells)
    book = openpyxl.load_workbook(path)
    book.defined_names["Principal"] = DefinedName("Principal", attr_text="Sheet!$Z$1")
    book.save(path)
    with zipfile.ZipFile(path) as z:
        first = re.search(rb"<definedName\b.*?</definedName>", z.read("xl/workbook.xml"))[0]
    _patched(path, first, first + first.replace(b"$Z$1", b"$Z$2"), part="xl/workbook.xml")
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values
    assert fast.values[("Sheet", "B2")] == 41.5  # by hand: half a year at 8.300% on the first definition's 1,000
