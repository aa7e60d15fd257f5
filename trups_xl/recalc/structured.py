"""Structured references (``Ledger1[Amount]``, ``Ledger1[[#This Row],[Date]]``, ``Ledger1[#Totals]``): a
formula reading an Excel table (:mod:`.excel_tables`) is given to the engine, and planned, with each
reference written as the cells it means, since the engine reads no table.

What a reference means, as Excel's documentation of structured references gives it:

* the table's name, then in brackets a column (``[Amount]``), a range of columns (``[[Start]:[End]]``), an
  item (``[#All]``, ``[#Data]``, ``[#Headers]``, ``[#Totals]``, ``[#This Row]``), or items then columns
  (``[[#Headers],[#Data],[Amount]]``); no column means every column, no item the data rows, the bare name
  the data;
* ``#This Row`` (``@`` as Excel shows it) is the row of the formula's own cell within the data rows, and
  ``#VALUE!`` from a row outside them; it is written with its row relative (``Ledger!$C5``), so a column of
  such formulas is a column of copies, vectorised like any other;
* in a column's name ``'`` escapes the next character (``[Rate '#]``), and names match in any case.

A reference this module does not read (a table that is not there or not read whole, an item the table lacks
such as ``#Totals`` with no totals row, an item list Excel would refuse, ``[@Col]`` with no table's name, a
``#This Row`` in an array formula or a shared formula) is not read: its cell shows ``#NAME?`` (the
engine's copy holds that error, not the formula, as for a formula the engine cannot parse), and one line
names the first such cell (:func:`structured_notice`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from trups_xl.recalc.addresses import a1, column_letters, reads_like_a_cell, texts_blanked
from trups_xl.recalc.excel_tables import Table
from trups_xl.recalc.package import Scan
from trups_xl.recalc.xml_text import escape, unescape

#: One bracketed part of a reference: characters, escapes (``'`` and the next character), nothing nested.
_BRACKET = r"\[(?:[^\[\]']|'.)*\]"
#: A text, or a quoted sheet name (taken whole, never looked into); or a table's name and its brackets.
_TOKEN = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|(?<![\w.\\'\]])([A-Za-z_\\][\w.]*)"
                    r"(\[(?:[^\[\]']|'.|" + _BRACKET + r")*\])?", re.S)
#: One item of a list in brackets: a bracketed part, or two joined by ``:``, then a comma or the end.
_ITEM = re.compile(r"\s*(" + _BRACKET + r")(?:\s*:\s*(" + _BRACKET + r"))?\s*(?:,|$)", re.S)
#: The items a reference may name, in capitals.
_ITEMS = ("#ALL", "#DATA", "#HEADERS", "#TOTALS", "#THIS ROW")
#: A name followed by a bracket: a structured reference's table (an external book's index, ``[1]``, has none).
_QUALIFIED = re.compile(r"(?<![\w.\\'\]])([A-Za-z_\\][\w.]*)\[")
#: A reference to the formula's own row of its table, written without the table's name.
_OWN_ROW = re.compile(r"\[\s*(?:#This Row|@)", re.I)


class _UnreadError(Exception):
    """A reference this module does not read: its formula is left as written."""


def rewrite(formula: str, row: int, tables: Mapping[str, Table | None], this_row: bool = True) -> str | None:
    """``formula`` (with its "=") with each structured reference written as the cells it means, read from a
    cell on ``row``; the formula itself where it names no table; None where a reference is not read here
    (``this_row`` False: an array formula's, whose own row is not one cell's). :class:`Rewriter`, once."""
    return Rewriter(tables)(formula, row, this_row)


@dataclass(frozen=True)
class _OwnRow:
    """A ``#This Row`` reference: columns ``left`` to ``right`` of the reading cell's row on ``sheet`` (its
    name quoted, with its "!"), ``#VALUE!`` from a row outside ``first`` to ``last``."""

    sheet: str
    left: str
    right: str
    first: int
    last: int

    def at(self, row: int) -> str:
        if not self.first <= row <= self.last:
            return "#VALUE!"
        start = f"{self.sheet}${self.left}{row}"  # row relative: a column of copies reads each its own
        return start if self.left == self.right else f"{start}:${self.right}{row}"


class Rewriter:
    """:func:`rewrite` for many cells: each distinct formula is read once (a column reading its own row
    holds one text), then written for each cell's row by joining its pieces."""

    #: Distinct formulas held at most (then forgotten and read again): a column of copies that also
    #: reads cells by address holds one text a row.
    MAX_HELD = 100_000

    def __init__(self, tables: Mapping[str, Table | None]) -> None:
        self._tables = tables
        self._names = set(tables)
        self._held: dict[tuple[str, bool], list[str | _OwnRow] | None] = {}

    def __call__(self, formula: str, row: int, this_row: bool = True) -> str | None:
        if "[" not in formula or not self._tables:
            return formula
        key = (formula, this_row)
        if key in self._held:
            pieces = self._held[key]
        else:
            if len(self._held) >= self.MAX_HELD:
                self._held.clear()
            pieces = self._held[key] = self._pieces(formula, this_row)
        if pieces is None:
            return None
        return "".join(p if isinstance(p, str) else p.at(row) for p in pieces)

    def _pieces(self, formula: str, this_row: bool) -> list[str | _OwnRow] | None:
        pieces: list[str | _OwnRow] = []
        at = 0
        try:
            for match in _TOKEN.finditer(formula):
                table = self._tables.get(match[1].upper()) if match[1] else None
                if table is None or match[2] is None:  # a text, a quoted sheet name, another name: as written
                    continue
                pieces += [formula[at:match.start()], _cells(table, match[2], this_row)]
                at = match.end()
        except _UnreadError:
            return None
        pieces.append(formula[at:])
        left = "".join(p if isinstance(p, str) else " " for p in pieces)
        return None if reads_a_table(left, self._names) else pieces  # a reference left: as written


def _cells(table: Table, brackets: str, this_row: bool) -> str | _OwnRow:
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
    sheet = _sheet(table.sheet)
    if items == ["#THIS ROW"]:
        if not this_row:
            raise _UnreadError
        return _OwnRow(sheet, column_letters(left), column_letters(right), *table.data_rows)
    top, bottom = _rows(table, items)
    start, end = f"${column_letters(left)}${top}", f"${column_letters(right)}${bottom}"
    return sheet + start if start == end else f"{sheet}{start}:{end}"


#: A sheet's name a reference may give without quotes (the engine reads a quoted one about three times as slowly):
#: letters, digits and ``_``, not a cell's address (``Q1``) nor R1C1 (``R``, ``C2``, ``R1C1``) nor a truth value.
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_R1C1 = re.compile(r"R\d*C?\d*|C\d*", re.I)


def _sheet(title: str) -> str:
    """A reference's sheet, with its "!": quoted where its name needs it (``'Q''s ledger'!``)."""
    if _PLAIN_SHEET.fullmatch(title) and not reads_like_a_cell(title) and not _R1C1.fullmatch(title) \
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


#: A formula cell's start tag with its position, and its formula element's start tag and text.
_FORMULA_CELL = re.compile(rb'(<c\b[^>]*?\sr="([A-Z]{1,3})([1-9]\d{0,6})"[^>]*>\s*<f\b([^>]*)>)([^<]*)(?=</f>)')
#: A formula element's kind (``t="shared"``, ``t="array"``, ``t="dataTable"``).
_KIND = re.compile(rb'\st\s*=\s*["\'](\w+)["\']')


def in_piece(tables: Mapping[str, Table | None]) -> Callable[[bytes], bytes]:
    """What :func:`rewrite` does, done to each plain or array formula of a piece of a sheet part that holds a
    bracket (the engine's copy): a shared formula's text, whose copies would move its references, is left."""
    rewriter = Rewriter(tables)

    def element(match: re.Match[bytes]) -> bytes:
        if b"[" not in match[5]:
            return match[0]
        kind = _KIND.search(match[4])
        if kind is not None and kind[1] != b"array":
            return match[0]
        try:
            text = unescape(match[5].decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return match[0]
        new = rewriter("=" + text, int(match[3]), this_row=kind is None)
        return match[0] if new is None or new == "=" + text else match[1] + escape(new[1:]).encode()

    def out(piece: bytes) -> bytes:
        return _FORMULA_CELL.sub(element, piece) if b"[" in piece else piece

    return out


def in_scan(found: Scan, tables: Mapping[str, Table | None]) -> tuple[list[str], dict[tuple[str, int, int], str]]:
    """Each plain or array formula of the scan that reads a table given its text as :func:`rewrite` writes
    it (what the plan reads, as the engine's copy holds it: :func:`in_piece`). Returns the cells whose
    reference is not read here (as ``Sheet!A1``, each formula once) and every cell they cover (a shared
    formula's copies too) with the ``#NAME?`` the engine's copy gives them: the engine refuses a whole
    workbook over some of them (``[@Date]`` with no table's name)."""
    names = set(tables)
    rewriter = Rewriter(tables)
    unread: list[str] = []
    screened: dict[tuple[str, int, int], str] = {}
    for sheet in found.sheets:
        changed: dict[tuple[int, int], str] = {}
        groups = None
        for row, col, text, special in sheet.formulas.holding("["):
            if not text:
                continue
            kind = special.kind if special is not None else "normal"
            if kind in ("normal", "array"):
                new = rewriter(text, row, this_row=kind == "normal")  # None: it reads a table, not read here
            else:
                new = None if reads_a_table(text, names) else text
            if new is None:
                unread.append(f"{sheet.title}!{a1(row, col)}")
                cells = [(row, col)]
                if special is not None and special.kind == "shared":
                    groups = groups if groups is not None else sheet.formulas.shared_groups()
                    group = groups.get(special.shared_index or "")
                    cells = group.positions() if group is not None else cells
                screened.update(((sheet.title, r, c), "#NAME?") for r, c in cells)
            elif new != text:
                changed[(row, col)] = new
        if changed:
            sheet.formulas.replace_texts(changed)
    return unread, screened


def reads_a_table(formula: str, names: set[str]) -> bool:
    """Whether ``formula`` reads a table by a structured reference (outside its texts): a table of ``names``
    (in capitals) before a bracket, or ``[#This Row]`` or ``[@`` with no table's name."""
    body = texts_blanked(formula)
    return bool(_OWN_ROW.search(body)) or any(m[1].upper() in names for m in _QUALIFIED.finditer(body))


def structured_notice(unread: list[str]) -> str | None:
    """One line for the formula cells whose structured references are not read here, or None."""
    if not unread:
        return None
    count = f"{len(unread):,} formula cell{'s' if len(unread) > 1 else ''}"
    return (f"{count} read an Excel table by a structured reference this recalculation does not read (first "
            f"{unread[0]}): such a reference shows #NAME? where Excel shows a value; write it as cells (A2, "
            "A2:A100), or with the table's name and items Excel saves (Ledger1[[#This Row],[Date]]), to compute it")


__all__ = ["Rewriter", "in_piece", "in_scan", "reads_a_table", "rewrite", "structured_notice"]
