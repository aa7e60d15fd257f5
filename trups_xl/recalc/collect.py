"""The computed cells of an evaluated workbook read back from the engine: formula cells by column
segments, array formulas' areas, spills (and the cell in the way of a blocked one), the named
results with their labels and number formats, the error cells.
"""

from __future__ import annotations

import operator
import re
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import formualizer as fz
import numpy as np

from trups_xl.core.arrays import member
from trups_xl.excel.convert import EXCEL_ERRORS
from trups_xl.excel.function import BUG_PREFIX, INPUT_ERROR_PREFIX
from trups_xl.recalc import engine, vectorise
from trups_xl.recalc.addresses import a1, area_bounds, coordinate
from trups_xl.recalc.calls import top_function
from trups_xl.recalc.computed import ColumnValues, ComputedCells, by_position, held
from trups_xl.recalc.error_cells import ErrorCells
from trups_xl.recalc.formula_cells import COLUMN_BITS
from trups_xl.recalc.load import Key, Loaded, screened_value
from trups_xl.recalc.package import DEFAULT_PART_BYTES, Scan, read_part
from trups_xl.recalc.segments import (
    GAP,
    SegmentValues,
    column_segments,
    filled_around,
    holding,
    may_spill,
    spill_anchors,
)
from trups_xl.recalc.steps import step
from trups_xl.recalc.writer import Values

_COLUMN_MASK = (1 << COLUMN_BITS) - 1


@dataclass
class Recalculation:
    """Computed values by (sheet title, cell), the named results and what went wrong."""

    values: Mapping[tuple[str, str], Any]
    names: dict[str, Any]
    errors: Sequence[str]  # ``Sheet!B7: #DIV/0!``, a line per error cell, written when read
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


def _engine_formula(book: fz.Workbook, sheet: str, row: int, col: int) -> str:
    """A formula cell's text as the engine holds it ("" when it holds none), where neither the scan (its texts
    let go in a one-off recalculation) nor the formulas kept for reading back hold it."""
    try:
        text = book.get_formula(sheet, row, col)
    except Exception:  # the engine's refusal: no text, so no shape is given
        return ""
    return text if isinstance(text, str) else ""


def as_value(value: Any) -> Any:
    """An engine value as the recalculation reports it: errors as Excel's text."""
    if engine.is_engine_error(value):
        return engine.error_text(value)
    if isinstance(value, list):  # a table left in one cell (an engine without room to spill it)
        return engine.as_shown(value)
    return value


def collect(loaded: Loaded, outcome: vectorise.Outcome) -> Recalculation:
    """Every computed cell of an evaluated workbook read back from the engine (what :func:`recalculate`
    returns, for the values copy). A run that read a cell some formula spilled into is given back to
    the engine first (its formulas restored) and the workbook evaluated again; the cells still set by
    runs are the result's ``vectorised``."""
    with step("read back"):
        return _collect(loaded.book, loaded.found, loaded.formulas, outcome, loaded.log, loaded.bad,
                        list(loaded.external), list(loaded.notices), loaded.has_vba)



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
    """Read every formula cell, array area and spill back from the engine (``notices`` those of the load: the
    notices found reading are added to a copy, so a reading again after runs given back lists each once)."""
    given = notices
    notices = list(given)
    tables = {s.title: ComputedCells() for s in found.sheets}
    cells: dict[str, Values] = dict(tables)
    spills: dict[tuple[str, str], str] = {}
    circular: list[str] = []
    spilled: dict[str, set[tuple[int, int]]] = {}
    done_by_sheet = (outcome.values.by_sheet() if isinstance(outcome.values, ColumnValues)
                     else by_position(outcome.values))
    dates_by_sheet: dict[str, set[int]] = {}
    for title, row, col in outcome.dates:
        dates_by_sheet.setdefault(title, set()).add(row << COLUMN_BITS | col)
    dated = _dated_candidates(formulas, log)
    for sheet in found.sheets:
        title = sheet.title
        occupied_probe = (min(sheet.max_row + 2, 1_048_576), min(sheet.max_col + 30, 16_384))
        sheet_cells = tables[title]
        put_packed = sheet_cells.put_packed
        done_keys, done_values = done_by_sheet.pop(title, (array("q"), []))
        done_dates = dates_by_sheet.get(title, set())
        keys, texts, special = sheet.formulas.packed()
        if done_keys:
            done = set(done_keys)
            unset = [key for key in keys if key not in done]
            del done
        else:
            unset = list(keys)
        if bad or special:
            unset = [key for key in unset if not (bad and (title, key >> COLUMN_BITS, key & _COLUMN_MASK) in bad)
                     and not ((cell := special.get(key)) and cell.kind == "array" and not cell.dynamic)]
        segments = column_segments(zip(map(operator.rshift, unset, repeat(COLUMN_BITS)),
                                       map(operator.and_, unset, repeat(_COLUMN_MASK)), strict=True))
        del unset
        grid = SegmentValues(book, title, segments)
        read, (r0, c0), dense = grid.rows, grid.origin, grid.dense  # the rectangle read, when it was
        anchors = spill_anchors(book, title, filled_around(book, title, may_spill(segments, holding(grid, segments)),
                                                          segments, done_keys))
        if not anchors and not (bad and any(key[0] == title for key in bad)) and not any(
                c.kind == "array" and not c.dynamic for c in special.values()) and _read_at_once(
                sheet_cells, keys, read, (r0, c0), done_keys, done_values, done_dates,
                dated.get(title, {}), dense):
            continue
        at, last = 0, len(done_keys)  # the next of the runs' cells (the walk and they are in ascending position)
        for packed, scanned in zip(keys, texts, strict=True):
            while at < last and done_keys[at] < packed:  # a run's cell that is not a formula cell of the sheet
                at += 1
            if at < last and done_keys[at] == packed:  # set by a vectorised call: one value
                put_packed(packed, done_values[at], packed in done_dates)
                at += 1
                continue
            row, col = packed >> COLUMN_BITS, packed & _COLUMN_MASK
            if bad and (title, row, col) in bad:
                sheet_cells[(row, col)] = (screened_value(bad[(title, row, col)]), False)
                continue
            cell = special.get(packed) if special else None
            # the function a formula calls first: only asked for while some function returned a date
            function = top_function(formulas.get((title, row, col)) or scanned or "") if log.dates else None
            if cell is not None and cell.kind == "array" and not cell.dynamic:
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
            if 0 <= row - r0 < len(read) and 0 <= col - c0 < len(read[row - r0]):
                value = read[row - r0][col - c0]
            else:
                column = dense.get(col)
                if column is not None and 0 <= row - column[0] < len(column[1]) \
                        and (value := column[1][row - column[0]]) is not GAP:
                    pass
                else:
                    known, value = grid.get(row, col)
                    if not known:
                        value = book.get_value(title, row, col)
            if type(value) is float:
                put_packed(packed, value, function is not None and log.is_date(function, 0, 0, value))
                if anchors and (row, col) in anchors:
                    _add_spill(book, title, (row, col), anchors[(row, col)], function, log, sheet_cells, spills,
                               spilled)
                continue
            if isinstance(value, dict) and engine.is_engine_error(value) and value.get("kind") == "Circ":
                circular.append(f"{title}!{a1(row, col)}")
                sheet_cells[(row, col)] = (0.0, False)
                continue
            sheet_cells[(row, col)] = (value, function is not None and log.is_date(function, 0, 0, value))
            if isinstance(value, dict) and engine.is_engine_error(value) and value.get("kind") == "Spill":
                text = formulas.get((title, row, col)) or scanned or _engine_formula(book, title, row, col)
                shape = _result_shape(book, title, text, occupied_probe)
                notices.append(_blocked(found, title, row, col, shape))
                continue
            extent = anchors.get((row, col))
            if extent is not None:
                _add_spill(book, title, (row, col), extent, function, log, sheet_cells, spills, spilled)
    # a vectorised call that read a cell some formula spilled into, or values that are not those there now (a
    # spill shown for a while as the engine evaluated everything before the run), is the engine's to evaluate
    redo = outcome.to_redo(spilled, book)
    if redo:
        left = outcome.give_back(book, redo)
        left.settle(book)
        return _collect(book, found, formulas, left, log, bad, external, given, has_vba)
    values = CellValues(cells)
    errors = ErrorCells()
    for sheet in found.sheets:
        shown_errors: list[tuple[int, Any]] = []
        for packed, v in tables[sheet.title].packed_items():  # no tuple made for a number's cell
            if type(v) is float:
                continue
            if isinstance(v, dict):
                v = as_value(v)
            if isinstance(v, str) and (v.strip().upper() in EXCEL_ERRORS or v.startswith((INPUT_ERROR_PREFIX,
                                                                                          BUG_PREFIX))):
                shown_errors.append((packed, v))
        errors.add_sheet(sheet.title, shown_errors)
    names, shown_as = _named_results(book, found, values)
    return Recalculation(values, names, errors, spills, notices, circular, external, has_vba, shown_as,
                         found, cells, sum(map(len, cells.values())),
                         CellRefs([outcome.values.keys(), outcome.hosts]))


def _read_at_once(sheet_cells: ComputedCells, keys: array[int], read: list[list[Any]], origin: tuple[int, int],
                  done_keys: array[int], done_values: list[Any], done_dates: set[int],
                  dated: dict[int, Callable[[Any], bool]],
                  dense: dict[int, tuple[int, list[Any]]] | None = None) -> bool:
    """Every formula cell of a sheet set at once (no step per cell), when each was set by a run or read,
    in one rectangle or else in a column read whole (``dense``: a column's first row read and its values),
    and none needs a look of its own (a circular reference, a blocked spill); False, with nothing set,
    otherwise. ``dated``: the cells not set by a run whose formula starts with a call of a function
    that returned a date, by packed position (the test of a value, :meth:`engine.DateLog.is_date`)."""
    if len(sheet_cells):
        return False
    r0, c0 = origin
    mask = _COLUMN_MASK
    values: list[Any] = []
    append = values.append
    runs = zip(done_keys, done_values, strict=True)  # both walks in ascending position: merged, no index kept
    run_key, run_value = next(runs, _PAST)
    try:  # every cell not set by a run is in the rectangle (read around them): no index below 0
        for k in keys:
            while run_key < k:  # a run's cell that is not a formula cell of the sheet
                run_key, run_value = next(runs, _PAST)
            if run_key == k:
                append(run_value)
                run_key, run_value = next(runs, _PAST)
            elif read:
                append(read[(k >> COLUMN_BITS) - r0][(k & mask) - c0])
            else:  # read a column at a time, or nothing read (every cell a run's)
                append(_in_column(dense, k))
    except IndexError:
        return False
    if any(type(v) is dict and v.get("kind") in ("Circ", "Spill") for v in values):
        return False
    dates = held(done_dates, keys)
    if dated:
        candidates = list(dated.items())
        by_run = member(np.fromiter((k for k, _test in candidates), dtype=np.int64, count=len(candidates)),
                        np.frombuffer(done_keys, dtype=np.int64) if done_keys else np.zeros(0, dtype=np.int64))
        dates += [k for (k, is_date), set_by_run in zip(candidates, by_run.tolist(), strict=True)
                  if not set_by_run and (j := _position(keys, k)) >= 0 and is_date(values[j])]
    sheet_cells.extend_packed(keys, values, dates)
    return True


def _in_column(dense: dict[int, tuple[int, list[Any]]] | None, key: int) -> Any:
    """The value read of the cell at packed position ``key`` from its column read whole; IndexError where
    the column was not read whole or the cell not read."""
    column = dense.get(key & _COLUMN_MASK) if dense else None
    if column is None:
        raise IndexError(key)
    at = (key >> COLUMN_BITS) - column[0]
    if at < 0 or (value := column[1][at]) is GAP:
        raise IndexError(key)
    return value


#: What the merge of :func:`_read_at_once` takes once the runs' cells are all met: past every position.
_PAST: tuple[int, Any] = (1 << 62, None)


def _position(keys: array[int], key: int) -> int:
    at = bisect_left(keys, key)
    return at if at < len(keys) and keys[at] == key else -1


def _dated_candidates(formulas: dict[Key, str], log: engine.DateLog,
                      ) -> dict[str, dict[int, Callable[[Any], bool]]]:
    """The cells whose formula starts with a call of a function that returned a date, by sheet and packed
    position, each with the test of its value (none while no function returned a date)."""
    if not log.dates:
        return {}
    dated = {name for name, _i, _j, _v in log.dates}
    tests = {name: _date_test(log, name) for name in dated}
    out: dict[str, dict[int, Callable[[Any], bool]]] = {}
    for (title, row, col), text in formulas.items():
        function = top_function(text)
        if function in tests:
            out.setdefault(title, {})[row << COLUMN_BITS | col] = tests[function]
    return out


def _date_test(log: engine.DateLog, function: str) -> Callable[[Any], bool]:
    return lambda value: log.is_date(function, 0, 0, value)


def _add_spill(book: fz.Workbook, title: str, anchor: tuple[int, int], extent: tuple[int, int, int, int],
               function: str | None, log: engine.DateLog, sheet_cells: Values, spills: dict[tuple[str, str], str],
               spilled: dict[str, set[tuple[int, int]]]) -> None:
    """The cells a spill fills (its anchor read already), and the spill listed."""
    r1, c1, r2, c2 = extent
    spills[(title, a1(*anchor))] = f"{a1(r1, c1)}:{a1(r2, c2)}"
    spill = dict(_area_values(book, title, extent, function, log))
    spill.pop(anchor, None)  # the anchor, read above
    sheet_cells.update(spill)
    spilled.setdefault(title, set()).update(spill)


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
            return as_value(self._cells[sheet][coordinate(ref)][0])
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
            value = as_value(book.get_value(sheet, row, col))
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
