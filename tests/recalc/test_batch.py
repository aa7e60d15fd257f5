"""Batches: several workbooks under several scenarios on the process pool and on a real Dask cluster; a bad
workbook or scenario gets its one row and the rest complete; an interrupted run resumes."""

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from tests.books import write_book  # noqa: E402
from trups_xl.cli import main  # noqa: E402
from trups_xl.recalc.batch import run_batch  # noqa: E402
from trups_xl.recalc.journal import Journal  # noqa: E402
from trups_xl.recalc.safety import RefusedError  # noqa: E402

ROOT = Path(__file__).parents[2]


def small_model(path, principal):
    """Inputs Rate (B1) and Principal (B2); the make-whole amount on 2010-06-15 and its double as results."""
    book = write_book(path, {"A1": "rate", "B1": 0.045, "A2": "principal", "B2": principal,
                             "A4": "make-whole", "B4": "=TRUPS_MAKE_WHOLE(DATE(2010,6,15),B1)*B2/1000",
                             "B5": "=B4*2", "B6": '=IF(B4>0,"up","down")'})
    wb = openpyxl.load_workbook(book)
    from openpyxl.workbook.defined_name import DefinedName

    for name, ref in (("Rate", "Sheet!$B$1"), ("Result_MakeWhole", "Sheet!$B$4"), ("Result_Double", "Sheet!$B$5")):
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    wb.save(book)
    return book


def expected(principal, rate):
    """The same make-whole from the calculation core (what the workbook's formula should give)."""
    from trups_xl.excel import udfs

    return udfs.TRUPS_MAKE_WHOLE("2010-06-15", rate) * principal / 1000


def table(path, rows):
    path.write_text("scenario,Rate,Sheet!B2\n" + "".join(f"{n},{r},{p}\n" for n, r, p in rows))
    return path


def read_rows(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_batch_under_scenarios_on_the_pool_with_a_broken_workbook_and_a_bad_scenario(tmp_path):
    books = [small_model(tmp_path / f"m{k}.xlsx", 1000 * (k + 1)) for k in range(3)]
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    scenarios = tmp_path / "s.csv"
    scenarios.write_text("scenario,Rate,Nope!B2\nlow,0.03,\nhigh,0.06,\nbad,0.05,7\n")
    (tmp_path / "out").mkdir()
    result = run_batch([str(tmp_path / "*.xlsx")], scenarios=scenarios, outputs="Result_MakeWhole,Sheet!B5:B6",
                       output=tmp_path / "out" / "res", workers=2)
    rows = read_rows(tmp_path / "out" / "res.csv")
    broken = [r for r in rows if r["workbook"].endswith("broken.xlsx")]
    assert len(broken) == 1 and broken[0]["message"].startswith("refused: ") and "broken.xlsx" in broken[0]["message"]
    bad = [r for r in rows if r["scenario"] == "bad"]
    assert len(bad) == 3 and all(r["message"] == "input Nope!B2: the workbook has no sheet 'Nope'" for r in bad)
    for k, book in enumerate(books):
        for name, rate in (("low", 0.03), ("high", 0.06)):
            got = {r["output"]: r["value"] for r in rows if r["workbook"] == str(book) and r["scenario"] == name}
            want = expected(1000 * (k + 1), rate)
            assert float(got["Result_MakeWhole"]) == pytest.approx(want, rel=1e-12)
            assert float(got["Sheet!B5:B6 Sheet!B5"]) == pytest.approx(2 * want, rel=1e-12)
            assert got["Sheet!B5:B6 Sheet!B6"] == "up"
    assert len(rows) == 1 + 3 * (2 * 3 + 1)
    assert result.code == 1
    assert any(line.startswith("refused  ") and "broken.xlsx" in line for line in result.summary)
    assert sum(line.startswith("errors   ") and "input Nope!B2 (1)" in line for line in result.summary) == 3
    sheets = openpyxl.load_workbook(tmp_path / "out" / "res.xlsx").sheetnames
    assert sheets[0] == "Results" and "Result_MakeWhole" in sheets
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / "res.xlsx") as package:
        charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2  # the two numeric outputs; Sheet!B6 is text


def test_the_command_batch_summary_and_an_unchanged_single_recalc(tmp_path, capsys):
    book = small_model(tmp_path / "m.xlsx", 2000)
    scenarios = table(tmp_path / "s.csv", [("a", 0.04, ""), ("b", 0.05, 3000)])
    code = main(["recalc", str(book), "--scenarios", str(scenarios), "--outputs", "Result_MakeWhole",
                 "-o", str(tmp_path / "res"), "--workers", "1", "--scenario-workbooks"])
    out = capsys.readouterr().out
    assert code == 0 and out.splitlines()[0].startswith(f"ok       {book}  2 scenarios")
    rows = read_rows(tmp_path / "res.csv")
    assert [float(r["value"]) for r in rows] == pytest.approx([expected(2000, 0.04), expected(3000, 0.05)], rel=1e-12)
    copy = openpyxl.load_workbook(tmp_path / "res.workbooks" / "m--b.xlsx", data_only=True)["Sheet"]
    assert copy["B2"].value == 3000 and copy["B4"].value == pytest.approx(expected(3000, 0.05), rel=1e-12)
    assert main(["recalc", str(book), "--scenarios", str(scenarios), "-o", str(scenarios)]) == 2
    assert "is one of the inputs" in capsys.readouterr().err
    assert main(["recalc", str(book), "--scenarios", str(scenarios)]) == 2
    assert "give -o RESULTS" in capsys.readouterr().err
    assert main(["recalc", str(book)]) == 0  # one workbook, no batch flag: the values copy as before
    assert (tmp_path / "m.values.xlsx").exists()


def _watched(command: list[str]) -> subprocess.Popen[str]:
    """``command`` started in a process group of its own (its forkserver and pool workers join it), each
    process printing every thread's stack when aborted (PYTHONFAULTHANDLER)."""
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONFAULTHANDLER": "1"}, start_new_session=True)


def _signal_group(child: subprocess.Popen[str], sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:  # every process of the group has ended
        pass


def _communicate_or_stacks(child: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
    """The child's output once it has ended within ``seconds``; else its whole group is aborted and the test
    fails with the stacks they printed, so that a run that hangs says where and leaves no process behind
    (a pool worker holding the output pipe open included)."""
    try:
        return child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _signal_group(child, signal.SIGABRT)
        try:
            _out, err = child.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            _out, err = child.communicate(timeout=30)
        pytest.fail(f"the child did not end within {seconds:.0f} s of the signal; its stacks:\n{err[-8000:]}")


def test_a_child_that_does_not_end_is_aborted_with_its_stacks_and_its_group_with_it():
    # the child's own child holds the output pipe open, as a pool worker does: it is aborted too
    code = ("import subprocess, sys, time\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
            "def waiting_here():\n    time.sleep(120)\nwaiting_here()")
    child = _watched([sys.executable, "-c", code])
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match=r"(?s)did not end within 1 s.*waiting_here"):
        _communicate_or_stacks(child, 1)
    assert child.poll() is not None and time.monotonic() - started < 30


def test_an_interrupted_run_keeps_its_journal_writes_no_results_and_resumes(tmp_path):
    for k in range(32):
        small_model(tmp_path / f"m{k}.xlsx", 1000 + k)
    scenarios = table(tmp_path / "s.csv", [(f"s{j}", 0.03 + j / 1000, "") for j in range(4)])
    command = [sys.executable, "-m", "trups_xl.cli", "recalc", str(tmp_path), "--scenarios", str(scenarios),
               "-o", str(tmp_path / "res"), "--workers", "1"]
    journal = tmp_path / "res.journal.jsonl"
    child = _watched(command)
    deadline = time.monotonic() + 60
    # interrupted at the first finished workbook, so 31 are left to do (about 1.5 s of work, where 8 left
    # 0.35 s: a pause of this test's own process, a garbage collection late in a long run, let the child
    # finish them all before the signal reached it)
    while time.monotonic() < deadline and not (journal.exists() and journal.read_text().count("\n") >= 1):
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    out, err = _communicate_or_stacks(child, 60)
    kept = len(Journal(journal).finished())
    assert child.returncode == 130, (out, err)
    assert "interrupted; no results written" in err and "Traceback" not in err
    assert not (tmp_path / "res.csv").exists() and not (tmp_path / "res.xlsx").exists()
    assert 1 <= kept < 128
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"({kept} resumed from the journal)" in again.stdout
    rows = read_rows(tmp_path / "res.csv")
    assert len(rows) == 32 * 4 * 2 and len({(r["workbook"], r["scenario"], r["output"]) for r in rows}) == 256
    for r in rows:
        k, j = int(Path(r["workbook"]).stem[1:]), int(r["scenario"][1:])
        factor = 2 if r["output"] == "Result_Double" else 1
        assert float(r["value"]) == pytest.approx(factor * expected(1000 + k, 0.03 + j / 1000), rel=1e-12)
    # a workbook changed since is computed again; the others are skipped
    small_model(tmp_path / "m3.xlsx", 5000)
    third = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "(124 resumed from the journal)" in third.stdout
    [changed] = [float(r["value"]) for r in read_rows(tmp_path / "res.csv") if r["workbook"].endswith("m3.xlsx")
                 and r["scenario"] == "s0" and r["output"] == "Result_MakeWhole"]
    assert changed == pytest.approx(expected(5000, 0.03), rel=1e-12)


def _group(pid: int) -> list[int]:
    """The processes of the group ``pid`` leads."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getpgid(int(entry.name)) == pid:
                found.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the process group's members in /proc")
@pytest.mark.parametrize(("moment", "sig"), [("the forkserver starting", signal.SIGINT),
                                             ("the forkserver starting", signal.SIGTERM),
                                             ("the first result", signal.SIGINT)])
def test_a_ctrl_c_at_a_terminal_reaches_every_process_and_prints_one_line_and_no_traceback(tmp_path, moment, sig):
    # a terminal's Ctrl-C (a service manager's SIGTERM) goes to the whole process group: the command, its
    # forkserver (still importing, at the first moment: a traceback of its own until December 2026; ended by
    # SIGTERM as a worker starts) and its workers
    for k in range(32):
        small_model(tmp_path / f"m{k}.xlsx", 1000 + k)
    scenarios = table(tmp_path / "s.csv", [(f"s{j}", 0.03 + j / 1000, "") for j in range(4)])
    journal = tmp_path / "res.journal.jsonl"
    child = _watched([sys.executable, "-m", "trups_xl.cli", "recalc", str(tmp_path), "--scenarios", str(scenarios),
                      "-o", str(tmp_path / "res"), "--workers", "1"])
    deadline = time.monotonic() + 60

    def reached() -> bool:
        if moment == "the forkserver starting":  # the command, the resource tracker, the forkserver
            return len(_group(child.pid)) >= 3
        return journal.exists() and journal.read_text().count("\n") >= 1

    while time.monotonic() < deadline and not reached():
        time.sleep(0.002)
    if moment == "the forkserver starting":
        time.sleep(0.1)  # into its imports (about 0.3 s)
    _signal_group(child, sig)
    out, err = _communicate_or_stacks(child, 60)
    assert child.returncode == 130, (out, err)
    assert err.strip().splitlines() == [f"trups-xl: interrupted; no results written. Finished scenarios are kept in "
                                        f"{journal}: run the same command again to resume"]
    assert not (tmp_path / "res.csv").exists()


def test_a_ctrl_c_in_the_callers_code_between_results_stops_the_batch_at_once(tmp_path):
    from trups_xl.recalc import run_batch

    books = [small_model(tmp_path / f"m{k}.xlsx", 1000 + k) for k in range(3)]
    seen = []

    def on_result(done, total):
        seen.append(done)
        os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C while the caller's code runs: raised there, not held
        seen.append("after")

    with pytest.raises(KeyboardInterrupt):
        run_batch(books, output=tmp_path / "res", workers=1, on_result=on_result)
    assert seen == [1] and not (tmp_path / "res.csv").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _descendants(pid):
    """Processes below ``pid`` by depth (Linux /proc): {pid: depth}."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    depth = {pid: 0}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in depth and child not in depth:
                depth[child] = depth[parent] + 1
                changed = True
    return depth


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the pool's workers in /proc")
def test_a_pool_worker_killed_mid_batch_has_its_tasks_rerun_and_every_result_comes_once(tmp_path):
    books = [small_model(tmp_path / f"m{k}.xlsx", 1000 + 10 * k) for k in range(6)]
    scenarios = table(tmp_path / "s.csv", [(f"s{j}", 0.03 + j / 500, "") for j in range(12)])
    killed = []

    def kill_a_worker(done, total):
        if killed or done >= total:
            return
        workers = [p for p, d in _descendants(os.getpid()).items() if d == 2]  # forkserver -> its workers
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])

    result = run_batch([str(b) for b in books], scenarios=scenarios, outputs=["Result_MakeWhole"],
                       output=tmp_path / "res", workers=2, on_result=kill_a_worker)
    assert killed
    rows = read_rows(tmp_path / "res.csv")
    assert len(rows) == 72 == len({(r["workbook"], r["scenario"]) for r in rows})
    assert all(r["message"] == "" for r in rows), [r["message"] for r in rows if r["message"]][:3]
    for r in rows:
        k, j = int(Path(r["workbook"]).stem[1:]), int(r["scenario"][1:])
        assert float(r["value"]) == pytest.approx(expected(1000 + 10 * k, 0.03 + j / 500), rel=1e-12)
    assert result.code == 0


def test_the_progress_line_counts_scenarios_and_is_quiet_off_a_terminal(tmp_path, capsys):
    book = small_model(tmp_path / "m.xlsx", 1000)
    scenarios = table(tmp_path / "s.csv", [("a", 0.04, ""), ("b", 0.05, ""), ("c", 0.06, "")])
    run_batch([book], scenarios=scenarios, outputs="Result_MakeWhole", output=tmp_path / "r1", workers=1,
              progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "scenario/s" in err  # tqdm's done/total and rate
    run_batch([book], scenarios=scenarios, outputs="Result_MakeWhole", output=tmp_path / "r2", workers=1)
    assert capsys.readouterr().err == ""  # not a terminal (pytest captures stderr): no line


def test_a_date_an_output_holds_is_its_iso_date_in_the_results(tmp_path):
    # =A1+30 on a date: the engine's own date, written to the journal and the results as YYYY-MM-DD
    book = write_book(tmp_path / "m.xlsx", {"A1": dt.datetime(2009, 1, 31), "B1": "=A1+30"})
    scenarios = tmp_path / "s.csv"
    scenarios.write_text("scenario,Sheet!A1\nbase,\nlater,2010-01-31\n")
    result = run_batch([book], scenarios=scenarios, outputs="Sheet!B1", output=tmp_path / "res", workers=1)
    assert result.code == 0
    assert [(r["scenario"], r["value"]) for r in read_rows(tmp_path / "res.csv")] == [
        ("base", "2009-03-02"), ("later", "2010-03-02")]


def test_copies_of_two_workbooks_or_scenarios_written_to_one_file_are_refused_before_any_run(tmp_path):
    (tmp_path / "sub").mkdir()
    books = [small_model(tmp_path / "m.xlsx", 1000), small_model(tmp_path / "sub" / "m.xlsx", 2000)]
    scenarios = table(tmp_path / "s.csv", [("low", 0.03, "")])
    with pytest.raises(RefusedError, match=r"would both be written to m--low\.xlsx; rename a workbook or a scenario"):
        run_batch(books, scenarios=scenarios, output=tmp_path / "res", workers=1, scenario_workbooks=True)
    names = table(tmp_path / "n.csv", [("a b", 0.03, ""), ("a_b", 0.04, "")])
    with pytest.raises(RefusedError, match=r"under 'a b' and .* under 'a_b' would both be written to m--a_b\.xlsx"):
        run_batch(books[:1], scenarios=names, output=tmp_path / "res", workers=1, scenario_workbooks=True)
    assert not (tmp_path / "res.csv").exists() and not (tmp_path / "res.journal.jsonl").exists()


def test_a_duration_an_output_holds_is_its_days_and_a_date_input_is_keyed_apart_from_its_serial(tmp_path):
    # a [h]:mm cell read by a formula: the engine's duration, as Excel holds it (days); a scenario setting
    # 40000 and one setting 2009-07-06 (serial 40000) are two pairs, each its own result (=B1+30)
    book = write_book(tmp_path / "m.xlsx", {"A1": dt.timedelta(hours=30), "B1": 1.0, "C1": "=A1", "D1": "=B1+30"})
    numbers = tmp_path / "n.csv"
    numbers.write_text("scenario,Sheet!B1\ns1,40000\n")
    run_batch([book], scenarios=numbers, outputs="Sheet!C1,Sheet!D1", output=tmp_path / "res", workers=1)
    assert [r["value"] for r in read_rows(tmp_path / "res.csv")] == ["1.25", "40030.0"]
    dates = tmp_path / "d.csv"
    dates.write_text("scenario,Sheet!B1\ns1,2009-07-06\n")
    result = run_batch([book], scenarios=dates, outputs="Sheet!C1,Sheet!D1", output=tmp_path / "res", workers=1)
    assert result.resumed == 0
    assert [r["value"] for r in read_rows(tmp_path / "res.csv")] == ["1.25", "2009-08-05"]


def test_copy_names_that_differ_only_in_case_are_one_file_and_too_many_pairs_are_refused_first(tmp_path, monkeypatch):
    import trups_xl.recalc.batch as batch

    book = small_model(tmp_path / "m.xlsx", 1000)
    cases = table(tmp_path / "c.csv", [("Up", 0.03, ""), ("up", 0.04, "")])
    with pytest.raises(RefusedError, match=r"would both be written to m--up\.xlsx"):
        run_batch([book], scenarios=cases, output=tmp_path / "res", workers=1, scenario_workbooks=True)
    monkeypatch.setattr(batch, "MAX_PAIRS", 1)
    monkeypatch.setattr(batch, "_check_copy_names", lambda *_a: pytest.fail("names checked before the pairs"))
    with pytest.raises(RefusedError, match="2 pairs; at most 1 in one batch"):
        run_batch([book], scenarios=cases, output=tmp_path / "res", workers=1, scenario_workbooks=True)


def test_a_ctrl_c_while_the_results_are_written_leaves_the_old_pair_and_says_so(tmp_path, monkeypatch, capsys):
    # before: the .csv was moved into place before the .xlsx was written, so a Ctrl-C then left a new table
    # beside an old book while the command said no results were written
    from trups_xl.recalc import results

    book = small_model(tmp_path / "m.xlsx", 1000)
    scenarios = table(tmp_path / "s.csv", [("s0", 0.03, "")])
    (tmp_path / "res.csv").write_text("old table")
    (tmp_path / "res.xlsx").write_bytes(b"old book")

    def interrupted(_rows):
        def write(_tmp):
            raise KeyboardInterrupt
        return write

    monkeypatch.setattr(results, "_xlsx_writer", interrupted)
    assert main(["recalc", str(book), "--scenarios", str(scenarios), "-o", str(tmp_path / "res"), "--workers", "1"]) == 130
    assert "interrupted; no results written" in capsys.readouterr().err
    assert (tmp_path / "res.csv").read_text() == "old table" and (tmp_path / "res.xlsx").read_bytes() == b"old book"
