"""Shared formulas (a filled-down column as Excel saves it) read a column at a time, as the engine
reads them cell by cell."""

import re
import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")
fz = pytest.importorskip("formualizer")

from trups_xl.recalc import shared  # noqa: E402
from trups_xl.recalc.addresses import area_bounds, coordinate  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


def _saved(path, formulas, *areas):
    """A sheet whose formulas (A1 -> text) are, over each of ``areas``, one shared formula (its own
    index), as Excel writes a filled range: the area's first cell holds the text."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for r in range(1, 12):
        ws.cell(r, 1, float(r))
        ws.cell(r, 26, f"text {r}")
    for ref, text in formulas.items():
        ws[ref] = text
    book.save(path)
    return _shared_over(path, *areas)


def _shared_over(path, *areas):
    """``path`` with its first sheet's plain formulas over each of ``areas`` made one shared formula
    (its own index), as Excel writes a filled range: the area's first cell holds the text (openpyxl
    writes the copies of a shared formula out when it saves a workbook)."""
    bounds = [area_bounds(area) for area in areas]
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]

    def share(m):
        row, col = coordinate(m[2].decode())
        index = next((k for k, (r1, c1, r2, c2) in enumerate(bounds) if r1 <= row <= r2 and c1 <= col <= c2), None)
        if index is None:
            return m[0]
        if m[2].decode() == areas[index].split(":")[0]:
            return m[1] + f'<f t="shared" ref="{areas[index]}" si="{index}">'.encode() + m[3] + b"</f>"
        return m[1] + f'<f t="shared" si="{index}"/>'.encode()

    with zipfile.ZipFile(path, "w") as z:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="([A-Z]+\d+)"[^>]*>)<f>([^<]*)</f>', share, data)
            z.writestr(info, data)
    return path


def _groups(path):
    return list(scan(path, Limits()).sheet("S").formulas.shared_groups().values())


def _both(path):
    book = fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral)
    groups = _groups(path)
    ours = shared.texts(book, "S", groups)
    engine = {("S", r, c): book.get_formula("S", r, c) for g in groups for r, c in g.positions()}
    return ours, engine


@pytest.mark.parametrize("text", ["=A{r}*2+$A$1", "=IF(A{r}>3,SUM($A$1:A{r}),-1)", '=IFERROR(A{r}/0,"none")',
                                  "=A{p}+A{r}", "=VLOOKUP(A{r},$A$1:$A$11,1,FALSE)"])
def test_a_filled_down_column_reads_as_the_engine_reads_it(tmp_path, text):
    path = _saved(tmp_path / "s.xlsx", {f"B{r}": text.format(r=r, p=max(r - 1, 1)) for r in range(2, 12)}, "B2:B11")
    ours, engine = _both(path)
    assert set(ours) == set(engine) == {("S", r, 2) for r in range(2, 12)}
    assert all(shared._tokens(ours[k]) == shared._tokens(engine[k]) for k in ours)
    # the copies are made here, from the first cell's text as written, and the first cell is that text too
    # (the engine's own text of it spaces its arguments: a column would be two blocks, its first row alone)
    assert ours[("S", 11, 2)] == text.format(r=11, p=10)
    assert ours[("S", 2, 2)] == text.format(r=2, p=1)


def test_a_copy_that_does_not_read_as_the_engine_reads_it_is_the_engine_s(tmp_path):
    # a whole row moves with a copy (2:2 in B2 is 11:11 in B11); copies made by moving cell rows keep
    # it, so the check against the engine's reading sends the group to the engine
    path = _saved(tmp_path / "s.xlsx", {f"B{r}": f"=SUM({r}:{r})" for r in range(2, 12)}, "B2:B11")
    ours, engine = _both(path)
    assert ours == {k: v if v.startswith("=") else "=" + v for k, v in engine.items()}
    assert shared._tokens(ours[("S", 11, 2)]) == shared._tokens("=SUM(11:11)")


def test_a_group_filled_right_and_a_text_like_a_reference_are_the_engine_s(tmp_path):
    path = _saved(tmp_path / "s.xlsx", {f"{c}2": f"=$A2*{i + 1}" for i, c in enumerate("BCD")}, "B2:D2")
    ours, engine = _both(path)
    assert {k: shared._tokens(v) for k, v in ours.items()} == {k: shared._tokens(v) for k, v in engine.items()}
    path = _saved(tmp_path / "t.xlsx", {f"B{r}": f'=A{r}&"A1"' for r in range(2, 12)}, "B2:B11")
    ours, engine = _both(path)
    assert {k: shared._tokens(v) for k, v in ours.items()} == {k: shared._tokens(v) for k, v in engine.items()}



def test_a_shared_call_left_to_the_engine_still_shows_its_date_and_plain_texts_are_not_kept_twice(tmp_path):
    # an expression argument (A2+39800) is the engine's to call, cell by cell; the later cells of the shared
    # formula have no text in the scan, so the text kept after planning says which function they call (and
    # so that its numbers are dates); a plain formula's text is read from the scan
    import datetime as dt

    from trups_xl.recalc import recalculate, run

    path = _saved(tmp_path / "s.xlsx", {**{f"B{r}": f"=TRUPS_NEXT_PAYMENT_DATE(A{r}+39800)" for r in range(2, 12)},
                                        **{f"C{r}": f"=A{r}*2" for r in range(2, 12)}}, "B2:B11")
    loaded = run.load_workbook(path)
    run.evaluate_calls(loaded)
    assert set(loaded.formulas) == {("S", r, 2) for r in range(2, 12)}
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values
    shown = {(r, c): cell for r, c in [(r, c) for r in range(2, 12) for c in (2, 3)]
             for cell in [fast.cells["S"][(r, c)]]}
    assert shown == {k: slow.cells["S"][k] for k in shown}
    # by hand: A11 + 39800 is serial 39811, 2008-12-29; XXI's next payment date after it is 2009-06-21
    assert shown[(11, 2)] == (float((dt.date(2009, 6, 21) - dt.date(1899, 12, 30)).days), True)
    assert shown[(11, 3)] == (22.0, False)


def _column_b(path, f_by_row):
    """Column B of rows 2-12 given the ``<f>`` elements of ``f_by_row`` (row -> XML), C the row number."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for r in range(2, 13):
        ws.cell(r, 3, float(r))
        ws.cell(r, 2, "=0")
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="B(\d+)"[^>]*>)<f>[^<]*</f>', lambda m: m[1] + f_by_row(int(m[2])).encode(), data)
            z.writestr(info, data)
    return path


@pytest.mark.parametrize("f_by_row", [
    # a later cell with a text of its own (the engine reads the group's), the first cell without its area
    lambda r: ('<f t="shared" ref="B2:B12" si="0">TRUPS_CLAIM_LIMIT(C2,1000)</f>' if r == 2 else
               '<f t="shared" si="0">TRUPS_CLAIM_LIMIT(C7*2,1000)</f>' if r == 7 else '<f t="shared" si="0"/>'),
    lambda r: '<f t="shared" si="0">TRUPS_CLAIM_LIMIT(C2,1000)</f>' if r == 2 else '<f t="shared" si="0"/>',
])
def test_a_cell_the_group_s_first_cell_does_not_describe_is_read_as_the_engine_reads_it(tmp_path, f_by_row):
    from trups_xl.recalc import recalculate

    path = _column_b(tmp_path / "s.xlsx", f_by_row)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values


@pytest.mark.parametrize("text", ["=A{r}*2+$A$1", "=IF(A{r}>3,SUM($A$1:A{r}),-1)",
                                  "=VLOOKUP(A{r},$A$1:$A$11,1,FALSE)", "=Q!A{r}+R{r}"])
def test_a_probe_reads_shared_formulas_as_the_whole_workbook_does(tmp_path, text):
    # the probe holds each group's first cell and the cells the check asks for, on sheets of the same titles
    # (Q is a sheet here)
    path = _saved(tmp_path / "s.xlsx", {f"B{r}": text.format(r=r) for r in range(2, 12)}, "B2:B11")
    groups = _groups(path)
    whole = shared.texts(fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral), "S", groups)
    probe = shared.probe({"S": groups}, ["S", "Q"])
    assert probe is not None
    assert shared.texts(probe, "S", groups) == whole
    assert len(whole) == 10


def test_a_probe_is_not_made_where_the_engine_must_read_every_cell(tmp_path):
    from array import array

    from trups_xl.recalc.formula_cells import SharedGroup

    path = _saved(tmp_path / "s.xlsx", {f"B{r}": "=A1*2" for r in range(2, 12)}, "B2:B11")
    (group,) = _groups(path)
    assert len(group.cells) == 1 and len(group.followers) == 9  # the first cell whole, the others as positions
    assert shared.probe({"S": [SharedGroup(group.index, [], group.followers)]}, ["S"]) is None  # no first cell
    first = group.cells[0]
    own = type(first)(**{**{f: getattr(first, f) for f in first.__slots__}, "row": 3, "area": None, "text": "=A3*3"})
    assert shared.probe({"S": [SharedGroup(group.index, [first, own], array("q", group.followers[1:]))]},
                        ["S"]) is None  # a later cell with a text of its own
    assert shared.probe({"S": [group]}, ["S"]) is not None


@pytest.mark.parametrize("text", ["=TRUPS_CLAIM_LIMIT(A{r},1000)", "=SUM({r}:{r})", '=A{r}&"A1"', "=Q1!A{r}"])
def test_a_filled_down_call_is_left_empty_in_the_engine_s_copy_where_a_probe_reads_it(tmp_path, text):
    """A shared formula the probe reads as the engine reads it is planned before the load, the cells of
    its calls left empty in the engine's copy; a group whose copies do not read so (a whole row moves
    with a copy; the engine moves a text) is read by the engine from the whole workbook, nothing planned
    early; one naming a sheet named like a cell, which the engine misreads, is copied here. The values are
    the engine path's either way, also for the engine path given the early load."""
    from trups_xl.recalc import recalculate
    from trups_xl.recalc.run import collect, evaluate_calls, load_workbook

    path = _saved(tmp_path / "s.xlsx", {**{f"B{r}": text.format(r=r) for r in range(2, 12)},
                                        **{f"C{r}": f"=B{r}*2" for r in range(2, 12)}}, "B2:B11")
    loaded = load_workbook(path, blank_runs=True)
    engine_texts = [loaded.book.get_formula("S", r, 2) for r in range(2, 12)]
    if "TRUPS" in text:
        assert loaded.plan is not None and not any(engine_texts)
        assert loaded.formulas[("S", 11, 2)] == "=TRUPS_CLAIM_LIMIT(A11,1000)"
    elif "Q1" in text:  # the copies are made here and given to the engine as formulas of their own
        assert loaded.plan is not None and [t.replace(" ", "") for t in engine_texts] == [
            f"=Q1!A{r}" for r in range(2, 12)]
    else:
        assert loaded.plan is None and all(engine_texts)
    slow = recalculate(path, vectorise_calls=False)
    assert dict(collect(loaded, evaluate_calls(loaded)).values.items()) == dict(slow.values.items())
    engine_only = load_workbook(path, blank_runs=True)
    assert dict(collect(engine_only, evaluate_calls(engine_only, vectorise_calls=False)).values.items()) == dict(
        slow.values.items())
    if "TRUPS" in text:  # the formulas given back are the workbook's (FORMULATEXT shows them)
        assert [engine_only.book.get_formula("S", r, 2).replace(" ", "") for r in (2, 11)] == [
            "=TRUPS_CLAIM_LIMIT(A2,1000)", "=TRUPS_CLAIM_LIMIT(A11,1000)"]
    if "TRUPS" in text:  # by hand: the claim limit of 11 on 1,000 is 11, whatever the security
        assert slow.values[("S", "B11")] * 2 == slow.values[("S", "C11")] != 0


def test_a_screened_group_does_not_keep_the_others_from_being_planned_early(tmp_path):
    # column C is one shared formula reading another workbook (screened: #REF!); column B's calls are
    # still planned before the load, their cells left empty in the engine's copy
    from trups_xl.recalc import recalculate
    from trups_xl.recalc.run import load_workbook

    path = _saved(tmp_path / "s.xlsx", {**{f"B{r}": f"=TRUPS_CLAIM_LIMIT(A{r},1000)" for r in range(2, 8)},
                                        **{f"C{r}": f"=[1]Other!A{r}*2" for r in range(2, 8)}}, "B2:B7", "C2:C7")
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None and not loaded.book.get_formula("S", 7, 2)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert dict(fast.values.items()) == dict(slow.values.items())
    assert slow.values[("S", "C7")] == "#REF!" and slow.values[("S", "B7")] == 7.0


@pytest.mark.parametrize(("sheet", "screened"), [
    ("Q1", False), ("'Q1'", False), ("FY2024", False), ("'FY2024'", False), ("'Model FY2024'", False),
    ("'Q1 Sales'", False), ("Q1", True)])
def test_a_filled_down_formula_on_a_sheet_named_like_a_cell_reads_that_sheet_on_every_row(tmp_path, sheet, screened):
    """The engine reads the copies of a shared formula naming sheet Q1 (or FY2024, or a quoted name holding
    such a word) as naming Q2, Q3... (FY2025...): a number from the wrong sheet, or #REF!. Such a group's
    copies are made here (the sheet name kept, the rows moved) and given to the engine as formulas of
    their own, on both paths; also on a sheet whose other formulas are screened (an external link), which
    the engine's copy rewrites cell by cell."""
    import datetime as dt

    from trups_xl.recalc import recalculate

    title = sheet.strip("'")
    extra = {"E1": "=[1]Sheet1!A1"} if screened else {}
    path = _saved(tmp_path / "s.xlsx", {**{f"B{r}": f"=TRUPS_COUPON({sheet}!A{r})" for r in range(2, 8)},
                                        **{f"C{r}": f"={sheet}!A{r}+1" for r in range(2, 8)}, **extra},
                  "B2:B7", "C2:C7")
    book = openpyxl.load_workbook(path)
    named = book.create_sheet(title)
    following = book.create_sheet(re.sub(r"\d+", lambda m: str(int(m[0]) + 1), title, count=1))  # as misread
    for r in range(2, 8):
        named[f"A{r}"] = float((dt.date(2008 + r, 12, 21) - dt.date(1899, 12, 30)).days)  # XXI's payment dates
        following[f"A{r + 1}"] = "not a date"
    book.save(path)
    path = _shared_over(path, "B2:B7", "C2:C7")
    for result in (recalculate(path), recalculate(path, vectorise_calls=False)):
        # by hand: each row reads its own row of the named sheet: a half-year's coupon at 8.300% on 1,000
        assert [result.values[("S", f"B{r}")] for r in range(2, 8)] == [41.5] * 6
        assert [result.values[("S", f"C{r}")] for r in range(2, 8)] == [
            float((dt.date(2008 + r, 12, 21) - dt.date(1899, 12, 30)).days) + 1 for r in range(2, 8)]


@pytest.mark.parametrize("text, misread", [
    ("=Q1!A2*2", True), ("='FY2024'!B3", True), ("=SUM(Sheet2!A2:A9)+Q4!C1", True),
    ("='Q1 2024'!A2", True), ("='Model FY2024'!A2", True), ("=Sheet2!A2", False), ("='Deal 1'!A2", False),
    ("='FY24Q1'!A2", False), ('="Q1!A2"&A2', False), ("=LOG10(A2)", False),
])
def test_a_shared_formula_is_misread_by_the_engine_where_it_names_a_sheet_named_like_a_cell(text, misread):
    from array import array

    from trups_xl.recalc.formula_cells import FormulaCell, SharedGroup

    first = FormulaCell(2, 2, 0, "shared", text, area="B2:B9", shared_index="0")
    assert shared.misread(SharedGroup("0", [first], array("q"))) is misread


def test_a_group_the_engine_reads_cell_by_cell_is_asked_for_a_column_at_a_time(tmp_path, monkeypatch):
    """A group filled right and down (Excel stores a filled block as one shared formula) is read from the
    engine, not copied here: its formulas are asked for a column at a time, each as the engine reads it,
    not with a call per cell."""
    formulas = {f"{c}{r}": f"=$A{r}*{k + 2}+{c}$1" for k, c in enumerate("BCD") for r in range(2, 41)}
    path = _saved(tmp_path / "s.xlsx", formulas, "B2:D40")
    book = fz.Workbook.load_path(str(path), mode=fz.WorkbookMode.Ephemeral)
    engine = {("S", r, c): book.get_formula("S", r, c) for r in range(2, 41) for c in (2, 3, 4)}
    calls = []
    one_cell = fz.Workbook.get_formula
    monkeypatch.setattr(fz.Workbook, "get_formula", lambda self, *a: calls.append(a) or one_cell(self, *a))
    ours = shared.texts(book, "S", _groups(path))
    assert {k: shared._tokens(v) for k, v in ours.items()} == {k: shared._tokens(v) for k, v in engine.items()}
    assert len(calls) <= shared.CHECKED  # the check of the copies down the first column, at most
