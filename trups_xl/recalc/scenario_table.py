"""The scenario table and the outputs: what each scenario sets and what is read back.

A scenario table (CSV, or a sheet of an .xlsx) has a first column ``scenario`` naming each row and
one column per input, headed by a defined name (``Shift``) or a cell (``Inputs!B2``), holding the
value the scenario sets (an empty cell keeps the model's own value). Outputs are defined names or
cells, ranges allowed. The table is untrusted input: its size is bounded and anything it cannot be
read as is refused in one line naming the row and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trups_xl.excel.convert import FIRST_SERIAL_DATE, excel_serial
from trups_xl.recalc.safety import Limits, RefusedError, check_package

#: Bounds on a scenario table (it is untrusted input like the workbooks).
MAX_TABLE_BYTES = 16 * 2**20
MAX_SCENARIOS = 100_000
MAX_INPUT_COLUMNS = 256
MAX_TEXT = 1_000
#: Bounds on the outputs: names given, and cells one output's range may span.
MAX_OUTPUTS = 256
MAX_OUTPUT_CELLS = 10_000

_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")
_NAME = re.compile(r"^[A-Za-z_\\][\w.\\]*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?$")
#: A date, with a time of day or not (``2012-03-21``, ``2012-03-21 14:30``, seconds optional: an .xlsx table's
#: date-time cell as read).
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$")


@dataclass(frozen=True)
class Scenario:
    """One row of the table: its name, its line in the file and the inputs it sets (header -> value)."""

    name: str
    row: int
    inputs: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class ScenarioTable:
    """The scenario table as read: input headers in order and the scenarios."""

    source: str
    inputs: tuple[str, ...]
    scenarios: tuple[Scenario, ...]


#: The one scenario of a batch run without a table: the model as it is.
BASE = Scenario("base", 0, ())


def _refuse(source: str, row: int | None, column: str | None, what: str) -> RefusedError:
    where = source + (f", row {row}" if row is not None else "") + (f", column {column!r}" if column else "")
    return RefusedError(f"{where}: {what}")


class Day(float):
    """A table's ``YYYY-MM-DD`` date: its Excel serial (equal to it; the journal keys it apart from the number),
    set into the model as a date, as one typed into a cell is (so that ``=A1+30`` on it is a date)."""

    __slots__ = ()


def parse_value(text: str, source: str, row: int, column: str) -> Any:
    """A table cell as the value set into the model: a number (``5%`` is 0.05), a date (``YYYY-MM-DD``, or
    ``YYYY-MM-DD HH:MM[:SS]`` with its time of day as the serial's fraction: a :class:`Day`, from 1900-03-01 on),
    TRUE/FALSE, or text; an empty cell is None (the model's own value is kept). An earlier date is refused:
    Excel's serials before 1900-03-01 count its 1900-02-29 (1900-01-15 is 15, not 16), and its serial, and a
    date the engine works out from it, would be a day off in the values copy, whose dates count from
    1900-03-01 (:func:`~trups_xl.excel.convert.date_to_serial`)."""
    text = text.strip()
    if text == "":
        return None
    if len(text) > MAX_TEXT:
        raise _refuse(source, row, column, f"the value has {len(text):,} characters; at most {MAX_TEXT:,} are read")
    if text.startswith("="):
        raise _refuse(source, row, column, f"{text[:40]!r} is a formula; a scenario sets values (numbers, "
                      "YYYY-MM-DD dates, TRUE/FALSE or text)")
    if _NUMBER.match(text):
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        if not math.isfinite(value):
            raise _refuse(source, row, column, f"{text!r} is not a finite number")
        return value
    if _ISO_DATE.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _refuse(source, row, column, f"{text!r} is not a date (YYYY-MM-DD, or YYYY-MM-DD HH:MM:SS)") from None
        day = moment.date()
        if day < FIRST_SERIAL_DATE:  # Excel's serials before it count a 1900-02-29 that never was
            raise _refuse(source, row, column, f"{text!r} is before {FIRST_SERIAL_DATE}: a scenario's dates start "
                          "there (Excel's serials before it count a 1900-02-29 that never was)")
        if moment.microsecond:  # the engine holds a date-time's whole seconds: a fraction would be lost there (and
            # the double of 9999-12-31 23:59:59.999999 rounds into year 10000)
            raise _refuse(source, row, column, f"{text!r} has a fraction of a second; a scenario's times are read to "
                          "the second (YYYY-MM-DD HH:MM:SS)")
        return Day(excel_serial(moment))  # whole seconds: 9999-12-31 23:59:59 stays in Excel's last day
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    return text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):  # a date cell; its time of day kept where it has one (not midnight)
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time | dt.timedelta):  # a time or a duration cell: Excel's number for it
        return repr(excel_serial(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _rows_from_csv(path: Path) -> Iterator[list[str]]:
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise RefusedError(f"{path}: the scenario table is {size / 2**20:,.1f} MB; at most "
                           f"{MAX_TABLE_BYTES // 2**20} MB are read")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefusedError(f"{path}: the scenario table is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") \
            from None
    if "\x00" in text:
        raise RefusedError(f"{path}: the scenario table holds NUL bytes; expected CSV text")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise RefusedError(f"{path}: not a readable CSV table ({exc})") from None


def _rows_from_xlsx(path: Path, sheet: str | None) -> Iterator[list[str]]:
    import openpyxl

    check_package(path, Limits(max_uncompressed_mb=MAX_TABLE_BYTES * 4 / 2**20))
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RefusedError(f"{path}: the scenario workbook could not be read ({type(exc).__name__})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise RefusedError(f"{path}: no sheet {sheet!r} (it has: {', '.join(book.sheetnames)[:200]})")
        for values in ws.iter_rows(values_only=True, max_col=MAX_INPUT_COLUMNS + 2):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def read_table(path: Path, sheet: str | None = None) -> ScenarioTable:
    """Read a scenario table: CSV (UTF-8), or the first sheet (or ``sheet``) of an .xlsx.

    Raises
    ------
    RefusedError
        One line naming the file, the row and the column, and what is accepted.
    """
    if not path.is_file():
        raise RefusedError(f"no such scenario table: {path} (a .csv file, or an .xlsx with --scenario-sheet)")
    source = path.name
    rows = _rows_from_xlsx(path, sheet) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_from_csv(path)
    header: list[str] | None = None
    scenarios: list[Scenario] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(rows, start=1):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            while header and header[-1] == "":
                header.pop()
            _check_header(source, header)
            continue
        if len(scenarios) >= MAX_SCENARIOS:
            raise _refuse(source, line, None, f"more than {MAX_SCENARIOS:,} scenarios; split the table")
        if any(c.strip() for c in cells[len(header):]):
            raise _refuse(source, line, None, f"the row has values past the {len(header)} headed columns")
        name = cells[0].strip()
        if not name:
            raise _refuse(source, line, "scenario", "the scenario has no name")
        if len(name) > 100:
            raise _refuse(source, line, "scenario", "the name is longer than 100 characters")
        if name in seen:
            raise _refuse(source, line, "scenario", f"{name!r} is also the name of row {seen[name]}; names are unique")
        seen[name] = line
        inputs = tuple((column, parse_value(text, source, line, column))
                       for column, text in zip(header[1:], cells[1:], strict=False))
        scenarios.append(Scenario(name, line, tuple((c, v) for c, v in inputs if v is not None)))
    if header is None or not scenarios:
        raise RefusedError(f"{source}: the scenario table has no scenarios (a header row 'scenario,INPUT,...' "
                           "and one row per scenario)")
    return ScenarioTable(source, tuple(header[1:]), tuple(scenarios))


def _check_header(source: str, header: list[str]) -> None:
    if not header or header[0].lower() != "scenario":
        raise _refuse(source, 1, header[0] if header else None,
                      "the first column must be headed 'scenario' (then one column per input)")
    if len(header) - 1 > MAX_INPUT_COLUMNS:
        raise _refuse(source, 1, None, f"{len(header) - 1:,} input columns; at most {MAX_INPUT_COLUMNS} are read")
    seen: set[str] = set()
    for column in header[1:]:
        if not column:
            raise _refuse(source, 1, None, "an input column has no heading (a defined name or Sheet!A1)")
        if not (_NAME.match(column) or _CELL.match(column)) or ":" in column:
            raise _refuse(source, 1, column, "an input is headed by a defined name (Shift) or one cell (Inputs!B2)")
        if column.upper() in seen:
            raise _refuse(source, 1, column, "the input appears twice")
        seen.add(column.upper())


def parse_outputs(text: str | Sequence[str]) -> tuple[str, ...]:
    """The outputs asked for: defined names or cells/ranges (``Summary!B2``, ``Summary!B2:B6``), comma-separated."""
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    parts = [p for p in parts if p]
    if not parts:
        raise RefusedError("--outputs: give at least one defined name or cell (e.g. Result_Total,Summary!B2)")
    if len(parts) > MAX_OUTPUTS:
        raise RefusedError(f"--outputs: {len(parts):,} outputs; at most {MAX_OUTPUTS} are read")
    for p in parts:
        if not (_NAME.match(p) or _CELL.match(p)):
            raise RefusedError(f"--outputs: {p[:60]!r} is neither a defined name nor a cell or range like Summary!B2:B6")
    return tuple(dict.fromkeys(parts))


@dataclass(frozen=True)
class Area:
    """A resolved reference: a sheet and a rectangle of cells."""

    sheet: str
    first: tuple[int, int]
    last: tuple[int, int]

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.first[0], self.last[0] + 1):
            for c in range(self.first[1], self.last[1] + 1):
                yield r, c

    @property
    def size(self) -> int:
        return (self.last[0] - self.first[0] + 1) * (self.last[1] - self.first[1] + 1)


def resolve(reference: str, titles: Sequence[str], names: dict[str, tuple[str | None, str]]) -> Area:
    """A defined name or ``Sheet!A1[:B2]`` as an area of the workbook; a :class:`LookupError` says why not."""
    from trups_xl.recalc.addresses import column_number

    text = reference
    if _NAME.match(reference) and not _CELL.match(reference):
        found = next(((n, t) for n, (local, t) in names.items() if n.upper() == reference.upper() and local is None),
                     None) or next(((n, t) for n, (_l, t) in names.items() if n.upper() == reference.upper()), None)
        if found is None:
            raise LookupError(f"the workbook has no defined name {reference!r}")
        text = found[1].removeprefix("=")
    match = _CELL.match(text.strip())
    if not match:
        raise LookupError(f"{reference!r} refers to {text[:60]!r}, not a cell or range of one sheet")
    sheet = (match[1] or match[2] or "").replace("''", "'")
    title = next((t for t in titles if t.upper() == sheet.upper()), None)
    if title is None:
        raise LookupError(f"the workbook has no sheet {sheet!r}")
    r1, c1 = int(match[4]), column_number(match[3].upper())
    r2, c2 = (int(match[6]), column_number(match[5].upper())) if match[5] else (r1, c1)
    if not (1 <= r1 <= 1_048_576 and 1 <= r2 <= 1_048_576 and c1 <= 16_384 and c2 <= 16_384):
        raise LookupError(f"{reference!r} is outside a sheet (rows 1 to 1,048,576, columns A to XFD)")
    area = Area(title, (min(r1, r2), min(c1, c2)), (max(r1, r2), max(c1, c2)))
    if area.size > MAX_OUTPUT_CELLS:
        raise LookupError(f"{reference!r} spans {area.size:,} cells; at most {MAX_OUTPUT_CELLS:,} are read")
    return area
