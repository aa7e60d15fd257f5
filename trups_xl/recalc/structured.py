"""Structured references (``Ledger1[Amount]``, ``Ledger1[[#This Row],[Date]]``, ``Ledger1[#Totals]``) written as
the cells they mean (:class:`Rewriter`), since the engine reads no Excel table (:mod:`.excel_tables`);
:mod:`.table_references` does it to a workbook's formulas.

What a reference means, as Excel's documentation of structured references gives it:

* the table's name, then in brackets a column (``[Amount]``), a range of columns (``[[Start]:[End]]``), an
  item (``[#All]``, ``[#Data]``, ``[#Headers]``, ``[#Totals]``, ``[#This Row]``), or items then columns
  (``[[#Headers],[#Data],[Amount]]``); no column means every column, no item the data rows, the bare name
  (``=VLOOKUP(2,Ledger1,2,FALSE)``) the data;
* ``#This Row`` (``@`` as Excel shows it) is the row of the formula's own cell within the data rows, and
  ``#VALUE!`` from a row outside them; it is written with its row relative (``Ledger!$C5``), so a column of
  such formulas is a column of copies, vectorised like any other; with no table's name (``[@Date]``, as a
  program may write it) it is the table holding the cell;
* in a column's name ``'`` escapes the next character (``[Rate '#]``), and names match in any case;
* a table on the formula's own sheet is named without its sheet, so that a range joined by ``:``
  (``=SUM($B$2:Ledger1[[#This Row],[Amount]])``, a running total) is one sheet's range, as Excel reads it.

A formula holding a reference not read here (a table that is not there or not read whole, an item the table
lacks such as ``#Totals`` with no totals row, an item list Excel would refuse, ``[@Date]`` in no table, a
``#This Row`` in an array formula, a table's name after a sheet's) is not rewritten: :class:`Rewriter` gives
None for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

from trups_xl.recalc.addresses import (
    ERROR_VALUE,
    QUOTED,
    column_letters,
    column_number,
    reads_like_a_cell,
    reads_like_r1c1,
)
from trups_xl.recalc.excel_tables import Table
from trups_xl.recalc.safety import EXCEL_COLUMNS

#: One bracketed part of a reference: characters, escapes (``'`` and the next character), nothing nested.
_BRACKET = r"\[(?:[^\[\]']|'.)*\]"
#: Where a reference to the reading cell's own row with no table's name starts (``[@Date]``,
#: ``[[#This Row],[Date]]``): a bracket after no name, bracket or escape.
_UNQUALIFIED_START = r"(?<![\w.\\'\]\[])(?=\[\s*(?:@|#This Row|\[\s*#This Row\s*\]))"
_UNQUALIFIED = re.compile(_UNQUALIFIED_START, re.I)
#: A reference's brackets: characters, escapes, bracketed parts.
_BRACKETS = r"\[(?:[^\[\]']|'.|" + _BRACKET + r")*\]"
#: A text, or a quoted sheet name (taken whole, never looked into); a table's name and its brackets; or brackets
#: with no name before them that begin with the reading cell's own row (``[@Date]``, ``[[#This Row],[Date]]``).
_TOKEN = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|" + ERROR_VALUE + r"|(?<![\w.\\'\]!#$])((?:[^\W\d]|\\)[\w.]*)"
                    r"(" + _BRACKETS + r")?|" + _UNQUALIFIED_START + r"(" + _BRACKETS + r")", re.S | re.I)
#: What may stand before and after a bare table's name as an operand (``=VLOOKUP(2,Ledger1,2,FALSE)``): an
#: operator, a bracket, a comma or nothing; not ``:`` or ``$`` (``T:T``, ``T$2``, ``B2:Sales``: :func:`_reference_like`
#: tells them apart), ``!``, ``(`` or ``[``.
_OPERAND_BEFORE = frozenset("=(,{+-*/^&<>; ")
_OPERAND_AFTER = frozenset("),}+-*/^&<>=;% ")
#: A formula that names values of its own (``LET``, ``LAMBDA``), whose parameters may be named like a table
#: (:func:`_bound`).
_BINDS = re.compile(r"\b(?:LET|LAMBDA)\s*\(", re.I)
#: A range's other end joined by ``:`` to a reference: a cell, its sheet named or not (``Other!$B$2:``,
#: ``$B$2:``), before it ...
_CELL_BEFORE = re.compile(r"(?<![\w.$'!])(?:(?:'((?:[^']|'')+)'|([^\W\d][\w.]*))!)?\$?[A-Za-z]{1,3}\$?\d+\s*:\s*$")
#: ... or after it (``:$B$9``, ``:Other!$B$9``).
_CELL_AFTER = re.compile(r"\s*:\s*(?:(?:'((?:[^']|'')+)'|([^\W\d][\w.]*))!)?\$?[A-Za-z]{1,3}\$?\d+(?![\w.(!:])")
#: A column in a range of columns, after ``:`` (``T:T``) or before it (``A:T``).
_COLUMN_AFTER = re.compile(r"\$?[A-Za-z]{1,3}(?![\w.(!\[$])")
_COLUMN_BEFORE = re.compile(r"(?<![\w.$'\]])\$?[A-Za-z]{1,3}\s*$")
#: Characters before a reference looked at for the cell a ``:`` joins to it: a quoted sheet name of 31
#: characters, each a doubled quote, and the cell.
_JOIN_WINDOW = 96
#: One item of a list in brackets: a bracketed part, or two joined by ``:``, then a comma or the end.
_ITEM = re.compile(r"\s*(" + _BRACKET + r")(?:\s*:\s*(" + _BRACKET + r"))?\s*(?:,|$)", re.S)
#: The items a reference may name, in capitals.
_ITEMS = ("#ALL", "#DATA", "#HEADERS", "#TOTALS", "#THIS ROW")
#: A name followed by a bracket: a structured reference's table (an external book's index, ``[1]``, has none).
_QUALIFIED = re.compile(r"(?<![\w.\\'\]])((?:[^\W\d]|\\)[\w.]*)\[")
#: A reference to the formula's own row of its table, written without the table's name.
_OWN_ROW = re.compile(r"\[\s*(?:#This Row|@)", re.I)
#: Any reference written without the table's name (``[Amount]`` in its table): brackets after no name,
#: bracket or escape, and not followed by a sheet's name and ``!`` (``[1]Sheet1!A1``, another workbook's).
_NAMELESS = re.compile(r"(?<![\w.\\'\]\[])\[[^\]]*\](?![\w.' ]*!)")


class _UnreadError(Exception):
    """A reference this module does not read: its formula is left as written."""


def rewrite(formula: str, row: int, tables: Mapping[str, Table | None], this_row: bool = True,
            sheet: str | None = None, col: int | None = None) -> str | None:
    """``formula`` (with its "=") with each structured reference written as the cells it means, read from a
    cell on ``row`` (of ``sheet``, where it is known: a table there is named without its sheet; and ``col``,
    where a reference with no table's name means the table holding the cell); the formula itself where it
    names no table; None where a reference is not read here (``this_row`` False: an array formula's, whose own
    row is not one cell's). :class:`Rewriter`, once."""
    written = Rewriter(tables).read(formula, this_row, sheet, row, col)
    return written.at(row) if written is not None else None


@dataclass(frozen=True)
class _OwnRow:
    """A ``#This Row`` reference: columns ``left`` to ``right`` of the reading cell's row (``sheet``: its
    name with its "!", or nothing), ``#VALUE!`` from a row outside ``first`` to ``last``."""

    sheet: str
    left: str
    right: str
    first: int
    last: int
    #: an end of a range joined by ``:``, where ``#VALUE!`` cannot stand: None outside the rows (not read)
    in_range: bool = False

    def at(self, row: int) -> str | None:
        if not self.first <= row <= self.last:
            return None if self.in_range else "#VALUE!"
        start = f"{self.sheet}${self.left}{row}"  # row relative: a column of copies reads each its own
        return start if self.left == self.right else f"{start}:${self.right}{row}"

    def around_row(self) -> list[str]:
        """What comes before and after the row's digits (and between, for two columns)."""
        start = f"{self.sheet}${self.left}"
        return [start, ""] if self.left == self.right else [start, f":${self.right}", ""]


class Written:
    """A formula read once (:meth:`Rewriter.read`), written for any row: on a row where every ``#This Row``
    is within its table's data, the row's digits joined between fixed texts (no Python step per reference)."""

    __slots__ = ("_first", "_last", "_parts", "_pieces", "changes")

    def __init__(self, pieces: list[str | _OwnRow], changes: bool = True) -> None:
        #: whether the formula is written otherwise than it reads (False: it reads no table)
        self.changes = changes
        self._pieces = pieces
        own = [p for p in pieces if isinstance(p, _OwnRow)]
        self._first = max((p.first for p in own), default=1)
        self._last = min((p.last for p in own), default=1 << 62)
        parts = [""]
        for piece in pieces:
            if isinstance(piece, str):
                parts[-1] += piece
            else:
                around = piece.around_row()
                parts[-1] += around[0]
                parts += around[1:]
        self._parts = parts

    def at(self, row: int) -> str | None:
        """The formula as read from a cell on ``row``, or None where it is not read there (a range ending at
        its own row of a table, from a row outside the table)."""
        if self._first <= row <= self._last:
            return str(row).join(self._parts)
        written = [p if isinstance(p, str) else p.at(row) for p in self._pieces]
        return None if None in written else "".join(cast("list[str]", written))

    def parts(self, row: int) -> list[str] | None:
        """The fixed texts the row's digits join on ``row``, or None (a ``#This Row`` outside its table there)."""
        return self._parts if self._first <= row <= self._last else None


#: Tables whose names are found in a formula by one search for them all: past them, each word of a formula is
#: looked up among the names instead (a bare table's name, ``=VLOOKUP(2,Ledger1,2,FALSE)``, has no bracket).
MAX_BARE_NAMES = 200
#: A word of a formula, as a table's name may be.
_WORD = re.compile(r"(?:[^\W\d]|\\)[\w.]*")
#: What :meth:`Rewriter.read` holds for a formula it has not read yet.
_UNSEEN: Any = object()


class Rewriter:
    """:func:`rewrite` for many cells: each distinct formula is read once for a sheet (a column reading its own
    row holds one text), then written for each cell's row (:class:`Written`)."""

    #: Distinct formulas held at most (then forgotten and read again): a column of copies that also
    #: reads cells by address holds one text a row.
    MAX_HELD = 100_000

    def __init__(self, tables: Mapping[str, Table | None]) -> None:
        self._tables = tables
        self._names = set(tables)
        #: each formula read, for a sheet and kind: how to write it, or by the table holding the cell
        self._held: dict[tuple[str, bool, str | None], Written | dict[str | None, Written | None] | None] = {}
        #: the tables' names as they spell them: a bare name is read only so spelt (as Excel saves it)
        self._spelt = {t.name for t in tables.values() if t is not None}
        #: finds any table's name (read whole or not) in any case, in one pass; past MAX_BARE_NAMES tables, None:
        #: :meth:`mentions` looks each word up instead
        longest_first = sorted(tables, key=len, reverse=True)
        self.bare = re.compile("|".join(map(re.escape, longest_first)), re.I) \
            if 0 < len(longest_first) <= MAX_BARE_NAMES else None
        self._by_sheet: dict[str, list[Table]] = {}
        for table in {id(t): t for t in tables.values() if t is not None}.values():
            self._by_sheet.setdefault(table.sheet, []).append(table)

    def mentions(self, formula: str) -> bool:
        """Whether ``formula`` may read a table: it holds a bracket or, in any case, a table's name."""
        if "[" in formula:
            return True
        if self.bare is not None:
            return self.bare.search(formula) is not None
        return bool(self._names) and not self._names.isdisjoint(_WORD.findall(formula.upper()))

    def read(self, formula: str, this_row: bool, sheet: str | None, row: int, col: int | None) -> Written | None:
        """How to write ``formula`` for a cell on ``sheet`` at (``row``, ``col``) (:class:`Written`: as it is,
        where it reads no table), or None where a reference is not read here."""
        key = (formula, this_row, sheet)
        held = self._held.get(key, _UNSEEN)
        if held is _UNSEEN:
            if len(self._held) >= self.MAX_HELD:
                self._held.clear()
            if not self.mentions(formula):
                held = Written([formula], changes=False)
            elif _UNQUALIFIED.search(formula):
                held = {}  # by the table holding the cell
            else:
                held = self._read(formula, this_row, sheet, None)
            self._held[key] = held
        if not isinstance(held, dict):
            return cast("Written | None", held)
        home = self._holding(sheet, row, col)
        name = home.name if home is not None else None
        if name not in held:
            held[name] = self._read(formula, this_row, sheet, home)
        return cast("Written | None", held[name])

    def _holding(self, sheet: str | None, row: int, col: int | None) -> Table | None:
        """The table on ``sheet`` whose cells hold (``row``, ``col``), or None."""
        if sheet is None or col is None:
            return None
        return next((t for t in self._by_sheet.get(sheet, ()) if t.first_row <= row <= t.last_row
                     and t.first_col <= col <= t.last_col), None)

    def _read(self, formula: str, this_row: bool, sheet: str | None, home: Table | None) -> Written | None:
        pieces: list[str | _OwnRow] = []
        at = 0
        table: Table | None
        body = _blanked(formula)
        binds = _BINDS.search(body) is not None  # LET or LAMBDA: a bare name may be one of its parameters
        previous: tuple[int, Table] | None = None  # the last table reference read: where it ends, its table
        try:
            for match in _TOKEN.finditer(formula):
                if match[3] is not None:  # no table's name: the table holding the cell, or not read
                    if home is None:
                        return None
                    table, brackets = home, match[3]
                elif match[1] is None or match[1].upper() not in self._names:
                    continue  # a text, an error, a quoted sheet name, another name: as written
                else:
                    table, brackets = self._tables[match[1].upper()], match[2]
                    if brackets is None:  # a bare name: the table's data, where it stands as an operand
                        if not _operand(formula, match.start(), match.end()):
                            if _reference_like(formula, match):
                                continue  # a sheet's, a function's, a column's or a cell's name: as written
                            return None  # a table joined by ":" or in an intersection: not read here
                        if match[1] not in self._spelt or (binds and _bound(body, match[1])):
                            return None  # spelt otherwise than the table spells it, or perhaps a parameter
                        brackets = "[#Data]"
                    if table is None:
                        return None  # a table not read whole
                joined = _joined(formula, match.start(), match.end(), previous, sheet)
                if joined is not None and joined[0] != table.sheet:
                    return None  # a range from another sheet's cell to the table's: Excel's error, not read here
                if joined is not None and previous is not None and isinstance(pieces[-1], _OwnRow) \
                        and formula[previous[0]:match.start()].strip() == ":":
                    pieces[-1] = replace(pieces[-1], in_range=True)  # the range's first end: no #VALUE! there either
                cells = _cells(table, brackets, this_row, None if joined is not None and joined[1] else sheet)
                if isinstance(cells, _OwnRow) and joined is not None:
                    cells = replace(cells, in_range=True)  # outside the table's rows: no cell to end a range at
                pieces += [formula[at:match.start()], cells]
                at = match.end()
                previous = (at, table)
        except _UnreadError:
            return None
        pieces.append(formula[at:])
        left = "".join(p if isinstance(p, str) else " " for p in pieces)
        if reads_a_table(left):
            return None  # a reference left: the formula as written
        return Written(pieces, changes=len(pieces) > 1)


def _blanked(formula: str) -> str:
    """``formula`` with its texts and quoted sheet names written as spaces, every other character in its place
    (``'C:\\dir\\[b.xlsx]Sheet'``, another workbook's, holds a bracket)."""
    return QUOTED.sub(lambda m: " " * len(m[0]), formula) if ('"' in formula or "'" in formula) else formula


def _reference_like(formula: str, match: re.Match[str]) -> bool:
    """Whether a name that is not an operand names something else: a sheet (``Sales!A1``), a function
    (``Sales(``), a cell (``GL1``, ``T$2``), or a column in a range of columns (``T:T``, ``A:GL``; not
    ``B2:GL``, where a table named like a column is joined to a cell)."""
    name = match[1]
    after = _on(formula, match.end())
    following = formula[after:after + 1]
    if following in ("!", "(") or reads_like_a_cell(name):
        return True
    if not (name.isascii() and name.isalpha() and len(name) <= 3 and column_number(name.upper()) <= EXCEL_COLUMNS):
        return False
    if following == "$" or following.isdigit():
        return True  # a cell's column, its row after
    before = _back(formula, match.start())
    if following == ":":
        other = _COLUMN_AFTER.match(formula, _on(formula, after + 1))
        return other is not None
    if before > 0 and formula[before - 1] == ":":
        return _COLUMN_BEFORE.search(formula, max(0, before - 1 - 8), before - 1) is not None
    return False


def _bound(body: str, name: str) -> bool:
    """Whether ``name`` may be a ``LET`` or ``LAMBDA`` parameter: first in those brackets, or between commas
    (a parameter after the first, or an argument: either way not read)."""
    name = re.escape(name)
    return re.search(r"(?:\b(?:LET|LAMBDA)\s*\(|,)\s*" + name + r"\s*[,)]", body, re.I) is not None


def _operand(formula: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` stands as an operand: an operator, a bracket, a comma or nothing on
    either side."""
    before, after = _back(formula, start), _on(formula, end)  # no copy of the text either side
    return (before == 0 or formula[before - 1] in _OPERAND_BEFORE) and (
        after == len(formula) or formula[after] in _OPERAND_AFTER)


def _joined(formula: str, start: int, end: int, previous: tuple[int, Table] | None,
            sheet: str | None) -> tuple[str, bool] | None:
    """Where ``:`` joins the reference at ``start:end`` to a range's other end: that end's sheet, and whether it
    names it; None where nothing is joined to it, or where a table reference after it is (it is checked when
    read). The other end is a cell (its sheet named, or the formula's own), or the table reference just before
    it; anything else is not read (:class:`_UnreadError`)."""
    before = _back(formula, start)
    after = _on(formula, end)
    if before > 0 and formula[before - 1] == ":":
        if previous is not None and _back(formula, before - 1) == previous[0]:
            return previous[1].sheet, previous[1].sheet != sheet
        window = max(0, before - _JOIN_WINDOW)
        match = _CELL_BEFORE.search(formula, window, start)
        if match is not None and match.start() == window and window > 0:
            raise _UnreadError  # the window cut what stands before the cell: not read here
    elif after < len(formula) and formula[after] == ":":
        match = _CELL_AFTER.match(formula, end)
        following = _TOKEN.match(formula, _on(formula, after + 1)) if match is None else None
        if following is not None and (following[2] is not None or following[3] is not None):
            return None  # a table's reference after: joined to this one as it is read
    else:
        return None
    if match is None:
        raise _UnreadError  # a name, a whole column, a function's result: not read here
    named = match[1].replace("''", "'") if match[1] else match[2]
    if named is None and sheet is None:
        raise _UnreadError
    return (named if named is not None else sheet or ""), named is not None


def _back(formula: str, at: int) -> int:
    """Where the white space ending just before ``at`` starts (no copy of the text: a step a character)."""
    while at > 0 and formula[at - 1].isspace():
        at -= 1
    return at


def _on(formula: str, at: int) -> int:
    """Where the white space starting at ``at`` ends."""
    while at < len(formula) and formula[at].isspace():
        at += 1
    return at


def _cells(table: Table, brackets: str, this_row: bool, sheet: str | None) -> str | _OwnRow:
    """The cells a table's brackets mean, as a reference (``'Ledger'!$C$2:$C$9``), or its own row's."""
    raw = brackets[1:-1]
    inner = raw.strip() if raw.strip()[:1] in ("[", "@", "#", "") else raw
    items: list[str] = []
    columns: list[tuple[str, str]] = []  # (first, last) column names
    if inner.startswith("@"):
        items.append("#THIS ROW")
        inner = inner[1:].strip()
    if inner and not inner.startswith("["):
        inner = f"[{inner}]"
    at = 0
    while at < len(inner):
        match = _ITEM.match(inner, at)
        if match is None or match.end() == at:
            raise _UnreadError
        first, first_item = _name(match[1])
        last, last_item = _name(match[2]) if match[2] else (first, first_item)
        if first_item and match[2] is None and first.upper() in _ITEMS:
            items.append(first.upper())
        elif first_item or last_item or columns:
            raise _UnreadError  # an item unknown or in a range, or a second list of columns: Excel refuses each
        else:
            columns.append((first, last))
        at = match.end()
    left, right = table.first_col, table.last_col
    if columns:
        ends = [table.column(name) for name in columns[0]]
        if ends[0] is None or ends[1] is None:
            raise _UnreadError
        left, right = min(ends[0], ends[1]), max(ends[0], ends[1])
    named = "" if table.sheet == sheet else _sheet(table.sheet)  # on its own sheet: as a range joined by ":" needs
    if items == ["#THIS ROW"]:
        if not this_row:
            raise _UnreadError
        return _OwnRow(named, column_letters(left), column_letters(right), *table.data_rows)
    top, bottom = _rows(table, items)
    start, end = f"${column_letters(left)}${top}", f"${column_letters(right)}${bottom}"
    return named + start if start == end else f"{named}{start}:{end}"


#: A sheet's name a reference may give without quotes (the engine reads a quoted one about three times as slowly):
#: letters, digits and ``_``, not a cell's address (``Q1``) nor R1C1 (``R``, ``C2``, ``R1C1``) nor a truth value.
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sheet(title: str) -> str:
    """A reference's sheet, with its "!": quoted where its name needs it (``'Q''s ledger'!``)."""
    if _PLAIN_SHEET.fullmatch(title) and not reads_like_a_cell(title) and not reads_like_r1c1(title) \
            and title.upper() not in ("TRUE", "FALSE"):
        return title + "!"
    return "'" + title.replace("'", "''") + "'!"


def _name(part: str) -> tuple[str, bool]:
    """A bracketed part's text with its escapes read, and whether it is an item (an unescaped ``#`` first)."""
    text = part[1:-1]
    if text.strip().startswith("#"):
        return text.strip(), True
    return re.sub(r"'(.)", r"\1", text, flags=re.S), False


def _rows(table: Table, items: list[str]) -> tuple[int, int]:
    """The first and last rows ``items`` (not ``#This Row``) mean."""
    first, last = table.data_rows
    header = table.first_row if table.header_rows else None
    totals = table.last_row if table.totals_rows else None
    chosen = set(items)
    if len(chosen) != len(items):
        raise _UnreadError
    if not chosen or chosen == {"#DATA"}:
        return first, last
    if chosen == {"#ALL"}:
        return table.first_row, table.last_row
    if chosen == {"#HEADERS"} and header is not None:
        return header, header
    if chosen == {"#TOTALS"} and totals is not None:
        return totals, totals
    if chosen == {"#HEADERS", "#DATA"} and header is not None:
        return header, last
    if chosen == {"#DATA", "#TOTALS"} and totals is not None:
        return first, totals
    raise _UnreadError


def reads_a_table(formula: str, names: set[str] | None = None) -> bool:
    """Whether ``formula`` reads a table by a structured reference (outside its texts): a name before a bracket
    (nothing else in a formula is written so: a table this workbook does not define is read as one too), or
    brackets with no table's name (``[@Date]``, ``[Amount]``; not another workbook's ``[1]Sheet1!A1``); with
    ``names`` (in capitals), a table's bare name too."""
    body = _blanked(formula)
    if _OWN_ROW.search(body) or _QUALIFIED.search(body) or _NAMELESS.search(body):
        return True
    return names is not None and any(m[1] is not None and m[1].upper() in names and m[2] is None
                                     and _operand(body, m.start(), m.end()) for m in _TOKEN.finditer(body))


__all__ = ["MAX_BARE_NAMES", "Rewriter", "Written", "reads_a_table", "rewrite"]
