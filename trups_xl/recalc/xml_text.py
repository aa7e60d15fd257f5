"""XML text and attribute values as a package writes them: written with entities (:func:`escape`,
:func:`escape_attribute`) and read back (:func:`unescape`, :func:`attributes`), for the parts this
package reads and rewrites by their bytes.
"""

from __future__ import annotations

import html
import re

#: One attribute of a start tag: its name and its value between double or single quotes.
_ATTR = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def attributes(tag: bytes) -> dict[str, str]:
    """The attributes of one start tag, values XML-unescaped."""
    return {m[1].decode(): html.unescape((m[2] if m[2] is not None else m[3]).decode()) for m in _ATTR.finditer(tag)}


def unescape(text: str) -> str:
    """An XML text's characters: :func:`html.unescape`, the five entities XML predefines (all an Excel
    formula holds: ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` ``&apos;``) replaced without its step per
    entity; any other ``&`` (a character reference) left to it."""
    if "&" not in text:
        return text
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    if "&" in plain.replace("&amp;", ""):
        return html.unescape(text)
    return plain.replace("&amp;", "&")


def escape(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` written as XML entities (as ``xml.sax.saxutils.escape``
    does: that module imports urllib's HTTP client, 30 ms, for nothing a package written here needs)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def escape_attribute(text: str) -> str:
    """:func:`escape`, and ``"`` as an entity too: an attribute's value between double quotes."""
    return escape(text).replace('"', "&quot;")


__all__ = ["attributes", "escape", "escape_attribute", "unescape"]
