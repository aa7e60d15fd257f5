"""The resume store of a batch: one JSON line per finished (workbook, scenario) pair, beside the results.

Each line is appended as its pair finishes (flushed to disk with its task), so an interrupted run keeps what it
completed; a rerun with the same arguments skips every pair whose key it finds. The key is a hash of
the workbook's content, the scenario's name and inputs, the outputs asked for and the limits, so a
workbook or a scenario changed since is computed again. A line cut short by a kill is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trups_xl.recalc.scenario_table import Day

#: A journal larger than this is not read (it is ours, but a file on disk is untrusted all the same).
MAX_JOURNAL_BYTES = 512 * 2**20


def digest(path: Path) -> str:
    """The SHA-256 of a file's content."""
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pair_key(workbook_digest: str, scenario: str, inputs: Iterable[tuple[str, Any]], settings: Any) -> str:
    """The key of one (workbook, scenario) pair: what its results depend on."""
    # a table's date keyed as a date, not as the number it equals (which the model reads otherwise)
    keyed = [[header, {"date": float(value)} if isinstance(value, Day) else value] for header, value in inputs]
    text = json.dumps([workbook_digest, scenario, keyed, settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One finished pair: its rows as (output, value, message)."""

    key: str
    workbook: str
    scenario: str
    rows: list[tuple[str, Any, str]]


class Journal:
    """Append-only JSON lines; :meth:`finished` reads what an earlier run completed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None

    def finished(self) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        try:
            if self.path.stat().st_size > MAX_JOURNAL_BYTES:
                return out
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return out
        for line in lines:
            try:
                item = json.loads(line)
                rows = [(str(o), v, str(m)) for o, v, m in item["rows"]]
                if any(not (v is None or isinstance(v, (bool, int, float, str))) for _o, v, _m in rows):
                    continue
                out[str(item["key"])] = Entry(str(item["key"]), str(item["workbook"]), str(item["scenario"]), rows)
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill, or not ours
        return out

    def add(self, entry: Entry) -> None:
        if self._handle is None:
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(json.dumps({"key": entry.key, "workbook": entry.workbook, "scenario": entry.scenario,
                                       "rows": [list(r) for r in entry.rows]}, default=str) + "\n")

    def sync(self) -> None:
        """Make the lines added so far durable (called once per finished task, not per line)."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self.sync()
            self._handle.close()
            self._handle = None


__all__ = ["Entry", "Journal", "digest", "pair_key"]
