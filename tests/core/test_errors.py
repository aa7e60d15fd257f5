"""The core's errors: one line naming the argument; magnitudes and statistics checked by name."""

import math

import pytest

from trups_xl.core.errors import MissingFixingError, TrupsInputError, check_magnitudes, require_finite


def test_an_input_error_names_its_argument():
    assert str(TrupsInputError("expected a date", "as_of")) == "as_of: expected a date"
    assert str(TrupsInputError("no argument")) == "no argument"
    assert issubclass(MissingFixingError, TrupsInputError)


def test_magnitudes_outside_their_range_are_refused_by_item():
    check_magnitudes([1.0, -5.0, 0.0], "changes", "a change", 10.0, 1e-6)
    with pytest.raises(TrupsInputError, match=r"^changes: item 2: expected a change of 1e-06\.\.10"):
        check_magnitudes([1.0, 1e-9], "changes", "a change", 10.0, 1e-6)
    with pytest.raises(TrupsInputError, match=r"^changes: item 1: "):
        check_magnitudes([math.nan], "changes", "a change", 10.0)


def test_a_statistic_that_is_not_finite_is_refused():
    require_finite({"slope": 1.0}, "hedge_changes")
    with pytest.raises(TrupsInputError, match=r"^hedge_changes: the slope would not be a finite number"):
        require_finite({"slope": math.inf}, "hedge_changes")
