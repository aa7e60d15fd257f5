"""The ``trups-xl`` command: evaluate the Excel functions from a shell.

``trups-xl call FUNCTION ARG...`` calls one function through the very same
``trups_xl.udfs`` code Excel calls. Arguments: numbers, ``YYYY-MM-DD`` dates, text, an
empty string for an omitted argument, or JSON for a range (``[["2037-12-21", 0.05]]``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def parse_argument(text: str) -> Any:
    """A shell word as the value Excel would send."""
    if text == "":
        return None
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    try:
        return float(text)
    except ValueError:
        return text


def format_value(value: Any) -> str:
    """A cell value as text; a blank is empty, whatever it came as."""
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def format_result(value: Any) -> str:
    """A scalar or a table, tab-separated."""
    if isinstance(value, list):
        rows = value if value and isinstance(value[0], list) else [value]
        return "\n".join("\t".join(format_value(c) for c in row) for row in rows)
    return format_value(value)


def command_call(args: argparse.Namespace) -> int:
    """Run ``call``."""
    from trups_xl.excel import udfs  # noqa: F401  (registers the functions)
    from trups_xl.excel.function import REGISTRY
    from trups_xl.excel.reference import function_help, function_list

    if args.function is None:
        print("usage: trups-xl call FUNCTION [ARG ...]   (trups-xl call FUNCTION --help for its arguments)\n\n"
              "Evaluate one TRUPS_* function with the very code Excel calls. Arguments: numbers, YYYY-MM-DD\n"
              "dates, text, '' for an omitted argument, JSON for a range ([[\"2037-12-21\", 0.05]]).\n\n"
              "Functions:\n" + function_list())
        return 0 if args.help else 2
    name = args.function.upper()
    if name not in REGISTRY:
        print(f"trups-xl: unknown function {args.function!r}; 'trups-xl call --help' lists them",
              file=sys.stderr)
        return 2
    if args.help:
        print(function_help(name))
        return 0
    fn = REGISTRY[name]
    params = list(inspect.signature(fn).parameters.values())
    required = sum(p.default is inspect.Parameter.empty for p in params)
    if not required <= len(args.arguments) <= len(params):
        usage = " ".join(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params)
        print(f"trups-xl: {name} takes {required} to {len(params)} arguments, got {len(args.arguments)}; "
              f"usage: trups-xl call {name} {usage}", file=sys.stderr)
        return 2
    result = fn(*(parse_argument(a) for a in args.arguments))
    print(format_result(result))
    return 1 if isinstance(result, str) and result.startswith("#TRUPS") else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per job)."""
    parser = argparse.ArgumentParser(
        prog="trups-xl",
        description="Trust preferred securities from the command line: any shipped or typed security "
                    "(Citigroup Capital XXI when none is named), through the add-in's own functions.")
    sub = parser.add_subparsers(dest="command", required=True)
    call = sub.add_parser("call", help="evaluate one TRUPS_* function (call --help lists them)", add_help=False,
                          description="Evaluate one TRUPS_* function with the given arguments. "
                          "Use '' for an omitted argument and JSON for a range.")
    call.add_argument("-h", "--help", action="store_true",
                      help="list the functions, or with FUNCTION show its arguments and example")
    call.add_argument("function", nargs="?", default=None, help="function name, e.g. TRUPS_ACCRUAL")
    call.add_argument("arguments", nargs="*", help="arguments in the function's order")
    call.set_defaults(run=command_call)
    recalc = sub.add_parser("recalc", help="evaluate every formula of a workbook headlessly",
                            description="Evaluate every formula of WORKBOOK (TRUPS_* through trups_xl.udfs, "
                            "Excel functions through the formualizer engine), write the values into a copy "
                            "and print the named results (Result_*). The input is never modified unless "
                            "--in-place is given. Needs the 'recalc' extra: pip install 'trups-xl[recalc]'.")
    recalc.add_argument("workbook", nargs="+",
                        help="an .xlsx workbook; for a batch several, a folder (its .xlsx/.xlsm) or a glob")
    recalc.add_argument("-o", "--output", type=Path, default=None,
                        help="where to write the values (default: WORKBOOK.values.xlsx beside it); for a batch or "
                        "scenarios the results: RESULTS.csv, RESULTS.xlsx and the resume journal RESULTS.journal.jsonl")
    batch = recalc.add_argument_group(
        "scenarios and batches", "Several workbooks, --scenarios or --outputs make a batch: a results table "
        "(workbook, scenario, output, value, message) instead of a values copy, run on this machine's cores "
        "(or a Dask cluster); rerunning the same command resumes an interrupted batch.")
    batch.add_argument("--scenarios", type=Path, default=None, metavar="TABLE",
                       help="a scenario table: CSV or .xlsx, first column 'scenario', then one column per input "
                       "headed by a defined name or a cell (Inputs!B2) with the value to set")
    batch.add_argument("--scenario-sheet", default=None, metavar="SHEET",
                       help="the sheet of an .xlsx scenario table (default: its first)")
    batch.add_argument("--outputs", default=None, metavar="NAMES",
                       help="comma-separated defined names or cells/ranges to read (default: the Result_* names)")
    batch.add_argument("--scenario-workbooks", action="store_true",
                       help="also write each scenario's whole recalculated workbook into RESULTS.workbooks/")
    batch.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes on this machine (default: one per core)")
    batch.add_argument("--cluster", default=None, metavar="ADDRESS",
                       help="run on an existing Dask scheduler, e.g. tcp://HOST:8786 (default: the TRUPS_XL_CLUSTER "
                       "environment variable, else this machine); needs pip install 'trups-xl[cluster]'")
    recalc.add_argument("--in-place", action="store_true",
                        help="write the values into WORKBOOK itself: its formulas are replaced by values and "
                        "lost, so this is refused unless --replace-formulas is given too")
    recalc.add_argument("--replace-formulas", action="store_true",
                        help="confirm --in-place: replace WORKBOOK's formulas with their values")
    recalc.add_argument("--allow-circular", action="store_true",
                        help="exit 0 even when circular references are found (they are still listed)")
    from trups_xl.recalc.safety import Limits

    recalc.add_argument("--max-uncompressed-mb", type=float, default=Limits.max_uncompressed_mb, metavar="MB",
                        help=f"refuse a workbook whose parts unzip to more (default {Limits.max_uncompressed_mb:.0f})")
    recalc.add_argument("--max-cells", type=int, default=Limits.max_cells, metavar="N",
                        help=f"refuse a sheet whose used range holds more cells (default {Limits.max_cells:,})")
    recalc.add_argument("--max-formulas", type=int, default=Limits.max_formulas, metavar="N",
                        help=f"refuse a workbook with more formula cells (default {Limits.max_formulas:,}; "
                        "the engine needs about 1 KB of memory for each)")
    recalc.set_defaults(run=command_recalc)
    generate = sub.add_parser("generate-workbook", help="write the model workbook",
                              description="Write the model workbook: XXI and other securities, shipped and typed (default: "
                              "citigroup_capital_xxi.xlsx in the current folder).")
    generate.add_argument("path", nargs="?", type=Path, default=None, help="output path")
    generate.set_defaults(run=command_generate)
    return parser


def command_recalc(args: argparse.Namespace) -> int:
    """Run ``recalc``."""
    from trups_xl.recalc import Limits, Options, main_recalc
    from trups_xl.recalc.heap import give_back_freed_memory

    give_back_freed_memory()  # this process's: a recalculation frees large buffers, many times over
    if _is_batch(args):
        return command_batch(args)
    args.workbook = Path(args.workbook[0])
    if args.in_place and not args.replace_formulas:
        print(f"trups-xl: refusing --in-place: it replaces every formula of {args.workbook} with its value; "
              "write a copy with -o, or add --replace-formulas to confirm", file=sys.stderr)
        return 2
    if args.in_place and args.output is not None:
        print("trups-xl: give either -o or --in-place, not both", file=sys.stderr)
        return 2
    limits = Limits(max_uncompressed_mb=args.max_uncompressed_mb, max_cells=args.max_cells,
                    max_formulas=args.max_formulas)
    return int(main_recalc(args.workbook, Options(args.output, args.in_place, args.allow_circular, limits)))


def _is_batch(args: argparse.Namespace) -> bool:
    """A batch: several workbooks, a folder or a glob, or scenarios/outputs asked for."""
    if len(args.workbook) != 1 or args.scenarios is not None or args.outputs is not None or args.cluster \
            or args.scenario_workbooks or args.workers is not None:
        return True
    only = args.workbook[0]
    return Path(only).is_dir() or (any(ch in only for ch in "*?[") and not Path(only).exists())


def command_batch(args: argparse.Namespace) -> int:
    """Run ``recalc`` on a batch or scenarios: one summary line per workbook, the results table written."""
    from trups_xl.recalc.batch import run_batch
    from trups_xl.recalc.safety import Limits, RefusedError

    if args.in_place or args.replace_formulas:
        print("trups-xl: --in-place is for one workbook; a batch writes a results table (-o RESULTS)", file=sys.stderr)
        return 2
    if args.output is None:
        print("trups-xl: a batch or scenario run writes a results table: give -o RESULTS (RESULTS.csv and "
              "RESULTS.xlsx are written)", file=sys.stderr)
        return 2
    if args.scenario_sheet is not None and args.scenarios is None:
        print("trups-xl: --scenario-sheet names a sheet of the --scenarios workbook; give --scenarios too",
              file=sys.stderr)
        return 2
    if args.workers is not None and not 1 <= args.workers <= 1024:
        print(f"trups-xl: --workers {args.workers}: give a number of processes from 1 to 1024", file=sys.stderr)
        return 2
    limits = Limits(max_uncompressed_mb=args.max_uncompressed_mb, max_cells=args.max_cells,
                    max_formulas=args.max_formulas)
    try:
        result = run_batch(args.workbook, scenarios=args.scenarios, outputs=args.outputs, output=args.output,
                           cluster=args.cluster, workers=args.workers, scenario_sheet=args.scenario_sheet,
                           scenario_workbooks=args.scenario_workbooks, limits=limits, mask_workers=True)
    except RefusedError as exc:
        print(f"trups-xl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        from trups_xl.recalc.batch import results_paths

        journal = results_paths(args.output)[2]
        print(f"trups-xl: interrupted; no results written. Finished scenarios are kept in {journal}: run the same "
              "command again to resume", file=sys.stderr)
        return 130
    print("\n".join(result.summary))
    resumed = f" ({result.resumed:,} resumed from the journal)" if result.resumed else ""
    print(f"Results: {result.csv} and {result.xlsx}{resumed}")
    return result.code


def command_generate(args: argparse.Namespace) -> int:
    """Run ``generate-workbook``."""
    from trups_xl.workbook import DEFAULT_PATH, save

    # without a path, the current folder: never the installed package or a checkout unless named
    target = args.path if args.path is not None else Path.cwd() / DEFAULT_PATH.name
    print(f"wrote {save(target).resolve()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    try:
        args = build_parser().parse_args(argv)
        code = int(args.run(args))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) stopped reading: nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # before a command's own handling began (its imports) or after it ended
        print("trups-xl: interrupted", file=sys.stderr)
        return 130
    return code


def run() -> None:
    """The command's process: :func:`main`, then its exit with Ctrl-C ignored (the work is done; a Ctrl-C now
    would print a traceback from the exit's own clean-up, multiprocessing's temporary folder removed)."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
