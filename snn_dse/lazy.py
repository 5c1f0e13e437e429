"""Public names of a package imported on first access (PEP 562), so importing the package
(and the CLI's start-up) stays light: ``__getattr__, __dir__ = lazy_exports(__name__, {...})``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names_by_module: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package`` that import each name
    of ``names_by_module`` (module -> names it defines) from its module on first access."""
    module_of = {name: module for module, names in names_by_module.items() for name in names}
    eager = import_module(package)

    def getattr_(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(module), name)

    def dir_() -> list[str]:
        return sorted([*vars(eager), *module_of])

    return getattr_, dir_
