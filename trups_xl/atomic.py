"""Files written whole or not at all: a temporary file in the target's folder, moved into place."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class NotARegularFileError(OSError):
    """The target exists and is not a regular file (a FIFO, a device, a socket): never replaced."""


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file in the target's folder and move it into place only when
    it succeeded; on any failure (a signal included) the temporary file is removed and the target
    is untouched. An existing target that is not a regular file is refused, never replaced."""
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise NotARegularFileError(f"{target} exists and is not a regular file")
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
