"""A sheet's formula cells as column segments of consecutive rows, and their values read back from the
engine by segment: the rectangle around them at once when they fill most of it, else a segment at a
time; which segments hold something and which of their cells may anchor a spill (one engine call per
segment, not one per cell).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable
from typing import Any

import formualizer as fz
import numpy as np

from trups_xl.recalc.addresses import a1, area_bounds, coordinate
from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.safety import EXCEL_ROWS


def column_segments(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Cells as column segments of consecutive rows: (column, first row, last row)."""
    by_column: dict[int, list[int]] = {}
    for row, col in cells:
        by_column.setdefault(col, []).append(row)
    out: list[tuple[int, int, int]] = []
    for col in sorted(by_column):
        rows = sorted(by_column[col])
        if rows == list(range(rows[0], rows[-1] + 1)):  # one segment (found without a step per cell)
            out.append((col, rows[0], rows[-1]))
            continue
        first = last = rows[0]
        for row in rows:
            if row == last + 1:
                last = row
            elif row != first:
                out.append((col, first, last))
                first = last = row
        out.append((col, first, last))
    return out


#: A sheet's cells are read in one rectangle when it holds at most this many cells more than twice
#: the cells read and every column between its first and last holds some of them (else a column segment
#: at a time: a run's column between two read, its values known, would be read only to be dropped).
SPARE_CELLS = 4_096


#: A cell between two segments of a column read densely (not read).
GAP = object()


class SegmentValues:
    """The engine's values of the segments' cells: the rectangle around them read at once when they
    fill most of it, else one read per segment, kept as one list per segment (no key per cell)."""

    def __init__(self, book: fz.Workbook, sheet: str, segments: list[tuple[int, int, int]]) -> None:
        handle = book.sheet(sheet)
        self._by_column: dict[int, tuple[list[int], list[list[Any]]]] = {}
        self.rows: list[list[Any]] = []
        self.origin = (0, 0)
        #: column -> (its first row read, its values from there on, :data:`GAP` between segments),
        #: for the columns whose segments fill most of their span (read without a search)
        self.dense: dict[int, tuple[int, list[Any]]] = {}
        if not segments:
            return
        r1, r2 = min(s[1] for s in segments), max(s[2] for s in segments)
        c1, c2 = segments[0][0], segments[-1][0]
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 2 * sum(s[2] - s[1] + 1 for s in segments) + SPARE_CELLS and \
                len({s[0] for s in segments}) == c2 - c1 + 1:
            self.rows = handle.get_values(fz.RangeAddress(sheet, r1, c1, r2, c2))
            self.origin = (r1, c1)
            return
        for col, first, last in segments:
            starts, columns = self._by_column.setdefault(col, ([], []))
            starts.append(first)
            columns.append([line[0] if line else None
                            for line in handle.get_values(fz.RangeAddress(sheet, first, col, last, col))])
        for col, (starts, columns) in self._by_column.items():
            span = starts[-1] + len(columns[-1]) - starts[0]
            if span <= 2 * sum(map(len, columns)) + SPARE_CELLS:
                dense: list[Any] = [GAP] * span
                for first, values in zip(starts, columns, strict=True):
                    dense[first - starts[0]:first - starts[0] + len(values)] = values
                self.dense[col] = (starts[0], dense)

    def values(self, col: int, first: int, last: int) -> list[Any]:
        """The values of the cells of column ``col`` from row ``first`` to ``last`` (None for a cell not
        read): a segment's own list when it was read alone."""
        r0, j = first - self.origin[0], col - self.origin[1]
        if self.rows and r0 >= 0 and j >= 0:
            got = [line[j] if j < len(line) else None for line in self.rows[r0:r0 + last - first + 1]]
            return got + [None] * (last - first + 1 - len(got))
        found = self._by_column.get(col)
        if found is not None:
            at = bisect.bisect_right(found[0], first) - 1
            if at >= 0 and found[0][at] == first and len(found[1][at]) == last - first + 1:
                return found[1][at]
        return [self.get(row, col)[1] for row in range(first, last + 1)]

    def get(self, row: int, col: int) -> tuple[bool, Any]:
        """(found, value) of one cell."""
        if self.rows:
            i, j = row - self.origin[0], col - self.origin[1]
            if 0 <= i < len(self.rows) and 0 <= j < len(self.rows[i]):
                return True, self.rows[i][j]
            return False, None
        found = self._by_column.get(col)
        if found is None:
            return False, None
        starts, columns = found
        at = bisect.bisect_right(starts, row) - 1
        if at < 0 or row - starts[at] >= len(columns[at]):
            return False, None
        return True, columns[at][row - starts[at]]


def holding(grid: SegmentValues, segments: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The parts of ``segments`` whose cells hold something in the engine (a formula's cell reads as
    a value, even an empty text; a cell left blank reads as None)."""
    out: list[tuple[int, int, int]] = []
    for col, first, last in segments:
        values = grid.values(col, first, last)
        if None not in values:  # the whole segment (found without a step per cell)
            out.append((col, first, last))
            continue
        start = 0
        for row, value in enumerate(values, first):
            if value is not None:
                start = start or row
            elif start:
                out.append((col, start, row - 1))
                start = 0
        if start:
            out.append((col, start, last))
    return out


def may_spill(segments: list[tuple[int, int, int]], holding: list[tuple[int, int, int]]
               ) -> list[tuple[int, int, int]]:
    """The parts of ``segments`` that may anchor a spill. A spill fills the cell right of its anchor or
    the one below, so a cell with something in the engine both to its right and below it (among the
    ``holding`` parts of the segments) cannot: left out."""
    by_column: dict[int, list[tuple[int, int]]] = {}
    for col, first, last in holding:
        by_column.setdefault(col, []).append((first, last))
    out: list[tuple[int, int, int]] = []
    for col, first, last in segments:
        below = [(r1 - 1, r2 - 1) for r1, r2 in by_column.get(col, ())]  # rows whose cell below holds
        start = first
        for r1, r2 in overlap(by_column.get(col + 1, []), below):  # rows held both right and below
            if r2 < start or r1 > last:
                continue
            if r1 > start:
                out.append((col, start, r1 - 1))
            start = max(start, r2 + 1)
        if start <= last:
            out.append((col, start, last))
    return out


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The rows in both of two ordered lists of row intervals, as intervals."""
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        first, last = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if first <= last:
            out.append((first, last))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def filled_around(book: fz.Workbook, sheet: str, candidates: list[tuple[int, int, int]],
                  segments: list[tuple[int, int, int]], others: array[int] | None = None,
                  ) -> list[tuple[int, int, int]]:
    """The parts of ``candidates`` (column segments of formula cells, :func:`may_spill`) with a cell right of
    them or below them that a spill may have filled: one the engine shows something in that is no formula
    cell (of ``segments``, or among ``others``: packed positions, ascending, of cells holding a run's values).
    A spill leaves no cell of its area empty (the engine shows an empty element as 0, as Excel does) and
    fills no formula's cell, so a cell with neither beside it anchors none: only the others are asked of the
    engine cell by cell (:func:`spill_anchors`). At most one read of the engine a candidate segment, of the
    stretch of cells beside it that are neither (none where a formula or a run fills the next column: a column
    of a run's messages read only to be dropped cost 100,000 texts at once)."""
    formula_rows: dict[int, list[tuple[int, int]]] = {}
    for col, first, last in segments:
        formula_rows.setdefault(col, []).append((first, last))
    held = np.frombuffer(others, dtype=np.int64) if others is not None and len(others) else None
    handle = book.sheet(sheet)
    out: list[tuple[int, int, int]] = []
    for col, first, last in candidates:
        count = last - first + 1
        # the cells right of the segment's, and the one below its last (those below the others are its own)
        maybe = np.ones(count + 1, dtype=bool)
        for r1, r2 in overlap(formula_rows.get(col + 1, []), [(first, last)]):
            maybe[r1 - first:r2 - first + 1] = False
        if last >= EXCEL_ROWS or any(r1 <= last + 1 <= r2 for r1, r2 in formula_rows.get(col, [])):
            maybe[count] = False
        if held is not None:
            keys = np.append((np.arange(first, last + 1, dtype=np.int64) << COLUMN_BITS) | (col + 1),
                             ((last + 1) << COLUMN_BITS) | col)
            at = np.minimum(np.searchsorted(held, keys), held.size - 1)
            maybe &= held[at] != keys
        beside = np.flatnonzero(maybe[:count])
        if beside.size:  # what the engine shows in them, read at once from the first to the last
            a, b = int(beside[0]), int(beside[-1])
            read = handle.get_values(fz.RangeAddress(sheet, first + a, col + 1, first + b, col + 1))[:b - a + 1]
            shown = np.zeros(b - a + 1, dtype=bool)
            shown[:len(read)] = [bool(line) and line[0] is not None for line in read]
            maybe[a:b + 1] &= shown
        if maybe[count]:
            below = handle.get_values(fz.RangeAddress(sheet, last + 1, col, last + 1, col))
            maybe[count] = bool(below) and bool(below[0]) and below[0][0] is not None
        maybe[count - 1] |= maybe[count]  # the last cell's: right of it or below it
        kept = np.flatnonzero(maybe[:count])
        if kept.size:  # consecutive rows as segments
            breaks = np.flatnonzero(np.diff(kept) != 1)
            starts = np.concatenate(([kept[0]], kept[breaks + 1])).tolist()
            ends = np.concatenate((kept[breaks], [kept[-1]])).tolist()
            out += [(col, first + a, first + b) for a, b in zip(starts, ends, strict=True)]
    return out


def spill_anchors(book: fz.Workbook, sheet: str, segments: list[tuple[int, int, int]]
                   ) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """The cells of ``segments`` that anchor a spill, with the area it fills: one engine call per
    segment of consecutive formula cells, not one per cell."""
    out: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    quoted = sheet.replace("'", "''")
    for col, first, last in segments:
        offset: int | None = 0
        while offset is not None:
            try:
                page = book.range_page(f"'{quoted}'!{a1(first, col)}:{a1(last, col)}", offset=offset,
                                       limit=last - first + 1, include_values=False)
            except Exception:
                break
            for item in page.items:
                role = item.spill
                if role is not None and str(role.kind) == "Anchor" and role.extent:
                    out[coordinate(item.address.split("!")[-1])] = area_bounds(role.extent.split("!")[-1])
            offset = page.next_offset if page.items else None
    return out
