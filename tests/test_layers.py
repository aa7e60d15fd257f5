"""The calculation core imports neither Excel's libraries nor the layers above it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "trups_xl"
#: The layers above the core: the Excel boundary, the headless recalculation, the tools.
ABOVE = {"udfs", "xlfunc", "xlconvert", "reference", "workbook", "cli", "recalc"}
FORBIDDEN = {"xlwings", "openpyxl", "formualizer", "formulas", "defusedxml"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "trups_xl":
                names |= {f"trups_xl.{a.name}" for a in node.names}
    return names


def test_the_core_imports_no_excel_engine_or_upper_layer():
    core = [p for p in PACKAGE.glob("*.py") if p.stem not in ABOVE]
    assert len(core) >= 15
    for path in core:
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, (path.name, name)
            if top == "trups_xl" and "." in name:
                assert name.split(".")[1] not in ABOVE, (path.name, name)


def test_the_recalculation_does_not_reach_into_the_workbook_generator_or_cli():
    for path in (PACKAGE / "recalc").glob("*.py"):
        for name in _imports(path):
            assert name not in {"trups_xl.cli", "trups_xl.workbook"}, (path.name, name)
