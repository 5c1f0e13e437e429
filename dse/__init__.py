"""Design-space exploration: space, engines, evaluation pipeline, result store and CLI.

``explore(ExploreOptions(...))`` runs a search and writes a run directory; ``load_run(dir)``
reads one back (also an interrupted one). See docs/architecture.md for the record format.
"""

from importlib import import_module
from typing import Any

#: Public names, by the module that defines them; each is imported on first access, so that
#: ``import dse`` (and the CLI's start-up) stays light.
_LAZY = {
    "dse._budgets": ("BUDGET_KINDS", "Budget", "BudgetKind", "constraint_values",
                     "parse_budgets"),
    "dse._cache": ("EvaluationCache", "cache_key", "default_cache_path"),
    "dse._defaults": ("DEFAULT_EVALUATIONS", "DEFAULT_PROFILE", "DEFAULT_TEST_SAMPLES",
                      "DEFAULT_TRAIN_SAMPLES"),
    "dse._explore": ("ExplorationInterrupted", "ExploreOptions", "ExploreResult",
                     "ProgressState", "explore"),
    "dse._objectives": ("OBJECTIVES", "Objective", "minimised_vector", "parse_objectives"),
    "dse._pipeline": ("DatasetInfo", "EvalContext", "Models", "RealModels", "SimSettings",
                      "candidate_seed", "canonical_candidate", "evaluate"),
    "dse._run_dir": ("load_run",),
    "dse._space": ("ChoiceParam", "DesignSpace", "IntParam", "RealParam", "SpaceError",
                   "default_space", "load_space"),
    "dse._store": ("ResultStore",),
    "dse.engines": ("ENGINES", "OPTUNA_SAMPLERS", "Engine", "make_engine"),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Load a lazily exported name from its module."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'dse' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
