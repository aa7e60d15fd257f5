"""Hostile packages generated here, small and on the fly: a zip header that under-states its sheet
(memory is bounded by the bytes actually inflated) and a damaged part the writer meets (a refusal
naming the part, exit 2, nothing written)."""

import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import CLI_WITH_OWN_PEAK, write_book  # noqa: E402

from trups_xl.recalc.package import read_part  # noqa: E402
from trups_xl.recalc.safety import RefusedError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
MIB = 2**20


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip package written by hand: (name, raw deflate stream, CRC-32, declared uncompressed size)
    per part, the declared size in both the local header and the central directory."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def _deflate(body: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(body) + packer.flush()


def lying_book(path: Path, sheet_mb: int = 800, claimed: int = 20_000) -> Path:
    """A workbook of about 1 MB whose sheet inflates to ``sheet_mb`` MB (a valid sheet padded with
    blanks) while its zip headers say ``claimed`` bytes. The padding's deflate block is made once and
    repeated (a full flush resets the window, so every megabyte deflates to the same bytes)."""
    write_book(path, {"A1": "=1+1"})
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><f>1+1</f></c></row>')
    tail, blanks = b"</sheetData></worksheet>", b" " * MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(blanks) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = start + block * sheet_mb + packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(sheet_mb):
        crc = zlib.crc32(blanks, crc)
    entries = [(name, _deflate(body), zlib.crc32(body), len(body)) for name, body in parts.items() if name != SHEET]
    entries.append((SHEET, stream, zlib.crc32(tail, crc), claimed))
    path.write_bytes(_raw_zip(entries))
    return path


def _recalc_in_child(book: Path, out: Path) -> tuple[int, str, float]:
    """``trups-xl recalc`` in a child process: its exit code, stderr and its own peak resident memory in MB
    (the whole interpreter, imports included; not the peak of this process before the child's exec)."""
    peak_file = out.with_name(out.name + ".peak")
    run = subprocess.run([sys.executable, "-c", CLI_WITH_OWN_PEAK, str(peak_file), "recalc", str(book), "-o", str(out)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak_kib = int(peak_file.read_text())
    peak_file.unlink()
    return run.returncode, run.stderr, peak_kib * 1024 / MIB


def _refusal(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if not line.startswith("[recalc] ")]
    assert len(lines) == 1 and lines[0].startswith("trups-xl: "), err
    return lines[0]


def test_a_header_that_understates_an_800_mb_sheet_is_refused_within_400_mb(tmp_path):
    book = lying_book(tmp_path / "lying.xlsx")
    assert book.stat().st_size < 1.2 * MIB
    with zipfile.ZipFile(book) as package:
        assert package.getinfo(SHEET).file_size == 20_000  # the header's claim
    code, err, peak_mb = _recalc_in_child(book, tmp_path / "out.xlsx")
    line = _refusal(err)
    assert code == 2 and SHEET in line and "damaged" in line, err
    assert peak_mb < 400, f"peak resident memory {peak_mb:.0f} MB"
    assert not (tmp_path / "out.xlsx").exists()


def test_the_part_reader_stops_at_its_limit_whatever_the_header_says(tmp_path):
    book = lying_book(tmp_path / "lying.xlsx", sheet_mb=8, claimed=64 * MIB)  # over-claims: reads on
    with zipfile.ZipFile(book) as package:
        with pytest.raises(RefusedError, match=f"part {SHEET} inflates to more than 4 MB"):
            read_part(package, SHEET, 4 * MIB)
        assert len(read_part(package, "xl/workbook.xml", 4 * MIB)) > 0


def _flip(book: Path, part: str) -> Path:
    """``book`` with bytes flipped in the middle of ``part``'s compressed data."""
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as package:
        info = package.getinfo(part)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    for k in range(start + info.compress_size // 2, start + info.compress_size // 2 + 16):
        data[k] ^= 0xA5
    book.write_bytes(bytes(data))
    return book


def test_a_corrupt_theme_is_one_line_exit_2_and_no_output(tmp_path):
    book = _flip(write_book(tmp_path / "theme.xlsx", {"A1": "=1+1", "A2": "=TRUPS_CLAIM_LIMIT(10)"}),
                 "xl/theme/theme1.xml")
    before = book.read_bytes()
    code, err, _ = _recalc_in_child(book, tmp_path / "out.xlsx")
    line = _refusal(err)
    assert code == 2 and "xl/theme/theme1.xml" in line, err
    assert {p.name for p in tmp_path.iterdir()} == {"theme.xlsx"}  # no output, no temporary file
    assert book.read_bytes() == before


@pytest.mark.parametrize("part", ["xl/styles.xml", SHEET, "[Content_Types].xml", "docProps/app.xml"])
def test_any_damaged_part_is_a_refusal_naming_it(tmp_path, part):
    from trups_xl.cli import main

    book = _flip(write_book(tmp_path / "book.xlsx", {"A1": "=1+1"}), part)
    code = main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")])
    assert code == 2 and not (tmp_path / "out.xlsx").exists()


def _retitle(book: Path, title: str) -> Path:
    """``book`` with its one sheet renamed to ``title`` in xl/workbook.xml (openpyxl refuses to)."""
    with zipfile.ZipFile(book) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    escaped = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Sheet"', f'name="{escaped}"'.encode())
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in parts.items():
            package.writestr(name, body)
    return book


@pytest.mark.parametrize("title", ["a/b", "a[1]", "q?", "x:y", "star*", "back\\slash", "", "History", "history",
                                   "x" * 32, "'quoted'"])
def test_a_sheet_name_excel_forbids_is_refused_before_anything_is_written(tmp_path, capsys, title):
    from trups_xl.cli import main

    book = _retitle(write_book(tmp_path / "book.xlsx", {"A1": "=1+1"}), title)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "sheet name" in _refusal(capsys.readouterr().err)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_31_character_name_with_spaces_and_unicode_is_kept(tmp_path):
    from trups_xl.cli import main

    title = "Résumé & notes (2012) – Q1 ok."[:31]
    book = _retitle(write_book(tmp_path / "book.xlsx", {"A1": "=1+1"}), title)
    assert main(["recalc", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    copy = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert copy.sheetnames == [title] and copy[title]["A1"].value == 2
