"""Ctrl-C and SIGTERM during a batch: raised at once, or noted while the pool runs and raised where its loop
looks; the pool's forkserver and workers started with Ctrl-C blocked; a stopped pool's workers ended."""

import os
import signal
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from trups_xl.recalc.interrupts import Interrupts, signals_as_interrupt, stop_pool

ROOT = Path(__file__).parents[2]


def test_a_signal_outside_the_pool_loop_is_an_interrupt_at_once():
    with pytest.raises(KeyboardInterrupt):
        Interrupts().handle(signal.SIGINT, None)


def test_a_signal_while_the_pool_runs_is_noted_and_raised_where_the_loop_looks():
    interrupts = Interrupts()
    with pytest.raises(KeyboardInterrupt), interrupts.deferred():
        interrupts.handle(signal.SIGINT, None)  # noted, not raised
        reached = True
        interrupts.check()
    assert reached and not interrupts.deferring


def test_a_signal_noted_is_raised_before_the_pool_loop_goes_on_and_not_while_it_stops():
    interrupts = Interrupts()
    with interrupts.deferred():
        interrupts.handle(signal.SIGTERM, None)
    with interrupts.deferred(check_first=False):  # stopping the pool: nothing raised halfway
        interrupts.handle(signal.SIGINT, None)
    with pytest.raises(KeyboardInterrupt), interrupts.deferred():  # the next step of the loop
        pass


def test_a_signal_the_process_was_started_with_ignored_stays_ignored():
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with signals_as_interrupt() as interrupts:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) == interrupts.handle
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_the_handlers_are_those_of_before_once_the_batch_ends():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with signals_as_interrupt() as interrupts:
        assert signal.getsignal(signal.SIGINT) == interrupts.handle
        assert signal.getsignal(signal.SIGTERM) == interrupts.handle
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_the_forkserver_and_its_workers_start_with_ctrl_c_blocked_and_this_process_does_not():
    # in a process of its own: this one's forkserver may have been started already, by another test
    script = (
        "import multiprocessing, signal\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from multiprocessing import forkserver\n"
        "from trups_xl.recalc.interrupts import start_forkserver\n"
        "context = multiprocessing.get_context('forkserver')\n"
        "start_forkserver()\n"
        "def blocked(pid):\n"
        "    line = next(l for l in open(f'/proc/{pid}/status') if l.startswith('SigBlk'))\n"
        "    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))\n"
        "with ProcessPoolExecutor(1, mp_context=context) as pool:\n"
        "    worker = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, []).result()\n"
        "print(blocked(forkserver._forkserver._forkserver_pid), signal.SIGINT in worker, blocked('self'))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False"]


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_a_stopped_pool_has_no_worker_left():
    import multiprocessing

    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver"))
    for _ in range(4):
        pool.submit(_sleep, 30)
    processes = list(pool._processes.values())
    assert processes
    stop_pool(pool)
    assert not any(p.is_alive() for p in processes)
