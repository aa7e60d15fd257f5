"""The Excel boundary: the ``@excel_function`` decorator and argument readers for UDFs.

``excel_function`` registers a function with xlwings (``xw.func``/``xw.arg``, where they register anything:
:func:`registering_xlwings`), takes the Excel function-wizard description from the first docstring line and each argument's
help from the numpydoc ``Parameters`` section, declares every argument ``err_to_str``
(so ``#N/A`` upstream is refused, not read as a blank) and ``ndim=2`` (so a range keeps
its orientation), and wraps the body in the error contract: input the core refuses
becomes one ``#TRUPS!`` line naming the argument; any other exception is a defect and
says so (``#TRUPS-BUG!``), never a traceback and never disguised as an input error.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from trups_xl.core.errors import ElementRefusalError, TrupsInputError

F = TypeVar("F", bound=Callable[..., Any])

INPUT_ERROR_PREFIX = "#TRUPS!"
BUG_PREFIX = "#TRUPS-BUG!"
CATEGORY = "trups-xl"
#: Excel's limit for a function description and for each argument's help.
WIZARD_LIMIT = 255


def registering_xlwings() -> Any:
    """xlwings where its ``func`` and ``arg`` register anything, else None.

    They do in Excel on Windows, in xlwings Server and Lite (``XLWINGS_ON_SERVER``; Lite runs in
    Pyodide, ``emscripten``), and in a session that has imported xlwings itself (its decorators may be
    rebound); anywhere else xlwings' own decorators return the function as given. Importing xlwings
    imports pandas: a third of a second of every headless recalculation, which never needs it.
    """
    if ("xlwings" in sys.modules or sys.platform.startswith(("win", "emscripten"))
            or os.environ.get("XLWINGS_ON_SERVER") == "true"):
        return importlib.import_module("xlwings")
    return None


#: Every registered Excel function, in definition order.
REGISTRY: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class FunctionInfo:
    """What the function wizard and the reference show of a UDF: its docstring is read when first asked
    for (a headless recalculation never asks)."""

    doc: str  # the docstring, shared help filled in
    parameters: tuple[str, ...]  # the arguments' names, in order
    example: tuple[Any, ...]  # Excel-style arguments for the reference and the tests
    #: arguments read element by element from a range (one result per cell); the others take one value
    elementwise: tuple[str, ...] = ()

    @functools.cached_property
    def _parsed(self) -> tuple[str, dict[str, str]]:
        return parse_docstring(self.doc)

    @property
    def summary(self) -> str:
        """The wizard description (the docstring's first line)."""
        return self._parsed[0]

    @property
    def arg_help(self) -> dict[str, str]:
        """Argument -> help (the docstring's numpydoc Parameters)."""
        return self._parsed[1]


#: Wizard text and example of every registered function, by name.
INFO: dict[str, FunctionInfo] = {}
#: Every registered function as written, before the wrapping that turns its refusals into messages (for
#: :func:`refusals`).
_UNWRAPPED: dict[str, Callable[..., Any]] = {}


#: Help for arguments that mean the same in every function. A UDF docstring that lists such an
#: argument without a description gets this text (in its ``__doc__`` and in Excel's wizard).
SHARED_ARG_HELP = {
    "principal": "Principal amount; default the security's liquidation_amount (25 for XIII, 1000 for XXI).",
    "fixings": "Index for floating/post-maturity periods (LIBOR; Term SOFR under libor_act): one decimal rate for all, "
               "or two columns: period start date, rate. Rates -0.10..0.50.",
    "policy": '"fixings" (default: the index as given), "libor_act" (fixings/curve are CME Term SOFR; adds the '
              '0.26161%/0.11448% spread) or "prospectus_fallback" (previous rate; 4.910% first quarter).',
    "curve": "Forward curve for periods with no fixing: one decimal rate (flat) or two columns: date, rate "
             "(linear between dates). Same index as fixings.",
    "quote": '"clean" (default) or "flat".',
    "workout": '"worst" (default), "maturity", "next_call" or a workout date.',
    "count": '"direct" (default: 30/360 days to the next coupon) or "period_less_accrued" (180 days less accrued '
             "days, Excel PRICE's E-A); they differ on a 31st.",
    "spread": "Spread over the treasury rate, decimal 0..0.10; default 0.005 (0.50%, p.38). 50 bp is 0.005.",
    "stub": '"exclude_accrued" (default: first coupon only for the part after the redemption date) or '
            '"subtract_accrued" (full coupon PV less accrued).',
    "corporate_actions": "Two columns: effective date, share-count factor (0.1 for 1-for-10; 0.000001 to "
                         "1,000,000). Blank: Citigroup's actions shipped with trups-xl.",
    "security": 'Text: a shipped security ("citigroup_capital_xiii") or CUSIP. Two columns (term, value): any '
                "security's terms, as TRUPS_TERMS lists them; a base row starts from a shipped one. Blank: "
                "Citigroup Capital XXI.",
}


def fill_shared_help(doc: str | None, arg_help: dict[str, str] | None = None) -> str:
    """``doc`` with :data:`SHARED_ARG_HELP` written under every shared argument left without help;
    ``arg_help`` (the arguments a group of functions share, as one module states them) first."""
    shared = {**SHARED_ARG_HELP, **(arg_help or {})}
    lines = (doc or "").splitlines(keepends=True)
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        head = re.match(r"^(\s*)(\w+) : ", line)
        if not head or head.group(2) not in shared:
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        indent = len(following) - len(following.lstrip())
        if not following.strip() or indent <= len(head.group(1)):  # no description of its own
            out.append(f"{head.group(1)}    {shared[head.group(2)]}\n")
    return "".join(out)


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """First line (the wizard description) and ``{argument: help}`` from a numpydoc docstring."""
    text = inspect.cleandoc(doc or "")
    lines = text.splitlines()
    summary = lines[0].strip() if lines else ""
    helps: dict[str, str] = {}
    match = re.search(r"^Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", text, re.S | re.M)
    if match:
        current = None
        for line in match.group(1).splitlines():
            head = re.match(r"^(\w+)\s*:", line)
            if head and not line.startswith(" "):
                current = head.group(1)
                helps[current] = ""
            elif current and line.strip():
                helps[current] = (helps[current] + " " + line.strip()).strip()
    return summary, helps


def excel_function(example: tuple[Any, ...] = (), elementwise: tuple[str, ...] = (),
                   arg_help: dict[str, str] | None = None) -> Callable[[F], F]:
    """Register a UDF; ``example`` holds Excel-style arguments for the reference and tests;
    ``elementwise`` names the arguments the function reads element by element from a range (a
    column of them gives a column of results: the recalculation makes one call for a column of
    cells with those arguments as columns); ``arg_help`` is the help of arguments its docstring lists
    without one, where the functions of its module share them (over :data:`SHARED_ARG_HELP`)."""

    def decorate(fn: F) -> F:
        parameters = inspect.signature(fn).parameters
        unknown = [name for name in elementwise if name not in parameters]
        if unknown:
            raise TypeError(f"{fn.__name__}: elementwise names {unknown}, which are not its arguments")
        fn.__doc__ = fill_shared_help(fn.__doc__, arg_help)
        info = FunctionInfo(fn.__doc__, tuple(parameters), example, tuple(elementwise))

        required = sum(1 for p in parameters.values() if p.default is p.empty)

        @functools.wraps(fn)
        def guarded(*args: Any) -> Any:
            if len(args) < required:  # left off at the end of the call: missing, as a skipped one is
                args = args + (None,) * (required - len(args))
            try:
                return finite_result(fn(*args))
            except TrupsInputError as exc:
                return input_message(exc)
            except Exception as exc:  # a defect: say so, do not pose as an input error
                return one_line(f"{BUG_PREFIX} {type(exc).__name__}: {exc} (please report)")

        wrapped: Any = guarded
        xw = registering_xlwings()
        if xw is not None:
            for name in parameters:
                wrapped = xw.arg(name, doc=info.arg_help.get(name, ""), err_to_str=True, ndim=2)(wrapped)
            # xw.func last: xw.arg re-runs xlwings' registration and would reset the category.
            wrapped = xw.func(category=CATEGORY)(wrapped)
            if hasattr(wrapped, "__xlfunc__"):  # classic xlwings on Windows: wizard text
                wrapped.__xlfunc__["ret"]["doc"] = info.summary
        REGISTRY[fn.__name__] = wrapped
        _UNWRAPPED[fn.__name__] = fn
        INFO[fn.__name__] = info
        return wrapped  # type: ignore[no-any-return]

    return decorate


def input_message(exc: TrupsInputError) -> str:
    """What a cell shows for a refused input: one line naming the argument."""
    return one_line(f"{INPUT_ERROR_PREFIX} {exc}")


def refusals(name: str, *args: Any) -> tuple[npt.NDArray[np.bool_], list[str]] | None:
    """Where the function ``name`` called on ``args`` (an elementwise argument as a column) refuses some
    elements each on its own (:class:`~trups_xl.core.errors.ElementRefusalError`): which, and what a call on
    each of them alone shows, in order; None when the call refuses otherwise, or not at all."""
    try:
        _UNWRAPPED[name](*args)
    except ElementRefusalError as exc:
        shown: dict[str, str] = {}  # one text a message: a long column repeats them (its dates recur)
        return exc.refused, [shown.get(message) or shown.setdefault(
            message, input_message(TrupsInputError(message, exc.argument))) for message in exc.messages]
    except Exception:  # refused otherwise: the caller calls the rows on their own
        return None
    return None


def finite_result(result: Any) -> Any:
    """``result`` with a negative zero read as zero, refused (naming the result) when it holds a
    number that is not finite: no function answers NaN or an infinity, whatever its inputs."""
    if type(result) is float:
        if result - result != 0.0:  # NaN or an infinity (inf - inf is NaN)
            raise TrupsInputError("a number beyond double precision arose from these inputs; no result is given",
                                  "result")
        return result + 0.0  # -0.0 + 0.0 is 0.0
    if type(result) is list:
        for row in result:
            for cell in (row if type(row) is list else (row,)):
                if type(cell) is float and cell - cell != 0.0:
                    raise TrupsInputError("a number beyond double precision arose from these inputs; "
                                          "no result is given", "result")
    return result


def one_line(text: str) -> str:
    """Collapse whitespace so a message fits one cell line, at most 255 characters (what a cell shows)."""
    if len(text) <= WIZARD_LIMIT and text.isprintable() and "  " not in text and text[:1] != " " != text[-1:]:
        return text  # one line already: its only white space single ASCII spaces (a column of messages)
    line = " ".join(text.split())
    return line if len(line) <= WIZARD_LIMIT else line[:WIZARD_LIMIT - 3] + "..."
