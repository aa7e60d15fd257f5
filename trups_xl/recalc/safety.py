"""A workbook someone else sent, checked before anything reads it; the output checked before anything
is computed.

Every refusal is a :class:`RefusedError` with one line saying what is wrong and what is accepted; the
command prints it and exits 2. Limits (with flags to raise them) are checked on the zip package
before any part is parsed, and on each sheet's cells while its part is scanned
(:mod:`trups_xl.recalc.package`), so a zip bomb or a sheet spanning A1:XFD1048576 is refused in
milliseconds, before the formula engine holds anything.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from trups_xl.atomic import write_atomically

__all__ = ["Limits", "Package", "RefusedError", "check_formula", "check_output", "check_package", "check_titles",
           "nesting", "write_atomically"]

#: Start of an OLE2 compound file: what Excel writes for a password-protected workbook (and .xls).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIB = 2**20
#: Excel's own limits on a formula and a sheet (Excel specifications and limits).
EXCEL_FORMULA_LENGTH = 8192
EXCEL_NESTING_LEVELS = 64
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


class RefusedError(Exception):
    """Input the command will not read or output it will not write: one line, exit code 2."""


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold; each has a ``trups-xl recalc`` flag."""

    max_uncompressed_mb: float = 256.0  # --max-uncompressed-mb: all parts of the package, unzipped
    max_cells: int = 5_000_000  # --max-cells: the used range of each sheet (rows x columns)
    #: --max-formulas: formula cells in the whole workbook; the engine holds about 1 KB per formula
    max_formulas: int = 1_000_000


@dataclass(frozen=True)
class Package:
    """What the zip package says before it is parsed."""

    has_vba: bool
    external_link_parts: int


def check_package(path: Path, limits: Limits) -> Package:
    """Refuse what is not a readable .xlsx/.xlsm package within the limits."""
    if not path.exists():
        raise RefusedError(f"no such workbook: {path}")
    if path.is_dir():
        raise RefusedError(f"{path} is a directory; expected an .xlsx or .xlsm workbook")
    if not stat.S_ISREG(path.stat().st_mode):
        raise RefusedError(f"{path} is not a regular file; expected an .xlsx or .xlsm workbook")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE2_MAGIC:
        raise RefusedError(f"{path} is password-protected (encrypted) or a legacy .xls; save a copy without a "
                           "password as .xlsx and recalculate that")
    if not zipfile.is_zipfile(path):
        raise RefusedError(f"{path} is not an .xlsx/.xlsm workbook (not a zip package, or truncated)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RefusedError(f"{path} is a damaged zip package ({exc})") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise RefusedError(f"{path} is a zip file but not an Excel workbook (no xl/workbook.xml)")
    if any(i.flag_bits & 0x1 for i in infos):
        raise RefusedError(f"{path} has encrypted parts; save a copy without a password")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * MIB:
        raise RefusedError(f"{path} unzips to {total / MIB:,.0f} MB, over the {limits.max_uncompressed_mb:,.0f} MB "
                           "limit (raise it with --max-uncompressed-mb)")
    return Package(has_vba="xl/vbaProject.bin" in names,
                   external_link_parts=sum(n.startswith("xl/externalLinks/") for n in names))


def nesting(formula: str) -> int:
    """Deepest parenthesis nesting of a formula, ignoring text in double quotes and sheet names in
    single quotes."""
    depth = deepest = 0
    quote = ""
    for ch in formula:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def check_formula(where: str, text: str) -> None:
    """Refuse a formula Excel itself could not hold: longer than 8,192 characters or nested
    deeper than 64 levels (Excel's specifications and limits)."""
    if len(text) > EXCEL_FORMULA_LENGTH:
        raise RefusedError(f"{where}: the formula has {len(text):,} characters; Excel allows "
                           f"{EXCEL_FORMULA_LENGTH:,}")
    # only a formula with more opening parentheses than the limit can nest deeper than it
    depth = nesting(text) if text.count("(") > EXCEL_NESTING_LEVELS else 0
    if depth > EXCEL_NESTING_LEVELS:
        raise RefusedError(f"{where}: the formula nests {depth:,} levels of parentheses; Excel allows "
                           f"{EXCEL_NESTING_LEVELS}")


#: What Excel forbids in a sheet name (Excel's rules for renaming a worksheet).
FORBIDDEN_IN_TITLES = frozenset("[]:*?/\\")
MAX_TITLE_LENGTH = 31


def check_titles(titles: list[str]) -> None:
    """Refuse sheet names Excel forbids — empty, longer than 31 characters, holding any of
    ``[]:*?/\\``, starting or ending with an apostrophe, "History", or the same name twice (any
    case): the values copy keeps the names, and Excel would not open it."""
    seen: set[str] = set()
    for title in titles:
        shown = title[:40]
        problem = ("is empty" if not title else
                   f"is {len(title)} characters long (Excel allows {MAX_TITLE_LENGTH})" if len(title) > MAX_TITLE_LENGTH
                   else "holds a character Excel forbids ([]:*?/\\)" if FORBIDDEN_IN_TITLES & set(title)
                   else "starts or ends with an apostrophe" if title[0] == "'" or title[-1] == "'"
                   else "is History, a name Excel reserves" if title.casefold() == "history"
                   else "names two sheets (Excel ignores case)" if title.casefold() in seen else None)
        if problem:
            raise RefusedError(f"sheet name {shown!r} {problem}; Excel could not open a copy with it (rename the sheet)")
        seen.add(title.casefold())


def check_output(source: Path, target: Path) -> None:
    """Refuse an output that is a directory, not a regular file (a FIFO, a device), the input itself
    (same file: hard links and symlinks included) or in a folder that does not exist or that we
    cannot write — before anything is computed, and without creating anything."""
    if target.is_dir():
        raise RefusedError(f"{target} is a directory; give a file name for the values copy (-o OUT.xlsx)")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise RefusedError(f"{target} exists and is not a regular file (a device, FIFO or socket); "
                           "give the path of an .xlsx file to write")
    if target.exists() and os.path.samefile(source, target):
        raise RefusedError(f"{target} is the input workbook itself (same file); write the values to another file, "
                           "or use --in-place --replace-formulas")
    folder = target.parent
    if not folder.is_dir():
        raise RefusedError(f"no such folder for the output: {folder} (create it first)")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".trups-xl-probe-")
    except OSError as exc:
        raise RefusedError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)
