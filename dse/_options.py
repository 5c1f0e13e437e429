"""The options and the result of ``dse explore``, in a module light enough for the CLI's
start-up (the exploration itself is ``dse._explore``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dse._budgets import Budget
from dse._defaults import (
    DEFAULT_DATASET,
    DEFAULT_EVALUATIONS,
    DEFAULT_LEASE_S,
    DEFAULT_PROFILE,
    DEFAULT_TEST_SAMPLES,
    DEFAULT_TRAIN_SAMPLES,
)
from dse._objectives import DEFAULT_OBJECTIVES, Objective
from snn_dse.domains import DEFAULT_ROUNDING
from snn_dse.errors import NoFeasibleDesignError


def _masked(url: str) -> str:
    """``url`` with any password masked (``dse._db.safe_url``, imported only for a URL)."""
    from dse._db import safe_url

    return safe_url(url)


@dataclass(frozen=True)
class ExploreOptions:
    """The options of ``dse explore`` (see ``dse explore --help``); budgets are unit strings.

    ``workers=None`` uses every available core; ``out=None`` creates ``runs/<RUN>`` or
    ``runs/<UTC timestamp>``; ``cache=None`` uses the shared user cache. ``store`` (a database
    URL or SQLite path; default ``OUT/store.sqlite``) and ``run`` (the run's name in it; default
    the run directory's name) share the run with ``dse worker`` processes, which claim and
    simulate its designs (then ``workers=0`` lets this process only coordinate); ``executor``
    (``tcp://HOST:PORT``) simulates on a Dask cluster instead; ``lease`` is the seconds a claim
    lasts without renewal.
    """

    profiles: tuple[str, ...] = (DEFAULT_PROFILE,)
    profiles_dir: Path | None = None
    memory_budget: str | None = None
    energy_budget: str | None = None
    train_energy_budget: str | None = None
    latency_budget: str | None = None
    objectives: str = DEFAULT_OBJECTIVES
    engine: str = "guided"
    sampler: str = "nsga2"
    storage: str | None = None
    evaluations: int = DEFAULT_EVALUATIONS
    seed: int = 0
    space: Path | None = None
    dataset: str = DEFAULT_DATASET
    data_dir: Path | None = None
    protocol: str = "static"
    train_samples: int = DEFAULT_TRAIN_SAMPLES
    test_samples: int = DEFAULT_TEST_SAMPLES
    rounding: str = DEFAULT_ROUNDING
    timing: str | None = None
    workers: int | None = None
    out: Path | None = None
    cache: Path | str | None = None
    no_cache: bool = False
    robust: bool = False
    store: str | None = None
    run: str | None = None
    executor: str | None = None
    lease: float = DEFAULT_LEASE_S

    def to_args(self) -> list[str]:
        """The ``dse explore`` arguments that reproduce these options (defaults left out;
        profiles always listed; database passwords masked, since the command is recorded)."""
        args: list[str] = []
        for profile in self.profiles:
            args += ["--profile", profile]
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if spec.name == "profiles" or value == spec.default:
                continue
            option = "--" + spec.name.replace("_", "-")
            text = _masked(str(value)) if "://" in str(value) else str(value)
            args += [option] if value is True else [option, text]
        return args

    def named_run_dir(self) -> Path | None:
        """The run directory ``out`` or ``--run`` names (``runs/RUN``); None when neither is
        given (``dse explore`` then creates ``runs/<UTC timestamp>``)."""
        return self.out or (Path("runs") / self.run if self.run else None)

    def run_name(self, run_dir: Path) -> str:
        """The run's name in its store: ``run``, else the name of ``run_dir``."""
        return self.run or run_dir.resolve().name


@dataclass(frozen=True)
class ExploreResult:
    """What an exploration produced: the run dict (run.json), every record, the Pareto front
    (feasible, non-dominated, per profile, by index), the recommended design (None when
    nothing is feasible) and each profile's, the least-infeasible designs (when nothing is
    feasible), and the paths written."""

    run_dir: Path
    run: dict[str, Any]
    evaluations: list[dict[str, Any]]
    pareto: list[dict[str, Any]]
    recommended: dict[str, Any] | None
    recommended_by_profile: dict[str, dict[str, Any]]
    least_infeasible: list[dict[str, Any]]
    objectives: tuple[Objective, ...]
    budgets: tuple[Budget, ...]
    parameters: list[str]
    paths: dict[str, Path]

    def check_feasible(self) -> None:
        """Raise ``NoFeasibleDesignError`` (exit 3) when no design met the budgets."""
        if self.recommended is None:
            raise NoFeasibleDesignError(
                f"no design meets the budgets ({len(self.evaluations)} evaluated); the least "
                f"infeasible are listed above and every design is in {self.paths['evaluations']}"
            )
