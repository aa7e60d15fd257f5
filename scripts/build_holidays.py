"""Regenerate trups_xl/data/holidays.csv (1970-2100) from the installed ``holidays`` package and the
rules of the years it lacks (trups_xl/core/conventions/holiday_history.py).

The add-in reads the holiday tables from that file (fast on a cell's first call); the package and
the rules stay their source. tests/core/scheduling/test_calendars.py regenerates the table and fails
when the shipped file differs: run this script after upgrading ``holidays`` or changing the rules,
look at the diff, and commit it.
Run: python scripts/build_holidays.py
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from trups_xl.atomic import write_atomically
from trups_xl.core.conventions.calendars import HOLIDAY_TABLE, holiday_table_text, library_holidays

target = Path(__file__).resolve().parents[1] / "trups_xl" / "data" / HOLIDAY_TABLE
text = holiday_table_text(library_holidays())
write_atomically(target, lambda path: path.write_text(text, encoding="utf-8"))
print(f"{target}: {text.count(chr(10)) - 1} holidays from holidays {version('holidays')}")
