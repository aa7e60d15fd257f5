"""A workbook checked, screened and loaded into the engine once: the package checked (:mod:`.safety`)
and its sheets scanned as bytes (:mod:`.package`); formula cells the engine must not or cannot read
(external references and DDE links, formulas it cannot parse) given an error value in a copy the
engine loads, and listed; every ``TRUPS_*`` function registered (:mod:`.engine`).
"""

from __future__ import annotations

import operator
import re
import tempfile
import zipfile
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import cast

import formualizer as fz

from trups_xl.recalc import data_tables, direct_names, engine, intersection, planning, shared, table_references
from trups_xl.recalc.addresses import a1, area_bounds, texts_blanked
from trups_xl.recalc.blocks import Block
from trups_xl.recalc.calls import names_trups, top_function
from trups_xl.recalc.engine_copy import STAND_IN, Spans, span_at
from trups_xl.recalc.excel_tables import read_tables
from trups_xl.recalc.formula_cells import COLUMN_BITS, SharedGroup
from trups_xl.recalc.intersection import Intersector
from trups_xl.recalc.package import Scan, scan
from trups_xl.recalc.safety import Limits, RefusedError, check_package
from trups_xl.recalc.steps import step
from trups_xl.recalc.structured import Rewriter
from trups_xl.recalc.writer import Values, write_copy

Key = tuple[str, int, int]
_EXTERNAL = re.compile(r"(?:^|[=(,;+\-*/&^<>: ])'?(?:[A-Za-z]:)?[^'\"()\[\]]*\[[^\]]+\][^!]*!|\w+\|'")
def _is_external(formula: str) -> bool:
    """An external workbook reference (``[book.xlsx]Sheet!A1``, ``'C:\\dir\\[b.xlsx]S'!A1``, ``[1]S!A1``)
    or a DDE link (``=cmd|' /c calc'!A0``), outside text literals."""
    body = texts_blanked(formula)
    return bool(_EXTERNAL.search(body)) or ("'!" in body and "|" in body)


def _unparsed(formula: str) -> str | None:
    """Why the engine cannot parse ``formula``, or None."""
    try:
        fz.parse(formula)
    except Exception as exc:
        return " ".join(str(exc).split()).split(":")[0][:80] or type(exc).__name__
    return None


def screened_value(shown: str) -> dict[str, str]:
    """The engine's error value a screened formula cell is given (``#REF!`` or ``#NAME?``)."""
    return {"type": "Error", "kind": "Ref" if shown == "#REF!" else "Name"}


def _sanitised(path: Path, found: Scan, bad: dict[Key, str], tmp: Path, unshared: dict[str, Spans],
               name: str = "", early: planning.Plan | None = None, blank: Iterable[Block] = (),
               pins: Iterable[planning.Host] = (), marks: Iterable[tuple[Block, list[str]]] = (),
               direct: dict[str, str] | None = None, cleared: Iterable[Key] = (),
               rewriter: Rewriter | None = None, legacy: Intersector | None = None) -> Path:
    """A copy of the package for the engine with the ``bad`` formula cells given their error values (and
    external defined names left out), so the engine loads nothing it cannot or must not read; the cells of the
    ``blank`` blocks given :data:`.engine_copy.STAND_IN`, and the ``pins`` given their formulas reading the
    scratch cells of the runs planned ``early``, the scratch sheet added, and the ``marks`` (blocks the engine
    evaluates on its own, their calls under their alias: :meth:`.planning.Plan.marks`) given their formulas
    (what the copy holds is noted in the plan: :attr:`.planning.Plan.pinned_in_copy`,
    :attr:`.planning.Plan.scratch_in_copy`, :attr:`.planning.Plan.marked_in_copy`); the ``unshared`` copies of
    shared formulas the engine would misread (:func:`.shared.unshared`) given as formulas of their own; the
    ``direct`` names named by their references in every formula (:mod:`.direct_names`); the ``cleared`` cells
    (the results an array formula's range holds as Excel saved them: :func:`_array_results`) left empty; the
    structured references written as cells by the scan's own ``rewriter`` (:func:`.table_references.in_piece`:
    each formula it read for the scan is not read again); ``@`` where Excel takes one value (``legacy``)."""
    cells: dict[str, Values] = {}
    for sheet, row, col in cleared:
        cells.setdefault(sheet, {})[(row, col)] = (None, False)
    for (sheet, row, col), value in bad.items():
        cells.setdefault(sheet, {})[(row, col)] = (screened_value(value), False)
    spans: dict[str, Spans] = {}
    for b in blank:
        if b.sheet in cells:  # a sheet rewritten cell by cell
            cells[b.sheet].update(zip(zip(range(b.first_row, b.last_row + 1), repeat(b.col)), repeat((STAND_IN, False))))
        else:
            spans.setdefault(b.sheet, {}).setdefault(b.col, []).append((b.first_row, b.last_row, None))
    pinned = [h for h in pins if h.block.sheet not in cells]
    for h in pinned:
        b = h.block
        spans.setdefault(b.sheet, {}).setdefault(b.col, []).append((b.first_row, b.last_row, h.engine_column_texts()))
    copy = tmp / (name or "book") / path.name
    copy.parent.mkdir(exist_ok=True)
    scratch = (early.scratch, SCRATCH_PART) if pinned and early is not None else None
    marked = [(b, texts) for b, texts in marks if b.sheet not in cells]
    while True:
        own = _own_spans(unshared, cells, spans, marked)
        added, unwritten = write_copy(path, copy, found, cells, keep_vba=False, compression=zipfile.ZIP_STORED,
                                      spans=spans, sheet=scratch, own=own,
                                      formulas=_formulas(found, rewriter, direct, legacy))
        unmarked = {b.sheet for b, _texts in marked} & unwritten
        if not unmarked:
            break
        # a sheet whose marked cells are not all of the usual shape is rewritten cell by cell, which drops
        # its formulas of their own (the copies the engine would misread): written again without its marks
        marked = [(b, texts) for b, texts in marked if b.sheet not in unmarked]
    if early is not None:
        early.scratch_in_copy = added
        early.pinned_in_copy = [h for h in pinned if added and h.block.sheet not in unwritten]
        early.marked_in_copy = [b for b, _texts in marked if b.sheet not in unwritten]
    return copy


def _formulas(found: Scan, rewriter: Rewriter | None, direct: dict[str, str] | None,
              legacy: Intersector | None) -> Callable[[str], Callable[[bytes], bytes] | None]:
    """What the engine's copy passes each piece of a sheet's part through, for the sheet's title."""
    names = direct_names.in_piece(direct) if direct else None  # read once
    return lambda title: data_tables.in_pieces(found, table_references.in_piece(rewriter, title) if rewriter else None,
                                               names, intersection.in_piece(legacy, title) if legacy else None)


def _own_spans(unshared: dict[str, Spans], cells: dict[str, Values], spans: dict[str, Spans],
               marked: list[tuple[Block, list[str]]]) -> dict[str, Spans]:
    """The formulas of the engine's copy that read no scratch cell: the ``marked`` blocks', and the
    ``unshared`` copies the engine would misread that no block holds (a block holds a group whole)."""
    own: dict[str, Spans] = {}
    for b, texts in marked:
        own.setdefault(b.sheet, {}).setdefault(b.col, []).append((b.first_row, b.last_row, texts))
    for title, columns in unshared.items():
        given = cells.get(title, {})  # on a sheet rewritten cell by cell: the cells given values there
        for col, runs in columns.items():
            taken = spans.get(title, {}).get(col, []) + own.get(title, {}).get(col, [])
            free = [run for run in runs if not any(first <= run[1] and run[0] <= last for first, last, _t in taken)
                    and not any((row, col) in given for row in range(run[0], run[1] + 1))]
            if free:
                own.setdefault(title, {}).setdefault(col, []).extend(free)
    return own


#: The scratch sheet's part in the engine's copy (where the workbook has a part of that name, no sheet
#: is added: the pinned formulas are then given to the engine once it has loaded the workbook).
SCRATCH_PART = "xl/worksheets/trups_scratch.xml"


def _copy_changes(found: Scan, early: planning.Plan, screened: AbstractSet[str] = frozenset(),
                  ) -> tuple[list[Block], list[planning.Host], list[tuple[Block, list[str]]]]:
    """The blocks of whole-formula calls to give stand-ins in the engine's copy, the hosts to give their
    formulas reading their scratch cells there (:meth:`.planning.Plan.first_pins`), and the blocks to
    give their marked formulas (:meth:`.planning.Plan.marks`): those whose shared formulas are all among
    them (:func:`_replaceable`). On a ``screened`` sheet (rewritten cell by cell) no formula is given:
    its blocks of pins and marks hold their shared formulas as the workbook does."""
    whole = [h.block for h in early.made_whole()]
    pins = [h for h in early.first_pins(found, answering=True)[1]
            if h.pinnable() and h.block.sheet not in screened]  # the others: the engine's
    marks = [(b, texts) for b, texts in early.marks(found, answering=True) if b.sheet not in screened]
    kept = {id(b) for b in _replaceable(whole + [h.block for h in pins] + [b for b, _texts in marks], found)}
    return ([b for b in whole if id(b) in kept], [h for h in pins if id(h.block) in kept],
            [(b, texts) for b, texts in marks if id(b) in kept])


def _screen(found: Scan, parse_all: bool = False) -> tuple[dict[Key, str], list[str], list[str]]:
    """Formula cells the engine must not see as written: external references and DDE links (#REF!)
    and, with ``parse_all`` (after the engine refused the workbook), formulas it cannot parse
    (#NAME?). Returns their values, the external list and notices."""
    bad: dict[Key, str] = {}
    external: list[str] = []
    notices: list[str] = []
    seen: dict[str, str | None] = {}
    for sheet in found.sheets:
        for row, col, text, special in (sheet.formulas.texts() if parse_all else sheet.formulas.holding("[", "|")):
            if text is None:
                continue
            group = sheet.formulas.covered(row, col, special)
            if ("[" in text or "|" in text) and _is_external(text):
                book = re.search(r"\[([^\]]+)\]", texts_blanked(text))
                external.append(f"{sheet.title}!{a1(row, col)} ({book[1][-60:] if book else 'a DDE link'})")
                for member_row, member_col in group:
                    bad[(sheet.title, member_row, member_col)] = "#REF!"
                continue
            if not parse_all:
                continue
            if text not in seen:
                seen[text] = _unparsed(text)
            reason = seen[text]
            if reason is not None:
                notices.append(f"{sheet.title}!{a1(row, col)}: the formula {text[:60]!r} could not be parsed "
                               f"({reason}); it shows #NAME?")
                for member_row, member_col in group:
                    bad[(sheet.title, member_row, member_col)] = "#NAME?"
    return bad, external, notices


def _engine_book(path: Path, found: Scan, limits: Limits, bad: dict[Key, str], external: list[str], notices: list[str],
                 early: planning.Plan | None, rewriter: Rewriter | None = None, legacy: Intersector | None = None,
                 ) -> tuple[fz.Workbook, dict[Key, str], list[str], list[str], bool]:
    """The engine's workbook: the file itself, or a copy with the formulas it must not or cannot read
    given their error values (and, with the runs planned ``early``, the changes of :func:`_copy_changes`
    and the names that stand for one reference named by it, :mod:`.direct_names`, unless the engine
    refuses that copy); False at the end when the engine refused to parse the
    workbook, and was given a copy with more formulas screened, and nothing else changed."""
    unshared = shared.unshared(found)
    cleared = _array_results(found)
    with tempfile.TemporaryDirectory(prefix="trups-xl-") as tmp:
        try:
            screened = {sheet for sheet, _row, _col in bad} | {sheet for sheet, _row, _col in cleared}
            blank, pins, marks = _copy_changes(found, early, screened) if early is not None else ([], [], [])
            direct = direct_names.references(found) if early is not None else {}
            if blank or pins or marks or direct:
                try:
                    book = _load(_sanitised(path, found, bad, Path(tmp), unshared, name="early", early=early,
                                            blank=blank, pins=pins, marks=marks, direct=direct, cleared=cleared,
                                            rewriter=rewriter, legacy=legacy),
                                 limits)
                    if early is not None:
                        early.whole_in_copy = len(blank) == len(early.made_whole())
                    return book, bad, external, notices, True
                except RefusedError:  # the changes made it one the engine does not read: it gets the workbook's
                    if early is not None:
                        early.scratch_in_copy, early.pinned_in_copy, early.marked_in_copy = False, [], []
            copy = _sanitised(path, found, bad, Path(tmp), unshared, cleared=cleared, rewriter=rewriter, legacy=legacy
                              ) if bad or unshared or cleared or rewriter or legacy or data_tables.areas(found) else path
            return _load(copy, limits), bad, external, notices, True
        except RefusedError as refused:
            if "parse error" not in str(refused).lower():
                raise
        parsed, external, unparsed = _screen(found, parse_all=True)
        bad = {**parsed, **{k: v for k, v in bad.items() if v == "#NAME?"}}  # structured references not read: kept
        return (_load(_sanitised(path, found, bad, Path(tmp), unshared, name="retry", cleared=cleared,
                                     rewriter=rewriter, legacy=legacy), limits), bad,
                external, [*notices, *unparsed], False)  # the load's notices kept (tables, data tables)


#: Cells of array formulas' ranges left empty in the engine's copy, at most (a range is read within its sheet's
#: cells; a workbook of more keeps them, as before).
MAX_CLEARED = 1_000_000


def _array_results(found: Scan) -> list[Key]:
    """The cells of each array formula's range but its own, within its sheet's cells: Excel saves there the
    results it last computed, which the engine takes for values in the way of the result (``#SPILL!``)."""
    cleared: list[Key] = []
    for sheet in found.sheets:
        for cell in sheet.formulas.kept_whole():
            if cell.kind != "array" or not cell.area:
                continue
            try:
                r1, c1, r2, c2 = area_bounds(cell.area)
            except ValueError:  # not a range: the engine reads it as it is
                continue
            r2, c2 = min(r2, sheet.max_row), min(c2, sheet.max_col)
            if (r2 - r1 + 1) * (c2 - c1 + 1) + len(cleared) > MAX_CLEARED:
                return cleared
            cleared += [(sheet.title, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
                        if (r, c) != (cell.row, cell.col) and (r, c) not in sheet.formulas]
    return cleared


def _load(path: Path, limits: Limits) -> fz.Workbook:
    budget = int(limits.max_uncompressed_mb * 2**20)  # the package's own limit, checked before this
    try:
        with step("engine load"):
            return fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral,
                                         load_limits={"max_part_bytes": budget, "max_expanded_bytes": budget})
    except Exception as exc:  # the engine's refusal of untrusted input is one line, not a traceback
        detail = " ".join(str(exc).split())
        detail = re.sub(r"TokenSpan \{[^}]*\}", "", detail).removeprefix("load failed: ")[:200]
        raise RefusedError(f"{path.name} could not be read as a workbook ({detail})") from None


_COLUMN_MASK = (1 << COLUMN_BITS) - 1
_LAST_ROW = 1 << 62  # past any row: (row, _LAST_ROW) sorts after every span starting at row


def _engine_formulas(book: fz.Workbook | None, found: Scan, bad: dict[Key, str]) -> dict[Key, str]:
    """Every formula cell's text as the engine parsed it (shared formulas expanded: only these need the
    engine's ``book``); array formulas apart (they are the engine's to evaluate whole)."""
    out: dict[Key, str] = {}
    for sheet in found.sheets:
        title = sheet.title
        keys, texts, special = sheet.formulas.packed()
        try:
            plain = not special and all(map(str.startswith, texts, repeat("=")))  # type: ignore[arg-type]
        except TypeError:  # a cell without a text
            plain = False
        if plain:  # every cell's text as scanned: the keys made without a Python step per cell
            rows = list(map(operator.rshift, keys, repeat(COLUMN_BITS)))
            same: dict[int, int] = {}
            rows = list(map(same.setdefault, rows, rows))  # one int object per row, shared by its cells' keys
            out.update(zip(zip(repeat(title), rows, map(operator.and_, keys, repeat(_COLUMN_MASK))),
                           cast("list[str]", texts), strict=True))
            continue
        for packed, text in zip(keys, texts, strict=True):
            cell = special.get(packed)
            if cell is not None and (cell.kind == "shared" or (cell.kind == "array" and not cell.dynamic)):
                continue  # a shared formula's cells below; a fixed array formula is the engine's whole
            if text:
                out[(title, packed >> COLUMN_BITS, packed & _COLUMN_MASK)] = text if text[0] == "=" else f"={text}"
        if book is not None:
            out.update(shared.texts(book, title, sheet.formulas.shared_groups().values()))
    for key in bad:
        out.pop(key, None)
    return out


def _early_formulas(found: Scan, bad: dict[Key, str]) -> dict[Key, str] | None:
    """Every formula cell's text as the engine will parse it, known before the engine loads the workbook
    (:func:`_engine_formulas`, the shared formulas read from a :func:`.shared.probe`), or None: an array
    formula is the engine's to read, as are shared formulas a probe cannot hold."""
    special = {s.title: s.formulas.kept_whole() for s in found.sheets}
    if any(c.kind != "shared" for cells in special.values() for c in cells):
        return None
    sheets: dict[str, list[SharedGroup]] = {}
    for sheet in found.sheets:  # a screened group (all its cells are) is not the engine's to read
        kept = [g for g in sheet.formulas.shared_groups().values()
                if not any((sheet.title, c.row, c.col) in bad for c in g.cells)]
        if kept:
            sheets[sheet.title] = kept
    if not sheets:  # the scan's own texts are the engine's
        return _engine_formulas(None, found, bad)
    probe = shared.probe(sheets, [s.title for s in found.sheets])
    if probe is None:
        return None
    formulas = _engine_formulas(probe, found, bad)
    made = all(all((title, c.row, c.col) in formulas for c in g.cells)
               and all(map(formulas.__contains__, g.follower_keys(title)))
               for title, groups in sheets.items() for g in groups)
    return formulas if made else None  # else a group the probe could not read as the engine reads it


def _replaceable(blocks: list[Block], found: Scan) -> list[Block]:
    """The ``blocks`` whose cells can be given stand-ins or other formulas in the engine's copy: those
    holding no cell of a shared formula some of whose cells are left in place (a group's first cell
    holds the formula of all of them); the other cells kept whole on a sheet (arrays) count as one
    group."""
    groups: list[tuple[str, SharedGroup]] = []
    for sheet in found.sheets:
        others = [c for c in sheet.formulas.kept_whole() if c.shared_index is None]
        if others:
            groups.append((sheet.title, SharedGroup("", others, array("q"))))
        groups += [(sheet.title, group) for group in sheet.formulas.shared_groups().values()]
    while groups:
        spans: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
        for n, b in enumerate(blocks):
            spans.setdefault((b.sheet, b.col), []).append((b.first_row, b.last_row, n))
        for found_spans in spans.values():
            found_spans.sort()

        dropped: set[int] = set()
        for title, group in groups:
            extent = group.column_extent()
            if extent is not None:
                col, top, bottom = extent
                within = spans.get((title, col), [])
                last = bisect_right(within, (bottom, _LAST_ROW)) - 1  # the last block starting by its bottom row
                if last < 0 or within[last][1] < top:
                    continue  # a column no block meets (the blocks are disjoint and in order)
                if within[last][0] <= top and within[last][1] >= bottom:
                    continue  # a column of copies in one block
            holders = [_holder(spans, title, row, col) for row, col in group.positions()]
            if None in holders:
                dropped.update(n for n in holders if n is not None)
        if not dropped:
            break
        blocks = [b for n, b in enumerate(blocks) if n not in dropped]
    return blocks


def _holder(spans: dict[tuple[str, int], list[tuple[int, int, int]]], sheet: str, row: int, col: int) -> int | None:
    """The number of the block holding a cell, given each column's blocks as sorted (first row, last row,
    number)."""
    within = spans.get((sheet, col), [])
    at = span_at(within, row)
    return within[at][2] if at is not None else None


def keep_for_collect(formulas: dict[Key, str]) -> None:
    """Drop from ``formulas`` what reading back does not need: the texts of the formulas that start with a
    ``TRUPS_*`` call are kept (which function a cell calls first says whether its number is a date,
    :func:`.calls.top_function`); every other text is the scan's (until a one-off recalculation lets those go:
    :func:`.run.evaluate_workbook`), or for a cell that needs one and has none there (a blocked spill) the
    engine's."""
    candidates = compress(formulas.items(), map(names_trups, formulas.values()))  # no Python step for the others
    kept = {k: t for k, t in candidates if top_function(t) is not None}
    formulas.clear()  # the same dictionary (the caller's Loaded holds it), its table released
    formulas.update(kept)


@dataclass
class Loaded:
    """A workbook checked, scanned and loaded into the engine, its ``TRUPS_*`` functions registered,
    not yet evaluated (:func:`load_workbook`)."""

    path: Path
    found: Scan
    book: fz.Workbook
    log: engine.DateLog
    #: every formula cell's text as the engine parsed it (array formulas apart)
    formulas: dict[Key, str]
    #: the cells of fixed array formulas (the engine's to evaluate whole)
    protected: set[Key]
    bad: dict[Key, str]
    external: list[str]
    notices: list[str]
    has_vba: bool
    say: Callable[[str], None]
    #: the vectorised runs' results, for the engine's calls inside formulas (:class:`engine.Answers`)
    answers: engine.Answers = field(default_factory=engine.Answers)
    #: the runs planned before the engine loaded the workbook, the cells of :meth:`.planning.Plan.made_whole`
    #: given stand-ins in the engine's copy (:func:`load_workbook` with ``blank_runs``), or None
    plan: planning.Plan | None = None
    #: a formula looks at the workbook itself (``SHEETS()``, ``FORMULATEXT``...): the cells the runs change
    #: and the scratch sheet they add would be seen, so the engine evaluates every call (:func:`reflective`)
    reflective: bool = False


def load_workbook(path: Path, progress: Callable[[str], None] | None = None,
                  limits: Limits | None = None, blank_runs: bool = False) -> Loaded:
    """Check ``path`` (refusing what this command does not read, one line saying why), scan its
    sheets and load it into the engine once, every ``TRUPS_*`` function registered.

    ``blank_runs`` (for one vectorised evaluation, :func:`.vectorise.evaluate`): where no sheet holds an array
    formula (and a probe reads every shared formula as the engine does, :func:`.shared.probe`), the runs are
    planned from the scan's own texts first; in the engine's copy the cells of whole-formula calls the runs will
    make hold a stand-in number (:data:`.engine_copy.STAND_IN`), and the formulas that read their calls' scratch
    cells are written so (:func:`_copy_changes`): the engine does not parse formulas whose values the runs set,
    nor a formula twice."""
    say = progress or (lambda _m: None)
    limits = limits or Limits()
    with step("check"):
        package = check_package(path, limits)
    say(f"loading {path.name}")
    with step("scan"):
        found = scan(path, limits)
        tables = read_tables(path, found, limits)
        tables.update({name: None for _sheet, name in found.scoped if name in tables})  # a name two things have
        rewriter = Rewriter(tables)  # the scan's and the engine copy's: each formula read once
        unread, unread_cells = table_references.in_scan(found, rewriter)  # before the screen: as the engine
        bad, external, notices = _screen(found)
        bad.update(unread_cells)
        tables_line = table_references.notice(unread, found, tables)  # what is not read: said once
        notices += [tables_line] if tables_line else []
        what_if = data_tables.notice(found, path, limits)
        notices += [what_if] if what_if else []
        looks_at_itself = reflective(found)
        legacy = intersection.in_scan(found)  # formulas saved before dynamic arrays: @ where Excel took one value
    early, scanned = None, None
    if blank_runs and not looks_at_itself:
        with step("plan"):
            scanned = _early_formulas(found, bad)
            early = planning.plan(found, scanned, set()) if scanned is not None else None
            if early is not None and scanned is not None:
                keep_for_collect(scanned)  # planned: what is left is for reading back (before the engine's load)
    with step("engine copy"):
        book, bad, external, notices, as_screened = _engine_book(path, found, limits, bad, external, notices,
                                                                 early, rewriter if tables else None, legacy)
        data_tables.check_values(book, found)  # what the engine read where Excel saved a data table's values
        if not as_screened:  # more formulas screened than the plan knew of: planned again once loaded
            early = scanned = None
        log = engine.DateLog()
        answers = engine.Answers()
        engine.register(book, log, answers)
        formulas = scanned if scanned is not None else _engine_formulas(book, found, bad)
        protected = {(s.title, r, c) for s in found.sheets for cell in s.formulas.kept_whole()
                     if cell.kind == "array" and not cell.dynamic
                     for r, c in area_cells(cell.area or a1(cell.row, cell.col))}
    return Loaded(path, found, book, log, formulas, protected, bad, external, notices, package.has_vba, say,
                  answers, early, looks_at_itself)


#: What makes a formula see the workbook as stored rather than its values: counting its sheets (the
#: scratch sheet would be counted), a cell's formula text or whether it holds one (a run's cell holds a
#: value or a formula reading the scratch sheet), or the scratch sheet named in a text (``INDIRECT``).
_REFLECTIVE = re.compile(r"\b(?:SHEETS|FORMULATEXT|ISFORMULA)\s*\(|_TRUPS_SCRATCH")
#: The words :data:`_REFLECTIVE` looks for, found first as plain text (a search in any case is slow).
_REFLECTIVE_WORDS = ("SHEETS", "FORMULATEXT", "ISFORMULA", "_TRUPS_SCRATCH")


def reflective(found: Scan) -> bool:
    """Whether a formula or a defined name looks at the workbook itself (:data:`_REFLECTIVE`: in any
    case; a text that merely holds such a word counts too). The engine alone then evaluates the
    workbook, which is never wrong."""
    texts = (*("\n".join(filter(None, s.formulas.packed()[1])) for s in found.sheets),
             *(text for _local, text in found.names.values()))
    for text in texts:
        upper = text.upper()
        if any(word in upper for word in _REFLECTIVE_WORDS) and _REFLECTIVE.search(upper):
            return True
    return False


def area_cells(area: str) -> Iterator[tuple[int, int]]:
    r1, c1, r2, c2 = area_bounds(area)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield r, c
