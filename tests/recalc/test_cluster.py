"""A batch on a real Dask cluster: it completes when a worker is killed, an address without a scheduler is one
line, and a Ctrl-C stops it as on the process pool."""

import os
import signal
import time
from pathlib import Path

import pytest

pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from test_batch import expected, read_rows, small_model, table

from trups_xl.cli import main


@pytest.mark.cluster
def test_a_real_dask_cluster_runs_the_batch_and_survives_a_killed_worker(tmp_path, capsys):
    import threading

    distributed = pytest.importorskip("distributed")
    books = [small_model(tmp_path / f"m{k}.xlsx", 1000 + 10 * k) for k in range(6)]
    scenarios = table(tmp_path / "s.csv", [(f"s{j}", 0.03 + j / 500, "") for j in range(12)])
    journal = tmp_path / "res.journal.jsonl"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        with distributed.Client(cluster) as client:
            pids = sorted(client.run(os.getpid).values())
        assert len(pids) == 2
        killed = []

        def kill_a_worker_after_the_first_results():
            """While both workers hold tasks (the first results are in, the batch is not), one is killed."""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (journal.exists() and journal.read_text().count("\n")):
                time.sleep(0.005)
            os.kill(pids[0], signal.SIGKILL)
            killed.append(journal.read_text().count("\n"))

        killer = threading.Thread(target=kill_a_worker_after_the_first_results)
        killer.start()
        code = main(["recalc", *map(str, books), "--scenarios", str(scenarios), "--outputs", "Result_MakeWhole",
                     "-o", str(tmp_path / "res"), "--cluster", cluster.scheduler_address])
        killer.join()
    assert killed and killed[0] < 72  # killed mid-batch
    rows = read_rows(tmp_path / "res.csv")
    assert len(rows) == 6 * 12 == len({(r["workbook"], r["scenario"]) for r in rows})
    assert all(r["message"] == "" for r in rows), [r["message"] for r in rows if r["message"]][:3]
    for r in rows:
        k, j = int(Path(r["workbook"]).stem[1:]), int(r["scenario"][1:])
        assert float(r["value"]) == pytest.approx(expected(1000 + 10 * k, 0.03 + j / 500), rel=1e-12)
    summary = capsys.readouterr().out.splitlines()
    assert code == 0 and sum(line.startswith("ok       ") for line in summary) == 6


def test_no_scheduler_at_the_cluster_address_is_one_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("trups_xl.recalc.cluster.CONNECT_TIMEOUT_S", 1)
    book = small_model(tmp_path / "m.xlsx", 1000)
    code = main(["recalc", str(book), "--outputs", "Result_MakeWhole", "-o", str(tmp_path / "r"),
                 "--cluster", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("trups-xl: --cluster tcp://127.0.0.1:9: no Dask scheduler answered")


@pytest.mark.cluster
def test_a_ctrl_c_between_results_from_a_cluster_stops_the_batch_at_once(tmp_path):
    distributed = pytest.importorskip("distributed")
    from trups_xl.recalc import run_batch

    books = [small_model(tmp_path / f"m{k}.xlsx", 1000 + k) for k in range(3)]
    seen = []

    def on_result(done, _total):
        seen.append(done)
        os.kill(os.getpid(), signal.SIGINT)  # the caller's code between results: raised there
        seen.append("after")

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster:
        with pytest.raises(KeyboardInterrupt):
            run_batch(books, output=tmp_path / "res", cluster=cluster.scheduler_address, on_result=on_result)
    assert seen == [1] and not (tmp_path / "res.csv").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_pairs_the_cluster_could_not_run_are_shown_and_run_again_by_the_same_command(tmp_path, monkeypatch, capsys):
    # a lost scheduler cancels every unfinished task: their pairs were journaled as finished, so the same command
    # skipped them again and their results were lost for good
    from trups_xl.recalc import batch, cluster

    book = small_model(tmp_path / "m.xlsx", 1000)
    scenarios = table(tmp_path / "s.csv", [("s0", 0.03, ""), ("s1", 0.04, "")])

    def lost(tasks, _address, _interrupts):
        for task in tasks:
            yield task, batch.TaskResult(scenarios=[(s, [("", None, "the cluster could not run it (lost)")], None)
                                                    for s in task.scenarios], kept=False)

    monkeypatch.setattr(cluster, "dask_results", lost)
    command = ["recalc", str(book), "--scenarios", str(scenarios), "--outputs", "Result_MakeWhole",
               "-o", str(tmp_path / "res")]
    assert main([*command, "--cluster", "tcp://127.0.0.1:9"]) == 1
    assert [r["message"] for r in read_rows(tmp_path / "res.csv")] == ["the cluster could not run it (lost)"] * 2
    monkeypatch.undo()
    assert main([*command, "--workers", "1"]) == 0
    assert "resumed from the journal" not in capsys.readouterr().out
    rows = read_rows(tmp_path / "res.csv")
    assert [float(r["value"]) for r in rows] == pytest.approx([expected(1000, 0.03), expected(1000, 0.04)], rel=1e-12)
