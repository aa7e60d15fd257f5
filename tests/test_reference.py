"""README's function reference is generated from the code and must be current."""

from pathlib import Path

from trups_xl.reference import BEGIN, END, SCHEMA_BEGIN, SCHEMA_END, reference, schema

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_reference_is_current():
    text = README.read_text(encoding="utf-8")
    committed = text[text.index(BEGIN):text.index(END) + len(END)]
    assert committed == reference(), "run: python -m trups_xl.reference"


def test_readme_terms_schema_is_current():
    text = README.read_text(encoding="utf-8")
    committed = text[text.index(SCHEMA_BEGIN):text.index(SCHEMA_END) + len(SCHEMA_END)]
    assert committed == schema(), "run: python -m trups_xl.reference"


def test_descriptions_fit_the_function_wizard():
    from trups_xl.xlfunc import INFO, WIZARD_LIMIT

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


def test_readme_worked_xiii_example_is_what_the_functions_return():
    import datetime as dt
    import re

    from trups_xl.xlfunc import REGISTRY

    text = README.read_text(encoding="utf-8")
    block = text[text.index("### Worked example: Citigroup Capital XIII"):]
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
