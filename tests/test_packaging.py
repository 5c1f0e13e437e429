"""pyproject.toml declares what the packages import at run time, and nothing else; the
embedded data ship with their licence notice."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("snn_dse", "hwprofiles", "costmodels", "sim", "dse", "reports")
#: Declared but never imported by name: plotly drives kaleido for PNG export; SQLAlchemy loads
#: psycopg for ``postgresql+psycopg://`` store URLs.
USED_WITHOUT_IMPORT = {"kaleido", "psycopg"}
#: Imported by package code that only tests and scripts call (reports._browser), from ``dev``.
DEV_ONLY_IMPORTS = {"playwright"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _imported_distributions() -> set[str]:
    modules: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - set(PACKAGES)
    owners = packages_distributions()
    return {_name(owners[module][0]) for module in third_party}


def test_runtime_dependencies_are_exactly_the_imports() -> None:
    declared = {_name(r) for r in _project()["dependencies"]}
    dev = {_name(r) for r in _project()["optional-dependencies"]["dev"]}
    imported = _imported_distributions()
    assert imported - DEV_ONLY_IMPORTS <= declared, "imported but not declared"
    assert DEV_ONLY_IMPORTS <= dev
    assert declared - USED_WITHOUT_IMPORT <= imported, "declared but never imported"


def test_digits_ship_with_their_notice() -> None:
    from sim._datasets import DIGITS_FILE

    assert DIGITS_FILE.is_file() and DIGITS_FILE.parent == ROOT / "sim" / "data"
    notice = (DIGITS_FILE.parent / "NOTICE").read_text(encoding="utf-8")
    assert "UCI" in notice and "BSD 3-Clause" in notice
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert set(setuptools["setuptools"]["package-data"]["sim"]) == {"data/digits.csv.gz",
                                                                   "data/NOTICE"}
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
