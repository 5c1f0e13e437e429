"""``dse status``: where a run in a store stands, across all of its workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import reports
from dse._claims import Running, TaskQueue
from dse._objectives import DEFAULT_OBJECTIVES, parse_objectives
from dse._store import ResultStore


@dataclass(frozen=True)
class RunStatus:
    """A run's progress: its state, evaluations stored of those requested (all profiles),
    failed ones, the size of its Pareto fronts (all profiles), designs being evaluated now
    (with their workers), designs posted and not yet claimed, and designs simulated per
    worker."""

    run: str
    state: str
    evaluated: int
    requested: int | None
    failed: int
    feasible: int
    front: int
    running: tuple[Running, ...]
    waiting: int
    by_worker: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return asdict(self)


def run_status(store_target: str | Path, run: str | None) -> RunStatus:
    """The status of ``run`` (or the store's only run); ``InputError`` when there is none."""
    store = ResultStore(store_target, run, create=False)
    info = store.info() or {}
    records = store.records()
    objectives = info.get("objectives") or [o.key for o in parse_objectives(DEFAULT_OBJECTIVES, "static")]
    frame = reports.evaluations_frame(records, objectives)
    queue = TaskQueue(store, "dse-status")
    running = tuple(queue.running())
    per_profile = info.get("evaluations_requested")
    profiles = len(info.get("profiles") or {}) or 1
    return RunStatus(
        run=store.run,
        state=store.state() or "unknown",
        evaluated=len(records),
        requested=None if per_profile is None else int(per_profile) * profiles,
        failed=sum(r.get("error") is not None for r in records),
        feasible=int(frame["feasible"].sum()),
        front=int(frame["pareto"].sum()),
        running=running,
        waiting=queue.counts()["pending"] - len(running),
        by_worker=queue.finished_by(),
    )
