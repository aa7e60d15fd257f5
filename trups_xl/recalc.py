"""Headless recalculation: every formula of a workbook, the ``TRUPS_*`` calls through the very
same :mod:`trups_xl.udfs` functions Excel calls.

The ordinary Excel functions, references and array formulas are evaluated by the maintained
``formulas`` package (EUPL-1.1+, a formula engine built on ``schedula``); trups-xl registers
its functions with it. Cell values reach the UDFs as Excel sends them to xlwings: numbers and
date serials as floats, text as text, blank cells and skipped arguments (``=F(a,,b)``) as
``None``, ranges as lists of rows, upstream errors as their text (``err_to_str``).

Where Excel 365 and the engine differ, this module makes the engine behave as Excel does:

* **Skipped arguments** reach a UDF as missing (``None``), so the documented default applies;
  ``formulas`` reads them as 0, which stays what Excel's own functions see (``IF(A1,,1)``).
* **Spilling.** A formula typed in one cell (or saved by Excel 365 as a dynamic array) whose
  result is a table fills the cells below and to the right; where that area holds anything the
  anchor shows ``#SPILL!`` and the summary says why. The engine has no dynamic arrays, so the
  spill areas found in one pass are evaluated again as array formulas of that size (every
  formula that reads a spilled cell then sees it), until the areas no longer change.
* **Fixed array formulas** whose result is larger than their range show its top-left part as
  Excel does (the engine answered ``#VALUE!`` in every cell); the summary lists them.
* **Dates** a function returns are written as dates, whatever the cell's format.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import formulas
import numpy as np
from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from trups_xl import engine, fastcalc
from trups_xl.engine import DateSerial, Missing, register, to_excel
from trups_xl.xlconvert import EXCEL_EPOCH, EXCEL_ERRORS
from trups_xl.xlfunc import BUG_PREFIX, INPUT_ERROR_PREFIX
from trups_xl.xlsxsafety import (
    Limits,
    RefusedError,
    check_formulas,
    check_output,
    check_package,
    check_used_ranges,
    filled_cells,
    sheet_cells,
    write_atomically,
)

CELL_KEY = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>[A-Z]+\d+(?::[A-Z]+\d+)?)$")
#: Number format given to a date a function returns into a cell that has no date format.
DATE_FORMAT = "yyyy-mm-dd"
#: Evaluations at most: spill areas can depend on other spills (a table sized by another).
MAX_SPILL_PASSES = 4
SPILL = "#SPILL!"


# ---- recalculation ---------------------------------------------------------------------------

@dataclass
class Recalculation:
    """Computed values by (sheet title, cell), the named results and what went wrong."""

    values: dict[tuple[str, str], Any]
    names: dict[str, Any]
    errors: list[str]
    #: Spilled tables: (sheet, anchor) -> the area they fill, e.g. "A10:N14".
    spills: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Lines for the summary: blocked spills, truncated array formulas.
    notices: list[str] = field(default_factory=list)
    #: Formula cells left without a value: circular references.
    circular: list[str] = field(default_factory=list)
    #: External references the engine was not allowed to read (they show #REF!).
    external: list[str] = field(default_factory=list)
    #: The workbook holds a VBA project (an .xlsm).
    has_vba: bool = False
    #: The workbook as read (VBA kept), to write the values copy from without reading it again.
    book: Workbook | None = None
    #: Each named result's label (the text beside it in the workbook) and number format.
    shown_as: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Anchor:
    sheet: str
    ref: str  # the formula's cell
    formula: str


def _spilling_formulas(book: Workbook, dynamic: set[tuple[str, str]]) -> Iterator[_Anchor]:
    """Formulas that spill: typed in one cell, or saved by Excel 365 as dynamic arrays."""
    for title, c in filled_cells(book):
        v = c.value
        if isinstance(v, str) and v.startswith("="):
            yield _Anchor(title, c.coordinate, v)
        elif isinstance(v, ArrayFormula) and (title, c.coordinate) in dynamic and v.text:
            yield _Anchor(title, c.coordinate, v.text)


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its part in the package, through the workbook's relationships."""
    targets = {rel.get("Id"): str(rel.get("Target"))
               for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
               if rel.tag == f"{_PKG_REL_NS}Relationship"}
    parts = {}
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        parts[str(sheet.get("name"))] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _dynamic_array_cells(path: Path) -> set[tuple[str, str]]:
    """Cells Excel 365 saved as dynamic-array formulas (``cm`` cell metadata, with the XLDAPR
    metadata part present)."""
    found: set[tuple[str, str]] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/metadata.xml" not in names or b"XLDAPR" not in archive.read("xl/metadata.xml"):
                return found
            for title, part in _sheet_parts(archive).items():
                if part not in names:
                    continue
                with archive.open(part) as handle:
                    for _, elem in ElementTree.iterparse(handle):
                        if elem.tag == f"{_MAIN_NS}c":
                            if elem.get("cm") is not None:
                                found.add((title, str(elem.get("r"))))
                            elem.clear()
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return set()
    return found


def _cell_key(name: str) -> tuple[str, str, str] | None:
    match = CELL_KEY.match(str(name))
    if not match:
        return None
    return match["sheet"].upper(), match["ref"].split(":")[0], match["ref"]


def _area(anchor: str, shape: tuple[int, int]) -> str:
    col, row = re.match(r"([A-Z]+)(\d+)", anchor).groups()  # type: ignore[union-attr]
    last = f"{get_column_letter(column_index_from_string(col) + shape[1] - 1)}{int(row) + shape[0] - 1}"
    return f"{anchor}:{last}"


def _cells(area: str) -> Iterator[str]:
    c1, r1, c2, r2 = range_boundaries(area)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield f"{get_column_letter(c)}{r}"


def _plan_spills(book: Workbook, anchors: list[_Anchor], shapes: dict[tuple[str, str], tuple[int, int]]
                 ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """Spill areas that are free, and the anchors whose area is not (with the reason)."""
    occupied: dict[tuple[str, str], str] = {  # cell -> what holds it
        (title, c.coordinate): "a value or formula" for title, c in filled_cells(book)}
    for ws in book.worksheets:
        for formula in ws.array_formulae.values():
            for cell in _cells(formula if ":" in formula else f"{formula}:{formula}"):
                occupied.setdefault((ws.title, cell), f"the array formula {formula}")
    spills: dict[tuple[str, str], str] = {}
    blocked: dict[tuple[str, str], str] = {}
    for a in anchors:
        shape = shapes.get((a.sheet, a.ref))
        if shape is None or shape == (1, 1):
            continue
        area = _area(a.ref, shape)
        clash = next((cell for cell in _cells(area) if cell != a.ref and (a.sheet, cell) in occupied), None)
        if clash is not None:
            blocked[(a.sheet, a.ref)] = f"{a.sheet}!{a.ref}: #SPILL! its {shape[0]}x{shape[1]} result needs " \
                f"{area}, but {clash} holds {occupied[(a.sheet, clash)]}"
            continue
        spills[(a.sheet, a.ref)] = area
        for cell in _cells(area):
            occupied[(a.sheet, cell)] = f"the spill of {a.ref}"
    return spills, blocked


def _evaluate(path: Path, say: Callable[[str], None], only: set[tuple[str, str]] | None = None
              ) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The engine over the whole workbook, or over ``only`` these formula cells and what they read."""
    engine.RESULT_SHAPES.clear()
    try:
        with engine.quiet_progress():
            model = _model(path, only)
        say(f"evaluating {sum(1 for _ in model.cells)} cells")
        solution = model.calculate()
    except RecursionError:
        raise RefusedError(f"{path.name}: a formula is nested too deeply to evaluate") from None
    return solution, dict(engine.RESULT_SHAPES)


def _model(path: Path, only: set[tuple[str, str]] | None) -> Any:
    """The engine's model of the whole workbook, or of ``only`` these formula cells and what they read."""
    if only is None:
        return formulas.ExcelModel().loads(str(path)).finish()
    model = formulas.ExcelModel()
    model.basedir = str(path.parent.resolve())  # where the engine looks for the book
    model.complete({f"'[{path.name}]{sheet.upper()}'!{ref}" for sheet, ref in only})
    return model.finish()


def load_checked(path: Path, limits: Limits, keep_vba: bool = False) -> Workbook:
    """The workbook through openpyxl, refusing what it cannot parse (one line)."""
    try:
        book = load_workbook(path, keep_vba=keep_vba)
    except Exception as exc:  # any parse failure of untrusted input is a refusal, not a traceback
        detail = " ".join(str(exc).split()).split(". ")[0][:200]
        raise RefusedError(f"{path} could not be read as a workbook ({type(exc).__name__}: {detail})") from None
    check_used_ranges(book, limits)
    return book


def recalculate(path: Path, progress: Callable[[str], None] | None = None,
                limits: Limits | None = None, vectorise: bool = True) -> Recalculation:
    """Evaluate every formula of ``path``; the file is not modified, and no other file is read
    (external references show ``#REF!`` and are listed).

    Raises
    ------
    RefusedError
        The workbook is not one this command reads (one line saying why).

    ``vectorise=False`` sends every formula through the engine (the reference path the tests
    compare :mod:`trups_xl.fastcalc` with).
    """
    say = progress or (lambda _m: None)
    limits = limits or Limits()
    package = check_package(path, limits)
    register()
    # formulas dispatches some functions once before their named-range inputs are set and
    # logs that attempt as a failure; the final values are what count (checked cell by cell)
    logging.getLogger("schedula").setLevel(logging.CRITICAL)
    logging.getLogger("formulas").setLevel(logging.CRITICAL)
    say(f"loading {path.name}")
    book = load_checked(path, limits, keep_vba=package.has_vba)
    check_formulas(book)
    titles = {t.upper(): t for t in book.sheetnames}
    say("evaluating runs of TRUPS_* calls")
    fast, left = fastcalc.evaluate(book) if vectorise else ({}, {("", "everything")})
    anchors = [a for a in _spilling_formulas(book, _dynamic_array_cells(path)) if (a.sheet, a.ref) not in fast]
    spills: dict[tuple[str, str], str] = {}
    blocked: dict[tuple[str, str], str] = {}
    solution: Any = {}
    shapes: dict[tuple[str, str], tuple[int, int]] = {}
    with engine.guard_files(path) as refused, tempfile.TemporaryDirectory(prefix="trups-xl-") as tmp:
        source = path
        if fast and left:  # the engine evaluates what is left, reading these cells as values
            source = Path(tmp) / path.name  # the same name: the engine keys cells by file name
            _save_with(book, fast, source)
            engine.allow(source)
        for _ in range(MAX_SPILL_PASSES if left else 0):
            solution, recorded = _evaluate(source, say, left if fast else None)
            shapes = {}
            areas = {**{(ws.title, a): r for ws in book.worksheets for a, r in ws.array_formulae.items()}, **spills}
            for name, shape in recorded.items():
                key = _cell_key(name)
                if not key or key[0] not in titles:
                    continue
                sheet = titles[key[0]]
                # a formula's own cell or array range; not a range some formula reads (SUM(D2:D41))
                if ":" not in key[2] or areas.get((sheet, key[1]), "").replace("$", "") == key[2]:
                    shapes[(sheet, key[1])] = shape
            wanted, blocked = _plan_spills(book, anchors, shapes)
            if wanted == spills:
                break
            spills = wanted
            text = {(a.sheet, a.ref): a.formula for a in anchors}
            source = Path(tmp) / path.name
            _save_with(book, {**fast, **{key: ArrayFormula(area, text[key]) for key, area in spills.items()}}, source)
            engine.allow(source)
            say(f"spilling {len(spills)} table(s)")
        truncated = _truncated(book, shapes, {(a.sheet, a.ref) for a in anchors})
        external = sorted(set(refused))
    values = _values(solution, titles)
    values.update(fast)
    for anchor in blocked:
        values[anchor] = SPILL
    circular = []
    for ws in book.worksheets:  # a formula cell the engine left without a value sits on a cycle
        for anchor_ref, _ in ws.array_formulae.items():
            if (ws.title, anchor_ref) not in values:
                circular.append(f"{ws.title}!{anchor_ref}")
        circular += [f"{ws.title}!{c.coordinate}" for c in sheet_cells(ws)
                     if isinstance(c.value, str) and c.value.startswith("=") and (ws.title, c.coordinate) not in values]
    for ref in circular:
        sheet, cell = ref.rsplit("!", 1)
        values[(sheet, cell)] = 0  # what Excel shows for a circular reference it cannot iterate
    order = {title: i for i, title in enumerate(book.sheetnames)}
    errors = [f"{s}!{r}: {v}" for (s, r), v in sorted(values.items(), key=lambda kv: (
                  order.get(kv[0][0], 0), coordinate_to_tuple(kv[0][1])))
              if isinstance(v, str) and (v.strip().upper() in EXCEL_ERRORS
                                         or v.startswith((INPUT_ERROR_PREFIX, BUG_PREFIX)))]
    names: dict[str, Any] = {}
    shown_as: dict[str, tuple[str, str]] = {}
    for name, defined in book.defined_names.items():
        if name.startswith("Result_"):
            sheet, ref = next(iter(defined.destinations))
            names[name] = values.get((sheet, ref.replace("$", "")))
            shown_as[name] = _label_and_format(book[sheet], ref.replace("$", ""), name)
    return Recalculation(values, names, errors, spills, [*blocked.values(), *truncated], circular, external,
                         package.has_vba, book, shown_as)


def _save_with(book: Workbook, cells: dict[tuple[str, str], Any], target: Path) -> None:
    """Save the workbook to ``target`` with the given cells replaced — a formula by its value, or a
    spilling formula by an array formula over its area — and put the originals back in ``book`` (it
    is read once, not again for each copy the engine evaluates)."""
    before = {key: book[key[0]][key[1]].value for key in cells}
    try:
        for (sheet, ref), value in cells.items():
            cell = book[sheet][ref]
            cell.value = float(value) if isinstance(value, float) else value
            if isinstance(value, str):
                cell.data_type = "s"
        book.save(target)
    finally:
        for (sheet, ref), original in before.items():
            book[sheet][ref].value = original


def _truncated(book: Workbook, shapes: dict[tuple[str, str], tuple[int, int]],
               spilling: set[tuple[str, str]]) -> list[str]:
    """Fixed array formulas whose result is larger than their range (Excel shows its top-left part)."""
    notes = []
    for ws in book.worksheets:
        for anchor, area in ws.array_formulae.items():
            if (ws.title, anchor) in spilling:
                continue
            shape = shapes.get((ws.title, anchor))
            area = area if ":" in area else f"{area}:{area}"
            c1, r1, c2, r2 = range_boundaries(area)
            rows, cols = r2 - r1 + 1, c2 - c1 + 1
            if shape and (shape[0] > rows or shape[1] > cols):
                notes.append(f"{ws.title}!{area}: the result is {shape[0]}x{shape[1]} but the array formula "
                             f"covers {rows}x{cols}; only its top-left part shows (enlarge the range, or enter "
                             f"the formula in one cell to spill)")
    return notes


def _values(solution: Any, titles: dict[str, str]) -> dict[tuple[str, str], Any]:
    values: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        match = CELL_KEY.match(str(key))
        if not match or match["sheet"].upper() not in titles:
            continue
        sheet = titles[match["sheet"].upper()]
        first = match["ref"].split(":")[0]
        col = re.match(r"[A-Z]+", first).group(0)  # type: ignore[union-attr]
        row = int(first[len(col):])
        data = np.atleast_2d(getattr(ranges, "value", ranges))
        for i, line in enumerate(data):
            for j, v in enumerate(line):
                ref = f"{get_column_letter(column_index_from_string(col) + j)}{row + i}"
                # a skipped argument an Excel function passed through (IF(TRUE,,1)) is 0 in a cell
                values[(sheet, ref)] = 0 if isinstance(v, Missing) else to_excel(v)
    return values


def write_values(path: Path, out: Path, result: Recalculation, limits: Limits | None = None,
                 replace_input: bool = False) -> None:
    """Copy ``path`` to ``out`` (atomically) with every formula replaced by its computed value, every
    cell of an array or spilled result written, dates as dates and text as text. An .xlsm written
    as .xlsm keeps its VBA project; external link parts are not carried over. ``out`` may be the
    input itself only with ``replace_input`` (--in-place --replace-formulas)."""
    if not replace_input and out.exists() and out.resolve() == path.resolve():
        raise RefusedError("refusing to overwrite the input workbook; pass another -o path or --in-place")
    keep_vba = result.has_vba and out.suffix.lower() == ".xlsm"
    book = result.book if result.book is not None else load_checked(path, limits or Limits(), keep_vba=keep_vba)
    result.book = None  # written into once: a second write reads the file again
    if not keep_vba and book.vba_archive is not None:
        book.vba_archive.close()
        book.vba_archive = None
    book._external_links = []  # nothing from another file goes into the copy
    for (sheet, ref), value in result.values.items():
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        if value is None and coordinate_to_tuple(ref) not in ws._cells:
            continue  # an empty cell a formula reads: nothing to write
        cell = ws[ref]
        is_formula = isinstance(cell.value, ArrayFormula) or (
            isinstance(cell.value, str) and cell.value.startswith("="))
        if not is_formula and cell.value is not None:
            continue  # nothing the user typed is overwritten
        if isinstance(value, float) and _is_date(value, cell.number_format):
            value = dt.datetime.combine(EXCEL_EPOCH + dt.timedelta(days=int(value)), dt.time())
            if not is_date_format(cell.number_format):
                cell.number_format = DATE_FORMAT
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, whatever it starts with ("=", "+", "@")
    try:
        write_atomically(out, lambda tmp: book.save(tmp))
    finally:
        if book.vba_archive is not None:
            book.vba_archive.close()


def _is_date(value: float, number_format: str) -> bool:
    """A number that is a date: one a function returned, or a serial in a date-formatted cell."""
    return isinstance(value, DateSerial) or (is_date_format(number_format) and 1 <= value < 2_958_466)


#: Text results that report a condition rather than a number (listed apart in the summary).
CONDITION_PREFIXES = ("lapsed", "not applicable")


def _label_and_format(ws: Any, ref: str, name: str) -> tuple[str, str]:
    """The label of a named result as the sheet shows it: the text in column A of its row (and,
    for a result right of column B, the column's heading above it), and the cell's number format."""
    row, col = coordinate_to_tuple(ref)
    label = ws.cell(row, 1).value
    text = label.strip() if isinstance(label, str) and not label.startswith("=") else name.removeprefix("Result_")
    right = ws.cell(row, col + 1).value
    if col > 2 or (isinstance(right, str) and right.startswith("=")):  # a block of results side by side
        for r in range(row - 1, max(0, row - 20), -1):
            head = ws.cell(r, col).value
            if isinstance(head, str) and not head.startswith("="):
                text = f"{text}, {head.strip()}"
                break
    return text, ws.cell(row, col).number_format or "General"


def shown(value: Any, number_format: str) -> str:
    """A result as its cell's number format shows it: dates ISO, percentages, whole numbers with
    thousands separators, amounts with two decimals."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        if _is_date(value, number_format):
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        fmt = number_format.split(";")[0]
        decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
        if "%" in fmt:
            return f"{value:.{decimals}%}"
        if fmt.startswith("#,##0") or fmt == "0":
            return f"{value:,.{decimals}f}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"
    return str(value)


def summary(result: Recalculation) -> str:
    """The named results, one per line: the workbook's own label, the value as its cell shows it;
    then the text results that report a condition (an APM obligation that lapsed, ...)."""
    labels = {n: result.shown_as.get(n, (n.removeprefix("Result_"), "General")) for n in result.names}
    width = max((len(label) for label, _ in labels.values()), default=0)
    lines = [f"  {labels[n][0]:<{width}}  {shown(v, labels[n][1])}" for n, v in result.names.items()]
    conditions = [f"  {labels[n][0]}: {v}" for n, v in result.names.items()
                  if isinstance(v, str) and v.strip().lower().startswith(CONDITION_PREFIXES)]
    if conditions:
        lines += ["Conditions reported by the functions:", *conditions]
    return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    """What ``trups-xl recalc`` was asked to do."""

    output: Path | None = None
    replace_formulas: bool = False
    allow_circular: bool = False
    limits: Limits = field(default_factory=Limits)


def main_recalc(path: Path, options: Options) -> int:
    """The ``recalc`` command: 0 when every cell has a value, 1 when some cells hold errors (or
    circular references), 2 when the input or the output is refused."""
    try:
        target = path if options.replace_formulas else (
            options.output or path.with_name(path.stem + ".values" + path.suffix))
        if not options.replace_formulas:
            check_output(path, target)
        result = recalculate(path, progress=lambda m: print(f"[recalc] {m}", file=sys.stderr),
                             limits=options.limits)
        if result.has_vba and target.suffix.lower() != ".xlsm":
            print(f"Notice: {path.name} has a VBA project; {target.name} is written without it (.xlsx)")
        try:
            write_values(path, target, result, options.limits, replace_input=options.replace_formulas)
        except OSError as exc:
            raise RefusedError(f"could not write {target}: {exc.strerror or exc}") from None
    except RefusedError as exc:
        print(f"trups-xl: {exc}", file=sys.stderr)
        return 2
    print(f"Recalculated {path} -> {target}")
    print(summary(result))
    if result.spills:
        print(f"Spilled tables: {len(result.spills)} ("
              + ", ".join(f"{s}!{area}" for (s, _), area in result.spills.items()) + ")")
    if result.external:
        print("External references not read (they show #REF!): " + ", ".join(result.external))
    if result.notices:
        print("Notices:\n  " + "\n  ".join(result.notices))
    if result.circular:
        print("Circular references (shown as 0, as Excel does): " + ", ".join(result.circular))
    if result.errors:
        print(f"Cells with errors: {len(result.errors)}\n  " + "\n  ".join(result.errors))
    failed = bool(result.errors) or (bool(result.circular) and not options.allow_circular)
    return 1 if failed else 0

