"""Every value a space file accepts is accepted by the simulator and by the cost model, for
every engine: the space, ``sim.SimConfig`` and ``costmodels.SNNDesign`` share one domain each."""

from pathlib import Path

import pandas as pd
import pytest

from costmodels import Activity, estimate, estimate_many
from dse._pipeline import DatasetInfo, RealModels, SimSettings
from dse._space import load_space
from dse.engines import make_engine
from hwprofiles import load_profile
from snn_dse import (
    ENGINES,
    FAMILIES,
    INHIBITIONS,
    NEURONS,
    PROTOCOLS,
    ROUNDING_MODES,
    RULES,
    TIMESTEPS,
    WEIGHT_BITS,
)

DIGITS = DatasetInfo("digits", "fingerprint", mean_intensity=0.3, n_inputs=64)
#: A space at the edges of every domain: all weight widths, the extreme neuron counts and
#: presentation lengths, every inhibition and rule, inhibition strength from 0.
EDGES = f"""\
neurons: {{low: {NEURONS.low}, high: {NEURONS.high}, log: true}}
weight_bits: {list(WEIGHT_BITS.values)}
inhibition: {list(INHIBITIONS)}
rule: {list(RULES)}
timesteps: [{TIMESTEPS.low}, {TIMESTEPS.high}]
inhibition_strength: {{low: 0, high: 1000, grid: [0, 1000]}}
family: stdp
"""


@pytest.fixture(scope="module")
def edge_space(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("space")) / "edges.yaml"
    path.write_text(EDGES, encoding="utf-8")
    return load_space(path)


def test_every_weight_width_and_choice_is_in_the_edge_space(edge_space) -> None:
    assert edge_space["weight_bits"].choices == WEIGHT_BITS.values
    assert edge_space["inhibition"].choices == INHIBITIONS.values


@pytest.mark.parametrize("engine", ENGINES.values)
def test_engine_proposals_are_accepted_by_simulator_and_cost_model(engine: str, edge_space) -> None:
    models = RealModels()
    models.check_parameters(edge_space.names)
    profile = load_profile("generic_asic_45nm")
    proposals = make_engine(engine, edge_space, n_objectives=3, n_constraints=1, seed=0,
                            batch_size=24).ask()
    assert proposals
    designs = []
    for i, candidate in enumerate(proposals):
        assert edge_space.contains(candidate)
        for protocol in PROTOCOLS:
            for rounding in ROUNDING_MODES:
                settings = SimSettings("digits", protocol, 10, 10, rounding=rounding)
                models.sim_config(candidate, settings, seed=i)  # raises ConfigError if refused
        design = models._design(candidate, DIGITS)
        activity = {"mean_intensity": DIGITS.mean_intensity, "max_rate_hz": 127.5}
        estimate(design, profile, Activity.estimated(design, training=True, **activity),
                 Activity.estimated(design, training=False, **activity))
        designs.append(design)
    frame = estimate_many(pd.DataFrame([d.to_dict() for d in designs]), profile, **activity)
    assert len(frame) == len(designs)


def test_every_weight_width_is_simulated_and_priced() -> None:
    models = RealModels()
    settings = SimSettings("digits", "static", 10, 10)
    for bits in WEIGHT_BITS.values:
        candidate = {"neurons": 4, "weight_bits": bits, "inhibition": "direct",
                     "rule": "baseline", "timesteps": 5, "inhibition_strength": 120.0}
        assert models.sim_config(candidate, settings, seed=0).weight_bits == bits
        assert models._design(candidate, DIGITS).weight_bits == bits


@pytest.mark.parametrize("engine", ENGINES.values)
@pytest.mark.parametrize("family", FAMILIES.values)
def test_every_family_and_engine_proposes_what_the_models_accept(
        family: str, engine: str, tmp_path: Path) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(f"family: {family}\nweight_bits: {list(WEIGHT_BITS.values)}\n",
                    encoding="utf-8")
    space = load_space(path)
    models = RealModels()
    models.check_parameters(space.names)
    profile = load_profile("generic_asic_45nm")
    proposals = make_engine(engine, space, n_objectives=3, n_constraints=1, seed=1,
                            batch_size=8).ask()
    assert proposals and all(space.contains(c) for c in proposals)
    for i, candidate in enumerate(proposals):
        canonical = space.canonical(candidate)
        models.sim_config(canonical, SimSettings("digits", "static", 10, 10), seed=i)
        cost = models.estimate(canonical, profile, DIGITS)
        assert cost["memory_bytes"]["total"] > 0
