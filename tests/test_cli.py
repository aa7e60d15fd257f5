"""The trups-xl command."""

import pytest

from trups_xl.cli import main, parse_argument


def test_call_prints_the_result(capsys):
    assert main(["call", "TRUPS_ACCRUAL", "2008-12-21", "2009-01-31"]) == 0
    assert capsys.readouterr().out.strip() == "9.222222222"


def test_call_with_a_range_and_an_error(capsys):
    assert main(["call", "trups_coupon", "2038-03-21", '[["2037-12-21", 0.0491]]']) == 0
    assert float(capsys.readouterr().out) == pytest.approx(0.0908 * 91 / 360 * 1000)
    assert main(["call", "TRUPS_COUPON", "2038-03-22"]) == 1
    assert capsys.readouterr().out.startswith("#TRUPS! payment_date")
    assert main(["call", "NOPE"]) == 2


def test_parse_argument():
    assert parse_argument("") is None and parse_argument("0.05") == 0.05
    assert parse_argument("2030-01-01") == "2030-01-01" and parse_argument("[[1, 2]]") == [[1, 2]]


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["call", "--help"])
    assert exit_.value.code == 0 and "omitted" in capsys.readouterr().out
