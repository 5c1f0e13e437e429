"""Scale-out through the real CLI: `dse explore --store` with `dse worker` processes on a
throw-away PostgreSQL server, and `dse explore --executor` on a Dask cluster on loopback; one
worker is SIGKILLed mid-run and nothing is lost or stored twice."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dse import explore, load_run
from dse._db import open_engine
from dse._status import run_status
from tests.dse._fakes import TINY_REAL_SPACE_YAML, FakeModels, options

SPACE = TINY_REAL_SPACE_YAML
#: Tiny fidelity: a design simulates in about a tenth of a second.
TINY = ["--train-samples", "40", "--test-samples", "40", "--no-cache"]
ROOT = Path(__file__).resolve().parents[2]


def _dse(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dse.cli import run; run()", *args]


def _popen(command: list[str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
                            env=os.environ | {"COLUMNS": "200"})


def _held_by(url: str, pid: int) -> list[str]:
    """Designs the worker process ``pid`` holds a claim on right now."""
    with open_engine(url, "--store").connect() as db:
        return [row[0] for row in db.execute(sa.text(
            "SELECT cache_key FROM dse_tasks WHERE status = 'pending' AND owner LIKE :o"),
            {"o": f"%:{pid}"})]


def _finish(process: subprocess.Popen, log: Path, timeout: float = 180) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"{process.args} did not finish:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["nsga2", "optuna"])
def test_a_coordinator_and_three_workers_survive_a_killed_worker(
    pg_url: str, tmp_path: Path, engine: str
) -> None:
    space = tmp_path / "space.yaml"
    space.write_text(SPACE)
    store = ["--store", pg_url, "--run", "fleet", "--lease", "2"]
    workers = [_popen(_dse("worker", *store, "--no-cache"), tmp_path / f"worker{i}.log")
               for i in range(3)]
    coordinator = _popen(_dse("explore", "--space", str(space), "--evaluations", "40",
                              "--engine", engine, "--workers", "0", "--out",
                              str(tmp_path / "out"), *store, *TINY),
                         tmp_path / "coordinator.log")
    victim = workers[0]
    deadline = time.monotonic() + 120
    while not (held := _held_by(pg_url, victim.pid)):
        assert time.monotonic() < deadline and coordinator.poll() is None, \
            (tmp_path / "coordinator.log").read_text()
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    assert _finish(coordinator, tmp_path / "coordinator.log") in (0, 3), \
        (tmp_path / "coordinator.log").read_text()
    for number, worker in enumerate(workers[1:], start=1):
        assert _finish(worker, tmp_path / f"worker{number}.log") == 0
    assert victim.wait() == -signal.SIGKILL
    run, records = load_run(store=pg_url, run_name="fleet")
    assert run["complete"] is True
    assert sorted(r["index"] for r in records) == list(range(40))
    assert len({r["cache_key"] for r in records}) == 40
    assert all(r["error"] is None for r in records)
    status = run_status(pg_url, "fleet")
    assert status.running == () and status.waiting == 0
    assert status.evaluated == 40 and status.state == "complete"
    database = sa.create_engine(pg_url)
    with database.connect() as db:
        rows = db.execute(sa.text("SELECT cache_key, status, finished_by, attempts "
                                  "FROM dse_tasks WHERE run = 'fleet'")).all()
    database.dispose()
    assert (tmp_path / "out" / "report.html").is_file()
    # nothing simulated past the cap (the Optuna path claims a place before it simulates):
    # every design with an outcome has its record
    finished = sum(status.by_worker.values())
    assert finished == run["counts"]["simulated"]
    assert {row.cache_key for row in rows if row.status != "pending"} <= {
        r["cache_key"] for r in records}
    assert not any(worker.endswith(f":{victim.pid}") for worker in status.by_worker)
    if engine == "optuna":  # workers asked the shared study; the victim's trial is not COMPLETE
        import optuna

        study = optuna.load_study(study_name=run["studies"]["generic_asic_45nm"], storage=pg_url)
        complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        assert len(complete) == 40
        return
    assert {row.status for row in rows} == {"done"}
    taken_over = {row.cache_key: row for row in rows}[held[0]]
    assert not taken_over.finished_by.endswith(f":{victim.pid}")
    assert taken_over.attempts >= 2
    assert len(rows) == run["counts"]["simulated"]


def test_a_raising_evaluation_in_a_worker_process_is_recorded_failed(tmp_path: Path) -> None:
    url = str(tmp_path / "shared.sqlite")
    worker = _popen(_dse("worker", "--store", url, "--run", "r", "--no-cache", "--wait", "60"),
                    tmp_path / "worker.log")
    result = explore(options(tmp_path, store=url, run="r", workers=0),
                     models=FakeModels(fail_neurons=16))
    assert _finish(worker, tmp_path / "worker.log") == 0
    failed = [r for r in result.evaluations if r["error"] is not None]
    assert failed and {r["candidate"]["neurons"] for r in failed} == {16}
    assert all(r["error"]["type"] == "ValueError" for r in failed)
    assert {r["error"]["worker"] for r in failed} == {f"{socket.gethostname()}:{worker.pid}"}
    assert result.run["complete"] and len(result.evaluations) == 24
    assert "evaluated" in (tmp_path / "worker.log").read_text()


def _stored(run_dir: Path) -> int:
    """Records in a run directory's store so far (0 before it exists)."""
    try:
        with sqlite3.connect(run_dir / "store.sqlite", timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM dse_evaluations").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_explore_on_a_dask_cluster_survives_a_killed_worker(tmp_path: Path) -> None:
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    scheduler = _popen([dask, "scheduler", "--host", "127.0.0.1", "--port",
                        address.rsplit(":", 1)[1], "--no-dashboard"], tmp_path / "scheduler.log")
    cluster_workers = _popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                              "--no-dashboard"], tmp_path / "workers.log")
    try:
        client = Client(address, timeout=60)
        client.wait_for_workers(2, timeout=60)
        space = tmp_path / "space.yaml"
        space.write_text(SPACE)
        out = tmp_path / "out"
        coordinator = _popen(_dse("explore", "--space", str(space), "--evaluations", "40",
                                  "--executor", address, "--out", str(out), *TINY),
                             tmp_path / "coordinator.log")
        deadline = time.monotonic() + 120
        while _stored(out) < 8:
            assert time.monotonic() < deadline and coordinator.poll() is None, \
                (tmp_path / "coordinator.log").read_text()
            time.sleep(0.05)
        pids = client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        assert _finish(coordinator, tmp_path / "coordinator.log") in (0, 3), \
            (tmp_path / "coordinator.log").read_text()
        client.close()
    finally:
        for process in (cluster_workers, scheduler):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    run, records = load_run(out)
    assert run["complete"] and run["executor"] == address
    assert sorted(r["index"] for r in records) == list(range(40))
    assert len({r["cache_key"] for r in records}) == 40
    assert all(r["error"] is None for r in records)
