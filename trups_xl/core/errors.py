"""Errors the calculation core raises for input it cannot accept.

The Excel layer turns :class:`TrupsInputError` into a one-line ``#TRUPS!`` message
that names the argument; any other exception is a defect and is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt


class TrupsInputError(ValueError):
    """Input outside what the prospectus (or this tool) accepts.

    Parameters
    ----------
    message : str
        What is wrong and what is accepted, in one line.
    argument : str, optional
        The name of the argument at fault, as the Excel function names it.
    """

    def __init__(self, message: str, argument: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument

    def __str__(self) -> str:
        return f"{self.argument}: {self.message}" if self.argument else self.message


class ElementRefusalError(TrupsInputError):
    """Some elements of an array argument refused, each on its own: the message is the first refused
    element's (what a call on the whole array says), and :attr:`messages` holds each refused element's, in
    the array's order, as a call on that element alone says it (written only when asked for: a call that
    only shows the first writes one).

    Parameters
    ----------
    refused : array of bool
        Which elements of the argument are refused (the argument's shape).
    elements : list
        The refused elements, in the order of ``refused``'s true elements (C order).
    say : callable
        An element's message.
    argument : str
        The name of the argument, as the Excel function names it.
    """

    def __init__(self, refused: npt.NDArray[np.bool_], elements: list[Any], say: Callable[[Any], str],
                 argument: str) -> None:
        super().__init__(say(elements[0]), argument)
        self.refused = refused
        self._elements = elements
        self._say = say

    @property
    def messages(self) -> list[str]:
        return list(map(self._say, self._elements))


class MissingFixingError(TrupsInputError):
    """A floating or post-maturity period needs an index fixing that was not supplied."""


def check_magnitudes(values: Iterable[float], argument: str, what: str, largest: float,
                     smallest: float = 0.0) -> None:
    """Refuse a value that is not finite, beyond ``largest`` in absolute value, or non-zero and below
    ``smallest`` in absolute value (the plausible magnitudes of ``what``), naming its item: the sums,
    squares and ratios computed from such values stay finite and exact enough to judge."""
    for i, value in enumerate(values, start=1):
        size = abs(value)
        if not size <= largest or (0 < size < smallest):  # NaN fails the first comparison
            bounds = f"{smallest:g}..{largest:g} in absolute value, or 0" if smallest else f"up to {largest:g}"
            raise TrupsInputError(f"item {i}: expected {what} of {bounds}; got {value!r}", argument)


def require_finite(values: dict[str, float], argument: str) -> None:
    """Refuse, naming ``argument``, when a statistic or an intermediate is not a finite number: a
    verdict is only ever computed from finite numbers."""
    bad = [name for name, value in values.items() if not math.isfinite(value)]
    if bad:
        raise TrupsInputError(f"the {', '.join(bad)} would not be a finite number for these values; "
                              "no result is given", argument)
