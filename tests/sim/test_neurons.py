"""One excitatory LIF neuron against a hand computation (dt = 1 ms, exact decay)."""

import math

import numpy as np

from sim._learning import StdpParams
from sim._neurons import EXCITATORY
from tests.sim._kernel import run_kernel


def spike_steps(w_in: float, steps: int, every: int = 1) -> list[int]:
    """Steps at which a single neuron driven by one input (weight ``w_in``) spikes."""
    times = []
    previous = 0
    for t in range(1, steps + 1):
        spikes = {s: [0] for s in range(0, t, every)}
        count = int(run_kernel(np.array([[w_in]], np.float32), spikes, t)["counts"][0])
        if count > previous:
            times.append(t - 1)
            previous = count
    return times


def test_hand_computed_spike_times() -> None:
    # u = v - rest, d = exp(-1 / 100); one input of weight 5 (mV) spiking every step.
    # u1 = 5, u2 = 5d + 5 = 9.950, u3 = 9.950d + 5 = 14.851 >= 13 (= -52 - -65): spike at
    # step 2. Reset to -60 (u = 5); refractory for steps 3..7 (leak only): u = 5 d^5 at step 7;
    # step 8: 5 d^6 + 5 = 9.71; step 9: 14.66 -> spike. The state after a spike repeats, so
    # the period is 7 steps.
    d = math.exp(-1 / 100)
    u = 5.0
    u = u * d + 5
    assert u < 13
    u = u * d + 5
    assert u >= 13
    u = 5 * d**6 + 5
    assert u < 13 and u * d + 5 >= 13
    assert spike_steps(5.0, 24) == [2, 9, 16, 23]


def test_subthreshold_input_never_spikes() -> None:
    # steady state of u = u d + w is w / (1 - d) = 0.12 / 0.00995 = 12.06 mV < 13 mV
    assert 0.12 / (1 - math.exp(-1 / 100)) < 13
    result = run_kernel(np.array([[0.12]], np.float32), {t: [0] for t in range(400)}, 400)
    assert result["counts"][0] == 0


def test_threshold_adaptation_raises_threshold() -> None:
    # five inputs of weight 1 firing every step = 5 mV per step, as above; learning rates 0
    w = np.ones((5, 1), np.float32)
    every_step = {t: list(range(5)) for t in range(24)}
    theta = np.zeros(1)
    frozen = StdpParams(eta_pre=0.0, eta_post=0.0)
    result = run_kernel(w.copy(), every_step, 24, learn=True, theta=theta, stdp=frozen)
    assert result["counts"][0] == 4
    assert np.isclose(theta[0], 4 * 0.05)
    assert np.array_equal(result["w"], w)
    # theta = 2 mV: u3 = 14.85 < 15, u4 = 19.70 -> the first spike moves to step 3
    late = {t: list(range(5)) for t in range(4)}
    assert run_kernel(w.copy(), late, 4, theta=np.array([2.0]))["counts"][0] == 1
    assert run_kernel(w.copy(), late, 3, theta=np.array([2.0]))["counts"][0] == 0
    assert EXCITATORY.threshold - EXCITATORY.rest == 13.0


def test_direct_inhibition_next_step() -> None:
    # neuron 0 spikes at step 2 (as above); neuron 1 gets 4 mV per step (u3 = 11.9,
    # u4 = 15.8), so alone it spikes at step 3; the inhibition of neuron 0's spike at step 2
    # arrives at step 3 and silences it.
    w = np.array([[5.0, 4.0]], np.float32)
    alone = run_kernel(np.array([[4.0]], np.float32), {t: [0] for t in range(4)}, 4)
    assert alone["counts"][0] == 1
    both = run_kernel(w, {t: [0] for t in range(4)}, 4, inhibition=120.0)
    assert both["counts"].tolist() == [1, 0]
    assert both["counters"]["inhibitory_events"] == 1  # one spike x (neurons - 1)
