"""The formula cells of one sheet, kept as columns — positions, styles, formula texts — with no
Python object per cell: a sheet of 200,000 formulas costs its formulas' texts and a few bytes a
cell. A cell is read as a :class:`FormulaCell`, made when it is asked for. A shared formula's later
cells (Excel saves a filled-down column so: only the group's index) are kept as columns too, read a
group at a time (:class:`SharedGroup`); the few other cells that are not a plain formula (a shared
formula's first cell, an array, a dynamic array) are kept whole.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from itertools import islice, repeat

import numpy as np

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


def _follower(cell: FormulaCell) -> bool:
    """Whether ``cell`` is a shared formula's later cell holding nothing but the group's index."""
    return (cell.kind == "shared" and cell.text is None and cell.area is None and cell.shared_index is not None
            and not cell.dynamic)


@dataclass(slots=True)
class SharedGroup:
    """One shared formula's cells on a sheet: those kept whole (its first cell, holding the formula and
    the area it is shared over, and any other with a text or area of its own), and the later cells
    holding only the group's index, as packed positions (``row << COLUMN_BITS | col``), ascending."""

    index: str
    cells: list[FormulaCell]
    followers: array[int]

    def first(self) -> FormulaCell | None:
        """The cell holding the group's formula and area, or None (a group cut short)."""
        return next((c for c in self.cells if c.text is not None and c.area is not None), None)

    def follower_rows(self) -> list[int]:
        """The followers' rows, in their order."""
        return list(map(operator.rshift, self.followers, repeat(COLUMN_BITS)))

    def follower_columns(self) -> list[int]:
        """The followers' columns, in their order."""
        return list(map(operator.and_, self.followers, repeat(_COLUMN_MASK)))

    def positions(self) -> list[tuple[int, int]]:
        """Every cell's (row, column): those kept whole, then the followers."""
        return [(c.row, c.col) for c in self.cells] + list(zip(self.follower_rows(), self.follower_columns(),
                                                              strict=True))

    def follower_keys(self, title: str) -> Iterator[tuple[str, int, int]]:
        """The followers as (sheet, row, column) keys of sheet ``title``."""
        return zip(repeat(title), self.follower_rows(), self.follower_columns(), strict=False)  # repeat: endless

    def column_extent(self) -> tuple[int, int, int] | None:
        """(column, top row, bottom row) where every cell is in one column, else None."""
        keys = self.followers
        cols = {c.col for c in self.cells} | set(self.follower_columns())
        if len(cols) != 1:
            return None
        rows = [c.row for c in self.cells] + ([keys[0] >> COLUMN_BITS, keys[-1] >> COLUMN_BITS] if keys else [])
        return cols.pop(), min(rows), max(rows)

    def __len__(self) -> int:
        return len(self.cells) + len(self.followers)


class FormulaCells(Mapping[tuple[int, int], FormulaCell]):
    """A sheet's formula cells by (row, column), in row then column order."""

    __slots__ = ("_group_names", "_group_numbers", "_groups", "_keys", "_ordered", "_shared", "_special",
                 "_styles", "_texts")

    def __init__(self) -> None:
        self._keys = array("q")
        self._styles = array("I")
        self._texts: list[str | None] = []
        self._groups = array("i")  # the shared formula a later cell belongs to (its number), else -1
        self._group_names: list[str] = []  # each shared formula's index by its number
        self._group_numbers: dict[str, int] = {}
        self._special: dict[int, FormulaCell] = {}  # array, dynamic and shared cells but the later ones, whole
        self._ordered = True  # keys ascending, each once
        self._shared: dict[str, SharedGroup] | None = None  # the groups, once read

    def add_formula(self, row: int, col: int, style: int, text: str) -> None:
        """Add a plain formula cell (a formula of its own, not shared, not an array)."""
        key = row << COLUMN_BITS | col
        if self._keys and key <= self._keys[-1]:
            self._ordered = False
        self._keys.append(key)
        self._styles.append(min(style, _MOST_STYLE))
        self._texts.append(text)
        self._groups.append(-1)
        self._shared = None
        if self._special:
            self._special.pop(key, None)

    def extend(self, keys: array[int], styles: array[int], texts: Sequence[str | None],
               groups: array[int] | None = None) -> None:
        """Add plain formula cells given as columns: positions packed as ``row << COLUMN_BITS | col``,
        styles (at most 2**32 - 1) and texts (what :meth:`add_formula` does for each, at once); or, with
        ``groups``, a shared formula's later cells (texts None) and the number of each one's group."""
        if self._special and not self._special.keys().isdisjoint(keys):
            for key in keys:
                self._special.pop(key, None)
        follows = not self._keys or not keys or keys[0] > self._keys[-1]
        if not follows or not all(map(operator.lt, keys, islice(keys, 1, None))):
            self._ordered = False
        self._keys.extend(keys)
        self._styles.extend(styles)
        self._texts.extend(texts)
        self._groups.extend(groups if groups is not None else array("i", repeat(-1, len(keys))))
        self._shared = None

    def _group_number(self, index: str) -> int:
        number = self._group_numbers.get(index)
        if number is None:
            number = self._group_numbers[index] = len(self._group_names)
            self._group_names.append(index)
        return number

    def extend_followers(self, rows: list[int], cols: list[int], styles: list[int], indices: list[str]) -> None:
        """Add a shared formula's later cells (``<f t="shared" si="3"/>``), each given by its row,
        column, style and group index, at once."""
        for index in set(indices).difference(self._group_numbers):
            self._group_number(index)
        self.extend(array("q", map(operator.or_, map(operator.lshift, rows, repeat(COLUMN_BITS)), cols)),
                    array("I", map(min, styles, repeat(_MOST_STYLE))), [None] * len(rows),
                    array("i", map(self._group_numbers.__getitem__, indices)))

    def add(self, cell: FormulaCell) -> None:
        """Add any formula cell."""
        if _follower(cell):
            assert cell.shared_index is not None
            self.extend_followers([cell.row], [cell.col], [cell.style], [cell.shared_index])
            return
        self.add_formula(cell.row, cell.col, cell.style, cell.text or "")
        self._texts[-1] = cell.text
        if cell.kind != "normal" or cell.area is not None or cell.shared_index is not None or cell.dynamic:
            self._special[self._keys[-1]] = cell

    def clear(self) -> None:
        self._keys, self._styles, self._texts, self._special, self._ordered = array("q"), array("I"), [], {}, True
        self._groups, self._group_names, self._group_numbers, self._shared = array("i"), [], {}, None

    def _order(self) -> None:
        """Sort the cells by position, the last of two cells at one position kept (as a dict would)."""
        last: dict[int, int] = {}
        for i, key in enumerate(self._keys):
            last[key] = i
        order = [last[key] for key in sorted(last)]
        self._keys = array("q", (self._keys[i] for i in order))
        self._styles = array("I", (self._styles[i] for i in order))
        self._texts = [self._texts[i] for i in order]
        self._groups = array("i", (self._groups[i] for i in order))
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
        group = self._groups[at]
        if group >= 0:
            return FormulaCell(key >> COLUMN_BITS, key & _COLUMN_MASK, self._styles[at], "shared", None,
                               shared_index=self._group_names[group])
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

    def forget_texts(self) -> None:
        """Let go of the plain formulas' texts (about 90 bytes a cell), keeping the cells, their styles and
        the cells kept whole: for a reader that needs no text once the engine holds the formulas."""
        self._texts = [None] * len(self._texts)

    def replace_texts(self, texts: Mapping[tuple[int, int], str]) -> None:
        """Give the cells at the positions of ``texts`` (each holding a formula with a text: plain or kept
        whole) those texts instead (a formula written out as the engine's copy holds it), found at once."""
        if not texts:
            return
        if not self._ordered:
            self._order()
        wanted = np.fromiter((row << COLUMN_BITS | col for row, col in texts), dtype=np.int64, count=len(texts))
        stored = np.frombuffer(self._keys, dtype=np.int64) if self._keys.itemsize == 8 else np.array(self._keys)
        at = np.searchsorted(stored, wanted)
        held = at < stored.size
        held[held] = stored[at[held]] == wanted[held]
        if not held.all():
            raise KeyError(next(k for k, h in zip(texts, held.tolist(), strict=True) if not h))
        own = self._texts
        special = self._special
        for k, text, key in zip(at.tolist(), texts.values(), wanted.tolist(), strict=True):
            if own[k] is None:
                raise KeyError((key >> COLUMN_BITS, key & _COLUMN_MASK))
            own[k] = text
            if special and key in special:
                special[key].text = text

    def kept_whole(self) -> list[FormulaCell]:
        """The cells kept whole — arrays, dynamic arrays, a shared formula's first cell — in order (a
        shared formula's later cells are :meth:`shared_groups`')."""
        return [self._special[key] for key in sorted(self._special)]

    def shared_groups(self) -> dict[str, SharedGroup]:
        """Each shared formula's cells by its index (read once, until a cell is added)."""
        if self._shared is None:
            if not self._ordered:
                self._order()
            followers = self._followers() if self._group_names else {}
            shared: dict[str, SharedGroup] = {}
            for cell in self.kept_whole():
                if cell.kind == "shared" and cell.shared_index is not None:
                    whole = shared.get(cell.shared_index)
                    if whole is None:
                        whole = shared[cell.shared_index] = SharedGroup(cell.shared_index, [], array("q"))
                    whole.cells.append(cell)
            for number, keys in followers.items():
                index = self._group_names[number]
                later = shared.get(index)
                if later is None:
                    shared[index] = SharedGroup(index, [], keys)
                else:
                    later.followers = keys
            self._shared = shared
        return self._shared

    def covered(self, row: int, col: int, special: FormulaCell | None) -> list[tuple[int, int]]:
        """The cells whose formula a text read at (``row``, ``col``) is (``special``: the cell there, where it is not a
        plain formula): a shared formula's whole group, its first cell and its copies; else the cell alone."""
        group = self.shared_groups().get(special.shared_index or "") if special is not None and \
            special.kind == "shared" else None
        return group.positions() if group is not None else [(row, col)]

    def _followers(self) -> dict[int, array[int]]:
        """Each shared formula's later cells (packed, ascending) by its number, the formulas in the order
        their first later cell comes: found with no Python step per cell."""
        groups = np.frombuffer(self._groups, dtype=np.int32) if self._groups.itemsize == 4 else \
            np.array(self._groups, dtype=np.int64)
        at = np.flatnonzero(groups >= 0)
        if not at.size:
            return {}
        order = np.argsort(groups[at], kind="stable")  # by group, each group's cells in ascending position
        members = at[order]
        numbers = groups[members]
        starts = np.flatnonzero(np.diff(numbers)) + 1
        bounds = list(zip([0, *starts.tolist()], [*starts.tolist(), len(members)], strict=True))
        keys = np.frombuffer(self._keys, dtype=np.int64)[members]
        out: dict[int, array[int]] = {}
        for first, end in sorted(bounds, key=lambda b: int(members[b[0]])):
            column = array("q")
            column.frombytes(keys[first:end].tobytes())
            out[int(numbers[first])] = column
        return out

    def holding(self, *parts: str, where: Callable[[str], object] | None = None,
                ) -> list[tuple[int, int, str | None, FormulaCell | None]]:
        """:meth:`texts` of the cells whose formula holds any of ``parts``, or of which ``where`` is true (a
        pattern's ``search``: found without a Python object for the cells that do not)."""
        if not self._ordered:
            self._order()
        found = sorted({at for part in parts for at, text in enumerate(self._texts) if text and part in text} | (
            {at for at, text in enumerate(self._texts) if text and where(text)} if where else set()))
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
