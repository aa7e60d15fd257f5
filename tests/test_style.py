"""ruff and mypy (strict, core modules) stay clean."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", [["ruff", "check", "trups_xl", "tests"], ["mypy"]])
def test_clean(tool):
    if shutil.which(tool[0]) is None and not (Path(sys.executable).parent / tool[0]).exists():
        pytest.skip(f"{tool[0]} not installed")
    exe = str(Path(sys.executable).parent / tool[0])
    exe = exe if Path(exe).exists() else tool[0]
    run = subprocess.run([exe, *tool[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
