"""Headless recalculation: every formula of a workbook evaluated by the formula engine, the
``TRUPS_*`` calls through the very same :mod:`trups_xl.excel.udfs` functions Excel calls.

The steps: the package is checked and its sheets scanned as bytes (:mod:`.package`, refusing what
the command does not read); the engine loads the workbook (:mod:`.engine`; a formula it cannot
parse, an external reference or a DDE link is given an error value first, and listed); runs of
simple ``TRUPS_*`` calls are evaluated vectorised and set into the engine (:mod:`.vectorise`); the
engine evaluates everything else, with dynamic arrays (a table typed in one cell spills; where the
area is not empty the cell shows ``#SPILL!`` and the summary names the cell in the way); the
values copy is written by rewriting the formula cells of the sheet parts (:mod:`.writer`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import signal
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import formualizer as fz
from openpyxl.styles.numbers import is_date_format

from trups_xl.excel.convert import EXCEL_EPOCH, EXCEL_ERRORS
from trups_xl.excel.function import BUG_PREFIX, INPUT_ERROR_PREFIX, REGISTRY
from trups_xl.recalc import engine, vectorise
from trups_xl.recalc.package import DEFAULT_PART_BYTES, FormulaCell, Scan, a1, area_bounds, coordinate, read_part, scan
from trups_xl.recalc.safety import Limits, RefusedError, check_output, check_package
from trups_xl.recalc.writer import Values, write_copy

SPILL = "#SPILL!"
#: Error cells listed one by one in the summary; past that, a count per sheet.
MAX_LISTED_ERRORS = 20
#: Text results that report a condition rather than a number (listed apart in the summary).
CONDITION_PREFIXES = ("lapsed", "not applicable")

Key = tuple[str, int, int]
_EXTERNAL = re.compile(r"(?:^|[=(,;+\-*/&^<>: ])'?(?:[A-Za-z]:)?[^'\"()\[\]]*\[[^\]]+\][^!]*!|\w+\|'")
_STRINGS = re.compile(r'"(?:[^"]|"")*"')


@dataclass
class Recalculation:
    """Computed values by (sheet title, cell), the named results and what went wrong."""

    values: Mapping[tuple[str, str], Any]
    names: dict[str, Any]
    errors: list[str]
    #: Spilled tables: (sheet, anchor) -> the area they fill, e.g. "A10:N14".
    spills: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Lines for the summary: blocked spills, truncated array formulas, formulas not parsed.
    notices: list[str] = field(default_factory=list)
    #: Formula cells on a cycle (shown as 0, as Excel does).
    circular: list[str] = field(default_factory=list)
    #: External references and DDE links (not read: they show #REF!).
    external: list[str] = field(default_factory=list)
    #: The workbook holds a VBA project (an .xlsm).
    has_vba: bool = False
    #: Each named result's label (the text beside it in the workbook) and number format.
    shown_as: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: What the values copy is written from: the scan, and per sheet {(row, col): (value, is date)}.
    scan: Scan | None = None
    cells: dict[str, Values] = field(default_factory=dict)
    #: Cells evaluated, for the summary.
    evaluated: int = 0
    #: Cells whose call was made in a vectorised run (the rest: the engine), as (sheet, "B7").
    vectorised: AbstractSet[tuple[str, str]] = field(default_factory=set)


def _strip_strings(formula: str) -> str:
    return _STRINGS.sub('""', formula)


def _is_external(formula: str) -> bool:
    """An external workbook reference (``[book.xlsx]Sheet!A1``, ``'C:\\dir\\[b.xlsx]S'!A1``, ``[1]S!A1``)
    or a DDE link (``=cmd|' /c calc'!A0``), outside text literals."""
    body = _strip_strings(formula)
    return bool(_EXTERNAL.search(body)) or ("'!" in body and "|" in body)


def _unparsed(formula: str) -> str | None:
    """Why the engine cannot parse ``formula``, or None."""
    try:
        fz.parse(formula)
    except Exception as exc:
        return " ".join(str(exc).split()).split(":")[0][:80] or type(exc).__name__
    return None


def _screened_value(shown: str) -> dict[str, str]:
    """The engine's error value a screened formula cell is given (``#REF!`` or ``#NAME?``)."""
    return {"type": "Error", "kind": "Ref" if shown == "#REF!" else "Name"}


def _sanitised(path: Path, found: Scan, bad: dict[Key, str], tmp: Path, name: str = "") -> Path:
    """A copy of the package for the engine with the ``bad`` formula cells given their error values (and
    external defined names left out), so the engine loads nothing it cannot or must not read."""
    cells: dict[str, Values] = {}
    for (sheet, row, col), value in bad.items():
        cells.setdefault(sheet, {})[(row, col)] = (_screened_value(value), False)
    copy = tmp / (name or "book") / path.name
    copy.parent.mkdir(exist_ok=True)
    write_copy(path, copy, found, cells, keep_vba=False)
    return copy


def _shared_followers(found: Scan) -> dict[tuple[str, str], list[FormulaCell]]:
    groups: dict[tuple[str, str], list[FormulaCell]] = {}
    for sheet in found.sheets:
        for cell in sheet.formulas.values():
            if cell.kind == "shared" and cell.shared_index is not None:
                groups.setdefault((sheet.title, cell.shared_index), []).append(cell)
    return groups


def _screen(found: Scan, parse_all: bool = False) -> tuple[dict[Key, str], list[str], list[str]]:
    """Formula cells the engine must not see as written: external references and DDE links (#REF!)
    and, with ``parse_all`` (after the engine refused the workbook), formulas it cannot parse
    (#NAME?). Returns their values, the external list and notices."""
    bad: dict[Key, str] = {}
    external: list[str] = []
    notices: list[str] = []
    followers = _shared_followers(found)
    seen: dict[str, str | None] = {}
    for sheet in found.sheets:
        for (row, col), cell in sheet.formulas.items():
            text = cell.text
            if text is None:
                continue
            group = followers.get((sheet.title, cell.shared_index or ""), []) if cell.kind == "shared" else [cell]
            if ("[" in text or "|" in text) and _is_external(text):
                book = re.search(r"\[([^\]]+)\]", _strip_strings(text))
                external.append(f"{sheet.title}!{a1(row, col)} ({book[1][-60:] if book else 'a DDE link'})")
                for member in group or [cell]:
                    bad[(sheet.title, member.row, member.col)] = "#REF!"
                continue
            if not parse_all:
                continue
            if text not in seen:
                seen[text] = _unparsed(text)
            reason = seen[text]
            if reason is not None:
                notices.append(f"{sheet.title}!{a1(row, col)}: the formula {text[:60]!r} could not be parsed "
                               f"({reason}); it shows #NAME?")
                for member in group or [cell]:
                    bad[(sheet.title, member.row, member.col)] = "#NAME?"
    return bad, external, notices


def _engine_book(path: Path, found: Scan, limits: Limits) -> tuple[fz.Workbook, dict[Key, str], list[str], list[str]]:
    """The engine's workbook: the file itself, or a copy with the formulas it must not or cannot read
    given their error values."""
    bad, external, notices = _screen(found)
    with tempfile.TemporaryDirectory(prefix="trups-xl-") as tmp:
        try:
            return _load(_sanitised(path, found, bad, Path(tmp)) if bad else path, limits), bad, external, notices
        except RefusedError as refused:
            if "parse error" not in str(refused).lower():
                raise
        bad, external, notices = _screen(found, parse_all=True)
        return _load(_sanitised(path, found, bad, Path(tmp), name="retry"), limits), bad, external, notices


def _load(path: Path, limits: Limits) -> fz.Workbook:
    budget = int(limits.max_uncompressed_mb * 2**20)  # the package's own limit, checked before this
    try:
        return fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral,
                                     load_limits={"max_part_bytes": budget, "max_expanded_bytes": budget})
    except Exception as exc:  # the engine's refusal of untrusted input is one line, not a traceback
        detail = " ".join(str(exc).split())
        detail = re.sub(r"TokenSpan \{[^}]*\}", "", detail).removeprefix("load failed: ")[:200]
        raise RefusedError(f"{path.name} could not be read as a workbook ({detail})") from None


def _engine_formulas(book: fz.Workbook, found: Scan, bad: dict[Key, str]) -> dict[Key, str]:
    """Every formula cell's text as the engine parsed it (shared formulas expanded); array formulas
    apart (they are the engine's to evaluate whole)."""
    out: dict[Key, str] = {}
    for sheet in found.sheets:
        for (row, col), cell in sheet.formulas.items():
            key = (sheet.title, row, col)
            if key in bad or (cell.kind == "array" and not cell.dynamic):
                continue
            text = cell.text if cell.kind != "shared" else book.get_formula(sheet.title, row, col)
            if text:
                out[key] = text if text.startswith("=") else f"={text}"
    return out


def _segments(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Cells as column segments of consecutive rows: (column, first row, last row)."""
    out: list[list[int]] = []
    for row, col in sorted(cells, key=lambda rc: (rc[1], rc[0])):
        if out and out[-1][0] == col and out[-1][2] == row - 1:
            out[-1][2] = row
        else:
            out.append([col, row, row])
    return [(c, a, b) for c, a, b in out]


class _SegmentValues:
    """The engine's values of the segments' cells, one read per segment, kept as one list per
    segment (no key per cell)."""

    def __init__(self, book: fz.Workbook, sheet: str, segments: list[tuple[int, int, int]]) -> None:
        handle = book.sheet(sheet)
        self._by_column: dict[int, tuple[list[int], list[list[Any]]]] = {}
        for col, first, last in segments:
            starts, columns = self._by_column.setdefault(col, ([], []))
            starts.append(first)
            columns.append([line[0] if line else None
                            for line in handle.get_values(fz.RangeAddress(sheet, first, col, last, col))])

    def get(self, row: int, col: int) -> tuple[bool, Any]:
        """(found, value) of one cell."""
        found = self._by_column.get(col)
        if found is None:
            return False, None
        starts, columns = found
        at = bisect.bisect_right(starts, row) - 1
        if at < 0 or row - starts[at] >= len(columns[at]):
            return False, None
        return True, columns[at][row - starts[at]]


def _spill_anchors(book: fz.Workbook, sheet: str, segments: list[tuple[int, int, int]]
                   ) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """The cells of ``segments`` that anchor a spill, with the area it fills: one engine call per
    segment of consecutive formula cells, not one per cell."""
    out: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    quoted = sheet.replace("'", "''")
    for col, first, last in segments:
        offset: int | None = 0
        while offset is not None:
            try:
                page = book.range_page(f"'{quoted}'!{a1(first, col)}:{a1(last, col)}", offset=offset,
                                       limit=last - first + 1, include_values=False)
            except Exception:
                break
            for item in page.items:
                role = item.spill
                if role is not None and str(role.kind) == "Anchor" and role.extent:
                    out[coordinate(item.address.split("!")[-1])] = area_bounds(role.extent.split("!")[-1])
            offset = page.next_offset if page.items else None
    return out


def _result_shape(book: fz.Workbook, sheet: str, formula: str, probe: tuple[int, int]) -> tuple[int, int] | None:
    """The rows and columns a formula's result has (for a blocked spill or a fixed array smaller than
    its result), evaluated in a scratch cell of the same sheet and cleared again."""
    body = formula[1:] if formula.startswith("=") else formula
    shape = []
    for fn in ("ROWS", "COLUMNS"):
        try:
            book.set_formula(sheet, probe[0], probe[1], f"={fn}({body})")
            value = book.evaluate_cell(sheet, probe[0], probe[1])
        except Exception:
            value = None
        finally:
            book.set_value(sheet, probe[0], probe[1], None)
        if type(value) is not float:
            return None
        shape.append(int(value))
    return shape[0], shape[1]


def _as_value(value: Any) -> Any:
    """An engine value as the recalculation reports it: errors as Excel's text."""
    if engine.is_engine_error(value):
        return engine.error_text(value)
    if isinstance(value, list):  # a table left in one cell (an engine without room to spill it)
        return engine.as_sent(value)
    return value


@contextmanager
def _progress(say: Callable[[str], None], total: int) -> Iterator[Callable[[int], None]]:
    """One updating line on a terminal for long runs; nothing in a log (only the step lines)."""
    live = sys.stderr.isatty() and total >= 20_000
    last = [-1]

    def tick(done: int) -> None:
        if live and (done * 20 // max(total, 1)) != last[0]:
            last[0] = done * 20 // max(total, 1)
            sys.stderr.write(f"\r[recalc] evaluated {done:,} of {total:,} cells")
            sys.stderr.flush()

    try:
        yield tick
    finally:
        if live:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def recalculate(path: Path, progress: Callable[[str], None] | None = None,
                limits: Limits | None = None, vectorise_calls: bool = True) -> Recalculation:
    """Evaluate every formula of ``path``; the file is not modified, and no other file is read
    (external references show ``#REF!`` and are listed). :func:`load_workbook` then
    :func:`evaluate_workbook`.

    Raises
    ------
    RefusedError
        The workbook is not one this command reads (one line saying why).

    ``vectorise_calls=False`` sends every formula through the engine (the reference path the tests
    compare :mod:`trups_xl.recalc.vectorise` with).
    """
    return evaluate_workbook(load_workbook(path, progress, limits), vectorise_calls)


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


def load_workbook(path: Path, progress: Callable[[str], None] | None = None,
                  limits: Limits | None = None) -> Loaded:
    """Check ``path`` (refusing what this command does not read, one line saying why), scan its
    sheets and load it into the engine once, every ``TRUPS_*`` function registered."""
    say = progress or (lambda _m: None)
    limits = limits or Limits()
    package = check_package(path, limits)
    say(f"loading {path.name}")
    found = scan(path, limits)
    book, bad, external, notices = _engine_book(path, found, limits)
    log = engine.DateLog()
    engine.register(book, log)
    formulas = _engine_formulas(book, found, bad)
    protected = {(s.title, r, c) for s in found.sheets for cell in s.formulas.values()
                 if cell.kind == "array" and not cell.dynamic
                 for r, c in _area_cells(cell.area or a1(cell.row, cell.col))}
    return Loaded(path, found, book, log, formulas, protected, bad, external, notices, package.has_vba, say)


def evaluate_workbook(loaded: Loaded, vectorise_calls: bool = True) -> Recalculation:
    """Evaluate every formula of a loaded workbook and read the results back. The engine's workbook
    is changed on the way (calls' values set in, formulas rewritten to read them), so a
    :class:`Loaded` is evaluated once."""
    total = sum(len(s.formulas) for s in loaded.found.sheets)
    loaded.say(f"evaluating {total:,} formula cells")
    with _progress(loaded.say, total) as tick:
        outcome = evaluate_calls(loaded, vectorise_calls, tick)
        tick(total)
    return collect(loaded, outcome)


def evaluate_calls(loaded: Loaded, vectorise_calls: bool = True,
                   tick: Callable[[int], None] | None = None) -> vectorise.Outcome:
    """The first half of :func:`evaluate_workbook`: the ``TRUPS_*`` calls made as vectorised runs
    (:func:`.vectorise.evaluate`: values set into the engine, formulas around nested calls rewritten
    to read the scratch sheet), then the engine evaluates everything else. Returns what the runs set,
    for :func:`collect` (the scenarios of :mod:`.scenarios` keep the runs and make them again)."""
    book, found, formulas = loaded.book, loaded.found, loaded.formulas
    if vectorise_calls:
        outcome = vectorise.evaluate(book, found, formulas, loaded.protected)
    else:
        vectorise.mark_skipped_in(book, found, formulas)
        outcome = vectorise.Outcome({}, set())
    if tick is not None:
        tick(len(outcome.values))
    _evaluate_all(book)
    return outcome


def collect(loaded: Loaded, outcome: vectorise.Outcome) -> Recalculation:
    """Every computed cell of an evaluated workbook read back from the engine (what :func:`recalculate`
    returns, for the values copy). A run that read a cell some formula spilled into is given back to
    the engine first (its formulas restored) and the workbook evaluated again; the cells still set by
    runs are the result's ``vectorised``."""
    return _collect(loaded.book, loaded.found, loaded.formulas, outcome, loaded.log, loaded.bad,
                    list(loaded.external), list(loaded.notices), loaded.has_vba)


def _evaluate_all(book: fz.Workbook) -> None:
    try:
        book.evaluate_all()
    except RecursionError:
        raise RefusedError("a formula is nested too deeply to evaluate") from None


def _area_cells(area: str) -> Iterator[tuple[int, int]]:
    r1, c1, r2, c2 = area_bounds(area)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield r, c


_TOP_CALL = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\(", re.I)


def _top_function(text: str) -> str | None:
    """The ``TRUPS_*`` function a formula calls first, if it starts with one."""
    if "TRUPS_" not in text[:40].upper():
        return None
    match = _TOP_CALL.match(text)
    return match[1].upper() if match and match[1].upper() in REGISTRY else None


def _area_values(book: fz.Workbook, title: str, bounds: tuple[int, int, int, int], function: str | None,
                 log: engine.DateLog) -> Iterator[tuple[tuple[int, int], tuple[Any, bool]]]:
    """The cells of an array formula's range or a spill, each with whether it holds a date the
    function returned at that position of its result."""
    r1, c1, r2, c2 = bounds
    for i, line in enumerate(book.sheet(title).get_values(fz.RangeAddress(title, r1, c1, r2, c2))):
        for j, v in enumerate(line):
            yield (r1 + i, c1 + j), (v, function is not None and log.is_date(function, i, j, v))


def _collect(book: fz.Workbook, found: Scan, formulas: dict[Key, str], outcome: vectorise.Outcome,
             log: engine.DateLog, bad: dict[Key, str], external: list[str], notices: list[str],
             has_vba: bool) -> Recalculation:
    """Read every formula cell, array area and spill back from the engine."""
    cells: dict[str, Values] = {s.title: {} for s in found.sheets}
    spills: dict[tuple[str, str], str] = {}
    circular: list[str] = []
    spilled: dict[str, set[tuple[int, int]]] = {}
    for sheet in found.sheets:
        title = sheet.title
        occupied_probe = (min(sheet.max_row + 2, 1_048_576), min(sheet.max_col + 30, 16_384))
        sheet_cells = cells[title]
        done = outcome.values
        segments = _segments((r, c) for (r, c), cell in sheet.formulas.items() if (title, r, c) not in done
                             and (title, r, c) not in bad and not (cell.kind == "array" and not cell.dynamic))
        grid = _SegmentValues(book, title, segments)
        anchors = _spill_anchors(book, title, segments)
        for (row, col), cell in sheet.formulas.items():
            key = (title, row, col)
            if key in done:  # set by a vectorised call: one value
                sheet_cells[(row, col)] = (done[key], key in outcome.dates)
                continue
            text = formulas.get(key) or cell.text or ""
            function = _top_function(text)
            if key in bad:
                sheet_cells[(row, col)] = (_screened_value(bad[key]), False)
                continue
            if cell.kind == "array" and not cell.dynamic:
                area = cell.area or a1(row, col)
                r1, c1, r2, c2 = area_bounds(area)
                sheet_cells.update(_area_values(book, title, (r1, c1, r2, c2), function, log))
                shape = _result_shape(book, title, cell.text, occupied_probe) if cell.text else None
                rows, cols = r2 - r1 + 1, c2 - c1 + 1
                if shape and (shape[0] > rows or shape[1] > cols):
                    notices.append(f"{title}!{area}: the result is {shape[0]}x{shape[1]} but the array formula "
                                   f"covers {rows}x{cols}; only its top-left part shows (enlarge the range, "
                                   "or enter the formula in one cell to spill)")
                continue
            known, value = grid.get(row, col)
            if not known:
                value = book.get_value(title, row, col)
            if isinstance(value, dict) and engine.is_engine_error(value) and value.get("kind") == "Circ":
                circular.append(f"{title}!{a1(row, col)}")
                sheet_cells[(row, col)] = (0.0, False)
                continue
            sheet_cells[(row, col)] = (value, function is not None and log.is_date(function, 0, 0, value))
            if isinstance(value, dict) and engine.is_engine_error(value) and value.get("kind") == "Spill":
                shape = _result_shape(book, title, text, occupied_probe)
                notices.append(_blocked(found, title, row, col, shape))
                continue
            extent = anchors.get((row, col))
            if extent is None:
                continue
            r1, c1, r2, c2 = extent
            spills[(title, a1(row, col))] = f"{a1(r1, c1)}:{a1(r2, c2)}"
            spill = dict(_area_values(book, title, extent, function, log))
            spill.pop((row, col), None)  # the anchor, read above
            sheet_cells.update(spill)
            spilled.setdefault(title, set()).update(spill)
    # a vectorised call that read a cell some formula spilled into is the engine's to evaluate
    redo = outcome.to_redo(spilled)
    if redo:
        left = outcome.give_back(book, redo)
        _evaluate_all(book)
        return _collect(book, found, formulas, left, log, bad, external, notices, has_vba)
    values = CellValues(cells)
    errors = []
    for sheet in found.sheets:
        for (r, c), (v, _d) in sorted(cells[sheet.title].items()):
            if isinstance(v, dict):
                v = _as_value(v)
            if isinstance(v, str) and (v.strip().upper() in EXCEL_ERRORS or v.startswith((INPUT_ERROR_PREFIX,
                                                                                          BUG_PREFIX))):
                errors.append(f"{sheet.title}!{a1(r, c)}: {v}")
    names, shown_as = _named_results(book, found, values)
    return Recalculation(values, names, errors, spills, notices, circular, external, has_vba, shown_as,
                         found, cells, sum(map(len, cells.values())),
                         CellRefs([outcome.values.keys(), outcome.hosts]))


class CellRefs(AbstractSet[tuple[str, str]]):
    """Cells as ``(sheet title, "B7")``, read from collections of (sheet, row, column) keys (no second
    copy of 100,000s of cells)."""

    def __init__(self, parts: list[AbstractSet[Key]]) -> None:
        self._parts = parts

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, tuple) or len(item) != 2:
            return False
        try:
            row, col = coordinate(item[1])
        except (TypeError, ValueError):
            return False
        return any((item[0], row, col) in part for part in self._parts)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        seen: set[Key] = set()
        for part in self._parts:
            for key in part:
                if key not in seen:
                    seen.add(key)
                    yield key[0], a1(key[1], key[2])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class CellValues(Mapping[tuple[str, str], Any]):
    """The computed cells as ``{(sheet title, "B7"): value}``, errors as Excel's text, read from the
    per-sheet tables the values copy is written from (no second copy of 100,000s of cells)."""

    def __init__(self, cells: dict[str, Values]) -> None:
        self._cells = cells

    def __getitem__(self, key: tuple[str, str]) -> Any:
        sheet, ref = key
        try:
            return _as_value(self._cells[sheet][coordinate(ref)][0])
        except (KeyError, ValueError):
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for sheet, sheet_cells in self._cells.items():
            for r, c in sheet_cells:
                yield sheet, a1(r, c)

    def __len__(self) -> int:
        return sum(len(c) for c in self._cells.values())


def _blocked(found: Scan, title: str, row: int, col: int, shape: tuple[int, int] | None) -> str:
    where = f"{title}!{a1(row, col)}"
    if shape is None:
        return f"{where}: #SPILL! its result cannot spill: the cells it needs are not empty"
    area = f"{a1(row, col)}:{a1(row + shape[0] - 1, col + shape[1] - 1)}"
    return f"{where}: #SPILL! its {shape[0]}x{shape[1]} result needs {area}, but a cell there is not empty " \
           f"(the first in the way: {_first_in_the_way(found, title, row, col, shape)})"


def _first_in_the_way(found: Scan, title: str, row: int, col: int, shape: tuple[int, int]) -> str:
    """The first non-empty cell of a blocked spill area, read from the package (values and formulas)."""
    sheet = found.sheet(title)
    for r in range(row, row + shape[0]):
        for c in range(col, col + shape[1]):
            if (r, c) != (row, col) and (r, c) in sheet.formulas:
                return f"{a1(r, c)} (a formula)"
    occupied = _occupied_cells(found, title, (row, col, row + shape[0] - 1, col + shape[1] - 1))
    return next((f"{a1(r, c)} (a value)" for r, c in occupied if (r, c) != (row, col)), "a cell")


def _occupied_cells(found: Scan, title: str, bounds: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    r1, c1, r2, c2 = bounds
    part = found.sheet(title).part
    if found.source is None:
        return []
    with zipfile.ZipFile(found.source) as archive:
        data = read_part(archive, part, DEFAULT_PART_BYTES)
    out = []
    for match in re.finditer(rb'<c\b[^>]*?\sr="([A-Z]+\d+)"[^>]*?(/>|>(.*?)</c>)', data, re.S):
        if match[2] == b"/>" or not match[3] or (b"<v" not in match[3] and b"<is" not in match[3]):
            continue
        r, c = coordinate(match[1].decode())
        if r1 <= r <= r2 and c1 <= c <= c2:
            out.append((r, c))
    return sorted(out)


def _named_results(book: fz.Workbook, found: Scan, values: Mapping[tuple[str, str], Any]
                   ) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The ``Result_*`` names: each one cell on a sheet of the workbook; anything else is skipped and
    listed as a notice by the caller."""
    names: dict[str, Any] = {}
    shown_as: dict[str, tuple[str, str]] = {}
    titles = {s.title.upper(): s.title for s in found.sheets}
    for name, (_local, text) in found.names.items():
        if not name.startswith("Result_"):
            continue
        match = re.match(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$", text.strip())
        if not match:
            names[name] = f"(not one cell: {text[:60]})"
            shown_as[name] = (name.removeprefix("Result_"), "General")
            continue
        sheet = (match[1] or match[2] or "").replace("''", "'")
        if sheet.upper() not in titles:
            names[name] = f"(refers to a sheet the workbook does not have: {sheet})"
            shown_as[name] = (name.removeprefix("Result_"), "General")
            continue
        sheet = titles[sheet.upper()]
        ref = f"{match[3]}{match[4]}"
        row, col = coordinate(ref)
        value = values.get((sheet, ref))
        if value is None:
            value = _as_value(book.get_value(sheet, row, col))
        names[name] = value
        shown_as[name] = _label_and_format(book, found, sheet, row, col, name)
    return names, shown_as


def _text_at(book: fz.Workbook, found: Scan, sheet: str, row: int, col: int) -> str | None:
    if (row, col) in found.sheet(sheet).formulas:
        return None
    value = book.get_value(sheet, row, col)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _label_and_format(book: fz.Workbook, found: Scan, sheet: str, row: int, col: int, name: str) -> tuple[str, str]:
    """The label of a named result as the sheet shows it: the text in column A of its row (and,
    for a result right of column B, the column's heading above it), and the cell's number format."""
    label = _text_at(book, found, sheet, row, 1) if col > 1 else None
    text = label or name.removeprefix("Result_")
    right_is_formula = (row, col + 1) in found.sheet(sheet).formulas
    if col > 2 or right_is_formula:  # a block of results side by side
        for r in range(row - 1, max(0, row - 20), -1):
            head = _text_at(book, found, sheet, r, col)
            if head:
                text = f"{text}, {head}"
                break
    cell = found.sheet(sheet).formulas.get((row, col))
    return text, found.number_format(cell.style) if cell else "General"


def _is_date(value: Any, number_format: str) -> bool:
    return type(value) is float and is_date_format(number_format) and 1 <= value < 2_958_466


def shown(value: Any, number_format: str) -> str:
    """A result as its cell's number format shows it: dates ISO, percentages, whole numbers with
    thousands separators, amounts with two decimals."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if _is_date(float(value), number_format):
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        fmt = number_format.split(";")[0]
        decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
        if "%" in fmt:
            return f"{value:.{decimals}%}"
        if fmt.startswith("#,##0") or fmt == "0":
            return f"{value:,.{decimals}f}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"
    return str(value)


#: How the summary shows a blank result (a term the security does not have), so a line never ends empty.
BLANK_SHOWN = "(blank)"


def summary(result: Recalculation) -> str:
    """The named results, one per line: the workbook's own label, the value as its cell shows it;
    then the text results that report a condition (an APM obligation that lapsed, ...)."""
    labels = {n: result.shown_as.get(n, (n.removeprefix("Result_"), "General")) for n in result.names}
    width = max((len(label) for label, _ in labels.values()), default=0)
    lines = [f"  {labels[n][0]:<{width}}  {BLANK_SHOWN if v in (None, '') else shown(v, labels[n][1])}"
             for n, v in result.names.items()]
    conditions = [f"  {labels[n][0]}: {v}" for n, v in result.names.items()
                  if isinstance(v, str) and v.strip().lower().startswith(CONDITION_PREFIXES)]
    if conditions:
        lines += ["Conditions reported by the functions:", *conditions]
    return "\n".join(lines)


def error_lines(errors: list[str]) -> list[str]:
    """The error cells for the summary: the first :data:`MAX_LISTED_ERRORS`, then a count per sheet."""
    lines = errors[:MAX_LISTED_ERRORS]
    if len(errors) > MAX_LISTED_ERRORS:
        counts: dict[str, int] = {}
        for e in errors[MAX_LISTED_ERRORS:]:
            counts[e.split("!")[0]] = counts.get(e.split("!")[0], 0) + 1
        lines.append(f"... and {len(errors) - MAX_LISTED_ERRORS:,} more: "
                     + ", ".join(f"{n:,} on {s}" for s, n in counts.items()))
    return lines


def write_values(path: Path, out: Path, result: Recalculation, replace_input: bool = False) -> None:
    """Copy ``path`` to ``out`` (atomically) with every formula replaced by its computed value, every
    cell of an array or spilled result written, dates as dates and text as text. An .xlsm written
    as .xlsm keeps its VBA project; external link parts are not carried over. ``out`` may be the
    input itself only with ``replace_input`` (--in-place --replace-formulas)."""
    if not replace_input and out.exists() and out.resolve() == path.resolve():
        raise RefusedError("refusing to overwrite the input workbook; pass another -o path or --in-place")
    if result.scan is None:
        raise RefusedError("nothing to write: the recalculation holds no scan of the workbook")
    keep_vba = result.has_vba and out.suffix.lower() == ".xlsm"
    write_copy(path, out, result.scan, result.cells, keep_vba)


@dataclass(frozen=True)
class Options:
    """What ``trups-xl recalc`` was asked to do."""

    output: Path | None = None
    replace_formulas: bool = False
    allow_circular: bool = False
    limits: Limits = field(default_factory=Limits)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder`` that do not exist yet, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


@contextmanager
def _no_traceback_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM end the run as an exception, so every temporary file is removed on the way
    out; the command then prints one line (exit 130 / 143)."""
    def stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


class _Stopped(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def main_recalc(path: Path, options: Options) -> int:
    """The ``recalc`` command: 0 when every cell has a value, 1 when some cells hold errors (or
    circular references), 2 when the input or the output is refused, 130/143 when interrupted."""
    try:
        with _no_traceback_on_signals():
            return _main_recalc(path, options)
    except _Stopped as stop:
        print(f"trups-xl: interrupted ({signal.Signals(stop.signum).name}); nothing was written", file=sys.stderr)
        return 128 + stop.signum


def _main_recalc(path: Path, options: Options) -> int:
    created: list[Path] = []
    try:
        target = path if options.replace_formulas else (
            options.output or path.with_name(path.stem + ".values" + path.suffix))
        missing = _missing_folders(target.parent)
        if not options.replace_formulas:
            check_output(path, target if not missing else missing[0].parent / "probe.xlsx")
        result = recalculate(path, progress=lambda m: print(f"[recalc] {m}", file=sys.stderr),
                             limits=options.limits)
        if result.has_vba and target.suffix.lower() != ".xlsm":
            print(f"Notice: {path.name} has a VBA project; {target.name} is written without it (.xlsx)")
        try:
            for folder in missing:
                folder.mkdir()
                created.append(folder)
            write_values(path, target, result, replace_input=options.replace_formulas)
        except OSError as exc:
            raise RefusedError(f"could not write {target}: {exc.strerror or exc}") from None
    except RefusedError as exc:
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        print(f"trups-xl: {exc}", file=sys.stderr)
        return 2
    except BaseException:
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    print(f"Recalculated {path} -> {target}")
    print(summary(result))
    if result.spills:
        shown_spills = list(result.spills.items())[:MAX_LISTED_ERRORS]
        more = len(result.spills) - len(shown_spills)
        print(f"Spilled tables: {len(result.spills)} ("
              + ", ".join(f"{s}!{area}" for (s, _), area in shown_spills) + (f", ... {more} more" if more else "")
              + ")")
    if result.external:
        print("External references not read (they show #REF!): " + ", ".join(result.external))
    if result.notices:
        print("Notices:\n  " + "\n  ".join(error_lines(result.notices)))
    if result.circular:
        print("Circular references (shown as 0, as Excel does): " + ", ".join(error_lines(result.circular)))
    if result.errors:
        print(f"Cells with errors: {len(result.errors)}\n  " + "\n  ".join(error_lines(result.errors)))
    failed = bool(result.errors) or (bool(result.circular) and not options.allow_circular)
    return 1 if failed else 0


__all__ = ["CONDITION_PREFIXES", "SPILL", "Loaded", "Options", "Recalculation", "collect", "evaluate_calls",
           "evaluate_workbook", "load_workbook", "main_recalc", "recalculate", "shown", "summary", "write_values"]
