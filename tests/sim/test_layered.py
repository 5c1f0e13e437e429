"""Layered families end to end on the bundled digits: determinism, exact counts, conversion."""

from __future__ import annotations

import numpy as np
import pytest

from sim import LayeredConfig, run_layered
from sim._ann import ReLUMLP
from sim._coding import encode
from sim._config import ConfigError
from sim._conversion import ConvertedSNN
from sim._datasets import load_dataset
from sim._layered import quantize_signed

TINY = {"dataset": "digits", "hidden": (12,), "timesteps": 6, "epochs": 1,
        "train_samples": 150, "test_samples": 50}


def _stable(result) -> dict:
    data = result.to_dict()
    data.pop("train_ms_per_sample")
    data.pop("infer_ms_per_sample")
    assert data["details"].pop("train_cpu_ms_per_sample") > 0
    assert data["details"].pop("infer_cpu_ms_per_sample") >= 0
    return data


@pytest.mark.parametrize("family", ["surrogate", "imsnn", "ann", "converted"])
def test_deterministic_given_seed(family: str) -> None:
    a = run_layered(LayeredConfig(family=family, seed=4, **TINY))
    b = run_layered(LayeredConfig(family=family, seed=4, **TINY))
    assert _stable(a) == _stable(b)
    c = run_layered(LayeredConfig(family=family, seed=5, **TINY))
    assert _stable(c) != _stable(a)


@pytest.mark.parametrize("coding", ["rate", "direct"])
def test_counts_add_up(coding: str) -> None:
    r = run_layered(LayeredConfig(family="surrogate", coding=coding, hidden=(12, 7),
                                  **{k: v for k, v in TINY.items() if k != "hidden"}))
    infer = r.activity["infer"]
    h1, h2, out = infer["spikes_per_layer"]
    assert infer["spikes"] == pytest.approx(h1 + h2 + out)
    first = infer["input_spikes"] * 12 if coding == "rate" else 0.0
    assert infer["synaptic_events_per_projection"] == pytest.approx([first, h1 * 7, h2 * 10])
    assert infer["synaptic_events"] == pytest.approx(first + h1 * 7 + h2 * 10)
    assert infer["macs"] == (0.0 if coding == "rate" else 64 * 12)
    assert infer["neuron_updates"] == (12 + 7 + 10) * 6


def test_l1_default_cuts_hidden_spikes_at_another_width_and_t() -> None:
    """The default strength (chosen on Fashion-MNIST 784-256-10, T = 25) still works on other
    data, width and T: the penalty is per neuron and per step."""
    hidden = (32,)
    base = dict(TINY, hidden=hidden, epochs=3, train_samples=None, timesteps=10)
    plain = run_layered(LayeredConfig(family="surrogate", **base))
    sparse = run_layered(LayeredConfig(family="surrogate", activity_reg="l1", **base))
    for layer in range(len(hidden)):
        assert 0 < sparse.activity["infer"]["spikes_per_layer"][layer] < \
            0.6 * plain.activity["infer"]["spikes_per_layer"][layer]
    assert sparse.accuracy > plain.accuracy - 0.1


def test_membrane_readout_has_no_output_spikes() -> None:
    r = run_layered(LayeredConfig(family="surrogate", **TINY))
    assert r.activity["infer"]["spikes_per_layer"][-1] == 0.0
    counted = run_layered(LayeredConfig(family="surrogate", readout="count", **TINY))
    assert counted.activity["infer"]["spikes_per_layer"][-1] > 0.0


def test_conversion_tracks_the_ann() -> None:
    """With direct input and many steps the converted network predicts what its ANN does."""
    ds = load_dataset("digits")
    rng = np.random.default_rng(0)
    ann = ReLUMLP.create([64, 32, 10], rng)
    x = ds.train_x[:400]
    snn = ConvertedSNN.convert(ann, x, timesteps=200)
    _, integral = snn.forward(encode(ds.test_x[:200], "direct", 200, rng))
    agree = np.mean(integral.argmax(1) == ann.forward(ds.test_x[:200])[-1].argmax(1))
    assert agree > 0.9


def test_signed_quantization_grid() -> None:
    w = np.array([-1.0, -0.3, 0.0, 0.26, 0.5], np.float32)
    q = quantize_signed(w, 3)  # levels: k/3, k = -3..3
    np.testing.assert_allclose(q, [-1.0, -1 / 3, 0.0, 1 / 3, 2 / 3], atol=1e-6)
    assert quantize_signed(w, 32) is w
    np.testing.assert_allclose(quantize_signed(w, 1), np.sign(w) * np.abs(w).mean(), atol=1e-6)


def test_bad_config_names_the_field() -> None:
    with pytest.raises(ConfigError, match="unknown family 'mlp'"):
        LayeredConfig(family="mlp")
    with pytest.raises(ConfigError, match="hidden"):
        LayeredConfig(hidden=(0,))
    with pytest.raises(ConfigError, match="weight_bits"):
        LayeredConfig(weight_bits=20)
    with pytest.raises(ConfigError, match="readout"):
        LayeredConfig(readout="rate")


def test_long_wide_layers_stay_within_memory_bounds() -> None:
    """Wide layers at long presentations: smaller batches and per-event Gaussians."""
    from sim._imsnn import ISISynapse
    from sim._layered import MAX_BATCH_ELEMENTS, auto_batch

    assert auto_batch(10_000) == 128
    assert auto_batch(10_000, steps=25, width=784) == 128
    small = auto_batch(10_000, steps=350, width=1024)
    assert 350 * small * 1024 <= MAX_BATCH_ELEMENTS and small >= 8
    rng = np.random.default_rng(0)
    assert not ISISynapse.create(784, 256, 25, rng).exact
    assert ISISynapse.create(784, 1024, 350, rng).exact
