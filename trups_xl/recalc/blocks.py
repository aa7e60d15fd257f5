"""Formulas copied down a column, grouped in blocks: consecutive rows of one column, each holding the
block's first formula with its relative rows moved (:class:`.calls.Copied`), found a stretch of copies
at a time; the blocks of the formulas calling a ``TRUPS_*`` function; the cells of some blocks as a
set of keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import repeat

from trups_xl.recalc.calls import Copied, Key, names_trups


@dataclass
class Block:
    """Formulas of one shape in consecutive rows of one column (a formula copied down)."""

    sheet: str
    col: int
    first_row: int
    text: str  # the first row's formula
    count: int = 1

    @property
    def last_row(self) -> int:
        return self.first_row + self.count - 1


#: Copies compared at once when a block is first extended; doubled each time they all match (a
#: column of 10,000 copies is compared in a dozen list comparisons, a column of different formulas
#: costs a few comparisons a cell).
FIRST_STRETCH = 8


def blocks(formulas: dict[Key, str], columns: dict[tuple[str, int], list[int]]) -> list[Block]:
    """The formulas at the rows of ``columns`` ((sheet, column) -> its rows, ascending) as blocks of
    one shape, by sheet, column and row. Each block's copies are compared with the copies its first
    formula makes (:meth:`.calls.Copied.copies`) a stretch at a time, not a cell at a time."""
    out: list[Block] = []
    for sheet, col in sorted(columns):
        rows = columns[(sheet, col)]
        texts = list(map(formulas.__getitem__, zip(repeat(sheet), rows, repeat(col))))
        count = len(rows)
        j = 0
        while j < count:
            block = Block(sheet, col, rows[j], texts[j])
            out.append(block)
            template = Copied(texts[j])
            j += 1
            size = FIRST_STRETCH
            while j < count:
                stop = min(count, j + size)
                if rows[stop - 1] - rows[j - 1] != stop - j:  # distinct rows, ascending: a gap among them
                    stop = _consecutive_end(rows, j, stop)  # the rows past it start another block
                    if stop == j:
                        break
                expected = template.copies(list(range(block.count, block.count + stop - j)))
                actual = texts[j:stop]
                if expected == actual:
                    block.count += stop - j
                    j = stop
                    size *= 2
                    continue
                same = next(k for k, (a, b) in enumerate(zip(expected, actual, strict=True)) if a != b)
                block.count += same
                j += same
                break
    return out


def _consecutive_end(rows: list[int], j: int, stop: int) -> int:
    """The end of the rows from ``j`` (before ``stop``) that follow ``rows[j - 1]`` one by one."""
    k = j
    while k < stop and rows[k] == rows[k - 1] + 1:
        k += 1
    return k


def trups_blocks(formulas: dict[Key, str]) -> list[Block]:
    """The formulas calling a ``TRUPS_*`` function, as blocks of one shape."""
    columns: dict[tuple[str, int], list[int]] = {}
    for (sheet, row, col), text in formulas.items():
        if names_trups(text):
            found = columns.get((sheet, col))
            if found is None:
                found = columns[(sheet, col)] = []
            found.append(row)
    for rows in columns.values():
        rows.sort()  # already in order where the scan read the sheet row by row
    return blocks(formulas, columns)


class BlockCells(AbstractSet[Key]):
    """The cells of some blocks as (sheet, row, column) keys, with no key kept per cell."""

    def __init__(self, blocks: Iterable[Block] = ()) -> None:
        self.blocks = list(blocks)
        self._spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for b in self.blocks:
            self._spans[(b.sheet, b.col)].append((b.first_row, b.last_row))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 3:
            return False
        spans = self._spans.get((key[0], key[2]))
        return spans is not None and any(first <= key[1] <= last for first, last in spans)

    def __iter__(self) -> Iterator[Key]:
        for b in self.blocks:
            for k in range(b.count):
                yield b.sheet, b.first_row + k, b.col

    def __len__(self) -> int:
        return sum(b.count for b in self.blocks)
