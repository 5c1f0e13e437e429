"""``--engine optuna`` with a shared ``--store``: every worker asks and tells one Optuna study.

The study of each profile lives in the store's database (Optuna ``RDBStorage``) with heartbeats:
a worker records a heartbeat every ``lease / 3`` s while a trial runs; a trial whose worker
stopped (SIGKILL) is failed by the next ``ask`` anywhere once ``lease`` s have passed, and
``RetryHeartbeatStaleTrialCallback`` queues a copy with the same parameters, which the next
``ask`` takes. Every process (each ``dse worker`` and, with ``--workers`` > 0, the coordinator)
runs ``study.optimize`` with its own sampler seed; the objective of one trial:

1. suggest a design and prepare it (pre-screen, cache key);
2. a design the run already stored, or evaluated, or that another trial stores meanwhile, is a
   repeat: its trial is pruned, so each record has exactly one trial (a retried trial of a
   worker that died gets the stored values, or stores the outcome the dead worker left, unless
   another trial of the design is complete or running: then it is a repeat too); a
   design another worker is evaluating right now (its claim, ``dse._claims``) is waited for
   and then pruned, so no two processes evaluate one design at once; after 3 repeats in a
   row a process queues a
   uniformly drawn design the run has not stored (``enqueue_trial``), as the coordinator's
   Optuna engine does;
3. evaluate it (or take it from the cache) and store the record under the next free index of
   the profile, set the constraints, return the minimised objectives; a failed evaluation is
   stored failed and its trial ends in ``FAIL``.

The cap is on stored records, and it holds before anything is simulated: a simulation first
claims one of the profile's ``evaluations`` places (``TaskQueue.claim_within``: fewer than
``evaluations`` other designs stored or claimed under a live lease, checked and claimed in one
transaction that locks the run), and the record is stored with the design's outcome in one
such transaction. A process finding every place taken waits (a claim's worker may die and
free its place) until the profile has its records, then stops its ``optimize`` loop. So the
run has exactly ``evaluations`` records per profile however many workers race, and no design
is simulated past them (Optuna's ``MaxTrialsCallback`` counts after each trial and would
overshoot by up to workers - 1). Claims are renewed every ``lease / 3`` s while a simulation
runs (``LeaseKeeper``), so simulations longer than the lease keep their place and are never
taken over by a live worker.

On SQLite every transaction of the study's storage begins ``IMMEDIATE``
(``dse._db.begin_immediate``): Optuna's move of a waiting (queued or retried) trial to running is
a read then a write, which SQLite does not otherwise make atomic, and two workers would run the
same trial (the second one's tell fails: "Cannot tell a COMPLETE trial").

The search is asynchronous, so unlike the other engines its results depend on the workers'
timing.
"""

from __future__ import annotations

import time
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
import sqlalchemy as sa
from optuna.exceptions import ExperimentalWarning
from optuna.samplers import BaseSampler, NSGAIISampler, TPESampler
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import Trial

from dse import _db
from dse._budgets import Budget
from dse._cache import EvaluationCache
from dse._claims import TaskQueue
from dse._objectives import Objective, minimised_vector
from dse._pipeline import (
    EvalContext,
    Measured,
    Outcome,
    Prepared,
    attempt,
    finish,
    outcome_record,
    prepare,
)
from dse._space import ChoiceParam, DesignSpace, IntParam, Param
from dse._store import ResultStore
from dse.engines._random import draw_unseen

#: Seconds between polls while waiting for a design another worker is evaluating.
WAIT_POLL_S = 0.05
#: Retries of a trial whose worker died (Optuna's heartbeat).
MAX_RETRY = 2
#: Repeated proposals in a row, in one process, before a random unseen design is queued.
REPEATS_BEFORE_FILL = 3


class EvaluationFailed(Exception):
    """A design's evaluation raised; its trial ends in FAIL (the record is stored failed)."""


@dataclass(frozen=True)
class SharedStudy:
    """What every process of a shared Optuna run needs besides the evaluation contexts: the
    storage URL, one study name per profile, the space, objectives, budgets, sampler, seed,
    records per profile and the lease (heartbeat every third of it, stale after it)."""

    storage: str
    study_names: tuple[str, ...]
    space: DesignSpace
    objectives: tuple[Objective, ...]
    budgets: tuple[Budget, ...]
    sampler: str
    seed: int
    evaluations: int
    lease_s: float
    population: int

    def rdb(self) -> RDBStorage:
        """The storage, with heartbeats and the retry of stale trials (experimental in Optuna
        since 2.8 and still the documented way; the warnings are silenced)."""
        sqlite = self.storage.startswith("sqlite")
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if sqlite:
            kwargs = {"connect_args": dict(_db.SQLITE_IMMEDIATE_CONNECT_ARGS)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            storage = self._rdb(kwargs)
        if sqlite:  # Optuna's check-then-set of a waiting trial must be atomic
            _db.begin_immediate(storage.engine)
        return storage

    def _rdb(self, kwargs: dict[str, Any]) -> RDBStorage:
        return RDBStorage(
            self.storage, engine_kwargs=kwargs,
            heartbeat_interval=max(1, round(self.lease_s / 3)),
            grace_period=max(2, round(self.lease_s)),
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(MAX_RETRY),
        )

    def sampler_for(self, owner: str) -> BaseSampler:
        """This process's sampler, seeded by the run seed and the worker's name."""
        seed = (self.seed * 1_000_003 + zlib.crc32(owner.encode())) % 2**31
        if self.sampler == "nsga2":
            return NSGAIISampler(population_size=self.population, seed=seed)
        return TPESampler(seed=seed, multivariate=True)

    def create(self) -> None:
        """Create (or keep) every profile's study, labelled with the metric names."""
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        storage = self.rdb()
        for name in self.study_names:
            study = optuna.create_study(storage=storage, study_name=name, load_if_exists=True,
                                        directions=["minimize"] * len(self.objectives))
            if study.user_attrs.get("space") is None:
                study.set_user_attr("space", self.space.to_dict())
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ExperimentalWarning)
                    study.set_metric_names([o.key for o in self.objectives])


def _suggest(trial: Trial, param: Param) -> Any:
    if isinstance(param, ChoiceParam):
        return trial.suggest_categorical(param.name, list(param.choices))
    if isinstance(param, IntParam):
        return trial.suggest_int(param.name, param.low, param.high, log=param.log)
    return trial.suggest_float(param.name, param.low, param.high, log=param.log)


def _retried(trial: Trial) -> list[int]:
    """The numbers of the trials ``trial`` retries (Optuna's heartbeat retry history; empty
    for a trial that retries none)."""
    frozen = trial.study._storage.get_trial(trial._trial_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return RetryHeartbeatStaleTrialCallback.retry_history(frozen)


def stored_count(store: ResultStore, first: int, count: int) -> int:
    """Records of the run with an index in ``[first, first + count)``."""
    t = _db.evaluations
    with store.engine.connect() as db:
        return int(db.execute(sa.select(sa.func.count()).select_from(t).where(
            t.c.run == store.run, t.c.idx >= first, t.c.idx < first + count)).scalar_one())


class _Objective:
    """The objective of one profile's study in one process."""

    def __init__(self, spec: SharedStudy, number: int, ctx: EvalContext, store: ResultStore,
                 queue: TaskQueue, cache: EvaluationCache | None,
                 on_record: Callable[[dict[str, Any]], None] | None) -> None:
        self.spec = spec
        self.ctx = ctx
        self.store = store
        self.queue = queue
        self.cache = cache
        self.number = number
        self.first = number * spec.evaluations
        self.on_record = on_record
        self._repeats = 0
        self._rng = np.random.default_rng(zlib.crc32(queue.owner.encode()))

    def done(self) -> bool:
        return stored_count(self.store, self.first, self.spec.evaluations) >= self.spec.evaluations

    def __call__(self, trial: Trial) -> list[float]:
        if self.done():
            trial.study.stop()
            raise optuna.TrialPruned("the run has its evaluations")
        candidate = self.spec.space.canonical(
            {p.name: _suggest(trial, p) for p in self.spec.space.params})
        prepared = prepare(-1, candidate, self.ctx)
        stored = self.store.get_key(prepared.cache_key)
        if stored is not None:
            if not self._takes_over(trial):
                self._repeat(trial, "design stored by an earlier trial")
        elif prepared.record is not None:
            screened = prepared.record
            stored = self._store(trial, prepared.cache_key, lambda i: {**screened, "index": i})
        else:
            stored = self._evaluate(trial, prepared)
        if stored is None:
            trial.study.stop()
            raise optuna.TrialPruned("the run has its evaluations")
        self._repeats = 0
        if stored["error"] is not None:
            trial.set_user_attr("failed", f"{stored['error']['type']}: {stored['error']['message']}")
            raise EvaluationFailed(stored["reason"])
        for budget in self.spec.budgets:
            trial.set_constraint(budget.key, float(stored["constraints"][budget.key]))
        return [float(v) for v in minimised_vector(stored["objectives"], self.spec.objectives)]

    def _takes_over(self, trial: Trial) -> bool:
        """Whether ``trial`` takes the design's stored record or outcome as its own: only a
        retry of a trial whose worker was taken for dead, and only while no other trial of the
        design (outside its retry history) is complete or running. A live worker whose
        heartbeat lapsed under load has its trial retried while it waits for a design
        another trial evaluates; that other trial owns the record, so the retry is a repeat
        (one complete trial per record)."""
        retried = _retried(trial)
        if not retried:
            return False
        space = self.spec.space
        names = [p.name for p in space.params]
        mine = space.key(space.canonical(trial.params))
        skip = {trial.number, *retried}
        for other in trial.study.get_trials(
                deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,
                                        optuna.trial.TrialState.RUNNING)):
            if other.number in skip or any(n not in other.params for n in names):
                continue
            if space.key(space.canonical(other.params)) == mine:
                return False
        return True

    def _repeat(self, trial: Trial, why: str) -> None:
        """Prune a repeated design; after ``REPEATS_BEFORE_FILL`` in a row, queue a uniformly
        drawn design the run has not stored, so a sampler stuck on its own repeats (NSGA-II on
        a small space) keeps the search moving."""
        trial.set_user_attr("repeat", why)
        self._repeats += 1
        if self._repeats >= REPEATS_BEFORE_FILL:
            self._repeats = 0
            space = self.spec.space
            stored = {space.key(r["candidate"]) for r in self.store.records()
                      if r["index"] // self.spec.evaluations == self.number}
            for candidate in draw_unseen(space, self._rng, 1, stored.__contains__):
                trial.study.enqueue_trial(candidate, user_attrs={"origin": "random-fill"})
        raise optuna.TrialPruned(why)

    def _evaluate(self, trial: Trial, prepared: Prepared) -> dict[str, Any] | None:
        """The record of ``prepared``, stored: from the outcome this run already has (only for
        a retried trial whose worker died before storing it; any other trial repeats a design
        another worker evaluated), from the cache, or from a simulation this process claims
        a place for. None when the profile has its records."""
        key = prepared.cache_key
        done = self.queue.outcomes([key]).get(key)
        if done is not None:
            if not self._takes_over(trial):
                self._repeat(trial, "another worker evaluated this design")
            return self._store(trial, key, lambda i: outcome_record(i, self.ctx, prepared, done,
                                                                    False))
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            measured = Measured.from_dict(cached)
            return self._store(trial, key, lambda i: finish(i, self.ctx, prepared, measured, True))
        if not self._claim(trial, prepared):  # another worker evaluated it meanwhile
            if not self._takes_over(trial):
                self._repeat(trial, "another worker evaluated this design")
            # this trial's first worker was taken for dead while it evaluated the design
            theirs = self.queue.outcomes([key])[key]
            return self._store(trial, key, lambda i: outcome_record(i, self.ctx, prepared,
                                                                    theirs, False))
        outcome = attempt(self.ctx, prepared.candidate, prepared.seed)
        if isinstance(outcome, Measured) and self.cache is not None:
            self.cache.put(key, outcome.to_dict())
        record = self._store(trial, key,
                             lambda i: outcome_record(i, self.ctx, prepared, outcome, False),
                             outcome)
        if record is None:  # this process's claim lapsed (it stalled past the lease)
            self.queue.finish(key, outcome)
        return record

    def _claim(self, trial: Trial, prepared: Prepared) -> bool:
        """Post and claim design ``prepared`` and with it one of the profile's places; False
        once another worker wrote its outcome. Waits while another worker evaluates it (taking
        its claim over if it dies) and while every place is stored or claimed (a claim's worker
        may die), so no design is simulated past the cap; prunes the trial once the profile has
        its records."""
        key = prepared.cache_key
        while True:
            claimed = self.queue.claim_within(self.number, trial.number, prepared, self.first,
                                              self.spec.evaluations)
            if claimed:
                return True
            if claimed is False and key in self.queue.outcomes([key]):
                return False
            if claimed is None and self.done():
                trial.study.stop()
                raise optuna.TrialPruned("the run has its evaluations")
            time.sleep(WAIT_POLL_S)

    def _store(self, trial: Trial, key: str, make: Callable[[int], dict[str, Any]],
               outcome: Outcome | None = None) -> dict[str, Any] | None:
        """Store the record under the profile's next free index (with the task's ``outcome``,
        when this process simulated it), waiting while every place is claimed by others;
        None once the profile has its records. A design another trial stored meanwhile is a
        repeat (one trial per record), unless ``trial`` retries a trial whose worker died."""
        while True:
            try:
                stored = self.queue.store_within(self.number, self.first, self.spec.evaluations,
                                                 key, make, outcome)
            except sa.exc.IntegrityError:  # an index taken outside the lock: try the next
                continue
            if stored is not None:
                break
            if self.done():
                return None
            time.sleep(WAIT_POLL_S)
        record, new = stored
        if new:
            if self.on_record is not None:
                self.on_record(record)
            return record
        if not self._takes_over(trial):
            self._repeat(trial, "another worker stored this design")
        return record


def optimize_shared(
    spec: SharedStudy,
    contexts: Sequence[EvalContext],
    store: ResultStore,
    owner: str,
    cache: EvaluationCache | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Take part in every profile's study until each has its records."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failed designs are in the records
    storage = spec.rdb()
    queue = TaskQueue(store, owner, spec.lease_s)
    leases = queue.keep_leases()  # a simulation may take far longer than the lease
    try:
        _optimize_each(spec, contexts, store, queue, storage, cache, on_record)
    finally:
        leases.stop()


def _optimize_each(spec: SharedStudy, contexts: Sequence[EvalContext], store: ResultStore,
                   queue: TaskQueue, storage: RDBStorage, cache: EvaluationCache | None,
                   on_record: Callable[[dict[str, Any]], None] | None) -> None:
    owner = queue.owner
    for number, name in enumerate(spec.study_names):
        study = optuna.load_study(study_name=name, storage=storage,
                                  sampler=spec.sampler_for(owner))
        objective = _Objective(spec, number, contexts[number], store, queue, cache, on_record)
        while not objective.done():
            try:
                study.optimize(objective, catch=(EvaluationFailed,),
                               callbacks=[_stop_when_done(objective)])
            except (RuntimeError, optuna.exceptions.UpdateFinishedTrialError):
                # this process's trial was failed as stale (a heartbeat came too late,
                # optuna#5470); its record is stored, the next trial carries on
                continue
            except ValueError as error:  # the same, as Optuna 5's tell says it
                if not str(error).startswith("Cannot tell a"):
                    raise
                continue
            except (optuna.exceptions.StorageInternalError, sa.exc.OperationalError):
                time.sleep(1.0)  # the database was busy or unreachable for a moment
                continue


def _stop_when_done(objective: _Objective) -> Callable[[optuna.Study, Any], None]:
    """An Optuna callback that stops the study once ``objective`` has all its evaluations."""

    def callback(study: optuna.Study, _trial: Any) -> None:
        if objective.done():
            study.stop()

    return callback
