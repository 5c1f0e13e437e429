"""Design-space exploration: space, engines, evaluation pipeline, result store and CLI.

``explore(ExploreOptions(...))`` runs a search and writes a run directory; ``load_run(dir)``
reads one back (also an interrupted one). See docs/architecture.md for the record format.
"""

from dse._budgets import BUDGET_KINDS, Budget, BudgetKind, constraint_values, parse_budgets
from dse._cache import EvaluationCache, cache_key, default_cache_path
from dse._explore import (
    DEFAULT_EVALUATIONS,
    DEFAULT_PROFILE,
    DEFAULT_TEST_SAMPLES,
    DEFAULT_TRAIN_SAMPLES,
    ExplorationInterrupted,
    ExploreOptions,
    ExploreResult,
    ProgressState,
    explore,
)
from dse._objectives import OBJECTIVES, Objective, minimised_vector, parse_objectives
from dse._pipeline import (
    DatasetInfo,
    EvalContext,
    Models,
    RealModels,
    SimSettings,
    candidate_seed,
    canonical_candidate,
    evaluate,
)
from dse._run_dir import load_run
from dse._space import (
    ChoiceParam,
    DesignSpace,
    IntParam,
    RealParam,
    SpaceError,
    default_space,
    load_space,
)
from dse._store import ResultStore
from dse.engines import ENGINES, OPTUNA_SAMPLERS, Engine, make_engine

__all__ = [
    "BUDGET_KINDS",
    "DEFAULT_EVALUATIONS",
    "DEFAULT_PROFILE",
    "DEFAULT_TEST_SAMPLES",
    "DEFAULT_TRAIN_SAMPLES",
    "ENGINES",
    "OBJECTIVES",
    "OPTUNA_SAMPLERS",
    "Budget",
    "BudgetKind",
    "ChoiceParam",
    "DatasetInfo",
    "DesignSpace",
    "Engine",
    "EvalContext",
    "EvaluationCache",
    "ExplorationInterrupted",
    "ExploreOptions",
    "ExploreResult",
    "IntParam",
    "Models",
    "Objective",
    "ProgressState",
    "RealModels",
    "RealParam",
    "ResultStore",
    "SimSettings",
    "SpaceError",
    "cache_key",
    "candidate_seed",
    "canonical_candidate",
    "constraint_values",
    "default_cache_path",
    "default_space",
    "evaluate",
    "explore",
    "load_run",
    "load_space",
    "make_engine",
    "minimised_vector",
    "parse_budgets",
    "parse_objectives",
]
