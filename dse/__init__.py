"""Design-space exploration: space, engines, evaluation pipeline, result store and CLI.

``explore(ExploreOptions(...))`` runs a search and writes a run directory; ``load_run(dir)``
reads one back (also an interrupted one). See docs/architecture.md for the record format.
"""

from snn_dse.lazy import lazy_exports

#: Public names, by the module that defines them; each is imported on first access, so that
#: ``import dse`` (and the CLI's start-up) stays light.
_LAZY = {
    "dse._budgets": ("BUDGET_KINDS", "PRESCREEN_MARGIN", "Budget", "BudgetKind",
                     "constraint_values", "parse_budgets"),
    "dse._cache": ("EvaluationCache", "cache_key", "default_cache_path"),
    "dse._defaults": ("DEFAULT_EVALUATIONS", "DEFAULT_PROFILE", "DEFAULT_TEST_SAMPLES",
                      "DEFAULT_TRAIN_SAMPLES"),
    "dse._explore": ("ExplorationFailed", "ExplorationInterrupted", "ProgressState", "explore"),
    "dse._options": ("ExploreOptions", "ExploreResult"),
    "dse._objectives": ("OBJECTIVES", "Objective", "minimised_vector", "parse_objectives"),
    "dse._pipeline": ("DatasetInfo", "EvalContext", "Models", "RealModels", "SimSettings",
                      "candidate_seed", "canonical_candidate", "evaluate"),
    "dse._reproduce": ("CLAIMS", "PAPERS", "Fidelity", "ReproduceOptions", "Reproduction",
                       "ReproductionInterrupted", "reproduce"),
    "dse._run_dir": ("load_run",),
    "dse._space": ("ChoiceParam", "DesignSpace", "IntParam", "RealParam", "SpaceError",
                   "default_space", "load_space"),
    "dse._status": ("RunStatus", "run_status"),
    "dse._store": ("ResultStore",),
    "dse._worker": ("WorkerSummary", "run_worker"),
    "dse.engines": ("ENGINES", "OPTUNA_SAMPLERS", "Engine", "make_engine"),
}

__all__ = sorted(name for names in _LAZY.values() for name in names)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
