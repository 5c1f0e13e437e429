"""``dse worker``: join a run in a shared store and simulate its designs until it ends.

A ``Claimer`` claims designs of the run (``dse._claims``), evaluates them in this process (one
slot) or a local process pool (several), writes each outcome back (and into the cache) and
renews its leases from a heartbeat thread, so a long simulation keeps its claim. The
coordinator's own local processes use the same ``Claimer``; a worker is a ``Claimer`` in a
loop that waits for the run to start and exits once the coordinator marks it finished.

Workers read the run's evaluation contexts (profile, dataset description, simulator settings,
models) pickled by the coordinator into the store: the store must be trusted like the code.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from dse._cache import EvaluationCache, code_version
from dse._claims import TaskQueue
from dse._defaults import DEFAULT_LEASE_S, DEFAULT_THREADS
from dse._pipeline import EvalContext, Failure, Measured, Outcome, attempt, worker_name
from dse._store import ResultStore
from snn_dse.errors import InputError

#: Shortest and longest pause between polls of the store (s) while nothing happens.
POLL_MIN_S = 0.01
POLL_MAX_S = 0.05


class Backoff:
    """Pauses between polls of the store: ``POLL_MIN_S`` after anything happened, doubling up
    to ``POLL_MAX_S`` while nothing does (an idle poller costs the database little; a busy one
    notices new work or outcomes within milliseconds)."""

    def __init__(self) -> None:
        self.pause = POLL_MIN_S

    def wait(self, progressed: bool) -> None:
        """Return at once after progress, else sleep the current pause and lengthen it."""
        if progressed:
            self.pause = POLL_MIN_S
            return
        time.sleep(self.pause)
        self.pause = min(2.0 * self.pause, POLL_MAX_S)


class InlineExecutor(Executor):
    """Runs each submitted call at once in this process (one evaluation slot, no pool)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


#: Environment variables the compute libraries read when they load (later loads included).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads(threads: int = DEFAULT_THREADS) -> None:
    """Cap this process's compute threads at ``threads``: the thread pools of the BLAS/OpenMP
    libraries loaded already (threadpoolctl) and, through their environment variables, those
    loaded later (NumPy and SciPy each bring an OpenBLAS, loaded on first use)."""
    from threadpoolctl import threadpool_limits

    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    threadpool_limits(limits=threads)


def local_pool(workers: int, threads: int = DEFAULT_THREADS) -> Executor:
    """``workers`` forked processes (``threads`` compute threads each), or this process when
    1 (its threads are the caller's business: ``limit_threads``)."""
    if workers <= 1:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                               initializer=limit_threads, initargs=(threads,))


class Claimer:
    """Claims and evaluates designs of one run in ``slots`` local slots."""

    def __init__(self, queue: TaskQueue, contexts: Sequence[EvalContext], slots: int,
                 cache: EvaluationCache | None = None, threads: int = DEFAULT_THREADS) -> None:
        self.queue = queue
        self.contexts = list(contexts)
        self.slots = slots
        self.cache = cache
        self.pool = local_pool(slots, threads)
        self.futures: dict[Future[Outcome], str] = {}
        self.evaluated = 0
        self.failed = 0
        self._leases = queue.keep_leases()

    @property
    def busy(self) -> bool:
        """Whether evaluations are in flight."""
        return bool(self.futures)

    def step(self) -> bool:
        """Write back finished evaluations, then claim designs for free slots; True when
        anything happened."""
        progressed = False
        for future in [f for f in self.futures if f.done()]:
            key = self.futures.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # the pool itself broke (a child was killed)
                outcome = Failure(type(error).__name__, str(error), worker_name(), 0.0)
            self._write(key, outcome)
            progressed = True
        free = self.slots - len(self.futures)
        if free > 0:
            for task in self.queue.claim(free):
                progressed = True
                cached = self.cache.get(task.key) if self.cache is not None else None
                if cached is not None:
                    self._write(task.key, Measured.from_dict(cached), store_in_cache=False)
                    continue
                ctx = self.contexts[task.context]
                self.futures[self.pool.submit(attempt, ctx, task.candidate, task.seed)] = task.key
        return progressed

    def _write(self, key: str, outcome: Outcome, store_in_cache: bool = True) -> None:
        if isinstance(outcome, Measured) and self.cache is not None and store_in_cache:
            self.cache.put(key, outcome.to_dict())
        if self.queue.finish(key, outcome):
            self.evaluated += 1
            self.failed += isinstance(outcome, Failure)

    def close(self, cancel: bool = False) -> None:
        """Stop the heartbeat and the pool (``cancel``: drop what has not started)."""
        self._leases.stop()
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


@dataclass(frozen=True)
class RunSpec:
    """What the coordinator leaves in the store for workers: the evaluation context of each
    profile and, for a shared Optuna study (``dse._study``), its description."""

    contexts: list[EvalContext]
    study: Any = None


def load_spec(store: ResultStore) -> RunSpec:
    """The run's ``RunSpec``; ``InputError`` when this worker's evaluation code differs from the
    coordinator's (its results would not be the run's)."""
    blob = store.contexts()
    if blob is None:
        raise InputError(f"--run: run {store.run!r} has no evaluation contexts yet")
    spec: RunSpec = pickle.loads(blob)
    mine = code_version()
    if spec.contexts and spec.contexts[0].code_version != mine:
        raise InputError(f"this machine runs snn-dse {mine}, run {store.run!r} was started with "
                         f"{spec.contexts[0].code_version}: install the same version on every "
                         "machine (the evaluation code is part of every cache key)")
    return spec


@dataclass(frozen=True)
class WorkerSummary:
    """What one worker did: designs it evaluated (outcomes it wrote first), how many of those
    failed, the run's final state, and the seconds its evaluation slots found nothing to claim
    while the run was running (slot-weighted: waiting for the coordinator's next designs)."""

    evaluated: int
    failed: int
    state: str
    idle_s: float = 0.0


def run_worker(
    store_target: str | Path,
    run: str,
    *,
    workers: int = 1,
    threads: int = DEFAULT_THREADS,
    lease_s: float = DEFAULT_LEASE_S,
    cache: EvaluationCache | None = None,
    wait_s: float = 600.0,
    on_progress: Callable[[WorkerSummary], None] | None = None,
    name: str | None = None,
) -> WorkerSummary:
    """Evaluate designs of ``run`` until the coordinator marks it complete or stopped.

    ``threads`` caps the compute threads of each evaluation (``limit_threads``: this
    process's, and each local process's with ``workers`` > 1). ``name`` identifies the worker
    in claims (default ``host:pid``). Waits up to ``wait_s``
    seconds for the run to be running (workers may start before the coordinator, or while an
    interrupted run is being resumed); returns at once for a complete run; raises
    ``InputError`` when it does not start, or when this machine's code differs from the run's."""
    if workers < 1:
        raise InputError(f"--workers: must be at least 1, got {workers}")
    if threads < 1:
        raise InputError(f"--threads: must be at least 1, got {threads}")
    limit_threads(threads)
    store = ResultStore(store_target, run)
    deadline = time.monotonic() + wait_s
    while (state := store.state()) != "running":  # not started yet, or stopped and resuming
        if state == "complete":
            return WorkerSummary(0, 0, state)
        if time.monotonic() > deadline:
            what = "appeared" if state is None else "was resumed"
            raise InputError(f"--run: no run {run!r} {what} in {store.path} within "
                             f"{wait_s:g} s; start it with: dse explore --store URL --run {run}")
        time.sleep(min(1.0, wait_s))
    spec = load_spec(store)
    owner = name or worker_name()
    if spec.study is not None:
        return _study_worker(spec, store, owner, cache, on_progress)
    claimer = Claimer(TaskQueue(store, owner, lease_s), spec.contexts, workers, cache, threads)
    state = "running"
    poll = Backoff()
    idle = 0.0
    try:
        while True:
            done, started = claimer.evaluated, time.perf_counter()
            progressed = claimer.step()
            if on_progress is not None and claimer.evaluated != done:
                on_progress(WorkerSummary(claimer.evaluated, claimer.failed, state, idle))
            if not progressed:
                state = store.state() or "stopped"
                if state != "running" and not claimer.busy:
                    break
            poll.wait(progressed)
            if not progressed:
                free = claimer.slots - len(claimer.futures)
                idle += (time.perf_counter() - started) * free / claimer.slots
    finally:
        claimer.close(cancel=True)
    return WorkerSummary(claimer.evaluated, claimer.failed, state, idle)


def _study_worker(spec: RunSpec, store: ResultStore, owner: str, cache: EvaluationCache | None,
                  on_progress: Callable[[WorkerSummary], None] | None) -> WorkerSummary:
    """Take part in the run's shared Optuna studies until every profile has its records."""
    from dse._study import optimize_shared

    counts = {"evaluated": 0, "failed": 0}

    def stored(record: dict[str, Any]) -> None:
        counts["evaluated"] += 1
        counts["failed"] += record["error"] is not None
        if on_progress is not None:
            on_progress(WorkerSummary(counts["evaluated"], counts["failed"], "running"))

    optimize_shared(spec.study, spec.contexts, store, owner, cache, on_record=stored)
    return WorkerSummary(counts["evaluated"], counts["failed"], store.state() or "stopped")
