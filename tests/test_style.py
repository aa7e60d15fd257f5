"""ruff and mypy (strict, core modules) stay clean; in CI (``CI=true``) a missing tool fails the
test rather than skipping it, so a broken environment cannot pass as clean code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _missing(tool: str) -> None:
    """Skip locally, fail in CI, when ``tool`` is not installed."""
    message = f"{tool} not installed"
    if _in_ci():
        pytest.fail(f"{message}; CI must run it (pip install -e '.[test]')")
    pytest.skip(message)


@pytest.mark.parametrize("tool", [["ruff", "check", "trups_xl", "tests", "bench", "scripts"], ["mypy"]])
def test_clean(tool):
    if shutil.which(tool[0]) is None and not (Path(sys.executable).parent / tool[0]).exists():
        _missing(tool[0])
    exe = str(Path(sys.executable).parent / tool[0])
    exe = exe if Path(exe).exists() else tool[0]
    run = subprocess.run([exe, *tool[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_missing_tool_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="ruff not installed"):
        _missing("ruff")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        _missing("ruff")
