"""A TRUPS_* call parsed from a formula: literals, references moved when the formula is copied down,
names, skipped arguments, a range too large refused naming its argument; anything else left to the
engine."""

import pytest

openpyxl = pytest.importorskip("openpyxl")

from books import write_book  # noqa: E402
from openpyxl.workbook.defined_name import DefinedName  # noqa: E402

from trups_xl.excel.function import INFO  # noqa: E402
from trups_xl.recalc.calls import VECTOR_PARAMETERS, Parser, Ref, Refusal, split_arguments  # noqa: E402
from trups_xl.recalc.package import scan  # noqa: E402
from trups_xl.recalc.safety import Limits  # noqa: E402


@pytest.fixture
def parser(tmp_path):
    path = write_book(tmp_path / "b.xlsx", {"A2": 1.0, "B1": 0.05}, sheet="Model")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Rates")
    book.defined_names["Spread"] = DefinedName("Spread", attr_text="Model!$B$1")
    book.defined_names["Here"] = DefinedName("Here", attr_text="Model!$A2")
    book.defined_names["Across"] = DefinedName("Across", attr_text="Model!A$2:$A$9")
    book.save(path)
    return Parser(scan(path, Limits()))


def test_top_level_arguments_split_outside_text():
    assert split_arguments('A2,"a,b",,3') == ["A2", '"a,b"', "", "3"]
    assert split_arguments("") == []


def test_a_call_on_literals_references_names_and_a_skipped_argument(parser):
    call = parser.parse(("Model", 2, 3), '=TRUPS_MAKE_WHOLE(A2,Rates!$B$1,,"x""y",TRUE,Spread,1.5e-2)')
    assert call is not None and call.function == "TRUPS_MAKE_WHOLE"
    a2, rate, skipped, text, flag, spread, number = call.args
    assert (a2.sheet, a2.rows, a2.cols, a2.absolute) == ("Model", (2, 2), (1, 1), (False, False))
    assert (rate.sheet, rate.rows, rate.cols, rate.absolute) == ("Rates", (1, 1), (2, 2), (True, True))
    assert skipped is None and text == 'x"y' and flag is True and number == 0.015
    assert (spread.sheet, spread.rows, spread.cols, spread.absolute) == ("Model", (1, 1), (2, 2), (True, True))


def test_a_formula_copied_down_is_its_first_row_s_call_with_its_relative_rows_moved(parser):
    first = parser.parse(("Model", 2, 3), "=TRUPS_COUPON(A2,$B$1)")
    later = parser.parse(("Model", 9, 3), "=TRUPS_COUPON(A9,$B$1)")
    assert later.args[0] == Ref("Model", (9, 9), (1, 1), "A9") == first.args[0].shifted(7)
    assert later.args[1] == first.args[1] == Ref("Model", (1, 1), (2, 2), "$B$1")


def test_what_is_not_one_simple_call_is_left_to_the_engine(parser):
    for formula in ("=TRUPS_COUPON(A2)+1", "=TRUPS_COUPON(SUM(A1:A2))", "=TRUPS_COUPON(Nowhere!A2)",
                    "=TRUPS_COUPON(A:A)", "=TRUPS_NO_SUCH(A2)", "=SUM(A2)",
                    "=TRUPS_COUPON(Here)", "=TRUPS_ACCRUAL(Across,A2)"):  # names moving with their cell
        assert parser.parse(("Model", 2, 3), formula) is None, formula


def test_a_range_past_one_column_of_cells_is_refused_naming_the_argument(parser):
    call = parser.parse(("Model", 2, 3), "=TRUPS_ACCRUAL(A1:B1048576,A2)")
    assert call.args == (Refusal("#TRUPS! start_date: the range A1:B1048576 spans 2,097,152 cells; a range "
                                 "argument may span at most 1,048,576 (one column)"),)


def test_the_elementwise_arguments_are_each_functions_own_declaration():
    assert VECTOR_PARAMETERS["TRUPS_ACCRUAL"] == ("start_date", "end_date")  # "A range gives an array" for both
    assert "TRUPS_TERMS" not in VECTOR_PARAMETERS
    assert VECTOR_PARAMETERS == {n: i.elementwise for n, i in INFO.items() if i.elementwise}


def test_a_copied_formula_moves_its_relative_rows_by_joining():
    from trups_xl.recalc.calls import Copied

    copied = Copied('=IF(A3=$F$2,TRUPS_COUPON(A3,,Principal),B$2+{1,2})&"x"')
    # by hand: A3 -> A13 (relative), $F$2 and B$2 kept (absolute rows), braces and text untouched
    assert copied.moved(10) == '=IF(A13=$F$2,TRUPS_COUPON(A13,,Principal),B$2+{1,2})&"x"'
    assert copied.moved(0) is copied.text
    assert copied.copyable
    assert Copied('=TRUPS_COUPON(A2,"B7")').copyable is False  # a text that reads like a reference
    assert Copied("=Sheet2!AB9+ZZ1").moved(991) == "=Sheet2!AB1000+ZZ992"
    assert Copied("=A2").copies([0, 1, 2]) == ["=A2", "=A3", "=A4"]


@pytest.mark.parametrize("text", ["=A2+B$3-$C4*Sheet1!D5", "=SUM($H$2:H2)", "=TRUPS_ACCRUAL(B2,A2,,P)",
                                  "=IFERROR(P2/Principal,0)", '=R1&"{0}"&A2', "=x1y+A2", "=R2+Q3-R2*S3+T4"])
@pytest.mark.parametrize("k", [1, 7, 9998])
def test_a_copy_is_what_a_regular_expression_per_cell_makes(text, k):
    from trups_xl.recalc.calls import RELATIVE_ROW, Copied

    by_regex = RELATIVE_ROW.sub(lambda m: m[0] if m[2] else f"{m[1]}{int(m[3]) + k}", text)
    assert Copied(text).moved(k) == by_regex


@pytest.mark.parametrize("text", ["=A2*2+$A$1", "=R2+Q3-R2", "=SUM($H$2:H2)", "=TODAY()", '=A2&"{0}"'])
def test_copies_are_each_offset_s_copy(text):
    from trups_xl.recalc.calls import Copied

    template = Copied(text)
    offsets = [0, 1, 2, 7, 9998]
    assert template.copies(offsets) == [template.moved(k) for k in offsets]


def test_a_sheet_named_like_a_cell_is_not_moved_with_the_copy():
    from trups_xl.recalc.calls import Copied

    assert Copied("=Q1!C2+'Q1'!C2").moved(1) == "=Q1!C3+'Q1'!C3"


def test_a_word_of_a_quoted_sheet_name_that_reads_like_a_cell_is_not_moved():
    from trups_xl.recalc.calls import Copied

    # by hand: the sheet 'Model FY2024' stays itself three rows down; its cell moves
    assert Copied("='Model FY2024'!A2+1").moved(3) == "='Model FY2024'!A5+1"
    assert Copied("='O''Brien Q1'!B2+C2").moved(1) == "='O''Brien Q1'!B3+C3"
    assert Copied("=\"it's\"&A2&'Sales Q1'!A2").moved(2) == "=\"it's\"&A4&'Sales Q1'!A4"


def test_the_function_a_formula_calls_first_is_read_from_the_text_before_its_first_parenthesis():
    """Worked out once per head and kept, it is what matching the whole text gives: a call of a registered
    TRUPS_* function at the very start (spaces allowed, any case), nothing else."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from trups_xl.excel.function import REGISTRY
    from trups_xl.recalc.calls import top_function

    whole = re.compile(r"^=\s*(TRUPS_[A-Z_]+)\s*\(", re.I)

    def reference(text):
        match = whole.match(text)
        if match is None or "TRUPS_" not in text[:40].upper():
            return None
        return match[1].upper() if match[1].upper() in REGISTRY else None

    pieces = st.sampled_from(["=", "(", ")", " ", "TRUPS_COUPON", "trups_accrual", "TRUPS_NOPE", "IF", "A1", ",",
                              " " * 40, "_", "S"])

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=10).map("".join))
    def check(text):
        assert top_function(text) == reference(text)

    check()
    assert top_function("=TRUPS_COUPON(A2)") == "TRUPS_COUPON" and top_function("= trups_coupon (A2)") == "TRUPS_COUPON"
    assert top_function('=IF(A2,TRUPS_COUPON(A2),"")') is None and top_function("=A2-1") is None


def test_a_whole_column_argument_reads_the_sheet_down_to_its_last_row_or_is_the_engine_s(parser):
    call = parser.parse(("Model", 2, 3), "=TRUPS_APM_AVERAGE_PRICE(A2,Model!A:A,Model!$B:$B)")
    dates, prices = call.args[1:3]
    assert (dates.rows, dates.cols, dates.whole, dates.absolute) == ((1, 2), (1, 1), True, (True, True))
    assert (prices.rows, prices.cols, prices.whole) == ((1, 2), (2, 2), True)
    # read element by element (a result a row of it): the engine's
    assert parser.parse(("Model", 2, 3), "=TRUPS_ACCRUAL(A:A,A2)") is None
    # a column past the range limit once bounded by the sheet's last row: the engine's too, not refused
    parser.scan.sheet("Model").max_row = 700_000
    assert parser.parse(("Model", 2, 3), "=TRUPS_APM_AVERAGE_PRICE(A2,Model!A:B,Model!B:B)") is None
