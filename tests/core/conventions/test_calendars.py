"""Calendars against QuantLib's independent implementations, every day 1970-2100."""

import datetime as dt
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from books import imported_after

from trups_xl.core.conventions.adjust import FOLLOWING, adjust
from trups_xl.core.conventions.calendars import (
    HOLIDAY_TABLE,
    LONDON,
    NEW_YORK,
    NYSE,
    US_GOVERNMENT_SECURITIES,
    BusinessCalendar,
    holiday_table_text,
    library_holidays,
)
from trups_xl.core.errors import TrupsInputError

ql = pytest.importorskip("QuantLib")

DAYS = np.arange(np.datetime64("1970-01-01"), np.datetime64("2101-01-01"))

_MLK_SIGNED = "QuantLib starts Martin Luther King Jr. Day in 1983, when it was enacted; first observed 1986"
_GOOD_FRIDAY = ("SIFMA recommends a full close on Good Friday and decides each year; QuantLib assumes an "
                "early close (open) when Good Friday is the first Friday of the month (payrolls day), as "
                "SIFMA chose in 2012, 2015, 2021 and 2023; for future years we keep the full close of "
                "the holidays package")
_NEW_YEAR_1974 = "New Year's Day is an England bank holiday from 1974; QuantLib has it every year"
_MAY_DAY_1978 = "the Early May bank holiday starts in 1978; QuantLib has it every year"

#: Every weekday, 1970-2100, where a calendar and QuantLib's matching one disagree, and why.
#: "closed" / "open": what ours says. Anything not listed fails the test.
KNOWN_DIFFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "new_york": {  # QuantLib UnitedStates(FederalReserve)
        "1970-05-29": ("open", "Memorial Day fell on Saturday May 30, 1970: the Federal Reserve does not move a "
                               "Saturday holiday; QuantLib moves it to Friday"),
        "1983-01-17": ("open", _MLK_SIGNED), "1984-01-16": ("open", _MLK_SIGNED),
        "1985-01-21": ("open", _MLK_SIGNED),
    },
    "nyse": {},  # QuantLib UnitedStates(NYSE): identical, one-off closures included
    "us_government_securities": {  # QuantLib UnitedStates(GovernmentBond)
        "1983-01-17": ("open", _MLK_SIGNED), "1984-01-16": ("open", _MLK_SIGNED),
        "1985-01-21": ("open", _MLK_SIGNED),
        "1996-04-05": ("closed", "Good Friday 1996: the holidays package's full close (SIFMA's historical "
                                 "recommendations); QuantLib assumes the payrolls-day early close"),
        "2001-09-12": ("closed", "the bond market stayed closed on September 12, 2001 (the holidays "
                                 "package, citing Treasury's release); QuantLib has it open"),
        **{day: ("closed", _GOOD_FRIDAY) for day in (
            "2034-04-07", "2037-04-03", "2042-04-04", "2045-04-07", "2048-04-03", "2053-04-04", "2064-04-04",
            "2067-04-01", "2075-04-05", "2078-04-01", "2080-04-05", "2083-04-02", "2089-04-01", "2091-04-06",
            "2094-04-02")},
    },
    "london": {  # QuantLib UnitedKingdom(Settlement): England & Wales bank holidays
        **{day: ("open", _NEW_YEAR_1974) for day in ("1970-01-01", "1971-01-01", "1972-01-03", "1973-01-01")},
        **{day: ("open", _MAY_DAY_1978) for day in (
            "1970-05-04", "1971-05-03", "1972-05-01", "1973-05-07", "1974-05-06", "1975-05-05", "1976-05-03",
            "1977-05-02")},
        "1973-11-14": ("closed", "special bank holiday: the wedding of Princess Anne; not in QuantLib"),
        "1977-06-07": ("closed", "special bank holiday: the Silver Jubilee; not in QuantLib"),
        "1981-07-29": ("closed", "special bank holiday: the wedding of the Prince of Wales; not in QuantLib"),
    },
}

QUANTLIB = {
    "new_york": lambda: ql.UnitedStates(ql.UnitedStates.FederalReserve),
    "nyse": lambda: ql.UnitedStates(ql.UnitedStates.NYSE),
    "us_government_securities": lambda: ql.UnitedStates(ql.UnitedStates.GovernmentBond),
    "london": lambda: ql.UnitedKingdom(ql.UnitedKingdom.Settlement),
}


def _disagreements(ours: BusinessCalendar, theirs: "ql.Calendar") -> dict[str, str]:
    mine = ours.is_business_day(DAYS)
    weekday = np.is_busday(DAYS)
    serials = (DAYS - np.datetime64("1899-12-30")).astype(np.int64)  # QuantLib's date serial numbers
    their_open = np.fromiter((theirs.isBusinessDay(ql.Date(int(n))) for n in serials), dtype=bool,
                             count=serials.size)
    differ = weekday & (mine != their_open)
    return {str(day): "open" if is_open else "closed" for day, is_open in zip(DAYS[differ], mine[differ], strict=True)}


@pytest.mark.parametrize("name", list(QUANTLIB))
def test_every_day_1970_2100_agrees_with_quantlib_but_the_listed_differences(name):
    expected = {day: said for day, (said, _reason) in KNOWN_DIFFERENCES[name].items()}
    assert _disagreements(BusinessCalendar(name), QUANTLIB[name]()) == expected


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
    # the early years, from the rules of each year and the closures on record
    (NEW_YORK, "1985-01-21", True),  # no Martin Luther King Jr. Day before 1986
    (NEW_YORK, "1986-01-20", False),  # its first observance
    (NEW_YORK, "1975-10-27", False),  # Veterans Day, the fourth Monday of October 1971-1977
    (NEW_YORK, "1975-11-11", True),
    (NEW_YORK, "1978-11-10", True),  # Veterans Day 1978 (Saturday): not moved
    (NEW_YORK, "1997-12-26", True),  # Federal Reserve: open the day after Christmas
    (NEW_YORK, "1998-01-19", False),  # Martin Luther King Jr. Day
    (US_GOVERNMENT_SECURITIES, "1993-04-09", False),  # Good Friday
    (US_GOVERNMENT_SECURITIES, "1993-12-24", False),  # Christmas on Saturday: closed Friday
    (NEW_YORK, "1993-12-24", True),  # ... the Fed open
    (NYSE, "1977-07-14", False),  # New York City blackout
    (NYSE, "1985-09-27", False),  # Hurricane Gloria
    (NYSE, "1994-04-27", False),  # President Nixon's funeral
    *[(NYSE, f"2001-09-{d}", False) for d in (11, 12, 13, 14)],  # September 11
    (NYSE, "2004-06-11", False),  # President Reagan's funeral
    (NYSE, "2007-01-02", False),  # President Ford's funeral
    (LONDON, "1970-05-25", False),  # Spring holiday 1970 (royal proclamation)
    (LONDON, "1970-05-18", True),  # ... in place of Whit Monday
    (LONDON, "1974-01-01", False),  # New Year's Day, first year
    (LONDON, "1977-05-02", True),  # no May Day before 1978
    (LONDON, "1978-05-01", False),  # the first May Day bank holiday
    (LONDON, "1999-12-31", False),  # millennium
    (LONDON, "2002-06-03", False), (LONDON, "2002-06-04", False),  # Golden Jubilee
    (LONDON, "2012-06-04", False), (LONDON, "2012-06-05", False),  # Diamond Jubilee
    (LONDON, "2022-06-02", False), (LONDON, "2022-06-03", False),  # Platinum Jubilee
])
def test_one_off_and_observance_days(calendar, day, is_open):
    assert bool(calendar.is_business_day(np.datetime64(day))) is is_open


def test_user_closures_are_added_without_touching_the_default():
    day = dt.date(2045, 3, 15)
    closed = NEW_YORK.with_closures([day])
    assert not closed.is_business_day(np.datetime64(day))
    assert NEW_YORK.is_business_day(np.datetime64(day))
    assert adjust(np.datetime64(day), FOLLOWING, closed) == np.datetime64("2045-03-16")


def test_closures_file_from_environment(tmp_path, monkeypatch):
    from trups_xl.core.conventions import calendars

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


def test_a_joint_calendar_takes_the_closures_of_a_file_read_again(tmp_path, monkeypatch):
    # the payment-delay days (New York and U.S. Government Securities both) after TRUPS_XL_CLOSURES
    # names a day the second market closes: read again, the joint calendar is closed on it too
    from trups_xl.core.conventions import calendars
    from trups_xl.core.scheduling.schedule import payment_delay_calendar

    day = dt.date(2045, 3, 15)
    assert payment_delay_calendar().is_open(day)
    path = tmp_path / "closures.csv"
    path.write_text("calendar,date\nus_government_securities,2045-03-15\n", encoding="utf-8")
    monkeypatch.setenv(calendars.CLOSURES_ENV, str(path))
    calendars.reload_closures()
    try:
        assert not US_GOVERNMENT_SECURITIES.is_open(day) and NEW_YORK.is_open(day)
        assert not payment_delay_calendar().is_open(day)
        assert not payment_delay_calendar().is_business_day(np.datetime64(day))
    finally:
        monkeypatch.delenv(calendars.CLOSURES_ENV)
        calendars.reload_closures()
    assert payment_delay_calendar().is_open(day)


@pytest.mark.parametrize(("text", "said"), [
    ("new_york," + "9" * 200_000 + "\n", "not a CSV of calendar,YYYY-MM-DD rows"),
    ("new_york,20090622\n", "'20090622' is not a YYYY-MM-DD date"),
    ("new_york,2009W261\n", "'2009W261' is not a YYYY-MM-DD date"),
])
def test_a_closures_file_of_junk_is_one_error_naming_the_file(tmp_path, monkeypatch, text, said):
    """Every cell then answers one #TRUPS! line naming TRUPS_XL_CLOSURES, never a defect."""
    from trups_xl.core.conventions import calendars
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
    with pytest.raises(TrupsInputError, match="2101-01-04 is after 2100-12-31, the last date the calendars cover"):
        NEW_YORK.is_business_day(np.datetime64("2101-01-04"))
    with pytest.raises(TrupsInputError, match="1969-12-31 is before 1970-01-01, the first date the calendars"):
        NEW_YORK.is_business_day(np.array(["1969-12-31", "1980-01-01"], dtype="datetime64[D]"))


def test_the_shipped_holiday_table_is_what_the_holidays_package_gives():
    """The add-in reads trups_xl/data/holidays.csv; the installed ``holidays`` package must produce
    exactly that file (else run scripts/build_holidays.py and review the diff)."""
    pytest.importorskip("holidays")
    shipped = resources.files("trups_xl").joinpath("data", HOLIDAY_TABLE).read_text(encoding="utf-8")
    regenerated = holiday_table_text(library_holidays())
    assert shipped == regenerated


@pytest.mark.parametrize("calendar", [NEW_YORK, LONDON, NYSE, US_GOVERNMENT_SECURITIES], ids=lambda c: c.name)
def test_each_calendar_holds_its_rows_of_the_shipped_table_and_the_closures_added(calendar):
    """Each calendar reads only its own rows of the table: they must be all of them, read here as a whole
    table; a closure given twice, or on a weekend or a holiday, closes the day once."""
    import csv

    text = resources.files("trups_xl").joinpath("data", HOLIDAY_TABLE).read_text(encoding="utf-8")
    rows = [dt.date.fromisoformat(row["date"]) for row in csv.DictReader(text.splitlines())
            if row["calendar"] == calendar.name]
    assert calendar.holidays() == tuple(sorted(set(rows))) and len(rows) > 1000
    added = (dt.date(2045, 3, 15), dt.date(2045, 3, 15), dt.date(2045, 3, 18), rows[-1])
    closed = calendar.with_closures(added)
    weekdays = np.array(sorted({*rows, *added}), dtype="datetime64[D]")
    assert closed.busdaycalendar.holidays.tolist() == weekdays[np.is_busday(weekdays)].tolist()
    assert [closed.is_open(d) for d in added] == [False] * 4


def test_a_cells_first_call_does_not_import_the_holidays_package():
    code = ("import trups_xl.excel.udfs as u\n"
            "assert u.TRUPS_COUPON('2038-03-21', 0.05) > 0 and u.TRUPS_APM_WINDOW('2012-04-09')")
    assert imported_after(code, {"holidays"}, Path(__file__).parent) == []


@pytest.mark.parametrize("calendar", [NEW_YORK, LONDON, NYSE, US_GOVERNMENT_SECURITIES], ids=lambda c: c.name)
def test_one_date_rules_equal_the_array_rules_on_every_day(calendar):
    """A cell's call rolls one Python date; every day 1970-2100 must roll as the numpy path rolls it."""
    inner = DAYS[10:-10]  # rolls from the first and last days would leave the calendars
    days = inner.astype(object)
    assert [calendar.is_open(d) for d in days] == calendar.is_business_day(inner).tolist()
    for count in (-3, -2, -1, 0, 1, 2):
        sample = inner[::7] if count else inner[::3]
        expected = calendar.advance(sample, count).astype(object).tolist()
        assert [calendar.advance_day(d, count) for d in sample.astype(object)] == expected, count


def test_one_date_outside_the_tables_is_refused():
    with pytest.raises(TrupsInputError, match="2101-01-01 is after 2100-12-31, the last date the calendars"):
        adjust(dt.date(2101, 1, 1), FOLLOWING, NEW_YORK)
