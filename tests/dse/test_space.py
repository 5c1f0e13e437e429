"""Design space: parameters, enumeration, size, membership, sampling, serialisation, space files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dse._space import (
    ChoiceParam,
    DesignSpace,
    IntParam,
    RealParam,
    SpaceError,
    default_space,
    load_space,
)
from snn_dse.errors import InputError

NAMES = ("a", "b", "c", "d")


@st.composite
def params(draw: st.DrawFn, name: str) -> IntParam | ChoiceParam | RealParam:
    kind = draw(st.sampled_from(["int", "choice", "real"]))
    if kind == "int":
        low = draw(st.integers(1, 50))
        return IntParam(name, low, low + draw(st.integers(0, 6)), log=draw(st.booleans()))
    if kind == "choice":
        values = draw(st.one_of(st.lists(st.integers(-5, 40), min_size=1, max_size=5, unique=True),
                                st.lists(st.sampled_from("xyzuvw"), min_size=1, max_size=4, unique=True)))
        return ChoiceParam(name, tuple(values))
    low = draw(st.floats(0.01, 10))
    high = low + draw(st.floats(0, 10))
    grid = draw(st.lists(st.floats(low, high), max_size=4))
    return RealParam(name, low, high, log=draw(st.booleans()), grid=tuple(grid))


@st.composite
def spaces(draw: st.DrawFn) -> DesignSpace:
    n = draw(st.integers(1, len(NAMES)))
    return DesignSpace([draw(params(name)) for name in NAMES[:n]])


@settings(max_examples=60, deadline=None)
@given(spaces())
def test_enumerate_yields_size_distinct_members(space: DesignSpace) -> None:
    designs = list(space.enumerate())
    assert len(designs) == space.size
    assert len({space.key(d) for d in designs}) == space.size
    assert all(space.contains(d) and list(d) == space.names for d in designs)
    assert all(space.canonical(d) == d for d in designs)


@settings(max_examples=60, deadline=None)
@given(spaces(), st.integers(0, 2**32 - 1))
def test_samples_are_canonical_members(space: DesignSpace, seed: int) -> None:
    samples = space.sample(np.random.default_rng(seed), 20)
    assert len(samples) == 20
    for s in samples:
        assert space.contains(s)
        assert space.canonical(s) == s
        assert all(type(v) in (int, float, str) for v in s.values())
    assert samples == space.sample(np.random.default_rng(seed), 20)


@settings(max_examples=60, deadline=None)
@given(spaces())
def test_to_dict_round_trips(space: DesignSpace) -> None:
    assert DesignSpace.from_dict(space.to_dict()) == space
    assert DesignSpace.from_dict(space.to_dict()).fingerprint() == space.fingerprint()


def test_default_space() -> None:
    space = default_space()
    assert space.names == ["neurons", "weight_bits", "inhibition", "rule", "timesteps",
                           "inhibition_strength", "family", "hidden", "activity_reg",
                           "activity_reg_strength"]
    # stdp: its own parameters; surrogate/imsnn/converted: bits x steps x width x (no
    # regulariser, or 3 regularisers x 3 strengths); ann: the same without steps
    layered = 1009 * (1 + 3 * 3)
    assert space.size == 1585 * 6 * 2 * 2 * 6 * 3 + 3 * 6 * 6 * layered + 6 * layered
    assert space.bounds_for("neurons") == (16, 1600)
    assert space.bounds_for("weight_bits") == (4, 32)
    assert space.bounds_for("inhibition_strength") == (10.0, 150.0)
    with pytest.raises(TypeError):
        space.bounds_for("rule")
    first = next(space.enumerate())
    assert first == {"neurons": 16, "weight_bits": 4, "inhibition": "population", "rule": "baseline",
                     "timesteps": 25, "inhibition_strength": 17.5, "family": "stdp", "hidden": 16,
                     "activity_reg": "none", "activity_reg_strength": 0.1}


def test_log_int_samples_favour_small_values() -> None:
    values = IntParam("n", 16, 1600, log=True).sample(np.random.default_rng(0), 4000)
    assert min(values) >= 16 and max(values) <= 1600
    assert 0.4 < np.mean(np.array(values) < 160) < 0.6   # half the draws in the first decade


@pytest.mark.parametrize("candidate", [
    {"n": 3, "c": "x"},                      # missing r
    {"n": 3, "c": "x", "r": 0.5, "z": 1},    # extra key
    {"n": 0, "c": "x", "r": 0.5},            # below range
    {"n": 2.5, "c": "x", "r": 0.5},          # not integral
    {"n": True, "c": "x", "r": 0.5},         # bool is not an integer here
    {"n": 3, "c": "q", "r": 0.5},            # not a choice
    {"n": 3, "c": "x", "r": 1.5},            # above range
    {"n": 3, "c": "x", "r": float("nan")},
])
def test_contains_rejects(candidate: dict) -> None:
    space = DesignSpace([IntParam("n", 1, 5), ChoiceParam("c", ("x", "y")), RealParam("r", 0, 1)])
    assert not space.contains(candidate)
    with pytest.raises(ValueError):
        space.canonical(candidate)


def test_canonical_converts_numpy_scalars_and_rounds_reals() -> None:
    space = DesignSpace([IntParam("n", 1, 5), ChoiceParam("b", (4, 8)), RealParam("r", 0, 1)])
    out = space.canonical({"r": np.float64(0.123456), "b": np.int64(8), "n": np.int64(2)})
    assert out == {"n": 2, "b": 8, "r": 0.1235}
    assert list(out) == ["n", "b", "r"] and type(out["n"]) is int and type(out["b"]) is int


@pytest.mark.parametrize("make", [
    lambda: IntParam("n", 5, 4),
    lambda: IntParam("n", 0, 4, log=True),
    lambda: ChoiceParam("c", ()),
    lambda: ChoiceParam("c", (1, 1)),
    lambda: ChoiceParam("c", (1, "x")),
    lambda: RealParam("r", 0, 1, log=True),
    lambda: RealParam("r", 0, 1, grid=(2.0,)),
    lambda: DesignSpace([IntParam("n", 1, 2), ChoiceParam("n", (1,))]),
])
def test_invalid_params(make) -> None:
    with pytest.raises(ValueError):
        make()


# ----------------------------------------------------------------------------- space files


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "space.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_load_space_narrows_and_fixes(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        # narrow the default space
        neurons: {low: 32, high: 400}
        weight_bits: [4, 8]
        rule: baseline
        inhibition_strength: {low: 15, high: 130, grid: [17.5, 120]}
        timesteps: {low: 100, high: 200}
        """)
    space = load_space(path)
    assert space.names == default_space().names
    assert space["neurons"] == IntParam("neurons", 32, 400, log=True)
    assert space["weight_bits"] == ChoiceParam("weight_bits", (4, 8))
    assert space["rule"] == ChoiceParam("rule", ("baseline",))
    assert space["inhibition"] == default_space()["inhibition"]
    assert space["inhibition_strength"].grid == (17.5, 120.0)
    assert space["timesteps"] == IntParam("timesteps", 100, 200)
    layered = 1009 * (1 + 3 * 3)
    assert space.size == 369 * 2 * 2 * 1 * 101 * 2 + 3 * 2 * 101 * layered + 2 * layered


def test_load_space_empty_file_is_default(tmp_path: Path) -> None:
    assert load_space(write(tmp_path, "# nothing\n")) == default_space()


def test_load_space_keeps_default_grid_levels_in_range(tmp_path: Path) -> None:
    space = load_space(write(tmp_path, "inhibition_strength: {low: 50, high: 150}\n"))
    assert space["inhibition_strength"].grid == (60.0, 120.0)


@pytest.mark.parametrize("text, line, field, words", [
    ("neurons: {low: 32, high: 400}\nnuerons: 5\n", 2, "nuerons", "did you mean 'neurons'"),
    ("neurons: {low: 32, hgih: 400}\n", 1, "neurons.hgih", "did you mean 'high'"),
    ("rule: spikdyn\n", 1, "rule", "did you mean 'spikedyn'"),
    ("weight_bits: [4, 8,\n  64]\n", 2, "weight_bits[2]", "integer in 1..16 or 32"),
    ("weight_bits: [8, 20, 24]\n", 1, "weight_bits[1]", "20 is not an integer in 1..16 or 32"),
    ("weight_bits: {low: 8, high: 32}\n", 1, "weight_bits", "list the values instead"),
    ("neurons: {low: 400, high: 32}\n", 1, "neurons", "above high"),
    ("neurons: {low: 3.5, high: 32}\n", 1, "neurons.low", "integer"),
    ("neurons: {low: 32, high: 400, log: maybe}\n", 1, "neurons.log", "valid boolean"),
    ("inhibition_strength: {low: 10, high: 100, grid: [5]}\n", 1, "inhibition_strength", "outside"),
    ("weight_bits: []\n", 1, "weight_bits", "empty"),
    ("weight_bits: [4, 4]\n", 1, "weight_bits", "repeat"),
    ("inhibition: {low: 1, high: 2}\n", 1, "inhibition", "categorical"),
    ("weight_bits: {low: 4}\n", 1, "weight_bits.high", "missing"),
    ("rule: baseline\nrule: spikedyn\n", 2, "rule", "twice"),
    ("- neurons\n", 1, "", "mapping"),
    ("neurons: {low: 32\n", 2, "", "malformed YAML"),
])
def test_load_space_errors_name_file_line_field(tmp_path: Path, text: str, line: int, field: str,
                                                words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SpaceError) as info:
        load_space(path)
    error = info.value
    assert isinstance(error, InputError) and error.exit_code == 2
    assert (error.file, error.line, error.field) == (str(path), line, field)
    assert str(error).startswith(f"{path}:{line}: ")
    assert words in str(error)


def test_load_space_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpaceError, match="cannot read"):
        load_space(tmp_path / "nope.yaml")


def test_parameters_that_do_not_apply_are_canonicalised_away() -> None:
    """One design, one key: an ANN has no timesteps, an STDP network no hidden layer, an
    unregularised network no regulariser strength; enumeration and size agree."""
    space = DesignSpace([
        IntParam("neurons", 16, 18), ChoiceParam("timesteps", (25, 50)),
        ChoiceParam("family", ("stdp", "surrogate", "ann")), IntParam("hidden", 16, 17),
        ChoiceParam("activity_reg", ("none", "l1")),
        RealParam("activity_reg_strength", 1e-4, 1e-3),
    ])
    base = {"neurons": 17, "timesteps": 50, "hidden": 17, "activity_reg": "l1",
            "activity_reg_strength": 1e-3}
    ann = [space.key({**base, "family": "ann", "timesteps": t, "neurons": n})
           for t in (25, 50) for n in (16, 18)]
    assert len(set(ann)) == 1
    stdp = [space.key({**base, "family": "stdp", "hidden": h, "activity_reg": r})
            for h in (16, 17) for r in ("none", "l1")]
    assert len(set(stdp)) == 1
    plain = [space.key({**base, "family": "surrogate", "activity_reg": "none",
                        "activity_reg_strength": v}) for v in (1e-4, 5e-4)]
    assert len(set(plain)) == 1
    assert space.key({**base, "family": "surrogate"}) != space.key(
        {**base, "family": "surrogate", "activity_reg_strength": 1e-4})
    designs = list(space.enumerate())
    # stdp 3 x 2; surrogate 2 x 2 x (1 + 3); ann 2 x (1 + 3)
    assert len(designs) == space.size == 6 + 16 + 8
    assert len({space.key(d) for d in designs}) == space.size
    assert all(space.canonical(d) == d for d in designs)
