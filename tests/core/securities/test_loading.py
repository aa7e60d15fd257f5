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


def test_a_shipped_id_reads_its_own_file_alone_and_finds_what_the_whole_list_finds(monkeypatch):
    """By id, one data file is read (the others only for a CUSIP or a name not shipped), and every id and CUSIP
    finds the same security as a search of every shipped one; no CUSIP is another security's id, so the order
    of that search never decides."""
    from trups_xl.core.securities import loading

    read: list[str] = []
    reader = loading._shipped_file.__wrapped__
    monkeypatch.setattr(loading, "_shipped_file", lambda security_id: read.append(security_id) or reader(security_id))
    monkeypatch.setattr(loading, "shipped", lambda: pytest.fail("every file read for an id"))
    assert by_name("Citigroup_Capital_XIII").id == "citigroup_capital_xiii" and read == ["citigroup_capital_xiii"]
    monkeypatch.undo()
    everything = shipped()
    assert not {t.cusip.lower() for t in everything.values() if t.cusip} & set(everything)
    for security_id, terms in everything.items():
        assert by_name(security_id.upper()) is terms
        if terms.cusip:
            assert by_name(terms.cusip) is terms


def test_a_name_asked_again_touches_no_file(monkeypatch):
    """Every cell naming a security asks for it: after the folder is listed once, a name is found in memory (a
    look at the file system on each call cost 7.6 microseconds a cell, more than the accrual itself)."""
    from trups_xl.core.securities import loading

    by_name("citigroup_capital_xiii")

    class NoFolder:
        def __getattr__(self, name):
            raise AssertionError(f"the data folder touched again ({name})")

        def __truediv__(self, other):
            raise AssertionError("the data folder touched again (a path)")

    monkeypatch.setattr(loading, "_FOLDER", NoFolder())
    assert by_name("citigroup_capital_xiii").id == "citigroup_capital_xiii"
    assert by_name("CITIGROUP_CAPITAL_XXI") is TERMS


@pytest.mark.parametrize("name", ["../securities/citigroup_capital_xxi", "citigroup_capital_xxi.toml", "/etc/passwd",
                                  "..", "data/securities/citigroup_capital_xxi", "citigroup capital xxi/"])
def test_a_name_that_is_not_an_id_is_never_looked_for_as_a_file(name):
    with pytest.raises(TrupsInputError, match=r"^security: no shipped security"):
        by_name(name)


def test_a_base_row_starts_from_a_shipped_security_and_is_no_longer_it():
    changed = from_rows([("base", "citigroup_capital_xxi"), ("fixed_rate", 0.07)])
    assert changed.fixed_rate == 0.07 and changed.issue_date == dt.date(2007, 12, 21) and changed.id is None


def test_unknown_names_and_repeated_terms_are_one_line():
    with pytest.raises(TrupsInputError, match=r"^security: no shipped security 'nope'; docs/securities.md lists all \d+"):
        by_name("nope")
    with pytest.raises(TrupsInputError, match=r"^security: term fixed_rate is given twice"):
        from_rows([("base", "citigroup_capital_xxi"), ("fixed_rate", 0.07), ("Fixed_Rate", 0.06)])
