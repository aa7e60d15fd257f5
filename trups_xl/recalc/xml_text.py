"""XML text and attribute values as a package writes them: written with entities (:func:`escape`,
:func:`escape_attribute`) and read back (:func:`unescape`, :func:`attributes`), for the parts this
package reads and rewrites by their bytes.
"""

from __future__ import annotations

import re

#: One attribute of a start tag: its name and its value between double or single quotes.
_ATTR = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def attributes(tag: bytes) -> dict[str, str]:
    """The attributes of one start tag, values XML-unescaped."""
    return {m[1].decode(): unescape((m[2] if m[2] is not None else m[3]).decode()) for m in _ATTR.finditer(tag)}


def unescape(text: str) -> str:
    """An XML text's characters, as an XML parser reads them: the five entities XML predefines (all an
    Excel formula holds: ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` ``&apos;``) replaced with ``str.replace``,
    a character reference (``&#13;``, ``&#x80;``) read as its code point (not as HTML reads some); a
    :class:`ValueError` for a reference to no character (``&#0;``, a surrogate), which XML forbids."""
    if "&" not in text:
        return text
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    if "&" in plain.replace("&amp;", ""):
        return _REFERENCE.sub(_character, text)
    return plain.replace("&amp;", "&")


_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));")


def _character(match: re.Match[str]) -> str:
    if match[3]:
        return _PREDEFINED[match[3]]
    code = int(match[1]) if match[1] else int(match[2], 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:  # as an XML parser (and the engine) refuses it
        raise ValueError(f"the character reference {match[0]} is to no character")
    return chr(code)


def escape(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` written as XML entities (as ``xml.sax.saxutils.escape``
    does: that module imports urllib's HTTP client, 30 ms, for nothing a package written here needs), and a
    carriage return as a character reference (a parser reads a carriage return written as it is as a line
    feed)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#13;")


def escape_attribute(text: str) -> str:
    """:func:`escape`, and ``"`` as an entity too: an attribute's value between double quotes."""
    return escape(text).replace('"', "&quot;")


__all__ = ["attributes", "escape", "escape_attribute", "unescape"]
