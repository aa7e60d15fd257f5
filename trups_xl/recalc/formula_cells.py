"""The formula cells of one sheet, kept as columns — positions, styles, formula texts — with no
Python object per cell: a sheet of 200,000 formulas costs its formulas' texts and a few bytes a
cell. A cell is read as a :class:`FormulaCell`, made when it is asked for; the few cells that are
not a plain formula (shared, array, dynamic array) are kept whole.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from itertools import islice, repeat

#: A cell's position packed in one integer: row * 2**15 + column (three letters reach column 18,278).
COLUMN_BITS = 15
_COLUMN_MASK = (1 << COLUMN_BITS) - 1
#: A style index beyond any cellXfs list is kept as this (it reads as General, as it did).
_MOST_STYLE = 2**32 - 1


@dataclass(slots=True)
class FormulaCell:
    """A cell whose ``<c>`` holds an ``<f>``."""

    row: int
    col: int
    style: int
    kind: str  # "normal", "shared" or "array"
    text: str | None  # the formula with its "=", or None for a shared formula's follower
    area: str | None = None  # an array formula's range (or a shared formula's)
    shared_index: str | None = None
    dynamic: bool = False  # saved by Excel 365 as a dynamic array (cell metadata)


class FormulaCells(Mapping[tuple[int, int], FormulaCell]):
    """A sheet's formula cells by (row, column), in row then column order."""

    __slots__ = ("_keys", "_ordered", "_special", "_styles", "_texts")

    def __init__(self) -> None:
        self._keys = array("q")
        self._styles = array("I")
        self._texts: list[str | None] = []
        self._special: dict[int, FormulaCell] = {}  # shared, array and dynamic cells, whole
        self._ordered = True  # keys ascending, each once

    def add_formula(self, row: int, col: int, style: int, text: str) -> None:
        """Add a plain formula cell (a formula of its own, not shared, not an array)."""
        key = row << COLUMN_BITS | col
        if self._keys and key <= self._keys[-1]:
            self._ordered = False
        self._keys.append(key)
        self._styles.append(min(style, _MOST_STYLE))
        self._texts.append(text)
        if self._special:
            self._special.pop(key, None)

    def extend(self, keys: array[int], styles: array[int], texts: Sequence[str | None]) -> None:
        """Add plain formula cells given as columns: positions packed as ``row << COLUMN_BITS | col``,
        styles (at most 2**32 - 1) and texts (what :meth:`add_formula` does for each, at once)."""
        if self._special:
            for key in keys:
                self._special.pop(key, None)
        follows = not self._keys or not keys or keys[0] > self._keys[-1]
        if not follows or not all(map(operator.lt, keys, islice(keys, 1, None))):
            self._ordered = False
        self._keys.extend(keys)
        self._styles.extend(styles)
        self._texts.extend(texts)

    def extend_cells(self, cells: list[FormulaCell]) -> None:
        """Add cells that are not a plain formula (a shared formula's later cells), in order, at once."""
        keys = array("q", map(operator.or_, map(operator.lshift, map(operator.attrgetter("row"), cells),
                                               repeat(COLUMN_BITS)), map(operator.attrgetter("col"), cells)))
        self.extend(keys, array("I", map(min, map(operator.attrgetter("style"), cells), repeat(_MOST_STYLE))),
                    [c.text for c in cells])
        self._special.update(zip(keys, cells, strict=True))

    def add(self, cell: FormulaCell) -> None:
        """Add any formula cell."""
        self.add_formula(cell.row, cell.col, cell.style, cell.text or "")
        self._texts[-1] = cell.text
        if cell.kind != "normal" or cell.area is not None or cell.shared_index is not None or cell.dynamic:
            self._special[self._keys[-1]] = cell

    def clear(self) -> None:
        self._keys, self._styles, self._texts, self._special, self._ordered = array("q"), array("I"), [], {}, True

    def _order(self) -> None:
        """Sort the cells by position, the last of two cells at one position kept (as a dict would)."""
        last: dict[int, int] = {}
        for i, key in enumerate(self._keys):
            last[key] = i
        order = [last[key] for key in sorted(last)]
        self._keys = array("q", (self._keys[i] for i in order))
        self._styles = array("I", (self._styles[i] for i in order))
        self._texts = [self._texts[i] for i in order]
        self._ordered = True

    def _index(self, key: object) -> int:
        """Where the cell at position ``key`` is kept, or -1."""
        if not isinstance(key, tuple) or len(key) != 2 or type(key[0]) is not int or type(key[1]) is not int:
            return -1
        row, col = key
        if row < 0 or not 0 <= col <= _COLUMN_MASK:
            return -1
        if not self._ordered:
            self._order()
        packed = row << COLUMN_BITS | col
        at = bisect_left(self._keys, packed)
        return at if at < len(self._keys) and self._keys[at] == packed else -1

    def _cell(self, at: int) -> FormulaCell:
        key = self._keys[at]
        special = self._special.get(key)
        if special is not None:
            return special
        return FormulaCell(key >> COLUMN_BITS, key & _COLUMN_MASK, self._styles[at], "normal", self._texts[at])

    def __getitem__(self, key: tuple[int, int]) -> FormulaCell:
        at = self._index(key)
        if at < 0:
            raise KeyError(key)
        return self._cell(at)

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __iter__(self) -> Iterator[tuple[int, int]]:
        if not self._ordered:
            self._order()
        for key in self._keys:
            yield key >> COLUMN_BITS, key & _COLUMN_MASK

    def __len__(self) -> int:
        if not self._ordered:
            self._order()
        return len(self._keys)

    def items(self) -> ItemsView[tuple[int, int], FormulaCell]:
        return _Items(self)

    def values(self) -> ValuesView[FormulaCell]:
        return _Values(self)

    def texts(self) -> Iterator[tuple[int, int, str | None, FormulaCell | None]]:
        """Each cell's row, column and formula text, and the cell itself when it is not a plain
        formula (shared, array, dynamic array); no object is made for a plain formula."""
        if not self._ordered:
            self._order()
        special = self._special
        rows: dict[int, int] = {}  # one int object per row, shared by the keys made from its cells
        for key, text in zip(self._keys, self._texts, strict=True):
            row = key >> COLUMN_BITS
            yield rows.setdefault(row, row), key & _COLUMN_MASK, text, special.get(key) if special else None

    def packed(self) -> tuple[array[int], list[str | None], Mapping[int, FormulaCell]]:
        """The cells as kept, in row then column order: their positions packed as ``row << COLUMN_BITS
        | col``, their texts, and the cells that are not a plain formula by packed position (for a
        reader of every cell: no tuple made per cell; not to be changed)."""
        if not self._ordered:
            self._order()
        return self._keys, self._texts, self._special

    def kept_whole(self) -> list[FormulaCell]:
        """The cells that are not a plain formula (shared, array, dynamic array), in order."""
        return [self._special[key] for key in sorted(self._special)]

    def holding(self, *parts: str) -> list[tuple[int, int, str | None, FormulaCell | None]]:
        """:meth:`texts` of the cells whose formula holds any of ``parts`` (found without a Python
        object for the cells that do not)."""
        if not self._ordered:
            self._order()
        found = sorted({at for part in parts for at, text in enumerate(self._texts) if text and part in text})
        return [(self._keys[at] >> COLUMN_BITS, self._keys[at] & _COLUMN_MASK, self._texts[at],
                 self._special.get(self._keys[at])) for at in found]

    def style(self, row: int, col: int) -> int | None:
        """The style of the cell at (row, col), or None when it holds no formula."""
        at = self._index((row, col))
        return self._styles[at] if at >= 0 else None


class _Items(ItemsView[tuple[int, int], FormulaCell]):
    _mapping: FormulaCells

    def __iter__(self) -> Iterator[tuple[tuple[int, int], FormulaCell]]:
        cells = self._mapping
        for at, key in enumerate(cells):
            yield key, cells._cell(at)


class _Values(ValuesView[FormulaCell]):
    _mapping: FormulaCells

    def __iter__(self) -> Iterator[FormulaCell]:
        cells = self._mapping
        for at in range(len(cells)):
            yield cells._cell(at)
