"""A batch's tasks on an existing Dask distributed scheduler (``--cluster tcp://HOST:8786`` or
``TRUPS_XL_CLUSTER``), through the optional ``cluster`` extra: each task's workbook travels with it, and a
task whose worker died runs again on another. Ctrl-C and SIGTERM are noted while Dask's own code runs and
raised between its steps, as on the process pool (:class:`.interrupts.Interrupts`); each result is taken as it
comes, through the futures' done-callbacks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from trups_xl.recalc.batch import Task, TaskResult, evaluate_task
from trups_xl.recalc.interrupts import Interrupts, each_finished
from trups_xl.recalc.safety import RefusedError

#: Seconds to wait for the Dask scheduler to answer.
CONNECT_TIMEOUT_S = 20


def dask_results(tasks: Sequence[Task], address: str, interrupts: Interrupts) -> Iterator[tuple[Task, TaskResult]]:
    """Run the tasks on the Dask scheduler at ``address``; a task whose worker died runs again on another."""
    try:
        import distributed
    except ImportError:
        raise RefusedError("--cluster needs the cluster extra: pip install 'trups-xl[cluster]'") from None
    if not tasks:
        return
    try:
        dask: Any = distributed  # its API is not fully typed
        client = dask.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)  # Ctrl-C: at once
    except (OSError, TimeoutError) as exc:
        raise RefusedError(f"--cluster {address}: no Dask scheduler answered ({type(exc).__name__}: "
                           f"{str(exc)[:120]})") from None
    futures: dict[Any, Task] = {}
    try:
        stamp = f"{time.time_ns():x}"
        with interrupts.deferred():
            futures = {client.submit(evaluate_task, task, key=f"trups-xl-{stamp}-{k}", pure=False, retries=1): task
                       for k, task in enumerate(tasks)}
        yield from each_finished(futures, interrupts, lambda future: _outcome(future, futures[future]))
    except BaseException:
        with interrupts.deferred(check_first=False):
            client.cancel(list(futures))
        raise
    finally:
        with interrupts.deferred(check_first=False):
            client.close()


def _outcome(future: Any, task: Task) -> TaskResult:
    try:
        result: TaskResult = future.result()
    except Exception as exc:  # the task failed on every worker it ran on, or the scheduler was lost: run again
        return TaskResult(scenarios=[(s, [("", None, f"the cluster could not run it ({type(exc).__name__}: "
                                                     f"{str(exc)[:120]}); run the command again")], None)
                                     for s in task.scenarios], kept=False)
    return result


__all__ = ["CONNECT_TIMEOUT_S", "dask_results"]
