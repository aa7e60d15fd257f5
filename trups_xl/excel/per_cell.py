"""A range refused for some of its cells, answered cell by cell.

Excel's own functions given a range show an error in the cells that cause one and a value in every
other (``=DATEVALUE(A1:A3)`` with one bad text spills two dates and one ``#VALUE!``). A ``TRUPS_*`` call
reads an elementwise argument's range whole, and a refusal of one cell refused the call: a column of
1,000 prices with one blank spilled 1,000 copies of one message. Where the refusal names an elementwise
argument, the call is made again on parts of the ranges, halved until a part is answered or is one cell:
each cell then shows its own number, or its own message as a call on that cell alone gives it. The
functions are elementwise in these arguments, so a cell's number is the very number the whole call gives
it (tests compare each cell with the same cell alone, bit for bit). A refusal naming another argument
(the security, a table) is every cell's, and stays the one message.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any

#: Cells of a range answered cell by cell, at most (Excel's largest spill is a column of 1,048,576).
MAX_CELLS = 1 << 20

#: A part of the broadcast range: first row, end row, first column, end column (ends exclusive).
Part = tuple[int, int, int, int]


def range_shape(value: object) -> tuple[int, int] | None:
    """(rows, columns) of a range of more than one cell as Excel passes it (a list of equal rows), else None."""
    if type(value) is not list or not value or any(type(row) is not list for row in value):
        return None
    width = len(value[0])
    if width == 0 or any(len(row) != width for row in value) or len(value) * width < 2:
        return None
    return len(value), width


def cell_by_cell(call: Callable[..., Any], args: Sequence[Any], names: Sequence[str], elementwise: Sequence[str],
                 refused: str | None, is_message: Callable[[Any], bool],
                 known: Callable[[tuple[int, int]], dict[tuple[int, int], str] | None] | None = None,
                 ) -> list[list[Any]] | None:
    """The cells of a call refused naming ``refused``, each answered on its own (rows of values and messages),
    or None: ``refused`` is not an elementwise argument, no elementwise argument is a range of several cells,
    the ranges do not broadcast, they span more than :data:`MAX_CELLS` cells, or a part's answer is not one
    value a cell. ``call`` answers a refusal with its message (``is_message``) rather than raising. ``known``
    gives, for the broadcast shape, the cells the refusal already answered each on its own (their messages, as a
    call on each alone gives them), or None: a part of those alone is not called, a part holding one is split."""
    if refused is None or refused not in elementwise:
        return None
    shapes = {k: shape for k, arg in enumerate(args)
              if k < len(names) and names[k] in elementwise and (shape := range_shape(arg)) is not None}
    if not shapes:
        return None
    rows, cols = max(s[0] for s in shapes.values()), max(s[1] for s in shapes.values())
    if any(r not in (1, rows) or c not in (1, cols) for r, c in shapes.values()) or rows * cols > MAX_CELLS:
        return None
    out: list[list[Any]] = [[None] * cols for _ in range(rows)]
    answered = (known((rows, cols)) if known is not None else None) or {}
    known_rows = sorted({i for i, _j in answered})

    def part_args(part: Part) -> list[Any]:
        r0, r1, c0, c1 = part
        given = list(args)
        for k, (r, c) in shapes.items():
            grid = args[k][r0:r1] if r > 1 else args[k]
            given[k] = [row[c0:c1] if c > 1 else row for row in grid]
        return given

    def holds_known(part: Part) -> int:
        """How many cells of ``part`` the refusal answered (counted by rows: a part is a few rows wide)."""
        r0, r1, c0, c1 = part
        at = bisect_left(known_rows, r0)
        return sum(1 for i in known_rows[at:bisect_left(known_rows, r1)] for j in range(c0, c1) if (i, j) in answered)

    todo: list[Part] = [(0, rows, 0, cols)]
    while todo:
        part = todo.pop()
        r0, r1, c0, c1 = part
        held = holds_known(part) if answered else 0
        if held == (r1 - r0) * (c1 - c0):  # every cell refused on its own: their messages
            for i in range(r0, r1):
                for j in range(c0, c1):
                    out[i][j] = answered[(i, j)]
            continue
        if not held:  # a part holding a cell refused on its own is not called whole: it is split
            answer = call(*part_args(part))
            if r1 - r0 == 1 and c1 - c0 == 1:  # one cell: its value, or its own message
                if type(answer) is list:
                    if len(answer) != 1 or type(answer[0]) is not list or len(answer[0]) != 1:
                        return None
                    answer = answer[0][0]
                out[r0][c0] = answer
                continue
            if type(answer) is list and len(answer) == r1 - r0 and all(
                    type(row) is list and len(row) == c1 - c0 and not any(map(is_message, row)) for row in answer):
                for i, row in enumerate(answer):
                    out[r0 + i][c0:c1] = row
                continue
            if type(answer) is list or not is_message(answer):  # answered otherwise than one value a cell
                return None
        if r1 - r0 >= c1 - c0:  # refused (or holding cells refused on their own): each half, the first first
            middle = (r0 + r1) // 2
            todo += [(middle, r1, c0, c1), (r0, middle, c0, c1)]
        else:
            middle = (c0 + c1) // 2
            todo += [(r0, r1, middle, c1), (r0, r1, c0, middle)]
    return out


__all__ = ["MAX_CELLS", "cell_by_cell", "range_shape"]
