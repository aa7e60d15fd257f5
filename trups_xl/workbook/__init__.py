"""Generate the Citigroup Capital XXI model workbook (``workbooks/citigroup_capital_xxi.xlsx``).

Financial-model conventions: each sheet has an Inputs block (blue font, units in the labels,
workbook-level named ranges) and outputs whose formulas call the add-in's functions on
those names only — no numbers typed into formulas. Table results are written as array
formulas sized to the result (they spill in Excel 365). ``python -m trups_xl.workbook``
rewrites the committed file; a test checks the committed file equals this generator's output.

A package by sheet:

- ``layout`` -- formats, sample inputs and ``Sheet``, which writes a sheet's title, inputs and outputs.
- ``model`` -- the workbook's sheets in order, and the XXI sheets (About to Par vs make-whole).
- ``rates`` -- the "Rates after LIBOR" sheet.
- ``covenant`` -- the "Covenant" sheet.
- ``securities`` -- the "Securities" sheet: shipped securities, one typed as a table, legacy hybrids.
- ``yields`` -- the "Yield & risk" sheet: yield to worst and to each workout, risk and spreads, a legacy floater.
- ``hedge`` -- the "Hedge effectiveness" sheet.
- ``printing`` -- column widths and print setup of every sheet.
- ``package`` -- dynamic-array marking and the atomic save; ``main``.
- ``__main__`` -- ``python -m trups_xl.workbook [PATH]``.
"""

from __future__ import annotations

from trups_xl.workbook.layout import DEFAULT_PATH as DEFAULT_PATH
from trups_xl.workbook.model import build as build
from trups_xl.workbook.package import dynamic_anchors as dynamic_anchors
from trups_xl.workbook.package import main as main
from trups_xl.workbook.package import mark_dynamic_arrays as mark_dynamic_arrays
from trups_xl.workbook.package import save as save
from trups_xl.workbook.securities import LOGICAL_FORMAT as LOGICAL_FORMAT
