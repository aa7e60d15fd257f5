"""Implicit intersection: a formula saved before dynamic arrays, given to the engine as Excel computes it.

A cell's formula stored without ``t="array"`` is one Excel computes in its language before dynamic arrays:
where such a formula takes one value from a reference to several cells, Excel takes the cell on the
formula's own row (a column) or column (a row), and ``#VALUE!`` if there is none. Since dynamic arrays
Excel shows that as ``@`` (``=@$B$2:$B$9*2``) and still stores the formula without it; a formula entered
to spill, or to be computed over arrays, is stored as an array formula. The engine computes every formula
as dynamic-array Excel computes what is typed, so ``=$B$2:$B$9*2`` in row 3 spills eight products where
Excel shows ``B3*2``. So the engine's copy is given such a formula with ``@`` where Excel takes one value
(:func:`edits`), computed by the engine as Excel documents ``@``:

* a reference to several cells (``$B$2:$B$9``, ``B:B``, ``Inputs!$B$7:$D$7``, a table's column once
  written as cells, a defined name standing for a reference, ``OFFSET``, ``INDEX``, ``INDIRECT``) where a
  value is taken: the whole formula; an operand of an operator (``=Rates*2``, ``SUM($B$2:$B$9*2)``, as
  a sum over such a product needed Ctrl+Shift+Enter); a whole argument a function takes as one value
  (``IF``'s condition, ``ROUND``'s number, ``VLOOKUP``'s lookup value: :data:`PARAMETERS`), or one it
  hands on (``IF``'s branches, ``CHOOSE``'s choices) where the call itself is in such a place;
* nothing inside a function not in :data:`PARAMETERS`, or in an argument it takes as an array
  (``SUMPRODUCT``, ``INDEX``'s first, ``LOOKUP``'s, every ``TRUPS_*`` function's): those Excel computed
  over arrays before dynamic arrays too, or how it did is not written here, so the engine's reading
  stands;
* nothing in an array formula, a text, or a formula this module does not read whole (a structured reference
  left, a name past ASCII, a union or an intersection of references): left as written.

``_xlfn.SINGLE(``, which dynamic-array Excel stores for an ``@`` typed in a formula, is given to the engine as
``@(`` (it reads no ``SINGLE``), in every formula this module reads whole (one it does not keeps it, and shows
``#NAME?`` as before). A ``@`` before a value changes nothing, so a reference to one
cell is never given one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import compress
from typing import cast

from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.formula_tokens import Frame, Token, arguments, opened_at, read
from trups_xl.recalc.package import Scan
from trups_xl.recalc.xml_text import escape, unescape

#: How a function takes each argument: ``V`` one value (a reference to several cells is intersected), ``R`` a
#: reference or a value (a reference is taken whole; an operator in it still takes values), ``P`` handed on
#: (as the call itself is taken), ``A`` an array (nothing inside it is changed). The last letter stands for
#: every argument after. A function not here takes every argument as ``A``.
PARAMETERS: dict[str, str] = {
    **dict.fromkeys(("ABS", "INT", "ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC", "MOD", "SIGN", "SQRT", "EXP", "LN",
                     "LOG", "LOG10", "POWER", "DATE", "TIME", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND",
                     "WEEKDAY", "EDATE", "EOMONTH", "DAYS", "DATEVALUE", "YEARFRAC", "TEXT", "VALUE", "LEN",
                     "LEFT", "RIGHT", "MID", "UPPER", "LOWER", "TRIM", "CONCATENATE", "EXACT", "REPT",
                     "SUBSTITUTE", "FIND", "SEARCH", "NOT", "IFERROR", "IFNA", "ISNUMBER", "ISTEXT", "ISERROR",
                     "ISERR", "ISNA", "ISBLANK", "ISLOGICAL", "ISEVEN", "ISODD", "CEILING", "FLOOR", "EVEN", "ODD",
                     "PMT", "IPMT", "PPMT", "PV", "FV", "NPER", "WEEKNUM", "DATEDIF", "TIMEVALUE", "PROPER",
                     "CLEAN", "FIXED", "DOLLAR", "CHAR", "CODE", "FACT", "SIN", "COS", "TAN", "MROUND", "QUOTIENT"),
                    "V"),
    **dict.fromkeys(("SUM", "AVERAGE", "MIN", "MAX", "COUNT", "COUNTA", "COUNTBLANK", "PRODUCT", "AND", "OR", "MEDIAN",
                     "STDEV", "STDEVP", "STDEV.S", "STDEV.P", "VAR", "VARP", "VAR.S", "VAR.P", "SUMSQ", "AVERAGEA",
                     "MAXA", "MINA"), "R"),
    "NETWORKDAYS": "VVR", "WORKDAY": "VVR",
    "IF": "VPP", "CHOOSE": "VP", "VLOOKUP": "VRV", "HLOOKUP": "VRV", "MATCH": "VRV", "SUMIF": "RVR",
    "COUNTIF": "RV", "AVERAGEIF": "RVR", "NPV": "VR", "INDEX": "AV", "OFFSET": "RV", "INDIRECT": "V",
}
#: Functions whose call is a reference: intersected where a value is taken, as Excel shows ``=@INDEX(...)``.
REFERENCE_FUNCTIONS = frozenset({"INDEX", "OFFSET", "INDIRECT"})
#: Functions taking their first arguments one way each (``head``), then pairs of arguments (``SUMIFS``: a range and a
#: criterion; ``IFS``: a condition and a value it hands on).
_PAIRED = {"SUMIFS": ("R", "RV"), "AVERAGEIFS": ("R", "RV"), "MAXIFS": ("R", "RV"), "MINIFS": ("R", "RV"),
           "COUNTIFS": ("", "RV"), "IFS": ("", "VP")}
#: Functions whose value may be an array of several values (``ROW`` and ``COLUMN`` of a range): Excel took its first
#: as the formula's value, where the engine spills it.
ARRAY_FUNCTIONS = frozenset({"TRANSPOSE", "MMULT", "MINVERSE", "FREQUENCY", "LINEST", "LOGEST", "TREND", "GROWTH"})

#: A number's digits, a row's: made 0 in the key a formula's decision is kept under, so the copies of one formula
#: down a column share it (lengths kept: the edits' places hold for each).
_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_ZEROS_IN_NAMES = str.maketrans("123456789", "000000000")


def _takes(function: str | None, argument: int, commas: int) -> str:
    """How ``function`` takes its ``argument``-th argument (:data:`PARAMETERS`); brackets that group hand on one
    expression, and a union of references is an array."""
    if function is None:
        return "P" if commas == 0 else "A"
    if function in _PAIRED:
        head, pair = _PAIRED[function]
        return head[argument] if argument < len(head) else pair[(argument - len(head)) % 2]
    kinds = PARAMETERS.get(function)
    if kinds is None:
        return "A"
    return kinds[min(argument, len(kinds) - 1)]


def _value_taken(tokens: list[Token], frames: list[Frame], first: int, last: int, frame: int, argument: int) -> bool:
    """Whether what tokens ``first`` to ``last`` hold is taken as one value where they stand, in ``frame``'s
    ``argument``-th argument; False inside an argument taken as an array."""
    before = tokens[first - 1].kind if first > 0 else "start"
    after = tokens[last + 1].kind if last + 1 < len(tokens) else "end"
    if "at" in (before, after) or "colon" in (before, after):
        return False  # intersected already, or one end of a range
    if before in _OPERAND_ENDS or after in _OPERAND_STARTS:
        return False  # an operand of the space between references (their intersection), left as written
    if not _inside_values(frames, frame, argument):
        return False
    if before == "operator" or after == "operator":
        return True
    if before == "start" and after == "end":
        return True
    if before not in ("open", "call", "comma") or after not in ("close", "comma") or frame < 0:
        return False
    outer = frames[frame]
    how = _takes(outer.function, argument, outer.commas)
    if how == "P":
        return _value_taken(tokens, frames, outer.open_at, outer.close_at, outer.parent, outer.argument)
    return how == "V"


def _inside_values(frames: list[Frame], frame: int, argument: int) -> bool:
    """Whether no call around an argument takes it (or what holds it) as an array."""
    while frame >= 0:
        outer = frames[frame]
        if _takes(outer.function, argument, outer.commas) == "A":
            return False
        frame, argument = outer.parent, outer.argument
    return True


Edit = tuple[int, int, str]  # at, how many characters replaced, by what
#: Tokens an operand ends with, and starts with: two side by side have a space between them, an operator.
_OPERAND_ENDS = frozenset({"ref", "name", "close", "number", "text", "error", "array"})
_OPERAND_STARTS = frozenset({"ref", "name", "call", "open", "number", "text", "error", "array"})


def edits(body: str, names: frozenset[str] = frozenset(), *, intersect: bool = True) -> tuple[Edit, ...]:
    """The edits giving a formula's text (``body``, without its ``=``) to the engine as Excel computes it: ``@``
    before each reference to several cells where one value is taken (``intersect``: a formula stored without
    ``t="array"``), ``names`` (in capitals) standing for such references; ``_xlfn.SINGLE(`` as ``@(``. None
    where the text is not read whole."""
    tokenised = read(body)
    if tokenised is None or not tokenised[0]:
        return ()
    tokens, frames = tokenised
    out: list[Edit] = []
    for index, token in enumerate(tokens):
        if token.kind == "call" and token.text.upper() == "_XLFN.SINGLE(":
            out.append((token.start, len(token.text) - 1, "@"))
            continue
        if not intersect:
            continue
        last = index
        if token.kind == "ref":
            reference = token.text.rpartition("!")[2]
            if ":" not in reference:
                continue
        elif token.kind == "name":
            if token.text.upper() not in names:
                continue
        elif token.kind == "call":
            frame = opened_at(frames, index)
            whole = index == 0 and frame.close_at == len(tokens) - 1  # the formula's value: one taken of any value
            if frame.function not in REFERENCE_FUNCTIONS or _one_cell(tokens, frames, frame) or not (
                    whole or _over_reference(tokens, frames, frame, names)):
                continue
            last = frame.close_at
        else:
            continue
        if _value_taken(tokens, frames, index, last, token.frame, token.argument):
            if last + 1 < len(tokens) and tokens[last + 1].text == "%":  # the engine's % binds before its @
                out += [(token.start, 0, "(@"), (tokens[last].end, 0, ")")]
            else:
                out.append((token.start, 0, "@"))
    out.sort(key=lambda edit: edit[0])  # in order of place (a call's closing bracket after the edits inside it)
    if intersect and tokens[0].kind != "at" and _array_valued(tokens, frames):
        out = [(0, 0, "@("), *out, (len(body), 0, ")")]
    return tuple(out)


def _array_valued(tokens: list[Token], frames: list[Frame]) -> bool:
    """Whether a formula's value may be an array of several values, not a reference (an array of constants, a function
    of :data:`ARRAY_FUNCTIONS`, ``ROW`` or ``COLUMN`` of a range), in a formula calling no ``TRUPS_*`` function (whose
    own array the recalculation spills as its add-in does)."""
    if any(t.kind == "call" and t.text.upper().startswith("TRUPS_") for t in tokens):
        return False
    for at, token in enumerate(tokens):
        if token.kind == "array":
            return True
        if token.kind != "call":
            continue
        frame = opened_at(frames, at)
        if frame.function in ARRAY_FUNCTIONS:
            return True
        if frame.function in ("ROW", "COLUMN") and at + 1 < len(tokens) and tokens[at + 1].kind == "ref" and \
                ":" in tokens[at + 1].text.rpartition("!")[2]:
            return True
    return False


def _over_reference(tokens: list[Token], frames: list[Frame], frame: Frame, names: frozenset[str]) -> bool:
    """Whether a call's value is a reference: ``OFFSET``'s and ``INDIRECT``'s always, ``INDEX``'s where its first
    argument is one (a range or a name standing for one); over an array (``INDEX(A1:A9*2,0)``) it is an array, which
    Excel took one value of only as a formula's whole value."""
    if frame.function != "INDEX":
        return True
    first = arguments(tokens, frames, frame)[0]
    return len(first) == 1 and (tokens[first[0]].kind == "ref" or (
        tokens[first[0]].kind == "name" and tokens[first[0]].text.upper() in names))


def _one_cell(tokens: list[Token], frames: list[Frame], frame: Frame) -> bool:
    """Whether an ``INDEX`` call is one cell whatever its cells hold: a reference to a column and a ``MATCH``
    (which answers 1 or more, or an error), or a reference and two; ``@`` would change nothing (and cost a rewrite of
    every lookup down a column)."""
    if frame.function != "INDEX":
        return False
    given = arguments(tokens, frames, frame)
    if len(given) not in (2, 3) or len(given[0]) != 1 or tokens[given[0][0]].kind != "ref":
        return False
    for argument in given[1:]:
        first = tokens[argument[0]] if argument else None
        if first is None or first.kind != "call" or first.text.upper().removeprefix("_XLFN.") not in (
                "MATCH(", "XMATCH("):
            return False
        if opened_at(frames, argument[0]).close_at != argument[-1]:
            return False
    if len(given) == 3:
        return True
    ends = _ENDS.fullmatch(tokens[given[0][0]].text.rpartition("!")[2].replace("$", ""))
    return ends is not None and ends[1] != "" and ends[1].upper() == ends[3].upper()  # one column (a row's rows are
    # digits, which the key the decisions are kept under makes 0: such an INDEX is given its @, which changes nothing)


#: A range's two ends: their columns and rows (either may be missing: ``B:B``, ``2:2``).
_ENDS = re.compile(r"([A-Za-z]*)([0-9]*):([A-Za-z]*)([0-9]*)")


def applied(body: str, made: Iterable[Edit]) -> str:
    """``body`` with ``made`` edits (in order of place)."""
    parts: list[str] = []
    at = 0
    for start, replaced, by in made:
        parts += [body[at:start], by]
        at = start + replaced
    return "".join(parts) + body[at:]


#: A defined name's formula that is a reference: a cell, a rectangle, columns or rows of a sheet, or a call of a
#: function whose value is one (a range that moves: ``OFFSET(Inputs!$A$1,0,0,COUNTA(Inputs!$A:$A))``).
_REFERENCE_NAME = re.compile(r"""^=?\s*(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?
    (?:\$?[A-Za-z]{1,3}\$?[0-9]+:\$?[A-Za-z]{1,3}\$?[0-9]+|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?[0-9]+:\$?[0-9]+)\s*$
    |^=?\s*(?:OFFSET|INDEX|INDIRECT)\s*\(""", re.VERBOSE | re.IGNORECASE)
#: Functions whose call a formula may need an edit for.
_CALL_WORDS = ("INDEX", "OFFSET", "INDIRECT", "SINGLE", "{", *sorted(ARRAY_FUNCTIONS))
#: A formula's words in capitals (a name among them; a word in a text too, which only makes a formula looked at).
_WORDS = re.compile(r"[A-Z_\\][A-Z0-9_.?\\]*")
#: Names a plain search of a sheet's texts looks for, one search each, at most; past it each text's words are looked up.
_NAMES_SEARCHED = 16
_CALLS = re.compile(r"(?<![\w.])(?:INDEX|OFFSET|INDIRECT|_xlfn\.SINGLE|" + "|".join(sorted(ARRAY_FUNCTIONS)) + r")\s*\(",
                    re.IGNORECASE)


@dataclass
class Intersector:
    """The edits for each formula of one workbook, decided once for the copies of a formula down a column (their
    texts alike but for digits: :data:`_ZEROS`)."""

    #: The workbook's defined names (in capitals) standing for a reference: those a sheet with no names of its own sees.
    names: frozenset[str] = frozenset()
    #: For each sheet with names of its own, the names standing for a reference there: its own where it has one of
    #: that name, else the workbook's.
    local: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Whether two names alike but for digits differ in that (``Rate1`` a range, ``Rate2`` a number): then each
    #: text is its own key.
    exact: bool = False
    _decided: dict[bytes, tuple[Edit, ...]] = field(default_factory=dict)
    #: Every name standing for a reference on some sheet (what a formula is searched for).
    every: frozenset[str] = field(init=False, default=frozenset())
    #: Distinct keys held at most; past it the decisions are made afresh.
    MAX_HELD = 50_000

    def __post_init__(self) -> None:
        self.every = self.names.union(*self.local.values())

    @classmethod
    def of(cls, found: Scan) -> Intersector:
        """The workbook's names standing for a reference, read from its defined names, scope by scope."""
        scopes: dict[str | None, dict[str, bool]] = {}
        for (sheet, name), text in found.scoped.items():
            scopes.setdefault(sheet, {})[name.upper()] = _REFERENCE_NAME.search(text) is not None
        workbook = scopes.pop(None, {})
        local = {sheet: frozenset({n for n, ref in workbook.items() if ref and n not in own} |
                                  {n for n, ref in own.items() if ref}) for sheet, own in scopes.items() if sheet}
        names = frozenset(n for n, ref in workbook.items() if ref)
        others = {n.translate(_ZEROS_IN_NAMES) for kinds in (workbook, *scopes.values()) for n, ref in kinds.items()
                  if not ref}
        return cls(names, local, exact=any(n.translate(_ZEROS_IN_NAMES) in others for n in names.union(*local.values())))

    def on(self, sheet: str | None) -> frozenset[str]:
        """The names standing for a reference in a formula on ``sheet``."""
        return self.local.get(sheet, self.names) if sheet is not None else self.names

    def key(self, raw: bytes, intersect: bool, sheet: str | None) -> bytes:
        """The key a formula's decision is kept under (its text as bytes, digits 0 unless :attr:`exact`; a sheet with
        names of its own apart)."""
        key = (raw if self.exact else raw.translate(_ZEROS)) + (b"\0" if intersect else b"\1")
        return key + sheet.encode("utf-8", "surrogatepass") if sheet in self.local and sheet is not None else key

    def wanted(self, body: str) -> bool:
        """Whether a formula's text may need an edit: a range, a name or a function that reads one."""
        return ":" in body or "{" in body or ("(" in body and _CALLS.search(body) is not None) or (
            bool(self.every) and not self.every.isdisjoint(_WORDS.findall(body.upper())))

    def decided(self, body: str, intersect: bool, sheet: str | None = None) -> tuple[Edit, ...]:
        """The edits of a formula's text (``body``, without its ``=``; ``intersect`` as :func:`edits` takes it) on
        ``sheet``."""
        key = self.key(body.encode("utf-8", "surrogatepass"), intersect, sheet)
        made = self._decided.get(key)
        if made is None:
            if len(self._decided) >= self.MAX_HELD:
                self._decided.clear()
            made = self._decided[key] = edits(body, self.on(sheet), intersect=intersect)
        return made

    def _candidates(self, texts: list[str | None]) -> list[int]:
        """The places of the texts that may need an edit (:meth:`wanted`), in order: those holding ``:``, and those
        where a plain search of them all in capitals finds a function's or a name's word (a search in any case, or
        one text at a time, costs a quarter of a second over the 220,000 formulas of a 10,000-row ledger)."""
        held: list[str] = list(filter(None, texts))
        found = {index for index, text in enumerate(held) if ":" in text}  # places among the texts there are
        upper = "\0".join(held).upper()  # no formula holds a NUL (XML has none); a line break it may
        named: AbstractSet[str] = self.every
        if len(named) > _NAMES_SEARCHED:  # many names: those the texts hold, and if still many, each text's words
            named = self.every.intersection(_WORDS.findall(upper))
            if len(named) > _NAMES_SEARCHED:
                found.update(index for index, text in enumerate(held)
                             if not named.isdisjoint(_WORDS.findall(text.upper())))
                named = set()
        for word in (*_CALL_WORDS, *sorted(named)):
            start, line, counted = upper.find(word), 0, 0
            while start >= 0:
                line += upper.count("\0", counted, start)
                found.add(line)
                counted = upper.find("\0", start)  # the next text on: this one is a candidate already
                start = upper.find(word, counted) if counted >= 0 else -1
        if len(held) == len(texts):
            return sorted(found)
        present = list(compress(range(len(texts)), texts))
        return [present[index] for index in sorted(found)]

    def in_scan(self, found: Scan) -> bool:
        """Each formula of the scan given its edits (the plan reads what the engine is given; a shared formula's
        first cell, so its copies, as the engine reads them from it); whether any was."""
        changed = False
        for sheet in found.sheets:
            keys, texts, special = sheet.formulas.packed()
            new: dict[tuple[int, int], str] = {}
            decided = self._decided
            for at in self._candidates(texts):
                text = cast(str, texts[at])
                body = text[1:] if text[0] == "=" else text
                cell = special.get(keys[at]) if special else None
                kind = cell.kind if cell is not None else "normal"
                if kind not in ("normal", "shared", "array"):
                    continue
                made = decided.get(self.key(body.encode("utf-8", "surrogatepass"), kind != "array", sheet.title))
                if made is None:
                    made = self.decided(body, kind != "array", sheet.title)
                if made:
                    new[(keys[at] >> COLUMN_BITS, keys[at] & ((1 << COLUMN_BITS) - 1))] = "=" + applied(body, made)
            if new:
                sheet.formulas.replace_texts(new)
                changed = True
        return changed


#: A formula element's start tag and text (its closing tag after it, not taken).
_FORMULA = re.compile(rb"(<f\b([^>]*)>)([^<]*)(?=</f>)")
#: A formula element's kind (``t="shared"``, ``t="array"``, ``t="dataTable"``).
_KIND = re.compile(rb'\st\s*=\s*["\'](\w+)["\']')


def in_piece(intersector: Intersector, sheet: str) -> Callable[[bytes], bytes]:
    """Each formula of a piece of ``sheet``'s part (the engine's copy) given its edits (:meth:`Intersector.decided`):
    ``@`` in a formula stored plain or shared, ``_xlfn.SINGLE(`` as ``@(`` in any; a data table's left as it is."""

    stored: dict[bytes, tuple[Edit, ...]] = {}  # by a stored text's key (its digits 0): its edits, in its characters

    def element(match: re.Match[bytes]) -> bytes:
        raw = match[3]
        kind = _KIND.search(match[2]) if match[2] else None
        kind_name = kind[1] if kind is not None else b"normal"
        if kind_name not in (b"normal", b"shared", b"array"):
            return match[0]
        key = intersector.key(raw, kind_name != b"array", sheet)
        made = stored.get(key)
        if made == ():
            return match[0]
        try:
            body = unescape(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return match[0]
        if made is None:
            if len(stored) >= Intersector.MAX_HELD:
                stored.clear()
            made = stored[key] = intersector.decided(body, kind_name != b"array", sheet) if intersector.wanted(
                body) else ()
        return match[1] + escape(applied(body, made)).encode("utf-8") if made else match[0]

    return lambda piece: _FORMULA.sub(element, piece)


def in_scan(found: Scan) -> Intersector | None:
    """The scan's formulas given their edits (:meth:`Intersector.in_scan`), and the :class:`Intersector` that gives the
    engine's copy the same (:func:`in_piece`) where any was given one, else None."""
    intersector = Intersector.of(found)
    return intersector if intersector.in_scan(found) else None


__all__ = ["PARAMETERS", "REFERENCE_FUNCTIONS", "Intersector", "applied", "edits", "in_piece", "in_scan"]
