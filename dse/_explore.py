"""``dse explore``: the orchestration loop of a budget-constrained multi-objective search.

For each device profile: the engine proposes a batch (``ask``); each candidate is pre-screened
in this process, replayed from the run's store (resume), taken from the cache, or simulated
by an evaluator (``dse._executors``: a local process pool by default, a Dask cluster with
``--executor``, or the workers of a shared ``--store``); every finished record is written to
the store at once; the batch's objective rows (minimised) and constraint rows
(``value - budget``) go back to the engine (``tell``) in proposal order. A design whose
evaluation raised is recorded as failed and told to the engine as the worst possible design
(infinite objectives, violated constraints; Optuna marks its trial FAIL). At the end, also when
interrupted or stopped by any exception, the run directory gets ``run.json`` and the exports
and report of ``reports`` (``evaluations.csv``, ``pareto.csv``, ``results.json``,
``report.html``); the front, the recommendation and the nearest designs come from ``reports``
too, so the CLI and the report always agree.

Determinism: the batch size does not depend on the worker count, each candidate's simulation
seed derives from the run seed and the candidate, and results reach the engine in proposal
order, so the same options give the same records with 1 or N workers, cold or cached.
Resume: evaluation ``i`` of a run is the ``i``-th proposal; re-running the same command in the
same ``--out`` replays stored records (the engines are deterministic, so they propose the same
candidates again) and evaluates only what is missing. On a finished run the same command
changes nothing: ``dse._finished`` answers it from the store, without replaying.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import shlex
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import reports
from dse import _finished as finished
from dse._budgets import Budget, parse_budgets
from dse._cache import EvaluationCache, code_version, default_cache_path
from dse._claims import TaskQueue
from dse._db import safe_url, url_of
from dse._executors import DaskEvaluator, Evaluator, FleetEvaluator, LocalEvaluator
from dse._finished import available_cores, versions
from dse._objectives import Objective, minimised_vector, parse_objectives
from dse._options import ExploreOptions, ExploreResult
from dse._pipeline import (
    DatasetInfo,
    EvalContext,
    Measured,
    Models,
    Outcome,
    Prepared,
    RealModels,
    SimSettings,
    canonical_candidate,
    finish,
    outcome_record,
    prepare_many,
    screen_many,
    worker_name,
)
from dse._run_dir import OPTUNA_DB, OUTPUTS_DIGEST, record_counts, write_outputs
from dse._space import ChoiceParam, DesignSpace, default_space, load_space
from dse._store import STORE_NAME, ResultStore
from dse._worker import Claimer, RunSpec
from dse.engines import Engine, Estimates, Estimator, make_engine
from hwprofiles import load_profile
from snn_dse.domains import (
    DATASETS,
    ENGINES,
    OPTUNA_SAMPLERS,
    PROTOCOLS,
    ROUNDING_MODES,
    TIMING_MODES,
)
from snn_dse.errors import DseError, InputError, InternalError


class ExplorationInterrupted(DseError):
    """Ctrl-C during ``dse explore``: what was evaluated is kept; the message says how to resume.
    CLI exit code 130."""

    exit_code = 130


class ExplorationFailed(InternalError):
    """An unexpected exception stopped ``dse explore`` (not one design's evaluation: those are
    recorded as failed). Every output of what was evaluated is written first; the message says
    where, what was raised and how to resume. CLI exit code 1."""


@dataclass(frozen=True)
class ProgressState:
    """Progress after one more finished evaluation (for the progress bar): evaluations done of
    ``total`` (all profiles), feasible so far, best feasible accuracy so far, cache hits (and
    replayed records), the profile being explored, failed evaluations, the size of the current
    Pareto fronts (all profiles), and the workers evaluating a design of the run right now
    (``host:pid``, one entry per design, with a shared store)."""

    done: int
    total: int
    feasible: int
    best_accuracy: float | None
    cache_hits: int
    profile: str
    failed: int = 0
    front: int = 0
    running: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The validated inputs of an exploration."""

    options: ExploreOptions
    profiles: tuple[Any, ...]
    space: DesignSpace
    budgets: tuple[Budget, ...]
    objectives: tuple[Objective, ...]
    engine: str
    settings: SimSettings
    dataset: DatasetInfo
    run_dir: Path
    storage: str | None
    workers: int
    evaluations_per_profile: int
    code_version: str
    store: str
    run_name: str
    shared: bool

    def identity(self) -> dict[str, Any]:
        """What must match for a re-run in the same ``--out`` to resume this run."""
        return {
            "profiles": {p.id: p.fingerprint() for p in self.profiles},
            "space": self.space.to_dict(),
            "budgets": {b.key: b.value for b in self.budgets},
            "robust": self.options.robust,
            "objectives": [o.key for o in self.objectives],
            "engine": self.engine,
            "sampler": self.options.sampler if self.engine == "optuna" else None,
            "seed": self.options.seed,
            "evaluations": self.evaluations_per_profile,
            "simulator": self.settings.key_dict(),
            "dataset": self.dataset.fingerprint,
            "code_version": self.code_version,
        }

    def study_name(self, profile: Any) -> str:
        """Optuna study name of one profile's search: the run's name and the profile id, so a
        resumed run finds (and rebuilds) its own study and no other."""
        return f"{self.run_name}-{profile.id}"

    @property
    def shared_study(self) -> bool:
        """Whether every worker asks and tells a shared Optuna study (``dse._study``)."""
        return self.engine == "optuna" and self.shared and self.options.executor is None

    def study(self) -> Any:
        """The ``SharedStudy`` of a shared Optuna run."""
        from dse._study import SharedStudy

        return SharedStudy(
            storage=self.storage or self.store,
            study_names=tuple(self.study_name(p) for p in self.profiles),
            space=self.space, objectives=self.objectives, budgets=self.budgets,
            sampler=self.options.sampler, seed=self.options.seed,
            evaluations=self.evaluations_per_profile, lease_s=self.options.lease,
            population=batch_size_for(self.evaluations_per_profile),
        )

    def contexts(self, models: Models) -> list[EvalContext]:
        """The evaluation context of each profile, in profile order."""
        return [
            EvalContext(profile=profile, dataset=self.dataset, settings=self.settings,
                        budgets=self.budgets, run_seed=self.options.seed,
                        code_version=self.code_version, models=models,
                        robust=self.options.robust)
            for profile in self.profiles
        ]


def batch_size_for(evaluations: int) -> int:
    """Proposals per engine batch (the NSGA-II population): about a fifth of the evaluation
    budget, between 4 and 16; independent of the worker count so results are too."""
    return max(4, min(16, evaluations // 5))


def _positive(value: int, option: str) -> int:
    if value < 1:
        raise InputError(f"{option}: must be at least 1, got {value}")
    return value


def _static_families(space: DesignSpace, protocol: str, *, given: bool) -> DesignSpace:
    """``space`` for ``protocol``: the layered families train on the static protocol only, so
    a continual run keeps ``family`` at ``stdp`` (an error when a ``--space`` file asks for
    another family)."""
    if protocol != "continual" or "family" not in space.names:
        return space
    layered = [f for f in space["family"].levels() if f != "stdp"]
    if not layered:
        return space
    if given:
        raise InputError(f"--space: family {', '.join(map(str, layered))} trains on the static "
                         "protocol only; set 'family: stdp' for --protocol continual")
    return DesignSpace([ChoiceParam("family", ("stdp",)) if p.name == "family" else p
                        for p in space.params])


def plan(options: ExploreOptions, models: Models) -> Plan:
    """Validate every input of ``options`` (``InputError`` naming the option on the first
    problem) and resolve the defaults: profiles, space, budgets, objectives, engine, dataset."""
    _positive(options.evaluations, "--evaluations")
    _positive(options.train_samples, "--train-samples")
    _positive(options.test_samples, "--test-samples")
    ROUNDING_MODES.check(options.rounding, "--rounding")
    shared = options.store is not None
    if options.workers is not None and not (shared and options.workers == 0):
        _positive(options.workers, "--workers")
    workers = options.workers if options.workers is not None else available_cores()
    if options.lease <= 0:
        raise InputError(f"--lease: must be a positive number of seconds, got {options.lease}")
    if options.executor is not None and not options.executor.startswith(("tcp://", "tls://")):
        raise InputError(f"--executor: expected a Dask scheduler address such as "
                         f"tcp://HOST:8786, got {options.executor!r}")
    PROTOCOLS.check(options.protocol, "--protocol")
    DATASETS.check(options.dataset, "--dataset")
    ENGINES.check(options.engine, "--engine")
    OPTUNA_SAMPLERS.check(options.sampler, "--sampler")
    budgets = parse_budgets(
        {
            "memory": options.memory_budget,
            "energy_infer": options.energy_budget,
            "energy_train": options.train_energy_budget,
            "latency": options.latency_budget,
        }
    )
    objectives = parse_objectives(options.objectives, options.protocol)
    if not options.profiles:
        raise InputError("--profile: give at least one device profile")
    if options.timing is not None:
        TIMING_MODES.check(options.timing, "--timing")
    profiles = tuple(
        load_profile(ref, options.profiles_dir).with_timing_mode(options.timing)
        for ref in options.profiles
    )
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise InputError(f"--profile: a profile is given twice ({', '.join(ids)})")
    space = load_space(options.space) if options.space else default_space()
    space = _static_families(space, options.protocol, given=options.space is not None)
    models.check_parameters(space.names)
    settings = SimSettings(
        dataset=options.dataset,
        protocol=options.protocol,
        train_samples=options.train_samples,
        test_samples=options.test_samples,
        rounding=options.rounding,
        data_dir=options.data_dir,
    )
    dataset = models.dataset_info(settings)
    engine = "grid" if space.size <= options.evaluations else options.engine
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    run_dir = options.named_run_dir() or Path("runs") / stamp
    run_name = options.run_name(run_dir)
    store = url_of(options.store if options.store is not None else run_dir / STORE_NAME)
    storage = options.storage
    if engine == "optuna" and storage is None:
        storage = store if shared else f"sqlite:///{(run_dir / OPTUNA_DB).resolve()}"
    return Plan(
        options=options,
        profiles=profiles,
        space=space,
        budgets=budgets,
        objectives=objectives,
        engine=engine,
        settings=settings,
        dataset=dataset,
        run_dir=run_dir,
        storage=storage,
        workers=workers,
        evaluations_per_profile=min(options.evaluations, space.size),
        code_version=code_version(),
        store=store,
        run_name=run_name,
        shared=shared,
    )


def estimator(ctx: EvalContext, objectives: Sequence[Objective]) -> Estimator:
    """The engines' view of the pre-screen on ``ctx``: estimated objective rows (minimised;
    NaN for the accuracies only a simulation gives), budget constraint rows and the designs the
    pre-screen rejects, for many candidates at once."""

    def estimate(candidates: Sequence[dict[str, Any]]) -> Estimates:
        values, screened = screen_many(ctx, [canonical_candidate(c) for c in candidates])
        n = len(candidates)
        F = np.column_stack(
            [np.full(n, np.nan) if o.maximise else values[o.key] for o in objectives]
        ).reshape(n, len(objectives))
        G = np.zeros((n, len(ctx.budgets)))      # no budgets: no constraint columns
        for j, b in enumerate(ctx.budgets):
            G[:, j] = values[b.key] - b.value
        return Estimates(F, G, screened)

    return estimate


def _reset_study(storage: str, study_name: str) -> None:
    """Delete a study left by an earlier (interrupted) invocation, so that the replayed
    evaluations rebuild it exactly."""
    import optuna

    try:
        optuna.delete_study(study_name=study_name, storage=storage)
    except KeyError:
        return


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class _Counters:
    """Running counts of this invocation, and the feasible objective rows (minimised) of each
    profile, from which the size of the current fronts is computed."""

    done: int = 0
    feasible: int = 0
    failed: int = 0
    cache_hits: int = 0
    resumed: int = 0
    simulated: int = 0
    best_accuracy: float | None = None
    rows: dict[str, list[list[float]]] = field(default_factory=dict)
    fronts: dict[str, int] = field(default_factory=dict)


def _told_rows(
    records: Sequence[dict[str, Any]], objectives: Sequence[Objective], budgets: Sequence[Budget]
) -> tuple[np.ndarray, np.ndarray]:
    """The objective (minimised) and constraint rows an engine is told for ``records``; a failed
    evaluation is the worst design: infinite objectives and infinitely violated constraints."""
    F = np.array([
        np.full(len(objectives), np.inf) if r["error"] is not None
        else minimised_vector(r["objectives"], objectives)
        for r in records
    ], dtype=float).reshape(len(records), len(objectives))
    G = np.array([
        [np.inf if r["error"] is not None else r["constraints"][b.key] for b in budgets]
        for r in records
    ], dtype=float).reshape(len(records), len(budgets))
    return F, G


@dataclass
class _Batch:
    """A batch handed to the evaluator: the engine's proposals, the prepared designs it
    evaluates (a prefix, when the budget ends inside the batch), their records known so far,
    the designs waiting for a simulation by cache key (batch offsets) and the evaluator's
    iterator of their outcomes."""

    number: int
    first_index: int
    proposed: list[dict[str, Any]]
    records: list[dict[str, Any] | None]
    prepared: list[Prepared]
    waiting: dict[str, list[tuple[int, Prepared]]]
    outcomes: Iterator[tuple[str, Outcome]]


@dataclass
class _Runner:
    """Mutable state of one invocation: the store, the cache, the evaluator and the counters."""

    plan: Plan
    contexts: list[EvalContext]
    store: ResultStore
    cache: EvaluationCache | None
    evaluator: Evaluator
    on_progress: Callable[[ProgressState], None] | None
    resuming: bool
    seen: dict[str, Measured] = field(default_factory=dict)
    counters: _Counters = field(default_factory=_Counters)

    def explore_profile(self, number: int) -> None:
        """Run the engine over profile ``number``, evaluations ``number x per-profile ..``.

        An engine that learns from results is told each batch before it proposes the next. One
        that does not (``Engine.learns``: random, grid) is asked one batch ahead, so that the
        evaluators already hold the next batch while the slowest designs of the current one
        finish; its batches are still told, and stored, in proposal order."""
        plan = self.plan
        ctx = self.contexts[number]
        first_index = number * plan.evaluations_per_profile
        engine = self._engine(ctx.profile, ctx)
        budget = plan.evaluations_per_profile
        depth = 1 if engine.learns else 2
        in_flight: deque[_Batch] = deque()
        asked = 0
        exhausted = False
        while True:
            while not exhausted and asked < budget and len(in_flight) < depth:
                # A last, smaller batch for engines that honour it; an engine with a fixed batch
                # (the NSGA-II population) sees its last batch cut short and never told.
                engine.batch_size = min(engine.batch_size, budget - asked)
                batch = engine.ask()
                exhausted = not batch
                if batch:
                    in_flight.append(self.submit_batch(number, first_index + asked, batch,
                                                       budget - asked))
                    asked += len(in_flight[-1].prepared)
            if not in_flight:
                break
            oldest = in_flight.popleft()
            records = self.collect_batch(oldest)
            if len(oldest.prepared) == len(oldest.proposed):
                engine.tell(oldest.proposed, *_told_rows(records, plan.objectives, plan.budgets))

    def share_study(self) -> None:
        """Shared Optuna run: create the studies, take part in them with this process (unless
        ``--workers 0``), and follow the records the workers store until every profile has its
        evaluations."""
        from dse._study import optimize_shared, stored_count

        plan = self.plan
        spec = plan.study()
        accepted: set[int] = set()

        def follow() -> None:
            for record in self.store.records():
                if record["index"] not in accepted:
                    accepted.add(record["index"])
                    self._accept(record, new=False)

        if plan.workers > 0:
            optimize_shared(spec, self.contexts, self.store, worker_name(), self.cache,
                            on_record=lambda _record: follow())
        per_profile = plan.evaluations_per_profile
        while any(stored_count(self.store, n * per_profile, per_profile) < per_profile
                  for n in range(len(plan.profiles))):
            follow()
            time.sleep(0.2)
        follow()
        tasks = TaskQueue(self.store, worker_name()).counts()
        self.counters.simulated = tasks["done"] + tasks["failed"]

    def _engine(self, profile: Any, ctx: EvalContext) -> Engine:
        """A fresh engine for ``profile``. A resumed run first deletes the Optuna study its
        earlier invocation left, so that replaying the stored records rebuilds it exactly."""
        plan = self.plan
        study = plan.study_name(profile)
        if self.resuming and plan.engine == "optuna" and plan.storage is not None:
            _reset_study(plan.storage, study)
        return make_engine(
            plan.engine,
            plan.space,
            n_objectives=len(plan.objectives),
            n_constraints=len(plan.budgets),
            seed=plan.options.seed,
            batch_size=batch_size_for(plan.evaluations_per_profile),
            optuna_sampler=plan.options.sampler,
            optuna_storage=plan.storage,
            study_name=study,
            objective_names=[o.minimised_name for o in plan.objectives],
            constraint_names=[b.key for b in plan.budgets],
            estimator=estimator(ctx, plan.objectives),
        )

    def submit_batch(self, number: int, first_index: int, proposed: list[dict[str, Any]],
                     room: int) -> _Batch:
        """Start evaluating the first ``room`` designs of ``proposed`` as evaluations
        ``first_index ..`` of profile ``number``.

        The batch is pre-screened at once (``prepare_many``). Each record comes from, in order
        of preference: the store (resume), the pre-screen, this run's earlier simulations or
        the cache (``cache_hit``), or the evaluator (a new simulation, or a failure; see
        ``collect_batch``). Each is stored the moment it is known."""
        ctx = self.contexts[number]
        taken = proposed[:room]
        out = _Batch(number, first_index, proposed, [None] * len(taken), [], {}, iter(()))
        for offset, prepared in enumerate(prepare_many(first_index, taken, ctx)):
            index = first_index + offset
            out.prepared.append(prepared)
            stored = self.store.get(index)
            if (
                stored is not None
                and stored["cache_key"] == prepared.cache_key
                and stored["profile"] == ctx.profile.id
            ):
                self.counters.resumed += 1
                out.records[offset] = self._accept(stored, new=False)
                continue
            if prepared.record is not None:
                out.records[offset] = self._accept(prepared.record)
                continue
            measured = self._lookup(prepared.cache_key)
            if measured is not None:
                out.records[offset] = self._accept(finish(index, ctx, prepared, measured, True))
                continue
            out.waiting.setdefault(prepared.cache_key, []).append((offset, prepared))
        pending = [(first_index + group[0][0], group[0][1]) for group in out.waiting.values()]
        out.outcomes = self.evaluator.map(number, ctx, pending)
        return out

    def collect_batch(self, batch: _Batch) -> list[dict[str, Any]]:
        """Wait for the simulations of ``batch``, store their records and return every record
        of the batch in proposal order."""
        ctx = self.contexts[batch.number]
        for key, outcome in batch.outcomes:
            self.counters.simulated += 1
            if isinstance(outcome, Measured):
                self.seen[key] = outcome
                if self.cache is not None:
                    self.cache.put(key, outcome.to_dict())
            for n, (offset, prepared) in enumerate(batch.waiting[key]):
                record = outcome_record(batch.first_index + offset, ctx, prepared, outcome, n > 0)
                batch.records[offset] = self._accept(record)
        return [r for r in batch.records if r is not None]

    def _lookup(self, key: str) -> Measured | None:
        if key in self.seen:
            return self.seen[key]
        payload = self.cache.get(key) if self.cache is not None else None
        return None if payload is None else Measured.from_dict(payload)

    def _accept(self, record: dict[str, Any], new: bool = True) -> dict[str, Any]:
        """Store a finished record (unless replayed from the store), count it, report progress."""
        record.setdefault("error", None)  # records of stores written before failures existed
        if new:
            self.store.put(record)
        if record["sim"] is not None:
            self.seen.setdefault(
                record["cache_key"],
                Measured(record["objectives"], record["cost"], record["sim"], record["wall_s"]),
            )
        c = self.counters
        c.done += 1
        c.cache_hits += bool(record["cache_hit"])
        c.failed += record["error"] is not None
        if record["feasible"]:
            c.feasible += 1
            accuracy = record["objectives"]["accuracy"]
            if c.best_accuracy is None or accuracy > c.best_accuracy:
                c.best_accuracy = accuracy
            rows = c.rows.setdefault(record["profile"], [])
            rows.append(list(minimised_vector(record["objectives"], self.plan.objectives)))
            c.fronts[record["profile"]] = int(reports.pareto_mask(np.array(rows)).sum())
        if self.on_progress is not None:
            self.on_progress(
                ProgressState(
                    done=c.done,
                    total=self.plan.evaluations_per_profile * len(self.plan.profiles),
                    feasible=c.feasible,
                    best_accuracy=c.best_accuracy,
                    cache_hits=c.cache_hits + c.resumed,
                    profile=record["profile"],
                    failed=c.failed,
                    front=sum(c.fronts.values()),
                    running=tuple(r.owner for r in self.evaluator.running()),
                )
            )
        return record


def _open_store(plan: Plan) -> tuple[ResultStore, bool]:
    """The run's store and whether it already holds this exploration (a resume); refuses
    (``InputError`` naming ``--out`` or ``--run``) a run name holding a different exploration."""
    try:
        plan.run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"--out: cannot create {plan.run_dir}: {error}") from None
    store = ResultStore(plan.store, plan.run_name)
    identity = plan.identity()
    previous = store.identity()
    if previous is not None and previous != identity:
        differ = ", ".join(k for k in identity if previous.get(k) != identity[k])
        where = (f"--run: run {plan.run_name!r} in {store.path}" if plan.shared
                 else f"--out: {plan.run_dir}")
        raise InputError(
            f"{where} holds a different exploration (differs in: {differ}); repeat its "
            "command to resume it, or choose another " + ("--run" if plan.shared else "--out")
        )
    return store, previous is not None


def _resume_command(plan: Plan) -> str:
    options = dataclasses.replace(plan.options, out=plan.run_dir)
    return "dse explore " + shlex.join(options.to_args())


def _run_dict(
    plan: Plan,
    counters: _Counters,
    records: Sequence[dict[str, Any]],
    recommended: dict[str, Any] | None,
    by_profile: dict[str, dict[str, Any]],
    started: str,
    wall_s: float,
    complete: bool,
    cache_path: str | Path | None,
    sensitivity: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The run dict of docs/architecture.md (run.json), plus resume and cache details;
    ``sensitivity``: per device, the figures its recommended design's inference energy hangs
    on (docs/uncertainty.md)."""
    options = plan.options
    return {
        "command": ["dse", "explore", *options.to_args()],
        "versions": versions(),
        "seed": options.seed,
        "engine": plan.engine,
        "engine_requested": options.engine,
        "sampler": options.sampler if plan.engine == "optuna" else None,
        "storage": safe_url(plan.storage) if plan.storage is not None else None,
        "studies": {p.id: plan.study_name(p) for p in plan.profiles}
        if plan.engine == "optuna"
        else {},
        "store": safe_url(plan.store),
        "run_name": plan.run_name,
        "executor": options.executor,
        "profiles": {p.id: p.to_dict() for p in plan.profiles},
        "space": plan.space.to_dict(),
        "budgets": {b.key: b.value for b in plan.budgets},
        "budget_texts": {b.key: b.text for b in plan.budgets},
        "robust": options.robust,
        "sensitivity": sensitivity,
        "objectives": [o.key for o in plan.objectives],
        "protocol": plan.settings.protocol,
        "dataset": plan.settings.dataset,
        "simulator": plan.settings.key_dict(),
        "evaluations_requested": options.evaluations,
        "workers": plan.workers,
        "cache": safe_url(str(cache_path)) if cache_path is not None else None,
        "counts": record_counts(records)
        | {"resumed": counters.resumed, "simulated": counters.simulated},
        "timings": {"started": started, "finished": _now(), "wall_s": wall_s},
        "recommended": recommended["index"] if recommended is not None else None,
        "recommended_by_profile": {k: v["index"] for k, v in by_profile.items()},
        "complete": complete,
    }


def _finalise(
    runner: _Runner, started: str, start: float, complete: bool, cache_path: str | Path | None
) -> ExploreResult:
    """Analyse the stored records with ``reports`` (front, recommendations, nearest designs),
    store the run dict and write the run directory's outputs."""
    plan = runner.plan
    records = runner.store.records()
    for record in records:
        record.setdefault("error", None)
    frame = reports.evaluations_frame(records, [o.key for o in plan.objectives])
    by_index = {r["index"]: r for r in records}
    front = [by_index[i] for i in frame.loc[frame["pareto"], "index"]]
    chosen_index = reports.recommend(frame)
    chosen = by_index[chosen_index] if chosen_index is not None else None
    by_profile = {
        profile: by_index[index]
        for profile in dict.fromkeys(r["profile"] for r in front)
        if (index := reports.recommend(frame, profile)) is not None
    }
    nearest = (
        reports.nearest_designs(frame, {b.key: b.value for b in plan.budgets})["index"]
        if chosen is None
        else []
    )
    run = _run_dict(
        plan,
        runner.counters,
        records,
        chosen,
        by_profile,
        started,
        time.perf_counter() - start,
        complete,
        cache_path,
        _sensitivities(runner, by_profile),
    )
    runner.store.set_info(run)
    runner.store.set_state("complete" if complete else "stopped")
    paths = write_outputs(plan.run_dir, run, records)
    if not plan.shared:
        paths = {"store": Path(runner.store.path)} | paths
    result = ExploreResult(
        run_dir=plan.run_dir,
        run=run,
        evaluations=records,
        pareto=front,
        recommended=chosen,
        recommended_by_profile=by_profile,
        least_infeasible=[by_index[i] for i in nearest],
        objectives=plan.objectives,
        budgets=plan.budgets,
        parameters=plan.space.names,
        paths=paths,
    )
    if complete and not plan.shared and isinstance(runner.contexts[0].models, RealModels):
        files, dirs = _inputs(plan)
        finished.record(plan.options, result, store=Path(runner.store.path),
                        run_name=plan.run_name, files=files, dirs=dirs)
    return result


def _inputs(plan: Plan) -> tuple[list[Path], list[Path]]:
    """What an exploration read besides the installed package: the space file, the profile
    files, the outputs' digest (files, by content) and the directories searched for profiles
    and datasets (by listing); ``dse._finished`` re-checks them on a re-run."""
    from hwprofiles import profile_files, search_dirs
    from sim._datasets import search_dirs as dataset_dirs

    options = plan.options
    files = [options.space] if options.space is not None else []
    files += [f for ref in options.profiles for f in profile_files(ref, options.profiles_dir)]
    dirs = search_dirs(options.profiles_dir)
    if options.dataset != "digits":  # digits is part of the installed package
        dirs += dataset_dirs(options.dataset, options.data_dir)
    return [*files, plan.run_dir / OUTPUTS_DIGEST], dirs


def _sensitivities(
    runner: _Runner, by_profile: Mapping[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Per device, the sensitivity of its recommended (simulated) design's inference energy."""
    profiles = {p.id: p for p in runner.plan.profiles}
    models = runner.contexts[0].models
    return {
        profile_id: models.sensitivity(
            record["candidate"], profiles[profile_id], runner.plan.dataset, record["sim"]
        )
        for profile_id, record in by_profile.items()
        if record.get("sim") is not None and profile_id in profiles
    }


def _evaluator(plan: Plan, store: ResultStore, contexts: list[EvalContext],
               cache: EvaluationCache | None) -> Evaluator:
    """Dask with ``--executor``; the shared store's workers (and this process's own
    ``--workers`` slots) with ``--store``; else the local process pool."""
    options = plan.options
    if options.executor is not None:
        return DaskEvaluator(options.executor)
    if plan.shared:
        queue = TaskQueue(store, worker_name(), options.lease)
        local = plan.workers > 0 and not plan.shared_study  # a shared study: see share_study
        claimer = Claimer(queue, contexts, plan.workers, cache) if local else None
        return FleetEvaluator(queue, claimer)
    return LocalEvaluator(plan.workers)


def explore(
    options: ExploreOptions,
    *,
    models: Models | None = None,
    on_progress: Callable[[ProgressState], None] | None = None,
) -> ExploreResult:
    """Run (or resume) an exploration and write its run directory.

    ``models`` defaults to ``RealModels()`` (``sim`` and ``costmodels``); ``on_progress`` is
    called after every finished evaluation. Raises ``InputError`` for bad options,
    ``ExplorationInterrupted`` on Ctrl-C and ``ExplorationFailed`` for any other unexpected
    exception, in both cases after writing the outputs of what was evaluated, flagged
    incomplete; an exception inside one design's evaluation only marks that design failed. The
    caller decides what an infeasible result means (``ExploreResult.check_feasible``).

    The same options on a finished run (real models) return its stored result and change
    nothing (``dse._finished``)."""
    if models is None and (done := finished.finished_result(options)) is not None:
        return done
    models = models if models is not None else RealModels()
    the_plan = plan(options, models)
    started, start = _now(), time.perf_counter()
    store, resuming = _open_store(the_plan)
    finished.forget(the_plan.run_dir)
    contexts = the_plan.contexts(models)
    study = the_plan.study() if the_plan.shared_study else None
    if study is not None:
        study.create()  # before workers see the run: concurrent creation races (optuna#1092)
    store.begin(the_plan.identity(), pickle.dumps(RunSpec(contexts, study)))
    cache_path = None if options.no_cache else (options.cache or default_cache_path())
    cache = EvaluationCache(cache_path) if cache_path is not None else None
    evaluator = _evaluator(the_plan, store, contexts, cache)
    runner = _Runner(the_plan, contexts, store, cache, evaluator, on_progress, resuming)
    store.set_info(_run_dict(the_plan, runner.counters, [], None, {}, started, 0.0, False,
                             cache_path))
    try:
        if the_plan.shared_study:
            runner.share_study()
        else:
            for number in range(len(the_plan.profiles)):
                runner.explore_profile(number)
    except BaseException as error:
        evaluator.close(cancel=True)
        if not isinstance(error, Exception | KeyboardInterrupt):
            raise
        result = _finalise(runner, started, start, complete=False, cache_path=cache_path)
        kept = (f"{len(result.evaluations)} evaluations are kept in {store.path} and reported in "
                f"{result.paths['report']}. Resume with: {_resume_command(the_plan)}")
        if isinstance(error, KeyboardInterrupt):
            raise ExplorationInterrupted(f"interrupted; {kept}") from None
        if isinstance(error, DseError):
            raise
        raise ExplorationFailed(f"{type(error).__name__}: {error}; {kept}") from error
    evaluator.close()
    return _finalise(runner, started, start, complete=True, cache_path=cache_path)
