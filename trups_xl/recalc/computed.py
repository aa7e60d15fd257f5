"""The computed cells of one sheet — (row, column) -> (value, whether it is a date) — kept as one
dict keyed by the cell's position packed in an integer and a set of the cells that hold dates: no
tuple per cell for its position or its value, about half the memory of a dict of tuples.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, MutableMapping
from typing import Any

from trups_xl.recalc.formula_cells import COLUMN_BITS

_COLUMN_MASK = (1 << COLUMN_BITS) - 1


class ComputedCells(MutableMapping[tuple[int, int], tuple[Any, bool]]):
    """A sheet's computed cells, in the order they were set."""

    __slots__ = ("_dates", "_values")

    def __init__(self) -> None:
        self._values: dict[int, Any] = {}
        self._dates: set[int] = set()

    def put(self, row: int, col: int, value: Any, is_date: bool) -> None:
        """Set the cell at (row, col)."""
        if row < 0 or not 0 <= col <= _COLUMN_MASK:
            raise ValueError(f"no cell at row {row}, column {col}")
        key = row << COLUMN_BITS | col
        self._values[key] = value
        if is_date:
            self._dates.add(key)
        elif self._dates:
            self._dates.discard(key)

    def stored(self) -> tuple[dict[int, Any], set[int]]:
        """The values by packed position (row * 2**15 + column) and the packed positions of the dates, as
        kept (for a reader of every cell: no tuple made per cell)."""
        return self._values, self._dates

    @staticmethod
    def _key(key: object) -> int:
        if not isinstance(key, tuple) or len(key) != 2 or type(key[0]) is not int or type(key[1]) is not int:
            return -1
        row, col = key
        return row << COLUMN_BITS | col if row >= 0 and 0 <= col <= _COLUMN_MASK else -1

    def __getitem__(self, key: tuple[int, int]) -> tuple[Any, bool]:
        at = self._key(key)
        if at < 0 or at not in self._values:
            raise KeyError(key)
        return self._values[at], at in self._dates

    def __contains__(self, key: object) -> bool:
        return self._key(key) in self._values

    def __setitem__(self, key: tuple[int, int], item: tuple[Any, bool]) -> None:
        self.put(key[0], key[1], item[0], item[1])

    def __delitem__(self, key: tuple[int, int]) -> None:
        at = self._key(key)
        if at < 0 or at not in self._values:
            raise KeyError(key)
        del self._values[at]
        self._dates.discard(at)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for key in self._values:
            yield key >> COLUMN_BITS, key & _COLUMN_MASK

    def __len__(self) -> int:
        return len(self._values)

    def items(self) -> ItemsView[tuple[int, int], tuple[Any, bool]]:
        return _Items(self)


class _Items(ItemsView[tuple[int, int], tuple[Any, bool]]):
    _mapping: ComputedCells

    def __iter__(self) -> Iterator[tuple[tuple[int, int], tuple[Any, bool]]]:
        values, dates = self._mapping.stored()
        for key, value in values.items():
            yield (key >> COLUMN_BITS, key & _COLUMN_MASK), (value, key in dates)
