"""Shared formulas, as Excel stores a filled-down column: the group's first cell holds the formula
and its area (``<f t="shared" ref="B2:B9" si="0">A2-1</f>``), every other cell only the group's index
(``<f t="shared" si="0"/>``) and means the first cell's formula with its relative references moved
by the cell's offset.

The cells below the first one in its column are its copies down (:class:`.calls.Copied`, rows moved,
absolute rows kept), made here a column at a time; the engine is asked for the first cell and a
few copies and they must read as the engine reads them (the same tokens), else, and for a cell in
another column (a group filled right) or with a text of its own, the engine gives each cell's
formula itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat

import formualizer as fz

from trups_xl.recalc.calls import Copied
from trups_xl.recalc.formula_cells import FormulaCell

#: Cells of a group checked against the engine's own reading: the first cell, the first and last
#: below it, and one between.
CHECKED = 4


def texts(book: fz.Workbook, title: str, cells: Iterable[FormulaCell]) -> dict[tuple[str, int, int], str]:
    """The formula of every shared-formula cell among ``cells`` of sheet ``title``, by (sheet, row,
    column)."""
    groups: dict[str | None, list[FormulaCell]] = defaultdict(list)
    for cell in cells:
        groups[cell.shared_index].append(cell)
    out: dict[tuple[str, int, int], str] = {}
    for members in groups.values():
        # the group's first cell holds the text and the area it is shared over; its copies down its column
        # are made here, every other cell (another column, a cell with a text of its own) read by the engine
        first = next((c for c in members if c.text is not None and c.area is not None), None)
        down: list[FormulaCell] = []
        if first is not None and first.text is not None:
            template = Copied(first.text)
            down = [c for c in members if c.col == first.col and c.row > first.row and c.text is None]
            if down and template.copyable and _as_the_engine_reads(book, title, template, first, down):
                rows = [c.row for c in down]
                out.update(zip(zip(repeat(title), rows, repeat(first.col)),
                               template.copies([row - first.row for row in rows]), strict=True))
            else:
                down = []
        made = {id(c) for c in down}
        for c in members:
            if id(c) not in made:
                text = book.get_formula(title, c.row, c.col)
                if text:
                    out[(title, c.row, c.col)] = text if text[0] == "=" else f"={text}"
    return out


def _as_the_engine_reads(book: fz.Workbook, title: str, template: Copied, first: FormulaCell,
                         down: list[FormulaCell]) -> bool:
    picks = {first.row, down[0].row, down[len(down) // 2].row, down[-1].row}
    return all((ours := _tokens(template.moved(row - first.row))) is not None
               and ours == _tokens(book.get_formula(title, row, first.col)) for row in sorted(picks)[:CHECKED])


def _tokens(formula: str | None) -> list[tuple[str, str]] | None:
    """A formula's tokens without white space (all but texts and numbers in capitals), or None."""
    if not formula:
        return None
    try:
        tokens = fz.tokenize(formula if formula.startswith("=") else f"={formula}").tokens()
    except Exception:
        return None
    out = []
    for t in tokens:
        kind, sub = str(t.token_type), str(t.subtype)
        if kind != "Whitespace":
            out.append((kind, t.value if sub in ("Text", "Number") else t.value.upper()))
    return out
