"""Scenarios: the model loaded once and evaluated under scenario after scenario gives, cell for cell, what a
fresh recalculation of the workbook with that scenario's inputs typed in gives; the scenario table and the
outputs are untrusted input refused in one line naming the row and column."""

import datetime as dt
import sys
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import analyst_model as model  # noqa: E402

from trups_xl.excel.convert import serial_to_date  # noqa: E402
from trups_xl.recalc import recalculate, shown, write_values  # noqa: E402
from trups_xl.recalc.addresses import coordinate  # noqa: E402
from trups_xl.recalc.scenarios import ModelSession, Scenario  # noqa: E402

ROWS = 30
#: Inputs the analyst model names, with the cell each one is.
INPUT_CELLS = {"Shift": "B2", "Yield": "B3", "DeferStart": "B4", "Inputs!B5": "B5", "DeferEnd": "B6"}
SCENARIOS = [
    Scenario("up 100bp", 2, (("Shift", 0.0125),)),
    Scenario("down 200bp, yield 8%", 3, (("Shift", -0.0175), ("Yield", 0.08))),
    Scenario("deferral 2008-2016, 1m held", 4, (("DeferStart", 39448.0), ("DeferEnd", 42370.0), ("Inputs!B5", 1e6))),
    Scenario("base again", 5, ()),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return model.generate(tmp_path_factory.mktemp("model") / "model.xlsx", ROWS)


def _values(path):
    """Every cell of every sheet as openpyxl reads the values copy (dates as datetimes)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def _typed_in(book, scenario, folder):
    """The workbook with the scenario's inputs typed into their cells (openpyxl, as a user would)."""
    wb = openpyxl.load_workbook(book)
    for header, value in scenario.inputs:
        cell = wb["Inputs"][INPUT_CELLS[header]]
        is_date = header.startswith("Defer")
        cell.value = dt.datetime(1899, 12, 30) + dt.timedelta(days=value) if is_date else value
    path = folder / "typed.xlsx"
    wb.save(path)
    return path


def _same(got, want):
    if isinstance(want, float) and isinstance(got, float):
        return got == pytest.approx(want, rel=1e-12, abs=1e-9)
    return got == want


def test_each_scenario_equals_a_fresh_recalculation_with_its_inputs_typed_in(book, tmp_path):
    session = ModelSession(book)
    outputs = ["Result_AccrualTotal", "Result_MaxMakeWhole", "Result_Deferred", "Ledger!H2:J6"]
    for scenario in SCENARIOS:
        outcome = session.evaluate(scenario, outputs, keep_workbook=True)
        assert outcome.message == ""
        typed = _typed_in(book, scenario, tmp_path)
        fresh = recalculate(typed)
        copy = tmp_path / "fresh.values.xlsx"
        write_values(typed, copy, fresh)
        ours = tmp_path / "scenario.values.xlsx"
        ours.write_bytes(outcome.workbook)
        want, got = _values(copy), _values(ours)
        assert want.keys() == got.keys()
        different = [k for k in want if not _same(got[k], want[k])]
        assert not different, (scenario.name, different[:5], [(got[k], want[k]) for k in different[:5]])
        by_name = dict(outcome.values)
        assert by_name["Result_MaxMakeWhole"] == pytest.approx(fresh.names["Result_MaxMakeWhole"], rel=1e-12)
        assert by_name["Result_Deferred"] == pytest.approx(fresh.names["Result_Deferred"], rel=1e-12, abs=1e-9)
        assert by_name["Ledger!H2:J6 Ledger!J6"] == pytest.approx(fresh.values[("Ledger", "J6")], rel=1e-12)


def test_the_shocks_move_what_they_should(book):
    """Not a tautology of the comparison above: a higher Treasury rate lowers the make-whole amount,
    and a deferral window over the ledger's dates defers interest."""
    session = ModelSession(book)
    base, up, defer = (dict(session.evaluate(s, ["Result_MaxMakeWhole", "Result_Deferred"]).values)
                       for s in (Scenario("b", 1, ()), SCENARIOS[0], SCENARIOS[2]))
    assert up["Result_MaxMakeWhole"] < base["Result_MaxMakeWhole"]
    assert base["Result_Deferred"] == 0 < defer["Result_Deferred"]
    again = dict(session.evaluate(Scenario("b", 1, ()), ["Result_MaxMakeWhole", "Result_Deferred"]).values)
    assert again == pytest.approx(base, rel=1e-12)  # the base restored after each scenario


def test_an_input_the_workbook_does_not_have_names_the_scenario_input(book):
    session = ModelSession(book)
    for header, why in (("Nope!B2", "no sheet 'Nope'"), ("NoSuchName", "no defined name 'NoSuchName'"),
                        ("Ledger!E2", "holds a formula"), ("Weights", "a range of 3 cells")):
        outcome = session.evaluate(Scenario("s", 2, ((header, 1.0),)), ["Result_Deferred"])
        assert outcome.values == [] and outcome.message.startswith(f"input {header}: ") and why in outcome.message
    outcome = session.evaluate(Scenario("s", 2, ()), ["Ledger!A1:Z300", "Ledger!A301:Z400", "Result_Deferred"])
    assert outcome.message == "outputs: 10,401 cells in all; at most 10,000 are read per scenario"
    outcome = session.evaluate(Scenario("s", 2, (("Shift", 0.5),)), ["Result_Nope"])
    assert outcome.message == "output Result_Nope: the workbook has no defined name 'Result_Nope'"
    base = dict(session.evaluate(Scenario("b", 3, ()), ["Result_MaxMakeWhole"]).values)
    assert base["Result_MaxMakeWhole"] == pytest.approx(recalculate(book).names["Result_MaxMakeWhole"], rel=1e-12)


def test_calls_reading_a_spilled_table_follow_a_scenario_as_a_fresh_recalculation_does(tmp_path):
    """A run of calls reading cells a table spills into, and a reader of it: the scenario moves the table."""
    from tests.books import write_book

    cells = {"B20": dt.datetime(2008, 1, 1), "C20": 3_500_000,
             "A1": '=TRUPS_SCHEDULE(B20,"2009-12-31")', "P1": "=TRUPS_CLAIM_LIMIT(N2)", "P2": "=TRUPS_CLAIM_LIMIT(N3)",
             "P3": "=TRUPS_CLAIM_LIMIT(P1)", "Q1": "=SUM(N2:N5)*C20/1000"}
    path = write_book(tmp_path / "spill.xlsx", cells)
    session = ModelSession(path)
    outputs = ["Sheet!P1:P3", "Sheet!Q1", "Sheet!A2:N5"]
    for name, start, held in (("later", dt.datetime(2008, 6, 30), None), ("base", None, None),
                              ("held", dt.datetime(2009, 1, 1), 1000.0)):
        inputs = tuple(x for x in (("Sheet!B20", (start - dt.datetime(1899, 12, 30)).days * 1.0) if start else None,
                                   ("Sheet!C20", held) if held else None) if x)
        got = dict(session.evaluate(Scenario(name, 2, inputs), outputs).values)
        typed = write_book(tmp_path / f"{name}.xlsx", {**cells, "B20": start or cells["B20"],
                                                      "C20": held or cells["C20"]})
        recalculated = recalculate(typed)
        fresh = recalculated.values
        for label, value in got.items():
            ref = label.split("!")[-1]
            want = fresh.get(("Sheet", ref))
            if recalculated.cells["Sheet"].get(coordinate(ref), (None, False))[1]:  # a date in the values copy
                want = serial_to_date(want).isoformat()
            assert _same(value, want), (name, ref, value, want)
        assert got["Sheet!P1:P3 Sheet!P1"] == fresh[("Sheet", "P1")]
        starts = {"later": "2008-06-21", "base": "2007-12-21", "held": "2008-12-21"}  # the first period's, a date
        assert got["Sheet!A2:N5 Sheet!B2"] == starts[name]


def test_the_shipped_model_workbook_under_a_scenario_equals_it_recalculated_with_the_inputs_typed_in(tmp_path):
    """The model workbook (spilled schedules, array formulas, charts) under a Treasury rate and redemption
    date typed into its Make-whole sheet: every cell of the values copy, against a fresh recalculation."""
    shipped = Path(__file__).parents[2] / "workbooks" / "citigroup_capital_xxi.xlsx"
    session = ModelSession(shipped)
    scenario = Scenario("5.25%, 2030-06-15", 2, (("MW_Treasury", 0.0525), ("MW_Date", 47649.0)))
    outcome = session.evaluate(scenario, ["Result_MakeWhole", "Result_MakeWholePV", "Result_PriceDate"],
                               keep_workbook=True)
    assert outcome.message == ""
    # typed into the package's own XML: a save through openpyxl would drop the dynamic-array metadata
    # (a re-saved copy spills 846 cells fewer), so it would not be the same workbook
    typed = _typed_into_package(shipped, tmp_path / "typed.xlsx", "Make-whole", {"B5": "47649", "B6": "0.0525"})
    fresh = recalculate(typed)
    write_values(typed, tmp_path / "fresh.xlsx", fresh)
    (tmp_path / "ours.xlsx").write_bytes(outcome.workbook)
    want, got = _values(tmp_path / "fresh.xlsx"), _values(tmp_path / "ours.xlsx")
    assert want.keys() == got.keys()
    assert not [k for k in want if not _same(got[k], want[k])]
    values = dict(outcome.values)
    assert values["Result_MakeWhole"] == pytest.approx(fresh.names["Result_MakeWhole"], rel=1e-12)
    # a date as the command's summary shows it (the cell's date format), not its serial
    assert values["Result_PriceDate"] == shown(fresh.names["Result_PriceDate"], fresh.shown_as["Result_PriceDate"][1])
    assert values["Result_PriceDate"] == "2030-06-12"  # the redemption date less 3 business days, by hand
    assert values["Result_MakeWhole"] != pytest.approx(recalculate(shipped).names["Result_MakeWhole"], rel=1e-6)


def _typed_into_package(source, target, title, values):
    """``source`` with the value cells ``values`` (ref -> number as text) of sheet ``title`` replaced in its XML."""
    import re
    import zipfile

    from trups_xl.recalc.package import sheet_parts

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        part = dict(sheet_parts(zin))[title]
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode()
                for ref, number in values.items():
                    text, n = re.subn(rf'<c r="{ref}"([^>]*)><v>[^<]*</v></c>', rf'<c r="{ref}"\1><v>{number}</v></c>',
                                      text)
                    assert n == 1, ref
                data = text.encode()
            zout.writestr(info, data)
    return target


#: Scenarios on the analyst ledgers, whose calls sit inside IF, IFERROR, AND and arithmetic (their values in
#: the scratch sheet the rewritten formulas read), with (name, value) inputs; dates as serials.
SHAPE_SCENARIOS = [
    Scenario("base", 1, ()),
    Scenario("principal 2500, shift +75bp", 2, (("Principal", 2500.0), ("Shift", 0.01))),
    Scenario("deferral from 2007-10-01", 3, (("DeferStart", 39356.0), ("DeferEnd", 39600.0))),
    Scenario("base again", 5, ()),
]


@pytest.mark.parametrize("shape", ["if", "chain", "arith", "ledger"])
def test_calls_nested_in_formulas_follow_a_scenario_as_a_fresh_recalculation_does(tmp_path, shape):
    """A call inside IF/IFERROR/arithmetic is made again when its arguments change (its scratch values set
    again, the formula around it recomputed by the engine): every cell equals a fresh recalculation of the
    workbook with the inputs typed in, and the scenario changes what it should."""
    import analyst_shapes as shapes

    rows = 200  # past the first payment date (2008-06-21), so an IF takes both branches
    book = shapes.generate(shape, tmp_path / f"{shape}.xlsx", rows)
    cells = {name: f"B{k + 2}" for k, (name, _) in enumerate(shapes.INPUTS)}
    session = ModelSession(book)
    base_values = None
    for scenario in SHAPE_SCENARIOS:
        outcome = session.evaluate(scenario, ["Inputs!B2"], keep_workbook=True)
        assert outcome.message == ""
        wb = openpyxl.load_workbook(book)
        for header, value in scenario.inputs:
            is_date = header.startswith("Defer")
            wb["Inputs"][cells[header]].value = dt.datetime(1899, 12, 30) + dt.timedelta(days=value) if is_date \
                else value
        typed = tmp_path / "typed.xlsx"
        wb.save(typed)
        copy, ours = tmp_path / "fresh.values.xlsx", tmp_path / "scenario.values.xlsx"
        write_values(typed, copy, recalculate(typed))
        ours.write_bytes(outcome.workbook)
        want, got = _values(copy), _values(ours)
        assert want.keys() == got.keys()
        different = [k for k in want if not _same(got[k], want[k])]
        assert not different, (scenario.name, different[:5], [(got[k], want[k]) for k in different[:5]])
        ledger = {k: v for k, v in got.items() if k[0] == "Ledger"}
        if base_values is None:
            base_values = ledger
        elif not scenario.inputs:
            assert ledger == base_values  # the base restored
        elif scenario.name.startswith("principal"):
            assert ledger != base_values  # the scenario moved the ledger


def _sheet_book(path, cells):
    """A workbook of one sheet, Sheet, holding ``cells`` (A1 reference -> value or formula)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def _against_fresh(tmp_path, cells, inputs, outputs):
    """One session through ``inputs`` (a list of {cell: value} per scenario, in order), each scenario's outputs
    beside the engine alone on the workbook with those values typed in: the pairs that differ."""
    session = ModelSession(_sheet_book(tmp_path / "model.xlsx", cells))
    wrong = []
    for k, typed in enumerate(inputs):
        got = dict(session.evaluate(Scenario(f"s{k}", k + 2, tuple((f"Sheet!{ref}", v) for ref, v in typed.items())),
                                    [f"Sheet!{ref}" for ref in outputs]).values)
        fresh = recalculate(_sheet_book(tmp_path / f"typed{k}.xlsx", {**cells, **typed}), vectorise_calls=False)
        for ref in outputs:
            if not _same(got[f"Sheet!{ref}"], fresh.values[("Sheet", ref)]):
                wrong.append((k, ref, got[f"Sheet!{ref}"], fresh.values[("Sheet", ref)]))
    return wrong


def test_a_logical_typed_where_a_number_was_is_a_change_to_the_calls_reading_it(tmp_path):
    # TRUE equals 1 in Python, not to a function: a claim limit on TRUE is refused, on 1 it is 1
    cells = {"B1": 1, "B3": 1000, "F1": "=TRUPS_CLAIM_LIMIT(B$1,B$3)", "F2": "=TRUPS_CLAIM_LIMIT(B$1,B$3)"}
    assert _against_fresh(tmp_path, cells, [{"B1": True}, {"B1": 2.0}, {"B1": True}, {}, {"B1": False}, {}],
                          ["F1", "F2"]) == []


def test_a_spill_only_a_scenario_makes_is_read_by_the_calls_below_it(tmp_path):
    cells = {"B1": 0, "B2": 1000, "D1": '=IF(B1>0,SEQUENCE(4)*100,"none")', "H1": "=SUM(F1:F5)"}
    cells |= {f"F{r}": f"=TRUPS_CLAIM_LIMIT(D{r},B2)" for r in range(1, 6)}
    assert _against_fresh(tmp_path, cells, [{"B1": 1.0}, {}, {"B1": 1.0}], ["H1", "F2", "F5"]) == []


def test_calls_given_back_to_the_engine_under_one_scenario_are_read_as_the_engine_s_in_the_next(tmp_path):
    # a blank term makes TRUPS_TERMS answer its whole table (the engine's to spill, from then on): the claim
    # limits reading it follow it in every later scenario, whatever the order
    cells = {"B1": 1}
    for r in range(2, 6):
        cells[f"A{r}"] = '=IF($B$1=1,"fixed_rate",IF($B$1=2,"floating_margin",""))'
        cells[f"C{r}"] = f"=TRUPS_TERMS(A{r})"
        cells[f"D{r}"] = f"=TRUPS_CLAIM_LIMIT(C{r})"
    assert _against_fresh(tmp_path, cells, [{"B1": 0.0}, {"B1": 2.0}, {}, {"B1": 0.0}, {}], ["D3", "D5"]) == []


def test_dates_show_in_the_outputs_as_a_recalculation_shows_them(tmp_path):
    # a date the engine computed (=A1+30), a call the engine makes itself (reading its own column), a call
    # through IFERROR (its number, as the engine shows it) and a whole-formula run's (a date)
    cells = {"A1": dt.datetime(2009, 1, 31), "B1": dt.datetime(2009, 1, 31), "H1": "=A1+30"}
    for r in range(2, 6):
        cells[f"A{r}"] = f"=TRUPS_NEXT_PAYMENT_DATE(A{r - 1})"
        cells[f"E{r}"] = f"=B$1+{r}*30"
        cells[f"F{r}"] = f"=TRUPS_NEXT_PAYMENT_DATE(E{r})"
        cells[f"G{r}"] = f'=IFERROR(TRUPS_NEXT_PAYMENT_DATE(E{r}),"")'
    session = ModelSession(_sheet_book(tmp_path / "model.xlsx", cells))
    outputs = ["Sheet!H1", "Sheet!A3", "Sheet!F3", "Sheet!G3"]
    base = dict(session.evaluate(Scenario("base", 2, ()), outputs).values)
    later = dict(session.evaluate(Scenario("later", 3, (("Sheet!B1", 40210.0),)), outputs).values)  # 2010-02-01
    assert base == {"Sheet!H1": "2009-03-02", "Sheet!A3": "2009-12-21", "Sheet!F3": "2009-06-21",
                    "Sheet!G3": 39985.0}
    assert later == {"Sheet!H1": "2009-03-02", "Sheet!A3": "2009-12-21", "Sheet!F3": "2010-06-21",
                     "Sheet!G3": 40350.0}


def test_an_input_in_the_area_a_formula_spills_into_is_refused_naming_the_spill(tmp_path):
    session = ModelSession(_sheet_book(tmp_path / "model.xlsx", {"B3": 1.0, "D1": "=SEQUENCE(3)*B3"}))
    out = session.evaluate(Scenario("in the spill", 2, (("Sheet!D2", 50.0),)), ["Sheet!D1"])
    assert out.values == [] and out.message == (
        "input Sheet!D2: 'Sheet!D2' (Sheet!D2) is filled by the spill of Sheet!D1; an input sets a cell that holds "
        "a value")
    assert session.evaluate(Scenario("doubled", 3, (("Sheet!B3", 2.0),)), ["Sheet!D3"]).values == [("Sheet!D3", 6.0)]


def test_cells_a_call_given_back_to_the_engine_spills_into_are_read_again(tmp_path):
    # a blank security makes TRUPS_TERMS answer its table only under a scenario: given back to the engine, it
    # spills right of and below its cell, where the claim limits read
    cells = {"B1": "fixed_rate", "C2": "=TRUPS_TERMS(B1)", "F2": "=TRUPS_CLAIM_LIMIT(D2)",
             "F3": "=TRUPS_CLAIM_LIMIT(C3)", "F4": "=TRUPS_CLAIM_LIMIT(D3)"}
    assert _against_fresh(tmp_path, cells, [{}, {"B1": ""}, {}, {"B1": ""}], ["C2", "F2", "F3", "F4"]) == []


def test_a_date_formatted_call_through_iferror_shows_a_date_and_a_spilled_schedule_its_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    ws["B1"] = dt.datetime(2009, 1, 31)
    for r in range(2, 6):
        ws[f"E{r}"] = f"=B$1+{r}*30"
        ws[f"G{r}"] = f'=IFERROR(TRUPS_NEXT_PAYMENT_DATE(E{r}),"")'
        ws[f"G{r}"].number_format = "yyyy-mm-dd"
    ws["J1"] = '=TRUPS_SCHEDULE(B1,"2010-12-31")'  # the engine's call: a table of dates and amounts
    wb.save(tmp_path / "model.xlsx")
    session = ModelSession(tmp_path / "model.xlsx")
    row = ["Sheet!J2", "Sheet!K2", "Sheet!L2", "Sheet!O2", "Sheet!W2"]  # period, start, end, payment, interest
    later = dict(session.evaluate(Scenario("later", 2, (("Sheet!B1", 40210.0),)), ["Sheet!G3", *row]).values)
    assert later["Sheet!G3"] == "2010-06-21"  # as the cell's format shows it
    # the schedule's first row from 2010-02-01, as the function gives it, its dates as dates
    from trups_xl.excel import udfs

    first = udfs.TRUPS_SCHEDULE(dt.date(2010, 2, 1), "2010-12-31")[1]
    want = [v.isoformat() if isinstance(v, dt.date) else v for v in (first[0], first[1], first[2], first[5], first[13])]
    assert [later[ref] for ref in row] == want == [5, "2009-12-21", "2010-06-21", "2010-06-21", 41.5]


def test_an_input_in_an_array_formula_s_range_is_refused(tmp_path):
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    ws["A1"], ws["A2"], ws["A3"], ws["E1"] = 1, 2, 3, "=SUM(C1:C3)"
    ws["C1"] = ArrayFormula("C1:C3", "=A1:A3*10")
    wb.save(tmp_path / "model.xlsx")
    out = ModelSession(tmp_path / "model.xlsx").evaluate(Scenario("x", 2, (("Sheet!C2", 5.0),)), ["Sheet!E1"])
    assert out.values == [] and out.message == ("input Sheet!C2: 'Sheet!C2' (Sheet!C2) is part of an array "
                                                "formula's range; an input sets a cell that holds a value")


def test_a_scenario_date_is_its_excel_serial_in_the_values_copy(tmp_path):
    # Excel's serials (hand values): 1900-03-01 is 61, the first a scenario sets; 2012-03-21 is 40989
    import zipfile

    from trups_xl.recalc.scenario_table import parse_value

    session = ModelSession(_sheet_book(tmp_path / "model.xlsx", {"B1": dt.datetime(2009, 1, 31), "C1": "=B1+1"}))
    for text, serial in (("1900-03-01", 61.0), ("2012-03-21", 40989.0)):
        day = parse_value(text, "t.csv", 2, "Sheet!B1")
        out = session.evaluate(Scenario("one", 2, (("Sheet!B1", day),)), ["Sheet!B1", "Sheet!C1"], keep_workbook=True)
        assert out.values[0] == ("Sheet!B1", text)
        (tmp_path / "copy.xlsx").write_bytes(out.workbook)
        with zipfile.ZipFile(tmp_path / "copy.xlsx") as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert f'<v>{serial!r}</v>' in sheet.split('<c r="B1"', 1)[1].split("</c>", 1)[0]
        assert openpyxl.load_workbook(tmp_path / "copy.xlsx", data_only=True)["Sheet"]["B1"].value == \
            dt.datetime.fromisoformat(text)


def test_a_scenario_date_time_keeps_its_time_of_day_in_the_model_its_outputs_and_the_values_copy(tmp_path):
    """2012-03-21 18:00 from a scenario table was set into the model as 2012-03-21: =B1*24 gave 983,736 hours, not
    983,754; it is now the date-time, as a fresh recalculation with it typed in gives."""
    import zipfile

    from trups_xl.recalc.scenario_table import parse_value

    cells = {"B1": dt.datetime(2009, 1, 31), "C1": "=B1*24", "D1": "=B1+1"}
    session = ModelSession(_sheet_book(tmp_path / "model.xlsx", cells))
    moment = parse_value("2012-03-21 18:00", "t.csv", 2, "Sheet!B1")
    out = session.evaluate(Scenario("evening", 2, (("Sheet!B1", moment),)), ["Sheet!B1", "Sheet!C1"],
                           keep_workbook=True)
    assert dict(out.values) == {"Sheet!B1": "2012-03-21T18:00:00", "Sheet!C1": 40989.75 * 24}
    fresh = recalculate(_sheet_book(tmp_path / "typed.xlsx", {**cells, "B1": dt.datetime(2012, 3, 21, 18)}),
                        vectorise_calls=False)
    assert fresh.values[("Sheet", "C1")] == 40989.75 * 24
    (tmp_path / "copy.xlsx").write_bytes(out.workbook)
    with zipfile.ZipFile(tmp_path / "copy.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>40989.75</v>" in sheet.split('<c r="B1"', 1)[1].split("</c>", 1)[0]
    assert openpyxl.load_workbook(tmp_path / "copy.xlsx", data_only=True)["Sheet"]["D1"].value == \
        dt.datetime(2012, 3, 22, 18)
