"""The saved file: one-cell array formulas marked as dynamic arrays, and an atomic save."""

import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from trups_xl.workbook import package


def _book():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = ArrayFormula("A1", "=TRUPS_TERMS()")
    ws["C1"] = ArrayFormula("C1:D2", "=TRUPS_TERMS()")  # a sized block: not a dynamic array
    return wb


def test_only_one_cell_array_formulas_are_marked(tmp_path):
    wb = _book()
    assert package.dynamic_anchors(wb) == {1: ["A1"]}
    plain, marked = tmp_path / "plain.xlsx", tmp_path / "marked.xlsx"
    wb.save(plain)
    package.mark_dynamic_arrays(plain, marked, package.dynamic_anchors(wb))
    with zipfile.ZipFile(marked) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
        assert b'<c r="A1" cm="1"' in sheet and b'<c r="C1" cm="1"' not in sheet
        assert "xl/metadata.xml" in z.namelist()


def test_a_failed_save_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "model.xlsx"
    target.write_bytes(b"previous")

    def broken(source, partial, anchors):
        partial.write_bytes(b"half a workbook")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(package, "mark_dynamic_arrays", broken)
    with pytest.raises(RuntimeError):
        package.save(target)
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["model.xlsx"]
