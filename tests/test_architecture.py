"""The dependency direction of DESIGN.md, checked on every import statement of the packages
(also imports inside functions): dse -> {costmodels, sim, reports, hwprofiles};
reports -> costmodels (types only, under ``if TYPE_CHECKING``); costmodels -> hwprofiles;
sim -> none of them; every package may import snn_dse, which imports none of them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("snn_dse", "hwprofiles", "costmodels", "sim", "dse", "reports")
ALLOWED = {
    "snn_dse": set(),
    "hwprofiles": {"snn_dse"},
    "costmodels": {"hwprofiles", "snn_dse"},
    "sim": {"snn_dse"},
    "reports": {"snn_dse"},
    "dse": {"costmodels", "sim", "reports", "hwprofiles", "snn_dse"},
}
TYPES_ONLY = {"reports": {"costmodels"}}


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(first-party package, under ``if TYPE_CHECKING``, line) of each import in ``path``."""
    found: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in PACKAGES:
                found.append((top, typing_only, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_dependency_direction(package: str) -> None:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for target, typing_only, line in _imports(path):
            if target == package:
                continue
            allowed = target in ALLOWED[package] or (
                typing_only and target in TYPES_ONLY.get(package, set()))
            if not allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "imports against DESIGN.md's dependency direction:\n" + "\n".join(wrong)


def test_the_checker_sees_function_level_and_typing_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import costmodels\n"
                      "def f():\n    from dse import explore\n")
    assert _imports(source) == [("costmodels", True, 3), ("dse", False, 5)]
