"""Headless recalculation of a whole workbook (``trups-xl recalc``), without Excel.

Modules, one concept each:

* ``safety``    -- limits and refusals: the package checked before anything parses it, the output
  checked before anything is computed;
* ``addresses`` -- A1 addresses: a column's letters and number, a cell's row and column, an area;
* ``package``   -- the package's parts read by streaming: sheets, formula cells, names, styles;
* ``xml_text``  -- XML text and attribute values written with entities and read back;
* ``pieces``    -- a sheet part cut into pieces after a row's end, for a pass a piece at a time;
* ``formula_cells`` -- a sheet's formula cells kept as columns, with no Python object per cell;
* ``shared``    -- shared formulas (a column filled down, as Excel saves it) read a column at a time;
* ``number_formats`` -- Excel's built-in number formats, and whether a format shows a date;
* ``engine``    -- the native formula engine (formualizer), the one adapter every ``TRUPS_*``
  function is registered through, and the answers it gives calls inside formulas from the
  vectorised runs;
* ``load``      -- the workbook checked, screened (external references, formulas the engine cannot
  parse) and loaded into the engine once;
* ``data_tables`` -- Excel data tables (What-If Analysis): their saved values kept, said in one line;
* ``excel_tables`` -- Excel tables (Insert > Table) as the package defines them: sheet, cells, header,
  totals and columns;
* ``structured`` -- structured references (``Ledger1[Amount]``) written as the cells they mean (the
  engine reads no table);
* ``table_references`` -- a workbook's formulas reading its tables written so in the scan (what the plan
  reads) and in the engine's copy; what is not read given ``#NAME?`` and said in one line;
* ``engine_copy`` -- the engine's copy of a package: whole columns of formula cells left empty or
  given other formulas, the scratch sheet added;
* ``direct_names`` -- defined names that stand for one reference, written out as that reference in
  the engine's copy (which loads them many times faster);
* ``formula_tokens`` -- a formula's text read as tokens, and the brackets and arguments they sit in;
* ``intersection`` -- formulas saved before dynamic arrays given ``@`` where Excel takes one value of a
  reference (implicit intersection), in the scan and in the engine's copy;
* ``calls``     -- a ``TRUPS_*`` call parsed from a formula: its arguments as literals, references, ranges;
* ``blocks``    -- formulas copied down a column grouped in blocks, found a stretch of copies at a time;
* ``planning``  -- the calls in blocks found (whole formulas, or nested) and grouped in runs;
* ``marking``   -- the formulas the engine is given instead: skipped arguments marked, calls under
  their alias, a column set at once;
* ``vectorise`` -- runs of ``TRUPS_*`` calls (whole formulas, or calls inside formulas) evaluated
  as one vectorised call each;
* ``grouping``  -- a run's rows called: as columns, grouped by what varies, or one by one;
* ``order``     -- which formulas each run reads, its cycles and the order the runs are taken in;
* ``writer``    -- the values copy, written by rewriting the sheet parts that hold formulas;
* ``value_cells`` -- a computed value written as its cell (number, inline text, date, error), and a
  piece of a sheet part written at once where its formula cells are the next cells computed;
* ``collect``   -- the computed cells, spills and named results read back from the engine;
* ``segments``  -- a sheet's formula cells as column segments, their values read from the engine by
  segment, and which of them may anchor a spill;
* ``computed``  -- a sheet's computed cells (value, date or not) with no tuple per cell;
* ``error_cells`` -- the cells showing an error, as the summary's lines, written out only when read;
* ``report``    -- results as their cells show them, the summary and the error lines;
* ``steps``     -- where a recalculation's time goes, each step's own time, recorded when asked (the bench);
* ``run``       -- the recalculation itself (load, evaluate, collect) and the command;
* ``heap``      -- the memory a recalculation frees given back to the system as it is freed;
* ``scenario_table`` -- the scenario table and the outputs named;
* ``scenarios`` -- a model loaded once, evaluated under scenario after scenario;
* ``batch``     -- many workbooks and scenarios as tasks on this machine's cores or a Dask cluster;
* ``cluster``   -- a batch's tasks on an existing Dask scheduler (the cluster extra);
* ``interrupts`` -- Ctrl-C and SIGTERM during a batch: one line, never a traceback from any of its processes;
* ``journal``   -- the resume store of a batch: one line per finished (workbook, scenario) pair;
* ``results``   -- the results table of a batch, as CSV and as an .xlsx with a chart per output.

Importing this package is light (no engine is loaded until a name below is used), so the
``trups-xl`` command starts fast for ``call``.
"""

from __future__ import annotations

from typing import Any

from trups_xl.recalc.safety import Limits, RefusedError

_FROM_RUN = ("SPILL", "Options", "Recalculation", "main_recalc", "recalculate", "shown", "summary", "write_values")

__all__ = ["Limits", "RefusedError", "run_batch", *_FROM_RUN]


def __getattr__(name: str) -> Any:
    if name in _FROM_RUN:
        from trups_xl.recalc import run

        return getattr(run, name)
    if name == "run_batch":
        from trups_xl.recalc import batch

        return batch.run_batch
    raise AttributeError(name)
