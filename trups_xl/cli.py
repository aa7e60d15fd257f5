"""The ``trups-xl`` command: evaluate the Excel functions from a shell.

``trups-xl call FUNCTION ARG...`` calls one function through the very same
``trups_xl.udfs`` code Excel calls. Arguments: numbers, ``YYYY-MM-DD`` dates, text, an
empty string for an omitted argument, or JSON for a range (``[["2037-12-21", 0.05]]``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
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
    """A cell value as text."""
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
    from trups_xl import udfs  # noqa: F401  (registers the functions)
    from trups_xl.xlfunc import REGISTRY

    name = args.function.upper()
    if name not in REGISTRY:
        print(f"trups-xl: unknown function {args.function!r}; known: {', '.join(REGISTRY)}",
              file=sys.stderr)
        return 2
    result = REGISTRY[name](*(parse_argument(a) for a in args.arguments))
    print(format_result(result))
    return 1 if isinstance(result, str) and result.startswith("#TRUPS") else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per job)."""
    parser = argparse.ArgumentParser(
        prog="trups-xl",
        description="Citigroup Capital XXI terms from the command line (the add-in's own functions).")
    sub = parser.add_subparsers(dest="command", required=True)
    call = sub.add_parser("call", help="evaluate one TRUPS_* function",
                          description="Evaluate one TRUPS_* function with the given arguments. "
                          "Use '' for an omitted argument and JSON for a range.")
    call.add_argument("function", help="function name, e.g. TRUPS_ACCRUAL")
    call.add_argument("arguments", nargs="*", help="arguments in the function's order")
    call.set_defaults(run=command_call)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
