"""Hedge effectiveness functions: a perfect offset passes, a flat curve values the flows."""

from trups_xl.excel.udfs import hedge


def test_a_perfect_offset_passes_every_period():
    rows = hedge.TRUPS_HEDGE_DOLLAR_OFFSET([[-10.0], [12.0], [-8.0]], [[10.0], [-12.0], [8.0]])
    assert [r[3] for r in rows[1:4]] == [1.0, 1.0, 1.0] and rows[-1][:2] == ["overall", "pass"]


def test_a_higher_flat_rate_values_the_hedged_item_lower():
    low, high = hedge.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", 0.02), hedge.TRUPS_HEDGED_ITEM_VALUE("2012-06-29", 0.05)
    assert isinstance(low, float) and isinstance(high, float) and high < low
