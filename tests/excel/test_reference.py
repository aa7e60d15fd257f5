"""The docs' generated blocks (function reference, terms table, code layout) are current, and what
the docs state about the functions is what they return."""

from pathlib import Path

import pytest

from trups_xl.excel.reference import (
    BEGIN,
    END,
    LAYOUT_BEGIN,
    LAYOUT_END,
    SCHEMA_BEGIN,
    SCHEMA_END,
    layout,
    reference,
    schema,
)

README = Path(__file__).resolve().parents[2] / "README.md"
DOCS = README.parent / "docs"


def test_the_function_reference_is_current():
    text = (DOCS / "functions.md").read_text(encoding="utf-8")
    committed = text[text.index(BEGIN):text.index(END) + len(END)]
    assert committed == reference(), "run: python -m trups_xl.excel.reference"


def test_the_terms_schema_is_current():
    text = (DOCS / "securities.md").read_text(encoding="utf-8")
    committed = text[text.index(SCHEMA_BEGIN):text.index(SCHEMA_END) + len(SCHEMA_END)]
    assert committed == schema(), "run: python -m trups_xl.excel.reference"


def test_the_code_layout_is_current_and_names_every_module():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    committed = text[text.index(LAYOUT_BEGIN):text.index(LAYOUT_END) + len(LAYOUT_END)]
    assert committed == layout(), "run: python -m trups_xl.excel.reference"
    package = README.parent / "trups_xl"
    for folder in ("core", "excel", "recalc"):
        for module in (package / folder).rglob("*.py"):
            if module.stem != "__init__":
                assert f"| `{module.stem}` |" in committed, module


def test_descriptions_fit_the_function_wizard():
    from trups_xl.excel.function import INFO, WIZARD_LIMIT

    for name, info in INFO.items():
        assert 0 < len(info.summary) <= WIZARD_LIMIT, name
        for arg, text in info.arg_help.items():
            assert 0 < len(text) <= WIZARD_LIMIT, f"{name}.{arg}"


def test_the_cited_terms_digest_is_in_the_repository():
    root = README.parent
    assert (root / "docs" / "TERMS.md").is_file()
    files = [README, *root.joinpath("trups_xl").rglob("*.py"), *root.joinpath("trups_xl").rglob("*.csv")]
    cited = [f for f in files if "TERMS.md" in f.read_text(encoding="utf-8")]
    assert len(cited) >= 5
    for f in cited:
        text = f.read_text(encoding="utf-8")
        assert text.count("TERMS.md") == text.count("docs/TERMS.md"), f


def _excel_args(inner: str) -> list:
    import csv

    args = []
    for raw in next(csv.reader([inner], skipinitialspace=True)):
        text = raw.strip()
        if text == "":
            args.append(None)
        else:
            try:
                args.append(float(text))
            except ValueError:
                args.append(text.strip('"'))
    return args


@pytest.mark.parametrize("heading", ["## Worked example: Citigroup Capital XIII",
                                     "## Worked example: the shipped hybrids"])
def test_the_worked_examples_are_what_the_functions_return(heading):
    import datetime as dt
    import re

    from trups_xl.excel.function import REGISTRY

    text = (DOCS / "securities.md").read_text(encoding="utf-8") + "\n## "
    block = text[text.index(heading):]
    block = block[:block.index("\n## ")]
    rows = re.findall(r"^\| `=(TRUPS_\w+)\((.*)\)` \| ([^ |]+)", block, re.M)
    assert len(rows) >= 6
    for name, inner, shown in rows:
        got = REGISTRY[name](*_excel_args(inner))
        if isinstance(got, dt.date):
            assert got.isoformat() == shown, name
        else:
            assert round(got, 9) == float(shown), (name, got, shown)


def test_every_data_file_ships_in_the_package():
    import fnmatch
    import tomllib

    root = README.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["trups_xl"]
    package = root / "trups_xl"
    data = [p.relative_to(package).as_posix() for p in (package / "data").rglob("*") if p.is_file()]
    assert data and all(any(fnmatch.fnmatch(d, pat) for pat in patterns) for d in data), data


def test_the_recalc_claims_are_the_bench_table_s_figures():
    """Every figure docs/performance.md states about recalculation speed is a cell of the bench table printed
    beside it (bench/recalc_scale.py's output, pasted from one run)."""
    import re

    text = (DOCS / "performance.md").read_text(encoding="utf-8")
    section = text[text.index("## Recalculation at the size of real models"):text.index("## What a cell costs")]
    table = section[section.index("```\n") + 4:section.index("\n```", section.index("```\n") + 4)]
    rows = {}
    for line in table.splitlines()[1:]:
        cells = [c.strip() for c in line.split("|")]
        shape, rows_text = cells[0].split()[:2]
        ours_s, ours_mb = cells[1].split()
        floor_s, _ = cells[2].split()
        rows[(shape, rows_text)] = {"s": ours_s, "mb": ours_mb, "floor": floor_s, "ratio": cells[3].split()[0]}
    claims = re.findall(r"`(\w+)` at ([\d,]+) rows: ([\d.]+) s, ([\d,]+) MB, ([\d.]+x) its floor", section)
    assert len(claims) >= 3
    for shape, size, seconds, mb, ratio in claims:
        row = rows[(shape, size)]
        assert (row["s"], row["mb"], row["ratio"]) == (seconds, mb, ratio), (shape, size)


def test_the_docs_count_the_functions_lite_registers():
    import re

    from trups_xl.excel import udfs  # noqa: F401
    from trups_xl.excel.function import REGISTRY

    text = (DOCS / "excel.md").read_text(encoding="utf-8")
    counts = {int(n) for n in re.findall(r"all (\d+) functions register", text)}
    assert counts == {len(REGISTRY)}


def test_the_generator_rewrites_each_stale_block_in_its_page_and_nothing_else(tmp_path):
    import shutil

    from trups_xl.excel.reference import pages, update_docs

    (tmp_path / "docs").mkdir()
    for relative in pages():
        shutil.copy(README.parent / relative, tmp_path / relative)
    assert update_docs(tmp_path) == []  # the committed pages are current
    stale = tmp_path / "docs" / "functions.md"
    text = stale.read_text(encoding="utf-8")
    stale.write_text(text.replace(END, "### `TRUPS_GONE()`\n\n" + END), encoding="utf-8")
    assert update_docs(tmp_path) == [stale]
    assert stale.read_text(encoding="utf-8") == text
    for relative in pages():
        assert (tmp_path / relative).read_text(encoding="utf-8") == (README.parent / relative).read_text(encoding="utf-8")
