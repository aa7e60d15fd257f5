"""The layers import only downward: the core imports neither Excel's libraries nor the layers above
it; inside the core each concept imports only the ones below it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "trups_xl"
#: Third-party packages that belong to the layers above the core.
FORBIDDEN = {"xlwings", "openpyxl", "formualizer", "formulas", "defusedxml"}
#: The core's packages, bottom first: each imports only itself and those before it. ``errors`` is a
#: module every package may raise from, ``arrays`` one every package may compute with.
CORE_PACKAGES = ["errors", "arrays", "conventions", "securities", "scheduling", "rates", "pricing", "provisions"]


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


def _package(module: str) -> str | None:
    """The core package (or ``errors``) a ``trups_xl.core.*`` module name belongs to."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["trups_xl", "core"] else None


def _core_graph() -> dict[str, set[str]]:
    """Core package -> the other core packages its modules import."""
    graph: dict[str, set[str]] = {name: set() for name in CORE_PACKAGES}
    for path in (PACKAGE / "core").rglob("*.py"):
        own = _package(_module(path))
        if own is None:
            continue
        for name in _imports(path):
            if (other := _package(name)) is not None and other != own and other in graph:
                graph[own].add(other)
    return graph


def test_the_core_imports_no_excel_engine_or_upper_layer():
    core = list((PACKAGE / "core").rglob("*.py"))
    assert len(core) >= 25
    for path in core:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, (_module(path), name)
            if name.startswith("trups_xl."):
                assert name.startswith("trups_xl.core"), (_module(path), name)


def test_every_core_package_is_ranked():
    found = {p.name for p in (PACKAGE / "core").iterdir() if (p / "__init__.py").exists()}
    found |= {p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__"}
    assert found == set(CORE_PACKAGES)


def test_the_core_packages_form_a_graph_without_a_cycle():
    graph = _core_graph()
    seen: set[str] = set()
    order: list[str] = []
    while len(order) < len(graph):  # Kahn: a package whose imports are all placed comes next
        ready = sorted(n for n in graph if n not in seen and graph[n] <= seen)
        assert ready, f"a cycle among {sorted(set(graph) - seen)}: {graph}"
        seen |= set(ready)
        order += ready


def test_each_core_package_imports_only_those_below_it():
    """conventions -> securities -> scheduling -> rates -> pricing -> provisions, checked by package."""
    for package, imported in _core_graph().items():
        for other in imported:
            assert CORE_PACKAGES.index(other) < CORE_PACKAGES.index(package), (package, other)


def test_the_conventions_floor_imports_nothing_else_of_the_project():
    for path in (PACKAGE / "core" / "conventions").glob("*.py"):
        for name in _imports(path):
            if name.startswith("trups_xl"):
                assert name.startswith(("trups_xl.core.conventions", "trups_xl.core.errors")), (path.name, name)


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


def test_shared_rules_name_no_security():
    """A security's words (its id, its dates, its regimes) are its data: no rule outside
    ``securities`` compares a security's id or names a shipped one in code."""
    for path in (PACKAGE / "core").rglob("*.py"):
        if path.parent.name == "securities":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "id":
                raise AssertionError(f"{path.name}: reads a security's id")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("citigroup"):
                raise AssertionError(f"{path.name}: names {node.value}")


def test_every_module_of_40_lines_has_its_mirrored_test_file():
    """trups_xl/<path>/<name>.py (40 lines or more) is tested directly in tests/<path>/test_<name>.py."""
    tests = PACKAGE.parent / "tests"
    missing = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if path.stem in ("__init__", "__main__"):
            continue
        if len(path.read_text(encoding="utf-8").splitlines()) >= 40:
            mirror = tests.joinpath(*rel.parts[:-1], f"test_{path.stem}.py")
            if not mirror.exists():
                missing.append(str(mirror.relative_to(tests)))
    assert not missing, missing


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long
