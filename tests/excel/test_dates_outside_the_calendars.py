"""Dates outside the calendars (1970-01-01..2100-12-31) are refused at the edge, by name.

A terms table's date term is refused by TRUPS_TERMS and every function naming the term and the
range; a cell's date argument names the argument. The sweep below calls every function with
out-of-range dates in each date argument and with terms tables holding out-of-range dates, and
requires every message that mentions the calendars to name the argument (and, for the
``security`` argument, the term) it is about.
"""

import inspect
import re

import pytest

from trups_xl.core.securities import terms as core_terms
from trups_xl.excel import udfs
from trups_xl.excel.function import INFO, INPUT_ERROR_PREFIX

FIXED_1997 = [["name", "Example Capital Trust I 8.00% TruPS"], ["liquidation_amount", 25],
              ["issue_date", "1997-02-15"], ["first_payment_date", "1997-05-15"],
              ["maturity_date", "2027-02-15"], ["fixed_rate", 0.08], ["fixed_frequency", 4],
              ["fixed_day_count", "30/360"]]
OUTSIDE = ("1900-10-15", "1969-12-31", "2101-01-03", "2150-06-30")
DATE_TERMS = [spec.name for spec in core_terms.SCHEMA if spec.kind == "date"]


def _with(table: list[list[object]], term: str, value: object) -> list[list[object]]:
    rows = [row for row in table if row[0] != term]
    return [*rows, [term, value]]


def _texts(result: object) -> list[str]:
    if isinstance(result, list):
        return [t for row in result for cell in (row if isinstance(row, list) else [row]) for t in _texts(cell)]
    return [result] if isinstance(result, str) else []


def test_the_issues_example_names_the_term_and_the_range():
    table = _with(FIXED_1997, "issue_date", "1900-10-15")
    said = f"{INPUT_ERROR_PREFIX} security: issue_date: 1900-10-15 is before 1970-01-01, the first date the calendars cover"
    assert udfs.TRUPS_TERMS(None, table) == said
    assert udfs.TRUPS_ACCRUED_INTEREST("2026-06-30", None, None, None, None, table) == said
    assert udfs.TRUPS_NEXT_PAYMENT_DATE("2026-06-30", table) == said
    late = _with(FIXED_1997, "maturity_date", "2150-02-15")
    assert udfs.TRUPS_SCHEDULE(None, None, None, None, None, None, late) == (
        f"{INPUT_ERROR_PREFIX} security: maturity_date: 2150-02-15 is after 2100-12-31, the last date the calendars cover")


@pytest.mark.parametrize("term", DATE_TERMS)
def test_every_date_term_outside_the_calendars_is_refused_naming_it(term):
    for day in ("1900-10-15", "2101-01-03"):
        said = udfs.TRUPS_TERMS(None, _with(FIXED_1997, term, day))
        assert said.startswith(f"{INPUT_ERROR_PREFIX} security: {term}: {day} is "), said
        assert "the calendars cover" in said


def _calls() -> list[tuple[str, str, list[object]]]:
    """(function, what was changed, arguments) of every sweep call."""
    calls = []
    for name, info in INFO.items():
        params = list(inspect.signature(getattr(udfs, name)).parameters)
        example = list(info.example) + [None] * (len(params) - len(info.example))
        for i, value in enumerate(info.example):
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                for day in OUTSIDE:
                    for security in ([None, FIXED_1997] if "security" in params else [None]):
                        args = list(example)
                        args[i] = day
                        if security is not None:
                            args[params.index("security")] = security
                        calls.append((name, params[i], args))
        if "security" in params:
            for term in DATE_TERMS:
                for day in ("1900-10-15", "2150-06-30"):
                    args = list(example)
                    args[params.index("security")] = _with(FIXED_1997, term, day)
                    calls.append((name, f"security {term}", args))
    return calls


def test_no_message_mentions_the_calendars_without_naming_the_argument_and_term():
    mentioning = 0
    for name, changed, args in _calls():
        params = list(inspect.signature(getattr(udfs, name)).parameters)
        for text in _texts(getattr(udfs, name)(*args)):
            if "calendar" not in text:
                continue
            mentioning += 1
            match = re.match(rf"{re.escape(INPUT_ERROR_PREFIX)} (\w+): ", text)
            assert match and match.group(1) in params, (name, changed, text)
            if match.group(1) == "security":
                assert any(f"{term}: " in text for term in DATE_TERMS) or "a date its schedule needs" in text, \
                    (name, changed, text)
            assert re.search(r"\d{4}-\d{2}-\d{2} is (before|after) (1970-01-01|2100-12-31)", text), (name, text)
    assert mentioning >= 300  # the sweep reaches the calendar checks (each security table's date term, each function)


def test_a_date_a_schedule_derives_past_the_calendars_names_the_security():
    """No term is outside the calendars, but a LIBOR determination date ten London days before a
    floating period starting 1970-01-05 is: the message names the security and the date."""
    table = [["name", "Early"], ["liquidation_amount", 1000], ["issue_date", "1970-01-02"],
             ["first_payment_date", "1970-01-05"], ["maturity_date", "1980-01-05"], ["fixed_rate", 0.05],
             ["fixed_frequency", 4], ["fixed_day_count", "30/360"], ["switch_date", "1970-01-05"],
             ["floating_index", "usd_libor_3m"], ["floating_margin", 0.01], ["floating_frequency", 4],
             ["floating_day_count", "ACT/360"], ["business_day_convention", "following"],
             ["libor_determination_lag", 10]]
    said = udfs.TRUPS_SCHEDULE(None, None, 0.03, None, None, None, table)
    assert said == (f"{INPUT_ERROR_PREFIX} security: a date its schedule needs, 1969-12-19 is before 1970-01-01, "
                    "the first date the calendars cover"), said
