"""A computed value written as its cell's XML: a number, a text as an inline string (text stays text),
a date given a date format where its cell has none, an error by its name; and a piece of a sheet part
whose formula cells are the next cells computed, written with no Python step per number cell.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from array import array
from collections.abc import Iterable
from itertools import compress, repeat
from operator import is_not, not_
from typing import Any

from trups_xl.excel.convert import excel_serial, excel_serials
from trups_xl.recalc.addresses import column_number
from trups_xl.recalc.engine import error_text, is_engine_error
from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.package import Scan
from trups_xl.recalc.xml_text import escape

#: Number format given to a date a function returns into a cell that has no date format.
DATE_FORMAT = "yyyy-mm-dd"
#: Inline strings kept for texts written again: the first ones met (a column of distinct messages is not kept).
TEXTS_KEPT = 1024
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Styles:
    """The cell formats of ``xl/styles.xml``, and a date variant of any of them on demand."""

    def __init__(self, data: bytes | None, scan: Scan) -> None:
        self.data = data
        self.scan = scan
        self.added: list[bytes] = []
        self.variants: dict[int, int] = {}
        self.xfs: list[bytes] = []
        self.format_id = 0
        if data is None:
            return
        block = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", data, re.S)
        self.xfs = re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", block[1], re.S) if block else []
        ids = [int(m) for m in re.findall(rb'<numFmt\b[^>]*?numFmtId="(\d+)"', data)]
        self.format_id = max([163, *ids]) + 1

    def date_style(self, style: int) -> int:
        if self.scan.is_date_style(style) or self.data is None or not self.xfs:
            return style
        if style not in self.variants:
            base = self.xfs[style] if 0 <= style < len(self.xfs) else self.xfs[0]
            base = re.sub(rb'\snumFmtId="\d+"', b"", base)
            base = re.sub(rb'\sapplyNumberFormat="\w+"', b"", base)
            self.added.append(base.replace(b"<xf", f'<xf numFmtId="{self.format_id}" applyNumberFormat="1"'.encode(), 1))
            self.variants[style] = len(self.xfs) + len(self.added) - 1
        return self.variants[style]

    def rewritten(self) -> bytes | None:
        if not self.added or self.data is None:
            return None
        data = self.data
        fmt = f'<numFmt numFmtId="{self.format_id}" formatCode="{DATE_FORMAT}"/>'.encode()
        if re.search(rb"<numFmts\b[^>]*/>", data):
            data = re.sub(rb"<numFmts\b[^>]*/>", b'<numFmts count="1">' + fmt + b"</numFmts>", data, count=1)
        elif b"<numFmts" in data:
            data = re.sub(rb"(<numFmts\b[^>]*>)", lambda m: m[1] + fmt, data, count=1)
            data = re.sub(rb'(<numFmts\b[^>]*?)\scount="\d+"', rb"\1", data, count=1)
        else:
            data = re.sub(rb"(<styleSheet\b[^>]*>)", lambda m: m[1] + b'<numFmts count="1">' + fmt + b"</numFmts>",
                          data, count=1)
        total = len(self.xfs) + len(self.added)
        data = re.sub(rb"(<cellXfs\b[^>]*?)\scount=\"\d+\"", rb"\1", data, count=1)
        data = re.sub(rb"<cellXfs\b([^>]*)>", f'<cellXfs count="{total}"'.encode() + rb"\1>", data, count=1)
        return data.replace(b"</cellXfs>", b"".join(self.added) + b"</cellXfs>", 1)


def _number(value: float) -> bytes:
    return repr(float(value)).encode()


def cell_xml(ref: str, style: int, value: Any, is_date: bool, styles: Styles) -> bytes:
    """One ``<c>`` element holding a value."""
    if isinstance(value, dt.date):
        value, is_date = excel_serial(value), True
    if is_date and isinstance(value, (int, float)) and not isinstance(value, bool):
        style = styles.date_style(style)
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'.encode()
    if is_engine_error(value):
        return f'<c r="{ref}"{s} t="e"><v>{error_text(value)}</v></c>'.encode()
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, (int, float)):
        if not math.isfinite(float(value)):
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'.encode()
        return f'<c r="{ref}"{s}><v>'.encode() + _number(value) + b"</v></c>"
    return f'<c r="{ref}"{s} t="inlineStr">'.encode() + _inline(str(value)) + b"</c>"


#: An inline string's ``<is>`` around its escaped text.
_INLINE = b'<is><t xml:space="preserve">%s</t></is>'


def _inline(text: str) -> bytes:
    """The ``<is>`` of an inline string holding ``text`` (what XML 1.0 cannot hold left out)."""
    return _INLINE % escape(_XML_ILLEGAL.sub("", text)).encode("utf-8")


def _inline_all(texts: list[str]) -> list[bytes]:
    """:func:`_inline` of each of ``texts``, made for all at once (joined by a line feed, which neither the
    escaping nor the characters left out touch) where none holds a line feed; else each on its own."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return list(map(_inline, texts))
    return [_INLINE % body for body in escape(_XML_ILLEGAL.sub("", joined)).encode("utf-8").split(b"\n")]



#: The types of a date a cell's value may be: written as its serial, with a date format.
_DAY_TYPES = frozenset({dt.date, dt.datetime})


class CellWriter:
    """A formula cell's value written as its cell, with what earlier cells of the part worked out kept: a
    tag's style and type attributes by (style, is date, kind), a text's inline string."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.heads: dict[tuple[bytes | None, bool, type], bytes] = {}  # tag attributes by (style, date, kind)
        self.texts: dict[str, bytes] = {}  # the inline string of a text written before
        self.dated: set[bytes | None] = set()  # the styles whose date style was asked for

    def head(self, style_digits: bytes | None, is_date: bool, kind: type) -> bytes:
        """The tag's attributes after its position, for a finite number or a text."""
        head = self.heads.get((style_digits, is_date, kind))
        if head is None:  # worked out once per style
            style = int(style_digits) if style_digits else 0
            number = self.styles.date_style(style) if is_date and kind is float else style
            head = self.heads[(style_digits, is_date, kind)] = ((f' s="{number}"' if number else "")
                                                                + ("" if kind is float else ' t="inlineStr"')).encode()
        return head

    def xml(self, letters: bytes, digits: bytes, style_digits: bytes | None, value: Any, is_date: bool) -> bytes:
        """The cell at ``letters`` ``digits`` holding ``value``."""
        kind = type(value)
        if kind in _DAY_TYPES:  # a date the engine computed: its serial, shown as a date
            value, is_date, kind = excel_serial(value), True, float
        if (kind is float and math.isfinite(value)) or (kind is str and value):
            head = self.head(style_digits, is_date, kind)
            if kind is float:
                return b'<c r="%s%s"%s><v>%a</v></c>' % (letters, digits, head, value)
            body = self.texts.get(value)
            if body is None:
                body = _inline(value)
                if len(self.texts) < TEXTS_KEPT:  # texts that repeat (a label, ""), not every message
                    self.texts[value] = body
            return b'<c r="%s%s"%s>%s</c>' % (letters, digits, head, body)
        return cell_xml(f"{letters.decode()}{int(digits)}", int(style_digits) if style_digits else 0,
                        value, is_date, self.styles)


#: The bytes of a number cell before its position, between its tag's attributes and its value, and its
#: value with its end (a format taking the number).
_OPEN, _VALUE, _NUMBER = b'<c r="', b"><v>", b"%a</v></c>"


def piece_at_once(parts: list[Any], keys: array[int], values: list[Any], at: int, dates: set[int],
                   columns: dict[bytes, int], cells: CellWriter) -> tuple[bytes, int] | None:
    """A piece of a part (``parts``: its split at the formula cells) written with no step per cell in Python
    where its formula cells are all of the usual shape and are, in order, the next cells kept from ``at``:
    the piece and how many cells it wrote; None otherwise (the caller walks it cell by cell). A date is written
    as its serial with a date format, as a number is; a cell whose value is neither a finite number nor a date
    (a text, an error, a logical) is written on its own."""
    letters, digits, style_digits, odd_tags = parts[2::6], parts[3::6], parts[4::6], parts[5::6]
    count = len(letters)
    if count == 0 or at + count > len(keys) or odd_tags.count(None) != count:
        return None
    for found in set(letters).difference(columns):
        columns[found] = column_number(found.decode())
    shift = COLUMN_BITS
    found = array("q", map(operator.or_, map(operator.lshift, map(int, digits), repeat(shift)),
                           map(columns.__getitem__, letters)))
    if keys[at:at + count] != found:
        return None
    kept = values[at:at + count]
    flags = list(map(dates.__contains__, keys[at:at + count])) if dates else [False] * count
    # the cells that are not finite numbers (a text, a date, an error, inf), found with no Python step per cell
    odd = list(compress(range(count), map(is_not, map(type, kept), repeat(float))))
    numbers = kept.copy() if odd else kept
    for k in odd:
        numbers[k] = 0.0
    # a date (the engine's EDATE, a date typed into a run) is its serial, shown as a date: a number cell
    days = list(compress(odd, map(_DAY_TYPES.__contains__, map(type, map(kept.__getitem__, odd))))) if odd else []
    if days:
        for k, serial in zip(days, excel_serials([kept[k] for k in days]), strict=True):
            numbers[k], flags[k] = serial, True
        odd = sorted(set(odd).difference(days))
    if not all(map(math.isfinite, numbers)):
        odd = sorted({*odd, *compress(range(count), map(not_, map(math.isfinite, numbers)))})
    if dates or odd or days:  # a date style added for a style the first time a cell needs it, in the order of the cells
        for k in sorted({*compress(range(count), flags), *odd}):
            style = style_digits[k]
            value = kept[k]
            if style not in cells.dated and (isinstance(value, dt.date) or (
                    flags[k] and isinstance(value, (int, float)) and not isinstance(value, bool))):
                cells.styles.date_style(int(style) if style else 0)
                cells.dated.add(style)
    pairs: Iterable[tuple[Any, bool]] = zip(style_digits, flags, strict=True)
    if odd:  # the tags of the number cells only: a text flagged as a date adds no date style
        numbered = [True] * count
        for k in odd:
            numbered[k] = False
        pairs = compress(pairs, numbered)
    heads = {(s, f): b'"%s%s' % (cells.head(s, f, float), _VALUE) for s, f in dict.fromkeys(pairs)}
    out: list[Any] = [_OPEN] * (6 * count + 1)
    out[0::6] = parts[0::6]  # the bytes before each cell, and after the last
    out[2::6] = letters
    out[3::6] = digits
    out[4::6] = map(heads.get, zip(style_digits, flags, strict=True))  # an odd cell's: replaced below
    out[5::6] = map(_NUMBER.__mod__, numbers)
    texts = [k for k in odd if type(kept[k]) is str and kept[k]]  # a column of messages: escaped at once
    bodies = dict(zip(texts, _inline_all([kept[k] for k in texts]), strict=True)) if len(texts) > 1 else {}
    for k in odd:  # the cell on its own, in place of its five pieces
        body = bodies.get(k)
        out[6 * k + 1:6 * k + 6] = (
            cells.xml(letters[k], digits[k], style_digits[k], kept[k], flags[k]) if body is None else
            b'<c r="%s%s"%s>%s</c>' % (letters[k], digits[k], cells.head(style_digits[k], flags[k], str), body),
            b"", b"", b"", b"")
    return b"".join(out), count


__all__ = ["DATE_FORMAT", "CellWriter", "Styles", "cell_xml", "piece_at_once"]
