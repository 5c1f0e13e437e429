"""The exploration loop with fake models: determinism, workers, resume, cache, outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import optuna
import pytest

from dse import ExplorationInterrupted, explore, load_run
from snn_dse.errors import InputError, NoFeasibleDesignError
from tests.dse._fakes import FakeModels, comparable, options, simulations


def test_run_directory_holds_every_output_and_the_record_format(tmp_path: Path) -> None:
    result = explore(options(tmp_path, memory_budget="20 KiB"), models=FakeModels())
    run_dir = tmp_path / "run"
    for name in ("store.sqlite", "evaluations.csv", "pareto.csv", "run.json", "results.json",
                 "report.html"):
        assert (run_dir / name).is_file(), name
    assert result.paths["report"] == run_dir / "report.html"
    assert result.paths["results"] == run_dir / "results.json"
    run, records = load_run(run_dir)
    assert run == json.loads((run_dir / "run.json").read_text())
    assert [r["index"] for r in records] == list(range(24))
    assert set(records[0]) == {
        "index", "profile", "candidate", "objectives", "constraints", "constraints_high",
        "feasible", "feasible_high", "prescreened", "reason", "cache_hit", "cost", "sim",
        "wall_s", "cache_key", "code_version", "error",
    }
    assert set(records[0]["objectives"]) == {
        "accuracy", "memory", "energy_infer", "energy_train", "latency",
        "recent_accuracy", "previous_accuracy",
    }
    for record in records:
        assert set(record["constraints"]) == {"memory"}
        g = record["constraints"]["memory"]
        assert g == pytest.approx(record["objectives"]["memory"] - 20 * 1024)
        if record["prescreened"]:
            assert record["sim"] is None and record["objectives"]["accuracy"] is None
            assert not record["feasible"] and "--memory-budget" in record["reason"]
        else:
            assert record["feasible"] == (g <= 0)
    assert run["complete"] is True
    assert run["budgets"] == {"memory": 20 * 1024}
    assert run["objectives"] == ["accuracy", "memory", "energy_infer"]
    assert run["counts"]["evaluated"] == 24
    assert run["counts"]["prescreened"] == sum(r["prescreened"] for r in records) > 0
    assert run["recommended"] == result.recommended["index"]
    with (run_dir / "evaluations.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 24 and rows[0]["neurons"] and "constraint_memory_bytes" in rows[0]
    assert {"memory_bytes", "energy_infer_j", "energy_train_j", "latency_s"} <= set(rows[0])
    with (run_dir / "pareto.csv").open() as handle:
        pareto_rows = list(csv.DictReader(handle))
    assert [int(r["index"]) for r in pareto_rows] == [r["index"] for r in result.pareto]
    assert all(r["feasible"] == "True" for r in pareto_rows)
    document = json.loads((run_dir / "results.json").read_text())
    assert document["run"] == run and len(document["evaluations"]) == 24
    assert document["devices"]["generic_asic_45nm"]["recommended"] == run["recommended"]


def test_recommended_design_is_the_most_accurate_feasible_pareto_design(tmp_path: Path) -> None:
    result = explore(options(tmp_path, energy_budget="50 nJ"), models=FakeModels())
    feasible = [r for r in result.evaluations if r["feasible"]]
    best = max(r["objectives"]["accuracy"] for r in feasible)
    assert result.recommended["objectives"]["accuracy"] == best
    assert result.recommended in result.pareto


def test_one_worker_equals_two_workers(tmp_path: Path) -> None:
    one = explore(options(tmp_path, "one", workers=1, memory_budget="20KiB"), models=FakeModels())
    two = explore(options(tmp_path, "two", workers=2, memory_budget="20KiB"), models=FakeModels())
    assert comparable(one.evaluations) == comparable(two.evaluations)
    assert [r["index"] for r in one.pareto] == [r["index"] for r in two.pareto]


def test_same_seed_same_archive_and_another_seed_another(tmp_path: Path) -> None:
    first = explore(options(tmp_path, "a", seed=3), models=FakeModels())
    again = explore(options(tmp_path, "b", seed=3), models=FakeModels())
    other = explore(options(tmp_path, "c", seed=4), models=FakeModels())
    assert comparable(first.evaluations) == comparable(again.evaluations)
    assert comparable(first.evaluations) != comparable(other.evaluations)


def test_rerun_resumes_and_evaluates_nothing_twice(tmp_path: Path) -> None:
    log = str(tmp_path / "calls.log")
    full = explore(options(tmp_path, "full"), models=FakeModels())
    with pytest.raises(ExplorationInterrupted, match="Resume with: dse explore .*--out"):
        explore(options(tmp_path), models=FakeModels(calls_log=log, interrupt_after=10))
    run, kept = load_run(tmp_path / "run")
    assert run["complete"] is False and len(kept) == 10
    for name in ("evaluations.csv", "pareto.csv", "run.json", "results.json", "report.html"):
        assert (tmp_path / "run" / name).is_file(), name
    assert 'id="interrupted"' in (tmp_path / "run" / "report.html").read_text()
    assert json.loads((tmp_path / "run" / "results.json").read_text())["run"]["complete"] is False
    assert len((tmp_path / "run" / "evaluations.csv").read_text().splitlines()) == 11
    resumed = explore(options(tmp_path), models=FakeModels(calls_log=log))
    assert simulations(log) == len({r["cache_key"] for r in full.evaluations})
    assert resumed.run["counts"]["resumed"] == 10
    assert comparable(resumed.evaluations) == comparable(full.evaluations)
    assert [r for r in resumed.evaluations if r["index"] < 10] == kept
    again = explore(options(tmp_path), models=FakeModels(calls_log=log))
    assert again.run["counts"]["resumed"] == 24 and again.run["counts"]["simulated"] == 0


def test_rerun_with_other_settings_in_the_same_out_is_refused(tmp_path: Path) -> None:
    explore(options(tmp_path), models=FakeModels())
    with pytest.raises(InputError, match=r"--out: .*differs in: seed"):
        explore(options(tmp_path, seed=1), models=FakeModels())


def test_cache_serves_a_second_run_and_is_invalidated_by_profile_and_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache.sqlite"
    log = str(tmp_path / "calls.log")
    models = FakeModels(calls_log=log)
    cold = explore(options(tmp_path, "cold", no_cache=False, cache=cache), models=models)
    cold_sims = simulations(log)
    assert cold.run["counts"]["cache_hits"] == 24 - cold_sims
    warm = explore(options(tmp_path, "warm", no_cache=False, cache=cache), models=models)
    assert simulations(log) == cold_sims
    assert all(r["cache_hit"] for r in warm.evaluations)
    strip = [{k: v for k, v in r.items() if k != "cache_hit"} for r in warm.evaluations]
    assert strip == [{k: v for k, v in r.items() if k != "cache_hit"} for r in cold.evaluations]
    # another profile: every entry is missed (the fake prices designs per profile)
    explore(options(tmp_path, "loihi", no_cache=False, cache=cache, profiles=("loihi1_like",)),
            models=models)
    assert simulations(log) > cold_sims
    after_profile = simulations(log)
    # a new code version invalidates everything
    monkeypatch.setattr("dse._explore.code_version", lambda: "9.9.9")
    bumped = explore(options(tmp_path, "bumped", no_cache=False, cache=cache), models=models)
    assert simulations(log) == after_profile + cold_sims
    assert bumped.evaluations[0]["code_version"] == "9.9.9"


def test_changed_profile_content_misses_the_cache(tmp_path: Path) -> None:
    from hwprofiles import BUILTIN_DIR

    source = (BUILTIN_DIR / "generic_asic_45nm.yaml").read_text()
    changed = tmp_path / "changed.yaml"
    changed.write_text(source.replace('add: {8: "0.03 pJ"', 'add: {8: "0.04 pJ"'))
    assert changed.read_text() != source
    cache = tmp_path / "cache.sqlite"
    log = str(tmp_path / "calls.log")
    explore(options(tmp_path, "a", no_cache=False, cache=cache), models=FakeModels(log))
    first = simulations(log)
    again = explore(options(tmp_path, "b", no_cache=False, cache=cache,
                            profiles=(str(changed),)), models=FakeModels(log))
    assert simulations(log) == 2 * first
    assert not any(r["cache_hit"] for r in again.evaluations[:4])


def test_nothing_feasible_still_writes_everything(tmp_path: Path) -> None:
    result = explore(options(tmp_path, memory_budget="1 B"), models=FakeModels())
    assert result.recommended is None and result.pareto == []
    assert all(r["prescreened"] for r in result.evaluations)
    assert 0 < len(result.least_infeasible) <= 5
    smallest = min(r["objectives"]["memory"] for r in result.evaluations)
    assert result.least_infeasible[0]["objectives"]["memory"] == smallest
    for name in ("evaluations.csv", "pareto.csv", "run.json", "results.json", "report.html"):
        assert (tmp_path / "run" / name).is_file()
    with pytest.raises(NoFeasibleDesignError):
        result.check_feasible()


def test_several_profiles_are_explored_into_one_run(tmp_path: Path) -> None:
    profiles = ("generic_asic_45nm", "loihi1_like")
    result = explore(options(tmp_path, profiles=profiles), models=FakeModels())
    assert [r["profile"] for r in result.evaluations] == [profiles[0]] * 24 + [profiles[1]] * 24
    assert set(result.run["profiles"]) == set(profiles)
    assert set(result.recommended_by_profile) == set(profiles)
    assert {r["profile"] for r in result.pareto} == set(profiles)


def test_device_limits_are_prescreened(tmp_path: Path) -> None:
    space = tmp_path / "bits.yaml"
    space.write_text("neurons: [16, 32]\nweight_bits: [8, 32]\nfamily: stdp\n")
    result = explore(options(tmp_path, profiles=("loihi1_like",), space=space, evaluations=100),
                     models=FakeModels())
    rejected = [r for r in result.evaluations if r["candidate"]["weight_bits"] == 32]
    assert rejected and all(r["prescreened"] and "weight_bits" in r["reason"] for r in rejected)


def test_grid_is_chosen_when_the_space_fits_the_budget(tmp_path: Path) -> None:
    result = explore(options(tmp_path, evaluations=500), models=FakeModels())
    assert result.run["engine"] == "grid" and result.run["engine_requested"] == "nsga2"
    assert len(result.evaluations) == 120
    assert len({r["cache_key"] for r in result.evaluations}) == 120


def test_optuna_study_is_stored_in_the_run_directory(tmp_path: Path) -> None:
    result = explore(options(tmp_path, engine="optuna", evaluations=8, memory_budget="20KiB"),
                     models=FakeModels())
    storage = result.run["storage"]
    assert storage == f"sqlite:///{(tmp_path / 'run' / 'optuna.sqlite3').resolve()}"
    study = optuna.load_study(study_name=result.run["studies"]["generic_asic_45nm"],
                              storage=storage)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(complete) >= 8  # the engine answers repeated proposals from the study
    assert {t.params["neurons"] for t in complete} <= {16, 32, 64, 100, 200}
    assert all(set(t.constraints) == {"memory"} for t in complete)


def test_optuna_run_resumes_to_the_same_study(tmp_path: Path) -> None:
    log = str(tmp_path / "calls.log")
    opts = options(tmp_path, engine="optuna", evaluations=8)
    full = explore(options(tmp_path, "full", engine="optuna", evaluations=8), models=FakeModels())
    with pytest.raises(ExplorationInterrupted):
        explore(opts, models=FakeModels(calls_log=log, interrupt_after=6))
    resumed = explore(opts, models=FakeModels(calls_log=log))
    assert comparable(resumed.evaluations) == comparable(full.evaluations)
    stored = optuna.load_study(study_name=full.run["studies"]["generic_asic_45nm"],
                               storage=full.run["storage"])
    study = optuna.load_study(study_name=resumed.run["studies"]["generic_asic_45nm"],
                              storage=resumed.run["storage"])
    assert [t.params for t in study.trials] == [t.params for t in stored.trials]
    assert study.metric_names == ["1-accuracy", "memory", "energy_infer"]  # optuna-dashboard


def test_guided_engine_proposes_nothing_the_prescreen_rejects(tmp_path: Path) -> None:
    """With a budget that cuts the space, every guided evaluation is simulated (the engine sees
    the pre-screen before proposing), while the same budget costs NSGA-II pre-screened ones."""
    guided = explore(options(tmp_path, "guided", engine="guided", evaluations=24,
                             memory_budget="20KiB"), models=FakeModels())
    assert guided.run["engine"] == "guided"
    assert len(guided.evaluations) == 24
    assert not any(r["prescreened"] for r in guided.evaluations)
    nsga2 = explore(options(tmp_path, "nsga2", evaluations=24, memory_budget="20KiB"),
                    models=FakeModels())
    assert any(r["prescreened"] for r in nsga2.evaluations)
    again = explore(options(tmp_path, "guided2", engine="guided", evaluations=24,
                            memory_budget="20KiB"), models=FakeModels())
    assert comparable(again.evaluations) == comparable(guided.evaluations)


def test_guided_engine_runs_without_budgets(tmp_path: Path) -> None:
    """No budget: the estimates carry no constraint column (was a crash before the first batch)."""
    result = explore(options(tmp_path, engine="guided", evaluations=10), models=FakeModels())
    assert result.run["engine"] == "guided" and len(result.evaluations) == 10


def test_estimator_matches_the_prescreen(tmp_path: Path) -> None:
    """The estimates the engines get are the pre-screen's, for every design of the space."""
    import numpy as np

    from dse._explore import estimator, plan
    from dse._pipeline import EvalContext, prepare

    the_plan = plan(options(tmp_path, memory_budget="20KiB", energy_budget="1nJ"), FakeModels())
    ctx = EvalContext(profile=the_plan.profiles[0], dataset=the_plan.dataset,
                      settings=the_plan.settings, budgets=the_plan.budgets, run_seed=0,
                      code_version="test", models=FakeModels())
    designs = list(the_plan.space.enumerate())
    estimates = estimator(ctx, the_plan.objectives)(designs)
    records = [prepare(i, c, ctx).record for i, c in enumerate(designs)]
    assert estimates.screened.tolist() == [r is not None for r in records]
    assert np.isnan(estimates.F[:, 0]).all()                      # accuracy needs a simulation
    for row, g, record in zip(estimates.F, estimates.G, records, strict=True):
        if record is not None:
            assert row[1:] == pytest.approx([record["objectives"]["memory"],
                                             record["objectives"]["energy_infer"]])
            assert g == pytest.approx(list(record["constraints"].values()))


def test_continual_objectives_need_the_continual_protocol(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--objectives"):
        explore(options(tmp_path, objectives="accuracy,recent-accuracy"), models=FakeModels())


def test_options_round_trip_to_the_command_line(tmp_path: Path) -> None:
    from dse import ExploreOptions

    opts = ExploreOptions(profiles=("a", "b"), memory_budget="64KiB", seed=3, no_cache=True,
                          out=tmp_path / "run")
    assert opts.to_args() == ["--profile", "a", "--profile", "b", "--memory-budget", "64KiB",
                              "--seed", "3", "--out", str(tmp_path / "run"), "--no-cache"]


def test_rounding_is_validated_and_part_of_the_cache_key(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--rounding: unknown rounding"):
        explore(options(tmp_path, rounding="ceil"), models=FakeModels())
    cache = tmp_path / "cache.sqlite"
    log = str(tmp_path / "calls.log")
    models = FakeModels(calls_log=log)
    explore(options(tmp_path, "stochastic", no_cache=False, cache=cache), models=models)
    first = simulations(log)
    nearest = explore(
        options(tmp_path, "nearest", no_cache=False, cache=cache, rounding="nearest"),
        models=models,
    )
    assert simulations(log) == 2 * first
    assert not any(r["cache_hit"] for r in nearest.evaluations if not r["prescreened"])


def test_rerun_of_a_finished_run_keeps_its_report_a_resumed_one_rebuilds_it(
        tmp_path: Path) -> None:
    log = str(tmp_path / "calls.log")
    with pytest.raises(ExplorationInterrupted):
        explore(options(tmp_path), models=FakeModels(calls_log=log, interrupt_after=10))
    report = tmp_path / "run" / "report.html"
    report.write_text("marker")  # a rebuilt report overwrites this
    explore(options(tmp_path), models=FakeModels())  # resumes: the store changes
    assert "<html" in report.read_text().lower()
    report.write_text("marker")
    explore(options(tmp_path), models=FakeModels())  # finished: nothing changes
    assert report.read_text() == "marker"
