"""Random engine: seeded, uniform, no repeats, exhausts a discrete space exactly."""

from __future__ import annotations

from dse._space import DesignSpace, IntParam, RealParam
from dse.engines import RandomEngine
from tests.dse.engines.toy import drive, toy_space


def make(seed: int, batch_size: int = 16, space: DesignSpace | None = None) -> RandomEngine:
    return RandomEngine(space or toy_space(), n_objectives=3, n_constraints=1, seed=seed,
                        batch_size=batch_size)


def test_same_seed_same_archive_other_seed_differs() -> None:
    assert drive(make(3), 64).candidates == drive(make(3), 64).candidates
    assert drive(make(3), 64).candidates != drive(make(4), 64).candidates


def test_exhausts_a_discrete_space_without_repeats() -> None:
    space = toy_space()
    archive = drive(make(0, batch_size=50, space=space), 10**6)
    keys = [space.key(c) for c in archive.candidates]
    assert len(keys) == len(set(keys)) == space.size
    assert make(0, batch_size=50).ask() != list(space.enumerate())[:50]   # not the grid order


def test_real_parameters_are_sampled_continuously() -> None:
    space = DesignSpace([IntParam("n", 1, 2), RealParam("r", 0.0, 1.0, grid=(0.0, 1.0))])
    archive = drive(make(0, batch_size=10, space=space), 40,
                    lambda c, k: ([c["r"]] * k, [c["n"] - 2.0]))
    assert len(archive.candidates) == 40 > space.size
    assert len({space.key(c) for c in archive.candidates}) == 40
