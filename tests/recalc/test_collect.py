"""The computed cells read back from the engine: values by column segment, named results with the
label and number format the sheet gives them, a blocked spill naming the cell in its way."""

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import with_part, write_book  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from trups_xl.recalc.collect import (  # noqa: E402
    CellRefs,
    CellValues,
    as_value,
    collect,
)
from trups_xl.recalc.run import evaluate_calls, load_workbook, recalculate  # noqa: E402


def test_cell_values_and_refs_read_the_per_sheet_tables():
    values = CellValues({"Model": {(7, 2): (1.5, False), (1, 1): ({"type": "Error", "kind": "Ref"}, False)}})
    assert values[("Model", "B7")] == 1.5
    assert values[("Model", "A1")] == "#REF!"
    assert sorted(values) == [("Model", "A1"), ("Model", "B7")] and len(values) == 2
    with pytest.raises(KeyError):
        values[("Model", "C1")]
    refs = CellRefs([{("Model", 7, 2)}, {("Model", 7, 2), ("Other", 1, 1)}])
    assert ("Model", "B7") in refs and ("Other", "A1") in refs and ("Model", "A1") not in refs
    assert len(refs) == 2
    assert as_value({"type": "Error", "kind": "Div"}) == "#DIV/0!" and as_value(2.0) == 2.0


def _collected(path):
    loaded = load_workbook(path)
    return collect(loaded, evaluate_calls(loaded))


def test_a_named_result_has_its_label_from_column_a_and_its_number_format(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A1": "Inputs", "B1": 4.0, "A2": "Doubled price", "B2": "=B1*2",
                                             "B3": "=1/0"}, sheet="Model")
    book = openpyxl.load_workbook(path)
    book["Model"]["B2"].number_format = "#,##0.00"
    book.defined_names["Result_Price"] = openpyxl.workbook.defined_name.DefinedName(
        "Result_Price", attr_text="Model!$B$2")
    book.defined_names["Result_Far"] = openpyxl.workbook.defined_name.DefinedName(
        "Result_Far", attr_text="Nowhere!$A$1")
    book.save(path)
    result = _collected(path)
    assert result.names["Result_Price"] == 8.0
    assert result.shown_as["Result_Price"] == ("Doubled price", "#,##0.00")
    assert result.names["Result_Far"] == "(refers to a sheet the workbook does not have: Nowhere)"
    assert result.values[("Model", "B3")] == "#DIV/0!"
    assert result.errors == ["Model!B3: #DIV/0!"]


def test_a_blocked_spill_names_the_first_cell_in_its_way(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A1": "=SEQUENCE(3)", "A3": "in the way"}, sheet="Model")
    result = _collected(path)
    assert result.values[("Model", "A1")] == "#SPILL!"
    assert result.notices == ["Model!A1: #SPILL! its 3x1 result needs A1:A3, but a cell there is not empty "
                              "(the first in the way: A3 (a value))"]


def test_a_fixed_array_smaller_than_its_result_shows_the_top_left_and_says_so(tmp_path):
    path = write_book(tmp_path / "small.xlsx",
                      {"A1": ArrayFormula("A1:N3", '=TRUPS_SCHEDULE("2008-01-01","2009-12-31")')})
    result = recalculate(path)
    assert result.values[("Sheet", "N3")] == 41.5 and result.values[("Sheet", "A1")] == "period"
    assert any("Sheet!A1:N3" in n and "5x14" in n for n in result.notices)


def test_cells_after_a_spill_read_their_own_values(tmp_path):
    """A formula later on the sheet than a spilling table reads its own cell, not the table's."""
    path = write_book(tmp_path / "after.xlsx", {"B2": "=TRUPS_TERMS()", "A5": "=1+1", "A6": '="x"&"y"'})
    values = recalculate(path).values
    assert values[("Sheet", "A5")] == 2 and values[("Sheet", "A6")] == "xy"
    assert values[("Sheet", "B2")] == "id"


def test_a_spill_between_formulas_is_found_and_written(tmp_path):
    """A table anchored inside a column of formulas spills right, between formulas on either side (a dynamic array, as
    Excel saves one: a plain formula of an array shows its first value alone, as Excel does)."""
    import re

    path = write_book(tmp_path / "mid.xlsx", {"A1": "=1", "A2": "={1,2,3}", "A3": "=3", "B1": "=A1*2", "B3": "=A3*2",
                                              "E2": "=B2+C2"}, sheet="Model")
    path = with_part(path, "xl/worksheets/sheet1.xml", lambda part: re.sub(
        rb'<c r="A2"([^>]*)><f>', rb'<c r="A2" cm="1"\1><f t="array" ref="A2:C2">', part), tmp_path / "dynamic.xlsx")
    result = _collected(path)
    assert result.spills == {("Model", "A2"): "A2:C2"}
    assert [result.values[("Model", ref)] for ref in ("A2", "B2", "C2", "B1", "B3", "E2")] == [1, 2, 3, 2, 6, 5]


def test_the_runs_values_are_kept_by_sheet_in_ascending_position():
    from trups_xl.recalc.computed import by_position
    from trups_xl.recalc.formula_cells import COLUMN_BITS

    by_sheet = by_position({("A", 3, 1): "c", ("B", 1, 1): 1.0, ("A", 1, 2): "b", ("A", 1, 1): "a"})
    assert {title: (list(keys), values) for title, (keys, values) in by_sheet.items()} == {
        "A": ([1 << COLUMN_BITS | 1, 1 << COLUMN_BITS | 2, 3 << COLUMN_BITS | 1], ["a", "b", "c"]),
        "B": ([1 << COLUMN_BITS | 1], [1.0])}
    assert by_position({}) == {}


@pytest.mark.parametrize("vectorise", [True, False])
def test_a_sheet_read_at_once_is_read_as_the_walk_cell_by_cell_reads_it(tmp_path, monkeypatch, vectorise):
    """Dates from runs and from the engine's own calls (log.dates), text, logicals,
    empty text, error values, a call no run makes: the same cells, values and dates either way."""
    import datetime as dt

    from trups_xl.recalc import collect as collect_module

    cells = {"A1": "date", "B1": "next", "C1": "branch", "D1": "text", "E1": "error", "F1": "empty", "G1": "flag"}
    for r in range(2, 40):
        cells[f"A{r}"] = dt.datetime(2010, 1, 5) + dt.timedelta(days=7 * r)
        cells[f"B{r}"] = f"=TRUPS_NEXT_PAYMENT_DATE(A{r})"
        cells[f"C{r}"] = f"=TRUPS_PREVIOUS_PAYMENT_DATE(A{r}+0)"  # no run: the engine's calls
        cells[f"D{r}"] = f'=IF(B{r}>A{r},"after","same")'
        cells[f"E{r}"] = f"=1/(A{r}-A{r})"
        cells[f"F{r}"] = f'=IFERROR(TRUPS_COUPON(A{r}+0),"")'
        cells[f"G{r}"] = f"=B{r}>A{r}"
    path = write_book(tmp_path / "b.xlsx", cells)

    def read(at_once):
        if not at_once:
            monkeypatch.setattr(collect_module, "_read_at_once", lambda *_a: False)
        loaded = load_workbook(path)
        got = collect(loaded, evaluate_calls(loaded, vectorise_calls=vectorise))
        monkeypatch.undo()
        return {t: sorted(c.items()) for t, c in got.cells.items()}, loaded.log.dates

    (at_once, dated), (walk, _) = read(True), read(False)
    assert at_once == walk
    assert dated  # a function returned a date through the engine's call
    sheet = next(iter(at_once.values()))
    assert dict(sheet)[(2, 2)][1] is True and dict(sheet)[(2, 3)][1] is True  # dates, from a run and a call
    assert dict(sheet)[(2, 4)] == ("after", False) and dict(sheet)[(2, 5)][0] == {"type": "Error", "kind": "Div"}


@pytest.mark.parametrize("layout", ["runs only", "columns apart"])
def test_a_sheet_of_runs_or_of_columns_read_whole_is_read_at_once_as_the_walk_reads_it(tmp_path, monkeypatch,
                                                                                       layout):
    """Every formula cell a run's (nothing read from the engine), or the formula columns too far apart for one
    rectangle (each read whole): read at once, with the values and dates the walk cell by cell gives."""
    import datetime as dt

    from trups_xl.recalc import collect as collect_module

    cells = {"A1": "date", "B1": "next", "C1": "accrual"}
    for r in range(2, 302):  # D and Z read as one rectangle would be 4,096 cells more than twice theirs
        cells[f"A{r}"] = dt.datetime(2010, 1, 5) + dt.timedelta(days=7 * r)
        cells[f"B{r}"] = f"=TRUPS_NEXT_PAYMENT_DATE(A{r})"
        cells[f"C{r}"] = f"=TRUPS_ACCRUAL(A{r},B{r})"
        if layout == "columns apart":
            cells[f"D{r}"] = f'=IF(C{r}>0,A{r}+1,"none")'
            cells[f"Z{r}"] = f"=TRUPS_PREVIOUS_PAYMENT_DATE(A{r}+0)"  # no run: the engine's calls, dates
    path = write_book(tmp_path / "b.xlsx", cells)
    real = collect_module._read_at_once
    taken = []

    def read(at_once):
        def recorded(*args):
            taken.append(real(*args) if at_once else False)
            return taken[-1]

        monkeypatch.setattr(collect_module, "_read_at_once", recorded)
        loaded = load_workbook(path)
        got = collect(loaded, evaluate_calls(loaded))
        monkeypatch.undo()
        return {t: sorted(c.items()) for t, c in got.cells.items()}

    at_once = read(True)
    assert taken == [True]
    assert at_once == read(False)
    sheet = dict(next(iter(at_once.values())))
    assert sheet[(2, 2)][1] is True and sheet[(2, 3)][1] is False  # a date from a run, a number
    if layout == "columns apart":
        assert sheet[(2, 26)][1] is True and sheet[(2, 4)][1] is False  # the engine's call's date, a number


def test_a_blocked_spill_in_a_shared_formula_s_later_cell_gives_its_shape(tmp_path):
    """A later cell of a shared formula has no text in the scan, nor among the texts kept for reading
    back (which keep only formulas starting with a call): its shape is worked out from the engine's text."""
    import re
    import zipfile

    path = write_book(tmp_path / "s.xlsx", {"C1": "=SEQUENCE(2)", "D1": "=SEQUENCE(2)", "D2": "in the way"},
                      sheet="Model")
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:  # C1:D1 saved as Excel saves a filled range: one shared formula
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="C1"[^>]*>)<f>', rb'\1<f t="shared" ref="C1:D1" si="0">', data)
                data = re.sub(rb'(<c r="D1"[^>]*>)<f>[^<]*</f>', rb'\1<f t="shared" si="0"/>', data)
            z.writestr(info, data)
    assert b'si="0"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    for result in (recalculate(path), recalculate(path, vectorise_calls=False)):
        assert result.values[("Model", "C2")] == 2.0 and result.values[("Model", "D1")] == "#SPILL!"
        assert result.notices == ["Model!D1: #SPILL! its 2x1 result needs D1:D2, but a cell there is not empty "
                                  "(the first in the way: D2 (a value))"]
