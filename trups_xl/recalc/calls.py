"""A ``TRUPS_*`` call parsed from a formula's text: its function and its arguments as literals, cell
references and ranges (with the rows they move by when the formula is copied down), defined names,
skipped arguments, or the refusal of a range too large to read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
from trups_xl.excel.function import INFO, INPUT_ERROR_PREFIX, REGISTRY
from trups_xl.recalc.addresses import (
    REFERENCE_START,
    TEXT,
    area_on_the_grid,
    column_number,
    fixed_reference,
    on_the_grid,
    quoted,
    quoted_spans,
)
from trups_xl.recalc.package import Scan

#: Arguments the functions read element by element from a range (the others take one value), as
#: each function declares them beside its definition (:func:`trups_xl.excel.function.excel_function`).
VECTOR_PARAMETERS: dict[str, tuple[str, ...]] = {name: info.elementwise for name, info in INFO.items()
                                                 if info.elementwise}
#: Cells a range argument of a ``TRUPS_*`` call may span (one whole column); a larger range is
#: refused with a message naming the argument rather than read.
MAX_RANGE_CELLS = 1_048_576
#: Rounds of calls reading calls; what is still pending after them is left to the engine.
MAX_ROUNDS = 8

CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\((.*)\)\s*$", re.S | re.I)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?:\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)"
                 r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?|\$?(?P<wc1>[A-Za-z]{1,3}):\$?(?P<wc2>[A-Za-z]{1,3}))$")

#: A cell reference's row, for the shape of a formula copied down (absolute rows kept as they are; a
#: sheet named like a cell, ``Q1!C2``, is not one)
RELATIVE_ROW = re.compile(REFERENCE_START + r"(\$?[A-Za-z]{1,3})(\$?)(\d+)(?![\w(!])")



class Copied:
    """A formula as the first of a column of copies: the same formula ``k`` rows down (its relative
    rows moved, absolute ones kept) is made by joining its pieces, not by a regular expression per
    cell, so a column of 10,000 copies is recognised and rewritten at the cost of string joins.

    A text is kept as it is in the copies, as Excel keeps it (``"H1"``, a period's label). ``copyable`` is
    False where a text holds what looks like a reference: :mod:`.shared` leaves a shared formula so written
    to the engine's own reading.
    """

    __slots__ = ("copyable", "form", "rows", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.copyable = not ('"' in text and any(RELATIVE_ROW.search(t) for t in TEXT.findall(text)))
        pieces: list[str] = []
        self.rows: list[int] = []  # the distinct relative rows, in order of first use
        at = 0
        spans = quoted_spans(text)
        for m in RELATIVE_ROW.finditer(text):
            if m[2] or quoted(spans, m.start()) or not on_the_grid(m[1].lstrip("$"), m[3]):
                continue  # an absolute row ($5) is kept, as are a word of a quoted sheet name ('Model FY2024'!A2)
                # and a name that reads like a cell beyond the grid (YTD1), as Excel keeps a name in a copy
            row = int(m[3])
            if row not in self.rows:
                self.rows.append(row)
            pieces.append(text[at:m.start(3)].replace("{", "{{").replace("}", "}}") + f"{{{self.rows.index(row)}}}")
            at = m.end(3)
        pieces.append(text[at:].replace("{", "{{").replace("}", "}}"))
        self.form = "".join(pieces)  # the text with each relative row a numbered field (one per distinct row)

    def moved(self, k: int) -> str:
        """The formula copied ``k`` rows down (the text itself for 0)."""
        if not k or not self.rows:
            return self.text
        if len(self.rows) == 1:  # the usual copy: every reference on one row
            return self.form.format(self.rows[0] + k)
        return self.form.format(*[row + k for row in self.rows])

    def copies(self, offsets: list[int]) -> list[str]:
        """:meth:`moved` for each of ``offsets`` (one format call each, no method call per copy)."""
        if not self.rows:
            return [self.text] * len(offsets)
        if len(self.rows) == 1:
            first = self.rows[0]
            return [self.text if not k else text for k, text in zip(
                offsets, map(self.form.format, [first + k for k in offsets]), strict=True)]
        return [self.moved(k) for k in offsets]

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
    #: a whole column (``Prices!A:B``): ``rows`` from 1 to the sheet's last row, read down to the last row
    #: any of its columns holds something, as the engine passes it
    whole: bool = False

    def shifted(self, rows: int) -> Ref:
        r1 = self.rows[0] + (0 if self.absolute[0] else rows)
        r2 = self.rows[1] + (0 if self.absolute[1] else rows)
        return Ref(self.sheet, (r1, r2), self.cols, self.text, self.absolute, self.whole)

    @property
    def single(self) -> bool:
        """One cell, read as its value: never a whole column, which the engine passes as a range (rows of
        values, or every one of its rows where it holds nothing) however few rows its sheet has."""
        return self.rows[0] == self.rows[1] and self.cols[0] == self.cols[1] and not self.whole

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


def _on_the_grid(match: re.Match[str]) -> bool:
    """Whether both ends of a :data:`REF` match are places on the grid (else the text is a name)."""
    if match["wc1"]:
        return area_on_the_grid(match["wc1"], None, match["wc2"], None)
    return area_on_the_grid(match["c1"], match["r1"], match["c2"], match["r2"])


class Parser:
    """Arguments of simple calls, resolved against the workbook's sheets and names."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.titles = {s.title.upper(): s.title for s in scan.sheets}

    def ref(self, match: re.Match[str], sheet: str, text: str, named: bool = False) -> Ref:
        name = match["sheet"]
        if name:
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
            if name.upper() not in self.titles:
                raise _NotSimpleError
            sheet = self.titles[name.upper()]
        # ends written in reverse (B:A, B3:A1, a copy of A$3:A1 above row 3) are read as Excel reads them, in
        # order; the engine alone answers #REF! for B:A and refuses a workbook holding B3:A1 (Excel saves neither)
        if match["wc1"]:  # a whole column: the engine passes its cells from row 1 to the last it holds
            c1, c2 = sorted((column_number(match["wc1"].upper()), column_number(match["wc2"].upper())))
            bottom = self.scan.sheet(sheet).max_row  # at most the sheet's last row: read so, then cut
            if bottom < 1 or bottom * (c2 - c1 + 1) > MAX_RANGE_CELLS:
                raise _NotSimpleError  # the engine's, as one it reads whole
            return Ref(sheet, (1, bottom), (c1, c2), text, (True, True), whole=True)
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
        if TEXT.fullmatch(arg):  # one text: not "libor"&"_act", which the engine joins
            return arg[1:-1].replace('""', '"')
        if arg.upper() in ("TRUE", "FALSE"):
            return arg.upper() == "TRUE"
        match = REF.match(arg)
        if match and _on_the_grid(match):
            return self.ref(match, sheet, arg)
        found = self.scan.name_text(arg, sheet)  # a name local to the sheet first, then the workbook's
        if found is not None:
            match = REF.match(found)  # the $ signs of its address, not of a sheet's title ('Rates$'!$B$2)
            if match and match["sheet"] and fixed_reference(found):
                return self.ref(match, sheet, found, named=True)
        raise _NotSimpleError

    def parse(self, key: Key, formula: str) -> Call | None:
        match = CALL.match(formula)
        if not match or match[1].upper() not in REGISTRY:
            return None
        function = match[1].upper()
        try:
            args = [self.argument(a, key[0]) for a in split_arguments(match[2])]
        except _NotSimpleError:
            return None
        names = parameters(function)
        vector = VECTOR_PARAMETERS.get(function, ())
        if any(isinstance(a, Ref) and a.whole and (i >= len(names) or names[i] in vector) for i, a in enumerate(args)):
            return None  # a whole column read element by element (a result a row of it) is the engine's
        for i, arg in enumerate(args):
            if isinstance(arg, Ref) and arg.size > MAX_RANGE_CELLS:
                name = names[i] if i < len(names) else f"argument {i + 1}"
                return Call(key, function, (Refusal(
                    f"{INPUT_ERROR_PREFIX} {name}: the range {arg.text} spans {arg.size:,} cells; a range argument "
                    f"may span at most {MAX_RANGE_CELLS:,} (one column)"),))
        return Call(key, function, tuple(args))


def names_trups(text: str) -> bool:
    """Whether a formula's text names a ``TRUPS_*`` function anywhere, in any case (as :func:`top_function`
    reads a name): what is told apart before anything is parsed."""
    return "TRUPS_" in text or ("_" in text and "TRUPS_" in text.upper())


_TOP_CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\(", re.I)


def top_function(text: str) -> str | None:
    """The ``TRUPS_*`` function a formula calls first, if it starts with one: told by the text before its
    first parenthesis, which a column of copies shares (so it is worked out once for them)."""
    head, parenthesis, _rest = text.partition("(")
    return _top_of(head) if parenthesis else None


@functools.lru_cache(maxsize=4096)
def _top_of(head: str) -> str | None:
    match = _TOP_CALL.match(head + "(")
    if match is None or "TRUPS_" not in head[:40].upper():
        return None
    return match[1].upper() if match[1].upper() in REGISTRY else None


def parameters(function: str) -> tuple[str, ...]:
    """The names of the arguments of the registered function ``function``, in order."""
    return INFO[function].parameters


def hashable(value: object) -> object:
    """``value`` as a dictionary key: a range as a tuple, a logical apart from the number it equals
    (``TRUE == 1`` in Python; a function may accept one and refuse the other)."""
    if type(value) is bool:
        return ("bool", value)
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    return value
