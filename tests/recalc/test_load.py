"""The workbook checked, screened and loaded once: external references and DDE links never reach
the engine (they show #REF! and are listed), a formula the engine cannot parse shows #NAME? and is
said, every formula's text kept as the engine parsed it."""

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import write_book  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from trups_xl.recalc.load import _is_external, area_cells, load_workbook  # noqa: E402
from trups_xl.recalc.safety import RefusedError  # noqa: E402


@pytest.mark.parametrize(("formula", "external"), [
    ("=[book.xlsx]Sheet1!A1", True),
    ("=SUM('C:\\dir\\[b.xlsx]S'!A1:A3)", True),
    ("=[1]Rates!B2*2", True),
    ("=cmd|' /c calc'!A0", True),
    ('="see [book.xlsx]Sheet1!A1"', False),  # only text
    ("=SUM(A1:A3)", False),
    ("=INDEX({1,2},1)", False),
])
def test_external_references_and_dde_links_are_told_apart_from_text(formula, external):
    assert _is_external(formula) is external


def test_an_external_reference_is_screened_and_listed_and_the_rest_loaded(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A1": 2.0, "B1": "=A1*3", "C1": "=[other.xlsx]Rates!B2",
                                             "D1": ArrayFormula("D1:D2", "=A1*{1;2}")}, sheet="Model")
    steps = []
    loaded = load_workbook(path, progress=steps.append)
    assert steps == ["loading b.xlsx"]
    assert loaded.external == ["Model!C1 (other.xlsx)"]
    assert loaded.bad == {("Model", 1, 3): "#REF!"}
    assert loaded.formulas == {("Model", 1, 2): "=A1*3"}  # the array formula is the engine's, whole
    assert loaded.protected == {("Model", 1, 4), ("Model", 2, 4)}
    assert not loaded.has_vba


def test_what_is_not_a_workbook_is_refused_in_one_line(tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(RefusedError) as refused:
        load_workbook(path)
    assert "\n" not in str(refused.value)


def test_an_area_is_its_cells_row_by_row():
    assert list(area_cells("B2:C3")) == [(2, 2), (2, 3), (3, 2), (3, 3)]
    assert list(area_cells("A1")) == [(1, 1)]


def test_shared_formulas_are_expanded_by_the_engine_and_their_values_written(tmp_path):
    """A formula Excel saved once for a range (its followers hold only the group's index) is read as
    each cell's own formula, evaluated and written as values."""
    import zipfile

    from trups_xl.recalc.run import recalculate, write_values

    plain = write_book(tmp_path / "plain.xlsx", {"A1": 1.0, "A2": 2.0, "A3": 3.0, "B1": "=A1*2", "B2": "=A2*2",
                                                 "B3": "=A3*2"}, sheet="Model")
    path = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>A1*2</f>", b'<f t="shared" ref="B1:B3" si="0">A1*2</f>')
                data = data.replace(b"<f>A2*2</f>", b'<f t="shared" si="0"/>')
                data = data.replace(b"<f>A3*2</f>", b'<f t="shared" si="0"/>')
                assert data.count(b'si="0"') == 3
            zout.writestr(info, data)
    loaded = load_workbook(path)
    assert [loaded.formulas[("Model", r, 2)].replace(" ", "") for r in (1, 2, 3)] == ["=A1*2", "=A2*2", "=A3*2"]
    result = recalculate(path)
    assert [result.values[("Model", f"B{r}")] for r in (1, 2, 3)] == [2, 4, 6]
    write_values(path, tmp_path / "out.xlsx", result)
    copy = openpyxl.load_workbook(tmp_path / "out.xlsx")["Model"]
    assert [copy[f"B{r}"].value for r in (1, 2, 3)] == [2, 4, 6]


def test_the_engine_formulas_of_plain_cells_are_their_texts_by_sheet_row_and_column():
    from trups_xl.recalc.load import _engine_formulas
    from trups_xl.recalc.package import Scan, Sheet

    plain, odd = Sheet("Plain", "p1"), Sheet("Odd", "p2")
    plain.formulas.add_formula(3, 2, 0, "=A3*2")
    plain.formulas.add_formula(1, 28, 0, "=1")
    odd.formulas.add_formula(1, 1, 0, "A1+1")  # a text without its "=": given one
    odd.formulas.add_formula(2, 1, 0, "")  # no text: left out
    found = Scan([plain, odd], {}, [])
    formulas = _engine_formulas(None, found, {("Plain", 1, 28): "#REF!"})
    assert formulas == {("Plain", 3, 2): "=A3*2", ("Odd", 1, 1): "=A1+1"}
    assert list(formulas) == [("Plain", 3, 2), ("Odd", 1, 1)]
