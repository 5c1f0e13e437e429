"""A run shared through a store: the coordinator posts designs, workers claim and simulate
them, on SQLite and on a throw-away PostgreSQL server (fake models, workers as threads)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dse import explore, load_run
from dse._status import run_status
from dse._worker import WorkerSummary, run_worker
from tests.dse._fakes import FakeModels, comparable, options


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.sqlite")
    return request.getfixturevalue("pg_url")


def _start_workers(url: str, count: int) -> tuple[list[threading.Thread], list[WorkerSummary]]:
    summaries: list[WorkerSummary] = []

    def work(name: str) -> None:
        summaries.append(run_worker(url, "shared", lease_s=5, wait_s=60, name=name))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, summaries


def test_workers_evaluate_a_shared_run_like_one_process(store_url: str, tmp_path: Path) -> None:
    threads, summaries = _start_workers(store_url, 2)
    models = FakeModels(fail_neurons=200)
    shared = explore(options(tmp_path, "shared-out", store=store_url, run="shared", workers=0,
                             memory_budget="40KiB"), models=models)
    for thread in threads:
        thread.join(timeout=60)
    alone = explore(options(tmp_path, "alone", memory_budget="40KiB"), models=models)
    assert comparable(shared.evaluations) == comparable(alone.evaluations)
    assert len({r["cache_key"] for r in shared.evaluations}) == 24
    assert sorted(s.state for s in summaries) == ["complete", "complete"]
    simulated = sum(s.evaluated for s in summaries)
    assert simulated == shared.run["counts"]["simulated"] > 0
    assert sum(s.failed for s in summaries) == shared.run["counts"]["failed"] > 0
    status = run_status(store_url, "shared")
    assert status.state == "complete" and status.evaluated == 24 and status.requested == 24
    assert status.running == () and status.waiting == 0
    assert sum(status.by_worker.values()) == simulated
    assert status.front == len(shared.pareto) and status.failed == shared.run["counts"]["failed"]
    run, records = load_run(store=store_url, run_name="shared")
    assert run["complete"] and comparable(records) == comparable(shared.evaluations)
    assert not (tmp_path / "shared-out" / "store.sqlite").exists()
    assert (tmp_path / "shared-out" / "report.html").is_file()


def test_the_coordinator_evaluates_alone_when_no_worker_comes(tmp_path: Path) -> None:
    result = explore(options(tmp_path, store=str(tmp_path / "s.sqlite"), run="solo"),
                     models=FakeModels())
    assert result.run["complete"] and len(result.evaluations) == 24
    assert run_status(tmp_path / "s.sqlite", None).by_worker  # its own slot claimed them


def test_a_worker_refuses_a_run_that_never_starts(tmp_path: Path) -> None:
    from snn_dse.errors import InputError

    with pytest.raises(InputError, match="no run 'ghost' appeared"):
        run_worker(tmp_path / "s.sqlite", "ghost", wait_s=0.1)
