"""The input-drive rule: target spike rate, normalisation, scale invariance end to end."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import (
    PEAK_RATE_HZ,
    TARGET_DRIVE_MV_PER_MS,
    TARGET_SPIKES_PER_MS,
    SimConfig,
    image_rates_hz,
    image_rule_norm,
    input_rate_hz,
    load_dataset,
    rate_cap_hz,
    run,
    weight_norm,
)
from sim._run import build_network
from snn_dse.errors import InputError


def test_anchors() -> None:
    # MNIST (mean pixel 0.1307, peak ~1) gets BindsNET's 127.5 Hz: both limits meet there
    assert input_rate_hz(0.1307, 784) == pytest.approx(127.5)
    assert weight_norm(127.5, 0.1307) == pytest.approx(78.4 / 2)  # D&C's drive at twice the rate
    # Fashion-MNIST-like ink: the spike target binds; 8x8 digits: the peak-rate cap binds
    assert input_rate_hz(0.286, 784) == pytest.approx(1e3 * TARGET_SPIKES_PER_MS / (0.286 * 784))
    assert input_rate_hz(0.305, 64) == PEAK_RATE_HZ


@given(st.floats(1e-3, 1.0), st.integers(1, 5000), st.floats(1e-3, 1.0), st.floats(1e-2, 1.0))
def test_rate_and_norm_invariants(mean: float, inputs: int, peak: float, scale: float) -> None:
    rate = input_rate_hz(mean, inputs, peak)
    # never more spikes than the target, no peak pixel above the cap, one of them exact
    spikes = rate * mean * inputs / 1e3
    assert spikes <= TARGET_SPIKES_PER_MS * (1 + 1e-9) and rate * peak <= PEAK_RATE_HZ * (1 + 1e-9)
    assert max(spikes / TARGET_SPIKES_PER_MS, rate * peak / PEAK_RATE_HZ) == pytest.approx(1.0)
    # scaling the ink scales the rate inversely: the same spikes and the same drive
    assert input_rate_hz(mean * scale, inputs, peak * scale) * scale == pytest.approx(rate)
    norm = weight_norm(rate, mean)
    assert spikes * norm / inputs == pytest.approx(TARGET_DRIVE_MV_PER_MS)
    assert weight_norm(rate / scale, mean * scale) == pytest.approx(norm)


def test_no_ink_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no ink"):
        input_rate_hz(0.0, 64)


def test_measured_input_spikes_match_the_target() -> None:
    result = run(SimConfig(neurons=10, train_samples=60, test_samples=30, assign_samples=30))
    data = load_dataset("digits")  # few inputs: the peak-rate cap binds
    expected = PEAK_RATE_HZ / data.peak_intensity * data.mean_intensity * 64 / 1e3
    per_ms = result.activity["train"]["input_spikes"] / result.activity["train"]["timesteps"]
    assert per_ms == pytest.approx(expected, rel=0.15)


def test_scaled_ink_learns_the_same_network() -> None:
    data = load_dataset("digits")
    half = dataclasses.replace(data, train_x=data.train_x * np.float32(0.5),
                               test_x=data.test_x * np.float32(0.5))
    config = SimConfig(neurons=10, train_samples=40, test_samples=30, assign_samples=30,
                       timesteps=100)
    a, b = run(config, data=data), run(config, data=half)
    assert a.accuracy == b.accuracy and a.activity == b.activity
    np.testing.assert_array_equal(a.weights, b.weights)


@given(st.integers(0, 2**31 - 1), st.integers(1, 40), st.floats(1e-2, 1.0))
def test_every_image_emits_the_target_below_the_cap(seed: int, images: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    x = (rng.random((images, 784)) * rng.random((images, 1)) * scale).astype(np.float32)
    x[0] = 0.0  # an image without ink
    cap = rate_cap_hz(0.7)
    rates = image_rates_hz(x, cap)
    spikes = rates * x.sum(axis=1, dtype=np.float64) / 1e3
    assert rates[0] == cap and np.all(rates <= cap)
    below = rates < cap
    np.testing.assert_allclose(spikes[below], TARGET_SPIKES_PER_MS)
    assert np.all(spikes[~below] <= TARGET_SPIKES_PER_MS * (1 + 1e-9))
    # halving an image's ink doubles its rate up to the cap: the same spikes below it
    np.testing.assert_allclose(image_rates_hz(x[1:] * 0.5, cap) * 0.5,
                               np.minimum(rates[1:], cap / 2))


def test_per_image_norm_is_the_average_images_norm_where_one_limit_binds_everywhere() -> None:
    rng = np.random.default_rng(0)
    x = (0.2 + 0.6 * rng.random((50, 784))).astype(np.float32)  # much ink: the target binds
    mean = float(x.mean())
    assert image_rule_norm(x, 1e6) == pytest.approx(weight_norm(input_rate_hz(mean, 784), mean))
    # a low cap binds for every image: the dataset rate and its norm, as for the digits
    assert image_rule_norm(x, 10.0) == pytest.approx(weight_norm(10.0, mean))
    with pytest.raises(InputError, match="no ink"):
        image_rule_norm(np.zeros((3, 10), np.float32), 10.0)


def test_defaults_rate_each_image_an_explicit_rate_every_image() -> None:
    data = load_dataset("digits")
    rng = np.random.default_rng(0)
    rule = build_network(SimConfig(neurons=5), data, rng)
    x = data.train_x[:20]
    np.testing.assert_array_equal(rule.rates_hz(x), image_rates_hz(x, rate_cap_hz(
        data.peak_intensity)))
    assert rule.max_rate_hz == input_rate_hz(data.mean_intensity, 64, data.peak_intensity)
    fixed = build_network(SimConfig(neurons=5, max_rate_hz=100.0), data, rng)
    np.testing.assert_array_equal(fixed.rates_hz(x), np.full(20, 100.0))
