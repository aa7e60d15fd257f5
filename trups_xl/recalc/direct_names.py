"""Defined names that stand for one reference, written out as that reference in the engine's copy.

The engine loads a formula that names a defined name far more slowly than the same formula with the
reference written out, and more than linearly in the number of such formulas: 10,000 copies of
``=IF(AND(A2>=DeferStart,A2<DeferEnd),A2,0)`` load in about 0.49 s, 40,000 in 3.7 s, against 0.035 s
and 0.19 s with ``Inputs!$B$5`` and ``Inputs!$B$6`` written out (formualizer 0.13). A name of the whole
workbook that stands for one absolute reference to a cell or a rectangle of one of its sheets
(``Inputs!$B$2``, ``'Rate inputs'!$B$7:$D$7``) means, wherever a formula names it as an operand, exactly
that reference written out: the same value, the same range for a function that takes one, the same
spill. So the engine's copy names it by its reference (:func:`in_piece`); the names stay defined in the
copy, and every other use of a name is left as written:

* a name that is local to a sheet, or of the workbook with a local name of the same name on some
  sheet (a formula on that sheet means its own);
* a name standing for anything else: a relative reference (which moves with the cell reading it), a
  whole column or row, a formula, a constant, a reference to another workbook or to several sheets;
* a name in a text (``"Principal"``), in a quoted sheet name, in a structured reference, before ``(``
  (a function of that name), ``!`` (a sheet of that name) or ``:`` and after ``:`` (a range operator
  between names), or as part of a longer name;
* every name of a formula that calls ``LET`` or ``LAMBDA`` (whose own names may be spelt as a defined name).

The formulas as the workbook writes them are what the tests' reference path (the engine alone on the
file) evaluates, so the two are compared cell by cell on every shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from trups_xl.recalc.addresses import ERROR_VALUE, column_number, reads_like_a_cell, reads_like_r1c1
from trups_xl.recalc.package import Scan
from trups_xl.recalc.safety import EXCEL_COLUMNS, EXCEL_ROWS
from trups_xl.recalc.xml_text import escape, unescape

#: One absolute reference to a cell or a rectangle of a sheet: the sheet (quoted or not), then ``$C$R`` or
#: ``$C$R:$C$R``.
_ABSOLUTE = re.compile(r"(?:'((?:[^']|'')+)'|([A-Za-z_][\w.]*))!\$([A-Z]{1,3})\$([1-9]\d{0,6})"
                       r"(?::\$([A-Z]{1,3})\$([1-9]\d{0,6}))?")
#: A defined name as this module writes one out: ASCII (a name of other characters is left as written).
_NAME = re.compile(r"[A-Za-z_\\][A-Za-z0-9_.]*")
#: A formula that names values of its own (``LET``, ``LAMBDA``: a name there may be a parameter, written
#: ``_xlpm.Principal`` by Excel but plainly by hand), or that tells a reference's address as text (``CELL``:
#: ``$B$2`` for the name, ``Inputs!$B$2`` written out) is left as written.
_BINDS = re.compile(r"\b(?:LET|LAMBDA|CELL)\s*\(", re.IGNORECASE)
_BINDS_BYTES = re.compile(_BINDS.pattern.encode(), re.IGNORECASE)
#: The words :data:`_BINDS_BYTES` looks for, found first as plain bytes in a piece in lower case (searching
#: a piece in any case costs about 35 ms a MB, lowering it and the plain search about 3).
_BINDS_WORDS = (b"let", b"lambda", b"cell")
#: A text, a quoted sheet name, an error value or what brackets hold (a structured reference's columns,
#: an external workbook) in a formula: never looked into.
_QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|" + ERROR_VALUE + r"|\[(?:[^\[\]]|\[[^\[\]]*\])*\]",
                     re.IGNORECASE)  # no group: :func:`written_out` adds one


def references(found: Scan) -> dict[str, str]:
    """The names (in capitals) that a formula anywhere in the workbook may name by their reference, each
    with its reference as the workbook defines it."""
    titles = {s.title for s in found.sheets}  # as the engine finds a name's sheet: in the same case
    local = {upper for sheet, upper in found.scoped if sheet is not None}
    out: dict[str, str] = {}
    for (sheet, upper), text in found.scoped.items():
        if sheet is not None or upper in local or upper.startswith("_XL") or not _NAME.fullmatch(upper) \
                or reads_like_a_cell(upper) or reads_like_r1c1(upper):  # a formula naming it may read that cell
            continue
        match = _ABSOLUTE.fullmatch(text.strip())
        if match is not None and ((match[1] or "").replace("''", "'") or match[2]) in titles and _on_the_grid(match):
            out[upper] = text.strip()
    return out


def _on_the_grid(match: re.Match[str]) -> bool:
    ends = [(match[3], match[4])] + ([(match[5], match[6])] if match[5] else [])
    return all(int(row) <= EXCEL_ROWS and column_number(letters) <= EXCEL_COLUMNS for letters, row in ends)


def written_out(texts: dict[str, str]) -> Callable[[str], str]:
    """A formula's text (without its "=") with the names of ``texts`` named by their references, where
    they stand as operands (outside texts and quoted sheet names)."""
    if not texts:
        return lambda formula: formula
    alternatives = "|".join(re.escape(name) for name in sorted(texts, key=len, reverse=True))
    # a text or a quoted sheet name, taken whole; or a name where it stands as an operand (what
    # :data:`_NOT_BEFORE` and :data:`_NOT_AFTER` say of bytes, said of characters: past ASCII is a letter)
    token = re.compile(_QUOTED.pattern + r"|(?<![\w.!$:\[\]'\\#\x80-\U0010ffff])(" + alternatives
                       + r")(?![\w.(!:\[#;\x80-\U0010ffff])", re.IGNORECASE | re.ASCII)

    def named(match: re.Match[str]) -> str:
        return texts[match[1].upper()] if match[1] else match[0]

    def out(formula: str) -> str:
        return formula if _BINDS.search(formula) else token.sub(named, formula)

    return out


def in_piece(texts: dict[str, str]) -> Callable[[bytes], bytes]:
    """What :func:`written_out` does, done to every formula (``<f>``) of a piece of a sheet part: the texts of
    the piece's formulas searched as one (joined by a byte no XML holds) for each name as plain bytes, each
    place found checked as an operand (the characters either side, not in a text or a quoted sheet name),
    with no Python step per formula. A piece that writes a quote in a formula as an entity (``&quot;``,
    ``&#34;``: Excel writes it as it is) has each formula's text read as text first, so that no name in a
    text is taken for an operand."""
    if not texts:
        return lambda piece: piece
    rewrite = written_out(texts)
    written = {name.lower().encode(): escape(reference).encode() for name, reference in texts.items()}
    longest_first = sorted(written, key=len, reverse=True)

    def element(match: re.Match[bytes]) -> bytes:
        if b"&#" in match[2]:  # a character reference (a carriage return read back as one): as written
            return match[0]
        text = unescape(match[2].decode("utf-8"))
        new = rewrite(text)
        return match[0] if new == text else match[1] + escape(new).encode()

    nested = any(name in reference.lower() for name in written for reference in written.values())

    def out(piece: bytes) -> bytes:
        lower = piece.lower()  # ASCII letters only: every byte keeps its place
        if b"&quot;" in piece or b"&apos;" in piece or b"&#" in piece or (
                any(word in lower for word in _BINDS_WORDS) and _BINDS_BYTES.search(piece)):
            return _FORMULA_TEXT.sub(element, piece) if any(name in lower for name in longest_first) else piece
        parts = _FORMULA_TEXT.split(piece)  # before, (tag, text), between, ..., after
        joined = b"\0".join(parts[2::3])
        lower = joined.lower()
        present = [name for name in longest_first if name in lower]
        if not present:
            return piece
        found = _operands(joined, lower, present)
        if not any(keep.any() for _name, _starts, keep in found):
            return piece
        as_written = [joined[starts[0]:starts[0] + len(name)] if starts.size else name for name, starts, _k in found]
        if not nested and all(keep.all() and joined.count(spelt) == keep.size
                              for spelt, (_name, _starts, keep) in zip(as_written, found, strict=True)):
            # every place of each name is an operand, each name spelt alike: replaced at once
            for spelt, (name, _starts, _keep) in zip(as_written, found, strict=True):
                joined = joined.replace(spelt, written[name])
        else:
            joined = _replaced(joined, found, written)
        parts[2::3] = joined.split(b"\0")
        return b"".join(parts)

    return out


def _replaced(joined: bytes, found: list[tuple[bytes, npt.NDArray[np.int64], npt.NDArray[np.bool_]]],
              written: dict[bytes, bytes]) -> bytes:
    """``joined`` with the places of ``found`` kept replaced by their names' references."""
    starts = np.concatenate([starts[keep] for _name, starts, keep in found])
    ends = np.concatenate([starts[keep] + len(name) for name, starts, keep in found])
    names = [name for name, _starts, keep in found for _k in range(int(keep.sum()))]
    order = np.argsort(starts, kind="stable")
    cuts = np.empty(2 * order.size + 2, dtype=np.int64)
    cuts[0], cuts[-1] = 0, len(joined)
    cuts[1:-1:2], cuts[2:-1:2] = starts[order], ends[order]
    out: list[bytes] = [b""] * (2 * order.size + 1)
    bounds = cuts.tolist()
    out[0::2] = [joined[a:b] for a, b in zip(bounds[0::2], bounds[1::2], strict=True)]  # between the names
    out[1::2] = [written[names[k]] for k in order.tolist()]
    return b"".join(out)


def _operands(joined: bytes, lower: bytes, names: list[bytes],
              ) -> list[tuple[bytes, npt.NDArray[np.int64], npt.NDArray[np.bool_]]]:
    """Where each of ``names`` (in lower case, found in ``lower``) is in ``joined``, the formulas' texts
    joined by NUL, and whether it stands there as an operand: (name, its places, which are operands).
    The places are found by splitting at the name and checked with numpy (the bytes either side, whether a
    text or a quoted sheet name holds them)."""
    codes = np.frombuffer(lower, dtype=np.uint8)
    size = codes.size
    quoted = np.array([m.span() for m in _QUOTED_BYTES.finditer(joined)] if any(
        mark in joined for mark in (b'"', b"'", b"#", b"["))
                      else np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
    found = []
    for name in names:
        between = lower.split(name)
        lengths = np.fromiter(map(len, between), dtype=np.int64, count=len(between))
        starts = np.cumsum(lengths[:-1]) + np.arange(len(between) - 1, dtype=np.int64) * len(name)
        ends = starts + len(name)
        before = np.where(starts > 0, codes[np.maximum(starts - 1, 0)], 0)
        after = np.where(ends < size, codes[np.minimum(ends, size - 1)], 0)
        keep = ~(_NOT_BEFORE[before] & (starts > 0)) & ~(_NOT_AFTER[after] & (ends < size))
        if quoted.size:
            k = np.searchsorted(quoted[:, 0], starts, side="right") - 1
            keep &= ~((k >= 0) & (quoted[np.maximum(k, 0), 1] > starts))  # in a text or a quoted sheet name
        found.append((name, starts, keep))
    return found


def _table(characters: bytes, above_ascii: bool) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=bool)
    table[list(characters)] = True
    table[0x80:] = above_ascii
    return table


#: A formula's opening tag and its text (its closing tag after it, not taken).
_FORMULA_TEXT = re.compile(rb"(<f\b[^>]*>)([^<]*)(?=</f>)")
#: A text or a quoted sheet name, within one formula of texts joined by NUL.
_QUOTED_BYTES = re.compile(rb"\"(?:[^\"\0]|\"\")*\"|'(?:[^'\0]|'')*'|" + ERROR_VALUE.encode()
                           + rb"|\[(?:[^\[\]\0]|\[[^\[\]\0]*\])*\]", re.IGNORECASE)
_WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
#: Bytes before a name that make it part of something else: a longer name (a byte past ASCII is a letter
#: of one), a sheet's or a workbook's qualifier, a structured reference, a range operator.
_NOT_BEFORE = _table(_WORD + b".!$:[]'\\#&", above_ascii=True)
#: Bytes after a name that make it part of something else: a longer name, a function, a sheet, a range
#: operator, a structured reference, a spill.
_NOT_AFTER = _table(_WORD + b".(!:[#;", above_ascii=True)


__all__ = ["in_piece", "references", "written_out"]
