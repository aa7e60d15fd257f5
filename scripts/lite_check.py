"""Check the xlwings Lite path without Excel: the code Lite runs in Pyodide, on this Python.

xlwings Lite registers every member of the workbook's ``main.py`` that carries xlwings'
``__xlfunc__`` metadata and calls it through ``xlwings.server.custom_functions_call``. This
script builds such a ``main`` module from the one line the README tells analysts to write,
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

from trups_xl.xlfunc import INFO

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


checks = [
    ("TRUPS_ACCRUAL", ([["2008-12-21"]], [[39844]], None, None, None, None), [[1000.0 * 40 * 0.083 / 360]]),
    ("TRUPS_COUPON", ([["2038-03-21"]], None, None, [["libor_act"]], [[0.035]]), None),
    ("TRUPS_CRC_PERCENTAGE", ([["2027-12-20", "2027-12-21"]], [["common_stock"]], None), [[1.33, 2.0]]),
    ("TRUPS_ACCRUAL", ([["abc"]], [[39844]], None, None, None, None), None),
]
for name, args, expected in checks:
    got = asyncio.run(call(name, *args))
    print(f"{name}{args!r:.60} -> {got!r:.100}")
    if expected is not None:
        assert got == expected, (name, got)
print("ok")
