"""Set operations on arrays: what numpy's unique and isin give, for integers, floats with NaN and dates
with NaT (numpy itself is the oracle)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trups_xl.core.arrays import distinct, member

_INTEGERS = st.lists(st.integers(-5, 2**40), max_size=40)
_FLOATS = st.lists(st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 1.5])), max_size=40)
_DAYS = st.lists(st.one_of(st.none(), st.integers(-1000, 1000)), max_size=40)


def _dates(days: list[int | None]) -> np.ndarray:
    return np.array([np.datetime64("NaT") if d is None else np.datetime64("2007-01-01") + d for d in days],
                    dtype="datetime64[D]")


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    return (isinstance(got, np.ndarray) and got.dtype == want.dtype and got.shape == want.shape
            and np.array_equal(got, want, equal_nan=True))


@settings(max_examples=300, deadline=None)
@given(_INTEGERS, _FLOATS, _DAYS)
def test_distinct_values_are_numpys_unique(integers, floats, days):
    for values in (np.array(integers, dtype=np.int64), np.array(floats, dtype=np.float64), _dates(days)):
        assert _same(distinct(values), np.unique(values)), values


@settings(max_examples=300, deadline=None)
@given(_INTEGERS, _INTEGERS, _FLOATS, _FLOATS, _DAYS, _DAYS)
def test_membership_is_numpys_isin(integers, among, floats, of_floats, days, of_days):
    pairs = ((np.array(integers, dtype=np.int64), np.array(among, dtype=np.int64)),
             (np.array(floats, dtype=np.float64), np.array(of_floats, dtype=np.float64)),
             (_dates(days), _dates(of_days)))
    for values, of in pairs:
        assert _same(member(values, of), np.isin(values, of)), (values, of)


def test_a_number_and_a_table_are_taken_as_numpy_takes_them():
    table = np.array([[3, 1], [3, 7]])
    assert _same(distinct(table), np.unique(table))
    assert _same(member(np.arange(5), np.int64(3)), np.isin(np.arange(5), 3))
    assert _same(member(table, np.array([7, 1])), np.isin(table, [7, 1]))
    assert _same(member(table, np.array([], dtype=np.int64)), np.isin(table, []))
    assert _same(member(np.int64(3), np.array([1, 3])), np.isin(np.int64(3), [1, 3]))  # one value: a 0-d array
