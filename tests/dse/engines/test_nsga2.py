"""pymoo NSGA-II engine: front quality on the toy problem, determinism, no repeats, small spaces."""

from __future__ import annotations

import numpy as np
import pytest

from dse._space import ChoiceParam, DesignSpace, IntParam, RealParam
from dse.engines._nsga2 import NSGA2Engine
from tests.dse.engines.toy import drive, exact_hypervolume, toy_space


def make(seed: int, n_objectives: int = 3, batch_size: int = 12,
         space: DesignSpace | None = None) -> NSGA2Engine:
    return NSGA2Engine(space or toy_space(), n_objectives=n_objectives, n_constraints=1, seed=seed,
                       batch_size=batch_size)


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_reaches_the_exhaustive_front(n_objectives: int) -> None:
    exact = exact_hypervolume(n_objectives)
    ratios = [drive(make(seed, n_objectives), 72).hypervolume() / exact for seed in range(3)]
    assert min(ratios) >= 0.9, ratios
    assert max(ratios) <= 1.0 + 1e-12


def test_same_seed_same_archive() -> None:
    first, second = drive(make(5), 60), drive(make(5), 60)
    assert first.candidates == second.candidates and first.F == second.F
    assert drive(make(6), 60).candidates != first.candidates


def test_never_proposes_a_design_twice() -> None:
    space = toy_space()
    archive = drive(make(1), 200)
    keys = [space.key(c) for c in archive.candidates]
    assert len(keys) == len(set(keys))
    assert all(space.contains(c) for c in archive.candidates)
    assert all(type(v) in (int, str) for c in archive.candidates for v in c.values())


def test_fixed_and_log_parameters() -> None:
    space = DesignSpace([IntParam("n", 16, 1600, log=True), ChoiceParam("rule", ("baseline",)),
                         RealParam("s", 10.0, 150.0, log=True), IntParam("t", 250, 250)])
    archive = drive(make(0, n_objectives=2, space=space), 48,
                    lambda c, k: ([1 / c["n"], c["n"] * c["s"]], [c["n"] - 800.0]))
    assert all(space.contains(c) for c in archive.candidates)
    assert {c["rule"] for c in archive.candidates} == {"baseline"}
    assert {c["t"] for c in archive.candidates} == {250}
    assert np.median([c["n"] for c in archive.candidates[:12]]) < 500   # sampled on a log axis


def test_single_design_space() -> None:
    space = DesignSpace([ChoiceParam("rule", ("baseline",))])
    engine = make(0, n_objectives=1, space=space)
    assert drive(engine, 10, lambda c, k: ([0.0], [0.0])).candidates == [{"rule": "baseline"}]


def test_batch_size_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        make(0, batch_size=1)
