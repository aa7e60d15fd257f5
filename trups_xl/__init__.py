"""trups-xl: the terms of trust preferred securities and a bank's hybrid capital, computed from cells.

Layers, each importing only those below it:

- ``core`` -- the calculation core: the prospectus' rules on numpy arrays and Python dates; needs
  only numpy and python-dateutil, never xlwings, openpyxl or a formula engine.
- ``excel`` -- the Excel functions (xlwings UDFs): cells in, one core call, the result shaped.
- ``recalc`` -- headless recalculation of a whole workbook on a native formula engine.
- ``udfs`` -- the Excel functions under the module name every setup uses (``trups_xl.udfs``).
- ``cli`` -- the ``trups-xl`` command; ``workbook`` -- the model workbook generator;
  ``atomic`` -- files written whole or not at all.
"""

__version__ = "0.1.0"
