"""STDP signs and magnitudes, normalisation, fixed-point weight storage, mechanisms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim._learning import (
    Mechanisms,
    StdpParams,
    normalise_columns,
    seed_kernels,
    store_weight,
)
from sim._network import COUNTER_NAMES, Network
from sim.quantization import quantize
from tests.sim._kernel import run_kernel

ETA_PRE, ETA_POST, TAU = 1e-4, 1e-2, 20.0


def stdp_setup() -> tuple[np.ndarray, dict[int, list[int]]]:
    """Input 0 (w 0.5) fires at step 1; 20 drivers (w 0.9) at step 5 make the neuron spike at
    step 5 (u = 18 mV >= 13); input 21 (w 0.5) fires at step 8, after the post spike."""
    w = np.full((22, 1), 0.5, np.float32)
    w[1:21] = 0.9
    return w, {1: [0], 5: list(range(1, 21)), 8: [21]}


def test_stdp_signs_and_magnitudes() -> None:
    w, spikes = stdp_setup()
    out = run_kernel(w, spikes, 12, learn=True)
    assert out["counts"][0] == 1
    # pre (step 1) before post (step 5): potentiation eta_post * exp(-4 / 20)
    assert out["w"][0, 0] == pytest.approx(0.5 + ETA_POST * math.exp(-4 / TAU), abs=1e-7)
    # pre in the same step as post: trace 1; no depression (no earlier post spike)
    assert out["w"][1, 0] == pytest.approx(0.9 + ETA_POST, abs=1e-7)
    # post (step 5) before pre (step 8): depression eta_pre * exp(-3 / 20)
    assert out["w"][21, 0] == pytest.approx(0.5 - ETA_PRE * math.exp(-3 / TAU), abs=1e-7)
    c = out["counters"]
    assert c["potentiation_updates"] == 21  # inputs 0..20 had spiked before the post spike
    assert c["depression_updates"] == 1
    assert c["exc_spikes"] == 1 and c["input_spikes"] == 22


def test_no_plasticity_at_inference() -> None:
    w, spikes = stdp_setup()
    out = run_kernel(w.copy(), spikes, 12, learn=False)
    assert np.array_equal(out["w"], w)
    assert out["counters"]["potentiation_updates"] == out["counters"]["depression_updates"] == 0


def test_weights_clipped_to_unit_interval() -> None:
    w, spikes = stdp_setup()
    w[1:21] = 1.0
    out = run_kernel(w, spikes, 12, learn=True)
    assert out["w"].max() == 1.0


def test_adaptive_potentiation_scales_first_spike() -> None:
    w, spikes = stdp_setup()
    out = run_kernel(w, spikes, 12, learn=True, pot=(3.0, 3.0))
    assert out["w"][0, 0] == pytest.approx(0.5 + 3 * ETA_POST * math.exp(-4 / TAU), abs=1e-7)


def test_normalisation_sums_and_decay() -> None:
    rng = np.random.default_rng(1)
    w = rng.random((50, 4)).astype(np.float32) * 0.3
    before = w.copy()
    touched = normalise_columns(w, np.array([0, 2], np.int32), 2, 7.5, 0.0, 0.0, 1.0, 0)
    assert touched == 100
    assert w[:, [0, 2]].sum(axis=0) == pytest.approx([7.5, 7.5], rel=1e-5)
    assert np.array_equal(w[:, [1, 3]], before[:, [1, 3]])
    np.testing.assert_allclose(w[:, 0] / before[:, 0], 7.5 / before[:, 0].sum(), rtol=1e-5)
    # additive decay first: weights below the decay become 0, then the column is rescaled
    w2 = before.copy()
    normalise_columns(w2, np.array([1], np.int32), 1, 7.5, 0.1, 0.0, 1.0, 0)
    decayed = np.maximum(before[:, 1] - 0.1, 0)
    np.testing.assert_allclose(w2[:, 1], decayed * 7.5 / decayed.sum(), rtol=1e-5)


def test_normalisation_fixed_point_grid() -> None:
    rng = np.random.default_rng(2)
    w = quantize(rng.random((64, 3)) * 0.4, 6)
    normalise_columns(w, np.arange(3, dtype=np.int32), 3, 10.0, 0.0, 64.0, 63 / 64, 0)
    assert np.array_equal(w * 64, np.round(w * 64))
    assert np.all(np.abs(w.sum(axis=0) - 10.0) <= 64 * 0.5 / 64)


@pytest.mark.parametrize("mode,code", [("nearest", 0), ("truncate", 1)])
@pytest.mark.parametrize("bits", [1, 4, 8, 16])
def test_store_weight_matches_quantize(mode: str, code: int, bits: int) -> None:
    values = np.random.default_rng(bits).random(500).astype(np.float32)
    scale, top = 2.0**bits, 1 - 2.0**-bits
    ours = np.array([store_weight(float(v), scale, top, code) for v in values], np.float32)
    np.testing.assert_array_equal(ours, quantize(values, bits, mode))


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 8), st.floats(0.0, 0.99))
def test_stochastic_store_is_unbiased(bits: int, fraction: float) -> None:
    scale = 2.0**bits
    w = fraction * (1 - 1 / scale)
    seed_kernels(bits)
    draws = np.array([store_weight(w, scale, 1 - 1 / scale, 2) for _ in range(4000)])
    assert set(np.unique(draws * scale)) <= {math.floor(w * scale), math.ceil(w * scale)}
    # standard error of the mean is at most 0.5 LSB / sqrt(4000)
    assert abs(draws.mean() - w) <= 5 * 0.5 / scale / math.sqrt(4000) + 1e-12


def test_sub_lsb_depression_vanishes_with_nearest_not_stochastic() -> None:
    w, spikes = stdp_setup()
    w = quantize(w, 8)
    out = run_kernel(w.copy(), spikes, 12, learn=True, bits=8, rounding="nearest")
    assert out["w"][21, 0] == w[21, 0]  # 1e-4 << 1/256: rounds back
    out = run_kernel(w.copy(), spikes, 12, learn=True, bits=8, rounding="truncate")
    assert out["w"][21, 0] == w[21, 0] - 1 / 256  # truncation always drops one LSB


def test_mechanism_learning_rates() -> None:
    wins = np.array([0, 50, 1000])
    assert np.allclose(Mechanisms().learning_rates(0.01, wins), 0.01)
    rates = Mechanisms(adaptive_lr=True).learning_rates(0.01, wins)
    assert rates[0] == pytest.approx(0.03)  # a fresh neuron learns 1 + 2 = 3x faster
    assert rates[1] == pytest.approx(0.01 * (1 + 2 * math.exp(-50 / 20)))
    assert rates[2] == pytest.approx(0.01)


def _network(**mechanisms: bool) -> Network:
    return Network.create(
        16, 6, rng=np.random.default_rng(0), population=False, inhibition_strength=120.0,
        timesteps=120, max_rate_hz=400.0, norm=6.0, weight_bits=32, rounding="nearest",
        stdp=StdpParams(), mechanisms=Mechanisms(**mechanisms),
    )


def test_training_sample_normalises_changed_columns_only() -> None:
    x = np.linspace(0.2, 1.0, 16).astype(np.float32)
    counters = np.zeros(len(COUNTER_NAMES), np.int64)
    net = _network(spurious_reduction=True, weight_decay=True)
    before = net.w.copy()
    net.train_sample(x, np.random.default_rng(1), counters)
    c = dict(zip(COUNTER_NAMES, counters.tolist(), strict=True))
    changed = np.flatnonzero(np.any(net.w != before, axis=0))
    assert changed.size == 1 and net.wins[changed[0]] == 1  # only the winner learned
    assert c["normalisation_updates"] == c["decay_updates"] == 16
    np.testing.assert_allclose(net.w.sum(axis=0), 6.0, rtol=1e-5)


def test_fatigue_is_training_only() -> None:
    x = np.linspace(0.2, 1.0, 16).astype(np.float32)
    net = _network(adaptive_threshold=True, spurious_reduction=True)
    counters = np.zeros(len(COUNTER_NAMES), np.int64)
    net.train_sample(x, np.random.default_rng(1), counters)
    winner = int(np.argmax(net.wins))
    assert net.fatigue[winner] == pytest.approx(Mechanisms().fatigue_mv)
    # theta holds only the 0.05 mV-per-spike adaptation, not the fatigue
    assert np.all(net.theta <= 0.05 * counters[1] + 1e-12)


def test_readout_inhibition_soft_at_inference_only() -> None:
    soft = Mechanisms(soft_readout=True)
    assert soft.inhibition_mv(120.0, learn=True) == 120.0
    assert soft.inhibition_mv(120.0, learn=False) == soft.readout_inhibition_mv == 17.5
    assert soft.inhibition_mv(5.0, learn=False) == 5.0  # never stronger than the design's
    assert Mechanisms().inhibition_mv(120.0, learn=False) == 120.0
