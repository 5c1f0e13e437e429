"""Claims on the shared store, on SQLite and on a throw-away PostgreSQL server: each design is
claimed by one process at a time, an expired lease is taken over, the first outcome is kept."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dse._claims import MAX_ATTEMPTS, TaskQueue
from dse._pipeline import Failure, Measured, Prepared
from dse._store import ResultStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    return request.getfixturevalue("pg_url")


def _queue(url: str, owner: str, lease_s: float = 30.0) -> TaskQueue:
    store = ResultStore(url, "run")
    if store.state() is None:
        store.begin({}, b"")
    return TaskQueue(store, owner, lease_s)


def _prepared(n: int) -> Prepared:
    return Prepared({"neurons": n}, n, f"key{n:04d}", None)


MEASURED = Measured({"accuracy": 0.5}, {"cost": 1}, {"accuracy": 0.5}, 0.1)


def _claim_all(url: str, owner: str, out: multiprocessing.Queue) -> None:
    queue = _queue(url, owner)
    mine = []
    while batch := queue.claim(3):
        mine += [t.key for t in batch]
    out.put(mine)


def _race(url: str, claim: Callable[[str, str, multiprocessing.Queue], None]) -> list[str]:
    """Run ``claim`` in 4 processes at once (owners w0..w3); every key they claimed."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    racers = [context.Process(target=claim, args=(url, f"w{i}", out)) for i in range(4)]
    for racer in racers:
        racer.start()
    claims = [out.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join()
    return [key for keys in claims for key in keys]


def test_racing_processes_claim_each_design_exactly_once(store_url: str) -> None:
    queue = _queue(store_url, "poster")
    queue.post(0, [(n, _prepared(n)) for n in range(200)])
    everything = _race(store_url, _claim_all)
    assert sorted(everything) == [f"key{n:04d}" for n in range(200)]
    assert all(running.owner.startswith("w") for running in queue.running())


def test_an_expired_lease_is_taken_over_and_the_first_outcome_kept(store_url: str) -> None:
    dead = _queue(store_url, "dead", lease_s=0.5)
    live = _queue(store_url, "live", lease_s=30)
    dead.post(0, [(0, _prepared(1))])
    assert [t.key for t in dead.claim(1)] == ["key0001"]
    assert live.claim(1) == []  # held under a live lease
    assert [r.owner for r in live.running()] == ["dead"]
    time.sleep(0.7)
    assert [t.candidate for t in live.claim(1)] == [{"neurons": 1}]
    assert live.finish("key0001", MEASURED)
    assert not dead.finish("key0001", Failure("ValueError", "late", "dead", 0.0))
    assert live.outcomes(["key0001", "other"]) == {"key0001": MEASURED}
    assert live.counts() == {"pending": 0, "done": 1, "failed": 0}
    assert live.finished_by() == {"live": 1}


def test_renewal_keeps_a_claim_alive(store_url: str) -> None:
    holder = _queue(store_url, "holder", lease_s=0.6)
    other = _queue(store_url, "other")
    holder.post(0, [(0, _prepared(2))])
    holder.claim(1)
    for _ in range(4):
        time.sleep(0.25)
        assert holder.renew() == 1
        assert other.claim(1) == []


def test_a_design_whose_workers_keep_dying_is_recorded_failed(store_url: str) -> None:
    queue = _queue(store_url, "w", lease_s=0.05)
    queue.post(0, [(0, _prepared(3))])
    for _ in range(MAX_ATTEMPTS):
        assert len(queue.claim(1)) == 1
        time.sleep(0.1)
    assert queue.claim(1) == []
    outcome = queue.outcomes(["key0003"])["key0003"]
    assert isinstance(outcome, Failure) and outcome.error_type == "WorkerLost"


def test_posting_a_design_twice_changes_nothing(store_url: str) -> None:
    queue = _queue(store_url, "w")
    queue.post(0, [(0, _prepared(4))])
    [task] = queue.claim(1)
    queue.finish(task.key, MEASURED)
    queue.post(0, [(5, _prepared(4))])
    assert queue.claim(1) == [] and queue.counts()["done"] == 1


def _record(key: str, index: int) -> dict:
    return {"cache_key": key, "index": index, "profile": "p", "error": None}


def test_a_place_is_claimed_only_while_the_profile_has_one(store_url: str) -> None:
    first = _queue(store_url, "first", lease_s=0.5)
    second = _queue(store_url, "second", lease_s=30)
    first.post(0, [(1, _prepared(1))])  # posted earlier (e.g. by a worker that died)
    # 2 places: one design stored, one claimed under a live lease; a third design waits
    assert first.store_within(0, 0, 2, "key0000", lambda i: _record("key0000", i)) is not None
    assert first.claim_within(0, 1, _prepared(1), 0, 2) is True
    assert second.claim_within(0, 2, _prepared(2), 0, 2) is None  # no place left
    assert second.counts()["pending"] == 1  # and the design is not posted
    assert second.claim_within(0, 1, _prepared(1), 0, 2) is False  # held by first
    assert second.store_within(0, 0, 2, "key0003", lambda i: _record("key0003", i)) is None
    time.sleep(0.7)  # first's lease expires (killed): its place is free again
    assert second.claim_within(0, 2, _prepared(2), 0, 2) is True  # posted and claimed
    assert [r.owner for r in second.running()] == ["second"]
    assert first.claim_within(0, 1, _prepared(1), 0, 2) is None  # too late for the dead one
    stored = second.store_within(0, 0, 2, "key0002", lambda i: _record("key0002", i), MEASURED)
    assert stored is not None and stored[1] and stored[0]["index"] == 1
    # stored and finished in one transaction; the profile is full
    assert second.outcomes(["key0002"]) == {"key0002": MEASURED}
    assert second.finished_by() == {"second": 1}
    again = first.store_within(0, 0, 2, "key0002", lambda i: _record("key0002", i))
    assert again is not None and again == (stored[0], False)  # the run's record, not new
    assert len(ResultStore(store_url, "run")) == 2
    # another profile (context 1, indices 2..3) has its own places
    assert first.store_within(1, 2, 2, "key0003", lambda i: _record("key0003", i)) is not None


def _reserve_all(url: str, owner: str, out: multiprocessing.Queue) -> None:
    queue = _queue(url, owner)
    mine = []
    for n in range(40):
        if queue.claim_within(0, n, _prepared(n), 0, 10):
            mine.append(f"key{n:04d}")
    out.put(mine)


def test_racing_processes_never_claim_more_places_than_the_cap(store_url: str) -> None:
    queue = _queue(store_url, "poster")
    queue.post(0, [(n, _prepared(n)) for n in range(0, 40, 2)])  # half posted, half not
    everything = _race(store_url, _reserve_all)
    assert len(everything) == len(set(everything)) == 10
