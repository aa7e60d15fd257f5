"""Small workbooks the tests write: one sheet of {cell: value}; a package with one part edited."""

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl


def write_book(path: Path, cells: dict, sheet: str = "Sheet") -> Path:
    """Save a one-sheet workbook holding ``cells`` (formulas as text, ArrayFormula objects, values)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for ref, value in cells.items():
        ws[ref] = value
    book.save(path)
    return path


def with_part(path: Path, part: str, edit: Callable[[bytes], bytes], out: Path | None = None) -> Path:
    """A copy of the package ``path`` (at ``out``, else ``edited.xlsx`` beside it) with its ``part`` passed through
    ``edit`` (XML openpyxl will not write)."""
    out = out or path.with_name("edited.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data) if info.filename == part else data)
    return out


#: A child process that runs ``trups-xl`` on its arguments after the first and writes its own peak
#: resident memory in KiB into the file its first argument names: VmHWM, which starts afresh at exec.
#: (``ru_maxrss`` keeps the peak of the process before exec, so a child of a test process that has grown
#: to 400 MB reports at least 400 MB; where there is no /proc, ``ru_maxrss`` is all there is.)
CLI_WITH_OWN_PEAK = """
import resource, sys
from pathlib import Path
from trups_xl.cli import main
try:
    code = main(sys.argv[2:])
finally:
    status = Path("/proc/self/status")
    lines = [line for line in status.read_text().splitlines() if line.startswith("VmHWM:")] if status.exists() else []
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = int(lines[0].split()[1]) if lines else (usage // 1024 if sys.platform == "darwin" else usage)
    Path(sys.argv[1]).write_text(str(peak))
sys.exit(code)
"""


def imported_after(code: str, modules: set[str], cwd: Path, unset: tuple[str, ...] = ()) -> list[str]:
    """Which of ``modules`` a fresh interpreter has imported once it has run ``code`` (this project first on its
    path, the environment variables ``unset`` removed): what a command or a cell pays for, which the test
    process, where everything is imported, cannot tell."""
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))
    probe = f"{code}\nimport sys\nprint(sorted(set({sorted(modules)!r}) & set(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return sorted(re.findall(r"'([\w.]+)'", out.stdout.strip().splitlines()[-1]))
