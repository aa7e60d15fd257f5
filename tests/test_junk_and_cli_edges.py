"""Junk that used to reach a defect, and the command's rough edges: each answers one readable line."""

import copy
import datetime as dt
import inspect
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trups_xl.cli import format_value, main
from trups_xl.excel import udfs
from trups_xl.excel.function import BUG_PREFIX, INFO, INPUT_ERROR_PREFIX, REGISTRY
from trups_xl.excel.tables import SERIES_HEADERS


def test_wizard_text_and_argument_help_are_plain_ascii():
    """Every name, description and argument help exists in every Windows code page."""
    for name, info in INFO.items():
        for text in (name, info.summary, *info.arg_help, *info.arg_help.values()):
            assert text.isascii(), (name, [c for c in text if not c.isascii()])


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_huge_integer_is_refused_by_name_in_every_function(name):
    example = list(INFO[name].example)
    for i, value in enumerate(example):
        if (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
                isinstance(value, str) and value[:4].isdigit() and "-" in value):
            args = list(example)
            args[i] = 10**400
            got = REGISTRY[name](*args)
            text = str(got if not isinstance(got, list) else got[0][0])
            assert not text.startswith(BUG_PREFIX), (name, i, text)


def test_the_messages_for_junk_name_the_argument():
    assert udfs.TRUPS_ACCRUAL(10**400, "2009-01-31").startswith(
        f"{INPUT_ERROR_PREFIX} start_date: expected a date") and "401 digits" in udfs.TRUPS_ACCRUAL(10**400, "2009-01-31")
    assert udfs.TRUPS_ACCRUAL("2008-12-21T25:99", "2009-01-31").startswith(f"{INPUT_ERROR_PREFIX} start_date:")
    assert udfs.TRUPS_ACCRUAL("2008-12-21T10:30", "2009-01-31") == udfs.TRUPS_ACCRUAL("2008-12-21", "2009-01-31")
    nested = udfs.TRUPS_COUPON("2009-06-21", None, None, None, None, [[[1]]])
    assert nested.startswith(f"{INPUT_ERROR_PREFIX} security: wrong-shaped range: a cell holds a range")


def test_generate_workbook_without_a_path_writes_in_the_current_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["generate-workbook"]) == 0
    assert (tmp_path / "citigroup_capital_xxi.xlsx").is_file()
    assert str(tmp_path / "citigroup_capital_xxi.xlsx") in capsys.readouterr().out


def test_call_into_a_closed_pipe_is_not_a_traceback():
    """As with ``trups-xl call ... | head``: the reader is gone before the table is written."""
    proc = subprocess.Popen([sys.executable, "-m", "trups_xl.cli", "call", "TRUPS_SCHEDULE", "2008-01-01", "2077-12-21"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    proc.stdout.close()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    assert proc.wait(timeout=60) == 0 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_blanks_print_alike():
    assert format_value(None) == "" and format_value("") == ""


def test_messages_say_what_is_missing_or_mistyped_for_any_security():
    assert udfs.TRUPS_MAKE_WHOLE("2030-03-15", 0.04, 50).endswith("a spread of 50 bp is 0.005")
    assert udfs.TRUPS_MAKE_WHOLE("2030-03-15", 50).endswith("enter 8.3% as 0.083")
    xiii = udfs.TRUPS_REDEMPTION_PRICE("2012-01-05", None, None, None, None, None, None, None, "citigroup_capital_xiii")
    assert "has no make-whole: before 2015-10-30" in xiii and "treasury rate" not in xiii
    summary = INFO["TRUPS_YIELD_TO_CALL"].summary
    assert "first par call" in summary and summary.index("XXI") < summary.index("2037-12-21")


# ---- the standing sweep: every argument of every function x the hostile value classes -----------

#: The value classes of the hostile sweep (issue: no silent wrong number). Each value goes into every
#: argument of every function, the other arguments at the function's example.
VALUE_CLASSES: dict[str, list[object]] = {
    "text_number": ["0.1", "1e3", " 42 ", "-0"],
    "text_date": ["May 6, 2011", "06/05/2011", "2012-01-03", "2037-12-21T23:59"],
    "huge": [1e308, -1e308, sys.float_info.max, 10.0**300],
    "tiny": [1e-300, -1e-308, sys.float_info.min],
    "signed_zero": [0.0, -0.0, [[-0.0]]],
    "subnormal": [5e-324, -1e-320, [[1e-320]]],
    "non_finite": [math.nan, math.inf, -math.inf],
    "tz_datetime": [dt.datetime(2012, 1, 3, tzinfo=dt.UTC),
                    dt.datetime(2037, 12, 21, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=14))),
                    [[dt.datetime(2009, 1, 31, tzinfo=dt.timezone(dt.timedelta(hours=-5)))]] * 17],
    "one_row_table": [[["2011-05-06", 0.1]], [["May 6, 2011", "0.1"]], [[0.05, 0.06]], [["term", "value"]]],
    "zero_row_table": [[], [[None, None]], [["effective_date", "factor"]], [["date"]], [[None]]],
    "ragged": [[[1.0, 2.0], [3.0]], [[1.0], 2.0], [["2012-01-03", 0.1], ["2012-01-04"]]],
    "nested": [[[[1.0]]], [[[0.05, 0.06]]], [[["2012-01-03"]]]],
    "excel_error": ["#N/A", "#VALUE!", -2146826246],
    "logical_and_huge_integer": [True, False, 10**400, 2**63],
}


def _call_args(name: str) -> tuple[list[str], list[object]]:
    params = list(inspect.signature(REGISTRY[name]).parameters)
    example = list(INFO[name].example)
    return params, example + [None] * (len(params) - len(example))


def _defects(result: object) -> list[str]:
    """What is wrong with an answer: a defect message, a non-finite number, an over-long message."""
    found = []
    cells = [c for row in result for c in (row if isinstance(row, list) else [row])] \
        if isinstance(result, list) else [result]
    for cell in cells:
        if isinstance(cell, str) and cell.startswith(BUG_PREFIX):
            found.append(f"bug: {cell}")
        elif isinstance(cell, str) and cell.startswith(INPUT_ERROR_PREFIX) and (len(cell) > 255 or "\n" in cell):
            found.append(f"message over one cell line: {cell[:80]}")
        elif isinstance(cell, float) and not math.isfinite(cell):
            found.append(f"non-finite number {cell!r}")
        elif isinstance(cell, float) and cell == 0 and math.copysign(1.0, cell) < 0:
            found.append("negative zero answered")
    return found


def _variants(base: object, value: object) -> list[object]:
    """``value`` as the argument; and, for a range argument, in its first cell and scaling its
    numbers (so 1e308 reaches a series' sums as a series of 1e308-sized changes)."""
    out = [value]
    if isinstance(base, list) and base and all(isinstance(row, list) for row in base):
        for r, c in {(0, 0), (len(base) - 1, len(base[-1]) - 1)}:  # its first and its last cell
            placed = copy.deepcopy(base)
            placed[r][c] = value
            out.append(placed)
        if isinstance(value, float):
            out.append([[c * value if isinstance(c, float) else c for c in row] for row in base])
    return out


def _answer(name: str, args: list[object]) -> tuple[str, object]:
    """('refusal' | 'number' | 'other' | 'exception', the answer)."""
    try:
        result = REGISTRY[name](*copy.deepcopy(args))
    except Exception as exc:  # the wrapper must never let one out
        return "exception", f"{type(exc).__name__}: {exc}"
    if isinstance(result, str) and result.startswith(INPUT_ERROR_PREFIX):
        return "refusal", result
    if isinstance(result, float) or (isinstance(result, list) and any(
            isinstance(c, float) for row in result for c in (row if isinstance(row, list) else [row]))):
        return "number", result
    return "other", result


#: Tables with and without their documented header (valid rows, and rows of text): the answer
#: must not change — the 1-for-10 split as text once answered 195,000,000 unheaded.
HEADED: dict[str, tuple[list[object], list[list[list[object]]]]] = {
    "fixings": (["period_start", "rate"], [[["2037-12-21", 0.045], ["2038-03-21", 0.046]],
                                           [["Dec 21, 2037", "0.045"]], [["2037-12-21", "0.045"]]]),
    "curve": (["Date", "Rate"], [[["2037-01-01", 0.03], ["2047-01-01", 0.05]], [["Jan 1, 2037", "0.03"]]]),
    "corporate_actions": (["effective_date", "factor"], [[["2011-05-06", 0.1]], [["May 6, 2011", "0.1"]],
                                                         [["2011-05-06", "0.1"]]]),
    "security": (["term", "value"], [[["base", "citigroup_capital_xiii"]], [["base", "citigroup_capital_xiii"],
                                                                            ["liquidation_amount", "25"]]]),
}
#: A value for an optional argument the example leaves blank, so a range can go there.
RANGE_FILL = {"treasury_rate": 0.04, "principal": 1000.0}
#: Functions whose ``curve`` holds discount factors, not rates.
DISCOUNT_CURVES = {"TRUPS_HEDGED_ITEM_VALUE"}
#: Choice arguments and the routes they choose between: a range answers one shape on every route.
ROUTES: dict[str, list[object]] = {
    "trigger": [("optional", None), ("tax", "2012-06-07"), ("rating_agency", "2012-06-07"),
                ("investment_company", "2012-06-07"), ("regulatory_capital", "2012-06-07")],
    "policy": ["fixings", "libor_act", "prospectus_fallback"],
    "stub": ["exclude_accrued", "subtract_accrued"],
    "value": ["clean", "dirty"],
}


def _shape(result: object) -> tuple[int, int]:
    return (len(result), len(result[0])) if isinstance(result, list) else (1, 1)


def test_the_hostile_sweep_finds_no_defect():
    """Every argument of every function x every value class; tables with and without their header;
    ranges on every route. Fails on any #TRUPS-BUG!, exception, non-finite number or over-long
    message, on an answer that changes with a header row, and on a route that changes a shape."""
    start = time.perf_counter()
    totals = {"calls": 0, "refusals": 0, "numbers": 0, "other": 0, "exceptions": 0}
    defects: dict[str, list[str]] = {kind: [] for kind in
                                     ("bug_or_exception", "non_finite", "negative_zero", "header_changes_result",
                                      "route_changes_shape")}
    arguments = 0

    def answer(name: str, args: list[object]) -> tuple[str, object]:
        kind, result = _answer(name, args)
        totals["calls"] += 1
        totals[{"refusal": "refusals", "number": "numbers", "exception": "exceptions"}.get(kind, "other")] += 1
        return kind, result

    for name in sorted(REGISTRY):
        params, base = _call_args(name)
        # the example with every series argument under its header: each hostile call answers alike
        series = [i for i, p in enumerate(params) if p in SERIES_HEADERS and isinstance(base[i], list)
                  and all(len(row) == 1 for row in base[i])]
        headed_base = [[[SERIES_HEADERS[p][0]], *v] if i in series else v
                       for i, (p, v) in enumerate(zip(params, base, strict=True))]
        for i, param in enumerate(params):
            arguments += 1
            # a blank table argument: the hostile values also go inside a valid table
            inside = base[i] if base[i] is not None or param not in HEADED else (
                [["2020-01-01", 0.8], ["2030-01-01", 0.6]] if name in DISCOUNT_CURVES else HEADED[param][1][0])
            for cls, values in VALUE_CLASSES.items():
                for value in (v for one in values for v in _variants(inside, one)):
                    args = list(base)
                    args[i] = value
                    kind, result = answer(name, args)
                    where = f"{name}({param}={cls}:{value!r:.40})"
                    if kind == "exception":
                        defects["bug_or_exception"].append(f"{where}: {result}")
                    for found in _defects(result):
                        label = ("non_finite" if found.startswith("non-finite") else
                                 "negative_zero" if found.startswith("negative zero") else "bug_or_exception")
                        defects[label].append(f"{where}: {found}")
                    if series and i not in series:
                        headed = list(headed_base)
                        headed[i] = value
                        again = answer(name, headed)
                        if again[0] != kind or (kind != "refusal" and again[1] != result):
                            defects["header_changes_result"].append(f"{where} under headers: {again!r:.80}")
            # the same table with and without its documented header
            if param in HEADED:
                header, tables = HEADED[param]
                if param == "curve" and name in DISCOUNT_CURVES:
                    tables = [[["2020-01-01", 0.8], ["2030-01-01", 0.6]], [["Jan 1, 2020", "0.8"]]]
                for rows in tables:
                    plain, headed = list(base), list(base)
                    plain[i], headed[i] = rows, [header, *rows]
                    without, with_header = answer(name, plain), answer(name, headed)
                    if without[0] != with_header[0] or (without[0] != "refusal" and without != with_header):
                        defects["header_changes_result"].append(f"{name}({param}={rows!r:.40}): {without!r:.80} "
                                                                f"!= {with_header!r:.80}")
            elif param in SERIES_HEADERS and isinstance(base[i], list) and all(len(r) == 1 for r in base[i]):
                headed = list(base)
                headed[i] = [[SERIES_HEADERS[param][0]], *base[i]]
                if answer(name, base) != answer(name, headed):
                    defects["header_changes_result"].append(f"{name}({param})")
        # a 1x2 range in each single-value argument: one shape on every route of the function
        for choice in set(params) & set(ROUTES):
            c = params.index(choice)
            filled = [RANGE_FILL.get(p, v) if v is None else v for p, v in zip(params, base, strict=True)]
            for i, value in enumerate(filled):
                text = isinstance(value, str) and not value[:1].isdigit()
                if i == c or isinstance(value, list) or value is None or text:
                    continue
                shapes = {}
                for route in ROUTES[choice]:
                    args = list(filled)
                    args[i] = [[value, value]]
                    if isinstance(route, tuple):
                        args[c], args[params.index("trigger_date")] = route
                    else:
                        args[c] = route
                    kind, result = answer(name, args)
                    if kind in ("number", "other") and not isinstance(result, str):
                        shapes[str(route)] = _shape(result)
                if len(set(shapes.values())) > 1:
                    defects["route_changes_shape"].append(f"{name}({params[i]} 1x2 by {choice}): {shapes}")
    seconds = time.perf_counter() - start
    summary = (f"hostile sweep: {len(REGISTRY)} functions, {arguments} arguments x {len(VALUE_CLASSES)} value classes: "
               f"{totals['calls']} calls, {totals['refusals']} refusals, {totals['numbers']} numbers, "
               f"{totals['other']} other answers (text, dates), {totals['exceptions']} exceptions; defects "
               + ", ".join(f"{k} {len(v)}" for k, v in defects.items())
               + f" ({seconds:.1f} s)")
    print(summary)
    assert arguments == sum(len(inspect.signature(fn).parameters) for fn in REGISTRY.values())
    assert not any(defects.values()), {k: v[:5] for k, v in defects.items() if v}
    assert totals["refusals"] > 1000 and totals["numbers"] > 100  # the sweep reaches both outcomes
