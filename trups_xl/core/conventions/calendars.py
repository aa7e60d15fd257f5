"""Business-day calendars 1970-2100, from the maintained ``holidays`` package and the rules of each year.

Which calendar serves which rule (prospectus pages; docs/TERMS.md "Calendars"):

* ``new_york`` — payment, record and redemption-payment dates (p.21, p.41): days on which
  New York banks are open. The Federal Reserve (``XFED``) schedule: Sunday holidays are
  observed on Monday, Saturday holidays are not moved, Juneteenth from 2022.
* ``london`` — LIBOR determination dates (p.41): England & Wales bank holidays,
  one-off days included (royal wedding 2011-04-29, jubilees, 2022-09-19, 2023-05-08).
* ``nyse`` — APM closing prices (p.46): NYSE trading days (Good Friday, special closures).
* ``us_government_securities`` — the "trading day" of the Treasury price (p.39).
  **Interpretation**: the US government securities market's days (SIFMA full closures).

The holiday tables are data (``trups_xl/data/holidays.csv``), generated from ``holidays`` by
``scripts/build_holidays.py`` for 1970-2100 (the years ``holidays`` lacks from the rules of each
year, :mod:`~trups_xl.core.conventions.holiday_history`); a test regenerates them and requires the shipped file
to be identical. Reading them costs ~2 ms where importing and running ``holidays`` on the first
cell's call cost ~150 ms (its financial package imports every market and country it knows).

No calendar can know future one-off closures: :meth:`BusinessCalendar.with_closures`
adds them, and the file named by the environment variable ``TRUPS_XL_CLOSURES`` (CSV
rows ``calendar,YYYY-MM-DD``) adds them to the default calendars everywhere, Excel
included.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt

from trups_xl.core.errors import TrupsInputError

#: Years for which holiday tables are built: the instrument's life plus a margin for
#: adjustments past the final repayment date.
FIRST_YEAR = 1970
LAST_YEAR = 2100
#: The first and last day the calendars cover. Later days are refused, not guessed: no source has
#: the holidays after 2100 (``holidays`` stops there) and a TruPS schedule needs none.
FIRST_DAY = dt.date(FIRST_YEAR, 1, 1)
LAST_DAY = dt.date(LAST_YEAR, 12, 31)
_COVERED = (FIRST_DAY, LAST_DAY)


def outside_calendars(day: dt.date) -> str | None:
    """Why ``day`` is outside the calendars (to follow the name of the term or argument that holds
    it: ``"issue_date: 1900-10-15 is before 1970-01-01, ..."``), or ``None`` when it is inside."""
    if day < FIRST_DAY:
        return f"{day.isoformat()} is before {FIRST_DAY.isoformat()}, the first date the calendars cover"
    if day > LAST_DAY:
        return f"{day.isoformat()} is after {LAST_DAY.isoformat()}, the last date the calendars cover"
    return None


def _not_covered(day: dt.date) -> TrupsInputError:
    """A day a calculation needs (a roll, a fixing date) beyond the calendars: every term and argument
    date is checked at the edge, so only a date derived from the security's terms gets here."""
    return TrupsInputError(f"a date its schedule needs, {outside_calendars(day)}", "security")

#: Calendar name -> (holidays loader, description).
CALENDAR_SOURCES: dict[str, tuple[str, str]] = {
    "new_york": ("XFED", "New York banking days (Federal Reserve holiday schedule)"),
    "london": ("GB-ENG", "London banking days (England & Wales bank holidays)"),
    "nyse": ("XNYS", "NYSE trading days"),
    "us_government_securities": ("SIFMA", "US government securities market days (SIFMA)"),
}

#: Environment variable naming a CSV of extra closures: ``calendar,YYYY-MM-DD`` per row.
CLOSURES_ENV = "TRUPS_XL_CLOSURES"
#: Largest closures file read (a few thousand rows is already decades of one-off closures).
MAX_CLOSURES_BYTES = 1_000_000

DateArray = npt.NDArray[np.datetime64]


#: The shipped holiday tables (calendar, date, holiday name), generated from ``holidays``.
HOLIDAY_TABLE = "holidays.csv"
HOLIDAY_TABLE_HEADER = ["calendar", "date", "holiday"]


def library_holidays() -> list[tuple[str, dt.date, str]]:
    """(calendar, date, name) of every holiday of :data:`CALENDAR_SOURCES`, :data:`FIRST_YEAR`..
    :data:`LAST_YEAR`, sorted: what ``holidays.csv`` must hold (regenerate it with
    ``scripts/build_holidays.py``). ``holidays`` gives the years it has; the earlier years of the
    Federal Reserve (before 1999) and SIFMA (before 1996) come from the rules of each year, and a few
    days ``holidays`` has wrong are corrected
    (:mod:`~trups_xl.core.conventions.holiday_history`). Needs ``holidays`` (the test extra)."""
    import holidays  # the test extra: the runtime reads the generated table

    from trups_xl.core.conventions import holiday_history as history

    years = range(FIRST_YEAR, LAST_YEAR + 1)
    rows = []
    for name, (code, _) in CALENDAR_SOURCES.items():
        package_years = range(max(FIRST_YEAR, history.PACKAGE_FIRST_YEAR[name]), LAST_YEAR + 1)
        if code == "GB-ENG":
            table = holidays.country_holidays("GB", subdiv="ENG", years=package_years)
        else:
            table = holidays.financial_holidays(code, years=package_years)
        found = {day: table[day] for day in table if day.year in package_years}
        found |= dict(history.rule_holidays(name, years))
        rows += [(name, day, holiday) for day, holiday in history.corrected(name, found, years).items()]
    return sorted(rows)


def holiday_table_text(rows: Iterable[tuple[str, dt.date, str]]) -> str:
    """The CSV text of ``holidays.csv`` for ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HOLIDAY_TABLE_HEADER)
    writer.writerows((name, day.isoformat(), holiday) for name, day, holiday in rows)
    return out.getvalue()


@functools.cache
def _shipped_table() -> tuple[str, ...]:
    """The lines of the shipped holiday table, read once."""
    return tuple(resources.files("trups_xl").joinpath("data", HOLIDAY_TABLE).read_text(encoding="utf-8").splitlines())


@functools.cache
def _source_days(name: str) -> DateArray:
    """The holidays of one calendar from the shipped table, as sorted days: only that calendar's rows are
    parsed, and the days go to numpy as their ISO text (a tenth of the time of the whole table as dates)."""
    prefix = f"{name},"
    rows = csv.reader(line for line in _shipped_table() if line.startswith(prefix))
    return np.sort(np.array([day for _, day, _ in rows], dtype="datetime64[D]"))  # each day once: a dict's keys


@dataclass(frozen=True)
class BusinessCalendar:
    """A weekday calendar less the holidays of one market, plus any added closures.

    Parameters
    ----------
    name : str
        One of :data:`CALENDAR_SOURCES`.
    extra_closures : tuple of datetime.date
        Closures added by the user (unforeseeable one-off days).
    """

    name: str
    extra_closures: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        if self.name not in CALENDAR_SOURCES:
            raise TrupsInputError(f"unknown calendar {self.name!r}; accepted: {', '.join(CALENDAR_SOURCES)}", "calendar")

    @property
    def description(self) -> str:
        """What the calendar is."""
        return CALENDAR_SOURCES[self.name][1]

    def holidays(self) -> tuple[dt.date, ...]:
        """Every weekday closure, source holidays and added closures, sorted."""
        return _holidays(self.name, self.extra_closures)

    def with_closures(self, closures: Iterable[dt.date]) -> BusinessCalendar:
        """A copy of this calendar with ``closures`` added (the original is unchanged)."""
        merged = tuple(sorted(set(self.extra_closures) | set(closures)))
        return BusinessCalendar(self.name, merged)

    @property
    def busdaycalendar(self) -> np.busdaycalendar:
        """The numpy business-day calendar, for vectorised rolls and counts."""
        return _busdaycal(self.name, self.extra_closures)

    def is_business_day(self, days: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """True where ``days`` is a business day of this calendar."""
        return np.is_busday(as_days(days), busdaycal=self.busdaycalendar)

    def advance(self, days: npt.ArrayLike, count: int) -> DateArray:
        """The business day ``count`` business days after (negative: before) each day.

        A day that is not a business day first rolls to the next business day when
        moving forward and to the previous one when moving back, so ``advance(d, -2)``
        is the second business day strictly before ``d`` when ``d`` is a business day.
        """
        roll: Literal["forward", "backward"] = "forward" if count > 0 else "backward"
        arr = as_days(days)
        if count < 0:
            # "the n-th business day before d": strictly before, whatever d is.
            rolled = np.busday_offset(arr - np.timedelta64(1, "D"), 0, roll="backward",
                                      busdaycal=self.busdaycalendar)
            return as_days(np.busday_offset(rolled, count + 1, busdaycal=self.busdaycalendar))
        if count > 0:
            rolled = np.busday_offset(arr + np.timedelta64(1, "D"), 0, roll="forward",
                                      busdaycal=self.busdaycalendar)
            return as_days(np.busday_offset(rolled, count - 1, busdaycal=self.busdaycalendar))
        return np.asarray(np.busday_offset(arr, 0, roll=roll, busdaycal=self.busdaycalendar))

    # -- one date (a cell's call): the same rules on Python dates, no array machinery ----------
    def is_open(self, day: dt.date) -> bool:
        """True when ``day`` is a business day (:meth:`is_business_day` for one date)."""
        _check_day(day)
        return day.weekday() < 5 and day.toordinal() not in _closed_ordinals(self.name, self.extra_closures)

    def advance_day(self, day: dt.date, count: int) -> dt.date:
        """:meth:`advance` for one date: the ``|count|``-th business day strictly after (count > 0)
        or before (count < 0) ``day``; ``count`` 0 is ``day`` or the last business day before it."""
        if count == 0:
            while not self.is_open(day):
                day -= dt.timedelta(days=1)
            return day
        step = dt.timedelta(days=1 if count > 0 else -1)
        for _ in range(abs(count)):
            day += step
            while not self.is_open(day):
                day += step
        return day

    def business_days_between(self, start: npt.ArrayLike, end: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Business days in ``[start, end)``."""
        return np.busday_count(as_days(start), as_days(end), busdaycal=self.busdaycalendar)


def as_days(days: npt.ArrayLike) -> DateArray:
    """``days`` as ``datetime64[D]``, refused (naming the security) when one is outside the calendars."""
    arr = np.asarray(days, dtype="datetime64[D]")
    if arr.size and (arr.min() < np.datetime64(_COVERED[0]) or arr.max() > np.datetime64(_COVERED[1])):
        raise _not_covered(arr.min().item() if arr.min() < np.datetime64(_COVERED[0]) else arr.max().item())
    return arr


def _closed_days(name: str, extra: tuple[dt.date, ...]) -> DateArray:
    """Every closure of a calendar as days: its shipped holidays, the ``extra`` closures added to it and those
    of ``TRUPS_XL_CLOSURES`` (a day given twice is there twice)."""
    added = (*extra, *_env_closures().get(name, ()))
    return np.concatenate((_source_days(name), np.array(added, dtype="datetime64[D]"))) if added else _source_days(name)


@functools.lru_cache(maxsize=64)
def _holidays(name: str, extra: tuple[dt.date, ...]) -> tuple[dt.date, ...]:
    return tuple(sorted(set(_closed_days(name, extra).tolist())))


def _check_day(day: dt.date) -> None:
    """Refuse a day outside the years the holiday tables cover (:func:`_as_days` for one date)."""
    if not _COVERED[0] <= day <= _COVERED[1]:
        raise _not_covered(day)


@functools.lru_cache(maxsize=64)
def _closed_ordinals(name: str, extra: tuple[dt.date, ...]) -> frozenset[int]:
    return frozenset(day.toordinal() for day in _holidays(name, extra))


@functools.lru_cache(maxsize=64)
def _busdaycal(name: str, extra: tuple[dt.date, ...]) -> np.busdaycalendar:
    # the calendar sorts the days and drops a day given twice
    return np.busdaycalendar(weekmask="1111100", holidays=_closed_days(name, extra))


@functools.lru_cache(maxsize=1)
def _env_closures() -> dict[str, tuple[dt.date, ...]]:
    path = os.environ.get(CLOSURES_ENV)
    if not path:
        return {}
    found: dict[str, set[dt.date]] = {}
    try:
        rows = list(csv.reader(_closures_text(path).splitlines()))
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
        raise TrupsInputError(f"{path}: not a CSV of calendar,YYYY-MM-DD rows ({exc})", CLOSURES_ENV) from None
    for lineno, row in enumerate(rows, start=1):
        if not row or row[0].strip().startswith("#") or row[0].strip() == "calendar":
            continue
        if len(row) != 2 or row[0].strip() not in CALENDAR_SOURCES:
            raise TrupsInputError(
                f"{path} line {lineno}: expected 'calendar,YYYY-MM-DD' with calendar one of "
                f"{', '.join(CALENDAR_SOURCES)}",
                CLOSURES_ENV,
            )
        try:  # YYYY-MM-DD only, as documented (fromisoformat also takes 20090622 and 2009W261)
            text = row[1].strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise TrupsInputError(
                f"{path} line {lineno}: {row[1]!r} is not a YYYY-MM-DD date", CLOSURES_ENV
            ) from None
        found.setdefault(row[0].strip(), set()).add(day)
    return {name: tuple(sorted(days)) for name, days in found.items()}


def _closures_text(path: str) -> str:
    """The closures file's text: a regular file of at most :data:`MAX_CLOSURES_BYTES`, UTF-8 (a
    byte-order mark, as Excel's "CSV UTF-8" writes, is accepted); anything else is one error."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise TrupsInputError(f"cannot read {path}: {exc.strerror}", CLOSURES_ENV) from None
    if not stat.S_ISREG(info.st_mode):
        raise TrupsInputError(f"{path} is not a regular file; expected a CSV of calendar,YYYY-MM-DD rows",
                              CLOSURES_ENV)
    if info.st_size > MAX_CLOSURES_BYTES:
        raise TrupsInputError(f"{path} is {info.st_size:,} bytes, over the {MAX_CLOSURES_BYTES:,}-byte limit",
                              CLOSURES_ENV)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CLOSURES_BYTES + 1)
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise TrupsInputError(f"cannot read {path}: {exc.strerror}", CLOSURES_ENV) from None
    except UnicodeDecodeError:
        raise TrupsInputError(f"{path} is not UTF-8 text; save it as CSV UTF-8", CLOSURES_ENV) from None


def reload_closures() -> None:
    """Forget the calendars built so far, so that the next use reads ``TRUPS_XL_CLOSURES`` again
    (it is read once per Python process; schedules already built keep the closures they saw)."""
    for cached in (_env_closures, _holidays, _busdaycal, _closed_ordinals, _joint):
        cached.cache_clear()


def joint_calendar(first: BusinessCalendar, second: BusinessCalendar) -> BusinessCalendar:
    """The days both calendars are open (a day either closes is closed), each with its closures from
    ``TRUPS_XL_CLOSURES``: QuantLib's ``JointCalendar`` joining holidays."""
    return _joint(first, second)


@functools.lru_cache(maxsize=16)
def _joint(first: BusinessCalendar, second: BusinessCalendar) -> BusinessCalendar:
    return first.with_closures(second.holidays())


def calendar(name: str) -> BusinessCalendar:
    """The default calendar of that name (with any closures from ``TRUPS_XL_CLOSURES``)."""
    return BusinessCalendar(name)


NEW_YORK = BusinessCalendar("new_york")
LONDON = BusinessCalendar("london")
NYSE = BusinessCalendar("nyse")
US_GOVERNMENT_SECURITIES = BusinessCalendar("us_government_securities")
