"""The decorator's contract: a refusal is one #TRUPS! line naming the argument, a defect says so, no
function answers NaN or infinity, and the wizard text comes from the docstring."""

import inspect
import sys
from pathlib import Path

import pytest
from books import imported_after
from hypothesis import given
from hypothesis import strategies as st

from trups_xl.core.errors import TrupsInputError
from trups_xl.excel import function


@pytest.fixture
def registered():
    saved_registry, saved_info = dict(function.REGISTRY), dict(function.INFO)
    yield
    function.REGISTRY.clear()
    function.REGISTRY.update(saved_registry)
    function.INFO.clear()
    function.INFO.update(saved_info)


def test_the_error_contract(registered):
    @function.excel_function(example=(1.0,))
    def TRUPS_TEST_ONLY(x: object) -> object:
        """Returns x, or refuses it.

        Parameters
        ----------
        x : number
            What to return.
        """
        if x == "bad":
            raise TrupsInputError("not a number\n  at all", "x")
        if x == "bug":
            raise KeyError("oops")
        return x

    assert TRUPS_TEST_ONLY(1.0) == 1.0
    assert TRUPS_TEST_ONLY("bad") == "#TRUPS! x: not a number at all"  # one line
    assert TRUPS_TEST_ONLY("bug").startswith("#TRUPS-BUG! KeyError")
    assert TRUPS_TEST_ONLY(float("inf")).startswith("#TRUPS! result: ")
    assert TRUPS_TEST_ONLY(-0.0) == 0.0 and str(TRUPS_TEST_ONLY(-0.0)) == "0.0"
    assert function.INFO["TRUPS_TEST_ONLY"].summary == "Returns x, or refuses it."
    assert function.INFO["TRUPS_TEST_ONLY"].arg_help == {"x": "What to return."}


def test_one_line_fits_a_cell():
    assert len(function.one_line("x " * 400)) == function.WIZARD_LIMIT


def test_shared_help_fills_an_argument_left_without_a_description():
    doc = function.fill_shared_help("""Summary.

    Parameters
    ----------
    security : text or range, optional
    """)
    assert function.parse_docstring(doc)[1]["security"] == function.SHARED_ARG_HELP["security"]


def test_a_module_s_argument_help_fills_its_functions_before_the_shared_help():
    doc = function.fill_shared_help("""Summary.

    Parameters
    ----------
    curve : rate or range, optional
    security : text or range, optional
    as_of : date
        Its own words.
    """, {"curve": "The module's words.", "as_of": "Not used: the docstring has its own."})
    helps = function.parse_docstring(doc)[1]
    assert helps == {"curve": "The module's words.", "security": function.SHARED_ARG_HELP["security"],
                     "as_of": "Its own words."}


def test_argument_help_speaks_of_any_security():
    """The shared help leads with what works for every security, XXI as the default or an example,
    and a yield's help names its compounding by the security's coupon period, not XXI's."""
    assert not function.SHARED_ARG_HELP["security"].startswith("Blank")
    for name, info in function.INFO.items():
        for argument, text in info.arg_help.items():
            assert not text.startswith(("XXI", "Citigroup")), (name, argument)
            if argument == "yield_rate" and "TREASURY" not in name:  # a Treasury yield is semi-annual
                assert "semi-annual" not in text.lower().split("(")[0], (name, text)


def test_an_elementwise_name_that_is_no_argument_is_refused_at_definition(registered):
    before = set(function.REGISTRY)
    with pytest.raises(TypeError, match="TRUPS_TEST_ONLY: elementwise names \\['settle'\\]"):
        @function.excel_function(example=(1.0,), elementwise=("settle",))
        def TRUPS_TEST_ONLY(settlement: object) -> object:
            """Returns settlement.

            Parameters
            ----------
            settlement : date
                What to return.
            """
            return settlement
    assert set(function.REGISTRY) == before


#: Arguments an example leaves blank, given here so each declared argument is exercised.
_GIVEN = {"TRUPS_REDEMPTION_PRICE": {"treasury_rate": 0.04}}


def test_each_elementwise_argument_gives_one_result_per_cell_of_a_column():
    """What a function declares elementwise (the recalculation relies on it to make one call for a
    column of cells) is what it does: its example with each of those arguments, then all of them, as a
    column of two cells gives a column of the two results it gives each cell alone."""
    from trups_xl.excel import udfs  # noqa: F401  (registers the functions)

    declared = {name: info for name, info in function.INFO.items() if info.elementwise}
    assert len(declared) >= 20
    for name, info in declared.items():
        fn = function.REGISTRY[name]
        params = list(inspect.signature(fn).parameters)
        example = list(info.example) + [None] * (len(params) - len(info.example))
        for arg, value in _GIVEN.get(name, {}).items():
            example[params.index(arg)] = value
        while example and example[-1] is None:
            example.pop()
        alone = fn(*example)
        assert not (isinstance(alone, str) and alone.startswith("#TRUPS")), (name, alone)
        for columns_of in [*([a] for a in info.elementwise), info.elementwise]:
            assert all(params.index(a) < len(example) and example[params.index(a)] is not None for a in columns_of), \
                (name, columns_of, "give the example a value for it")
            columns = [[[v], [v]] if params[i] in columns_of else v for i, v in enumerate(example)]
            column = fn(*columns)
            assert isinstance(column, list) and [len(row) for row in column] == [1, 1], (name, columns_of, column)
            for (value,) in column:  # the array path gives the one-cell path's number, bit for bit
                assert value == alone, name


def test_an_argument_left_off_the_end_of_a_call_is_missing_as_a_skipped_one_is():
    # =TRUPS_COUPON() in a cell: the engine (and Excel) call with fewer arguments than the function
    # requires; each required one left off is a blank named in one #TRUPS! line, never a defect
    from trups_xl.excel import udfs

    assert udfs.TRUPS_COUPON() == udfs.TRUPS_COUPON(None) == "#TRUPS! payment_date: a value is required here; got a blank"
    assert udfs.TRUPS_ACCRUAL("2008-12-21").startswith("#TRUPS! end_date: ")
    for name, fn in function.REGISTRY.items():
        assert not str(fn()).startswith(function.BUG_PREFIX), name


@given(st.text(alphabet=st.sampled_from([" ", "\n", "\t", "\u00a0", "\u2028", "a", "#", "é", "\x01"]), max_size=300))
def test_one_line_is_the_text_s_words_joined_by_one_space_within_the_cell_limit(text):
    # the text given back as it is when it is one line already is what joining its words gives
    line = " ".join(text.split())
    expected = line if len(line) <= function.WIZARD_LIMIT else line[:function.WIZARD_LIMIT - 3] + "..."
    assert function.one_line(text) == expected


@pytest.mark.skipif(sys.platform.startswith("win"), reason="xlwings registers UDFs on Windows")
def test_a_headless_recalculation_does_not_import_xlwings_or_pandas():
    """Off Windows and outside xlwings Server/Lite, xlwings' decorators return the function as given;
    importing xlwings (and with it pandas) would be a third of a second of every recalculation."""
    code = "import trups_xl.excel.udfs, trups_xl.recalc.run, trups_xl.cli"
    assert imported_after(code, {"xlwings", "pandas"}, Path(__file__).parent, unset=("XLWINGS_ON_SERVER",)) == []


def test_xlwings_server_gets_xlwings_registration(monkeypatch):
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    monkeypatch.setitem(sys.modules, "xlwings", object())
    assert function.registering_xlwings() is sys.modules["xlwings"]


@pytest.mark.parametrize("platform", ["win32", "emscripten"])
def test_excel_on_windows_and_xlwings_lite_get_xlwings_registration(monkeypatch, platform):
    sentinel = object()
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delitem(sys.modules, "xlwings", raising=False)
    monkeypatch.setattr(function.importlib, "import_module", lambda name: sentinel if name == "xlwings" else None)
    assert function.registering_xlwings() is sentinel


def test_elsewhere_xlwings_is_not_imported_to_register(monkeypatch):
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delitem(sys.modules, "xlwings", raising=False)
    monkeypatch.setattr(function.importlib, "import_module", lambda name: pytest.fail(f"imported {name}"))
    assert function.registering_xlwings() is None


def test_each_function_s_parameters_are_its_signature_s():
    from trups_xl.excel import udfs  # noqa: F401  (registers the functions)

    for name, fn in function.REGISTRY.items():
        assert function.INFO[name].parameters == tuple(inspect.signature(fn).parameters), name


def test_a_headless_import_reads_no_docstring_until_the_wizard_text_is_asked_for():
    """Registering a function off Excel keeps its docstring unparsed (a few milliseconds of every
    recalculation); the wizard text, asked for, is the docstring's."""
    code = ("import sys; from trups_xl.excel import udfs; from trups_xl.excel.function import INFO\n"
            "sys.exit(sum('_parsed' in vars(info) for info in INFO.values()))")
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], check=False)
    assert done.returncode == 0
    info = function.INFO["TRUPS_ACCRUAL"]
    assert info.summary == inspect.cleandoc(info.doc).splitlines()[0] and "end_date" in info.arg_help


def test_a_column_of_refusals_holds_one_text_for_each_distinct_message():
    """100,000 refused dates that recur (a ledger's days over several securities or scenarios) held one text
    each time (about 250 bytes a cell): one text a message, each cell still shown what it alone shows."""
    from trups_xl.excel import udfs  # noqa: F401  (registers the functions)

    dates = [[39449.0], [39450.0], [39449.0], [39620.0], [39450.0]]  # 2008-01-02, -03, -02, 06-21, -03
    refused, messages = function.refusals("TRUPS_COUPON", dates)
    assert refused.ravel().tolist() == [True, True, True, False, True]
    assert messages == [function.REGISTRY["TRUPS_COUPON"]([d]) for d, r in zip(dates, refused.ravel(), strict=True) if r]
    assert messages[0] is messages[2] and messages[1] is messages[3] and messages[0] != messages[1]
