"""Estimated activity, memory components, to_dict shapes, estimate_many consistency."""

import numpy as np
import pandas as pd
import pytest

from costmodels import (
    COMPONENTS,
    COUNT_FIELDS,
    Activity,
    SNNDesign,
    check_limits,
    estimate,
    estimate_many,
)
from hwprofiles import load_profile
from snn_dse.errors import InputError

RATES = {"mean_intensity": 0.131, "max_rate_hz": 63.75}


def test_estimated_activity_reference_network() -> None:
    design = SNNDesign(784, 400, "population", 8)
    infer = Activity.estimated(design, training=False, **RATES)
    # 784 * 0.131 * 63.75 Hz * 0.35 s = 2291.6 input spikes per presentation (the anchors'
    # ~2290); the fitted re-presentation term adds a little (<= 10 % at 350 steps)
    lam = 784 * 0.131 * 63.75 * 0.35
    assert lam <= infer.input_spikes <= 1.1 * lam
    assert infer.timesteps >= 350
    # the exact relations between the fitted counts
    assert infer.synaptic_events == pytest.approx(infer.input_spikes * 400)
    assert infer.inhibitory_events == pytest.approx(infer.exc_spikes + infer.inh_spikes * 399)
    assert infer.neuron_updates == pytest.approx(800 * infer.timesteps)
    assert 5 <= infer.exc_spikes <= 400 and infer.inh_spikes > 0
    assert infer.depression_updates == 0 and infer.source == "estimated"
    train = Activity.estimated(design, training=True, **RATES)
    # learning touches the neurons that spiked, not every weight
    assert 0 < train.depression_updates < train.input_spikes * 400
    assert 0 < train.potentiation_updates <= train.exc_spikes * 784
    assert 784 <= train.normalisation_updates < 784 * 400 and train.decay_updates == 0
    direct = Activity.estimated(SNNDesign(784, 400, "direct", 8, rule="spikedyn"), training=True,
                                **RATES)
    assert direct.inh_spikes == 0
    assert direct.inhibitory_events == pytest.approx(direct.exc_spikes * 399)
    assert direct.decay_updates == direct.normalisation_updates
    # winner-only learning (spikedyn): about one column and far fewer depressions
    baseline = Activity.estimated(SNNDesign(784, 400, "direct", 8), training=True, **RATES)
    assert direct.normalisation_updates < baseline.normalisation_updates
    assert direct.depression_updates < baseline.depression_updates


def test_activity_dict_round_trip_and_checks() -> None:
    activity = Activity(input_spikes=3, timesteps=10)
    assert Activity.from_dict(activity.to_dict(), "measured") == activity
    assert tuple(activity.to_dict()) == COUNT_FIELDS
    with pytest.raises(InputError, match="unknown field"):
        Activity.from_dict({"spikes": 1})
    with pytest.raises(InputError, match="exc_spikes"):
        Activity(exc_spikes=-1)


def test_design_validation() -> None:
    with pytest.raises(InputError, match="weight_bits"):
        SNNDesign(784, 100, "direct", 33)
    with pytest.raises(InputError, match="inhibition"):
        SNNDesign(784, 100, "lateral", 8)


def test_direct_inhibition_stores_one_scalar() -> None:
    profile = load_profile("generic_asic_45nm")
    pop, direct = (SNNDesign(784, 400, inh, 8) for inh in ("population", "direct"))
    a = Activity.estimated(pop, training=False, **RATES)
    assert estimate(pop, profile, a, a).memory_bytes["inhibitory_weights"] == 400 * 400
    b = Activity.estimated(direct, training=False, **RATES)
    report = estimate(direct, profile, b, b)
    assert report.memory_bytes["inhibitory_weights"] == 1
    assert report.placement["inhibitory_weights"] == "rf"
    assert report.placement["input_weights"] == "sram_1m"  # 313,600 B: smallest level holding it


def test_to_dict_shape() -> None:
    design = SNNDesign(784, 100, "direct", 4)
    a = Activity.estimated(design, training=False, **RATES)
    out = estimate(design, load_profile("generic_asic_45nm"), a, a).to_dict()
    assert list(out) == ["memory_bytes", "placement", "energy_per_sample_j",
                         "latency_per_sample_s", "profile", "activity_source", "fits", "fit_reason",
                         "memory_levels", "mapping", "timing", "figures"]
    assert list(out["memory_bytes"]) == ["total", *COMPONENTS]
    assert set(out["energy_per_sample_j"]) == {"train", "infer"}
    assert list(out["energy_per_sample_j"]["infer"])[0] == "total"
    assert out["profile"] == "generic_asic_45nm" and out["activity_source"] == "estimated"


@pytest.mark.parametrize("profile_id", ["generic_asic_45nm", "jetson_nano", "loihi1_like"])
def test_estimate_many_matches_estimate(profile_id: str) -> None:
    profile = load_profile(profile_id)
    frame = pd.DataFrame({"inputs": [784, 64, 784], "neurons": [400, 10, 1600],
                          "inhibition": ["population", "direct", "direct"],
                          "weight_bits": [8, 32, 2], "timesteps": [350, 100, 250],
                          "rule": ["baseline", "spikedyn", "spikedyn"]})
    many = estimate_many(frame, profile, **RATES)
    assert len(many) == 3
    for i, row in frame.iterrows():
        design = SNNDesign(row.inputs, row.neurons, row.inhibition, row.weight_bits,
                           timesteps=row.timesteps, rule=row.rule)
        report = estimate(design, profile, Activity.estimated(design, training=True, **RATES),
                          Activity.estimated(design, training=False, **RATES))
        assert many.loc[i, "memory_total"] == report.memory_bytes["total"]
        assert many.loc[i, "energy_train_total"] == pytest.approx(report.energy_train_j["total"])
        assert many.loc[i, "energy_infer_total"] == pytest.approx(report.energy_infer_j["total"])
        assert many.loc[i, "latency_s"] == pytest.approx(report.latency_s)
        assert many.loc[i, "placement_input_weights"] == report.placement["input_weights"]


def test_estimate_many_rejects_bad_columns() -> None:
    profile = load_profile("generic_asic_45nm")
    with pytest.raises(InputError, match="missing column"):
        estimate_many({"inputs": [1]}, profile, **RATES)
    with pytest.raises(InputError, match="unknown"):
        estimate_many({"inputs": [1], "neurons": [1], "inhibition": ["x"], "weight_bits": [8]},
                      profile, **RATES)
    one = estimate_many({"inputs": [784], "neurons": [1], "inhibition": ["direct"],
                         "weight_bits": [1]}, profile, **RATES)
    assert np.isfinite(one.select_dtypes("number").to_numpy()).all()


def test_check_limits() -> None:
    loihi = load_profile("loihi1_like")
    assert check_limits(SNNDesign(784, 400, "direct", 8), loihi) == []
    problems = check_limits(SNNDesign(784, 70000, "population", 32), loihi)
    assert any("weight_bits 32" in p for p in problems)
    assert any("does not fit" in p and "cores" in p for p in problems)
