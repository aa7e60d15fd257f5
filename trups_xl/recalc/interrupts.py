"""Ctrl-C and SIGTERM during a batch: one line and exit code 130, never a traceback from this process, the
pool's forkserver or a worker. The handler raises KeyboardInterrupt at once, or while the pool runs notes the
signal for the pool's loop to raise between its waits (:class:`Interrupts`); the forkserver and its workers are
started with Ctrl-C blocked (:func:`start_forkserver`); a stopped pool's workers end before its queues go
(:func:`stop_pool`).
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from queue import Empty, SimpleQueue
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")


class Interrupts:
    """Ctrl-C and SIGTERM during a batch: a KeyboardInterrupt at once or, while the process pool runs
    (:meth:`deferred`), noted and raised where the pool's loop looks (:meth:`check`) between its waits. Raised
    at once there, it could land halfway through a lock's code and end the run with a traceback (``release
    unlocked lock``) instead of the one line."""

    def __init__(self) -> None:
        self.deferring = False
        self.noted = False

    def handle(self, _signum: int, _frame: FrameType | None) -> None:
        if not self.deferring:
            raise KeyboardInterrupt
        self.noted = True

    def check(self) -> None:
        if self.noted:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self, check_first: bool = True) -> Iterator[None]:
        """Note the signals inside rather than raise them (:meth:`check` raises one noted); with ``check_first``,
        one noted before is raised on entering."""
        if check_first:
            self.check()
        was = self.deferring
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = was


@contextmanager
def signals_as_interrupt() -> Iterator[Interrupts]:
    """Ctrl-C and SIGTERM stop a batch (the journal kept, no results file). A signal this process was started
    with ignored (``trups-xl ... &`` in a script) stays ignored."""
    interrupts = Interrupts()
    previous = {s: signal.signal(s, interrupts.handle) for s in (signal.SIGINT, signal.SIGTERM)
                if signal.getsignal(s) is not signal.SIG_IGN}
    try:
        yield interrupts
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


#: Seconds between the pool loop's looks for a Ctrl-C noted meanwhile (:class:`Interrupts`).
POLL_S = 0.1


def each_finished(futures: Mapping[Any, K], interrupts: Interrupts, outcome: Callable[[Any], R]
                  ) -> Iterator[tuple[K, R]]:
    """Each of ``futures`` (a pool's or a Dask client's) as it finishes, as its value in ``futures`` and
    ``outcome(future)``: taken through the futures' done-callbacks, so no wait scans them all. The waiting and
    the outcomes are inside :meth:`Interrupts.deferred`, which raises a signal noted meanwhile before the next
    wait; the caller's code between results is interrupted at once."""
    done: SimpleQueue[Any] = SimpleQueue()
    with interrupts.deferred():
        for future in futures:
            future.add_done_callback(done.put)
    left = len(futures)
    while left:
        with interrupts.deferred():
            ready = _finished_within(done)
            outcomes = [(futures[f], outcome(f)) for f in ready]
        left -= len(ready)
        yield from outcomes


def _finished_within(done: SimpleQueue[T]) -> list[T]:
    """What the done-callbacks put in ``done`` within :data:`POLL_S` seconds, the first as soon as it comes
    (none: the caller looks for a signal noted meanwhile, then waits again)."""
    try:
        found = [done.get(timeout=POLL_S)]
    except Empty:
        return []
    while True:
        try:
            found.append(done.get_nowait())
        except Empty:
            return found


def start_forkserver() -> None:
    """Start the pool's forkserver (if it is not running) with Ctrl-C blocked, a mask it and every worker it forks
    inherit: a terminal's Ctrl-C reaches the whole process group, and a worker still starting (before its
    initializer ignores Ctrl-C) or the forkserver still importing would print a traceback. This process's own Ctrl-C
    waits for the start and then reaches it. The command's (``mask_workers`` of :func:`.batch.run_batch`): a
    process has one forkserver, and every later pool of it, a Python caller's own, would keep the mask."""
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()  # first: its own start unblocks Ctrl-C in this thread
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool now: its workers ended (an interrupt does not wait for them), then its queued tasks cancelled and
    its manager thread ended. The workers end first: a worker still starting reads the pool's queues, which
    shutting the pool down removes."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:  # ended before the interpreter's exit wakes it: the exit would write to the pipe it
        manager.join(timeout=5)  # is closing, a traceback (concurrent.futures before Python 3.12)


__all__ = ["POLL_S", "Interrupts", "each_finished", "signals_as_interrupt", "start_forkserver", "stop_pool"]
