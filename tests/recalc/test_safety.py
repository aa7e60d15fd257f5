"""Hostile and broken workbooks: one line, exit code 2 (or 1 for error cells), the input untouched,
no partial file left. Each case is a small file generated here."""

import os
import zipfile
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import write_book  # noqa: E402

from trups_xl.cli import main  # noqa: E402
from trups_xl.recalc.safety import Limits, RefusedError, nesting, write_atomically  # noqa: E402


def _run(args, capsys):
    code = main(["recalc", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line_refusal(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("trups-xl")]  # besides progress lines
    assert len(lines) == 1 and lines[0].startswith("trups-xl: "), err
    assert "Traceback" not in err
    return lines[0]


def _no_leftovers(folder: Path, allowed: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} <= allowed, sorted(p.name for p in folder.iterdir())


@pytest.fixture()
def plain(tmp_path) -> Path:
    return write_book(tmp_path / "in.xlsx", {"A1": 2, "B1": "=A1*3"})


# ---- the input is never touched ----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["same", "hardlink", "symlink"])
def test_an_output_that_is_the_input_is_refused_before_computing(plain, tmp_path, capsys, kind):
    before = plain.read_bytes()
    out = tmp_path / "out.xlsx"
    if kind == "same":
        out = plain
    elif kind == "hardlink":
        os.link(plain, out)
    else:
        out.symlink_to(plain)
    code, _printed, err = _run([plain, "-o", out], capsys)
    assert code == 2 and "is the input workbook itself" in _one_line_refusal(err)
    assert "[recalc] evaluating" not in err  # refused before any computing
    assert plain.read_bytes() == before and out.read_bytes() == before


def test_a_failed_write_leaves_no_file_and_the_input_intact(plain, tmp_path, capsys, monkeypatch):
    before = plain.read_bytes()

    from trups_xl.recalc import writer

    real = writer._rewrite_streamed

    def full_disk(*args):  # the sheet rewritten into its temporary file, then the disk full
        real(*args).close()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_rewrite_streamed", full_disk)
    code, _, err = _run([plain, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and "No space left on device" in _one_line_refusal(err) and "Exception ignored" not in err
    _no_leftovers(tmp_path, {"in.xlsx"})
    code, _, err = _run([plain, "--in-place", "--replace-formulas"], capsys)
    assert code == 2 and "No space left on device" in _one_line_refusal(err)
    assert plain.read_bytes() == before
    _no_leftovers(tmp_path, {"in.xlsx"})


def test_write_atomically_removes_its_temporary_file(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        write_atomically(target, lambda p: (p.write_bytes(b"half"), (_ for _ in ()).throw(ValueError("boom"))))
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


# ---- one line for every bad input ---------------------------------------------------------------

def _not_zip(p: Path) -> Path:
    p.write_bytes(b"just some text, not a workbook\n")
    return p


def _truncated(p: Path) -> Path:
    write_book(p, {"A1": 1})
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def _encrypted(p: Path) -> Path:
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return p


def _broken_xml(p: Path) -> Path:
    good = write_book(p.with_name("good.xlsx"), {"A1": 1})
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(p, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v>"
            zout.writestr(item, data)
    good.unlink()
    return p


def _deep(p: Path) -> Path:
    return write_book(p, {"A1": "=" + "(" * 4_000 + "1" + ")" * 4_000})


def _deeper(p: Path) -> Path:
    return write_book(p, {"A1": "=" + "(" * 10_000 + "1" + ")" * 10_000})


def _long(p: Path) -> Path:
    return write_book(p, {"A1": "=" + "+".join(["1"] * 5000)})


def _huge_span(p: Path) -> Path:
    return write_book(p, {"A1": 1, "XFD1048576": 2})


def _bomb(p: Path) -> Path:
    good = write_book(p.with_name("good.xlsx"), {"A1": 1})
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        with zout.open("xl/media/padding.bin", "w") as handle:  # 300 MB of zeros: about 300 KB zipped
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                handle.write(chunk)
    good.unlink()
    return p


@pytest.mark.parametrize(("make", "expected"), [
    (_not_zip, "is not an .xlsx/.xlsm workbook"),
    (_truncated, "is not an .xlsx/.xlsm workbook (not a zip package, or truncated)"),
    (_encrypted, "is password-protected (encrypted)"),
    (_broken_xml, "could not be read as a workbook"),
    (_deep, "nests 4,000 levels of parentheses; Excel allows 64"),
    (_deeper, "the formula has 20,002 characters; Excel allows 8,192"),
    (_long, "characters; Excel allows 8,192"),
    (_huge_span, "spans A1:XFD1048576 (17,179,869,184 cells), over the 5,000,000-cell limit (raise it with --max-cells)"),
    (_bomb, "unzips to 300 MB, over the 256 MB limit (raise it with --max-uncompressed-mb)"),
], ids=["not-zip", "truncated", "encrypted", "broken-xml", "deep", "10000-deep", "long", "XFD1048576", "zip-bomb"])
def test_a_bad_workbook_is_one_line_exit_2(tmp_path, capsys, make, expected):
    path = make(tmp_path / "bad.xlsx")
    before = path.read_bytes()
    code, _printed, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and expected in _one_line_refusal(err)
    assert path.read_bytes() == before
    _no_leftovers(tmp_path, {"bad.xlsx"})


def test_a_directory_and_a_missing_file_are_one_line(tmp_path, capsys):
    code, _, err = _run([tmp_path, "-o", tmp_path / "o.xlsx"], capsys)  # a folder is a batch of its workbooks
    assert code == 2 and "is a folder that holds no .xlsx or .xlsm workbook" in _one_line_refusal(err)
    code, _, err = _run([tmp_path / "nope.xlsx"], capsys)
    assert code == 2 and "no such workbook" in _one_line_refusal(err)


def test_bad_outputs_are_refused_before_computing(plain, tmp_path, capsys):
    (tmp_path / "adir").mkdir()
    code, _, err = _run([plain, "-o", tmp_path / "adir"], capsys)
    assert code == 2 and "is a directory; give a file name" in _one_line_refusal(err)
    code, _, err = _run([plain, "-o", "/sys/out.xlsx"], capsys)  # a place nobody may write, root included
    assert code == 2 and "cannot write in /sys" in _one_line_refusal(err)


def test_a_huge_number_in_a_date_cell_is_written_not_a_traceback(tmp_path, capsys):
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "=10^300"
    ws["A1"].number_format = "yyyy-mm-dd"
    path = tmp_path / "big.xlsx"
    book.save(path)
    before = path.read_bytes()
    code, _, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 0 and "Traceback" not in err and path.read_bytes() == before
    _no_leftovers(tmp_path, {"big.xlsx", "out.xlsx"})
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:  # the number, in its date-formatted cell
        assert b"<v>1e+300</v>" in archive.read("xl/worksheets/sheet1.xml")


def test_the_formula_limit_bounds_the_engines_memory(tmp_path, capsys):
    path = write_book(tmp_path / "f.xlsx", {f"A{r}": f"=ROW()*{r}" for r in range(1, 12)})
    code, _, err = _run([path, "-o", tmp_path / "o.xlsx", "--max-formulas", "10"], capsys)
    assert code == 2 and "holds more than 10 formulas" in _one_line_refusal(err) and "--max-formulas" in err
    code, _, _ = _run([path, "-o", tmp_path / "o.xlsx", "--max-formulas", "11"], capsys)
    assert code == 0


def test_limits_can_be_raised(tmp_path, capsys):
    path = write_book(tmp_path / "wide.xlsx", {"A1": 1, "J1000": 2})  # 10,000 cells in the used range
    code, _, err = _run([path, "-o", tmp_path / "o.xlsx", "--max-cells", "9999"], capsys)
    assert code == 2 and "over the 9,999-cell limit" in _one_line_refusal(err)
    code, _, _ = _run([path, "-o", tmp_path / "o.xlsx", "--max-cells", "10000"], capsys)
    assert code == 0


# ---- nothing outside the workbook is read ------------------------------------------------------

@pytest.fixture()
def other_file(tmp_path) -> Path:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    return write_book(secret / "other.xlsx", {"A1": "SECRET-4242"}, sheet="Data")


@pytest.mark.parametrize("reference", ["'{dir}/[other.xlsx]Data'!A1", "'../elsewhere/[other.xlsx]Data'!A1"])
def test_an_external_reference_reads_nothing(tmp_path, capsys, other_file, reference):
    work = tmp_path / "work"
    work.mkdir()
    path = write_book(work / "ext.xlsx", {"A1": "=" + reference.format(dir=other_file.parent), "A2": "=1+1"})
    out = tmp_path / "out.xlsx"
    before = path.read_bytes()
    code, printed, err = _run([path, "-o", out], capsys)
    assert code == 1 and "Traceback" not in err and path.read_bytes() == before
    _no_leftovers(work, {"ext.xlsx"})
    assert "External references not read (they show #REF!)" in printed and "other.xlsx" in printed
    values = openpyxl.load_workbook(out)["Sheet"]
    assert values["A1"].value == "#REF!" and values["A2"].value == 2
    with zipfile.ZipFile(out) as archive:
        assert not any(b"SECRET-4242" in archive.read(n) for n in archive.namelist())


# ---- nothing silent ---------------------------------------------------------------------------

def test_circular_references_are_reported(tmp_path, capsys):
    path = write_book(tmp_path / "circ.xlsx", {"A1": "=B1+1", "B1": "=A1+1", "C1": "=1+1"})
    out = tmp_path / "out.xlsx"
    before = path.read_bytes()
    code, printed, _ = _run([path, "-o", out], capsys)
    assert path.read_bytes() == before
    _no_leftovers(tmp_path, {"circ.xlsx", "out.xlsx"})
    assert code == 1 and "Circular references (shown as 0, as Excel does): Sheet!A1, Sheet!B1" in printed
    ws = openpyxl.load_workbook(out)["Sheet"]
    assert (ws["A1"].value, ws["B1"].value, ws["C1"].value) == (0, 0, 2)  # no formula left in the copy
    code, _, _ = _run([path, "-o", out, "--allow-circular"], capsys)
    assert code == 0


def _xlsm(path: Path) -> Path:
    plain = write_book(path.with_suffix(".tmp.xlsx"), {"A1": 2, "B1": "=A1*3"})
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.'
                                    b'microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"VBA-PROJECT-BYTES")
    plain.unlink()
    return path


def test_an_xlsm_keeps_its_vba_or_says_it_is_dropped(tmp_path, capsys):
    path = _xlsm(tmp_path / "macro.xlsm")
    before = path.read_bytes()
    code, printed, _ = _run([path], capsys)  # default output: macro.values.xlsm
    assert code == 0 and path.read_bytes() == before
    _no_leftovers(tmp_path, {"macro.xlsm", "macro.values.xlsm"})
    with zipfile.ZipFile(tmp_path / "macro.values.xlsm") as archive:
        assert archive.read("xl/vbaProject.bin") == b"VBA-PROJECT-BYTES"
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    code, printed, _ = _run([path, "-o", tmp_path / "plain.xlsx"], capsys)
    assert code == 0 and "has a VBA project; plain.xlsx is written without it" in printed
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as archive:
        assert "xl/vbaProject.bin" not in archive.namelist()
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")


# ---- trups-xl call ---------------------------------------------------------------------------

def test_call_with_the_wrong_number_of_arguments_is_a_usage_line(capsys):
    assert main(["call", "TRUPS_ACCRUAL", "2008-12-21"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "usage: trups-xl call TRUPS_ACCRUAL start_date end_date [fixings]" in err
    assert main(["call", "TRUPS_TERMS", "a", "b", "c"]) == 2


def test_nesting_of_nested_function_calls_is_caught(tmp_path, capsys):
    path = write_book(tmp_path / "calls.xlsx", {"A1": "=" + "A(" * 65 + "1" + ")" * 65})  # 197 characters, no "(("
    code, _, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and "nests 65 levels of parentheses; Excel allows 64" in _one_line_refusal(err)


def test_nesting_ignores_parentheses_in_text():
    assert nesting('=IF(A1="(((",1,2)') == 1 and nesting("=((1))") == 2
    assert Limits().max_cells == 5_000_000


def test_refused_error_is_one_line():
    assert "\n" not in str(RefusedError("a b"))


def _entities(p: Path) -> Path:
    good = write_book(p.with_name("good.xlsx"), {"A1": 1})
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>')
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(p, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs + data[data.index(b"<worksheet"):].replace(b"<v>1</v>", b"<v>&lol3;</v>")
            zout.writestr(item, data)
    good.unlink()
    return p


def test_xml_entities_are_refused(tmp_path, capsys):
    path = _entities(tmp_path / "lol.xlsx")
    code, _, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 2 and "could not be read as a workbook" in _one_line_refusal(err)
    _no_leftovers(tmp_path, {"lol.xlsx"})


def test_text_that_looks_like_a_formula_stays_text_through_the_command(tmp_path, capsys):
    path = write_book(tmp_path / "t.xlsx", {"B1": "cmd|' /c calc'!A1", "A1": '="="&B1', "A2": "=\"+\"&B1"})
    before = path.read_bytes()
    code, _, err = _run([path, "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 0 and "Traceback" not in err and path.read_bytes() == before
    _no_leftovers(tmp_path, {"t.xlsx", "out.xlsx"})
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]
    assert (ws["A1"].value, ws["A1"].data_type) == ("=cmd|' /c calc'!A1", "s")
    assert (ws["A2"].value, ws["A2"].data_type) == ("+cmd|' /c calc'!A1", "s")
