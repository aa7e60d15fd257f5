"""Check the xlwings Lite path without Excel: the code Lite runs in Pyodide, on this Python.

xlwings Lite registers every member of the workbook's ``main.py`` that carries xlwings'
``__xlfunc__`` metadata and calls it through ``xlwings.server.custom_functions_call``. This
script builds such a ``main`` module from the one line docs/excel.md tells analysts to write,
``from trups_xl.udfs import *``, and asks xlwings' own server code for the function metadata
and for a few calls with the 2-D arguments Office.js sends.

xlwings' server code lives in ``xlwings.pro`` and checks for a licence key at import:
run it as ``XLWINGS_LICENSE_KEY=noncommercial python scripts/lite_check.py`` (xlwings'
key for non-commercial evaluation), or with your own key.
"""

from __future__ import annotations

import asyncio
import os
import sys
import types

if not os.environ.get("XLWINGS_LICENSE_KEY"):
    sys.exit("set XLWINGS_LICENSE_KEY (e.g. noncommercial) - xlwings' server code needs one")
os.environ["XLWINGS_ON_SERVER"] = "true"  # what xlwings Lite sets: xw.func/xw.arg become the Office.js ones

import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta

from trups_xl.excel.function import INFO

main = types.ModuleType("main")
exec("from trups_xl.udfs import *", main.__dict__)  # the whole main.py of the workbook

meta = custom_functions_meta(main)
registered = {f["id"]: f for f in meta["functions"]}
missing = set(INFO) - set(registered)
assert not missing, f"not registered: {sorted(missing)}"
for name, info in INFO.items():
    assert registered[name]["description"] == info.summary, name
    helps = {p["name"]: p["description"] for p in registered[name]["parameters"]}
    assert all(helps[a] == h for a, h in info.arg_help.items()), name
print(f"registered {len(registered)} functions with their wizard descriptions and argument help")


async def call(name: str, *args: object) -> object:
    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js",
            "caller_address": None, "runtime": "1.4", "date_format": "yyyy-mm-dd", "culture_info_name": "en-US"}
    return await custom_functions_call(data, main)


def as_sent(value: object) -> object:
    """An example argument as Office.js sends it: every argument a 2-D array, a blank as None."""
    if value is None:
        return None
    return value if isinstance(value, list) else [[value]]


def as_shown(value: object) -> object:
    """A direct call's result as Office.js receives it (a 2-D array; dates as xlwings writes them)."""
    import datetime as dt

    rows = value if isinstance(value, list) else [[value]]

    def cell(v: object) -> object:
        if isinstance(v, dt.date):
            return v.isoformat() if not isinstance(v, dt.datetime) else v.date().isoformat()
        return "" if v is None else v
    return [[cell(v) for v in row] for row in rows]


def normalised(value: object) -> object:
    """What Lite returned, dates as ISO text, for comparison."""
    import datetime as dt

    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, dict) and value.get("type") == "FormattedNumber":  # a date as Lite returns it
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value["basicValue"]))).isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        return value[:10]
    return "" if value is None else value


def close(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-12 * max(1.0, abs(b))
    return a == b


async def check_every_function() -> int:
    """Every function's example through Lite's call path, each against a direct call."""
    from trups_xl.excel.function import REGISTRY

    checked = 0
    for name, info in INFO.items():
        got = normalised(await call(name, *(as_sent(a) for a in info.example)))
        want = normalised(as_shown(REGISTRY[name](*info.example)))
        assert close(got, want), (name, str(got)[:200], str(want)[:200])
        checked += 1
    bad = await call("TRUPS_ACCRUAL", [["abc"]], [[39844]], None, None, None, None)
    assert isinstance(bad, list) and str(bad[0][0]).startswith("#TRUPS! start_date:"), bad
    return checked


async def main_check() -> None:
    checked = await check_every_function()
    print(f"called {checked} functions through Lite's call path: each equals its direct call")
    print("ok")


# On CPython this runs the check; inside Pyodide (which has no asyncio.run under Node) import this
# file and `await main_check()`.
if sys.platform != "emscripten":
    asyncio.run(main_check())
