"""Junk that used to reach a defect, and the command's rough edges: each answers one readable line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trups_xl.cli import format_value, main
from trups_xl.excel import udfs
from trups_xl.excel.function import BUG_PREFIX, INFO, INPUT_ERROR_PREFIX, REGISTRY


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
