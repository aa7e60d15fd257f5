"""Each convention is stated once: no module outside its own divides by a year's days, steps months
with dateutil, or rolls a date to a business day by hand."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "trups_xl"
#: A year's days (360, 365, 366) as a divisor or factor in code (docstrings and comments aside).
YEAR_DAYS = re.compile(r"[/*]\s*36[056](?:\.0*)?\b|\b36[056](?:\.0*)?\s*[/*]|//\s*36[056]|\b36[056]\s*//")


def _code_lines(path: Path) -> list[str]:
    """The lines of a module outside docstrings, comments stripped."""
    out, in_doc = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        quotes = line.count('"""')
        if in_doc or quotes:
            if quotes == 1:
                in_doc = not in_doc
            continue
        out.append(re.sub(r"\"[^\"]*\"|'[^']*'", '""', line.split("#", 1)[0]))
    return out


def _modules_where(pattern: re.Pattern[str]) -> set[str]:
    return {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
            if any(pattern.search(line) for line in _code_lines(p))}


def test_day_count_denominators_are_divided_or_multiplied_in_one_module():
    assert _modules_where(YEAR_DAYS) == {"core/conventions/daycount.py"}


def test_months_and_years_are_stepped_in_one_module():
    assert _modules_where(re.compile(r"relativedelta|timedelta64\(\s*\w+\s*,\s*\"M\"|astype\(\"timedelta64\[M\]\"\)")) \
        <= {"core/conventions/stepping.py", "core/conventions/dates.py"}


def test_one_business_day_adjustment():
    """``np.busday_offset`` with a roll rule only in the adjustment and the calendars' business-day
    steps; no ``following``/``preceding`` helpers anywhere else."""
    rolls = _modules_where(re.compile(r"roll=\"(?:forward|backward|modified\w*)\"|roll=roll"))
    assert rolls <= {"core/conventions/adjust.py", "core/conventions/calendars.py"}
    assert not _modules_where(re.compile(r"def (?:following|preceding|modified_following|roll)(?:_day)?\("))


def test_the_test_finds_what_it_looks_for():
    assert YEAR_DAYS.search("x / 360.0") and YEAR_DAYS.search("360 // f") and YEAR_DAYS.search("(g - 1) * 365")
    assert not YEAR_DAYS.search("bounds=(0, 365)") and not YEAR_DAYS.search("x / 3600")
