"""The Excel layer: cells in, one core call, the result shaped for the sheet.

- ``udfs`` -- the ``TRUPS_*`` functions (xlwings UDFs), a module per domain; ``trups_xl.udfs`` re-exports them.
- ``function`` -- the ``@excel_function`` decorator and the argument readers every UDF uses.
- ``convert`` -- one cell's value to a validated core input, and results back to cells.
- ``reference`` -- the README's function reference, generated from the UDFs' docstrings.
"""
