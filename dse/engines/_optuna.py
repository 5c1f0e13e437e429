"""Optuna 5 engine: a multi-objective study driven ask/tell, NSGA-II or TPE sampler.

Constraints go through ``trial.set_constraint`` (the v5 core API; the samplers read
``FrozenTrial.constraints``, so the deprecated ``constraints_func`` is not used). With a storage
URL the study survives the run: ``optuna.load_study(study_name=..., storage=...)`` opens it and
``optuna-dashboard`` can show it. Creating the engine on a study that already holds trials
resumes it: finished trials inform the sampler, and trials left running by a killed run are
marked failed and their designs proposed again first.

Optuna re-proposes designs it has already seen (../shared/reference/dse-engines.md §3), TPE on a
small discrete space most of the time. A repeat of an evaluated design, or of one already in the
batch, is closed at once as a FAIL trial with the user attribute ``repeat``: telling it COMPLETE
again would weigh the sampler towards its own repeats, and samplers ignore failed trials. After
``3 x batch_size`` proposals the rest of the batch is drawn uniformly from unseen designs and
enqueued (user attribute ``origin: random-fill``), so every batch holds distinct, unseen designs
and the search keeps moving. An empty batch means a space without real parameters has been fully
evaluated. A design told with every objective at ``FAILED_VALUE`` (its evaluation raised) is
closed as a FAIL trial (user attribute ``failed``) and not proposed again.
"""

from __future__ import annotations

import warnings

import numpy as np
import optuna
from numpy.typing import NDArray
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.exceptions import ExperimentalWarning
from optuna.samplers import BaseSampler, NSGAIISampler, TPESampler
from optuna.trial import Trial, TrialState

from dse._space import Candidate, ChoiceParam, DesignSpace, IntParam, Param, RealParam, Scalar
from dse.engines._base import FAILED_VALUE, Engine
from dse.engines._random import draw_unseen
from snn_dse.errors import InputError

#: Sampler proposals per batch slot before the rest of a batch is drawn at random.
_ASKS_PER_SLOT = 3


def _distribution(param: Param) -> BaseDistribution:
    if isinstance(param, ChoiceParam):
        return CategoricalDistribution(param.choices)
    if isinstance(param, IntParam):
        return IntDistribution(param.low, param.high, log=param.log)
    return FloatDistribution(param.low, param.high, log=param.log)


def _sampler(name: str, seed: int, population_size: int) -> BaseSampler:
    """NSGA-II with one batch per generation, or multivariate TPE (it models interactions such as
    inhibition kind x strength)."""
    if name == "nsga2":
        return NSGAIISampler(population_size=population_size, seed=seed)
    return TPESampler(seed=seed, multivariate=True)


class OptunaEngine(Engine):
    """An Optuna study over the space; ``sampler`` is ``"nsga2"`` (population ``batch_size``) or ``"tpe"``.

    ``storage`` is an Optuna storage URL (``None``: in memory). ``study_name`` defaults to
    ``dse-<space fingerprint>``, since one study must keep one search space. Constraint values are
    stored under ``constraint_names`` (default ``g0``, ``g1``, ...), objectives under
    ``objective_names`` when given. Optuna's per-trial INFO logging is turned down to warnings.
    """

    name = "optuna"

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int, *, sampler: str = "nsga2", storage: str | None = None,
                 study_name: str | None = None, objective_names: list[str] | None = None,
                 constraint_names: list[str] | None = None) -> None:
        super().__init__(space, n_objectives, n_constraints, seed, batch_size)
        if sampler == "nsga2" and batch_size < 2:
            raise ValueError("the nsga2 sampler needs batch_size >= 2 (its population size), "
                             f"got {batch_size}")
        self._constraint_names = list(constraint_names or [f"g{i}" for i in range(n_constraints)])
        if len(self._constraint_names) != n_constraints:
            raise ValueError(f"{len(self._constraint_names)} constraint names for "
                             f"{n_constraints} constraints")
        if objective_names is not None and len(objective_names) != n_objectives:
            raise ValueError(f"{len(objective_names)} objective names for {n_objectives} objectives")
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.study = optuna.create_study(
            storage=storage, study_name=study_name or f"dse-{space.fingerprint()}",
            directions=["minimize"] * n_objectives, sampler=_sampler(sampler, self.seed, batch_size),
            load_if_exists=True)
        self._check_compatible(objective_names)
        self._distributions = {p.name: _distribution(p) for p in space.params}
        self._evaluated: set[tuple[Scalar, ...]] = set()
        self._batch: list[Trial] = []
        self._rng = np.random.default_rng(self.seed)
        self._discrete = not any(isinstance(p, RealParam) for p in space.params)
        self._resume()

    def _check_compatible(self, objective_names: list[str] | None) -> None:
        """Refuse to continue a stored study of another space or objective count; label a new one."""
        if len(self.study.directions) != self.n_objectives:
            raise InputError(f"optuna study {self.study.study_name!r} has {len(self.study.directions)} "
                             f"objectives, this run {self.n_objectives}; choose another --storage or study")
        stored = self.study.user_attrs.get("space")
        if stored is not None and stored != self.space.to_dict():
            raise InputError(f"optuna study {self.study.study_name!r} was made for another design space; "
                             "choose another --storage or study name")
        if stored is None:
            self.study.set_user_attr("space", self.space.to_dict())
        if objective_names is not None and self.study.metric_names != objective_names:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExperimentalWarning)
                self.study.set_metric_names(objective_names)

    def _resume(self) -> None:
        """Index finished trials; fail trials a killed run left running and queue their designs again."""
        for trial in self.study.get_trials(deepcopy=False):
            if trial.state == TrialState.COMPLETE and self.space.contains(trial.params):
                self._evaluated.add(self.space.key(trial.params))
            elif trial.state == TrialState.RUNNING:
                self.study.tell(trial.number, state=TrialState.FAIL)
                self.study.enqueue_trial(trial.params, user_attrs={"origin": "resumed"})

    def _ask(self) -> list[Candidate]:
        if self._discrete and len(self._evaluated) >= self.space.size:
            return []
        slots: dict[tuple[Scalar, ...], Trial] = {}
        batch: list[Candidate] = []
        for _ in range(_ASKS_PER_SLOT * self.batch_size):
            if len(batch) == self.batch_size:
                break
            trial = self.study.ask(self._distributions)
            candidate = self.space.canonical(trial.params)
            key = tuple(candidate.values())
            if key in self._evaluated or key in slots:
                trial.set_user_attr("repeat", "design proposed in an earlier trial")
                self.study.tell(trial, state=TrialState.FAIL)
            else:
                slots[key] = trial
                batch.append(candidate)
        if len(batch) < self.batch_size:
            fill = draw_unseen(self.space, self._rng, self.batch_size - len(batch),
                               lambda key: key in self._evaluated or key in slots)
            for candidate in fill:
                self.study.enqueue_trial(candidate, user_attrs={"origin": "random-fill"})
                slots[self.space.key(candidate)] = self.study.ask(self._distributions)
                batch.append(candidate)
        self._batch = list(slots.values())
        return batch

    def _tell(self, candidates: list[Candidate], F: NDArray[np.float64], G: NDArray[np.float64]) -> None:
        for trial, candidate, f, g in zip(self._batch, candidates, F, G, strict=True):
            self._evaluated.add(tuple(candidate.values()))
            if np.all(f >= FAILED_VALUE):  # the evaluation failed: samplers skip FAIL trials
                trial.set_user_attr("failed", "the evaluation of this design raised")
                self.study.tell(trial, state=TrialState.FAIL)
                continue
            values = [float(v) for v in f]
            constraints = {name: float(v) for name, v in zip(self._constraint_names, g, strict=True)}
            for name, value in constraints.items():
                trial.set_constraint(name, value)
            self.study.tell(trial, values)
        self._batch = []
