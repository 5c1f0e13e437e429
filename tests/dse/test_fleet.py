"""A run shared through a store: the coordinator posts designs, workers claim and simulate
them, on SQLite and on a throw-away PostgreSQL server (fake models, workers as threads)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dse import explore, load_run
from dse._db import open_engine, tasks
from dse._status import run_status
from dse._worker import WorkerSummary, load_spec, run_worker
from tests.dse._fakes import FakeModels, comparable, options


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.sqlite")
    return request.getfixturevalue("pg_url")


def _simulated_keys(url: str, run: str) -> set[str]:
    """Designs of ``run`` with an outcome written by the process that simulated them."""
    t = tasks
    with open_engine(url, "--store").connect() as db:
        return {row[0] for row in db.execute(sa.select(t.c.cache_key).where(
            t.c.run == run, t.c.status != "pending"))}


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


def test_status_and_report_read_a_run_in_any_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dse.cli import main

    store = str(tmp_path / "s.sqlite")
    explore(options(tmp_path, store=store, run="solo"), models=FakeModels(fail_neurons=16))
    capsys.readouterr()
    assert main(["status", "--store", store, "--run", "solo"]) == 0
    out = capsys.readouterr().out
    assert "run solo: complete; 24 of 24 evaluations stored" in out and "0 running" in out
    assert main(["status", "--store", store, "--json"]) == 0
    assert '"evaluated": 24' in capsys.readouterr().out
    report = tmp_path / "again"
    assert main(["report", str(report), "--store", store, "--run", "solo"]) == 0
    assert 'id="failed-table"' in (report / "report.html").read_text()
    assert main(["status", "--store", store, "--run", "nope"]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "words"), [
    (["--workers", "0"], "--workers: must be at least 1"),
    (["--executor", "localhost:8786"], "--executor: expected a Dask scheduler address"),
    (["--store", "s.sqlite", "--lease", "0"], "--lease: must be a positive"),
    (["--executor", "tcp://127.0.0.1:1"], "--executor: cannot reach a Dask scheduler"),
])
def test_bad_scale_out_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str], words: str
) -> None:
    from dse.cli import main

    monkeypatch.setattr("dse._executors.CONNECT_TIMEOUT_S", 1.0)
    code = main(["explore", "--evaluations", "2", "--out", str(tmp_path / "run"),
                 "--train-samples", "10", "--test-samples", "10", "--no-cache", *args])
    assert code == 2 and words in capsys.readouterr().err


def test_workers_share_one_optuna_study(store_url: str, tmp_path: Path) -> None:
    import optuna

    threads, summaries = _start_workers(store_url, 2)
    result = explore(options(tmp_path, engine="optuna", store=store_url, run="shared",
                             workers=0), models=FakeModels(fail_neurons=16))
    for thread in threads:
        thread.join(timeout=60)
    records = result.evaluations
    assert sorted(r["index"] for r in records) == list(range(24))
    assert len({r["cache_key"] for r in records}) == 24
    assert len(summaries) == 2 and sum(s.evaluated for s in summaries) == 24  # workers stored all
    # every place is claimed before a simulation: nothing simulated past the cap, each
    # simulated design has its record
    simulated = _simulated_keys(store_url, "shared")
    assert simulated <= {r["cache_key"] for r in records}
    assert len(simulated) == result.run["counts"]["simulated"]
    assert sum(run_status(store_url, "shared").by_worker.values()) == len(simulated)
    url = store_url if "://" in store_url else f"sqlite:///{store_url}"
    study = optuna.load_study(study_name=result.run["studies"]["generic_asic_45nm"], storage=url)
    failed = [r for r in records if r["error"] is not None]
    states = [t.state for t in study.trials]
    # one trial per record: a failed evaluation's trial FAIL (marked), every other one COMPLETE;
    # every further trial a pruned repeat, or a queued random fill nobody asked for (WAITING)
    assert states.count(optuna.trial.TrialState.FAIL) == len(failed) > 0
    assert all("failed" in t.user_attrs for t in study.trials
               if t.state == optuna.trial.TrialState.FAIL)
    assert states.count(optuna.trial.TrialState.COMPLETE) == 24 - len(failed)
    assert set(states) <= {optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.FAIL,
                           optuna.trial.TrialState.PRUNED, optuna.trial.TrialState.WAITING}
    assert study.metric_names == ["accuracy", "memory", "energy_infer"]


def test_a_dead_workers_trial_is_retried_with_the_same_design(tmp_path: Path) -> None:
    import optuna

    from dse._store import ResultStore
    from dse._study import _suggest

    url = str(tmp_path / "s.sqlite")
    coordinator = threading.Thread(target=explore, args=(options(
        tmp_path, engine="optuna", store=url, run="hb", workers=0, lease=2.0, evaluations=8),),
        kwargs={"models": FakeModels()})
    coordinator.start()
    store = ResultStore(url, "hb")
    while store.state() != "running":
        time.sleep(0.05)
    spec = load_spec(store).study
    study = optuna.load_study(study_name=spec.study_names[0], storage=spec.rdb())
    dead = study.ask()
    params = {p.name: _suggest(dead, p) for p in spec.space.params}
    study._storage.record_heartbeat(dead._trial_id)  # then the worker "dies"
    time.sleep(3.5)  # past the grace period (the lease)
    summary = run_worker(url, "hb", wait_s=30, name="live")
    coordinator.join(timeout=60)
    assert summary.evaluated == 8
    trials = optuna.load_study(study_name=spec.study_names[0], storage=spec.rdb()).trials
    assert trials[dead.number].state == optuna.trial.TrialState.FAIL
    retried = [t for t in trials if t.system_attrs.get("failed_trial") == dead.number]
    assert len(retried) == 1 and retried[0].params == params
    assert retried[0].state == optuna.trial.TrialState.COMPLETE


@pytest.mark.parametrize("other_state", ["complete", "running", None])
def test_a_retried_trial_owns_a_stored_design_only_when_no_other_trial_does(
        tmp_path: Path, other_state: str | None) -> None:
    """A live worker whose heartbeat lapsed under load has its trial retried while another
    trial evaluates the same design: the retry must not complete too (one complete trial per
    record); with no other trial of the design it takes the stored record over."""
    import optuna
    from optuna.storages import RetryHeartbeatStaleTrialCallback

    from dse._explore import plan
    from dse._study import _Objective, _suggest

    spec = plan(options(tmp_path, engine="optuna", store=str(tmp_path / "s.sqlite"), run="o"),
                FakeModels()).study()
    spec.create()
    study = optuna.load_study(study_name=spec.study_names[0], storage=spec.rdb())
    first = study.ask()
    params = {p.name: _suggest(first, p) for p in spec.space.params}
    if other_state is not None:
        study.enqueue_trial(params)
        other = study.ask()
        assert {p.name: _suggest(other, p) for p in spec.space.params} == params
        if other_state == "complete":
            study.tell(other, [0.5] * len(spec.objectives))
    stalled = study._storage.get_trial(first._trial_id)
    study._storage.set_trial_state_values(first._trial_id, optuna.trial.TrialState.FAIL)
    RetryHeartbeatStaleTrialCallback(2)(study, stalled)
    retry = study.ask()
    assert {p.name: _suggest(retry, p) for p in spec.space.params} == params
    objective = _Objective.__new__(_Objective)
    objective.spec = spec
    assert objective._takes_over(retry) is (other_state is None)
    assert objective._takes_over(first) is False  # not a retry


def test_recorded_commands_mask_database_passwords() -> None:
    from dse import ExploreOptions

    args = ExploreOptions(store="postgresql+psycopg://dse:secret@db/dse", run="r").to_args()
    assert "postgresql+psycopg://dse:***@db/dse" in args and "secret" not in " ".join(args)


def test_workers_racing_for_queued_trials_on_sqlite_each_get_their_own(tmp_path: Path) -> None:
    """Optuna moves a queued (or retried) trial to running by a read, then a write; on SQLite
    the shared study's storage begins every transaction IMMEDIATE so that no two workers take
    one trial (the second one's tell would fail: 'Cannot tell a COMPLETE trial')."""
    import optuna

    from dse._explore import plan

    spec = plan(options(tmp_path, engine="optuna", store=str(tmp_path / "s.sqlite"), run="q"),
                FakeModels()).study()
    spec.create()
    queued = optuna.load_study(study_name=spec.study_names[0], storage=spec.rdb())
    for neurons in range(16, 32):
        queued.enqueue_trial({"neurons": neurons})
    racers = 8
    start = threading.Barrier(racers)
    taken: list[int] = []

    def ask() -> None:
        study = optuna.load_study(study_name=spec.study_names[0], storage=spec.rdb())
        start.wait()
        taken.append(study.ask().number)

    threads = [threading.Thread(target=ask) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(taken) == racers and len(set(taken)) == racers
