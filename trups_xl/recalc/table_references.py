"""A workbook's formulas that read its Excel tables, written as the cells they mean (:mod:`.structured`) in
the two places the engine's reading starts from: the scan's texts, which the plan reads (:func:`in_scan`),
and each piece of the engine's copy (:func:`in_piece`). Both ask the same :class:`.structured.Rewriter` of
the same cell (its sheet, row, column and kind), so the plan reads what the engine is given.

A formula whose reference is not read is given ``#NAME?`` in the engine's copy, not its text (the engine
refuses a whole workbook over some, ``[@Date]`` in no table); one line names the first such cell, and a
defined name whose formula reads a table (:func:`notice`). A shared formula reading a table is not read: its
copies would move references the rewrite makes relative.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from trups_xl.recalc.addresses import a1, column_number
from trups_xl.recalc.excel_tables import Table
from trups_xl.recalc.package import Scan
from trups_xl.recalc.structured import Rewriter, Written, reads_a_table
from trups_xl.recalc.xml_text import escape, unescape

Key = tuple[str, int, int]

#: A formula cell's start tag with its position, a value before its formula (Excel writes the formula
#: first; a program may not), and its formula element's start tag and text.
_FORMULA_CELL = re.compile(rb'(<c\b[^>]*?\sr="([A-Z]{1,3})([1-9]\d{0,6})"[^>]*>\s*(?:(?:<v\b[^>]*?(?:/>|>[^<]*</v>)|'
                           rb"<is>(?:(?!</is>)[\s\S])*</is>)\s*)?<f\b([^>]*)>)([^<]*)(?=</f>)")
#: A formula element's kind (``t="shared"``, ``t="array"``, ``t="dataTable"``; ``t="normal"`` is a plain one).
_KIND = re.compile(rb'\st\s*=\s*["\'](\w+)["\']')


def in_scan(found: Scan, rewriter: Rewriter) -> tuple[list[str], dict[Key, str]]:
    """Each plain or array formula of the scan that reads a table given its text as :class:`.structured.Rewriter`
    writes it. Returns the cells whose reference is not read here (as ``Sheet!A1``, each formula once) and
    every cell they cover (a shared formula's copies too) with the ``#NAME?`` the engine's copy gives them."""
    unread: list[str] = []
    screened: dict[Key, str] = {}
    finds = rewriter.bare.search if rewriter.bare is not None else rewriter.mentions
    for sheet in found.sheets:
        changed: dict[tuple[int, int], str] = {}
        for row, col, text, special in sheet.formulas.holding("[", where=finds):
            if not text:
                continue
            kind = special.kind if special is not None else "normal"
            written = rewriter.read(text, kind == "normal", sheet.title, row, col)
            if kind in ("normal", "array"):
                new = written.at(row) if written is not None else None
            else:  # a shared formula: as written where it reads no table, else not read
                new = text if written is not None and not written.changes else None
            if new is None:
                unread.append(f"{sheet.title}!{a1(row, col)}")
                screened.update(((sheet.title, r, c), "#NAME?") for r, c in sheet.formulas.covered(row, col, special))
            elif new != text:
                changed[(row, col)] = new
        if changed:
            sheet.formulas.replace_texts(changed)
    return unread, screened


def in_piece(rewriter: Rewriter, sheet: str) -> Callable[[bytes], bytes]:
    """What :func:`in_scan` does, done to each plain or array formula of a piece of ``sheet``'s part (the engine's
    copy): each distinct text read once, and written for a cell whose every ``#This Row`` is in its table by
    joining its row's digits between fixed texts already written as XML."""
    bare = re.compile(rewriter.bare.pattern.encode(), re.I) if rewriter.bare is not None else None
    as_xml: dict[int, tuple[Written, list[bytes]]] = {}  # by a Written's id: its fixed texts as XML (it kept)

    def element(match: re.Match[bytes]) -> bytes:
        raw = match[5]
        if b"[" not in raw and b"&#" not in raw and (bare.search(raw) is None if bare is not None else
                                                     not rewriter.mentions(raw.decode("utf-8", "replace"))):
            return match[0]
        kind = _KIND.search(match[4]) if match[4] else None
        if kind is not None and kind[1] not in (b"array", b"normal"):
            return match[0]
        try:
            text = "=" + unescape(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return match[0]
        row = int(match[3])
        written = rewriter.read(text, kind is None or kind[1] == b"normal", sheet, row, column_number(match[2].decode()))
        if written is None or not written.changes:
            return match[0]  # not read: the scan gave the cell #NAME?, which the copy holds instead
        parts = written.parts(row)
        if parts is None:
            new = written.at(row)
            return match[0] if new is None else match[1] + escape(new[1:]).encode()
        fixed = as_xml.get(id(written))
        if fixed is None:
            if len(as_xml) >= Rewriter.MAX_HELD:  # as bounded as the formulas the rewriter holds
                as_xml.clear()
            fixed = as_xml[id(written)] = (written, [escape(p).encode() for p in [parts[0][1:], *parts[1:]]])
        return match[1] + str(row).encode().join(fixed[1])

    def out(piece: bytes) -> bytes:
        return _FORMULA_CELL.sub(element, piece) if b"[" in piece or b"&#" in piece or (
            bare.search(piece) if bare is not None else True) else piece

    return out


def notice(unread: list[str], found: Scan, tables: Mapping[str, Table | None]) -> str | None:
    """One line for the formula cells whose structured references are not read here, and the defined names whose
    formula reads a table (the engine's names are not rewritten), or None."""
    names = sorted({name for (_sheet, name), text in found.scoped.items() if reads_a_table(text, set(tables))})
    if not unread and not names:
        return None
    said = []
    if unread:
        count = f"{len(unread):,} formula cell{'s' if len(unread) > 1 else ''}"
        said.append(f"{count} read an Excel table by a structured reference this recalculation does not read (first "
                     f"{unread[0]})")
    if names:
        said.append(f"the defined name{'s' if len(names) > 1 else ''} {', '.join(names[:3])} read"
                    f"{'' if len(names) > 1 else 's'} an Excel table by a structured reference, which is not read "
                    "in a name")
    return ("; ".join(said) + ": such a reference shows #NAME? where Excel shows a value; write it as cells (A2, "
            "A2:A100), or with the table's name and items Excel saves (Ledger1[[#This Row],[Date]]), to compute it")


__all__ = ["in_piece", "in_scan", "notice"]
