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


def test_a_ctrl_c_before_a_command_handles_it_is_one_line_and_code_130(monkeypatch, capsys):
    import trups_xl.cli as cli

    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "command_generate", interrupted)
    assert main(["generate-workbook"]) == 130
    assert capsys.readouterr().err == "trups-xl: interrupted\n"


def test_parse_argument():
    assert parse_argument("") is None and parse_argument("0.05") == 0.05
    assert parse_argument("2030-01-01") == "2030-01-01" and parse_argument("[[1, 2]]") == [[1, 2]]


def test_call_help_lists_the_functions(capsys):
    from trups_xl.excel.function import INFO

    assert main(["call", "--help"]) == 0
    out = capsys.readouterr().out
    assert "omitted" in out
    for name, info in INFO.items():  # every function with its wizard description
        assert f"{name}  " in out and info.summary in out


def test_call_function_help_shows_arguments_and_example(capsys):
    from trups_xl.excel.function import INFO

    assert main(["call", "TRUPS_MAKE_WHOLE", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("TRUPS_MAKE_WHOLE(redemption_date, treasury_rate, [spread], [principal], [stub], [count], "
                          "[security])")
    info = INFO["TRUPS_MAKE_WHOLE"]
    assert info.summary in out and all(help_ in out for help_ in info.arg_help.values())
    assert 'Example: =TRUPS_MAKE_WHOLE("2030-03-15", 0.04)  ->  1266.24629' in out
    assert "Shell:   trups-xl call TRUPS_MAKE_WHOLE 2030-03-15 0.04" in out
    assert main(["call", "trups_accrual", "-h"]) == 0 and "start_date" in capsys.readouterr().out
    assert main(["call", "NOPE", "--help"]) == 2


def test_call_without_a_function_is_the_usage(capsys):
    assert main(["call"]) == 2
    assert "Functions:" in capsys.readouterr().out


def test_the_help_speaks_of_any_security(capsys):
    import pytest as _pytest

    from trups_xl import cli

    with _pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "any shipped or typed security" in text and not text.split("\n")[0].startswith("Citigroup")
