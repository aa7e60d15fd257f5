"""The workbook checked, screened and loaded once: external references and DDE links never reach
the engine (they show #REF! and are listed), a formula the engine cannot parse shows #NAME? and is
said, every formula's text kept as the engine parsed it."""

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import with_part, write_book  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from trups_xl.recalc.calls import top_function  # noqa: E402
from trups_xl.recalc.load import _is_external, area_cells, keep_for_collect, load_workbook  # noqa: E402
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

    from trups_xl.recalc.run import recalculate, write_values

    plain = write_book(tmp_path / "plain.xlsx", {"A1": 1.0, "A2": 2.0, "A3": 3.0, "B1": "=A1*2", "B2": "=A2*2",
                                                 "B3": "=A3*2"}, sheet="Model")

    def shared(data: bytes) -> bytes:
        data = data.replace(b"<f>A1*2</f>", b'<f t="shared" ref="B1:B3" si="0">A1*2</f>')
        data = data.replace(b"<f>A2*2</f>", b'<f t="shared" si="0"/>').replace(b"<f>A3*2</f>", b'<f t="shared" si="0"/>')
        assert data.count(b'si="0"') == 3
        return data

    path = with_part(plain, "xl/worksheets/sheet1.xml", shared, tmp_path / "shared.xlsx")
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


def test_whole_formula_calls_the_runs_make_are_left_empty_in_the_engine_s_copy(tmp_path):
    """With ``blank_runs`` the engine never parses a formula whose values a run sets: its cells are empty
    in the engine's copy (the scan and the reading back keep the formula); a call on a cycle, and every
    other formula, keep theirs (the cycle's call under its alias, never answered). The engine path given
    such a load gives the formulas back first."""
    from trups_xl.recalc.run import collect, evaluate_calls, recalculate

    cells = {"A1": 40000.0, "B1": "=TRUPS_NEXT_PAYMENT_DATE(A1)", "C1": "=B1+1", "D1": "=IF(C1>0,TRUPS_COUPON(B1),0)",
             "A2": 40100.0, "B2": "=TRUPS_NEXT_PAYMENT_DATE(A2)", "C2": "=B2+1", "D2": "=IF(C2>0,TRUPS_COUPON(B2),0)",
             "E1": "=TRUPS_CLAIM_LIMIT(E2)", "E2": "=E1+1"}  # a cycle: the engine's
    path = write_book(tmp_path / "b.xlsx", cells)
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None
    title = loaded.found.sheets[0].title
    formula = {ref: loaded.book.get_formula(title, r, c) for ref, (r, c) in
               {"B1": (1, 2), "B2": (2, 2), "C1": (1, 3), "D1": (1, 4), "E1": (1, 5)}.items()}
    assert not formula["B1"] and not formula["B2"]
    assert formula["C1"] and "TRUPS_COUPON" in formula["D1"].upper() and "TRUPSX_CLAIM_LIMIT" in formula["E1"].upper()
    assert (title, 1, 2) in loaded.formulas  # the text is kept for reading back
    plain = load_workbook(path)
    assert plain.plan is None and plain.book.get_formula(title, 1, 2)
    fast = collect(loaded, evaluate_calls(loaded))
    engine_only = load_workbook(path, blank_runs=True)
    slow = collect(engine_only, evaluate_calls(engine_only, vectorise_calls=False))
    assert dict(fast.values.items()) == dict(slow.values.items()) == dict(
        recalculate(path, vectorise_calls=False).values.items())
    assert isinstance(fast.values[(title, "B1")], float | str) and fast.values[(title, "C1")] > 40000


def test_a_block_holding_part_of_a_shared_formula_is_not_left_empty(tmp_path):
    # the group's first cell holds the formula of all its cells: left empty only with all of them
    from test_shared import _saved

    from trups_xl.recalc.blocks import Block
    from trups_xl.recalc.load import _replaceable
    from trups_xl.recalc.package import scan
    from trups_xl.recalc.safety import Limits

    path = _saved(tmp_path / "s.xlsx", {f"B{r}": f"=A{r}*2" for r in range(2, 12)}, "B2:B11")
    found = scan(path, Limits())
    whole, top, bottom, other = (Block("S", 2, 2, "=A2*2", 10), Block("S", 2, 2, "=A2*2", 5),
                                 Block("S", 2, 7, "=A7*2", 5), Block("S", 4, 2, "=A2", 10))
    assert _replaceable([whole, other], found) == [whole, other]
    assert _replaceable([top, other], found) == [other]
    assert _replaceable([top, bottom], found) == [top, bottom]  # two blocks hold the whole group
    assert _replaceable([bottom], found) == []


def test_formulas_reading_their_calls_scratch_cells_are_in_the_engine_s_copy_with_the_scratch_sheet(tmp_path):
    """A formula that calls its function every time it is evaluated (IFERROR's first argument,
    arithmetic) reads its calls' scratch cells: the engine's copy holds it so, and the scratch sheet,
    so the engine parses it once; a call in an IF's branch keeps its formula (its calls answered)."""
    from trups_xl.recalc.run import collect, evaluate_calls, recalculate

    cells = {**{f"A{r}": 40000.0 + 40 * r for r in range(1, 5)},
             **{f"B{r}": f"=IFERROR(TRUPS_COUPON(A{r}),A{r})" for r in range(1, 5)},
             **{f"C{r}": f"=TRUPS_NEXT_PAYMENT_DATE(A{r})*2" for r in range(1, 5)},
             **{f"D{r}": f"=IF(A{r}>40100,TRUPS_COUPON(A{r}),0)" for r in range(1, 5)}}
    path = write_book(tmp_path / "b.xlsx", cells)
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None and loaded.plan.scratch_in_copy
    assert {h.block.col for h in loaded.plan.pinned_in_copy} == {2, 3}
    title = loaded.found.sheets[0].title
    assert loaded.plan.scratch in loaded.book.sheet_names
    for col in (2, 3):
        assert f"{loaded.plan.scratch}!".upper() in loaded.book.get_formula(title, 4, col).upper().replace("'", "")
    assert "TRUPS_COUPON" in loaded.book.get_formula(title, 4, 4).upper()
    slow = dict(recalculate(path, vectorise_calls=False).values.items())
    assert dict(collect(loaded, evaluate_calls(loaded)).values.items()) == slow
    engine_only = load_workbook(path, blank_runs=True)
    assert dict(collect(engine_only, evaluate_calls(engine_only, vectorise_calls=False)).values.items()) == slow
    assert isinstance(slow[(title, "C4")], float) and slow[(title, "C4")] > 80000


def test_a_call_under_iferror_with_a_constant_to_fall_back_on_is_made_whole(tmp_path):
    """=IFERROR(call,"") shows the call's value (a call answers a value or its message, never an error
    value IFERROR would catch): its cells are left empty in the engine's copy and take the run's values,
    a date shown as its number as the engine shows it; a call with more arguments than its function
    takes is the engine's #VALUE!, which IFERROR catches, so it stays a formula."""
    from trups_xl.recalc.run import recalculate

    cells = {**{f"A{r}": 40000.0 + 40 * r for r in range(1, 5)},
             **{f"B{r}": f'=IFERROR(TRUPS_NEXT_PAYMENT_DATE(A{r}),"")' for r in range(1, 5)},
             **{f"C{r}": f"=_xlfn.IFNA(TRUPS_COUPON(A{r}), -1)" for r in range(1, 5)},
             **{f"D{r}": f'=IFERROR(TRUPS_NEXT_PAYMENT_DATE(A{r},,1),"caught")' for r in range(1, 5)}}
    path = write_book(tmp_path / "b.xlsx", cells)
    loaded = load_workbook(path, blank_runs=True)
    title = loaded.found.sheets[0].title
    assert not loaded.book.get_formula(title, 4, 2) and not loaded.book.get_formula(title, 4, 3)
    assert loaded.book.get_formula(title, 4, 4)
    fast, slow = recalculate(path), recalculate(path, vectorise_calls=False)
    assert fast.values == slow.values and fast.cells[title] == slow.cells[title]
    # by hand: the payment after serial 40160 (2009-12-14) is 2009-12-21, serial 40168, shown as a number
    assert fast.cells[title][(4, 2)] == (40168.0, False)
    assert fast.values[(title, "D4")] == "caught"


@pytest.mark.parametrize("shared", [False, True])
def test_a_formula_the_engine_evaluates_on_its_own_is_in_the_engine_s_copy_marked(tmp_path, shared):
    """A call no run makes (an argument computed in the formula, A2-1) in an IF's branch is the engine's:
    the engine's copy holds its formula with the call under its alias and the skipped argument marked,
    so the engine parses it once (before, the copy held the workbook's text and the marked one was set
    after the load); its values are the engine alone's, also where the column is one shared formula."""
    from test_shared import _saved

    formulas = {f"B{r}": f"=IF(A{r}>3,TRUPS_ACCRUAL(40000+A{r}-1,40000+A{r},,1000),0)" for r in range(1, 12)}
    path = (_saved(tmp_path / "b.xlsx", formulas, "B1:B11") if shared
            else write_book(tmp_path / "b.xlsx", {**{f"A{r}": float(r) for r in range(1, 12)}, **formulas}))
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None and {b.col for b in loaded.plan.marked_in_copy} == {2}
    title = loaded.found.sheets[0].title
    assert "TRUPSX_ACCRUAL(40000+A9-1" in loaded.book.get_formula(title, 9, 2).upper().replace(" ", "")
    slow = _agree(path)
    # by hand: one day of XXI's 8.300% on $1,000 (30/360) is 1000 * 0.083 / 360
    assert slow[(title, "B9")] == pytest.approx(1000 * 0.083 / 360, abs=1e-9) and slow[(title, "B2")] == 0


def test_marked_cells_of_an_unusual_shape_leave_the_sheet_s_misread_copies_written(tmp_path):
    """A marked block whose cells' tags are not as Excel writes them (``t`` before ``s``) cannot be written
    into the engine's copy in one pass: the sheet is written again without it, so the copies of a shared
    formula naming a sheet called like a cell (``Q1!A2``) are still given to the engine each reading its
    own row (with the marked block in it, the sheet was rewritten cell by cell and they were lost)."""
    import re
    import zipfile

    from test_shared import _shared_over

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    q1 = book.create_sheet("Q1")
    for r in range(1, 6):
        q1[f"A{r}"] = 10.0 * r
    for r in range(2, 5):
        ws[f"A{r}"] = 39700.0 + 30 * r
        ws[f"B{r}"] = f"=TRUPS_COUPON($A{r}-1)"  # an argument computed in the formula: no run makes it
        ws[f"C{r}"] = f"=Q1!A{r}*2"
    book.save(tmp_path / "b.xlsx")
    path = _shared_over(tmp_path / "b.xlsx", "C2:C4")
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="B(\d)">', rb'<c r="B\1" t="n" s="0">', data)
            z.writestr(info, data)
    values = _agree(path)
    assert [values[("S", f"C{r}")] for r in (2, 3, 4)] == [40.0, 60.0, 80.0]  # Q1!A2..A4 doubled


def test_a_shared_formula_across_a_run_and_a_marked_cell_on_a_screened_sheet_keeps_its_first_cell(tmp_path):
    """B2:C2 is one shared formula (filled right): B2 a run's (left empty in the copy where allowed), C2 on
    a cycle (marked). On a sheet rewritten cell by cell (it holds an external reference) no formula is
    given in the copy, so B2 is not emptied either: C2 would be left a later cell without its first."""
    from test_shared import _shared_over

    cells = {"B1": 39720.0, "C1": "=C2+1", "B2": "=TRUPS_NEXT_PAYMENT_DATE(B1)", "C2": "=TRUPS_NEXT_PAYMENT_DATE(C1)",
             "X2": "=[1]Sheet1!A1+1"}
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for ref, value in cells.items():
        ws[ref] = value
    book.save(tmp_path / "b.xlsx")
    values = _agree(_shared_over(tmp_path / "b.xlsx", "B2:C2"))
    assert values[("S", "C2")] == 0.0 and values[("S", "C1")] == 0.0  # a cycle shows 0
    # by hand: XXI pays on June 21 and December 21; the payment after 2008-09-29 (serial 39720) is
    # 2008-12-21, serial 39803
    assert values[("S", "B2")] == 39803.0


def _pinned_book(path, titles, edit=None, cells=None):
    """Sheets each with a column of coupons three times over (pinned: read from scratch cells), the
    first sheet's ``cells`` (A1 -> value) written over; ``edit`` (part, old, new) changes the package's
    XML afterwards."""
    import datetime as dt
    import re
    import zipfile

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in titles:
        ws = book.create_sheet(title)
        for r in range(2, 6):
            ws[f"A{r}"] = float((dt.date(2009 + r, 6, 21) - dt.date(1899, 12, 30)).days)  # XXI's payment dates
            ws[f"B{r}"] = f"=TRUPS_COUPON(A{r})*3"
    for ref, value in (cells or {}).items():
        book[titles[0]][ref] = value
    book.save(path)
    if edit:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        part, old, new = edit
        parts[part] = re.sub(old, new, parts[part])
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def _agree(path):
    from trups_xl.recalc.run import collect, evaluate_calls, recalculate

    slow = dict(recalculate(path, vectorise_calls=False).values.items())
    assert dict(recalculate(path).values.items()) == slow
    loaded = load_workbook(path, blank_runs=True)
    assert dict(collect(loaded, evaluate_calls(loaded, vectorise_calls=False)).values.items()) == slow
    return slow


def test_a_sheet_whose_formulas_could_not_be_rewritten_leaves_the_others_in_the_copy(tmp_path):
    # S2's B3 is not written as the one-pass rewrite reads cells: S2 keeps its formulas (pinned once
    # loaded), S1's stay rewritten in the copy, and the engine path given the load gives S1's back
    path = _pinned_book(tmp_path / "b.xlsx", ["S1", "S2"], ("xl/worksheets/sheet2.xml", rb'<c r="B3">',
                                                           b'<c s="0" r="B3">'))
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None and [h.block.sheet for h in loaded.plan.pinned_in_copy] == ["S1"]
    slow = _agree(path)
    assert slow[("S1", "B5")] == slow[("S2", "B5")] > 0


def test_a_workbook_declaring_the_relationships_prefix_on_each_sheet_is_read_as_before(tmp_path):
    # no scratch sheet can be added to such a workbook.xml: the formulas are rewritten once it is loaded
    ns = rb' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    path = _pinned_book(tmp_path / "b.xlsx", ["S1"], ("xl/workbook.xml", rb"<sheet ", b"<sheet" + ns + b" "))
    with_each = _pinned_book(tmp_path / "c.xlsx", ["S1"])
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(ns, b"", 1)  # off the root, kept on the sheet
    with zipfile.ZipFile(with_each, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    loaded = load_workbook(with_each, blank_runs=True)
    assert loaded.plan is not None and not loaded.plan.scratch_in_copy and not loaded.plan.pinned_in_copy
    assert _agree(with_each)[("S1", "B5")] > 0


def test_a_copy_the_engine_refuses_is_given_up_for_the_workbook_itself(tmp_path, monkeypatch):
    from trups_xl.recalc import writer

    monkeypatch.setattr(writer, "with_sheet", lambda *args: (b"<workbook", b"", b""))  # XML cut short
    path = _pinned_book(tmp_path / "b.xlsx", ["S1"])
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.plan is not None and not loaded.plan.scratch_in_copy and not loaded.plan.pinned_in_copy
    assert _agree(path)[("S1", "B5")] > 0


@pytest.mark.parametrize(("formula", "shown"), [
    ("=SHEETS()", 1.0), ("=sHeEtS()+0", 1.0),
    ("=FORMULATEXT(B2)", None), ("=formulatext(B3)", None), ("=ISFORMULA(B2)", None),
    ('=IFERROR(INDIRECT("_trups_scratch!A1"),"none")', "none")])
def test_a_workbook_looking_at_itself_is_evaluated_by_the_engine_alone(tmp_path, formula, shown):
    # the scratch sheet would be counted by SHEETS(), a pinned cell's text would read it in FORMULATEXT
    # (=TRUPS_COUPON(A2)*3 shown as =_trups_scratch!A1*3) and INDIRECT could name it: such a workbook's
    # calls are all the engine's (the function's name in any case)
    path = _pinned_book(tmp_path / "b.xlsx", ["S1"], cells={"D1": formula})
    loaded = load_workbook(path, blank_runs=True)
    assert loaded.reflective and loaded.plan is None
    values = _agree(path)
    assert values[("S1", "B5")] > 0
    if shown is not None:
        assert values[("S1", "D1")] == shown
    if "FORMULATEXT" in formula.upper():
        assert "TRUPS_COUPON(A" in values[("S1", "D1")]


@pytest.mark.parametrize("formula", ["=TRUPS_COUPON(B2)*3", "=TRUPS_NEXT_PAYMENT_DATE(B2)"])
def test_a_call_reading_its_own_cell_shows_what_the_engine_shows(tmp_path, formula):
    # a cycle of one cell: the engine loads it and shows 0, but refuses it set through its API; the call
    # is left to the engine (no traceback)
    path = _pinned_book(tmp_path / "b.xlsx", ["S1"], cells={"B2": formula})
    values = _agree(path)
    assert values[("S1", "B2")] == 0.0 and values[("S1", "B5")] > 0


_PIECES = st.sampled_from(["=", "TRUPS_", "trupſ_", "Trups_", "ACCRUAL", "COUPON", "NOPE", "(", ")", "IF", ",",
                           "A1", " ", "+", "\n"])


@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), max_size=30))
def test_reading_back_keeps_the_texts_that_start_with_a_call_and_only_those(texts):
    formulas = {("S", row, 1): text for row, text in enumerate(texts, start=1)}
    expected = {key: text for key, text in formulas.items() if top_function(text) is not None}
    keep_for_collect(formulas)
    assert formulas == expected


@pytest.mark.parametrize("dynamic", [False, True])
def test_an_array_formula_as_excel_saves_it_is_evaluated_over_the_results_it_was_saved_with(tmp_path, dynamic):
    # Excel saves an array formula's range with the results it last computed in its cells (B2, B3 below, old
    # results 99); the engine took them for values in the way (#SPILL!): the engine's copy leaves them empty
    import zipfile

    from trups_xl.recalc import recalculate

    path = write_book(tmp_path / "saved.xlsx", {"A1": 1, "A2": 2, "A3": 3, "B2": 99, "B3": 99, "C1": "=SUM(B1:B3)"})
    book = openpyxl.load_workbook(path)
    book["Sheet"]["B1"] = ArrayFormula("B1:B3", "=A1:A3*2")
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b'<c r="B1"><f t="array" ref="B1:B3">A1:A3*2</f><v /></c>' in sheet
    # its own cell's result too, as Excel saves it; Excel 365's dynamic array is marked by its cell's metadata
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'<c r="B1"><f t="array" ref="B1:B3">A1:A3*2</f><v /></c>', (
        b'<c r="B1" cm="1">' if dynamic else b'<c r="B1">') + b'<f t="array" ref="B1:B3">A1:A3*2</f><v>99</v></c>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    for fast in (True, False):
        result = recalculate(path, vectorise_calls=fast)
        assert [result.values[("Sheet", ref)] for ref in ("B1", "B2", "B3", "C1")] == [2.0, 4.0, 6.0, 12.0], fast
        assert not result.notices
