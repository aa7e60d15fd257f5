"""Choices read from text once: case and spaces ignored, one line naming the argument otherwise."""

import pytest

from trups_xl.core.conventions.adjust import PAYMENT_CONVENTIONS, BusinessDayConvention
from trups_xl.core.conventions.choices import check_choice, choices_text, parse_choice
from trups_xl.core.conventions.daycount import COUPON_DAY_COUNTS, DayCount
from trups_xl.core.errors import TrupsInputError


def test_text_becomes_the_member_whatever_its_case():
    assert parse_choice(DayCount, " act/360 ", "day_count") is DayCount.ACT_360
    assert parse_choice(DayCount, DayCount.THIRTY_360, "day_count") is DayCount.THIRTY_360


def test_a_narrowed_choice_refuses_the_other_members_listing_what_it_takes():
    with pytest.raises(TrupsInputError, match=r"^floating_day_count: unknown floating_day_count 'ACT/365F'; "
                                              r"accepted: 30/360, ACT/360$"):
        parse_choice(DayCount, "ACT/365F", "floating_day_count", accepted=COUPON_DAY_COUNTS)
    with pytest.raises(TrupsInputError, match="accepted: following, modified_following"):
        parse_choice(BusinessDayConvention, BusinessDayConvention.PRECEDING, "convention",
                     accepted=PAYMENT_CONVENTIONS)


def test_choices_text_and_check_choice():
    assert choices_text(COUPON_DAY_COUNTS, " or ") == "30/360 or ACT/360"
    assert check_choice("a", ("a", "b"), "x") == "a"
    with pytest.raises(TrupsInputError, match=r"^x: unknown x 'c'; accepted: a, b$"):
        check_choice("c", ("a", "b"), "x")
