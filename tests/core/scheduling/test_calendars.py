"""Calendars against QuantLib's independent implementations, every weekday 2007-2077."""

import datetime as dt
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.scheduling.calendars import (
    HOLIDAY_TABLE,
    LONDON,
    NEW_YORK,
    NYSE,
    US_GOVERNMENT_SECURITIES,
    BusinessCalendar,
    holiday_table_text,
    library_holidays,
)

ql = pytest.importorskip("QuantLib")

DAYS = np.arange(np.datetime64("2007-01-01"), np.datetime64("2078-01-01"))

# Deliberate differences with QuantLib's UnitedStates(GovernmentBond): SIFMA recommends a
# full close on Good Friday; QuantLib assumes an early close (open) when Good Friday is the
# first Friday of the month (payrolls day), as SIFMA chose in 2012, 2015, 2021 and 2023.
# SIFMA decides each year, so for future years we keep the full close of the `holidays`
# package, and these are the weekdays where the two disagree.
SIFMA_VS_QUANTLIB = {
    "2034-04-07", "2037-04-03", "2042-04-04", "2045-04-07", "2048-04-03", "2053-04-04",
    "2064-04-04", "2067-04-01", "2075-04-05",
}


def _disagreements(ours: BusinessCalendar, theirs: "ql.Calendar") -> set[str]:
    mine = ours.is_business_day(DAYS)
    out = set()
    for day, is_open in zip(DAYS.astype(object), mine, strict=True):
        if day.weekday() < 5 and theirs.isBusinessDay(ql.Date(day.day, day.month, day.year)) != is_open:
            out.add(day.isoformat())
    return out


@pytest.mark.parametrize(("ours", "theirs"), [
    (NEW_YORK, lambda: ql.UnitedStates(ql.UnitedStates.FederalReserve)),
    (NYSE, lambda: ql.UnitedStates(ql.UnitedStates.NYSE)),
    (LONDON, lambda: ql.UnitedKingdom(ql.UnitedKingdom.Settlement)),
], ids=["new_york", "nyse", "london"])
def test_agrees_with_quantlib_on_every_weekday(ours, theirs):
    assert _disagreements(ours, theirs()) == set()


def test_us_government_securities_differs_from_quantlib_only_on_listed_good_fridays():
    assert _disagreements(US_GOVERNMENT_SECURITIES,
                          ql.UnitedStates(ql.UnitedStates.GovernmentBond)) == SIFMA_VS_QUANTLIB


@pytest.mark.parametrize(("calendar", "day", "is_open"), [
    (NEW_YORK, "2022-06-20", False),  # Juneteenth (Sunday) observed Monday, first year
    (NEW_YORK, "2021-06-18", True),  # Juneteenth 2021 fell on Saturday: not moved
    (NEW_YORK, "2010-12-24", True),  # Christmas on Saturday: the Fed does not close Friday
    (NEW_YORK, "2012-04-06", True),  # Good Friday: banks open
    (NYSE, "2012-04-06", False),  # Good Friday: NYSE closed
    (NYSE, "2012-10-29", False),  # Hurricane Sandy
    (NYSE, "2018-12-05", False),  # President Bush's funeral
    (NYSE, "2025-01-09", False),  # President Carter's funeral
    (LONDON, "2011-04-29", False),  # royal wedding
    (LONDON, "2022-09-19", False),  # state funeral
    (LONDON, "2023-05-08", False),  # coronation
])
def test_one_off_and_observance_days(calendar, day, is_open):
    assert bool(calendar.is_business_day(np.datetime64(day))) is is_open


def test_user_closures_are_added_without_touching_the_default():
    day = dt.date(2045, 3, 15)
    closed = NEW_YORK.with_closures([day])
    assert not closed.is_business_day(np.datetime64(day))
    assert NEW_YORK.is_business_day(np.datetime64(day))
    assert closed.following(np.datetime64(day)) == np.datetime64("2045-03-16")


def test_closures_file_from_environment(tmp_path, monkeypatch):
    from trups_xl.core.scheduling import calendars

    path = tmp_path / "closures.csv"
    path.write_text("calendar,date\nnew_york,2045-03-15\n", encoding="utf-8")
    monkeypatch.setenv(calendars.CLOSURES_ENV, str(path))
    calendars.reload_closures()
    try:
        assert not BusinessCalendar("new_york").is_business_day(np.datetime64("2045-03-15"))
        path.write_text("new_york,15/03/2045\n", encoding="utf-8")
        calendars._env_closures.cache_clear()
        with pytest.raises(TrupsInputError, match="line 1"):
            calendars._env_closures()
    finally:
        monkeypatch.delenv(calendars.CLOSURES_ENV)
        calendars.reload_closures()


@pytest.mark.parametrize(("text", "said"), [
    ("new_york," + "9" * 200_000 + "\n", "not a CSV of calendar,YYYY-MM-DD rows"),
    ("new_york,20090622\n", "'20090622' is not a YYYY-MM-DD date"),
    ("new_york,2009W261\n", "'2009W261' is not a YYYY-MM-DD date"),
])
def test_a_closures_file_of_junk_is_one_error_naming_the_file(tmp_path, monkeypatch, text, said):
    """Every cell then answers one #TRUPS! line naming TRUPS_XL_CLOSURES, never a defect."""
    from trups_xl.core.scheduling import calendars
    from trups_xl.excel import udfs

    path = tmp_path / "closures.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(calendars.CLOSURES_ENV, str(path))
    calendars.reload_closures()
    try:
        with pytest.raises(TrupsInputError, match=said.replace("(", r"\(")):
            calendars._env_closures()
        answer = udfs.TRUPS_REDEMPTION_PAYMENT_DATE("2010-01-05")
        assert answer.startswith("#TRUPS! TRUPS_XL_CLOSURES:") and said in answer, answer
    finally:
        monkeypatch.delenv(calendars.CLOSURES_ENV)
        calendars.reload_closures()


def test_advance_counts_business_days_strictly_before():
    # 2037-12-21 is a Monday: the 2nd London banking day before is Thursday 2037-12-17.
    assert LONDON.advance(np.datetime64("2037-12-21"), -2) == np.datetime64("2037-12-17")
    # from a Sunday, the 1st business day before is the Friday.
    assert NEW_YORK.advance(np.datetime64("2008-12-21"), -1) == np.datetime64("2008-12-19")


def test_outside_covered_years_is_refused():
    with pytest.raises(TrupsInputError):
        NEW_YORK.is_business_day(np.datetime64("2099-01-04"))


def test_the_shipped_holiday_table_is_what_the_holidays_package_gives():
    """The add-in reads trups_xl/data/holidays.csv; the installed ``holidays`` package must produce
    exactly that file (else run scripts/build_holidays.py and review the diff)."""
    pytest.importorskip("holidays")
    shipped = resources.files("trups_xl").joinpath("data", HOLIDAY_TABLE).read_text(encoding="utf-8")
    regenerated = holiday_table_text(library_holidays())
    assert shipped == regenerated


def test_a_cells_first_call_does_not_import_the_holidays_package():
    code = ("import sys; import trups_xl.excel.udfs as u; "
            "assert u.TRUPS_COUPON('2038-03-21', 0.05) > 0 and u.TRUPS_APM_WINDOW('2012-04-09'); "
            "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("calendar", [NEW_YORK, LONDON, NYSE, US_GOVERNMENT_SECURITIES], ids=lambda c: c.name)
def test_one_date_rules_equal_the_array_rules_on_every_day(calendar):
    """A cell's call rolls one Python date; every day 2007-2077 must roll as the numpy path rolls it."""
    days = DAYS.astype(object)
    assert [calendar.is_open(d) for d in days] == calendar.is_business_day(DAYS).tolist()
    assert [calendar.following_day(d) for d in days] == calendar.following(DAYS).astype(object).tolist()
    assert [calendar.preceding_day(d) for d in days] == calendar.preceding(DAYS).astype(object).tolist()
    for count in (-3, -2, -1, 0, 1, 2):
        sample = DAYS[::7] if count else DAYS[::3]
        expected = calendar.advance(sample, count).astype(object).tolist()
        assert [calendar.advance_day(d, count) for d in sample.astype(object)] == expected, count


def test_one_date_outside_the_tables_is_refused():
    with pytest.raises(TrupsInputError, match="calendars cover"):
        NEW_YORK.following_day(dt.date(2090, 1, 1))
