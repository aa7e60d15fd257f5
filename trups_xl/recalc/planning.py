"""The plan of the vectorised calls: formula cells grouped in blocks of one formula copied down a
column, each block's ``TRUPS_*`` calls found (whole formula, or nested in one and given a scratch
column to put their values in), and the runs they make.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from trups_xl.excel.function import REGISTRY
from trups_xl.recalc import order
from trups_xl.recalc.addresses import column_letters, reads_like_a_cell
from trups_xl.recalc.blocks import Block, blocks, trups_blocks
from trups_xl.recalc.calls import MAX_ROUNDS, Call, Copied, Key, Parser, Ref, Refusal, parameters
from trups_xl.recalc.engine import engine_text, mark_skipped
from trups_xl.recalc.marking import marked, set_formulas
from trups_xl.recalc.package import Scan
from trups_xl.recalc.safety import EXCEL_ROWS


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
            if isinstance(a, Ref) and a.whole:  # every row of the column: a spill below its last cell too
                out.append(Rect(a.sheet, (1, EXCEL_ROWS), a.cols))
            elif isinstance(a, Ref):
                last = a.shifted(self.count - 1)
                out.append(Rect(a.sheet, (min(a.rows[0], last.rows[0]), max(a.rows[1], last.rows[1])), a.cols))
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
    #: whether the run's dates show as dates (a whole-formula call's do; through IFERROR the cell shows the
    #: number, as the engine shows it)
    dated: bool = True

    def engine_column_texts(self) -> list[str]:
        """The block's formulas as the engine is given them when they read their scratch cells (skipped
        arguments marked, any call left under its alias), a text a row."""
        return Copied(engine_text(self.text)).copies(list(range(self.block.count)))

    def pinnable(self) -> bool:
        """Whether this block's formula may be given to the engine rewritten to read its calls' values
        from their scratch cells (:func:`taken_as_values`); else, where its calls cannot be answered,
        the formula is the engine's, its calls made cell by cell."""
        return not self.top and taken_as_values(self.block.text)

    def answered(self) -> bool:
        """Whether the engine's calls in this block's formula are to be answered from the runs, the
        formula kept as written: every call in it is a run, and a call may be skipped (it sits in an
        ``IF``'s branch). Otherwise (a formula that calls its functions every time it is evaluated) it
        reads its calls' scratch cells: a rewritten formula costs the engine less than a call to Python."""
        return not self.top and not _LEFT_CALL.search(self.text) and not always_called(self.block.text)


#: A ``TRUPS_*`` call left in a block's formula for the engine (the scratch sheet's name is not one).
_LEFT_CALL = re.compile(r"TRUPS_\w*\s*\(", re.I)


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


#: Functions whose arguments after the first are evaluated only when the first asks for them (an
#: ``IF``'s branches, a value ``IFERROR`` falls back on) or whose evaluation order is their own.
BRANCHING = frozenset({"IF", "IFS", "IFERROR", "IFNA", "CHOOSE", "SWITCH", "LET", "LAMBDA"})


#: Functions that take a ``TRUPS_*`` call given as their first argument as its value, exactly as they
#: take a reference to a cell holding it (``SUM``, ``AND``, ``ISREF``... do not: a reference's text is
#: skipped, a text given directly is an error).
AS_VALUE_FIRST = frozenset({"IF", "IFERROR", "IFNA"})


def always_called(text: str) -> bool:
    """Whether a formula's ``TRUPS_*`` calls may be read from cells holding their values: the engine calls
    every one each time it evaluates the formula (no call sits in an argument of :data:`BRANCHING` after
    the first; ``AND`` and ``OR`` evaluate every argument), and each is taken as a value, as a cell
    reference would be (an operand of an operator, or the first argument of :data:`AS_VALUE_FIRST`).
    False for a text the engine's tokenizer refuses."""
    try:
        tokens = [t for t in fz.tokenize(text).tokens() if str(t.token_type) != "Whitespace"]
    except Exception:
        return False
    frames: list[list[Any]] = []  # (function, argument index, for a call: whether an operator came before it)
    for at, tok in enumerate(tokens):
        kind, sub = str(tok.token_type), str(tok.subtype)
        if sub == "Open" and kind in ("Func", "Paren", "Array"):
            name = tok.value[:-1].upper().removeprefix("_XLFN.") if kind == "Func" else ""
            if name in REGISTRY and any(f in BRANCHING and i > 0 for f, i, _o in frames):
                return False
            frames.append([name, 0, at > 0 and str(tokens[at - 1].token_type) in ("OpPrefix", "OpInfix")])
        elif sub == "Close" and kind in ("Func", "Paren", "Array") and frames:
            name, _i, after_operator = frames.pop()
            if name in REGISTRY and not after_operator and not (
                    at + 1 < len(tokens) and str(tokens[at + 1].token_type) in ("OpInfix", "OpPostfix")) and not (
                    frames and frames[-1][0] in AS_VALUE_FIRST and frames[-1][1] == 0):
                return False  # the whole argument of a function that may take a reference otherwise
        elif kind == "Sep" and sub == "Arg" and frames:
            frames[-1][1] += 1
    return True


#: Functions that give back what some of their arguments are (a reference as a reference): by name, the
#: arguments so given, from which on (``IF``'s branches, what ``IFERROR`` falls back on, ``CHOOSE``'s
#: choices); parentheses give back what they hold.
GIVES_BACK = {"IF": 1, "IFERROR": 0, "IFNA": 0, "CHOOSE": 1, "": 0}


def taken_as_values(text: str) -> bool:
    """Whether each of a formula's ``TRUPS_*`` calls, wherever it sits (a branch too), is taken as its
    value, as a reference to a cell holding it would be: the formula may then read the calls' values
    from such cells (``=IF(A2=F2,TRUPS_COUPON(A2),0)``), but not ``=SUM(TRUPS_COUPON(A2),1)`` (``SUM``
    skips a text held in a cell it is given, and refuses one given directly). A call given back by a
    function of :data:`GIVES_BACK` is taken as that function's result is. False for a text the
    engine's tokenizer refuses."""
    try:
        tokens = [t for t in fz.tokenize(text).tokens() if str(t.token_type) != "Whitespace"]
    except Exception:
        return False
    # per open group: function ("" for parentheses), argument index, an operator before it, a call given back
    frames: list[list[Any]] = []
    for at, tok in enumerate(tokens):
        kind, sub = str(tok.token_type), str(tok.subtype)
        if sub == "Open" and kind in ("Func", "Paren", "Array"):
            name = tok.value[:-1].upper().removeprefix("_XLFN.") if kind == "Func" else ("" if kind == "Paren" else "{")
            frames.append([name, 0, at > 0 and str(tokens[at - 1].token_type) in ("OpPrefix", "OpInfix"), False])
        elif sub == "Close" and kind in ("Func", "Paren", "Array") and frames:
            name, _i, after_operator, carries = frames.pop()
            if not (name in REGISTRY or carries):
                continue
            if after_operator or (at + 1 < len(tokens) and str(tokens[at + 1].token_type) in ("OpInfix", "OpPostfix")):
                continue  # an operand: its value is taken
            if not frames:
                continue  # the formula's own result: shown as a value either way
            parent, index = frames[-1][0], frames[-1][1]
            if parent in AS_VALUE_FIRST and index == 0:
                continue
            if parent in GIVES_BACK and index >= GIVES_BACK[parent]:
                frames[-1][3] = True  # given back: taken as the function's own result is
                continue
            return False  # the whole argument of a function that may take a reference otherwise
        elif kind == "Sep" and sub == "Arg" and frames:
            frames[-1][1] += 1
    return True


def _plan_host(parser: Parser, block: Block, scratch: str, next_col: list[int]) -> Host | None:
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
            if not runs and _CATCHING.fullmatch(raw[:start]) and _FALLBACK.fullmatch(raw[end:]) \
                    and len(call.args) <= len(parameters(call.function)):
                # =IFERROR(call,"") is the call's value: a call of the arguments its function takes answers a
                # value or its message (text), never an error value for IFERROR or IFNA to catch (the engine's
                # #VALUE! for too many arguments is); the cell shows a date as its number
                runs.append(Run(block.sheet, block.col, block.first_row, call, block.count))
                return Host(block, text, True, runs, dated=False)
            if next_col[0] > MAX_SCRATCH_COLUMNS:
                return None
            col = next_col[0]
            next_col[0] += 1
            runs.append(Run(block.sheet, block.col, block.first_row, call, block.count, (scratch, col)))
            # the scratch sheet's name unquoted (a word from "_"): the engine parses a quoted sheet name
            # much more slowly (10,000 formulas reading it: 0.25 s to load, 0.15 s unquoted)
            raw = raw[:start] + _encode(f"{scratch}!{column_letters(col)}{block.first_row}") + raw[end:]
            replaced = True
        if top or not replaced:
            break
        text = raw.decode("utf-8")
    if not runs:
        return None
    return Host(block, text if top else (mark_skipped(text) or text), top, runs)


#: What stands before a call that is the first argument of IFERROR or IFNA, the whole formula.
_CATCHING = re.compile(rb"=\s*(?:_xlfn\.)?IF(?:ERROR|NA)\s*\(\s*", re.I)
#: What follows it: a constant to fall back on (a number, a text, a logical), and the end.
_FALLBACK = re.compile(rb'\s*,\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|"(?:[^"]|"")*"|TRUE|FALSE)\s*\)\s*', re.I)


#: Scratch columns (one per call nested in a formula, per block).
MAX_SCRATCH_COLUMNS = 16_000


@dataclass
class Plan:
    """The runs, the formulas the engine is given instead of the workbook's, and the order."""

    hosts: list[Host]
    runs: list[Run]
    levels: list[int]  # per run: 0 = left to the engine (on a cycle), else the round it is taken in
    scratch: str
    index: order.Index  # every formula cell (and scratch column) by node: runs first, then ordinary columns
    blocks: list[Block]  # every block of formulas holding a TRUPS_* call

    #: the hosts whose cells the engine's copy already holds as :meth:`Host.engine_column_texts` gives them, and
    #: whether the copy holds the scratch sheet (:func:`.load.load_workbook` with ``blank_runs``)
    pinned_in_copy: list[Host] = field(default_factory=list)
    scratch_in_copy: bool = False
    #: the blocks the engine's copy already holds as :func:`marked` gives them (each call under its alias,
    #: skipped arguments marked): formulas the engine evaluates on its own, parsed once
    marked_in_copy: list[Block] = field(default_factory=list)
    #: whether the engine's copy gives every block of :meth:`made_whole` its stand-ins
    #: (:data:`.engine_copy.STAND_IN`)
    whole_in_copy: bool = False
    #: the runs (by node) no formula reads (:func:`.order.unread`)
    unread: frozenset[int] = frozenset()

    def marks(self, scan: Scan, answering: bool) -> list[tuple[Block, list[str]]]:
        """The blocks no run is made for whose formulas the engine is given changed (:func:`marked`),
        with those formulas: every call under its alias where the engine's calls are answered from the
        runs (``answering``, as in :meth:`first_pins`), so that none of these is answered. The blocks
        the engine's copy already holds so (:attr:`marked_in_copy`) are not marked again."""
        taken = {(h.block.sheet, h.block.col, h.block.first_row) for h in self.hosts if not h.reverted}
        in_copy = {id(b) for b in self.marked_in_copy}
        alias = frozenset(REGISTRY) if answering and not called_elsewhere(scan) else frozenset()
        return list(marked([b for b in self.blocks if (b.sheet, b.col, b.first_row) not in taken
                            and id(b) not in in_copy], alias=alias))

    def first_pins(self, scan: Scan, answering: bool) -> tuple[list[Host], list[Host]]:
        """The hosts whose calls the engine's calls are answered from the runs, and the hosts given their
        formulas rewritten to read their scratch cells, before any run is made (``answering``: whether
        the engine's calls are answered at all). Not answered where a ``TRUPS_*`` function is called
        outside any block (:func:`called_elsewhere`); the answered formulas calling a function all skip
        the same arguments of it (the engine passes a skipped argument as 0: an answer made with it
        missing must not reach a call with a 0 typed there), the others are pinned."""
        answering = answering and not called_elsewhere(scan)
        answered: dict[int, Host] = {}
        pinned: list[Host] = []
        for h in self.hosts:
            if not h.top and not h.reverted:
                if answering and h.answered():
                    answered[id(h)] = h
                else:
                    pinned.append(h)
        skips: dict[str, frozenset[int]] = {}
        for h in list(answered.values()):
            masks = [(r.first.function, frozenset(i for i, a in enumerate(r.first.args) if a is None)) for r in h.runs]
            if any(skips.setdefault(function, mask) != mask for function, mask in masks):
                pinned.append(answered.pop(id(h)))
        return list(answered.values()), pinned

    def made_whole(self) -> list[Host]:
        """The blocks that are one call whose runs the vectorised path makes (a run on a cycle, level 0,
        is the engine's): their cells take the runs' values, their formulas are not the engine's."""
        node = {id(r): n for n, r in enumerate(self.runs)}
        return [h for h in self.hosts if h.top and not h.reverted and all(self.levels[node[id(r)]] for r in h.runs)]


def called_elsewhere(scan: Scan) -> bool:
    """Whether a ``TRUPS_*`` function is called where no block of formulas is (a fixed array formula, a
    defined name): the engine's calls are then never answered (such a call could not be told apart)."""
    return any("TRUPS_" in text.upper() for _local, text in scan.names.values()) or any(
        cell.kind == "array" and not cell.dynamic and "TRUPS_" in (cell.text or "").upper()
        for sheet in scan.sheets for cell in sheet.formulas.kept_whole())  # array formulas are kept whole


def scratch_title(scan: Scan) -> str:
    """A sheet for the values of calls nested in formulas, named so no sheet of the workbook has it."""
    titles = {s.title.upper() for s in scan.sheets}
    name, k = "_trups_scratch", 1
    while name.upper() in titles:
        k += 1
        name = f"_trups_scratch{k}"
    return name


def _rows_kept(sheet: str, col: int, rows: list[int], col_spans: list[tuple[int, int, str | None]],
               formulas: dict[Key, str], forms: dict[str, str], exact: bool) -> tuple[list[int], list[int], bool]:
    """A column's ordinary formula cells among blocks planned in it (``col_spans``: sorted, disjoint
    (first row, last row, the block's rewritten formula or None for a whole-formula call)): the rows the
    column's node keeps (not a whole-formula call's), those whose formula is the workbook's own, and
    whether some row's formula is not known. Each rewritten block's form is put in ``forms``."""
    kept: list[int] = []
    plain: list[int] = []
    unknown = False
    at = 0  # the first span that may hold this row (rows and spans are sorted, spans disjoint)
    last_span: tuple[int, int, str | None] | None = None
    for row in rows:
        while at < len(col_spans) and col_spans[at][1] < row:
            at += 1
        span = col_spans[at] if at < len(col_spans) and col_spans[at][0] <= row else None
        if span is not None and span[2] is None:
            continue  # a whole-formula call: the run's own node
        kept.append(row)
        if span is not None:  # a block's rewritten formula: its first row's stands for all
            if span is not last_span:
                text = span[2] or ""
                forms.setdefault(order.rowless(text, exact), text)
                last_span = span
        elif (sheet, row, col) in formulas:
            plain.append(row)
        else:
            unknown = True
    return kept, plain, unknown


def plan(scan: Scan, formulas: dict[Key, str], protected: set[Key]) -> Plan:
    """Find the ``TRUPS_*`` calls the vectorised path evaluates and the order it can take them in."""
    scratch = scratch_title(scan)
    parser = Parser(scan)
    parser.titles[scratch.upper()] = scratch
    found = trups_blocks(formulas)
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
    for sheet, row, col in formulas:
        ordinary[(sheet, col)].append(row)
    textless: set[tuple[str, int]] = set()  # columns holding a cell whose text is not known (an array's)
    for sheet, row, col in protected:
        if (sheet, row, col) not in formulas:
            ordinary[(sheet, col)].append(row)
            textless.add((sheet, col))
    graph = order.Graph(len(runs), [set() for _ in runs])
    texts: dict[int, dict[str, str]] = {}
    # exact where formulas alike but for digits may read apart: Rate1 and Rate2, ABC1234567 (a name) and ABC1
    digit_names = {n.upper() for n in scan.names if any(ch.isdigit() for ch in n)}
    exact = (len({order.rowless(n, exact=False) for n in digit_names}) < len(digit_names)
             or any(map(reads_like_a_cell, digit_names)))
    anything: set[int] = set()
    for (sheet, col), rows in ordinary.items():
        rows.sort()
        node = len(graph.edges)
        graph.edges.append(set())
        graph.columns.append((sheet, col))
        forms: dict[str, str] = {}
        col_spans = sorted(spans.get((sheet, col), ()))
        if not col_spans and (sheet, col) not in textless:  # every row's formula is the workbook's own
            kept = plain = rows
        else:
            kept, plain, unknown = _rows_kept(sheet, col, rows, col_spans, formulas, forms, exact)
            if unknown:
                anything.add(node)
        for block in blocks(formulas, {(sheet, col): plain}) if plain else ():  # a copy has its block's form
            forms.setdefault(order.rowless(block.text, exact), block.text)
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
    # a call refusing a range too large reads nothing here, but the engine reads the range where its formula
    # is given back: no run is then taken as unread
    refused = any(isinstance(a, Refusal) for run in runs for a in run.first.args)
    unread = frozenset() if refused else order.unread(graph)
    host_of = {id(run): host for host in hosts for run in host.runs}
    for node, run in enumerate(runs):  # a formula whose calls cannot all be taken keeps them all
        if level[node] == 0:
            host_of[id(run)].reverted = True
    for node, run in enumerate(runs):
        if host_of[id(run)].reverted:
            level[node] = 0
    return Plan(hosts, runs, level, scratch, index, found, unread=unread)


def give_back(book: fz.Workbook, block: Block) -> None:
    """Give the engine a block's formulas as the workbook holds them, for the engine alone to evaluate
    (:func:`.run.evaluate_calls` without vectorising, after a load that changed them: its skipped
    arguments marked there)."""
    _set_block(book, block, block.text)


def restore(book: fz.Workbook, host: Host) -> None:
    """Give the engine a block's own formulas again (skipped arguments marked, its calls under their
    alias so none is answered): its calls are the engine's."""
    _hand_over(book, host, engine_text(host.block.text))


def _hand_over(book: fz.Workbook, host: Host, text: str) -> None:
    """The block's cells given ``text`` copied down (a column at once); its runs are no longer made."""
    host.reverted = True
    _set_block(book, host.block, text)


def _set_block(book: fz.Workbook, b: Block, text: str) -> None:
    set_formulas(book, b.sheet, b.first_row, b.col, Copied(text).copies(list(range(b.count))))
