"""Choices read from text once, at the edge (a cell, a terms table, a TOML file), into enums.

A choice is a :class:`~enum.StrEnum`; its members' values are its one spelling each (shown in
messages, ``TRUPS_TERMS`` and the terms files). Text becomes a member here, case and surrounding
spaces ignored, and the core then compares members with members, never with text.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from trups_xl.core.errors import TrupsInputError

E = TypeVar("E", bound=StrEnum)


def choices_text(kind: type[StrEnum] | Iterable[StrEnum], sep: str = ", ") -> str:
    """The accepted spellings of a choice (or of some of its members), in declaration order."""
    return sep.join(m.value for m in kind)


def parse_choice(kind: type[E], value: object, argument: str, noun: str | None = None,
                 accepted: tuple[E, ...] | None = None) -> E:
    """The member of ``kind`` that ``value`` spells (case and surrounding spaces ignored: a workbook's
    or a terms file's text as typed), or the member itself; refuse naming ``argument`` and the choices.
    ``accepted`` narrows the members a caller takes (a security's coupon day counts are two of
    :class:`~trups_xl.core.conventions.daycount.DayCount`'s)."""
    members = tuple(kind) if accepted is None else accepted
    if isinstance(value, kind) and value in members:
        return value
    if isinstance(value, str):
        text = value.strip().casefold()
        for member in members:
            if member.value.casefold() == text:
                return member
    raise TrupsInputError(f"unknown {noun or argument} {value!r}; accepted: {choices_text(members)}", argument)


def check_choice(value: str, accepted: tuple[str, ...], argument: str, noun: str | None = None) -> str:
    """Return ``value`` if it is one of ``accepted``; else raise naming ``argument`` and the choices.

    ``noun`` is what the message calls the value (default: the argument's name).
    """
    if value not in accepted:
        raise TrupsInputError(f"unknown {noun or argument} {value!r}; accepted: {', '.join(accepted)}", argument)
    return value
