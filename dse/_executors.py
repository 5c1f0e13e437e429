"""Where the simulations of a batch run: one interface, three places.

``Evaluator.map(context_number, ctx, pending)`` hands distinct designs over at once (so the
batches of several calls are evaluated concurrently) and returns an iterator that yields
``(cache key, Outcome)`` as each finishes, in any order; an evaluation that raises yields a
``Failure``, never an exception.

- ``LocalEvaluator`` (default): this process (``--workers 1``) or a forked process pool.
- ``DaskEvaluator`` (``--executor tcp://HOST:PORT``): a Dask distributed scheduler. A worker
  that dies has its tasks re-run elsewhere (at least once); after the scheduler's
  ``allowed-failures`` deaths the design is recorded as failed (``KilledWorker``).
- ``FleetEvaluator`` (``--store URL``): the designs are posted to the shared store and
  simulated by whoever claims them (``dse worker`` processes anywhere, and this process's own
  local slots); see ``dse._claims``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, as_completed
from typing import Any, Protocol

from dse._cache import code_version
from dse._claims import Running, TaskQueue
from dse._pipeline import EvalContext, Failure, Outcome, Prepared, attempt, worker_name
from dse._worker import Backoff, Claimer, InlineExecutor, local_pool
from snn_dse.errors import InputError

#: Seconds to wait for the Dask scheduler before giving up.
CONNECT_TIMEOUT_S = 15.0


class Evaluator(Protocol):
    """Simulates designs somewhere; see the module docstring."""

    def map(self, context: int, ctx: EvalContext, pending: Sequence[tuple[int, Prepared]]
            ) -> Iterator[tuple[str, Outcome]]:
        """Start simulating each ``(position, prepared)`` design (distinct cache keys) of
        evaluation context number ``context``; the iterator yields ``(cache key, outcome)`` as
        each finishes."""
        ...

    def running(self) -> list[Running]:
        """Designs other processes are evaluating for this run now (empty when not shared)."""
        ...

    def close(self, cancel: bool = False) -> None:
        """Release the workers (``cancel``: without waiting for evaluations in flight)."""
        ...


class LocalEvaluator:
    """This process, or ``workers`` forked processes."""

    def __init__(self, workers: int) -> None:
        self.pool = local_pool(workers)

    def map(self, context: int, ctx: EvalContext, pending: Sequence[tuple[int, Prepared]]
            ) -> Iterator[tuple[str, Outcome]]:
        if isinstance(self.pool, InlineExecutor):  # one at a time, each stored before the next
            return ((p.cache_key, attempt(ctx, p.candidate, p.seed)) for _, p in pending)
        futures = {self.pool.submit(attempt, ctx, p.candidate, p.seed): p.cache_key
                   for _, p in pending}
        return self._completed(futures)

    @staticmethod
    def _completed(futures: dict[Future[Outcome], str]) -> Iterator[tuple[str, Outcome]]:
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as error:  # the pool broke (a child process was killed)
                outcome = Failure(type(error).__name__, str(error), worker_name(), 0.0)
            yield futures[future], outcome

    def running(self) -> list[Running]:
        return []

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskEvaluator:
    """A Dask distributed cluster reached at ``address`` (``tcp://HOST:PORT``)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - a dependency of snn-dse
            raise InputError("--executor: the Dask 'distributed' package is not installed") from None
        try:
            self.client: Any = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(f"--executor: cannot reach a Dask scheduler at {address}: {error}; "
                             f"start one with `dask scheduler` and workers with "
                             f"`dask worker {address}`") from None
        self._checked = False

    def _check_versions(self, wanted: str) -> None:
        """Refuse workers whose evaluation code differs from this process's (their results
        would not be this run's); checked once, on the workers present at the first batch."""
        if self._checked:
            return
        versions = self.client.run(code_version)
        wrong = sorted(f"{worker} ({version})" for worker, version in versions.items()
                       if version != wanted)
        if wrong:
            raise InputError(f"--executor: Dask workers run other snn-dse code than this run "
                             f"({wanted}): {', '.join(wrong)}; install the same version on "
                             "every machine")
        self._checked = True

    def map(self, context: int, ctx: EvalContext, pending: Sequence[tuple[int, Prepared]]
            ) -> Iterator[tuple[str, Outcome]]:
        self._check_versions(ctx.code_version)
        futures = {
            self.client.submit(attempt, ctx, p.candidate, p.seed, pure=False,
                               key=f"dse-{p.cache_key[:16]}-{uuid.uuid4().hex[:8]}"): p.cache_key
            for _, p in pending
        }
        return self._completed(futures)

    def _completed(self, futures: dict[Any, str]) -> Iterator[tuple[str, Outcome]]:
        from distributed import as_completed as dask_completed

        for future in dask_completed(list(futures), loop=self.client.loop):
            try:
                outcome = future.result()
            except Exception as error:  # KilledWorker: its workers kept dying on this design
                outcome = Failure(type(error).__name__, str(error), "dask", 0.0)
            yield futures[future], outcome

    def running(self) -> list[Running]:
        return []

    def close(self, cancel: bool = False) -> None:
        self.client.close()


class FleetEvaluator:
    """Designs posted to the shared store, simulated by any claimer of the run (this process
    takes part with ``claimer``, unless it is None: coordinate only)."""

    def __init__(self, queue: TaskQueue, claimer: Claimer | None) -> None:
        self.queue = queue
        self.claimer = claimer

    def map(self, context: int, ctx: EvalContext, pending: Sequence[tuple[int, Prepared]]
            ) -> Iterator[tuple[str, Outcome]]:
        self.queue.post(context, pending)
        return self._finished({p.cache_key for _, p in pending})

    def _finished(self, waiting: set[str]) -> Iterator[tuple[str, Outcome]]:
        poll = Backoff()
        while waiting:
            progressed = self.claimer.step() if self.claimer is not None else False
            for key, outcome in self.queue.outcomes(waiting).items():
                waiting.discard(key)
                progressed = True
                yield key, outcome
            poll.wait(progressed)

    def running(self) -> list[Running]:
        return self.queue.running()

    def close(self, cancel: bool = False) -> None:
        if self.claimer is not None:
            self.claimer.close(cancel)
