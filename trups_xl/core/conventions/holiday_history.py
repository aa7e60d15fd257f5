"""The holidays of the years the ``holidays`` package does not give, from the rules of each year.

Generation-time only (``scripts/build_holidays.py`` and the test that regenerates
``trups_xl/data/holidays.csv``); the add-in reads the generated table and never imports this.

``holidays`` 0.109 gives NYSE and England & Wales bank holidays for every year 1970-2100, the Federal
Reserve's only from 1999 and SIFMA's only from 1996. The earlier years are built here from the
federal holidays as the law stood each year (5 U.S.C. 6103):

* the Monday Holiday Act (Pub. L. 90-363, in force 1971): Washington's Birthday the third Monday
  of February and Memorial Day the last Monday of May (before 1971: February 22 and May 30),
  Columbus Day a federal holiday, the second Monday of October, and Veterans Day the fourth Monday of October
  1971-1977 (Pub. L. 94-97 returned it to November 11 from 1978);
* Martin Luther King Jr. Day, the third Monday of January, from 1986 (Pub. L. 98-144, 1983, first
  observed 1986); Juneteenth, June 19, from 2021 (Pub. L. 117-17), after these years.

Observance: the Federal Reserve Banks close on the Monday after a holiday falling on Sunday and
do not move one falling on Saturday (the Federal Reserve's holiday schedule, the rule ``holidays``
applies from 1999). The government securities market (the Public Securities Association's, later
The Bond Market Association's and SIFMA's, recommendations) closes on the same holidays and on Good
Friday, moving a Saturday Independence Day or Christmas to the Friday before and any Sunday holiday
to the Monday after, but not a Saturday New Year's Day or Veterans Day (the rules ``holidays``
applies to SIFMA from 1996, here applied to the earlier years).

:data:`CORRECTIONS` lists the days where a year ``holidays`` does give is wrong on the record.
"""

from __future__ import annotations

import datetime as dt

from dateutil.easter import easter

#: The first year ``holidays`` 0.109 gives each calendar (earlier years come from the rules here).
PACKAGE_FIRST_YEAR = {"new_york": 1999, "london": 1970, "nyse": 1970, "us_government_securities": 1996}

#: Corrections to ``holidays`` on the record: (calendar, day) -> holiday name to add, or ``None``
#: to remove the day ``holidays`` gives.
CORRECTIONS: dict[tuple[str, dt.date], str | None] = {
    # 1965-1970 the Whitsun and August bank holidays were replaced by royal proclamation, on trial,
    # by the last Mondays of May and August (made statutory from 1971 by the Banking and Financial
    # Dealings Act 1971); ``holidays`` keeps Whit Monday for 1970 and has no August holiday.
    ("london", dt.date(1970, 5, 18)): None,
    ("london", dt.date(1970, 5, 25)): "Spring Bank Holiday",
    ("london", dt.date(1970, 8, 31)): "Late Summer Bank Holiday",
    # the wedding of Princess Anne and Mark Phillips, declared a special bank holiday
    ("london", dt.date(1973, 11, 14)): "Wedding of Princess Anne",
    # New Year's Day is a bank holiday in England and Wales from 1974 (royal proclamation under the
    # 1971 Act); ``holidays`` starts it in 1975
    ("london", dt.date(1974, 1, 1)): "New Year's Day",
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (Monday 0) of the month; ``n`` -1 is the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def federal_holidays(year: int) -> list[tuple[str, dt.date]]:
    """The federal holidays of ``year`` on their legal dates (before any observance), as the law
    stood that year."""
    monday_act = year >= 1971
    days = [("New Year's Day", dt.date(year, 1, 1))]
    if year >= 1986:
        days.append(("Martin Luther King Jr. Day", _nth_weekday(year, 1, 0, 3)))
    days.append(("Washington's Birthday", _nth_weekday(year, 2, 0, 3) if monday_act else dt.date(year, 2, 22)))
    days.append(("Memorial Day", _nth_weekday(year, 5, 0, -1) if monday_act else dt.date(year, 5, 30)))
    if year >= 2021:
        days.append(("Juneteenth National Independence Day", dt.date(year, 6, 19)))
    days.append(("Independence Day", dt.date(year, 7, 4)))
    days.append(("Labor Day", _nth_weekday(year, 9, 0, 1)))
    if monday_act:  # a federal holiday from the Act (before it, a holiday of some states only)
        days.append(("Columbus Day", _nth_weekday(year, 10, 0, 2)))
    days.append(("Veterans Day", _nth_weekday(year, 10, 0, 4) if 1971 <= year <= 1977 else dt.date(year, 11, 11)))
    days.append(("Thanksgiving Day", _nth_weekday(year, 11, 3, 4)))
    days.append(("Christmas Day", dt.date(year, 12, 25)))
    return days


def _observed(name: str, day: dt.date, saturday_to_friday: bool) -> list[tuple[str, dt.date]]:
    """The holiday and, when it falls on a weekend and is moved, its observed weekday."""
    if day.weekday() == 6:
        return [(name, day), (f"{name} (observed)", day + dt.timedelta(days=1))]
    if day.weekday() == 5 and saturday_to_friday:
        return [(name, day), (f"{name} (observed)", day - dt.timedelta(days=1))]
    return [(name, day)]


def federal_reserve(year: int) -> list[tuple[str, dt.date]]:
    """The Federal Reserve Banks' holidays of ``year``: a Sunday holiday is observed on Monday, a
    Saturday one is not moved."""
    return [row for name, day in federal_holidays(year) for row in _observed(name, day, False)]


def government_securities(year: int) -> list[tuple[str, dt.date]]:
    """The government securities market's full closes of ``year`` (before 1996): the federal
    holidays and Good Friday; a Saturday Independence Day, Christmas, or (before the Monday Holiday
    Act) Washington's Birthday or Memorial Day on the Friday before; Sunday ones on
    the Monday after."""
    rows: list[tuple[str, dt.date]] = [("Good Friday", easter(year) - dt.timedelta(days=2))]
    for name, day in federal_holidays(year):
        rows += _observed(name, day, name not in ("New Year's Day", "Veterans Day"))
    return rows


RULES = {"new_york": federal_reserve, "us_government_securities": government_securities}


def rule_holidays(calendar: str, years: range) -> list[tuple[dt.date, str]]:
    """(day, name) of ``calendar``'s holidays in the ``years`` before :data:`PACKAGE_FIRST_YEAR`."""
    rule = RULES.get(calendar)
    early = [y for y in years if y < PACKAGE_FIRST_YEAR[calendar]]
    if rule is None and early:
        raise ValueError(f"no rules for {calendar} before {PACKAGE_FIRST_YEAR[calendar]}")
    return sorted({(day, name) for y in early for name, day in (rule(y) if rule else [])})


def corrected(calendar: str, rows: dict[dt.date, str], years: range) -> dict[dt.date, str]:
    """``rows`` (day -> name) with :data:`CORRECTIONS` of ``calendar`` in ``years`` applied."""
    out = dict(rows)
    for (name, day), holiday in CORRECTIONS.items():
        if name != calendar or day.year not in years:
            continue
        if holiday is None:
            out.pop(day, None)
        else:
            out[day] = holiday
    return out
