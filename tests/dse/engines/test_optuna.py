"""Optuna engine: both samplers on the toy problem, determinism, storage, resume, repeats."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from dse._space import ChoiceParam, DesignSpace
from dse.engines._optuna import OptunaEngine
from snn_dse.errors import InputError
from tests.dse.engines.toy import drive, exact_hypervolume, toy_space


def make(seed: int, sampler: str = "nsga2", n_objectives: int = 3, batch_size: int = 12,
         space: DesignSpace | None = None, **kwargs) -> OptunaEngine:
    return OptunaEngine(space or toy_space(), n_objectives=n_objectives, n_constraints=1, seed=seed,
                        batch_size=batch_size, sampler=sampler, **kwargs)


@pytest.mark.parametrize("sampler", ["nsga2", "tpe"])
def test_reaches_the_exhaustive_front(sampler: str) -> None:
    exact = exact_hypervolume(3)
    ratios = [drive(make(seed, sampler), 72).hypervolume() / exact for seed in range(2)]
    assert min(ratios) >= 0.9, ratios


@pytest.mark.parametrize("sampler", ["nsga2", "tpe"])
def test_same_seed_same_archive(sampler: str) -> None:
    first = drive(make(2, sampler), 48)
    assert first.candidates == drive(make(2, sampler), 48).candidates
    assert first.candidates != drive(make(3, sampler), 48).candidates


def test_batches_hold_only_unseen_designs() -> None:
    space = toy_space()
    engine = make(0, batch_size=16)
    archive = drive(engine, 160)
    keys = [space.key(c) for c in archive.candidates]
    assert len(keys) == len(set(keys))
    # each design has one COMPLETE trial; the sampler's repeats were closed as flagged FAIL trials
    complete = engine.study.get_trials(states=(TrialState.COMPLETE,))
    assert sorted(space.key(t.params) for t in complete) == sorted(keys)
    assert all("repeat" in t.user_attrs for t in engine.study.get_trials(states=(TrialState.FAIL,)))


def test_tpe_keeps_finding_unseen_designs_in_a_small_space() -> None:
    space = toy_space()
    engine = make(0, "tpe", batch_size=16)
    archive = drive(engine, 160)
    assert len({space.key(c) for c in archive.candidates}) == len(archive.candidates) == 160
    assert any(t.user_attrs.get("origin") == "random-fill" for t in engine.study.trials)


def test_fully_evaluated_space_asks_nothing() -> None:
    space = DesignSpace([ChoiceParam("bits", (2, 4, 8)), ChoiceParam("mode", ("dense", "sparse"))])
    engine = make(0, "tpe", n_objectives=2, batch_size=6, space=space)
    for design in space.enumerate():
        engine.study.enqueue_trial(design)
    first = engine.ask()
    assert sorted(map(space.key, first)) == sorted(map(space.key, space.enumerate()))
    engine.tell(first, [[c["bits"], len(c["mode"])] for c in first], [[0.0]] * 6)
    assert engine.ask() == [] and len(engine.study.trials) == 6


def test_study_in_sqlite_loads_and_resumes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    engine = make(0, storage=url, study_name="run", objective_names=["error", "memory", "energy"],
                  constraint_names=["memory"], batch_size=6)
    first = drive(engine, 12)

    study = optuna.load_study(study_name="run", storage=url)
    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert len(complete) >= 12
    assert study.metric_names == ["error", "memory", "energy"]
    assert all(set(t.constraints) == {"memory"} for t in complete)
    by_params = {tuple(t.params.values()): t for t in complete}
    candidate, F, G = first.candidates[0], first.F[0], first.G[0]
    trial = by_params[tuple(candidate.values())]
    assert trial.values == pytest.approx(F) and trial.constraints["memory"] == pytest.approx(G[0])

    # a killed run leaves a batch running; the next engine fails those trials and re-proposes them
    killed = make(1, storage=url, study_name="run", batch_size=6)
    in_flight = killed.ask()
    resumed = make(1, storage=url, study_name="run", batch_size=6)
    assert resumed.ask()[: len(in_flight)] == in_flight
    failed = optuna.load_study(study_name="run", storage=url).get_trials(states=(TrialState.FAIL,))
    interrupted = [t for t in failed if "repeat" not in t.user_attrs]
    assert {tuple(t.params.values()) for t in interrupted} == {tuple(c.values()) for c in in_flight}
    seen = {tuple(c.values()) for c in first.candidates}
    assert not seen & {tuple(c.values()) for c in in_flight}


def test_refuses_a_study_of_another_space(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    make(0, storage=url, study_name="run")
    other = DesignSpace([ChoiceParam("bits", (2, 4))])
    with pytest.raises(InputError, match="another design space"):
        make(0, storage=url, study_name="run", space=other)
    with pytest.raises(InputError, match="objectives"):
        make(0, storage=url, study_name="run", n_objectives=2)


def test_default_study_name_carries_the_space_fingerprint() -> None:
    assert make(0).study.study_name == f"dse-{toy_space().fingerprint()}"
