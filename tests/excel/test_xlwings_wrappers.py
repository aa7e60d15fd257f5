"""Build the VBA wrappers and function-wizard text exactly as classic xlwings does.

xlwings' Windows UDF machinery (``xlwings.udfs``) imports pywin32; stubbing those imports
lets it run here. ``trups_xl.excel.udfs`` is then re-imported with ``xw.func``/``xw.arg`` bound to
the real decorators, and ``generate_vba_wrapper`` writes the VBA module Excel would import.
"""

import importlib
import io
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

xlwings = pytest.importorskip("xlwings")

#: The xlwings version whose UDF machinery this test exercises; bump it deliberately.
TESTED_XLWINGS = "0.37"

#: VBA keywords and names that break a generated wrapper when used as a parameter.
VBA_RESERVED = {
    w.lower() for w in """
    AddressOf Alias And Any Append As Attribute Base Binary Boolean ByRef Byte ByVal Call Case
    CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr Close Compare Const CSng CStr
    Currency CVar CVErr Date Debug Decimal Declare DefBool DefByte DefCur DefDate DefDbl DefDec
    DefInt DefLng DefLngLng DefLngPtr DefObj DefSng DefStr DefVar Dim Do DoEvents Double Each
    Else ElseIf Empty End EndIf Enum Eqv Erase Error Event Exit Explicit False For Friend
    Function Get Global GoSub GoTo If Imp Implements In Input Integer Is Len Let Lib Like
    Line Load Lock Long LongLong LongPtr Loop LSet Me Mid Mod Name New Next Not Nothing Null
    Object On Open Option Optional Or Output ParamArray Preserve Print Private Property
    PtrSafe Public Put RaiseEvent Random Read ReDim Rem Resume Return RSet Seek Select Set
    Shared Single Spc Static Step Stop String Sub Tab Text Then Time To True Type TypeOf
    Unload Unlock Until Variant Wend While Width With WithEvents Write Xor caller
    """.split()
}
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
LIMIT = 255


@pytest.fixture(scope="module")
def classic():
    stubs = {
        "pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
        "pywintypes": types.SimpleNamespace(com_error=Exception, datetime=object),
        "win32com": types.ModuleType("win32com"),
        "win32com.client": types.SimpleNamespace(Dispatch=lambda *a, **k: None),
    }
    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)  # type: ignore[arg-type]
    try:
        xl_udfs = importlib.import_module("xlwings.udfs")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    real = {"func": xl_udfs.xlfunc, "arg": xl_udfs.xlarg, "ret": xl_udfs.xlret}
    plain = {name: getattr(xlwings, name) for name in real}
    for name, fn in real.items():
        setattr(xlwings, name, fn)
    from trups_xl.excel import function as xlfunc

    saved_registry = dict(xlfunc.REGISTRY)
    try:
        _reload_udfs()
        # the module every setup names (UDF Modules = trups_xl.udfs), re-exporting the definitions
        module = importlib.reload(importlib.import_module("trups_xl.udfs"))
        yield xl_udfs, module
    finally:
        for name, fn in plain.items():
            setattr(xlwings, name, fn)
        xlfunc.REGISTRY.clear()
        xlfunc.REGISTRY.update(saved_registry)
        _reload_udfs()
        importlib.reload(importlib.import_module("trups_xl.udfs"))


def _reload_udfs():
    """Re-run the UDF definitions (a module per domain, then the package re-exporting them) under the
    decorators bound now, as a fresh Excel session's import does."""
    for domain in ("schedule", "redemption", "yields", "deferral", "rates", "covenant", "hedge"):
        importlib.reload(importlib.import_module(f"trups_xl.excel.udfs.{domain}"))
    importlib.reload(importlib.import_module("trups_xl.excel.udfs"))


def test_pinned_xlwings_version():
    assert xlwings.__version__.startswith(TESTED_XLWINGS + "."), (
        f"UDF metadata was checked against xlwings {TESTED_XLWINGS}; re-check and bump")


def test_vba_wrappers_compile_shape(classic):
    xl_udfs, module = classic
    out = io.StringIO()
    workbook = types.SimpleNamespace(Name="trups_xl.xlsm")
    xl_udfs.generate_vba_wrapper("trups_xl.udfs", module, out, workbook)
    vba = out.getvalue()
    functions = [f for f in dir(module) if hasattr(getattr(module, f), "__xlfunc__")]
    assert set(functions) >= set(module.__all__)
    for name in functions:
        assert re.search(rf"^Function {name}\(", vba, re.M), name
        header = re.search(rf"^Function {name}\((.*)\)$", vba, re.M).group(1)
        for param in header.split(", ") if header else []:
            param = param.removeprefix("Optional ")
            assert IDENTIFIER.match(param), f"{name}: illegal VBA parameter {param!r}"
            assert param.lower() not in VBA_RESERVED, f"{name}: reserved VBA word {param!r}"
        assert f'XLPy.CallUDF("trups_xl.udfs", "{name}"' in vba


def test_wizard_text_and_argument_options(classic):
    _, module = classic
    for name in module.__all__:
        info = getattr(module, name).__xlfunc__
        description = info["ret"]["doc"]
        assert description and "\n" not in description, name
        assert len(description) <= LIMIT, f"{name}: description {len(description)} > {LIMIT}"
        assert info["category"] == "trups-xl"
        for arg in info["args"]:
            assert arg["doc"] and not arg["doc"].startswith("Positional argument"), \
                f"{name}.{arg['name']}: no argument help"
            assert len(arg["doc"]) <= LIMIT, f"{name}.{arg['name']}: help over {LIMIT}"
            assert arg["options"].get("err_to_str") is True, f"{name}.{arg['name']}"
            assert arg["options"].get("ndim") == 2


def test_the_xlwings_lite_check_passes():
    """scripts/lite_check.py asks xlwings' own Lite/server code for the metadata and a few calls;
    run here so that it cannot drift from the functions (it once held an outdated expected value)."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "lite_check.py"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr


def test_vba_module_within_vbas_limits(classic):
    """VBA's own limits on the generated module: a physical line of at most 1,023 characters, at
    most 24 line continuations in one statement, at most 60 arguments to a procedure, plain ASCII,
    and no parameter named like a name the wrapper itself uses."""
    xl_udfs, module = classic
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("trups_xl.udfs", module, out, types.SimpleNamespace(Name="trups_xl.xlsm"))
    vba = out.getvalue()
    assert vba.isascii()
    lines = vba.splitlines()
    assert max(map(len, lines)) <= 1023
    run = 0
    for line in lines:  # continuations of one statement
        run = run + 1 if line.endswith(" _") else 0
        assert run <= 24, line
    wrapper_names = {w.lower() for w in re.findall(r"\b[A-Za-z_]\w*\b", vba)
                     if not re.search(rf"(Function|Optional) {w}\b|, {w}\b|\({w}\b", vba)}
    for name in module.__all__:
        header = re.search(rf"^Function {name}\((.*)\)$", vba, re.M).group(1)
        params = [p.removeprefix("Optional ") for p in header.split(", ")] if header else []
        assert len(params) <= 60, name
        for param in params:
            assert param.lower() not in wrapper_names | {name.lower(), "xlpy", "argsarray"}, (name, param)
