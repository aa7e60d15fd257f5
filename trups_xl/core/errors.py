"""Errors the calculation core raises for input it cannot accept.

The Excel layer turns :class:`TrupsInputError` into a one-line ``#TRUPS!`` message
that names the argument; any other exception is a defect and is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar


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


class MissingFixingError(TrupsInputError):
    """A floating or monthly period needs an index fixing that was not supplied."""


E = TypeVar("E", bound=StrEnum)


def choices_text(kind: type[StrEnum], sep: str = ", ") -> str:
    """The accepted spellings of a choice, in declaration order."""
    return sep.join(m.value for m in kind)


def parse_choice(kind: type[E], value: object, argument: str, noun: str | None = None) -> E:
    """The member of ``kind`` that ``value`` spells (case and surrounding spaces ignored: a workbook's
    or a terms file's text as typed), or the member itself; refuse naming ``argument`` and the choices.
    This is where text becomes a choice, once, at the edge (a cell, a terms table, a TOML file)."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        text = value.strip().casefold()
        for member in kind:
            if member.value.casefold() == text:
                return member
    raise TrupsInputError(f"unknown {noun or argument} {value!r}; accepted: {choices_text(kind)}", argument)


def check_choice(value: str, accepted: tuple[str, ...], argument: str, noun: str | None = None) -> str:
    """Return ``value`` if it is one of ``accepted``; else raise naming ``argument`` and the choices.

    ``noun`` is what the message calls the value (default: the argument's name).
    """
    if value not in accepted:
        raise TrupsInputError(f"unknown {noun or argument} {value!r}; accepted: {', '.join(accepted)}", argument)
    return value


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
