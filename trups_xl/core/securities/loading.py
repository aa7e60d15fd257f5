"""Where a security's terms come from: the shipped files, a user's terms table, lookup by id or CUSIP.

Shipped securities live in ``data/securities/*.toml``, one file each, every term beside its
source (``{ value = ..., source = "..." }``); a user's table (term name, value) is checked term
by term by :func:`~trups_xl.core.securities.terms.from_mapping` and may start from a shipped
security (``base``). :data:`TERMS`, Citigroup Capital XXI, is the security the Excel functions
use when their ``security`` argument is left blank; the rules themselves have no default.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Iterable
from importlib import resources

from trups_xl.core.errors import TrupsInputError
from trups_xl.core.securities.terms import ARGUMENT, Terms, from_mapping


def _read_toml(text: str, where: str) -> tuple[dict[str, object], dict[str, str]]:
    """``{term: value}`` and ``{term: source}`` of a security file (each term an inline table
    ``{ value = ..., source = "..." }``)."""
    data = tomllib.loads(text)
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for term, entry in data.get("terms", {}).items():
        if not isinstance(entry, dict) or "value" not in entry or "source" not in entry:
            raise ValueError(f"{where}: term {term} needs {{ value = ..., source = \"...\" }}")
        values[term] = entry["value"]
        sources[term] = str(entry["source"])
    return values, sources


#: The folder of shipped security files, one ``<id>.toml`` each.
_FOLDER = resources.files("trups_xl") / "data" / "securities"
_XXI = "citigroup_capital_xxi"


@functools.cache
def _shipped_file(security_id: str) -> tuple[Terms, dict[str, str]]:
    """A shipped security and ``{term: source}``, from its data file, read once."""
    entry = _FOLDER / f"{security_id}.toml"
    values, term_sources = _read_toml(entry.read_text(encoding="utf-8"), entry.name)
    values["id"] = security_id
    return from_mapping(values), term_sources


@functools.cache
def _ids() -> tuple[str, ...]:
    """Every shipped security's id (its data file's name), XXI first: the folder listed once."""
    return tuple(sorted((e.name.removesuffix(".toml") for e in _FOLDER.iterdir() if e.name.endswith(".toml")),
                        key=lambda security_id: (security_id != _XXI, security_id)))


@functools.cache
def shipped() -> dict[str, Terms]:
    """Every shipped security by id (the data file's name), XXI first."""
    return {security_id: _shipped_file(security_id)[0] for security_id in _ids()}


def sources(security_id: str) -> dict[str, str]:
    """``{term: source}`` of a shipped security, as its data file gives them."""
    return _shipped_file(security_id)[1]


def by_name(text: str) -> Terms:
    """A shipped security by its id or CUSIP (case and spaces ignored). An id reads its own data file alone
    (every file is read, about 8 ms, only for a CUSIP or a name that is not shipped); a name is looked for
    among the folder's listing, never as a path."""
    key = "".join(text.split()).lower()
    if key in _ids():
        return _shipped_file(key)[0]
    for terms in shipped().values():
        if key == terms.id or (terms.cusip and key == terms.cusip.lower()):
            return terms
    raise TrupsInputError(f"no shipped security {text.strip()!r}; {_which_ship(key)}", ARGUMENT)


def _which_ship(key: str) -> str:
    """What a name that is not shipped is told: the nearest ids, and where all of them are listed (the
    whole list no longer fits the 255 characters a cell shows)."""
    ids = list(shipped())
    near = [i for i in ids if key and key in i][:3] or difflib.get_close_matches(key, ids, n=3, cutoff=0.6)
    nearest = f"nearest: {', '.join(near)}; " if near else ""
    return f"{nearest}docs/securities.md lists all {len(ids)} shipped securities with their CUSIPs"


def from_rows(rows: Iterable[tuple[str, object]]) -> Terms:
    """A security from (term, value) rows: a ``base`` row names a shipped security whose terms the
    other rows override (a blank value removes a term); without ``base`` every required term is
    given. Values are Python values (dates as ``datetime.date``)."""
    given: dict[str, object] = {}
    base: Terms | None = None
    for term, value in rows:
        key = term.strip().lower()
        if key == "base":
            if not isinstance(value, str):
                raise TrupsInputError(f"base must name a shipped security; got {value!r}", ARGUMENT)
            try:
                base = by_name(value)
            except TrupsInputError:
                raise TrupsInputError(f"base {value.strip()!r} is not a shipped security; "
                                      f"{_which_ship(''.join(value.split()).lower())}", ARGUMENT) from None
            continue
        if key in given:
            raise TrupsInputError(f"term {key} is given twice", ARGUMENT)
        given[key] = value
    merged: dict[str, object] = dict(base.as_rows()) if base else {}
    if base is not None:
        merged["id"] = None  # a modified security is no longer the shipped one
    merged.update(given)
    return from_mapping(merged)


#: Citigroup Capital XXI: the security the Excel functions use when none is given (the rules have no default).
TERMS: Terms = _shipped_file(_XXI)[0]  # (only XXI is read at import; the others when first named)
