"""The event-driven kernel against a brute-force dense simulation of a tiny network: spike
counts, final weights and thresholds, and every activity counter."""

import math

import numpy as np
import pytest

from sim._encoding import poisson_events
from sim._learning import StdpParams
from sim._neurons import EXC_TO_INH_MV, EXCITATORY, INHIBITORY, THETA_PLUS_MV
from tests.sim._kernel import run_kernel


def brute_force(
    w: np.ndarray, inputs: np.ndarray, ptr: np.ndarray, *, population: bool,
    inhibition: float, winner_only: bool, stdp: StdpParams,
) -> dict[str, object]:
    """Clock-driven reference: every neuron, trace and synapse evaluated every step from the
    full spike history, every event counted as it happens."""
    w = w.astype(np.float64).copy()
    d, n = w.shape
    steps = len(ptr) - 1
    ex, ih = EXCITATORY, INHIBITORY
    v = np.full(n, ex.rest)
    refr = np.zeros(n, int)
    vi = np.full(n, ih.rest)
    refr_i = np.zeros(n, int)
    theta = np.zeros(n)
    post_times: list[list[int]] = [[] for _ in range(n)]
    pre_times: list[list[int]] = [[] for _ in range(d)]
    prev_exc = np.zeros(n, bool)
    prev_inh = np.zeros(n, bool)
    counts = np.zeros(n, int)
    winner = -1
    c = dict.fromkeys(
        ["input_spikes", "exc_spikes", "inh_spikes", "synaptic_events", "inhibitory_events",
         "neuron_updates", "timesteps", "depression_updates", "potentiation_updates",
         "decay_updates", "normalisation_updates"], 0)

    def plastic(j: int) -> bool:
        return not winner_only or j == winner

    for t in range(steps):
        x_post = np.array([
            math.exp(-(t - p[-1]) / stdp.tau_post) if p else 0.0 for p in post_times
        ])
        current = np.zeros(n)
        for i in inputs[ptr[t]:ptr[t + 1]]:
            current += w[i]
            c["input_spikes"] += 1
            c["synaptic_events"] += n
            for j in range(n):
                if x_post[j] > 0 and plastic(j):
                    w[i, j] = min(max(w[i, j] - stdp.eta_pre * x_post[j], 0.0), stdp.w_max)
                    c["depression_updates"] += 1
            pre_times[i].append(t)
        if population:
            for j in range(n):
                current[j] -= inhibition * (prev_inh.sum() - prev_inh[j])
            c["inhibitory_events"] += prev_inh.sum() * (n - 1) + prev_exc.sum()
            inh_now = np.zeros(n, bool)
            for j in range(n):
                vi[j] = ih.rest + (vi[j] - ih.rest) * math.exp(-1 / ih.tau)
                if refr_i[j] > 0:
                    refr_i[j] -= 1
                else:
                    vi[j] += EXC_TO_INH_MV * prev_exc[j]
                    if vi[j] >= ih.threshold:
                        vi[j], refr_i[j], inh_now[j] = ih.reset, ih.refractory, True
            c["neuron_updates"] += n
            c["inh_spikes"] += inh_now.sum()
            prev_inh = inh_now
        else:
            for j in range(n):
                current[j] -= inhibition * (prev_exc.sum() - prev_exc[j])
            c["inhibitory_events"] += prev_exc.sum() * (n - 1)
        exc_now = np.zeros(n, bool)
        for j in range(n):
            v[j] = ex.rest + (v[j] - ex.rest) * math.exp(-1 / ex.tau)
            if refr[j] > 0:
                refr[j] -= 1
            else:
                v[j] += current[j]
                if v[j] >= ex.threshold + theta[j]:
                    exc_now[j] = True
        c["neuron_updates"] += n
        c["exc_spikes"] += exc_now.sum()
        for j in np.flatnonzero(exc_now):
            v[j], refr[j] = ex.reset, ex.refractory
            counts[j] += 1
            winner = j if winner < 0 else winner
            theta[j] += THETA_PLUS_MV
            if plastic(j):
                for i in range(d):
                    if pre_times[i]:
                        x_pre = math.exp(-(t - pre_times[i][-1]) / stdp.tau_pre)
                        w[i, j] = min(max(w[i, j] + stdp.eta_post * x_pre, 0.0), stdp.w_max)
                        c["potentiation_updates"] += 1
            post_times[j].append(t)
        prev_exc = exc_now
    c["timesteps"] = steps
    return {"counts": counts, "w": w, "theta": theta, "counters": c, "winner": winner}


@pytest.mark.parametrize("population", [False, True])
@pytest.mark.parametrize("winner_only", [False, True])
@pytest.mark.parametrize("inhibition", [3.0, 120.0])
def test_kernel_equals_brute_force(population: bool, winner_only: bool, inhibition: float) -> None:
    rng = np.random.default_rng(7)
    d, n, steps = 12, 5, 80
    w = (0.3 + 0.7 * rng.random((d, n))).astype(np.float32)
    inputs, ptr = poisson_events(rng.random(d).astype(np.float32), steps, 400.0, rng)
    spikes = {t: inputs[ptr[t]:ptr[t + 1]].tolist() for t in range(steps)}
    stdp = StdpParams()
    ref = brute_force(w, inputs, ptr, population=population, inhibition=inhibition,
                      winner_only=winner_only, stdp=stdp)
    out = run_kernel(w.copy(), spikes, steps, learn=True, population=population,
                     inhibition=inhibition, winner_only=winner_only)
    assert ref["counters"]["exc_spikes"] > 3  # the case exercises plasticity
    assert out["counts"].tolist() == ref["counts"].tolist()
    assert out["winner"] == ref["winner"]
    assert out["counters"] == ref["counters"]
    np.testing.assert_allclose(out["w"], ref["w"], atol=1e-6)
    np.testing.assert_allclose(out["theta"], ref["theta"])
