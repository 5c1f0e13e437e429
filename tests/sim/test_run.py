"""End-to-end runs: API shape, determinism, protocols, readout, configuration errors."""

import json

import numpy as np
import pytest

from sim import ConfigError, SimConfig, run
from sim._encoding import poisson_events
from sim._protocols import assign_labels, predict
from snn_dse.errors import InputError

ACTIVITY_FIELDS = {
    "input_spikes", "exc_spikes", "inh_spikes", "synaptic_events", "inhibitory_events",
    "neuron_updates", "timesteps", "depression_updates", "potentiation_updates",
    "decay_updates", "normalisation_updates",
}
TINY = dict(neurons=12, train_samples=60, assign_samples=60, test_samples=40, timesteps=100)


def test_result_dict_contract() -> None:
    result = run(SimConfig(**TINY))
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"accuracy", "tasks", "activity", "train_ms_per_sample",
                         "infer_ms_per_sample", "seed"}
    assert data["tasks"] == [] and data["seed"] == 0
    assert set(data["activity"]) == {"train", "infer"}
    for phase in ("train", "infer"):
        assert set(data["activity"][phase]) == ACTIVITY_FIELDS
    train, infer = data["activity"]["train"], data["activity"]["infer"]
    assert infer["depression_updates"] == infer["potentiation_updates"] == 0
    assert infer["normalisation_updates"] == 0
    assert train["normalisation_updates"] > 0 and train["potentiation_updates"] > 0
    assert train["synaptic_events"] == pytest.approx(train["input_spikes"] * 12)
    assert train["neuron_updates"] == pytest.approx(train["timesteps"] * 12)
    assert train["timesteps"] >= 100 and train["inh_spikes"] == 0
    assert 0.0 <= data["accuracy"] <= 1.0


def test_population_inhibition_counts_inhibitory_neurons() -> None:
    data = run(SimConfig(**TINY, inhibition="population", inhibition_strength=17.5)).to_dict()
    infer = data["activity"]["infer"]
    assert infer["inh_spikes"] > 0
    assert infer["neuron_updates"] == pytest.approx(infer["timesteps"] * 24)


def test_same_seed_identical_weights() -> None:
    config = SimConfig(**TINY, weight_bits=6, rounding="stochastic", rule="spikedyn",
                       adaptive_lr=True, adaptive_threshold=True)
    a, b = run(config), run(config)
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.theta, b.theta)
    assert a.to_dict()["activity"] == b.to_dict()["activity"]
    assert a.accuracy == b.accuracy
    c = run(SimConfig(**{**config.to_dict(), "seed": 1}))
    assert not np.array_equal(a.weights, c.weights)


def test_in_training_quantization_keeps_weights_on_grid() -> None:
    result = run(SimConfig(**TINY, weight_bits=4, rounding="stochastic"))
    assert np.array_equal(result.weights * 16, np.round(result.weights * 16))
    assert result.weights.max() <= 15 / 16


def test_post_training_quantization_trains_in_float() -> None:
    result = run(SimConfig(**TINY, weight_bits=4, quantization="post-training"))
    assert not np.array_equal(result.weights * 16, np.round(result.weights * 16))


def test_continual_metrics_tiny_run() -> None:
    config = SimConfig(**{**TINY, "train_samples": None}, protocol="continual",
                       samples_per_task=15, classes_per_task=2)
    data = run(config).to_dict()
    tasks = data["tasks"]
    assert [t["task"] for t in tasks] == list(range(5))
    assert [t["classes"] for t in tasks] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert tasks[0]["previous"] is None and tasks[0]["recent"] == tasks[0]["all_seen"]
    for t in tasks:
        for key in ("recent", "all_seen") + (("previous",) if t["task"] else ()):
            assert 0.0 <= t[key] <= 1.0
    assert data["accuracy"] == tasks[-1]["all_seen"]
    assert data["activity"]["train"]["exc_spikes"] > 0


def test_digits_end_to_end_well_above_chance() -> None:
    # 0.74-0.75 for seeds 0-2; chance is 0.1
    result = run(SimConfig(neurons=60, train_samples=800, test_samples=200, timesteps=250))
    assert result.accuracy > 0.6


def test_progress_callback_reaches_total() -> None:
    calls: list[tuple[int, int]] = []
    run(SimConfig(**TINY), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (60, 60)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))


@pytest.mark.parametrize("bad", [
    dict(rule="hebb"), dict(neurons=0), dict(inhibition="global"), dict(protocol="x"),
    dict(weight_bits=20), dict(weight_bits=0), dict(rounding="up"), dict(timesteps=0),
    dict(max_rate_hz=0.0), dict(dataset="cifar"), dict(epochs=0), dict(neurons=2.5),
])
def test_bad_config_is_input_error(bad: dict) -> None:
    with pytest.raises(ConfigError) as info:
        SimConfig(**bad)
    assert isinstance(info.value, InputError)


def test_too_many_samples_is_input_error() -> None:
    with pytest.raises(InputError):
        run(SimConfig(train_samples=10**6))


def test_config_to_dict_roundtrip() -> None:
    config = SimConfig(neurons=7, rule="spikedyn", weight_decay=False, adaptive_lr=True)
    assert SimConfig(**config.to_dict()) == config
    assert config.mechanisms == {
        "adaptive_lr": True, "adaptive_threshold": True, "weight_decay": False,
        "spurious_reduction": True, "adaptive_potentiation": True, "soft_readout": True,
    }
    assert not any(SimConfig().mechanisms.values())


def test_readout_silent_neurons_do_not_vote() -> None:
    responses = np.array([[3, 0, 0], [0, 2, 0], [0, 0, 0]])
    labels = np.array([0, 1, 1])
    classes = np.array([0, 1])
    assignment = assign_labels(responses, labels, classes)
    assert assignment.tolist() == [0, 1, -1]
    assert predict(np.array([[0, 0, 5], [1, 4, 0]]), assignment, classes).tolist() == [-1, 1]


def test_poisson_events_rate_and_order() -> None:
    rng = np.random.default_rng(3)
    x = np.array([0.0, 0.5, 1.0], np.float32)
    counts = np.zeros(3)
    for _ in range(200):
        inputs, ptr = poisson_events(x, 350, 100.0, rng)
        assert ptr[0] == 0 and ptr[-1] == inputs.size and np.all(np.diff(ptr) >= 0)
        counts += np.bincount(inputs, minlength=3)
    rate = counts / 200 / 0.35
    assert rate[0] == 0 and abs(rate[1] - 50) < 3 and abs(rate[2] - 100) < 4


def test_soft_readout_changes_inference_only() -> None:
    """``soft_readout`` trains exactly as the hard winner-take-all and lets more neurons
    respond at inference (17.5 mV instead of 120 mV); the baseline rule ignores it."""
    hard = run(SimConfig(**TINY, rule="spikedyn", soft_readout=False))
    soft = run(SimConfig(**TINY, rule="spikedyn", soft_readout=True))
    assert np.array_equal(hard.weights, soft.weights) and np.array_equal(hard.theta, soft.theta)
    assert hard.activity["train"] == soft.activity["train"]
    assert soft.activity["infer"]["exc_spikes"] > hard.activity["infer"]["exc_spikes"]
    base = [run(SimConfig(**TINY, soft_readout=flag)).to_dict() for flag in (False, True)]
    assert base[0]["activity"] == base[1]["activity"] and base[0]["accuracy"] == base[1]["accuracy"]
