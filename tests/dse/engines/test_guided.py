"""Guided engine: front quality against the grid oracle, use of the estimates, determinism."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dse._space import ChoiceParam, DesignSpace, IntParam, RealParam
from dse.engines import Estimates, make_engine
from dse.engines._guided import GuidedEngine
from tests.dse.engines.toy import drive, exact_hypervolume, toy_objectives, toy_space


def toy_estimator(candidates: list[dict[str, Any]]) -> Estimates:
    """Exact memory and energy, unknown error, memory budget pre-screened: what ``dse explore``
    gives the engine."""
    rows = [toy_objectives(c) for c in candidates]
    F = np.array([f for f, _ in rows]).reshape(len(rows), 3)
    G = np.array([g for _, g in rows]).reshape(len(rows), 1)
    F[:, 0] = np.nan
    return Estimates(F, G, G[:, 0] > 0)


def make(seed: int, estimator: Any = toy_estimator, batch_size: int = 8,
         space: DesignSpace | None = None, n_objectives: int = 3) -> GuidedEngine:
    return GuidedEngine(space or toy_space(), n_objectives=n_objectives, n_constraints=1, seed=seed,
                        batch_size=batch_size, estimator=estimator)


@pytest.mark.slow
@pytest.mark.parametrize("estimator", [toy_estimator, None], ids=["estimates", "no-estimates"])
def test_reaches_the_exhaustive_front_in_a_tenth_of_the_space(estimator: Any) -> None:
    exact = exact_hypervolume(3)
    ratios = [drive(make(seed, estimator), 48).hypervolume() / exact for seed in range(2)]
    assert min(ratios) >= 0.93, ratios
    assert max(ratios) <= 1.0 + 1e-12


@pytest.mark.slow
def test_never_proposes_screened_or_repeated_designs_and_exhausts_the_rest() -> None:
    space = DesignSpace([IntParam("neurons", 2, 40, log=True), ChoiceParam("bits", (4, 16)),
                         ChoiceParam("mode", ("dense", "sparse"))])         # 156 designs
    engine = make(0, batch_size=32, space=space)
    archive = drive(engine, 10**6)
    keys = [space.key(c) for c in archive.candidates]
    assert len(keys) == len(set(keys))
    assert all(g[0] <= 0 for g in archive.G)                        # nothing over the budget
    feasible = sum(toy_objectives(c)[1][0] <= 0 for c in space.enumerate())
    assert len(keys) == feasible
    assert engine.ask() == []


def test_same_seed_same_proposals() -> None:
    """(On an enumerated space with a unique cheapest design the proposals may not depend on
    the seed at all: the spread starts there and every later step is deterministic.)"""
    first, second = drive(make(3), 32), drive(make(3), 32)
    assert first.candidates == second.candidates


def test_failed_designs_are_not_learnt_from() -> None:
    engine = make(0, batch_size=8)
    for _ in range(3):
        batch = engine.ask()
        F = np.array([toy_objectives(c)[0] for c in batch])
        F[::2] = np.inf                                               # half the batch failed
        engine.tell(batch, F, [[-1.0]] * len(batch))
    assert engine._usable().size == 12
    assert len(engine.ask()) == 8


def test_large_mixed_space_uses_a_sampled_pool_and_the_front_neighbours() -> None:
    space = DesignSpace([IntParam("n", 16, 1600, log=True), ChoiceParam("rule", ("a", "b")),
                         RealParam("s", 10.0, 150.0, log=True)])

    def objectives(c: dict[str, Any], k: int) -> tuple[list[float], list[float]]:
        error = 1 / (1 + c["n"] / 100) + abs(np.log(c["s"] / 40)) / 10 + (c["rule"] == "a") * 0.05
        return [error, c["n"] * 8.0], [c["n"] - 1200.0]

    def estimator(candidates: list[dict[str, Any]]) -> Estimates:
        n = np.array([c["n"] for c in candidates], dtype=float)
        return Estimates(np.column_stack([np.full(n.size, np.nan), 8 * n]), (n - 1200)[:, None],
                         n > 1200)

    engine = make(0, estimator=estimator, space=space, n_objectives=2)
    archive = drive(engine, 40, objectives)
    assert all(space.contains(c) and c["n"] <= 1200 for c in archive.candidates)
    assert len(engine._pool) > 8192                                  # sampled, then grown
    assert min(f[0] for f in archive.F) < 0.2                       # optimum 0.077 (n 1200, s 40)


def test_registry_builds_it_with_the_estimator() -> None:
    engine = make_engine("guided", toy_space(), n_objectives=3, n_constraints=1, seed=0,
                         batch_size=4, estimator=toy_estimator)
    assert isinstance(engine, GuidedEngine) and engine.name == "guided"
    assert all(toy_objectives(c)[1][0] <= 0 for c in engine.ask())


def test_told_history_is_learnt_from_and_never_proposed() -> None:
    """Designs evaluated before the engine existed join its pool as told: the next batches
    are drawn from the rest of the space only."""
    space = toy_space()
    history = [c for c in space.enumerate() if toy_objectives(c)[1][0] <= 0][:-5]
    engine = make(0, batch_size=8)
    rows = [toy_objectives(c) for c in history]
    engine.tell_history(history, [f for f, _ in rows], [g for _, g in rows])
    seen = {space.key(c) for c in history}
    proposed = drive(engine, 10**6).candidates
    assert len(proposed) == 5 and not seen & {space.key(c) for c in proposed}
    with pytest.raises(ValueError, match="shape"):
        make(0).tell_history(history[:2], [[0.1, 1.0, 1.0]], [[0.0], [0.0]])


def test_first_batch_prefers_designs_few_others_undercut_in_cost() -> None:
    """The spread batch weights each design by its prior chance of being on the front,
    ``1 / (1 + designs at least as cheap in every estimated cost)``: the cheapest design has
    prior 1 and is the first pick; on average the batch is cheaper than uniform draws."""
    engine = make(0, batch_size=8)
    batch = engine.ask()
    costs = np.array([toy_objectives(c)[0][1:] for c in batch])
    pool = np.array([toy_objectives(c)[0][1:] for c in toy_space().enumerate()
                     if toy_objectives(c)[1][0] <= 0])
    undercut = [int((pool <= row).all(axis=1).sum()) - 1 for row in costs]
    assert undercut[0] == 0
    assert np.mean(undercut) < np.mean([(pool <= row).all(axis=1).sum() - 1 for row in pool])


def test_when_every_design_is_screened_the_least_infeasible_come_first() -> None:
    """Nothing can meet the budget: the engine proposes the designs closest to it (their
    evaluation prices them, it simulates nothing), so the run can say how far off it is."""
    def over_budget(candidates: list[dict[str, Any]]) -> Estimates:
        estimates = toy_estimator(candidates)
        G = estimates.G + 1e9
        return Estimates(estimates.F, G, np.ones(len(candidates), dtype=bool))

    engine = make(0, estimator=over_budget)
    batch = engine.ask()
    excess = [toy_objectives(c)[1][0] for c in batch]
    every = sorted(toy_objectives(c)[1][0] for c in toy_space().enumerate())
    assert sorted(excess) == every[:len(batch)]
