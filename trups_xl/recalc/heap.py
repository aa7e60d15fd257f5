"""Memory a recalculation frees given back to the system as it is freed (Linux with glibc).

glibc keeps what a process frees for the process to use again, and raises its thresholds as large
buffers come and go: after a sheet part of a few MB is read and freed, the next buffers up to that
size come from the process's own heap, and what is freed between live objects there stays counted in
the process's memory. A recalculation reads and frees many such buffers (the parts, the engine's
copy, the pieces of the values copy), so its peak held up to 20 MB that nothing used (the ``ledger``
and ``saved`` models of ``bench/recalc_scale.py`` at 10,000 rows). Setting the trim threshold to
glibc's starting value stops both thresholds rising from where they are (the package's imports leave
the mapping threshold at a few hundred KB): a buffer over it is mapped on its own and unmapped when
freed, and free memory at the heap's top is returned past 128 KiB. Setting the mapping threshold back
to 128 KiB as well saved no more memory there and took about a tenth longer (each buffer over it a
mapping of fresh pages). Dask does the same for its workers (glibc's ``MALLOC_TRIM_THRESHOLD_``
variable, which is read only as a process starts).
"""

from __future__ import annotations

import ctypes
import functools
import sys

#: ``mallopt``'s parameter for the free memory at the heap's top kept before it is returned (glibc's
#: ``M_TRIM_THRESHOLD``); setting it also stops glibc raising it and the mapping threshold on their own.
M_TRIM_THRESHOLD = -1
#: The free memory at the heap's top kept, in bytes: glibc's starting value (128 KiB).
TRIM_THRESHOLD_BYTES = 128 * 1024


@functools.cache
def give_back_freed_memory() -> bool:
    """Have the C allocator return free memory at its heap's top past :data:`TRIM_THRESHOLD_BYTES` to the
    system, and stop it raising its thresholds, for the rest of this process (once; later calls change
    nothing). True where glibc took the setting; False elsewhere (another system or C library: nothing is
    changed)."""
    taken = False
    if sys.platform.startswith("linux"):
        try:
            taken = bool(ctypes.CDLL(None).mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
        except (OSError, AttributeError):  # no C library to ask, or one without mallopt
            taken = False
    return taken


__all__ = ["M_TRIM_THRESHOLD", "TRIM_THRESHOLD_BYTES", "give_back_freed_memory"]
