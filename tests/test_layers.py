"""The layers import only downward: the core imports neither Excel's libraries nor the layers above
it; inside the core each concept imports only the ones below it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "trups_xl"
#: Third-party packages that belong to the layers above the core.
FORBIDDEN = {"xlwings", "openpyxl", "formualizer", "formulas", "defusedxml"}
#: The core's packages, bottom first; each may import itself and the ones before it. Securities
#: read the day-count and calendar choices (scheduling's bottom modules), so the order is per module.
CORE_ORDER = [
    "trups_xl.core.errors",
    "trups_xl.core.scheduling.daycount",
    "trups_xl.core.scheduling.calendars",
    "trups_xl.core.securities",
    "trups_xl.core.scheduling.schedule",
    "trups_xl.core.rates",
    "trups_xl.core.pricing",
    "trups_xl.core.provisions",
]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _module(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def _rank(name: str) -> int | None:
    found = [i for i, prefix in enumerate(CORE_ORDER) if name == prefix or name.startswith(prefix + ".")]
    return max(found) if found else None


def test_the_core_imports_no_excel_engine_or_upper_layer():
    core = list((PACKAGE / "core").rglob("*.py"))
    assert len(core) >= 25
    for path in core:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, (_module(path), name)
            if name.startswith("trups_xl."):
                assert name.startswith("trups_xl.core"), (_module(path), name)


def test_inside_the_core_each_concept_imports_only_those_below_it():
    for path in (PACKAGE / "core").rglob("*.py"):
        own = _rank(_module(path))
        for name in _imports(path):
            if name.startswith("trups_xl.core.") and (rank := _rank(name)) is not None and own is not None:
                assert rank <= own, (_module(path), name)


def test_the_recalculation_does_not_reach_into_the_workbook_generator_or_cli():
    for path in (PACKAGE / "recalc").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("trups_xl.cli", "trups_xl.workbook")), (path.name, name)


def test_the_excel_layer_does_not_import_the_recalculation():
    for path in (PACKAGE / "excel").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("trups_xl.recalc", "trups_xl.cli", "trups_xl.workbook")), (path.name, name)


def test_each_package_docstring_lists_its_modules_and_packages():
    """A newcomer finds a rule in one hop: every package's docstring names each module under it."""
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        here = init.parent
        names = {p.stem for p in here.glob("*.py") if p.stem != "__init__"}
        names |= {p.name for p in here.iterdir() if (p / "__init__.py").exists()}
        for name in names:
            assert f"``{name}``" in doc, (str(here.relative_to(PACKAGE.parent)), name)


def test_no_rule_has_a_default_security():
    """The rules take ``terms`` explicitly: nothing in the core outside ``securities`` imports the
    loading module (where XXI, the Excel functions' default, is), and no core signature defaults it."""
    for path in (PACKAGE / "core").rglob("*.py"):
        if path.parent.name == "securities":
            continue
        assert not any(n.startswith("trups_xl.core.securities.loading") for n in _imports(path)), path.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = args.posonlyargs + args.args
                defaults = dict(zip([a.arg for a in positional][-len(args.defaults):], args.defaults, strict=True)) \
                    if args.defaults else {}
                defaults |= {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}
                assert "terms" not in defaults, (path.name, node.name)
