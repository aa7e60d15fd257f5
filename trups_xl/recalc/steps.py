"""Where a recalculation's time goes, step by step: each step's own seconds (a step inside another, the
engine's evaluation inside the runs, counts for itself alone), recorded only while :func:`recording` is
active (the bench's table of steps per row); outside it a step costs one lookup.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

#: The steps, in the order a recalculation takes them: the package checked; scanned (the formula cells read, the
#: sheets screened); the runs planned; the engine's copy written, its functions registered and its formulas
#: listed (its load by the engine counted apart); the runs made (the engine's evaluations counted apart); the
#: results read back; the values copy written.
STEPS = ("check", "scan", "plan", "engine copy", "engine load", "runs", "engine evaluation", "read back",
         "values copy")
#: The time of a recording spent in no step (the command's own lines, its summary).
OUTSIDE = "outside the steps"


class Recording:
    """Each step's own seconds, and the time spent in none (:data:`OUTSIDE`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys((*STEPS, OUTSIDE), 0.0)
        self._open: list[str] = []
        self._since = time.perf_counter()

    def _switch(self, to: str | None) -> None:
        """The time since the last switch given to the step open until now; then ``to`` opened (None: the
        innermost step closed)."""
        now = time.perf_counter()
        current = self._open[-1] if self._open else OUTSIDE
        self.seconds[current] += now - self._since
        self._since = now
        if to is None:
            self._open.pop()
        else:
            self._open.append(to)

    def close(self) -> None:
        """The time since the last step closed, given to :data:`OUTSIDE`."""
        now = time.perf_counter()
        self.seconds[OUTSIDE] += now - self._since
        self._since = now


_recording: Recording | None = None


@contextmanager
def recording() -> Iterator[Recording]:
    """Record the steps of what runs inside (one recording at a time in the process: a recalculation in another
    thread meanwhile would be counted in it; the bench runs one command a process)."""
    global _recording
    if _recording is not None:
        raise RuntimeError("a recording of the steps is already under way")
    _recording = Recording()
    try:
        yield _recording
    finally:
        _recording.close()
        _recording = None


@contextmanager
def step(name: str) -> Iterator[None]:
    """Count the time inside as step ``name``'s (one of :data:`STEPS`), when a recording is active."""
    current = _recording
    if current is None:
        yield
        return
    if name not in STEPS:
        raise ValueError(f"{name!r} is not a step; the steps are {', '.join(STEPS)}")
    current._switch(name)
    try:
        yield
    finally:
        current._switch(None)


__all__ = ["OUTSIDE", "STEPS", "Recording", "recording", "step"]
