"""The ask/tell protocol every engine shares (checked through the grid engine)."""

from __future__ import annotations

import numpy as np
import pytest

from dse.engines import FAILED_VALUE, GridEngine, RandomEngine
from dse.engines._base import Engine
from dse.engines._nsga2 import NSGA2Engine
from tests.dse.engines.toy import toy_space


def engine() -> GridEngine:
    return GridEngine(toy_space(), n_objectives=2, n_constraints=1, seed=0, batch_size=3)


def test_tell_without_ask() -> None:
    with pytest.raises(RuntimeError):
        engine().tell([], np.zeros((0, 2)), np.zeros((0, 1)))


def test_ask_twice_without_tell_when_the_engine_learns() -> None:
    e = NSGA2Engine(toy_space(), n_objectives=2, n_constraints=1, seed=0, batch_size=4)
    assert e.learns
    e.ask()
    with pytest.raises(RuntimeError):
        e.ask()


def test_an_engine_that_ignores_results_is_asked_ahead_and_told_oldest_first() -> None:
    e = engine()
    assert not e.learns and not RandomEngine(toy_space(), 2, 1, 0, 2).learns
    first, second = e.ask(), e.ask()
    assert first != second                                    # the grid moves on
    with pytest.raises(ValueError, match="oldest"):
        e.tell(second, np.zeros((3, 2)), np.zeros((3, 1)))
    e.tell(first, np.zeros((3, 2)), np.zeros((3, 1)))
    e.tell(second, np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(RuntimeError):
        e.tell(second, np.zeros((3, 2)), np.zeros((3, 1)))


def test_tell_must_match_last_batch() -> None:
    e = engine()
    batch = e.ask()
    with pytest.raises(ValueError, match="same order"):
        e.tell(batch[::-1], np.zeros((3, 2)), np.zeros((3, 1)))


@pytest.mark.parametrize("F, G", [
    (np.zeros((3, 3)), np.zeros((3, 1))),
    (np.zeros((3, 2)), np.zeros((2, 1))),
    (np.full((3, 2), np.nan), np.zeros((3, 1))),
])
def test_tell_checks_shapes_and_nan(F: np.ndarray, G: np.ndarray) -> None:
    e = engine()
    batch = e.ask()
    with pytest.raises(ValueError):
        e.tell(batch, F, G)


def test_failed_designs_are_clipped_and_batch_is_a_copy() -> None:
    seen = []

    class Recording(RandomEngine):
        def _tell(self, candidates, F, G):  # noqa: ANN001, ANN202
            seen.append((F, G))

    e = Recording(toy_space(), n_objectives=2, n_constraints=1, seed=0, batch_size=2)
    batch = e.ask()
    batch[0]["bits"] = 999                               # mutating the returned dicts is harmless
    e.tell(e._untold[0], [[np.inf, 1.0], [0.5, -np.inf]], [[np.inf], [0.0]])
    F, G = seen[0]
    assert F[0, 0] == FAILED_VALUE and F[1, 1] == -FAILED_VALUE and G[0, 0] == FAILED_VALUE


@pytest.mark.parametrize("kwargs", [
    {"n_objectives": 0, "n_constraints": 0, "batch_size": 1},
    {"n_objectives": 1, "n_constraints": -1, "batch_size": 1},
    {"n_objectives": 1, "n_constraints": 0, "batch_size": 0},
])
def test_invalid_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        GridEngine(toy_space(), seed=0, **kwargs)


def test_engine_is_abstract() -> None:
    with pytest.raises(TypeError):
        Engine(toy_space(), 1, 0, 0, 1)  # type: ignore[abstract]
