"""Small workbooks the tests write: one sheet of {cell: value}."""

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
