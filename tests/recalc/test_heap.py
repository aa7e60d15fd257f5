"""The memory a recalculation frees is given back to the system (trups_xl.recalc.heap)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from trups_xl.recalc import heap

_LINUX = sys.platform.startswith("linux")
_GLIBC = _LINUX and platform.libc_ver()[0] == "glibc"

#: In a fresh process: the setting made or not, a 4 MB buffer made and freed (glibc then raises its
#: thresholds and takes buffers up to that size from its heap, unless the setting stopped it), fifty 2 MB
#: buffers made between small objects that stay, then freed; prints the resident MB freed.
_PROBE = textwrap.dedent("""
    import sys
    from trups_xl.recalc.heap import give_back_freed_memory
    def rss():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    if sys.argv[1] == "give":
        give_back_freed_memory()
    first = bytes(4 << 20)
    del first
    kept, buffers = [], []
    for _ in range(50):
        buffers.append(bytearray(2 << 20))
        kept.append(bytearray(1000))
    before = rss()
    del buffers
    print(before - rss())
""")


def _freed_mb(mode: str) -> int:
    # glibc's own variables left out: a Dask cluster started in this process sets MALLOC_TRIM_THRESHOLD_
    # in its environment (for its workers, to the same end), which the probe would inherit
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True, env=env)
    return int(done.stdout)


@pytest.mark.skipif(not _GLIBC, reason="glibc's allocator")
def test_freed_buffers_leave_the_process() -> None:
    assert _freed_mb("give") >= 90  # the 100 MB of buffers
    assert _freed_mb("keep") < 20  # without it, glibc keeps them: what the setting is for


def test_setting_is_taken_once() -> None:
    first = heap.give_back_freed_memory()
    assert heap.give_back_freed_memory() is first
    if _GLIBC:
        assert first is True
