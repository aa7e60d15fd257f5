"""The formulas the engine is given in place of the workbook's: each ``TRUPS_*`` call that skips an
argument marked so the function receives it as missing, a call under its alias where it must never be
answered from the runs (:func:`marked`), and a column of formulas set at once (:func:`set_formulas`).
"""

from __future__ import annotations

from collections.abc import Iterator

import formualizer as fz

from trups_xl.recalc.blocks import Block, trups_blocks
from trups_xl.recalc.calls import Copied, Key
from trups_xl.recalc.engine import mark_skipped


def marked(blocks_: list[Block], alias: frozenset[str] = frozenset()) -> Iterator[tuple[Block, list[str]]]:
    """Blocks whose ``TRUPS_*`` calls skip an argument, or call a function in ``alias``, with the
    formulas as the engine is then given them (see :func:`engine.mark_skipped`): one tokenising per
    block, its rows moved."""
    for block in blocks_:
        compact = block.text.replace(" ", "")
        upper = compact.upper()
        renamed = any(f"{name}(" in upper for name in alias)
        if not (renamed or ",," in compact or ",)" in compact or "(," in compact):
            continue
        marked = mark_skipped(block.text, alias=renamed)
        if marked is not None:
            yield block, Copied(marked).copies(list(range(block.count)))


def mark_skipped_in(book: fz.Workbook, formulas: dict[Key, str]) -> None:
    """Rewrite, in the engine, every ``TRUPS_*`` call that skips an argument, a block at a time."""
    for block, texts in marked(trups_blocks(formulas)):
        set_formulas(book, block.sheet, block.first_row, block.col, texts)


def set_formulas(book: fz.Workbook, sheet: str, first_row: int, col: int, texts: list[str]) -> None:
    """Set a column of formulas; where the engine refuses the column (it refuses a formula reading its
    own cell, which it loads as a cycle), the cells one by one, a cell it refuses keeping the formula it
    loaded (such a cell is on a cycle: the engine shows it as 0 and calls nothing in it)."""
    try:
        book.set_formulas_batch(sheet, first_row, col, [[t] for t in texts])
    except RuntimeError:
        for k, text in enumerate(texts):
            try:
                book.set_formula(sheet, first_row + k, col, text)
            except RuntimeError:
                continue


__all__ = ["mark_skipped_in", "marked", "set_formulas"]
