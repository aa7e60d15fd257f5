"""Files written whole or not at all: a temporary file in the target's folder, moved into place."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path


class NotARegularFileError(OSError):
    """The target exists and is not a regular file (a FIFO, a device, a socket): never replaced."""


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file in the target's folder and move it into place only when
    it succeeded; on any failure (a signal included) the temporary file is removed and the target
    is untouched. An existing target that is not a regular file is refused, never replaced."""
    write_atomically_together([(target, write)])


def write_atomically_together(files: Sequence[tuple[Path, Callable[[Path], None]]],
                              moving: Callable[[], AbstractContextManager[object]] = nullcontext) -> None:
    """:func:`write_atomically` for files that belong together (a results table as .csv and .xlsx): each is
    written to its temporary file, and only when every one is written are they moved into place, one after
    the other, inside ``moving`` (a caller holds Ctrl-C off there: the files are whole, and one left
    unmoved would pair a new file with an old one). On any failure before, none is moved."""
    for target, _write in files:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            raise NotARegularFileError(f"{target} exists and is not a regular file")
    written: list[tuple[Path, Path]] = []
    try:
        umask = os.umask(0)
        os.umask(umask)
        for target, write in files:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(fd)
            written.append((Path(name), target))
            write(Path(name))
            os.chmod(name, 0o666 & ~umask)
        with moving():
            for tmp, target in written:
                os.replace(tmp, target)
    except BaseException:
        for tmp, _target in written:
            tmp.unlink(missing_ok=True)
        raise
