"""The Excel functions under the name every setup uses (``UDF Modules``: ``trups_xl.udfs``; xlwings
Lite's ``main.py``: ``from trups_xl.udfs import *``). They are defined in :mod:`trups_xl.excel.udfs`."""

from trups_xl.excel.udfs import *  # noqa: F403
from trups_xl.excel.udfs import __all__ as __all__
