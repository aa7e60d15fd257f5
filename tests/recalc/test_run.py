"""Headless recalculation gives what Excel would: skipped arguments, spills, array ranges, dates."""

import datetime as dt
import inspect
import re
import shutil
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import imported_after, write_book  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from trups_xl.cli import main  # noqa: E402
from trups_xl.excel import udfs  # noqa: E402
from trups_xl.excel.convert import date_to_serial  # noqa: E402
from trups_xl.excel.function import INFO, REGISTRY  # noqa: E402
from trups_xl.recalc import SPILL, recalculate, write_values  # noqa: E402
from trups_xl.workbook import DEFAULT_PATH  # noqa: E402


def _excel(v):
    if isinstance(v, dt.date):
        return float(date_to_serial(v))
    return "" if v is None else v


def _same(got, want) -> bool:
    want = _excel(want)
    if isinstance(want, float) and isinstance(got, (int, float)):
        return got == pytest.approx(want, rel=1e-12, abs=1e-9)
    return got == want


def _cases():
    """(function, arguments) with one optional argument skipped in each, every function."""
    for name, fn in REGISTRY.items():
        params = list(inspect.signature(fn).parameters.values())
        example = list(INFO[name].example)
        for i, param in enumerate(params):
            if param.default is inspect.Parameter.empty:
                continue
            args = (example + [None] * len(params))[:max(len(example), i + 1)]
            args[i] = None
            yield name, tuple(args)  # skipped inside the list, or trailing (",)"; "()" for one argument)


CASES = list(_cases())


@pytest.fixture(scope="module")
def skipped_book(tmp_path_factory):
    """One sheet per case: the arguments in row 1 (ranges below row 2 at column 30 on), the formula
    in A3 with the skipped argument left empty between the commas."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for k, (name, args) in enumerate(CASES):
        ws = book.create_sheet(f"c{k}")
        refs = []
        for j, arg in enumerate(args):
            col = 30 + 3 * j
            if arg is None:
                refs.append("")
            elif isinstance(arg, list):
                for r, row in enumerate(arg):
                    for c, v in enumerate(row):
                        ws.cell(5 + r, col + c, v)
                last = f"{get_column_letter(col + len(arg[0]) - 1)}{4 + len(arg)}"
                refs.append(f"{get_column_letter(col)}5:{last}")
            else:
                ws.cell(1, col, arg)
                refs.append(f"{get_column_letter(col)}1")
        ws["A3"] = f"={name}({','.join(refs)})"
    path = tmp_path_factory.mktemp("skipped") / "skipped.xlsx"
    book.save(path)
    return path, recalculate(path)


def test_cases_cover_every_function_with_optional_arguments():
    with_optional = {n for n, fn in REGISTRY.items()
                     if any(p.default is not inspect.Parameter.empty for p in inspect.signature(fn).parameters.values())}
    assert {name for name, _ in CASES} == with_optional
    optional = sum(p.default is not inspect.Parameter.empty
                   for fn in REGISTRY.values() for p in inspect.signature(fn).parameters.values())
    assert len(CASES) == optional  # each optional argument of each function, skipped once


@pytest.mark.parametrize("k", range(len(CASES)), ids=[f"{n}{a}"[:60] for n, a in CASES])
def test_a_skipped_argument_is_missing_not_zero(skipped_book, k):
    _, result = skipped_book
    name, args = CASES[k]
    want = REGISTRY[name](*args)  # None for the skipped argument, as Excel sends it
    rows = want if isinstance(want, list) else [[want]]
    for i, line in enumerate(rows):
        for j, v in enumerate(line):
            got = result.values[(f"c{k}", f"{get_column_letter(1 + j)}{3 + i}")]
            assert _same(got, v), (name, args, i, j, got, v)


def test_the_readme_example_with_two_skipped_arguments(tmp_path):
    path = write_book(tmp_path / "mw.xlsx", {
        "A1": '=TRUPS_MAKE_WHOLE("2030-03-15", 0.04, , , "subtract_accrued")',
        "A2": "=TRUPS_MAKE_WHOLE(B4,B5,,1000)", "B4": "2030-03-15", "B5": 0.04,
        "A3": "=IF(TRUE,,1)",  # Excel's own functions still read a skipped argument as 0
    })
    values = recalculate(path).values
    assert values[("Sheet", "A1")] == udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, None, None, "subtract_accrued")
    assert values[("Sheet", "A2")] == pytest.approx(1266.246290, abs=1e-6)  # spread 0.50% (p.38), not 0
    assert values[("Sheet", "A3")] == 0


def test_shipped_workbook_reports_the_missing_fixing_past_2037(tmp_path):
    path = tmp_path / DEFAULT_PATH.name
    shutil.copy(DEFAULT_PATH, path)
    book = openpyxl.load_workbook(path)
    for name, day in (("Acc_Start", dt.datetime(2037, 11, 1)), ("Acc_End", dt.datetime(2038, 2, 1))):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = day
    book.save(path)
    result = recalculate(path)
    assert result.names["Result_Accrual"].startswith(
        "#TRUPS! fixings: no fixing for the floating period starting 2037-12-21")
    assert any(e.startswith("Accrual!") for e in result.errors)


def _analyst_book(path: Path) -> None:
    """A workbook an analyst writes with openpyxl: a schedule typed in one cell, an array formula
    over only its first rows (beyond the sheet's used range), ordinary formulas over both."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Model"
    ws["A1"] = "=TRUPS_SCHEDULE(DATE(2008,1,1),DATE(2009,12,31))"
    ws["P1"] = "=SUM(N2:N5)"
    ws["P2"] = "=C3+1"
    ws["P3"] = "=COUNT(A2:A5)"
    arr = book.create_sheet("Array")
    arr["A1"] = ArrayFormula("A1:N5", '=TRUPS_SCHEDULE("2008-01-01","2009-12-31")')
    arr["P1"] = "=SUM(N2:N5)"
    book.save(path)


def test_a_workbook_written_from_scratch_spills_and_writes_every_cell(tmp_path):
    path, out = tmp_path / "analyst.xlsx", tmp_path / "analyst.values.xlsx"
    _analyst_book(path)
    before = path.read_bytes()
    result = recalculate(path)
    assert result.errors == [] and result.spills == {("Model", "A1"): "A1:N5"}
    table = udfs.TRUPS_SCHEDULE("2008-01-01", "2009-12-31")
    assert len(table) == 5
    write_values(path, out, result)
    assert path.read_bytes() == before
    values = openpyxl.load_workbook(out)
    for sheet in ("Model", "Array"):
        ws = values[sheet]
        for i, line in enumerate(table):
            for j, want in enumerate(line):
                got = ws.cell(1 + i, 1 + j).value
                if isinstance(want, dt.date):
                    assert isinstance(got, dt.datetime) and got.date() == want, (sheet, i, j)
                    assert ws.cell(1 + i, 1 + j).is_date
                else:
                    assert got == (None if want == "" else want), (sheet, i, j, got, want)
        assert ws["P1"].value == pytest.approx(sum(row[13] for row in table[1:]))
    model = values["Model"]
    assert model["P2"].value == date_to_serial(table[2][2]) + 1  # arithmetic on a spilled date
    assert model["P3"].value == 4


def test_a_spill_onto_a_value_is_spill_error_with_the_reason(tmp_path):
    path = write_book(tmp_path / "blocked.xlsx", {"A1": "=TRUPS_SCHEDULE(DATE(2008,1,1),DATE(2009,12,31))",
                                                  "C4": "mine", "A10": "=A1"})
    result = recalculate(path)
    assert result.values[("Sheet", "A1")] == SPILL
    assert any("C4" in n and "#SPILL!" in n for n in result.notices)
    assert "Sheet!A1: #SPILL!" in result.errors
    out = tmp_path / "out.xlsx"
    write_values(path, out, result)
    assert openpyxl.load_workbook(out)["Sheet"]["C4"].value == "mine"  # never overwritten


def test_in_place_is_refused_unless_formulas_may_be_replaced(tmp_path, capsys):
    path = tmp_path / "analyst.xlsx"
    _analyst_book(path)
    before = path.read_bytes()
    assert main(["recalc", str(path), "--in-place"]) == 2
    assert "--replace-formulas" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(["recalc", str(path), "--in-place", "--replace-formulas"]) == 0
    assert openpyxl.load_workbook(path)["Model"]["P1"].value == pytest.approx(166.0)


def test_the_command_prints_its_own_steps_and_no_engine_progress_bar(tmp_path, capfd):
    """stderr holds one '[recalc] ...' line per step: the engine's redrawn progress bar is off."""
    path = write_book(tmp_path / "book.xlsx", {"A1": ArrayFormula("A1:N3", '=TRUPS_SCHEDULE("2008-01-01","2009-12-31")'),
                                               "P1": "=SUM(N2:N3)"})
    assert main(["recalc", str(path), "-o", str(tmp_path / "out.xlsx")]) == 0
    err = capfd.readouterr().err
    assert err and all(line.startswith("[recalc] ") for line in err.splitlines()), err
    assert "it/s" not in err and "\r" not in err


def test_a_long_run_on_a_terminal_shows_one_updating_progress_line(tmp_path):
    """On a terminal: the step lines once each and one progress line redrawn in place."""
    import os
    import pty
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from analyst_model import generate

    path = generate(tmp_path / "model.xlsx", 1_000)  # 25,000 formula cells: a long run
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "trups_xl.cli", "recalc", str(path), "-o", str(tmp_path / "o.xlsx")],
                            stdout=subprocess.DEVNULL, stderr=child_fd, close_fds=True)
    os.close(child_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    err = b"".join(chunks).decode()
    assert proc.returncode == 0, err
    assert "\r[recalc] evaluated 25,005 of 25,005 cells" in err
    lines = [line for line in err.replace("\r", "\n").splitlines()
             if line.startswith("[recalc] ") and "evaluated" not in line]
    assert len(lines) == len(set(lines)) == 2, lines  # loading, evaluating: once each


def test_the_command_imports_no_workbook_library_and_no_http_client():
    """The recalculation reads and writes the package itself: importing the command costs no openpyxl
    (a tenth of a second) and no urllib HTTP client (pulled in by xml.sax.saxutils)."""
    code = "from trups_xl.cli import main\nimport trups_xl.recalc.run"
    assert imported_after(code, {"openpyxl", "urllib.request", "xml.sax.saxutils"}, Path(__file__).parent) == []


def test_a_workbook_the_engine_finds_no_values_for_is_refused_in_one_line(tmp_path, capsys):
    """H2 spills onto I2, whose FILTER reads the spill: formualizer finds no values for it (#N/IMPL!, its
    dynamic dependencies never settle) on either path, the engine alone too. One line, exit 2, nothing
    written; no traceback."""
    from books import write_book

    from trups_xl.cli import main
    from trups_xl.recalc.safety import RefusedError

    cells = {"A2": 0.0, "H2": '=IF(A2=0,SEQUENCE(1,3)*1000,"x")', "I2": "=FILTER(H2:H4,H2:H4=0,1000)"}
    path = write_book(tmp_path / "unsettled.xlsx", cells)
    for fast in (True, False):
        with pytest.raises(RefusedError, match=r"^the formula engine could not evaluate the workbook \(#N/IMPL!"):
            recalculate(path, vectorise_calls=fast)
    out = tmp_path / "out.xlsx"
    assert main(["recalc", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("trups-xl: the formula engine could not evaluate the workbook (#N/IMPL!")
    assert "Traceback" not in "\n".join(err) and not out.exists()


def test_a_recalculation_does_not_import_numpys_masked_arrays(tmp_path):
    """``np.unique`` and ``np.isin`` import ``numpy.ma`` on their first call (about 20 ms of every command):
    neither the ledger analysts write nor the shipped model, with its yields, spreads and discount margins,
    is recalculated through them (:mod:`trups_xl.core.arrays` in their place). The model's regression
    (scipy, which imports ``numpy.ma`` itself) is given a number here."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    try:
        import analyst_shapes
    finally:
        sys.path.pop(0)
    ledger = analyst_shapes.generate("ledger", tmp_path / "ledger.xlsx", 60)
    model = openpyxl.load_workbook(DEFAULT_PATH)
    called = set()
    for sheet in model.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)  # an array formula's text
                if isinstance(text, str) and text.startswith("="):
                    called.update(re.findall(r"TRUPS_\w+", text))
                    if "TRUPS_HEDGE_REGRESSION" in text:
                        cell.value = 0.5
    assert {"TRUPS_YIELD", "TRUPS_SPREAD", "TRUPS_DISCOUNT_MARGIN", "TRUPS_HEDGE_REGRESSION"} <= called
    model.save(tmp_path / "model.xlsx")
    code = ("from pathlib import Path\nfrom trups_xl.recalc import recalculate\n"
            f"for path in ({str(ledger)!r}, {str(tmp_path / 'model.xlsx')!r}):\n"
            "    assert recalculate(Path(path)).vectorised, path")
    assert imported_after(code, {"numpy.ma", "scipy"}, tmp_path) == []


def test_a_workbook_named_by_a_string_is_read_as_one_named_by_a_path(tmp_path):
    from books import write_book

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "m.xlsx", {"A1": 2, "B1": "=A1*3"})
    assert recalculate(str(path)).values[("Sheet", "B1")] == recalculate(path).values[("Sheet", "B1")] == 6.0
