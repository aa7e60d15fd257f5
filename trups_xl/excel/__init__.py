"""The Excel layer: cells in, one core call, the result shaped for the sheet.

- ``udfs`` -- the ``TRUPS_*`` functions (xlwings UDFs), a module per domain; ``trups_xl.udfs`` re-exports them.
- ``function`` -- the ``@excel_function`` decorator: registry, wizard text and the one-line error contract.
- ``arguments`` -- cells to dates, numbers and choices, every refusal naming its argument.
- ``tables`` -- table arguments: an optional header of documented column names, rows read alike.
- ``security`` -- the security argument: a shipped security by id or CUSIP, or a terms table in cells.
- ``convert`` -- one cell's value to a validated core input, and results back to cells.
- ``reference`` -- the docs' generated blocks: the function reference, the terms table, the code layout.
"""
