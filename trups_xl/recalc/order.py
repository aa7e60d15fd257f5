"""In which order the vectorised runs can be evaluated: what each formula cell reads, as a graph of
runs and columns of ordinary formulas, its cycles and each run's level.

A run's reads are exact (its arguments' cells over its rows). An ordinary formula's reads are taken
a column at a time and over whole columns (every column any of its references touches), which can
only add dependencies: a run that seems to depend on itself through them is left to the engine, never
evaluated before what it reads. A formula whose references cannot be resolved here (``INDIRECT``,
``OFFSET``, a structured reference, a name that is not one range) reads everything.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import formualizer as fz

from trups_xl.recalc.addresses import (
    REFERENCE_START,
    area_on_the_grid,
    column_number,
    fixed_reference,
    on_the_grid,
    quoted,
    quoted_spans,
)
from trups_xl.recalc.package import Scan

Key = tuple[str, int, int]
#: Rows of a whole-column read.
ALL_ROWS = (1, 1_048_576)
#: Functions whose result may read any cell.
_ANYWHERE = {"INDIRECT(", "OFFSET(", "_XLFN.INDIRECT(", "_XLFN.OFFSET("}
_OPERAND = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)?"
                      r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+)?)?$")
#: A formula with its rows left out (the same for every formula copied down a column).
_ROWLESS = re.compile(REFERENCE_START + r"(\$?[A-Za-z]{1,3}\$?)\d+(?![\w(!'\"\[.])")
#: Digits after a letter or $ that do not end a sheet's name, a function's, a table's or a number's.
_ROW_DIGITS = re.compile(r"(?<=[A-Za-z$])\d+(?![\w(!'\"\[.])")


@dataclass(frozen=True)
class Columns:
    """What an ordinary column reads: sheet -> column spans (whole columns); ``anything``: everything."""

    spans: tuple[tuple[str, int, int], ...] = ()
    anything: bool = False


@dataclass
class Graph:
    """Nodes: the runs (0 .. runs-1), then one node per column of ordinary formula cells."""

    runs: int
    edges: list[set[int]] = field(default_factory=list)
    columns: list[tuple[str, int]] = field(default_factory=list)


class Reads:
    """The columns an ordinary formula reads, from its text (parsed once per rowless form)."""

    def __init__(self, scan: Scan, extra_titles: Iterable[str] = ()) -> None:
        self.titles = {s.title.upper(): s.title for s in scan.sheets}
        self.titles.update({t.upper(): t for t in extra_titles})
        self.scan = scan
        self.cache: dict[tuple[str, str], Columns] = {}

    def of(self, sheet: str, form: str, formula: str) -> Columns:
        """The columns a formula reads, from its rowless form (:func:`rowless`: the rows do not
        change which columns it reads) and one formula of that form."""
        key = (sheet, form)
        known = self.cache.get(key)
        if known is None:
            known = self.cache[key] = self._parse(sheet, formula)
        return known

    def _parse(self, sheet: str, formula: str) -> Columns:
        try:
            tokens = fz.tokenize(formula).tokens()
        except Exception:
            return Columns(anything=True)
        spans: list[tuple[str, int, int]] = []
        for tok in tokens:
            kind, sub = str(tok.token_type), str(tok.subtype)
            if kind == "Func" and sub == "Open" and tok.value.upper() in _ANYWHERE:
                return Columns(anything=True)
            if kind == "OpPostfix" and tok.value == "#":
                return Columns(anything=True)
            if kind != "Operand" or sub != "Range":
                continue
            span = self._span(tok.value, sheet)
            if span is None:
                return Columns(anything=True)
            spans.append(span)
        return Columns(tuple(spans))

    def _span(self, text: str, sheet: str, depth: int = 0) -> tuple[str, int, int] | None:
        match = _OPERAND.match(text)
        if match and (match["r1"] or match["c2"]) and bool(match["r1"]) == bool(match["r2"] or not match["c2"]) \
                and area_on_the_grid(match["c1"], match["r1"], match["c2"], match["r2"]):
            name = match["sheet"]
            if name:
                name = name[1:-1].replace("''", "'") if name.startswith("'") else name
                if name.upper() not in self.titles:
                    return None
                sheet = self.titles[name.upper()]
            c1 = column_number(match["c1"].upper())
            c2 = column_number(match["c2"].upper()) if match["c2"] else c1
            return sheet, min(c1, c2), max(c1, c2)
        if depth:
            return None
        found = self.scan.name_text(text, sheet)  # a name local to the sheet first, then the workbook's
        if found is not None and fixed_reference(found):
            return self._span(found, sheet, depth + 1)  # $ signs read by _OPERAND: a title keeps its own
        return None


def rowless(formula: str, exact: bool = True) -> str:
    """A formula with each reference's row written ``#`` (the same for every formula copied down).
    ``exact=False``: also the digits ending a name or a word in a text (faster; only where no two
    defined names differ only in such digits, so two formulas it makes alike read the same columns)."""
    spans = quoted_spans(formula) if "'" in formula else []  # a quoted sheet name keeps its digits ('Model FY2024'!A2)
    if exact:  # and a name that reads like a cell beyond the grid (YTD1, YTD2: two names) keeps its own
        return _ROWLESS.sub(lambda m: m[0] if (spans and quoted(spans, m.start())) or not on_the_grid(
            m[1].strip("$"), m[0][len(m[1]):]) else m[1] + "#", formula)
    if spans:
        return _ROW_DIGITS.sub(lambda m: m[0] if quoted(spans, m.start()) else "#", formula)
    return _ROW_DIGITS.sub("#", formula)


class Index:
    """Which node holds each cell: intervals of rows per (sheet, column)."""

    def __init__(self) -> None:
        self.by_column: dict[tuple[str, int], list[tuple[int, int, int, int]]] = defaultdict(list)
        self.cols_by_sheet: dict[str, set[int]] = defaultdict(set)

    def add(self, sheet: str, col: int, first: int, last: int, node: int) -> None:
        self.by_column[(sheet, col)].append((first, last, node, col))
        self.cols_by_sheet[sheet].add(col)

    def freeze(self) -> None:
        for spans in self.by_column.values():
            spans.sort()

    def columns(self, sheet: str, c1: int, c2: int) -> list[int]:
        present = self.cols_by_sheet.get(sheet, set())
        if c2 - c1 + 1 <= len(present):
            return [c for c in range(c1, c2 + 1) if c in present]
        return sorted(c for c in present if c1 <= c <= c2)

    def overlapping(self, sheet: str, rows: tuple[int, int], cols: tuple[int, int]
                    ) -> Iterable[tuple[int, int, int, int]]:
        """(first row, last row, node, column) of every interval the rectangle touches."""
        for col in self.columns(sheet, cols[0], cols[1]):
            spans = self.by_column[(sheet, col)]
            at = bisect.bisect_right(spans, (rows[0], 2**62, 2**62, 0))
            at = max(at - 1, 0)
            # intervals are disjoint within a column: step back while one may still reach rows[0]
            while at > 0 and spans[at - 1][1] >= rows[0]:
                at -= 1
            while at < len(spans) and spans[at][0] <= rows[1]:
                if spans[at][1] >= rows[0]:
                    yield spans[at]
                at += 1


def intervals(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as consecutive intervals."""
    out: list[tuple[int, int]] = []
    for row in rows:
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def strongly_connected(edges: list[set[int]]) -> list[int]:
    """Each node's component (Tarjan's algorithm, iterative)."""
    n = len(edges)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    component = [-1] * n
    stack: list[int] = []
    counter = 0
    components = 0
    adjacency = [sorted(e) for e in edges]
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            recurse = False
            targets = adjacency[node]
            while i < len(targets):
                nxt = targets[i]
                i += 1
                if index[nxt] == -1:
                    work.append((node, i))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if on_stack[nxt]:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component[member] = components
                    if member == node:
                        break
                components += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


def unread(graph: Graph) -> frozenset[int]:
    """The runs no node reads: no formula's references touch their cells (as :class:`Reads` takes them, whole
    columns, a formula it cannot resolve reading everything), nor any run's arguments."""
    read = set().union(*graph.edges)
    return frozenset(node for node in range(graph.runs) if node not in read)


def levels(graph: Graph) -> list[int]:
    """Each run's level (1 + the highest level of a run it reads, through any ordinary formulas), or
    0 for a run on a cycle (itself, or through formulas that read it)."""
    component = strongly_connected(graph.edges)
    members: dict[int, list[int]] = defaultdict(list)
    for node, c in enumerate(component):
        members[c].append(node)
    cyclic = {c for c, nodes in members.items()
              if len(nodes) > 1 or any(node in graph.edges[node] for node in nodes)}
    # Tarjan numbers components in reverse topological order: dependencies first
    rank = [0] * len(members)
    for c in range(len(members)):
        best = 0
        for node in members[c]:
            for dep in graph.edges[node]:
                if component[dep] != c:
                    best = max(best, rank[component[dep]])
        has_run = any(node < graph.runs for node in members[c])
        rank[c] = best + (1 if has_run and c not in cyclic else 0)
    return [0 if component[r] in cyclic else rank[component[r]] for r in range(graph.runs)]


__all__ = ["ALL_ROWS", "Columns", "Graph", "Index", "Reads", "intervals", "levels", "rowless", "strongly_connected"]
