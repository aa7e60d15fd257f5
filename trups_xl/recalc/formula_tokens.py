"""A formula's text read as tokens, and the brackets they sit in: a call's or a group's, each argument apart.

What :mod:`.intersection` reads a formula by. A text holding anything not listed in :data:`TOKEN` (a structured
reference, a name whose first letter is past ASCII, a ``;``) is not read: :func:`read` answers None, and the formula is
left as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: One token of a formula's text (without its ``=``): a text, an error value, a reference (its sheet, then a cell, a
#: rectangle, columns or rows), a function's name and ``(``, a name, a number, an operator, a bracket or a comma,
#: spaces, an array of constants without texts, ``@``, ``:``. A formula holding anything else is left as written.
TOKEN = re.compile(r"""
   (?P<text>"(?:[^"]|"")*")
  |(?P<error>\#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA))
  |(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?
       (?:\$?[A-Za-z]{1,3}\$?[0-9]+(?::\$?[A-Za-z]{1,3}\$?[0-9]+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?[0-9]+:\$?[0-9]+)
       (?![\w.(!\[]))
  |(?P<call>[A-Za-z_][\w.]*\()
  |(?P<name>[A-Za-z_\\][\w.?\\]*)
  |(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  |(?P<operator><>|<=|>=|[-+*/^&=<>%])
  |(?P<open>\()|(?P<close>\))|(?P<comma>,)
  |(?P<space>\s+)
  |(?P<array>\{[^{}"]*\})
  |(?P<at>@)|(?P<colon>:)
""", re.VERBOSE)
#: Prefixes Excel saves before the names of functions newer than its file format.
PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.")


@dataclass
class Token:
    """One token: its kind (a group of :data:`TOKEN`), its place, its text, and the bracket and argument it is in."""

    kind: str
    start: int
    end: int
    text: str
    frame: int = -1  # the bracket this token is directly inside (an index into the frames), -1 for none
    argument: int = 0  # which of that bracket's arguments


@dataclass
class Frame:
    """A bracket: a call's (its function, in capitals, without a prefix) or one that groups (None)."""

    function: str | None  # None for brackets that group
    open_at: int  # the token index of its ``(``
    close_at: int = -1
    parent: int = -1
    argument: int = 0  # which of the parent's arguments the call is in
    commas: int = 0


def read(body: str) -> tuple[list[Token], list[Frame]] | None:
    """``body``'s tokens (spaces left out) and brackets, or None where it holds a token not listed or a bracket not
    closed."""
    tokens: list[Token] = []
    frames: list[Frame] = []
    open_frames: list[int] = []
    at = 0
    while at < len(body):
        m = TOKEN.match(body, at)
        if m is None:
            return None
        kind = m.lastgroup or ""
        at = m.end()
        if kind == "space":
            continue
        frame = open_frames[-1] if open_frames else -1
        token = Token(kind, m.start(), m.end(), m[0], frame, frames[frame].commas if frame >= 0 else 0)
        tokens.append(token)
        if kind in ("call", "open"):
            name = m[0][:-1].upper() if kind == "call" else None
            for prefix in PREFIXES:
                if name is not None and name.startswith(prefix):
                    name = name[len(prefix):]
            frames.append(Frame(name, len(tokens) - 1, parent=frame, argument=token.argument))
            open_frames.append(len(frames) - 1)
        elif kind == "close":
            if not open_frames:
                return None
            frames[open_frames.pop()].close_at = len(tokens) - 1
        elif kind == "comma" and frame >= 0:
            frames[frame].commas += 1
    return (tokens, frames) if not open_frames else None


def opened_at(frames: list[Frame], index: int) -> Frame:
    """The bracket whose ``(`` is the ``index``-th token."""
    return next(f for f in frames if f.open_at == index)


def arguments(tokens: list[Token], frames: list[Frame], frame: Frame) -> list[list[int]]:
    """The token indices of each argument of a call."""
    number = frames.index(frame)
    out: list[list[int]] = [[]]
    for at in range(frame.open_at + 1, frame.close_at):
        if tokens[at].kind == "comma" and tokens[at].frame == number:
            out.append([])
        else:
            out[-1].append(at)
    return out


__all__ = ["PREFIXES", "TOKEN", "Frame", "Token", "arguments", "opened_at", "read"]
