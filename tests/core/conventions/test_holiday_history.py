"""The federal holidays of the years the holidays package lacks, from each year's law, by hand."""

import datetime as dt

import pytest

from trups_xl.core.conventions import holiday_history as history


def test_the_monday_holiday_act_and_later_laws():
    days_1970 = dict(history.federal_holidays(1970))
    assert days_1970["Washington's Birthday"] == dt.date(1970, 2, 22)  # before the Act (1971)
    assert "Columbus Day" not in days_1970
    days_1975 = dict(history.federal_holidays(1975))
    assert days_1975["Veterans Day"] == dt.date(1975, 10, 27)  # fourth Monday of October 1971-1977
    assert days_1975["Memorial Day"] == dt.date(1975, 5, 26)
    assert "Martin Luther King Jr. Day" not in days_1975
    assert dict(history.federal_holidays(1986))["Martin Luther King Jr. Day"] == dt.date(1986, 1, 20)
    assert dict(history.federal_holidays(1995))["Thanksgiving Day"] == dt.date(1995, 11, 23)


def test_observance_differs_between_the_fed_and_the_bond_market():
    # Christmas 1994 was a Sunday: both observe Monday; July 4 1992 a Saturday: the bond market Friday
    fed = {day for _, day in history.federal_reserve(1994)}
    assert dt.date(1994, 12, 26) in fed
    bonds_1992 = {day for _, day in history.government_securities(1992)}
    assert dt.date(1992, 7, 3) in bonds_1992 and dt.date(1992, 7, 3) not in {d for _, d in history.federal_reserve(1992)}
    assert dt.date(1992, 4, 17) in bonds_1992  # Good Friday


def test_rules_cover_only_the_early_years_and_refuse_an_unknown_calendar():
    assert history.rule_holidays("new_york", range(1999, 2001)) == []
    assert history.rule_holidays("new_york", range(1998, 1999))
    with pytest.raises(ValueError, match="no rules for london"):
        history.rule_holidays("london", range(1960, 1961))  # London's table starts in 1970
