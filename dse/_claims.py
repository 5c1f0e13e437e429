"""Designs waiting for a simulation, and the claims (leases) that give each to one worker.

The coordinator (``dse explore --store URL``) posts the designs of a batch that the store and
the cache cannot answer; any process with the project installed (``dse worker``, or the
coordinator's own local processes) claims one, simulates it and writes the outcome back.

A claim is one conditional ``UPDATE`` (owner, ``lease_until`` on the database's clock) that
succeeds only while the task is pending and unowned or its lease has expired, so two processes
never evaluate the same design at once (PostgreSQL re-checks the condition on the row it
locked; SQLite has one writer). A live worker renews its leases every ``lease_s / 3`` seconds;
a worker killed with SIGKILL stops renewing, its lease expires and another worker takes the
design over. Writing the outcome is conditional too: only the first outcome of a design is
kept. A design claimed ``MAX_ATTEMPTS`` times without an outcome (its workers keep dying on
it, e.g. killed for memory) is recorded as failed, ``WorkerLost``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dse import _db
from dse._defaults import DEFAULT_LEASE_S
from dse._pipeline import Failure, Measured, Outcome, Prepared
from dse._store import ResultStore

#: Claims of one design before it is recorded as failed.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Task:
    """A claimed design: its cache key, the run's evaluation context it belongs to (profile
    number), the canonical candidate and its simulation seed."""

    key: str
    context: int
    candidate: dict[str, Any]
    seed: int


@dataclass(frozen=True)
class Running:
    """A design being evaluated: which worker holds it and for how many more seconds."""

    key: str
    owner: str
    lease_left_s: float


def _result_json(outcome: Outcome) -> str:
    if isinstance(outcome, Failure):
        return json.dumps({"failure": outcome.to_dict(), "wall_s": outcome.wall_s})
    return json.dumps({"measured": outcome.to_dict()})


def outcome_from_json(text: str) -> Outcome:
    """Inverse of the stored result text."""
    payload = json.loads(text)
    if "failure" in payload:
        return Failure.from_dict(payload["failure"], float(payload["wall_s"]))
    return Measured.from_dict(payload["measured"])


class TaskQueue:
    """The tasks of one run; ``owner`` names this process in its claims."""

    def __init__(self, store: ResultStore, owner: str, lease_s: float = DEFAULT_LEASE_S) -> None:
        if lease_s <= 0:
            raise ValueError(f"lease_s must be positive, got {lease_s}")
        self.store = store
        self.engine = store.engine
        self.run = store.run
        self.owner = owner
        self.lease_s = float(lease_s)
        self._now = _db.db_now(self.engine)

    def post(self, context: int, items: Sequence[tuple[int, Prepared]]) -> None:
        """Offer each ``(position, prepared)`` design for simulation (a design already posted
        in this run, finished or not, is left as it is)."""
        with self.engine.begin() as db:
            for position, prepared in items:
                payload = json.dumps({"candidate": prepared.candidate, "seed": prepared.seed})
                db.execute(_db.insert_ignore(self.engine, _db.tasks, {
                    "run": self.run, "cache_key": prepared.cache_key, "context": context,
                    "position": position, "payload": payload, "status": "pending",
                    "attempts": 0,
                }))

    def _lock_run(self, db: sa.Connection) -> None:
        """Serialise this transaction with every other one that locks the run: a no-op update
        of the run's row (PostgreSQL locks the row until commit; SQLite takes its write lock)."""
        r = _db.runs
        db.execute(sa.update(r).where(r.c.run == self.run).values(updated=r.c.updated))

    def _taken(self, db: sa.Connection, context: int, first: int, cap: int, key: str) -> int:
        """Designs of profile ``context`` other than ``key`` that hold one of its ``cap``
        places: stored (an index in ``[first, first + cap)``) or claimed under a live lease."""
        e, t = _db.evaluations, _db.tasks
        stored = sa.select(e.c.cache_key).where(e.c.run == self.run, e.c.idx >= first,
                                                e.c.idx < first + cap, e.c.cache_key != key)
        held = sa.select(t.c.cache_key).where(
            t.c.run == self.run, t.c.context == context, t.c.status == "pending",
            t.c.owner.is_not(None), t.c.lease_until >= self._now, t.c.cache_key != key)
        return int(db.execute(sa.select(sa.func.count())
                              .select_from(sa.union(stored, held).subquery())).scalar_one())

    def claim_within(self, context: int, position: int, prepared: Prepared, first: int,
                     cap: int) -> bool | None:
        """Post design ``prepared`` of profile ``context`` and claim it, only while the
        profile has a place for it (``_taken`` < ``cap``), atomically with every other
        process that does the same: True when claimed, False when it is finished or held
        under a live lease, None when the profile's ``cap`` places are all stored or claimed
        (then nothing is posted either)."""
        t = _db.tasks
        key = prepared.cache_key
        with self.engine.begin() as db:
            self._lock_run(db)
            posted = db.execute(sa.select(t.c.cache_key).where(
                t.c.run == self.run, t.c.cache_key == key)).first() is not None
            if posted and db.execute(sa.select(t.c.cache_key).where(
                    self._claimable(), t.c.cache_key == key)).first() is None:
                return False
            if self._taken(db, context, first, cap, key) >= cap:
                return None
            if not posted:
                db.execute(sa.insert(t).values(
                    run=self.run, cache_key=key, context=context, position=position,
                    payload=json.dumps({"candidate": prepared.candidate, "seed": prepared.seed}),
                    status="pending", owner=self.owner, lease_until=self._now + self.lease_s,
                    attempts=1))
                return True
            return db.execute(
                sa.update(t).where(self._claimable(), t.c.cache_key == key)
                .values(owner=self.owner, lease_until=self._now + self.lease_s,
                        attempts=t.c.attempts + 1)
            ).rowcount == 1

    def store_within(self, context: int, first: int, cap: int, key: str,
                     make: Callable[[int], dict[str, Any]], outcome: Outcome | None = None
                     ) -> tuple[dict[str, Any], bool] | None:
        """Store the record ``make(index)`` of design ``key`` under profile ``context``'s next
        free index, only while the profile has a place for it, and write ``outcome`` as the
        design's task outcome in the same transaction (so a stored design is never seen
        unfinished, nor a finished one unstored). Returns ``(record, True)`` when stored,
        ``(the run's record, False)`` when the run already holds one of ``key``, None when the
        profile's ``cap`` places are all stored or claimed by others."""
        e = _db.evaluations
        with self.engine.begin() as db:
            self._lock_run(db)
            existing = db.execute(sa.select(e.c.record).where(
                e.c.run == self.run, e.c.cache_key == key)).scalar_one_or_none()
            if existing is not None:
                if outcome is not None:
                    db.execute(self._finish(key, outcome))
                return json.loads(existing), False
            if self._taken(db, context, first, cap, key) >= cap:
                return None
            stored = db.execute(sa.select(sa.func.count()).select_from(e).where(
                e.c.run == self.run, e.c.idx >= first, e.c.idx < first + cap)).scalar_one()
            record = make(first + int(stored))
            db.execute(_db.insert_ignore(self.engine, e, self.store.row(record)))
            if outcome is not None:
                db.execute(self._finish(key, outcome))
            return record, True

    def _claimable(self) -> sa.ColumnElement[bool]:
        t = _db.tasks
        return sa.and_(t.c.run == self.run, t.c.status == "pending",
                       sa.or_(t.c.owner.is_(None), t.c.lease_until < self._now))

    def claim(self, limit: int) -> list[Task]:
        """Claim up to ``limit`` pending designs (lowest position first) for ``lease_s``."""
        t = _db.tasks
        claimed: list[Task] = []
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.cache_key, t.c.context, t.c.payload, t.c.attempts)
                              .where(self._claimable()).order_by(t.c.position)
                              .limit(4 * limit)).all()
        for row in rows:
            if len(claimed) == limit:
                break
            if row.attempts >= MAX_ATTEMPTS:
                self._give_up(row.cache_key, row.attempts)
                continue
            with self.engine.begin() as db:
                taken = db.execute(
                    sa.update(t).where(self._claimable(), t.c.cache_key == row.cache_key)
                    .values(owner=self.owner, lease_until=self._now + self.lease_s,
                            attempts=t.c.attempts + 1)
                ).rowcount
            if taken == 1:
                payload = json.loads(row.payload)
                claimed.append(Task(row.cache_key, int(row.context), payload["candidate"],
                                    int(payload["seed"])))
        return claimed

    def claim_key(self, key: str) -> bool:
        """Claim the pending design ``key`` for ``lease_s``; False when it is finished or held
        under a live lease."""
        t = _db.tasks
        with self.engine.begin() as db:
            return db.execute(
                sa.update(t).where(self._claimable(), t.c.cache_key == key)
                .values(owner=self.owner, lease_until=self._now + self.lease_s,
                        attempts=t.c.attempts + 1)
            ).rowcount == 1

    def _give_up(self, key: str, attempts: int) -> None:
        failure = Failure("WorkerLost", f"claimed {attempts} times; every worker holding it "
                          "stopped without an outcome (killed, e.g. for memory?)", self.owner, 0.0)
        t = _db.tasks
        with self.engine.begin() as db:
            db.execute(sa.update(t).where(self._claimable(), t.c.cache_key == key)
                       .values(status="failed", result=_result_json(failure),
                               finished_by=self.owner))

    def renew(self) -> int:
        """Extend every lease this process holds; returns how many it holds."""
        t = _db.tasks
        with self.engine.begin() as db:
            return db.execute(
                sa.update(t).where(t.c.run == self.run, t.c.owner == self.owner,
                                   t.c.status == "pending")
                .values(lease_until=self._now + self.lease_s)
            ).rowcount

    def finish(self, key: str, outcome: Outcome) -> bool:
        """Write the outcome of design ``key``; False when another process already wrote one
        (its lease had expired and the design was redone): the first outcome is kept."""
        with self.engine.begin() as db:
            return db.execute(self._finish(key, outcome)).rowcount == 1

    def _finish(self, key: str, outcome: Outcome) -> sa.Update:
        """The statement that writes the first outcome of design ``key``."""
        t = _db.tasks
        return (sa.update(t).where(t.c.run == self.run, t.c.cache_key == key,
                                   t.c.status == "pending")
                .values(status="failed" if isinstance(outcome, Failure) else "done",
                        result=_result_json(outcome), finished_by=self.owner))

    def outcomes(self, keys: Iterable[str]) -> dict[str, Outcome]:
        """The outcomes written so far for the designs ``keys``."""
        wanted = list(keys)
        if not wanted:
            return {}
        t = _db.tasks
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.cache_key, t.c.result).where(
                t.c.run == self.run, t.c.status != "pending", t.c.cache_key.in_(wanted)))
            return {row.cache_key: outcome_from_json(row.result) for row in rows}

    def running(self) -> list[Running]:
        """Designs held under a live lease, by worker."""
        t = _db.tasks
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.cache_key, t.c.owner, t.c.lease_until - self._now)
                              .where(t.c.run == self.run, t.c.status == "pending",
                                     t.c.owner.is_not(None), t.c.lease_until >= self._now)
                              .order_by(t.c.owner))
            return [Running(row[0], row[1], float(row[2])) for row in rows]

    def counts(self) -> dict[str, int]:
        """Tasks by status (``pending``, ``done``, ``failed``) in this run."""
        t = _db.tasks
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.status, sa.func.count())
                              .where(t.c.run == self.run).group_by(t.c.status))
            return {"pending": 0, "done": 0, "failed": 0} | {row[0]: int(row[1]) for row in rows}

    def keep_leases(self) -> LeaseKeeper:
        """A started ``LeaseKeeper`` of this process's claims."""
        return LeaseKeeper(self)

    def finished_by(self) -> dict[str, int]:
        """Designs simulated (done or failed) per worker."""
        t = _db.tasks
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.finished_by, sa.func.count())
                              .where(t.c.run == self.run, t.c.status != "pending")
                              .group_by(t.c.finished_by))
            return {str(row[0]): int(row[1]) for row in rows}


class LeaseKeeper:
    """A thread that renews every claim of ``queue``'s owner every ``lease_s / 3`` seconds, so
    a simulation may take far longer than the lease; ``stop`` ends it."""

    def __init__(self, queue: TaskQueue) -> None:
        self.queue = queue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="dse-lease", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.queue.lease_s / 3):
            try:
                self.queue.renew()
            except Exception:  # a database hiccup: the next renewal retries well within the lease
                continue

    def stop(self) -> None:
        self._stop.set()
