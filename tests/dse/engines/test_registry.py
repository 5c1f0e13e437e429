"""The engine registry: names, construction, errors."""

from __future__ import annotations

import pytest

from dse import ChoiceParam, DesignSpace
from dse.engines import ENGINES, GridEngine, RandomEngine, make_engine
from dse.engines._guided import GuidedEngine
from dse.engines._nsga2 import NSGA2Engine
from dse.engines._optuna import OptunaEngine
from snn_dse.errors import InputError
from tests.dse.engines.toy import drive, toy_space

KW = {"n_objectives": 2, "n_constraints": 1, "seed": 0, "batch_size": 4}


@pytest.mark.parametrize("name, cls", [("grid", GridEngine), ("random", RandomEngine),
                                       ("nsga2", NSGA2Engine), ("optuna", OptunaEngine),
                                       ("guided", GuidedEngine)])
def test_make_engine(name: str, cls: type) -> None:
    engine = make_engine(name, toy_space(), **KW)
    assert type(engine) is cls and engine.name == name and name in ENGINES
    assert len(engine.ask()) == 4


def test_optuna_options() -> None:
    engine = make_engine("optuna", toy_space(), optuna_sampler="tpe", study_name="s", **KW)
    assert type(engine.study.sampler).__name__ == "TPESampler"
    assert engine.study.study_name == "s"


def test_unknown_engine_suggests() -> None:
    with pytest.raises(InputError, match="did you mean 'nsga2'"):
        make_engine("nsga", toy_space(), **KW)


def test_unknown_sampler() -> None:
    with pytest.raises(InputError, match="--sampler"):
        make_engine("optuna", toy_space(), optuna_sampler="cmaes", **KW)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["nsga2", "optuna", "guided"])
def test_small_space_ends_with_an_empty_batch(name: str) -> None:
    """A search engine proposes every design of a small space once, then an empty batch."""
    space = DesignSpace([ChoiceParam("bits", (2, 4, 8)), ChoiceParam("mode", ("dense", "sparse"))])
    engine = make_engine(name, space, **KW)
    archive = drive(engine, 100, lambda c, k: ([c["bits"], len(c["mode"])], [0.0]))
    assert sorted(map(space.key, archive.candidates)) == sorted(map(space.key, space.enumerate()))
    assert engine.ask() == []
