"""Shipped securities by id or CUSIP, their sources, and a terms table with a base security."""

import datetime as dt

import pytest

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.loading import TERMS, by_name, from_rows, shipped, sources


def test_xxi_is_first_and_found_by_id_or_cusip():
    assert next(iter(shipped())) == "citigroup_capital_xxi" and TERMS.id == "citigroup_capital_xxi"
    assert by_name(" Citigroup_Capital_XXI ") is TERMS
    assert TERMS.cusip is not None and by_name(TERMS.cusip.lower()) is TERMS
    assert "p.20" in sources("citigroup_capital_xxi")["fixed_day_count"]


def test_a_base_row_starts_from_a_shipped_security_and_is_no_longer_it():
    changed = from_rows([("base", "citigroup_capital_xxi"), ("fixed_rate", 0.07)])
    assert changed.fixed_rate == 0.07 and changed.issue_date == dt.date(2007, 12, 21) and changed.id is None


def test_unknown_names_and_repeated_terms_are_one_line():
    with pytest.raises(TrupsInputError, match=r"^security: no shipped security 'nope'; docs/securities.md lists all \d+"):
        by_name("nope")
    with pytest.raises(TrupsInputError, match=r"^security: term fixed_rate is given twice"):
        from_rows([("base", "citigroup_capital_xxi"), ("fixed_rate", 0.07), ("Fixed_Rate", 0.06)])
