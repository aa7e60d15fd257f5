"""The model workbook: committed file = generator output; headless recalculation end to end."""

import datetime as dt
import re
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("formualizer")

from books import write_book  # noqa: E402
from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402
from openpyxl.worksheet.formula import ArrayFormula  # noqa: E402

from trups_xl.cli import main  # noqa: E402
from trups_xl.core.securities.loading import TERMS  # noqa: E402
from trups_xl.excel.convert import date_to_serial  # noqa: E402
from trups_xl.excel.function import REGISTRY  # noqa: E402
from trups_xl.recalc import recalculate  # noqa: E402
from trups_xl.workbook import DEFAULT_PATH, save  # noqa: E402


def _snapshot(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    cells = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = c.value
                if isinstance(value, ArrayFormula):
                    value = ("array", value.ref, value.text)
                if value is not None:
                    cells[(ws.title, c.coordinate)] = (value, c.number_format, c.font.color.rgb if c.font.color else None)
    names = {n: d.attr_text for n, d in book.defined_names.items()}
    charts = {ws.title: len(ws._charts) for ws in book.worksheets}
    return {"sheets": book.sheetnames, "cells": cells, "names": names, "charts": charts}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return save(tmp_path_factory.mktemp("wb") / "model.xlsx")


def test_committed_workbook_equals_generator_output(generated):
    assert _snapshot(DEFAULT_PATH) == _snapshot(generated), "run: python -m trups_xl.workbook"


def test_required_sheets_and_conventions(generated):
    snap = _snapshot(generated)
    assert {"Terms", "Schedule", "Accrual", "Make-whole", "Deferral & APM", "Share cap",
            "Par vs make-whole", "xlwings.conf"} <= set(snap["sheets"])
    assert snap["cells"][("xlwings.conf", "B1")][0] == "trups_xl.udfs"
    assert snap["charts"]["Schedule"] == 1
    formulas = [v[0] for v in snap["cells"].values() if isinstance(v[0], (str, tuple))]
    texts = [f[2] if isinstance(f, tuple) else f for f in formulas if isinstance(f, tuple) or f.startswith("=")]
    for text in texts:  # outputs reference named inputs only: no numbers typed into formulas
        assert not re.search(r"(?<![A-Za-z_\d$])\d+(\.\d+)?(?![A-Za-z_\d])", text.replace("Result_", "")), text


def _resolve(arg: str, book, values, sheet_title: str = "") -> object:
    arg = arg.strip()
    if arg == "":
        return None
    if arg.startswith('"'):
        return arg.strip('"')
    if re.fullmatch(r"[A-Z]+\d+", arg):  # a cell of the same sheet: computed, or typed
        return values.get((sheet_title, arg), book[sheet_title][arg].value)
    sheet, ref = next(iter(book.defined_names[arg].destinations))
    ref = ref.replace("$", "")
    if ":" not in ref:  # a computed cell, or an input as typed
        return values.get((sheet, ref), book[sheet][ref].value)
    first, last = ref.split(":")
    c1, r1 = re.match(r"([A-Z]+)(\d+)", first).groups()
    c2, r2 = re.match(r"([A-Z]+)(\d+)", last).groups()
    return [[values.get((sheet, f"{get_column_letter(c)}{r}"), book[sheet].cell(r, c).value)
             for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1)]
            for r in range(int(r1), int(r2) + 1)]


def _excel(v):
    if isinstance(v, dt.date):
        return float(date_to_serial(v))
    return "" if v is None else v


def test_recalculation_matches_direct_calls_and_has_no_errors(generated):
    result = recalculate(generated)
    assert result.errors == []
    book = openpyxl.load_workbook(generated)
    checked = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                array = isinstance(c.value, ArrayFormula)
                text = c.value.text if array else c.value
                if not (isinstance(text, str) and text.startswith("=TRUPS_")):
                    continue
                name, inner = re.match(r"=(TRUPS_\w+)\((.*)\)$", text).groups()
                args = [_resolve(a, book, result.values, ws.title) for a in inner.split(",")] if inner else []
                expected = REGISTRY[name](*args)
                assert not (isinstance(expected, str) and expected.startswith("#")), (text, expected)
                rows = expected if isinstance(expected, list) else [[expected]]
                col0, row0 = column_index_from_string(c.column_letter), c.row
                for i, line in enumerate(rows):
                    for j, v in enumerate(line):
                        got = result.values[(ws.title, f"{get_column_letter(col0 + j)}{row0 + i}")]
                        want = _excel(v)
                        if isinstance(want, float):
                            assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (ws.title, text, i, j)
                        else:
                            assert got == want, (ws.title, text, i, j)
                checked.add(name)
    assert len(checked) >= 15


def test_cli_recalc_writes_a_copy_and_prints_the_summary(generated, tmp_path, capsys):
    before = generated.read_bytes()
    out = tmp_path / "values.xlsx"
    assert main(["recalc", str(generated), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "  Make-whole price incl. accrued ($)" in printed and "1,266.25\n" in printed  # label and format of the sheet
    assert "Share cap after (shares)" in printed and " 19,500,000\n" in printed  # a count as an integer
    assert "Treasury price date" in printed and "2030-03-12" in printed
    assert "Index under the LIBOR Act (%)" in printed and "4.01161%" in printed
    assert generated.read_bytes() == before  # the input is never touched
    values = openpyxl.load_workbook(out)["Make-whole"]
    assert isinstance(values["B21"].value, float)
    with pytest.raises(SystemExit):
        main(["recalc", "--help"])
    assert "--in-place" in capsys.readouterr().out


def test_recalc_reports_error_cells_and_leaves_plain_text_alone(tmp_path):
    path = write_book(tmp_path / "bad.xlsx", {"A1": '=TRUPS_ACCRUAL("abc",B1)', "A2": "=1/0",
                                              "A3": "#hashtag, not an error"})
    errors = recalculate(path).errors
    assert len(errors) == 2
    assert errors[0].startswith("Sheet!A1: #TRUPS! start_date:") and errors[1] == "Sheet!A2: #DIV/0!"


def _named_inputs(path: Path):
    """name -> Python value of every named input (dates as datetime.date, ranges as column lists)."""
    book = openpyxl.load_workbook(path)

    def plain(v):
        return v.date() if isinstance(v, dt.datetime) else v

    def value(name: str):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        cells = book[sheet][ref.replace("$", "")]
        if isinstance(cells, tuple):
            return [plain(c.value) for row in cells for c in row]
        return plain(cells.value)

    return value


def test_every_named_result_matches_a_direct_core_call(generated):
    """Each ``Result_*`` cell of the recalculated workbook against the calculation core called
    directly on the workbook's inputs — no trups_xl.excel.udfs, no Excel conversion in between."""
    import numpy as np

    from trups_xl.core.pricing import accrual, redemption
    from trups_xl.core.provisions import apm, covenant, deferral, sharecap
    from trups_xl.core.rates import fixings as rates
    from trups_xl.core.rates import libor
    from trups_xl.core.rates.curve import ForwardCurve
    from trups_xl.core.securities import loading

    v = _named_inputs(generated)

    def d(name):
        return np.datetime64(v(name), "D")

    def f(x):
        return float(np.asarray(x))

    def serial(x):
        return float(date_to_serial(np.asarray(x, dtype="datetime64[D]").item()))

    term_sofr = rates.Fixings(table=tuple((d, r) for d, r in zip(v("Ix_Fixings_period_start"), v("Ix_Fixings_rate"),
                                                                 strict=True) if d is not None))  # spare rows
    average = apm.apm_average_price(v("APM_Issuance"), v("APM_History_date"), v("APM_History_close"), terms=TERMS)
    deferred = deferral.deferred_interest(v("Def_First"), v("Def_AsOf"), principal=v("Def_Principal"), terms=TERMS)
    par = redemption.redemption_price(d("RCE_Redemption"), None, "regulatory_capital", v("RCE_Event"), terms=TERMS)
    mw = redemption.make_whole_price(d("RCE_Redemption"), v("RCE_Treasury"), terms=TERMS)
    core = {
        "Result_Accrual": f(accrual.accrual(d("Acc_Start"), d("Acc_End"), principal=v("Acc_Principal"), terms=TERMS)),
        "Result_Accrued": f(accrual.accrued_interest(d("Acc_Settlement"), principal=v("Acc_Principal"), terms=TERMS)),
        "Result_Previous": serial(accrual.previous_payment_date(d("Acc_Settlement"), terms=TERMS)),
        "Result_Next": serial(accrual.next_payment_date(d("Acc_Settlement"), terms=TERMS)),
        "Result_Coupon": f(accrual.coupon(d("Acc_Payment"), principal=v("Acc_Principal"), terms=TERMS)),
        "Result_MakeWhole": f(redemption.make_whole_price(d("MW_Date"), v("MW_Treasury"), v("MW_Spread"),
                                                          v("MW_Principal"), terms=TERMS)),
        "Result_MakeWholePV": f(redemption.make_whole_pv(d("MW_Date"), v("MW_Treasury"), v("MW_Spread"),
                                                         v("MW_Principal"), terms=TERMS)),
        "Result_PriceDate": serial(redemption.treasury_price_date(d("MW_Date"))),
        "Result_Deferred": deferred,
        "Result_ClaimLimit": f(deferral.claim_limit(deferred, v("Def_Principal"), terms=TERMS)),
        "Result_APMAverage": average,
        "Result_APMMax": apm.apm_max_obligation(average, v("APM_Shares"), v("APM_Applied"), terms=TERMS),
        "Result_CapBefore": sharecap.share_cap(v("Cap_Before"), terms=TERMS),
        "Result_CapAfter": sharecap.share_cap(v("Cap_After"), terms=TERMS),
        "Result_CapRequired": sharecap.share_cap_required(v("Cap_TestDate"), v("Cap_Deferred"), v("Cap_Price"), terms=TERMS),
        "Result_Saleable": sharecap.shares_saleable(v("Cap_Amount"), v("Cap_Price"), v("Cap_After"), terms=TERMS),
        "Result_Par": f(par),
        "Result_MW": f(mw),
        "Result_Diff": f(mw) - f(par),
        "Result_DiffTotal": (f(mw) - f(par)) * v("RCE_Securities"),
        "Result_PayDate": serial(redemption.redemption_payment_date(d("RCE_Redemption"))),
        "Result_IndexAct": f(rates.index_rate(d("Ix_Start"), term_sofr, v("Ix_PolicyAct"),
                                              ForwardCurve.flat(v("Ix_Curve")), terms=TERMS)),
        "Result_IndexText": f(rates.index_rate(d("Ix_Start"), None, v("Ix_PolicyFallback"), terms=TERMS)),
        "Result_LiborQuotes": libor.libor_from_quotes(v("Ix_Quotes"), terms=TERMS),
        "Result_CRCPercentage": f(covenant.applicable_percentage(d("CRC_AsOf"), v("CRC_Category"), terms=TERMS)),
        "Result_CRCCapacity": covenant.capacity(v("CRC_AsOf"), v("CRC_Issues_category"), v("CRC_Issues_proceeds"),
                                                terms=TERMS),
        "Result_MeasurementDate": float(date_to_serial(covenant.measurement_date(v("CRC_Notice"), terms=TERMS))),
        "Result_MaturityRepay": covenant.maturity_repayment(v("Mat_Proceeds"), v("Mat_Date"), terms=TERMS),
    }
    sofr = ForwardCurve.of([(d, r) for d, r in zip(v("Sec_Curve_date"), v("Sec_Curve_rate"), strict=True)
                            if d is not None])
    yours = loading.from_rows([(t, val) for t, val in zip(v("Sec_Yours_term"), v("Sec_Yours_value"), strict=True)
                             if t is not None])
    for suffix, security in (("XXI", loading.by_name(v("Sec_XXI"))), ("XIII", loading.by_name(v("Sec_XIII"))),
                             ("Yours", yours)):
        core[f"Result_{suffix}Next"] = serial(accrual.next_payment_date(d("Sec_AsOf"), terms=security))
        core[f"Result_{suffix}Accrued"] = f(accrual.accrued_interest(d("Sec_AsOf"), policy=v("Sec_Policy"), curve=sofr,
                                                                     terms=security))
        core[f"Result_{suffix}Par"] = security.liquidation_amount
    for suffix in ("Mellon", "SeriesX", "JPM2031", "Citi2030"):
        security, index = loading.by_name(v(f"Sec_{suffix}")), rates.Fixings(single=v(f"Sec_{suffix}Index"))
        nxt = accrual.next_payment_date(d("Sec_AsOf"), terms=security)
        core[f"Result_{suffix}Next"] = serial(nxt)
        core[f"Result_{suffix}Coupon"] = f(accrual.coupon(nxt, index, policy=v("Sec_Policy"), terms=security))
        core[f"Result_{suffix}Accrued"] = f(accrual.accrued_interest(d("Sec_AsOf"), index, policy=v("Sec_Policy"),
                                                                     terms=security))
        core[f"Result_{suffix}Floor"] = security.floating_floor if security.floating_floor is not None else ""
    _yield_and_risk(core, v, d, f, serial)
    result = recalculate(generated)
    assert set(result.names) == set(core), "every named result needs a direct core call here"
    for name, want in core.items():
        if isinstance(want, str):  # a term the security does not have: a blank cell
            assert result.names[name] in (want, None), name
            continue
        assert result.names[name] == pytest.approx(want, rel=1e-12, abs=1e-9), name


def _yield_and_risk(core, v, d, f, serial) -> None:
    """The "Yield & risk" sheet's results from the core: a security and the legacy floater, both by id."""
    from trups_xl.core.pricing import risk, spreads
    from trups_xl.core.pricing import workout_yield as wy
    from trups_xl.core.securities import loading

    settle = v("YR_Settlement")
    settle = settle.date() if isinstance(settle, dt.datetime) else settle
    bench = spreads.TenorCurve(tuple(v("YR_Treasury_tenor")), tuple(v("YR_Treasury_rate")))
    for suffix, security, price, index in (("YR1", loading.by_name(v("YR_Security")), v("YR_Price"), v("YR_Index")),
                                           ("YR2", loading.by_name(v("YR_Legacy")), v("YR_LegacyPrice"),
                                            v("YR_LegacyIndex"))):
        market = wy.Market(index=float(index))
        ytw = wy.yield_to_workout(settle, float(price), security, market=market)
        core[f"Result_{suffix}YTW"] = ytw
        core[f"Result_{suffix}Workout"] = serial(wy.worst_workout_date(settle, float(price), security, market=market))
        core[f"Result_{suffix}YTM"] = wy.yield_to_workout(settle, float(price), security, wy.Workout.MATURITY, market)
        core[f"Result_{suffix}YTC"] = wy.yield_to_workout(settle, float(price), security, wy.Workout.NEXT_CALL, market)
        core[f"Result_{suffix}Price"] = wy.price_to_workout(settle, ytw, security, market=market)
        for key, measure in (("Modified", "modified"), ("Macaulay", "macaulay"), ("Convexity", "convexity"),
                             ("EffDuration", "effective_duration"), ("EffConvexity", "effective_convexity"),
                             ("SpreadDuration", "spread_duration"), ("DV01", "dv01")):
            core[f"Result_{suffix}{key}"] = risk.risk(settle, float(price), risk.Measure(measure), security,
                                                      market=market)
        core[f"Result_{suffix}DV01Holding"] = risk.risk(settle, float(price), risk.Measure.DV01, security,
                                                        market=market, holding=float(v("YR_Holding")))
        core[f"Result_{suffix}GSpread"] = spreads.spread(settle, float(price), spreads.SpreadKind.G, bench, security,
                                                         market=market)
        core[f"Result_{suffix}ZSpread"] = spreads.spread(settle, float(price), spreads.SpreadKind.Z, bench, security,
                                                         market=market)
        core[f"Result_{suffix}DM"] = spreads.discount_margin(settle, float(price), float(index), security)


def _set_named(book, name: str, value) -> None:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    book[sheet][ref.replace("$", "").split(":")[0]] = value


def test_tables_are_dynamic_arrays_that_grow_when_the_dates_move(tmp_path):
    from trups_xl.excel.udfs import TRUPS_SCHEDULE
    from trups_xl.recalc.package import scan
    from trups_xl.recalc.safety import Limits

    assert scan(DEFAULT_PATH, Limits()).sheet("Schedule").formulas[(28, 1)].dynamic
    path = tmp_path / DEFAULT_PATH.name
    book = openpyxl.load_workbook(DEFAULT_PATH)
    _set_named(book, "Sched_From", dt.datetime(2030, 6, 21))
    book.save(path)
    # openpyxl drops the dynamic-array marks on save: mark them again as Excel would keep them
    from trups_xl.workbook import dynamic_anchors, mark_dynamic_arrays
    marked = tmp_path / "marked" / DEFAULT_PATH.name
    marked.parent.mkdir()
    mark_dynamic_arrays(path, marked, dynamic_anchors(openpyxl.load_workbook(path)))
    result = recalculate(marked)
    assert result.errors == []
    fixings = [[dt.date(2037, 12, 21), 0.045], [dt.date(2038, 3, 21), 0.0455], [dt.date(2038, 6, 21), 0.046],
               [dt.date(2038, 9, 21), 0.0465]]
    table = TRUPS_SCHEDULE("2030-06-21", "2038-12-21", fixings, 1000)
    assert len(table) > 10  # 2030..2038: more rows than the 2036..2038 table the workbook ships with
    assert result.spills[("Schedule", "A28")] == f"A28:N{28 + len(table) - 1}"
    assert result.values[("Schedule", f"N{28 + len(table) - 1}")] == pytest.approx(table[-1][13])


def test_a_fixing_typed_in_a_spare_row_is_used(tmp_path):
    path = tmp_path / "marked" / DEFAULT_PATH.name
    path.parent.mkdir()
    plain = tmp_path / DEFAULT_PATH.name
    book = openpyxl.load_workbook(DEFAULT_PATH)
    sheet, ref = next(iter(book.defined_names["Sched_Fixings"].destinations))
    first = int(re.search(r"\$(\d+):", ref).group(1))
    ws = book[sheet]
    ws.cell(first + 4, 2, dt.datetime(2038, 12, 21))  # the first blank row of the table
    ws.cell(first + 4, 3, 0.05)
    _set_named(book, "Sched_To", dt.datetime(2039, 3, 21))
    book.save(plain)
    from trups_xl.workbook import dynamic_anchors, mark_dynamic_arrays
    mark_dynamic_arrays(plain, path, dynamic_anchors(openpyxl.load_workbook(plain)))
    result = recalculate(path)
    assert result.errors == []
    rows = [(r, result.values.get(("Schedule", f"C{r}"))) for r in range(29, 40)]
    last = max(r for r, v in rows if isinstance(v, float))
    assert result.values[("Schedule", f"C{last}")] == date_to_serial(dt.date(2039, 3, 21))
    assert result.values[("Schedule", f"M{last}")] == pytest.approx(0.05 + 0.0417)


def test_print_settings(generated):
    book = openpyxl.load_workbook(generated)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        scale = int(ws.page_setup.scale)
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
        # 70%..100%, or down to 60% only where that puts the sheet on one page width
        assert 70 <= scale <= 100 or (60 <= scale < 70 and width * scale <= 90 * 100), (ws.title, scale, width)
        if width * scale > 90 * 100:  # more than one page wide: the labels in column A repeat on each
            assert ws.print_title_cols == "$A:$A", ws.title
            assert ws.column_dimensions["A"].width <= 46, ws.title
        assert ws.print_title_rows == "$1:$2", ws.title
    terms = book["Terms"]
    assert terms.column_dimensions["B"].width >= len("Citigroup Capital XXI 8.300% Fixed Rate/Floating Rate Enhanced TruPS")


def test_labels_match_the_cell_formats(generated):
    book = openpyxl.load_workbook(generated)
    for ws in book.worksheets:
        for row in ws.iter_rows(max_col=2):
            label, cell = row[0].value, row[1]
            if isinstance(label, str) and "(decimal)" in label:
                assert "%" not in cell.number_format, (ws.title, label)
            if isinstance(label, str) and label.endswith("(%)"):  # a value, or a table whose rate column is below
                below = [ws.cell(cell.row + 1, c).number_format for c in range(2, 8)]
                assert "%" in cell.number_format or any("%" in f for f in below), (ws.title, label)


def test_the_about_sheet_writes_to_out(generated):
    about = [c.value for row in openpyxl.load_workbook(generated)["About"].iter_rows() for c in row if c.value]
    line = next(v for v in about if "trups-xl recalc" in v)
    assert "-o out/" in line


def test_summary_lists_conditions_and_formats(tmp_path):
    from trups_xl.recalc import Recalculation, summary

    result = Recalculation(values={}, names={"Result_APMMax": "lapsed: no APM maximum obligation after the 5th "
                                                              "anniversary (p.46)", "Result_Cap": 19500000.0},
                           errors=[], shown_as={"Result_APMMax": ("APM maximum obligation left ($)", "#,##0"),
                                                "Result_Cap": ("Share cap (shares)", "#,##0")})
    text = summary(result)
    assert "Share cap (shares)               19,500,000" in text
    blank = summary(Recalculation(values={}, names={"Result_MellonFloor": 0.04, "Result_JPM2031Floor": ""}, errors=[],
                                  shown_as={"Result_MellonFloor": ("Floor, Mellon", "0.000%"),
                                            "Result_JPM2031Floor": ("Floor, JPM2031", "0.000%")}))
    assert blank.splitlines() == ["  Floor, Mellon   4.000%", "  Floor, JPM2031  (blank)"]  # no line ends empty
    assert "Conditions reported by the functions:\n  APM maximum obligation left ($): lapsed" in text


def test_the_hedge_sheet_prints_its_statistics_readably_and_its_chart_on_the_page(generated):
    """The render showed p-values as 6.4312705161E-11 and sums of squares to 13 decimals, pass/fail
    run into the ratio beside it ("97.0% pass"), and the chart split across pages with hollow
    markers: each is now set in the workbook."""
    from trups_xl.excel.udfs import TRUPS_HEDGE_REGRESSION

    ws = openpyxl.load_workbook(generated)["Hedge effectiveness"]
    anchor = next(c for row in ws.iter_rows() for c in row
                  if "TRUPS_HEDGE_REGRESSION" in str(getattr(c.value, "text", c.value)))
    names = [row[0] for row in TRUPS_HEDGE_REGRESSION([[1.0], [2.0], [3.5], [4.0]], [[-1.1], [-1.9], [-3.4], [-4.2]])]
    formats = {name: ws.cell(anchor.row + i, 3).number_format for i, name in enumerate(names)}
    assert formats["f_p_value"] == "0.00E+00" and formats["ss_regression"] == "#,##0.00" and formats["n"] == "0"
    offset = next(c for row in ws.iter_rows() for c in row
                  if "TRUPS_HEDGE_DOLLAR_OFFSET" in str(getattr(c.value, "text", c.value)))
    assert all(ws.cell(offset.row + 1, offset.column + j).alignment.horizontal == "center" for j in (4, 8))
    schedule = openpyxl.load_workbook(generated)["Schedule"]
    (bar,) = schedule._charts
    assert any(b.id == bar.anchor._from.row for b in schedule.row_breaks.brk)  # the chart starts a page
    (chart,) = ws._charts
    assert chart.anchor._from.col <= 2  # column C at most: within the first page's width
    assert chart.series[0].marker.graphicalProperties.solidFill is not None


def test_terms_values_sit_beside_their_labels_and_logicals_print_as_logicals(generated):
    """The render showed each value a wide column right of its label, and cumulative TRUE as 1."""
    from trups_xl.core.securities.loading import TERMS as XXI

    ws = openpyxl.load_workbook(generated)["Terms"]
    anchor = next(r for r in range(1, ws.max_row + 1) if "=TRUPS_TERMS(" in str(getattr(ws.cell(r, 1).value, "text", "")))
    for i, (name, value) in enumerate(XXI.as_rows()):
        cell = ws.cell(anchor + i, 2)
        assert cell.alignment.horizontal == "left", name
        if isinstance(value, bool):
            assert cell.number_format == "General", name


def test_a_logical_result_prints_true_or_false():
    """LibreOffice printed the Securities sheet's Cumulative? row as 0 and 1 under General; a logical
    format prints TRUE/FALSE (Excel shows a logical that way under any format)."""
    from trups_xl.workbook import LOGICAL_FORMAT

    ws = openpyxl.load_workbook(DEFAULT_PATH)["Securities"]
    logical = [c for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith('=TRUPS_TERMS("cumulative"')]
    assert len(logical) == 4
    assert all(c.number_format == LOGICAL_FORMAT for c in logical)
