"""NIR export: the file reads back with ``nir``, and a NumPy interpreter of the graph
reproduces the simulator's inference spike counts exactly, for both inhibition kinds."""

from pathlib import Path

import nir
import numpy as np
import pytest

from sim import SimConfig, load_dataset, network_arrays, run, to_nir
from sim._encoding import poisson_events
from sim._learning import Mechanisms, StdpParams
from sim._network import COUNTER_NAMES, Network
from tests.sim.nir_numpy import run_graph


def _simulated_counts(result, events) -> np.ndarray:
    """The simulator kernel's spike counts for one presentation of ``events``, learning off."""
    config = result.config
    net = Network(
        w=result.weights.copy(), theta=result.theta.copy(),
        wins=np.zeros(config.neurons, np.int64), fatigue=np.zeros(config.neurons),
        population=config.inhibition == "population",
        inhibition_strength=config.inhibition_strength, timesteps=config.timesteps,
        max_rate_hz=127.5, norm=1.0, weight_bits=config.weight_bits, rounding=config.rounding,
        stdp=StdpParams(), mechanisms=Mechanisms(**config.mechanisms))
    counts = np.zeros(config.neurons, np.int32)
    net._present(net.theta, *events, False, np.zeros(config.neurons), counts,
                 np.zeros(config.neurons, np.int32), np.zeros(len(COUNTER_NAMES), np.int64))
    return counts


def _dense(events, steps: int, inputs: int) -> np.ndarray:
    sources, ptr = events
    spikes = np.zeros((steps, inputs))
    for t in range(steps):
        np.add.at(spikes[t], sources[ptr[t]:ptr[t + 1]], 1.0)
    return spikes


@pytest.mark.parametrize(("inhibition", "strength", "bits"),
                         [("direct", 120.0, 8), ("population", 17.5, 32)])
def test_nir_round_trip_reproduces_inference_spike_counts(
        tmp_path: Path, inhibition: str, strength: float, bits: int) -> None:
    config = SimConfig(neurons=12, inhibition=inhibition, inhibition_strength=strength,
                       weight_bits=bits, rounding="stochastic", train_samples=60,
                       test_samples=20, assign_samples=40, timesteps=120, seed=3)
    result = run(config)
    path = tmp_path / "net.nir"
    nir.write(path, to_nir(result))
    graph = nir.read(path)
    assert set(graph.nodes) >= {"input", "input_weights", "excitatory", "lateral", "output"}
    assert ("inhibitory" in graph.nodes) == (inhibition == "population")
    np.testing.assert_array_equal(graph.nodes["input_weights"].weight, result.weights.T)
    data = load_dataset("digits")
    rng = np.random.default_rng(0)
    total = 0
    for x in data.test_x[:6]:
        events = poisson_events(x, config.timesteps, 255.0, rng)
        expected = _simulated_counts(result, events)
        got = run_graph(graph, _dense(events, config.timesteps, x.shape[0]))
        np.testing.assert_array_equal(got, expected)
        total += int(expected.sum())
    assert total > 0  # the comparison saw spikes


def test_network_arrays_hold_weights_thresholds_and_parameters() -> None:
    config = SimConfig(neurons=6, train_samples=20, test_samples=10, assign_samples=20,
                       timesteps=60, seed=1)
    result = run(config)
    arrays = network_arrays(result)
    np.testing.assert_array_equal(arrays["input_weights_mv"], result.weights)
    np.testing.assert_allclose(arrays["threshold_mv"], -52.0 + result.theta)
    assert arrays["excitatory_refractory_steps"] == 5 and arrays["dt_s"] == 1e-3
    assert not arrays["population_inhibition"] and "inhibitory_tau_s" not in arrays
