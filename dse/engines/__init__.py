"""Search engines behind one ask/tell protocol, and the registry that builds them by name.

``make_engine("nsga2", space, n_objectives=3, n_constraints=2, seed=0, batch_size=16)``.
The pymoo and Optuna engines are imported only when asked for, so the CLI starts fast.
"""

from __future__ import annotations

from typing import Any

from dse._space import DesignSpace
from dse.engines._base import FAILED_VALUE, Engine, Estimates, Estimator
from dse.engines._grid import GridEngine
from dse.engines._random import RandomEngine
from snn_dse.domains import ENGINES, OPTUNA_SAMPLERS


def make_engine(
    name: str,
    space: DesignSpace,
    *,
    n_objectives: int,
    n_constraints: int,
    seed: int,
    batch_size: int,
    optuna_sampler: str = "nsga2",
    optuna_storage: str | None = None,
    study_name: str | None = None,
    objective_names: list[str] | None = None,
    constraint_names: list[str] | None = None,
    estimator: Estimator | None = None,
) -> Engine:
    """Build the engine called ``name`` (one of :data:`ENGINES`).

    ``optuna_sampler``, ``optuna_storage`` (an Optuna storage URL such as
    ``sqlite:///run/optuna.db``; ``None`` keeps the study in memory), ``study_name``,
    ``objective_names`` and ``constraint_names`` configure the Optuna engine and are ignored by
    the others. ``estimator`` (analytical estimates of candidates) informs the guided engine and
    is ignored by the others. Raises :class:`InputError` for an unknown engine or sampler name.
    """
    ENGINES.check(name, "--engine")
    common: dict[str, Any] = {"space": space, "n_objectives": n_objectives, "n_constraints": n_constraints,
              "seed": seed, "batch_size": batch_size}
    if name == "grid":
        return GridEngine(**common)
    if name == "random":
        return RandomEngine(**common)
    if name == "guided":
        from dse.engines._guided import GuidedEngine

        return GuidedEngine(**common, estimator=estimator)
    if name == "nsga2":
        from dse.engines._nsga2 import NSGA2Engine

        return NSGA2Engine(**common)
    OPTUNA_SAMPLERS.check(optuna_sampler, "--sampler")
    from dse.engines._optuna import OptunaEngine

    return OptunaEngine(**common, sampler=optuna_sampler, storage=optuna_storage,
                        study_name=study_name, objective_names=objective_names,
                        constraint_names=constraint_names)


__all__ = ["ENGINES", "FAILED_VALUE", "OPTUNA_SAMPLERS", "Engine", "Estimates", "Estimator",
           "GridEngine", "RandomEngine", "make_engine"]
