"""trups-xl: the terms of Citigroup Capital XXI 8.300% Enhanced TruPS, computed from cells.

The calculation core (every module but :mod:`trups_xl.udfs`, :mod:`trups_xl.xlfunc` and
:mod:`trups_xl.cli`) needs only numpy and python-dateutil.
"""

__version__ = "0.1.0"
