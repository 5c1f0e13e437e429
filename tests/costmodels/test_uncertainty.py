"""Corner propagation and sensitivity: directions verified on every shipped profile, the
corners bound every point of the uncertainty box, low <= nominal <= high, shares."""

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import (
    Activity,
    CostReport,
    LayeredDesign,
    SNNDesign,
    corners,
    cost_direction,
    cost_ranges,
    estimate,
    estimated_activity,
    price_layered,
    ranges_many,
    sensitivity,
    uncertain_figures,
)
from hwprofiles import DeviceProfile, load_profile, profile_from_dict
from snn_dse.domains import FLOAT_BITS, MAX_FIXED_BITS, MNIST_MEAN_INTENSITY
from tests._shared import PROFILES, RATES
from tests.hwprofiles.conftest import minimal

TOL = 1e-9


@cache
def profile(profile_id: str) -> DeviceProfile:
    return load_profile(profile_id)


def activities(design: SNNDesign) -> tuple[Activity, Activity]:
    return (Activity.estimated(design, training=True, **RATES),
            Activity.estimated(design, training=False, **RATES))


def costs(design: SNNDesign, device: DeviceProfile, train: Activity, infer: Activity) -> np.ndarray:
    report = estimate(design, device, train, infer)
    return np.array([report.energy_train_j["total"], report.energy_infer_j["total"],
                     report.latency_s, report.latency_train_s])


@pytest.mark.parametrize("profile_id", PROFILES)
def test_every_priced_figure_moves_costs_in_its_direction(profile_id: str) -> None:
    """The documented direction table holds figure by figure (a figure a future equation uses
    the other way round fails here, and the corners would no longer bound the costs)."""
    device = profile(profile_id)
    for design in (SNNDesign(784, 100, "population", 8), SNNDesign(64, 900, "direct", 32,
                                                                   rule="spikedyn")):
        train, infer = activities(design)
        for path, figure in uncertain_figures(device).items():
            low, high = (costs(design, device.with_figures(
                {path: figure.model_copy(update={"value": end})}), train, infer)
                for end in figure.bounds())
            change = cost_direction(path, figure) * (high - low)
            assert np.all(change >= -TOL * np.abs(low)), (profile_id, path, change)


LAYERED = (LayeredDesign("surrogate", (784, 128, 10), 8, 16, 25, "rate"),
           LayeredDesign("ann", (784, 256, 10), 8, 16, 1, "direct"))


@pytest.mark.parametrize("profile_id", PROFILES)
def test_layered_families_move_in_the_same_directions(profile_id: str) -> None:
    device = profile(profile_id)
    for design in LAYERED:
        infer = estimated_activity(design, mean_intensity=MNIST_MEAN_INTENSITY)
        train = estimated_activity(design, mean_intensity=MNIST_MEAN_INTENSITY, training=True)

        def costs_of(p: DeviceProfile, d: LayeredDesign = design, i=infer, t=train) -> np.ndarray:
            report = price_layered(p, d, infer=i, train=t)
            return np.array([report.energy_train_j["total"], report.energy_infer_j["total"],
                             report.latency_s, report.latency_train_s])

        for path, figure in uncertain_figures(device).items():
            low, high = (costs_of(device.with_figures({path: figure.model_copy(
                update={"value": end})})) for end in figure.bounds())
            change = cost_direction(path, figure) * (high - low)
            assert np.all(change >= -TOL * np.abs(low)), (profile_id, design.family, path)


def test_structural_figures_are_held() -> None:
    device = profile("generic_asic_45nm")
    held = {path for path, fig in device.iter_figures() if cost_direction(path, fig) == 0}
    assert "memory.sram_1m.capacity" in held and "technology.node" in held
    assert corners(device).high.level("sram_1m").capacity == device.level("sram_1m").capacity


@settings(max_examples=25, deadline=None)
@given(profile_id=st.sampled_from(PROFILES), neurons=st.integers(1, 1500),
       inputs=st.integers(1, 900),
       bits=st.sampled_from([*range(1, MAX_FIXED_BITS + 1), FLOAT_BITS]),
       inhibition=st.sampled_from(["population", "direct"]), seed=st.integers(0, 2**31))
def test_corners_bound_every_point_of_the_box(profile_id: str, neurons: int, inputs: int,
                                              bits: int, inhibition: str, seed: int) -> None:
    device = profile(profile_id)
    design = SNNDesign(inputs, neurons, inhibition, bits)
    train, infer = activities(design)
    rng = np.random.default_rng(seed)
    inside = device.map_figures(lambda path, fig: fig.model_copy(
        update={"value": float(rng.uniform(*fig.bounds()))}) if cost_direction(path, fig) else fig)
    low, high = (costs(design, corner, train, infer)
                 for corner in (corners(device).low, corners(device).high))
    point = costs(design, inside, train, infer)
    nominal = costs(design, device, train, infer)
    assert np.all(low <= point * (1 + TOL)) and np.all(point <= high * (1 + TOL))
    assert np.all(low <= nominal * (1 + TOL)) and np.all(nominal <= high * (1 + TOL))


def test_cost_ranges_keys_and_order() -> None:
    design = SNNDesign(784, 400, "direct", 8)
    device = profile("loihi1_like")
    train, infer = activities(design)
    ranges = cost_ranges(lambda p: estimate(design, p, train, infer), device)
    nominal = estimate(design, device, train, infer)
    energy = ranges["energy_per_sample_j_range"]
    assert energy["infer"]["low"] < nominal.energy_infer_j["total"] < energy["infer"]["high"]
    assert energy["train"]["low"] < nominal.energy_train_j["total"] < energy["train"]["high"]
    latency = ranges["latency_per_sample_s_range"]
    assert latency["low"] < nominal.latency_s < latency["high"]


def test_ranges_many_matches_single_designs() -> None:
    designs = {"inputs": [784, 64], "neurons": [100, 900], "inhibition": ["population", "direct"],
               "weight_bits": [8, 4]}
    device = profile("generic_asic_45nm")
    frame = ranges_many(designs, device, **RATES)
    for row, design in enumerate([SNNDesign(784, 100, "population", 8),
                                  SNNDesign(64, 900, "direct", 4)]):
        train, infer = activities(design)
        ranges = cost_ranges(lambda p, d=design, t=train, i=infer: estimate(d, p, t, i), device)
        infer = ranges["energy_per_sample_j_range"]["infer"]
        assert frame["energy_infer_low"].iloc[row] == pytest.approx(infer["low"])
        assert frame["energy_infer_high"].iloc[row] == pytest.approx(infer["high"])
        assert frame["latency_high"].iloc[row] == pytest.approx(
            ranges["latency_per_sample_s_range"]["high"])


def _additive_profile(**events: object) -> DeviceProfile:
    """No static power, no bandwidth limits: energy is a sum of count x figure terms."""
    data = minimal(events=events, static={"power": {"value": "0 W", "basis": "measured",
                                                    "reference": "t"}})
    data["memory"][0]["read"] = data["memory"][0]["write"] = {
        "value": "4 pJ", "tolerance": "0%", "basis": "assumed", "reference": "t"}
    return profile_from_dict(data)


def test_sensitivity_is_exact_for_an_additive_model() -> None:
    design = SNNDesign(784, 100, "population", 8)
    train, infer = activities(design)
    device = _additive_profile(
        synaptic_op={"value": "1 pJ", "range": ["0.5 pJ", "2 pJ"], "basis": "assumed",
                     "reference": "t"},
        neuron_update={"value": "2 pJ", "tolerance": "10%", "basis": "assumed", "reference": "t"},
        learning_update="3 pJ")
    ranked = sensitivity(lambda p: estimate(design, p, train, infer), device)
    assert [row["field"] for row in ranked] == ["events.synaptic_op", "events.neuron_update"]
    assert sum(row["share"] for row in ranked) == pytest.approx(1.0)
    report = estimate(design, device, train, infer)
    synaptic = (report.energy_infer_j["synaptic_ops"] + report.energy_infer_j["inhibition"]) / 1e-12
    neuron = report.energy_infer_j["neuron_updates"] / 2e-12
    variances = np.array([(synaptic * 1.5e-12) ** 2, (neuron * 0.4e-12) ** 2])
    assert ranked[0]["share"] == pytest.approx(variances[0] / variances.sum())


def test_sensitivity_names_the_only_uncertain_figure() -> None:
    design = SNNDesign(100, 50, "direct", 4)
    device = _additive_profile(
        synaptic_op={"value": "1 pJ", "tolerance": "0%", "basis": "assumed", "reference": "t"},
        neuron_update={"value": "2 pJ", "tolerance": "0%", "basis": "assumed", "reference": "t"},
        learning_update={"value": "3 pJ", "basis": "assumed", "reference": "t"})
    device = device.with_figures({f"timing.{name}": device.timing.synaptic_op.model_copy(
        update={"tolerance": 0.0}) for name in ("synaptic_op", "neuron_update", "learning_update")})
    train, infer = activities(design)

    def price(p: DeviceProfile) -> CostReport:
        return estimate(design, p, train, infer)

    assert sensitivity(price, device) == []
    ranked = sensitivity(price, device, target="train")
    assert [row["field"] for row in ranked] == ["events.learning_update"]
    assert ranked[0]["share"] == pytest.approx(1.0)
