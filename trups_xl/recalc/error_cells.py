"""The cells of a recalculated workbook that show an error, as the summary lists them (``Sheet!B7: #DIV/0!``),
kept as their positions and their values and written out only when read.

A ledger can refuse a call on most of its rows by design (a coupon asked on every day under ``IFERROR``
shows each day's message): 100,000 such lines written at once took about 27 MB beside the values
themselves, and the summary shows twenty of them and a count per sheet. Here each error cell costs a
position in an array and a reference to the value its cell already holds (16 bytes).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any, overload

from trups_xl.recalc.addresses import a1
from trups_xl.recalc.formula_cells import COLUMN_BITS

_COLUMN_MASK = (1 << COLUMN_BITS) - 1


class ErrorCells(Sequence[str]):
    """Every error cell as the line ``Sheet!A1: value``, sheet by sheet and by position within a sheet; equal
    to any sequence of the same lines (a list of them included)."""

    __slots__ = ("_ends", "_positions", "_titles", "_values")

    def __init__(self) -> None:
        self._titles: list[str] = []
        self._ends: list[int] = []  # how many lines there are up to the end of each sheet
        self._positions = array("q")  # packed positions (row << COLUMN_BITS | column)
        self._values: list[Any] = []  # the value each cell shows, as reported

    def add_sheet(self, title: str, cells: list[tuple[int, Any]]) -> None:
        """The error cells of sheet ``title``: (packed position, value as reported), in any order."""
        if not cells:
            return
        cells.sort(key=lambda cell: cell[0])
        self._titles.append(title)
        self._positions.extend(position for position, _value in cells)
        self._values.extend(value for _position, value in cells)
        self._ends.append(len(self._values))

    def counts(self, start: int = 0) -> dict[str, int]:
        """How many lines from the ``start``-th on each sheet holds, sheet by sheet (sheets with none left out)."""
        counts: dict[str, int] = {}
        begin = 0
        for title, end in zip(self._titles, self._ends, strict=True):
            if end > start:
                counts[title] = counts.get(title, 0) + end - max(begin, start)
            begin = end
        return counts

    def _line(self, k: int) -> str:
        position = self._positions[k]
        title = self._titles[bisect_right(self._ends, k)]
        return f"{title}!{a1(position >> COLUMN_BITS, position & _COLUMN_MASK)}: {self._values[k]}"

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._line(k) for k in range(*index.indices(len(self._values)))]
        if index < 0:
            index += len(self._values)
        if not 0 <= index < len(self._values):
            raise IndexError("error cell index out of range")
        return self._line(index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[str]:
        return (self._line(k) for k in range(len(self._values)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # as a list's: it compares by its lines

    def __repr__(self) -> str:
        return f"ErrorCells({list(self)!r})"


__all__ = ["ErrorCells"]
