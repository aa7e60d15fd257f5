"""``TRUPS_*`` calls evaluated as one vectorised call per column, before the formula engine evaluates
the rest.

A model fills whole columns with the same formula, row after row; the calculation core takes
arrays, and a call through the engine costs tens of microseconds. So every ``TRUPS_*`` call on
literals, cell references, ranges, defined names and skipped arguments is evaluated here, whether it
is the whole formula (``=TRUPS_ACCRUAL(A2,B2)``) or inside one (``=IF(A2=F2,TRUPS_COUPON(A2,,P),0)``,
``=TRUPS_COUPON(D2)*N``, a call reading a call): the calls of one column are one :class:`Run`, parsed
once, made as one call with the varying arguments as a column (:data:`VECTOR_PARAMETERS`). When that
one call answers an error, each cell is called on its own, so a bad row gets its own message and the
others their numbers. Every call goes through the same :mod:`trups_xl.excel.udfs` function Excel calls.

A whole-formula call's values replace its formulas in the engine. A call inside a formula puts its
values in a scratch sheet (named so no sheet of the workbook has it) and the formula is rewritten,
in the engine only, to read its scratch cell: the engine still evaluates the ``IF``, so a branch not
taken is never shown, and ``IFERROR`` catches an error the call answered, as Excel does.

The runs are taken level by level (:mod:`.order`): before a level, the engine evaluates the
formulas its runs read (``=A2-1``, a lookup, a running total over other runs' values) and only
those. A run on a cycle, a run whose result is a table (the engine spills it) and every other call
of the same formulas are the engine's; a run that read a cell some formula spills into is redone by
it (:meth:`Outcome.to_redo`, checked after evaluation). Formulas come from the engine's own parse of
the workbook (shared formulas expanded).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from trups_xl.excel.function import INPUT_ERROR_PREFIX, REGISTRY
from trups_xl.recalc import order
from trups_xl.recalc.engine import as_sent, mark_skipped, to_engine
from trups_xl.recalc.package import Scan, column_number

#: Arguments the functions read element by element from a range (the others take one value).
VECTOR_PARAMETERS: dict[str, tuple[str, ...]] = {
    "TRUPS_ACCRUAL": ("start_date", "end_date"),
    "TRUPS_ACCRUED_INTEREST": ("settlement",),
    "TRUPS_COUPON": ("payment_date",),
    "TRUPS_PREVIOUS_PAYMENT_DATE": ("as_of",),
    "TRUPS_NEXT_PAYMENT_DATE": ("as_of",),
    "TRUPS_MAKE_WHOLE": ("redemption_date", "treasury_rate"),
    "TRUPS_MAKE_WHOLE_PV": ("redemption_date", "treasury_rate"),
    "TRUPS_REDEMPTION_PRICE": ("redemption_date", "treasury_rate"),
    "TRUPS_REDEMPTION_PAYMENT_DATE": ("redemption_date",),
    "TRUPS_TREASURY_PRICE_DATE": ("redemption_date",),
    "TRUPS_TREASURY_YIELD": ("settlement", "maturity", "coupon", "price"),
    "TRUPS_TREASURY_PRICE": ("settlement", "maturity", "coupon", "yield_rate"),
    "TRUPS_YIELD_TO_CALL": ("settlement", "price"),
    "TRUPS_PRICE_FROM_YIELD": ("settlement", "yield_rate"),
    "TRUPS_YIELD": ("settlement", "price"),
    "TRUPS_WORKOUT_DATE": ("settlement", "price"),
    "TRUPS_PRICE": ("settlement", "yield_rate"),
    "TRUPS_RISK": ("settlement", "price"),
    "TRUPS_SPREAD": ("price",),
    "TRUPS_DISCOUNT_MARGIN": ("settlement", "price"),
    "TRUPS_CLAIM_LIMIT": ("deferred_interest",),
    "TRUPS_INDEX_RATE": ("period_start",),
    "TRUPS_CRC_PERCENTAGE": ("as_of",),
}
#: Cells a range argument of a ``TRUPS_*`` call may span (one whole column); a larger range is
#: refused with a message naming the argument rather than read.
MAX_RANGE_CELLS = 1_048_576
#: Rounds of calls reading calls; what is still pending after them is left to the engine.
MAX_ROUNDS = 8

CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\((.*)\)\s*$", re.S | re.I)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?:\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)"
                 r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?|\$?(?P<wc1>[A-Za-z]{1,3}):\$?(?P<wc2>[A-Za-z]{1,3}))$")

#: A cell reference's row, for the shape of a formula copied down (absolute rows kept as they are)
_RELATIVE_ROW = re.compile(r"(?<![A-Za-z0-9_.'$])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\w(])")

_TEXT = re.compile(r'"(?:[^"]|"")*"')

Key = tuple[str, int, int]  # (sheet title, row, column)


class _NotSimpleError(Exception):
    """The formula is not a single call this module evaluates."""


@dataclass(frozen=True)
class Ref:
    sheet: str
    rows: tuple[int, int]
    cols: tuple[int, int]
    text: str = field(compare=False)
    #: whether each end's row is absolute ($5, a name, a whole column): kept when a formula is copied down
    absolute: tuple[bool, bool] = field(default=(True, True), compare=False)

    def shifted(self, rows: int) -> Ref:
        r1 = self.rows[0] + (0 if self.absolute[0] else rows)
        r2 = self.rows[1] + (0 if self.absolute[1] else rows)
        return Ref(self.sheet, (r1, r2), self.cols, self.text, self.absolute)

    @property
    def single(self) -> bool:
        return self.rows[0] == self.rows[1] and self.cols[0] == self.cols[1]

    @property
    def size(self) -> int:
        return (self.rows[1] - self.rows[0] + 1) * (self.cols[1] - self.cols[0] + 1)


@dataclass(frozen=True)
class Refusal:
    """An argument refused before any call: its value is this message."""

    message: str


@dataclass(frozen=True)
class Call:
    key: Key
    function: str
    args: tuple[object, ...]  # None (skipped), a literal, a Ref or a Refusal


def split_arguments(inner: str) -> list[str]:
    """Top-level arguments of a call; refuses nested calls and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    quote = False
    for ch in inner:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "(){}":
            raise _NotSimpleError
        elif not quote and ch == ",":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quote:
        raise _NotSimpleError
    parts.append("".join(current))
    return [] if parts == [""] else parts


class _Parser:
    """Arguments of simple calls, resolved against the workbook's sheets and names."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.titles = {s.title.upper(): s.title for s in scan.sheets}
        self.shapes: dict[tuple[str, str], tuple[int, Call | None]] = {}

    def ref(self, match: re.Match[str], sheet: str, text: str, named: bool = False) -> Ref:
        name = match["sheet"]
        if name:
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
            if name.upper() not in self.titles:
                raise _NotSimpleError
            sheet = self.titles[name.upper()]
        if match["wc1"]:  # a whole column: the engine reads its used cells (its own extent)
            raise _NotSimpleError
        c1, r1 = column_number(match["c1"].upper()), int(match["r1"])
        c2 = column_number(match["c2"].upper()) if match["c2"] else c1
        r2 = int(match["r2"]) if match["r2"] else r1
        first = text.split(":")[0]
        last = text.split(":")[-1]
        absolute = (bool(re.search(r"\$\d", first)) or named, bool(re.search(r"\$\d", last)) or named)
        if r1 > r2:
            r1, r2, absolute = r2, r1, (absolute[1], absolute[0])
        return Ref(sheet, (r1, r2), (min(c1, c2), max(c1, c2)), text, absolute)

    def argument(self, text: str, sheet: str) -> object:
        arg = text.strip()
        if arg == "":
            return None  # a skipped argument: missing, as Excel passes it
        if NUMBER.match(arg):
            return float(arg)
        if len(arg) >= 2 and arg[0] == arg[-1] == '"':
            return arg[1:-1].replace('""', '"')
        if arg.upper() in ("TRUE", "FALSE"):
            return arg.upper() == "TRUE"
        match = REF.match(arg)
        if match:
            return self.ref(match, sheet, arg)
        for scope in (sheet, None):  # a name local to the sheet first, then the workbook's
            found = [t for n, (local, t) in self.scan.names.items() if n.upper() == arg.upper() and local == scope]
            if found:
                match = REF.match(found[0].replace("$", ""))
                if match and match["sheet"]:
                    return self.ref(match, sheet, found[0], named=True)
                raise _NotSimpleError
        raise _NotSimpleError

    def shape(self, key: Key, formula: str) -> tuple[str, str] | None:
        """What a formula copied down keeps: its text with each relative row as an offset from its own
        row (None where a text argument holds what looks like a reference)."""
        if '"' in formula and any(_RELATIVE_ROW.search(t) for t in _TEXT.findall(formula)):
            return None
        row = key[1]
        return key[0], _RELATIVE_ROW.sub(lambda m: m[0] if m[2] else f"{m[1]}{{{int(m[3]) - row}}}", formula)

    def call(self, key: Key, formula: str) -> Call | None:
        """The simple call in ``formula`` at ``key``; a formula copied down a column (the same but for
        its relative rows) is parsed once and its references moved."""
        if "TRUPS_" not in formula.upper():
            return None
        shape = self.shape(key, formula)
        if shape is None:
            return self.parse(key, formula)
        known = self.shapes.get(shape)
        if known is None:
            call = self.parse(key, formula)
            self.shapes[shape] = (key[1], call)
            return call
        first_row, first = known
        if first is None:
            return None
        moved = key[1] - first_row
        return Call(key, first.function, tuple(a.shifted(moved) if isinstance(a, Ref) else a for a in first.args))

    def parse(self, key: Key, formula: str) -> Call | None:
        match = CALL.match(formula)
        if not match or match[1].upper() not in REGISTRY:
            return None
        function = match[1].upper()
        try:
            args = [self.argument(a, key[0]) for a in split_arguments(match[2])]
        except _NotSimpleError:
            return None
        names = _parameters(function)
        for i, arg in enumerate(args):
            if isinstance(arg, Ref) and arg.size > MAX_RANGE_CELLS:
                name = names[i] if i < len(names) else f"argument {i + 1}"
                return Call(key, function, (Refusal(
                    f"{INPUT_ERROR_PREFIX} {name}: the range {arg.text} spans {arg.size:,} cells; a range argument "
                    f"may span at most {MAX_RANGE_CELLS:,} (one column)"),))
        return Call(key, function, tuple(args))


@functools.cache
def _parameters(function: str) -> tuple[str, ...]:
    return tuple(inspect.signature(REGISTRY[function]).parameters)


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True)
class Rect:
    """The cells a run's argument reads over all its rows."""

    sheet: str
    rows: tuple[int, int]
    cols: tuple[int, int]

    def overlaps(self, sheet: str, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        return sheet == self.sheet and rows[0] <= self.rows[1] and self.rows[0] <= rows[1] \
            and cols[0] <= self.cols[1] and self.cols[0] <= cols[1]


@dataclass
class Run:
    """Simple calls of one shape in consecutive rows of one column (a formula copied down)."""

    sheet: str
    col: int
    first_row: int
    first: Call  # the call in the first row; the others are its references moved down
    count: int = 1
    #: where a call nested in a formula puts its values: a column of the scratch sheet (same rows)
    scratch: tuple[str, int] | None = None

    @property
    def last_row(self) -> int:
        return self.first_row + self.count - 1

    def calls(self) -> Iterator[Call]:
        for k in range(self.count):
            row = self.first_row + k
            yield self.first if k == 0 else Call((self.sheet, row, self.col), self.first.function, tuple(
                a.shifted(k) if isinstance(a, Ref) else a for a in self.first.args))

    def reads(self) -> list[Rect]:
        out = []
        for a in self.first.args:
            if isinstance(a, Ref):
                last = a.shifted(self.count - 1)
                out.append(Rect(a.sheet, (min(a.rows[0], last.rows[0]), max(a.rows[1], last.rows[1])), a.cols))
        return out


@dataclass
class Outcome:
    """What the vectorised path set into the engine."""

    values: dict[Key, Any]  # cell -> the value set (as the engine holds it)
    dates: set[Key]  # cells whose value is a date the function returned
    runs: list[Run] = field(default_factory=list)  # the runs evaluated here
    #: formula cells whose calls were made here, the formula around them left to the engine
    hosts: set[Key] = field(default_factory=set)
    #: each run's block of formulas (id of the run -> host)
    host_of: dict[int, Host] = field(default_factory=dict)

    def to_redo(self, spilled: dict[str, set[tuple[int, int]]]) -> list[Run]:
        """Runs that read a cell some formula spilled into, and every run that read one of those
        (or the formulas around them), with every run of the same formulas."""
        redo = [r for r in self.runs if any(
            rect.sheet in spilled and any(rect.rows[0] <= row <= rect.rows[1] and rect.cols[0] <= col <= rect.cols[1]
                                          for row, col in spilled[rect.sheet]) for rect in r.reads())]
        while redo:
            hosts = {id(self.host_of[id(d)]) for d in redo}
            readers = [r for r in self.runs if r not in redo and (id(self.host_of[id(r)]) in hosts or any(
                rect.overlaps(d.sheet, (d.first_row, d.last_row), (d.col, d.col))
                or (d.scratch is not None and rect.overlaps(d.scratch[0], (d.first_row, d.last_row),
                                                            (d.scratch[1], d.scratch[1])))
                for d in redo for rect in r.reads()))]
            if not readers:
                break
            redo += readers
        return redo

    def give_back(self, book: fz.Workbook, runs: list[Run]) -> Outcome:
        """The engine's own formulas again for ``runs`` (their cells, or the formulas around them); what
        is left of this outcome."""
        hosts = {id(self.host_of[id(r)]): self.host_of[id(r)] for r in runs}
        for host in hosts.values():
            restore(book, host, values_set=True)
        gone = {(h.block.sheet, h.block.first_row + k, h.block.col) for h in hosts.values()
                for k in range(h.block.count)}
        kept = [r for r in self.runs if id(self.host_of[id(r)]) not in hosts]
        return Outcome({k: v for k, v in self.values.items() if k not in gone}, self.dates - gone, kept,
                       self.hosts - gone, {id(r): self.host_of[id(r)] for r in kept})


def moved(text: str, rows: int) -> str:
    """A formula copied ``rows`` rows down: its relative rows moved (absolute ones kept)."""
    if not rows:
        return text
    return _RELATIVE_ROW.sub(lambda m: m[0] if m[2] else f"{m[1]}{int(m[3]) + rows}", text)


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


def blocks(parser: _Parser, formulas: dict[Key, str], keys: list[Key]) -> list[Block]:
    """``keys`` (sorted by sheet, column, row) as blocks of one shape."""
    out: list[Block] = []
    current: Block | None = None
    current_shape: object = None
    for key in keys:
        text = formulas[key]
        shape = parser.shape(key, text)
        if current is not None and shape is not None and shape == current_shape and key[0] == current.sheet \
                and key[2] == current.col and key[1] == current.last_row + 1:
            current.count += 1
            continue
        current = Block(key[0], key[2], key[1], text)
        current_shape = shape
        out.append(current)
    return out


@dataclass
class Host:
    """A block whose ``TRUPS_*`` calls are evaluated as runs: the engine gets ``text`` (each call
    replaced by a reference to the scratch cell its run fills), or, for a block that is one call,
    the run's values themselves."""

    block: Block
    text: str  # the first row's formula for the engine (the calls replaced, skipped arguments marked)
    top: bool  # the whole formula is one call: its run's values go into the cells themselves
    runs: list[Run] = field(default_factory=list)
    reverted: bool = False


def _encode(text: str) -> bytes:
    return text.encode("utf-8")


def _sites(text: str) -> list[tuple[int, int, str]]:
    """The innermost ``TRUPS_*`` calls of ``formula`` (byte spans and call text): those whose
    arguments hold no call, parenthesis or array."""
    try:
        tokens = fz.tokenize(text).tokens()
    except Exception:
        return []
    raw = _encode(text)
    out = []
    open_at: list[tuple[int, bool, bool]] = []  # (start, is TRUPS_*, holds no inner group)
    for tok in tokens:
        kind, sub = str(tok.token_type), str(tok.subtype)
        if sub == "Open" and kind in ("Func", "Paren", "Array"):
            if open_at:
                open_at[-1] = (open_at[-1][0], open_at[-1][1], False)
            name = tok.value[:-1].upper() if kind == "Func" else ""
            open_at.append((tok.start, name in REGISTRY, True))
        elif sub == "Close" and kind in ("Func", "Paren", "Array"):
            if not open_at:
                return []
            start, trups, simple = open_at.pop()
            if trups and simple:
                out.append((start, tok.end, raw[start:tok.end].decode("utf-8")))
    return out


def _plan_host(parser: _Parser, block: Block, scratch: str, next_col: list[int]) -> Host | None:
    """The runs of a block's calls, innermost first (a call reading a call reads its scratch cells)."""
    text = block.text
    key = (block.sheet, block.first_row, block.col)
    runs: list[Run] = []
    top = False
    for _ in range(MAX_ROUNDS):
        raw = _encode(text)
        replaced = False
        for start, end, call_text in reversed(_sites(text)):
            call = parser.parse(key, "=" + call_text)
            if call is None:
                continue
            if raw[:start].strip() == b"=" and not raw[end:].strip():  # the whole formula
                runs.append(Run(block.sheet, block.col, block.first_row, call, block.count))
                top = True
                break
            if next_col[0] > MAX_SCRATCH_COLUMNS:
                return None
            col = next_col[0]
            next_col[0] += 1
            runs.append(Run(block.sheet, block.col, block.first_row, call, block.count, (scratch, col)))
            raw = raw[:start] + _encode(f"'{scratch}'!{a1_column(col)}{block.first_row}") + raw[end:]
            replaced = True
        if top or not replaced:
            break
        text = raw.decode("utf-8")
    if not runs:
        return None
    return Host(block, text if top else (mark_skipped(text) or text), top, runs)


#: Scratch columns (one per call nested in a formula, per block).
MAX_SCRATCH_COLUMNS = 16_000


def a1_column(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class Plan:
    """The runs, the formulas the engine is given instead of the workbook's, and the order."""

    hosts: list[Host]
    runs: list[Run]
    levels: list[int]  # per run: 0 = left to the engine (on a cycle), else the round it is taken in
    scratch: str
    index: order.Index  # every formula cell (and scratch column) by node: runs first, then ordinary columns
    blocks: list[Block]  # every block of formulas holding a TRUPS_* call


def scratch_title(scan: Scan) -> str:
    """A sheet for the values of calls nested in formulas, named so no sheet of the workbook has it."""
    titles = {s.title.upper() for s in scan.sheets}
    name, k = "_trups_scratch", 1
    while name.upper() in titles:
        k += 1
        name = f"_trups_scratch{k}"
    return name


def plan(scan: Scan, formulas: dict[Key, str], protected: set[Key]) -> Plan:
    """Find the ``TRUPS_*`` calls the vectorised path evaluates and the order it can take them in."""
    scratch = scratch_title(scan)
    parser = _Parser(scan)
    parser.titles[scratch.upper()] = scratch
    keys = sorted((k for k, t in formulas.items() if "TRUPS_" in t.upper()), key=lambda k: (k[0], k[2], k[1]))
    found = blocks(parser, formulas, keys)
    hosts: list[Host] = []
    next_col = [1]
    for block in found:
        host = _plan_host(parser, block, scratch, next_col)
        if host is not None:
            hosts.append(host)
    runs = [run for host in hosts for run in host.runs]
    index = order.Index()
    for node, run in enumerate(runs):
        target = run.scratch or (run.sheet, run.col)
        index.add(target[0], target[1], run.first_row, run.last_row, node)
    # the engine's formula of each cell in a block whose calls are runs (the first row's stands for all)
    spans: dict[tuple[str, int], list[tuple[int, int, str | None]]] = defaultdict(list)
    for h in hosts:
        spans[(h.block.sheet, h.block.col)].append((h.block.first_row, h.block.last_row, None if h.top else h.text))
    ordinary: dict[tuple[str, int], list[int]] = defaultdict(list)
    for sheet, row, col in [*formulas, *protected]:
        ordinary[(sheet, col)].append(row)
    graph = order.Graph(len(runs), [set() for _ in runs])
    texts: dict[int, dict[str, str]] = {}
    digit_names = {n.upper() for n in scan.names if any(ch.isdigit() for ch in n)}
    exact = len({order.rowless(n, exact=False) for n in digit_names}) < len(digit_names)  # Rate1, Rate2
    anything: set[int] = set()
    for (sheet, col), rows in ordinary.items():
        rows.sort()
        node = len(graph.edges)
        graph.edges.append(set())
        graph.columns.append((sheet, col))
        forms: dict[str, str] = {}
        col_spans = sorted(spans.get((sheet, col), ()))
        kept: list[int] = []
        for row in rows:
            span = next((s for s in col_spans if s[0] <= row <= s[1]), None) if col_spans else None
            if span is not None and span[2] is None:
                continue  # a whole-formula call: the run's own node
            text = span[2] if span is not None else formulas.get((sheet, row, col))
            kept.append(row)
            if text is None:
                anything.add(node)
            else:
                forms.setdefault(order.rowless(text, exact), text)
        for first, last in order.intervals(kept):
            index.add(sheet, col, first, last, node)
        texts[node] = forms
    index.freeze()
    reads = order.Reads(scan, [scratch])
    all_nodes = set(range(len(graph.edges)))
    for k, (sheet, _col) in enumerate(graph.columns):
        node = len(runs) + k
        edges = graph.edges[node]
        if node in anything:
            edges |= all_nodes
            continue
        for form, text in texts[node].items():
            columns = reads.of(sheet, form, text)
            if columns.anything:
                edges |= all_nodes
                break
            for span_sheet, c1, c2 in columns.spans:
                for *_rows, other, _c in index.overlapping(span_sheet, order.ALL_ROWS, (c1, c2)):
                    edges.add(other)
    for node, run in enumerate(runs):
        for rect in run.reads():
            for *_rows, other, _c in index.overlapping(rect.sheet, rect.rows, rect.cols):
                graph.edges[node].add(other)
    level = order.levels(graph)
    host_of = {id(run): host for host in hosts for run in host.runs}
    for node, run in enumerate(runs):  # a formula whose calls cannot all be taken keeps them all
        if level[node] == 0:
            host_of[id(run)].reverted = True
    for node, run in enumerate(runs):
        if host_of[id(run)].reverted:
            level[node] = 0
    return Plan(hosts, runs, level, scratch, index, found)


def _marked(blocks_: list[Block]) -> Iterator[tuple[Block, list[str]]]:
    """Blocks whose ``TRUPS_*`` calls skip an argument, with the formulas marked (see
    :func:`engine.mark_skipped`): one tokenising per block, its rows moved."""
    for block in blocks_:
        compact = block.text.replace(" ", "")
        if not (",," in compact or ",)" in compact or "(," in compact):
            continue
        marked = mark_skipped(block.text)
        if marked is not None:
            yield block, [marked if k == 0 else moved(marked, k) for k in range(block.count)]


def mark_skipped_in(book: fz.Workbook, scan: Scan, formulas: dict[Key, str]) -> None:
    """Rewrite, in the engine, every ``TRUPS_*`` call that skips an argument, a block at a time."""
    parser = _Parser(scan)
    keys = sorted((k for k, t in formulas.items() if "TRUPS_" in t.upper()), key=lambda k: (k[0], k[2], k[1]))
    for block, texts in _marked(blocks(parser, formulas, keys)):
        book.set_formulas_batch(block.sheet, block.first_row, block.col, [[t] for t in texts])


def restore(book: fz.Workbook, host: Host, values_set: bool = False) -> None:
    """Give the engine a block's own formulas again (skipped arguments marked): its calls are the
    engine's. ``values_set``: a whole-formula call's values replaced its formulas."""
    host.reverted = True
    b = host.block
    for _block, texts in _marked([b]):
        book.set_formulas_batch(b.sheet, b.first_row, b.col, [[t] for t in texts])
        return
    if not host.top or values_set:
        book.set_formulas_batch(b.sheet, b.first_row, b.col,
                                [[b.text if k == 0 else moved(b.text, k)] for k in range(b.count)])


def evaluate(book: fz.Workbook, scan: Scan, formulas: dict[Key, str], protected: set[Key]) -> Outcome:
    """Evaluate the ``TRUPS_*`` calls among ``formulas`` (cell -> formula text, as the engine parsed it)
    as runs and set their values into ``book``: a call that is a whole formula, into its cells; a
    call inside a formula, into a scratch cell the formula is rewritten to read. Runs are taken level
    by level, the formulas they read evaluated first; a run on a cycle, and every call of its
    formula, is left to the engine, which evaluates it cell by cell."""
    the_plan = plan(scan, formulas, protected)
    hosts = the_plan.hosts
    runs = the_plan.runs
    host_of = {id(run): host for host in hosts for run in host.runs}
    if any(r.scratch is not None for r in runs):
        book.add_sheet(the_plan.scratch)
    taken = {(h.block.sheet, h.block.col, h.block.first_row) for h in hosts if not h.reverted}
    for h in hosts:
        if not h.top and not h.reverted:
            b = h.block
            book.set_formulas_batch(b.sheet, b.first_row, b.col,
                                    [[h.text if k == 0 else moved(h.text, k)] for k in range(b.count)])
    for block, texts in _marked([b for b in the_plan.blocks if (b.sheet, b.col, b.first_row) not in taken]):
        book.set_formulas_batch(block.sheet, block.first_row, block.col, [[t] for t in texts])
    for h in hosts:  # a whole-formula call is blank until its run is made: never called by the engine
        if h.top and not h.reverted:
            book.set_values_batch(h.block.sheet, h.block.first_row, h.block.col, [[None]] * h.block.count)
    outcome = Outcome({}, set())
    pending = {node for node in range(len(runs)) if the_plan.levels[node]}  # whole-formula calls not yet set
    for level in range(1, max(the_plan.levels, default=0) + 1):
        ready = [(node, run) for node, run in enumerate(runs)
                 if the_plan.levels[node] == level and not host_of[id(run)].reverted]
        if not ready:
            continue
        targets: set[Key] = set()  # the formulas these runs read: evaluated first
        for _node, run in ready:
            for rect in run.reads():
                for first, last, other, col in the_plan.index.overlapping(rect.sheet, rect.rows, rect.cols):
                    if other in pending or (other < len(runs) and runs[other].scratch is not None):
                        continue  # a run set (or set later), or a scratch column
                    targets.update((rect.sheet, r, col) for r in range(max(first, rect.rows[0]),
                                                                      min(last, rect.rows[1]) + 1))
        if targets:
            book.evaluate_cells(sorted(targets))
        results = _run_round(book, [run for _n, run in ready])
        for _node, run in ready:
            host = host_of[id(run)]
            values = results.get(id(run))
            if values is None or host.reverted:  # a table somewhere: the engine's, which spills it
                if not host.reverted:
                    restore(book, host, values_set=True)
                pending -= {node_ for node_, r in enumerate(runs) if host_of[id(r)] is host}
                continue
            if run.scratch is not None:
                book.set_values_batch(run.scratch[0], run.first_row, run.scratch[1], [[v] for v, _ in values])
                continue
            for k, (value, is_date) in enumerate(values):
                key = (run.sheet, run.first_row + k, run.col)
                outcome.values[key] = value
                if is_date:
                    outcome.dates.add(key)
            book.set_values_batch(run.sheet, run.first_row, run.col, [[v] for v, _ in values])
    outcome.runs = [r for r in runs if not host_of[id(r)].reverted]
    outcome.host_of = {id(r): host_of[id(r)] for r in outcome.runs}
    outcome.hosts = {(h.block.sheet, h.block.first_row + k, h.block.col) for h in hosts
                     if not h.reverted and not h.top for k in range(h.block.count)}
    return outcome


def _column(book: fz.Workbook, ref: Ref, count: int, cache: dict[object, object]) -> list[object]:
    """The values a relative one-cell reference reads down a run of ``count`` rows."""
    key = (ref.sheet, ref.rows[0], ref.cols[0], count)
    if key not in cache:
        rows = book.sheet(ref.sheet).get_values(fz.RangeAddress(ref.sheet, ref.rows[0], ref.cols[0],
                                                                 ref.rows[0] + count - 1, ref.cols[0]))
        column = [as_sent(row[0]) for row in rows]
        cache[key] = column + [None] * (count - len(column))
    return cache[key]  # type: ignore[return-value]


def _run_arguments(book: fz.Workbook, run: Run, cache: dict[object, object]) -> list[list[object]]:
    """Each row's arguments as Excel sends them, read a column (or a range) at a time."""
    per_arg, varying = _run_columns(book, run, cache)
    return [[per_arg[i][k] if varying[i] else per_arg[i] for i in range(len(per_arg))]
            for k in range(run.count)]


def _run_columns(book: fz.Workbook, run: Run, cache: dict[object, object]) -> tuple[list[Any], list[bool]]:
    """Each argument as Excel sends it: a column of values down the run, or one value for all rows."""
    per_arg: list[list[object] | object] = []
    varying: list[bool] = []
    for a in run.first.args:
        if isinstance(a, Ref) and a.single and not a.absolute[0]:
            per_arg.append(_column(book, a, run.count, cache))
            varying.append(True)
        elif isinstance(a, Ref) and (a.absolute == (True, True) or run.count == 1):
            per_arg.append(_read(book, a, cache))
            varying.append(False)
        elif isinstance(a, Ref):  # a range moving down with the rows
            per_arg.append([_read(book, a.shifted(k), cache) for k in range(run.count)])
            varying.append(True)
        else:
            per_arg.append(a)
            varying.append(False)
    return per_arg, varying


def _read(book: fz.Workbook, arg: Ref, cache: dict[object, object]) -> object:
    """A reference's value as Excel sends it: a value, or rows of values (one read per range)."""
    if arg in cache:
        return cache[arg]
    if arg.single:
        value = as_sent(book.get_value(arg.sheet, arg.rows[0], arg.cols[0]))
    else:
        rows = book.sheet(arg.sheet).get_values(fz.RangeAddress(arg.sheet, arg.rows[0], arg.cols[0],
                                                                 arg.rows[1], arg.cols[1]))
        value = [[as_sent(v) for v in row] for row in rows]
    cache[arg] = value
    return value


def _run_round(book: fz.Workbook, runs: list[Run]) -> dict[int, list[tuple[Any, bool]]]:
    """Each run's values (None for a run with a table result), one call per group of its rows."""
    cache: dict[object, object] = {}
    out: dict[int, list[tuple[Any, bool]]] = {}
    same: dict[object, Run] = {}  # the very same call over the same rows (in two formulas): made once
    for run in runs:
        identity = (run.first.function, run.first_row, run.count, tuple(
            (a.sheet, a.rows, a.cols, a.absolute) if isinstance(a, Ref) else (type(a).__name__, _hashable(a))
            for a in run.first.args))
        twin = same.setdefault(identity, run)
        if twin is not run:
            if id(twin) in out:
                out[id(run)] = out[id(twin)]
            continue
        refused = next((a for a in run.first.args if isinstance(a, Refusal)), None)
        if refused is not None:
            out[id(run)] = [(refused.message, False)] * run.count
            continue
        function = run.first.function
        names = _parameters(function)
        vector = VECTOR_PARAMETERS.get(function, ())
        per_arg, varying = _run_columns(book, run, cache)
        if run.count > 1 and vector and len(per_arg) <= len(names) and all(
                names[i] in vector or not varying[i] for i in range(len(per_arg))) and not any(
                isinstance(v, list) for i in range(len(per_arg)) if varying[i] for v in per_arg[i]):
            whole = _run_whole(function, per_arg, varying, run.count)  # every row one group: as columns
            if whole is None:  # an error somewhere: each row on its own, so each keeps its message
                fn = REGISTRY[function]
                whole = [_stored(fn(*[per_arg[i][k] if varying[i] else per_arg[i] for i in range(len(per_arg))]))
                         for k in range(run.count)]
            if not any(isinstance(v[0], list) for v in whole):
                out[id(run)] = whole
            continue
        rows = [[per_arg[i][k] if varying[i] else per_arg[i] for i in range(len(per_arg))]
                for k in range(run.count)]
        groups: dict[object, list[int]] = defaultdict(list)
        for k, values in enumerate(rows):
            if len(values) > len(names) or any(isinstance(v, list) for v, n in zip(values, names, strict=False)
                                               if n in vector):
                groups[("alone", k)].append(k)  # arity errors and ranges, per cell
                continue
            shared = tuple("*" if n in vector else (id(v) if isinstance(v, list) else _hashable(v))
                           for v, n in zip(values, names, strict=False))
            groups[shared].append(k)
        result: list[tuple[Any, bool] | None] = [None] * run.count
        for members in groups.values():
            for k, value in zip(members, _run(function, [rows[k] for k in members]), strict=True):
                result[k] = value
        if any(isinstance(v[0], list) for v in result if v is not None):
            continue
        out[id(run)] = result  # type: ignore[assignment]
    return out


def _stored(value: Any) -> tuple[Any, bool]:
    return to_engine(value), isinstance(value, dt.date)


def _stored_all(values: list[Any]) -> list[tuple[Any, bool]]:
    # a finite float is stored as it is (inf - inf and nan - nan are nan)
    return [(v, False) if type(v) is float and v - v == 0.0 else _stored(v) for v in values]


def _run_whole(function: str, per_arg: list[Any], varying: list[bool], count: int) -> list[tuple[Any, bool]] | None:
    """The run as one call, its vector arguments as columns; None when that call answers an error
    (each row is then called on its own by the caller's path)."""
    vector = VECTOR_PARAMETERS[function]
    names = _parameters(function)
    args = [[[v] for v in (per_arg[i] if varying[i] else [per_arg[i]] * count)] if names[i] in vector else per_arg[i]
            for i in range(len(per_arg))]
    out = REGISTRY[function](*args)
    if isinstance(out, list) and len(out) == count and all(len(r) == 1 for r in out) and not any(
            isinstance(r[0], str) and r[0].startswith("#TRUPS") for r in out):
        return _stored_all([r[0] for r in out])
    return None


def _run(function: str, rows: list[list[object]]) -> list[tuple[Any, bool]]:
    """One call for the rows with their varying arguments as columns; per row when that fails."""
    fn = REGISTRY[function]
    if len(rows[0]) > len(_parameters(function)):  # as Excel shows a UDF given too many
        return [({"type": "Error", "kind": "Value"}, False)] * len(rows)
    if len(rows) > 1 and function not in VECTOR_PARAMETERS:  # the very same call in every cell
        return [_stored(fn(*rows[0]))] * len(rows)
    if len(rows) > 1:
        vector = VECTOR_PARAMETERS[function]
        names = _parameters(function)
        args = [[[values[i]] for values in rows] if names[i] in vector else rows[0][i] for i in range(len(rows[0]))]
        out = fn(*args)
        if isinstance(out, list) and len(out) == len(rows) and all(len(r) == 1 for r in out) and not any(
                isinstance(r[0], str) and r[0].startswith("#TRUPS") for r in out):
            return _stored_all([row[0] for row in out])
    return [_stored(fn(*values)) for values in rows]


__all__ = ["MAX_RANGE_CELLS", "VECTOR_PARAMETERS", "Call", "Outcome", "Ref", "Run", "evaluate", "mark_skipped_in", "plan"]
