"""The computed cells of one sheet — (row, column) -> (value, whether it is a date) — kept by the cell's
position packed in an integer, and a set of the cells that hold dates: no tuple per cell for its
position or its value.

Cells set in ascending position (as the read-back walks a sheet's formula cells) are kept as two
columns, the positions in an array and the values in a list: about 16 bytes a cell, where a dict
costs about 80 (its entry and an int object per key). A cell set out of that order (a spill's cells,
an array formula's area) turns the table into a dict by position, in the order the cells were set.

The values the vectorised runs set (:class:`ColumnValues`) are kept as the runs made them, a column
segment each: no key or dict entry per cell either; reading back takes them, or any cells' values,
packed by sheet in ascending position (:meth:`ColumnValues.by_sheet`, :func:`by_position`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import ItemsView, Iterable, Iterator, Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np

from trups_xl.core.arrays import member
from trups_xl.recalc.formula_cells import COLUMN_BITS

_COLUMN_MASK = (1 << COLUMN_BITS) - 1


class ComputedCells(MutableMapping[tuple[int, int], tuple[Any, bool]]):
    """A sheet's computed cells, in the order they were set (a cell set again keeps its place)."""

    __slots__ = ("_dates", "_keys", "_spread", "_values")

    def __init__(self) -> None:
        self._keys = array("q")  # packed positions, ascending, while the cells come in that order
        self._values: list[Any] = []  # their values
        self._spread: dict[int, Any] | None = None  # every cell by packed position, once one came out of order
        self._dates: set[int] = set()

    def put(self, row: int, col: int, value: Any, is_date: bool) -> None:
        """Set the cell at (row, col)."""
        if row < 0 or not 0 <= col <= _COLUMN_MASK:
            raise ValueError(f"no cell at row {row}, column {col}")
        self.put_packed(row << COLUMN_BITS | col, value, is_date)

    def put_packed(self, key: int, value: Any, is_date: bool) -> None:
        """Set the cell at packed position ``key`` (``row << COLUMN_BITS | col``, on the grid)."""
        spread = self._spread
        keys = self._keys
        if spread is not None:
            spread[key] = value
        elif not keys or key > keys[-1]:
            keys.append(key)
            self._values.append(value)
        else:
            at = bisect_left(keys, key)
            if keys[at] == key:
                self._values[at] = value
            else:
                self._spread = spread = dict(zip(keys, self._values, strict=True))
                self._keys, self._values = array("q"), []
                spread[key] = value
        if is_date:
            self._dates.add(key)
        elif self._dates:
            self._dates.discard(key)

    def extend_packed(self, keys: array[int], values: list[Any], dates: Iterable[int]) -> None:
        """Set cells at once: their packed positions (ascending, after every cell set so far), their
        values, and the positions of those that hold dates."""
        if len(keys) != len(values):
            raise ValueError("as many values as positions")
        if self._spread is not None or (keys and self._keys and keys[0] <= self._keys[-1]):
            for key, value in zip(keys, values, strict=True):
                self.put_packed(key, value, False)
        else:
            self._keys.extend(keys)
            self._values.extend(values)
        self._dates.update(dates)

    def value_at(self, key: int, default: Any = None) -> Any:
        """The value of the cell at packed position ``key``, or ``default`` when it is not set."""
        if self._spread is not None:
            return self._spread.get(key, default)
        keys = self._keys
        at = bisect_left(keys, key)
        return self._values[at] if at < len(keys) and keys[at] == key else default

    def columns(self) -> tuple[array[int], list[Any]] | dict[int, Any]:
        """The cells as kept, not to be changed: (the packed positions, ascending, and their values) while
        they were set in that order, else the values by packed position (for a reader of every cell)."""
        return self._spread if self._spread is not None else (self._keys, self._values)

    def dates(self) -> set[int]:
        """The packed positions of the cells that hold dates (not to be changed)."""
        return self._dates

    def packed_items(self) -> Iterator[tuple[int, Any]]:
        """(packed position, value) of every cell, in the order they were set (no tuple per position)."""
        if self._spread is not None:
            return iter(self._spread.items())
        return zip(self._keys, self._values, strict=True)

    @staticmethod
    def _key(key: object) -> int:
        if not isinstance(key, tuple) or len(key) != 2 or type(key[0]) is not int or type(key[1]) is not int:
            return -1
        row, col = key
        return row << COLUMN_BITS | col if row >= 0 and 0 <= col <= _COLUMN_MASK else -1

    def __getitem__(self, key: tuple[int, int]) -> tuple[Any, bool]:
        at = self._key(key)
        value = self.value_at(at, _ABSENT) if at >= 0 else _ABSENT
        if value is _ABSENT:
            raise KeyError(key)
        return value, at in self._dates

    def __contains__(self, key: object) -> bool:
        at = self._key(key)
        return at >= 0 and self.value_at(at, _ABSENT) is not _ABSENT

    def __setitem__(self, key: tuple[int, int], item: tuple[Any, bool]) -> None:
        self.put(key[0], key[1], item[0], item[1])

    def __delitem__(self, key: tuple[int, int]) -> None:
        at = self._key(key)
        if at < 0 or self.value_at(at, _ABSENT) is _ABSENT:
            raise KeyError(key)
        if self._spread is None:
            self._spread = dict(zip(self._keys, self._values, strict=True))
            self._keys, self._values = array("q"), []
        del self._spread[at]
        self._dates.discard(at)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for key, _value in self.packed_items():
            yield key >> COLUMN_BITS, key & _COLUMN_MASK

    def __len__(self) -> int:
        return len(self._spread) if self._spread is not None else len(self._keys)

    def items(self) -> ItemsView[tuple[int, int], tuple[Any, bool]]:
        return _Items(self)


class ColumnValues(Mapping[tuple[str, int, int], Any]):
    """Values set a column segment at a time (a run's cells), read as (sheet, row, column) -> value; a
    cell set again (a segment over cells set before) is kept on its own and read before the segments."""

    __slots__ = ("_count", "_over", "_segments", "_spans")

    def __init__(self) -> None:
        self._segments: list[tuple[str, int, int, list[Any]]] = []  # (sheet, column, first row, values)
        #: (sheet, column) -> (first row, last row, number of the segment), in ascending rows
        self._spans: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
        self._over: dict[tuple[str, int, int], Any] = {}  # cells set again, over a segment
        self._count = 0

    def put_column(self, sheet: str, first_row: int, col: int, values: list[Any]) -> None:
        """Set the cells of ``col`` from ``first_row`` down to ``values`` (the list is kept, not copied)."""
        if not values:
            return
        last = first_row + len(values) - 1
        spans = self._spans.setdefault((sheet, col), [])
        over = self._over
        if any(first <= last and first_row <= end for first, end, _n in spans) or (over and any(
                (sheet, row, col) in over for row in range(first_row, last + 1))):  # over cells set before
            for k, value in enumerate(values):
                key = (sheet, first_row + k, col)
                if key not in self:
                    self._count += 1
                self._over[key] = value
            return
        insort(spans, (first_row, last, len(self._segments)))
        self._segments.append((sheet, col, first_row, values))
        self._count += len(values)

    def _in_segment(self, key: tuple[str, int, int]) -> Any:
        spans = self._spans.get((key[0], key[2]))
        if not spans:
            return _ABSENT
        at = bisect_right(spans, (key[1], _PAST, _PAST)) - 1
        if at < 0 or spans[at][1] < key[1]:
            return _ABSENT
        first, _last, number = spans[at]
        return self._segments[number][3][key[1] - first]

    def __getitem__(self, key: tuple[str, int, int]) -> Any:
        value = self._over.get(key, _ABSENT) if self._over else _ABSENT
        if value is _ABSENT and isinstance(key, tuple) and len(key) == 3:
            value = self._in_segment(key)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 3:
            return False
        return key in self._over or self._in_segment(key) is not _ABSENT

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        over = self._over
        for sheet, col, first, values in self._segments:
            for row in range(first, first + len(values)):
                if not over or (sheet, row, col) not in over:
                    yield sheet, row, col
        yield from over

    def __len__(self) -> int:
        return self._count

    def by_sheet(self) -> dict[str, tuple[array[int], list[Any]]]:
        """The cells by sheet, as their packed positions in ascending order and their values (two columns,
        made a segment at a time)."""
        if self._over:  # cells set again: each read as the mapping reads it
            return by_position(self)
        parts: dict[str, tuple[array[int], list[Any]]] = {}
        step = 1 << COLUMN_BITS
        for sheet, col, first, values in self._segments:
            keys, kept = parts.setdefault(sheet, (array("q"), []))
            start = first << COLUMN_BITS | col
            keys.extend(range(start, start + step * len(values), step))
            kept.extend(values)
        return {sheet: _ascending(keys, kept) for sheet, (keys, kept) in parts.items()}


def by_position(values: Mapping[tuple[str, int, int], Any]) -> dict[str, tuple[array[int], list[Any]]]:
    """``values`` by sheet, as the packed positions in ascending order and their values (two columns:
    no dict entry or int object kept per cell)."""
    out: dict[str, tuple[array[int], list[Any]]] = {}
    for (title, row, col), value in values.items():
        keys, kept = out.get(title) or out.setdefault(title, (array("q"), []))
        keys.append(row << COLUMN_BITS | col)
        kept.append(value)
    return {title: _ascending(keys, kept) for title, (keys, kept) in out.items()}


def held(positions: AbstractSet[int], keys: array[int]) -> list[int]:
    """The packed ``positions`` that are among ``keys`` (packed positions, ascending), found at once (a column
    of dates a run set is tens of thousands of positions: no search of its own each)."""
    if not positions or not keys:
        return []
    found = np.fromiter(positions, dtype=np.int64, count=len(positions))
    kept: list[int] = found[member(found, np.frombuffer(keys, dtype=np.int64))].tolist()
    return kept


def _ascending(keys: array[int], kept: list[Any]) -> tuple[array[int], list[Any]]:
    """Packed positions and their values put in ascending position (as they are, where they are), each
    position's values in the order given."""
    packed = np.frombuffer(keys, dtype=np.int64)
    if packed.size < 2 or bool(np.all(packed[1:] > packed[:-1])):
        return keys, kept
    order = np.argsort(packed, kind="stable")
    ordered = array("q")
    ordered.frombytes(packed[order].tobytes())
    return ordered, list(map(kept.__getitem__, order.tolist()))


#: Past any row or segment number: (row, _PAST, _PAST) sorts after every span starting at row.
_PAST = 1 << 62

#: What :meth:`ComputedCells.value_at` is given to tell a cell not set from a cell set to None.
_ABSENT = object()


class _Items(ItemsView[tuple[int, int], tuple[Any, bool]]):
    _mapping: ComputedCells

    def __iter__(self) -> Iterator[tuple[tuple[int, int], tuple[Any, bool]]]:
        dates = self._mapping.dates()
        for key, value in self._mapping.packed_items():
            yield (key >> COLUMN_BITS, key & _COLUMN_MASK), (value, key in dates)
