"""The security argument: blank, a shipped id or CUSIP, or a terms table typed in cells."""

import datetime as dt

import pytest

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.loading import TERMS, by_name
from trups_xl.excel import security


def test_blank_an_id_and_a_table_give_the_security():
    assert security.security(None) is TERMS
    assert security.security([["citigroup_capital_xiii"]]) == by_name("citigroup_capital_xiii")
    rows = [[k, v] for k, v in TERMS.as_rows() if v is not None and k != "id"]
    typed = security.security(rows)
    assert typed.fixed_rate == 0.083 and typed.issue_date == dt.date(2007, 12, 21)
    assert security.life(TERMS) == (dt.date(2007, 12, 21), dt.date(2077, 12, 21))


def test_a_bad_security_is_one_line_naming_the_argument():
    with pytest.raises(TrupsInputError, match=r"^security: "):
        security.security([[1.0]])
    with pytest.raises(TrupsInputError, match=r"^security: "):
        security.security([["a", "b", "c"], ["d", "e", "f"]])
