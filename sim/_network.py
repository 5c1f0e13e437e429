"""The network: Poisson inputs -> excitatory LIF neurons with adaptive thresholds, all-to-all
plastic input weights, and lateral inhibition (``direct`` or an inhibitory ``population``).

One compiled kernel, ``present``, simulates one presentation of one sample, 1 ms per step,
event-driven: only the input spikes of a step touch weights (a contiguous row of the
input-major weight matrix each), pre-synaptic traces are evaluated lazily from last-spike
steps, and depression visits only the neurons that have spiked in this presentation (every
other post trace is exactly zero). Order within step ``t``:

1. post traces decay by ``exp(-1 / tau_post)``;
2. each input spike of step ``t`` adds its weights to the neurons' input currents, then (when
   learning) depresses those weights by ``eta_pre * x_post``;
3. lateral inhibition from the excitatory spikes of step ``t - 1`` (``direct``), or from the
   inhibitory spikes of step ``t - 1``, which the excitatory spikes of step ``t - 2`` caused
   (``population``), is subtracted from the currents;
4. neurons leak, integrate and spike (``sim._neurons``); each spike potentiates the spiking
   neuron's weights by ``eta_post * x_pre`` (inputs that spiked at step ``t`` count with
   trace 1) and raises its threshold ``theta`` by 0.05 mV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from sim._drive import image_rates_hz
from sim._encoding import MAX_PRESENTATIONS, MIN_SPIKES, boost_factor, poisson_events
from sim._learning import (
    ROUNDING_CODES,
    Mechanisms,
    StdpParams,
    normalise_columns,
    store_weight,
    weight_scale,
)
from sim._neurons import (
    EXC_TO_INH_MV,
    EXCITATORY,
    INHIBITORY,
    TAU_THETA_MS,
    THETA_PLUS_MV,
    inhibit_others,
    lif_update,
)

#: Indices of the event counters (int64 array) filled by the kernel and the training loop.
COUNTER_NAMES = (
    "input_spikes",
    "exc_spikes",
    "inh_spikes",
    "synaptic_events",
    "inhibitory_events",
    "neuron_updates",
    "timesteps",
    "depression_updates",
    "potentiation_updates",
    "decay_updates",
    "normalisation_updates",
)
(
    C_INPUT, C_EXC, C_INH, C_SYN, C_INH_EV, C_NEURON, C_STEPS, C_DEP, C_POT, C_DECAY, C_NORM,
) = range(len(COUNTER_NAMES))

# compile-time constants of the kernel
_REST, _RESET, _THRESHOLD = EXCITATORY.rest, EXCITATORY.reset, EXCITATORY.threshold
_DECAY, _REFRACTORY = EXCITATORY.decay, EXCITATORY.refractory
_I_REST, _I_RESET, _I_THRESHOLD = INHIBITORY.rest, INHIBITORY.reset, INHIBITORY.threshold
_I_DECAY, _I_REFRACTORY = INHIBITORY.decay, INHIBITORY.refractory


@njit(cache=True)
def present(
    w: np.ndarray, theta: np.ndarray, inputs: np.ndarray, ptr: np.ndarray,
    population: bool, inh_strength: float,
    learn: bool, eta_pre: float, eta_post: np.ndarray, pre_table: np.ndarray,
    post_decay: float, winner_only: bool, pot_target: float, pot_max: float,
    scale: float, w_top: float, mode: int,
    counts: np.ndarray, active: np.ndarray, counters: np.ndarray,
) -> tuple[int, int]:
    """Simulate one presentation from the reset state.

    Args:
        w: input weights, (inputs, neurons) float32, updated in place when ``learn``.
        theta: adaptive thresholds in mV, (neurons,), raised in place when ``learn``.
        inputs, ptr: the input spikes (``sim._encoding.poisson_events``); ``len(ptr) - 1``
            is the number of steps.
        population: True for an inhibitory population, False for direct inhibition.
        inh_strength: inhibition in mV per spike onto every other excitatory neuron.
        learn: apply STDP and threshold adaptation.
        eta_pre, eta_post: depression rate; per-neuron potentiation rates (neurons,).
        pre_table: ``exp(-k / tau_pre)`` for k = 0..steps.
        post_decay: post-trace decay per step.
        winner_only: only the first neuron to spike is plastic (spurious-update reduction).
        pot_target, pot_max: adaptive potentiation factor ``min(target / n, max)`` of a
            neuron's n-th spike in the presentation (``pot_target`` 0: off, factor 1).
        scale, w_top, mode: fixed-point grid (``sim._learning.store_weight``).
        counts: out, spikes per excitatory neuron (int32, zeroed here).
        active: out, the neurons that spiked, in order of their first spike (int32).
        counters: event counters (int64), incremented.

    Returns:
        ``(n_active, winner)``: how many entries of ``active`` are valid, and the first
        neuron to spike (-1 if none).
    """
    n_in, n = w.shape
    steps = ptr.shape[0] - 1
    rest, reset, threshold = _REST, _RESET, _THRESHOLD
    decay, refractory = _DECAY, _REFRACTORY
    i_rest, i_reset, i_threshold = _I_REST, _I_RESET, _I_THRESHOLD
    i_decay, i_refractory = _I_DECAY, _I_REFRACTORY

    v = np.full(n, rest)
    refr = np.zeros(n, np.int32)
    x_post = np.zeros(n)
    current = np.zeros(n)
    fired = np.zeros(n, np.int32)  # excitatory spikes of the previous step (list)
    n_fired = 0
    is_fired = np.zeros(n, np.bool_)
    vi = np.full(n, i_rest)
    refr_i = np.zeros(n, np.int32)
    fired_i = np.zeros(n, np.int32)
    n_fired_i = 0
    is_fired_i = np.zeros(n, np.bool_)
    last_pre = np.full(n_in, -1, np.int64)
    counts[:] = 0
    n_active = 0
    winner = -1

    for t in range(steps):
        for a in range(n_active):
            x_post[active[a]] *= post_decay
        current[:] = 0.0

        for e in range(ptr[t], ptr[t + 1]):
            i = inputs[e]
            row = w[i]
            for j in range(n):
                current[j] += row[j]
            if learn:
                for a in range(n_active):
                    j = active[a]
                    if winner_only and j != winner:
                        continue
                    row[j] = store_weight(row[j] - eta_pre * x_post[j], scale, w_top, mode)
                    counters[C_DEP] += 1
            last_pre[i] = t
        spikes_in = ptr[t + 1] - ptr[t]
        counters[C_INPUT] += spikes_in
        counters[C_SYN] += spikes_in * n

        if population:
            # inhibitory spikes of step t-1 inhibit all other excitatory neurons now
            if n_fired_i > 0:
                counters[C_INH_EV] += inhibit_others(current, is_fired_i, n_fired_i, inh_strength)
            for k in range(n_fired_i):
                is_fired_i[fired_i[k]] = False
            n_fired_i = 0
            # excitatory spikes of step t-1 drive their inhibitory partners (one-to-one)
            counters[C_INH_EV] += n_fired
            for j in range(n):
                drive = EXC_TO_INH_MV if is_fired[j] else 0.0
                vi[j] = lif_update(vi[j], refr_i[j], drive, i_rest, i_decay)
                if refr_i[j] > 0:
                    refr_i[j] -= 1
                elif vi[j] >= i_threshold:
                    vi[j] = i_reset
                    refr_i[j] = i_refractory
                    fired_i[n_fired_i] = j
                    n_fired_i += 1
                    is_fired_i[j] = True
            counters[C_INH] += n_fired_i
            counters[C_NEURON] += n
        elif n_fired > 0:
            counters[C_INH_EV] += inhibit_others(current, is_fired, n_fired, inh_strength)

        for k in range(n_fired):
            is_fired[fired[k]] = False
        n_fired = 0
        for j in range(n):
            v[j] = lif_update(v[j], refr[j], current[j], rest, decay)
            if refr[j] > 0:
                refr[j] -= 1
            elif v[j] >= threshold + theta[j]:
                fired[n_fired] = j
                n_fired += 1
                is_fired[j] = True
        counters[C_NEURON] += n
        counters[C_EXC] += n_fired

        for k in range(n_fired):
            j = fired[k]
            v[j] = reset
            refr[j] = refractory
            counts[j] += 1
            if counts[j] == 1:
                active[n_active] = j
                n_active += 1
            if winner < 0:
                winner = j
            if learn:
                theta[j] += THETA_PLUS_MV
                if not winner_only or j == winner:
                    eta = eta_post[j]
                    if pot_target > 0.0:
                        eta *= min(pot_target / counts[j], pot_max)
                    for i in range(n_in):
                        lp = last_pre[i]
                        if lp >= 0:
                            w[i, j] = store_weight(
                                w[i, j] + eta * pre_table[t - lp], scale, w_top, mode
                            )
                            counters[C_POT] += 1
            x_post[j] = 1.0
    counters[C_STEPS] += steps
    return n_active, winner


@dataclass
class Network:
    """Weights, thresholds and the fixed parameters of one simulated network.

    Attributes:
        w: input weights (inputs, neurons) float32 in [0, 1], input-major.
        theta: adaptive thresholds in mV (neurons,) float64.
        wins: samples won (first to spike) per neuron during training (neurons,) int64.
        fatigue: training-only threshold offsets in mV of the ``adaptive_threshold``
            mechanism (neurons,) float64.
        max_rate_hz: rate (Hz) of a pixel of intensity 1: every image's (``rate_cap_hz``
            None), or the average image's under the per-image rule (reported, priced).
        rate_cap_hz: ``None``: every image at ``max_rate_hz``; else each image gets its own
            rate, the spike target capped at this rate (``sim._drive.image_rates_hz``).
    """

    w: np.ndarray
    theta: np.ndarray
    wins: np.ndarray
    fatigue: np.ndarray
    population: bool
    inhibition_strength: float
    timesteps: int
    max_rate_hz: float
    norm: float
    weight_bits: int
    rounding: str
    stdp: StdpParams
    mechanisms: Mechanisms
    rate_cap_hz: float | None = None

    @classmethod
    def create(
        cls, inputs: int, neurons: int, *, rng: np.random.Generator, population: bool,
        inhibition_strength: float, timesteps: int, max_rate_hz: float, norm: float,
        weight_bits: int, rounding: str, stdp: StdpParams, mechanisms: Mechanisms,
        rate_cap_hz: float | None = None,
    ) -> Network:
        """A fresh network: weights ``0.3 * U[0, 1)`` normalised to ``norm`` per neuron."""
        w = (0.3 * rng.random((inputs, neurons))).astype(np.float32)
        net = cls(
            w=w, theta=np.zeros(neurons), wins=np.zeros(neurons, np.int64),
            fatigue=np.zeros(neurons),
            population=population, inhibition_strength=inhibition_strength,
            timesteps=timesteps, max_rate_hz=max_rate_hz, norm=norm, weight_bits=weight_bits,
            rounding=rounding, stdp=stdp, mechanisms=mechanisms, rate_cap_hz=rate_cap_hz,
        )
        net.normalise(np.arange(neurons, dtype=np.int32), decay=0.0)
        return net

    @property
    def neurons(self) -> int:
        """Number of excitatory neurons."""
        return self.w.shape[1]

    @property
    def w_top(self) -> float:
        """Largest storable weight: w_max for float32, ``1 - 2**-bits`` for fixed point."""
        if self.weight_bits >= 32:
            return self.stdp.w_max
        return min(self.stdp.w_max, 1.0 - 2.0**-self.weight_bits)

    def normalise(self, columns: np.ndarray, decay: float) -> int:
        """Weight decay then normalisation of ``columns``; returns weights touched."""
        return normalise_columns(
            self.w, columns, columns.shape[0], self.norm, decay,
            weight_scale(self.weight_bits), self.w_top, ROUNDING_CODES[self.rounding],
        )

    def _present(
        self, theta: np.ndarray, inputs: np.ndarray, ptr: np.ndarray, learn: bool,
        eta_post: np.ndarray, counts: np.ndarray, active: np.ndarray, counters: np.ndarray,
    ) -> tuple[int, int]:
        """One presentation with thresholds ``theta`` (see ``present``)."""
        pot_target, pot_max = self.mechanisms.pot_params
        inhibition = self.mechanisms.inhibition_mv(self.inhibition_strength, learn)
        return present(
            self.w, theta, inputs, ptr, self.population, inhibition,
            learn, self.stdp.eta_pre, eta_post, self._pre_table, self.stdp.post_decay,
            self.mechanisms.spurious_reduction, pot_target, pot_max,
            weight_scale(self.weight_bits), self.w_top, ROUNDING_CODES[self.rounding],
            counts, active, counters,
        )

    def __post_init__(self) -> None:
        self._pre_table = self.stdp.pre_trace_table(self.timesteps)
        self._active = np.zeros(self.neurons, np.int32)

    def rates_hz(self, x: np.ndarray) -> np.ndarray:
        """Base rate (Hz for intensity 1) of each image in ``x`` (images, inputs) or of the
        single image ``x`` (inputs,)."""
        if self.rate_cap_hz is not None:
            return image_rates_hz(x, self.rate_cap_hz)
        return np.full(np.atleast_2d(x).shape[0], self.max_rate_hz)

    def train_sample(
        self, x: np.ndarray, rng: np.random.Generator, counters: np.ndarray
    ) -> np.ndarray:
        """Learn from one sample (re-presented with boosted rate while it drives fewer than
        5 spikes, at most 5 times). Returns the spike counts of its last presentation."""
        mech = self.mechanisms
        self.theta *= math.exp(-self.timesteps / TAU_THETA_MS)
        eta_post = mech.learning_rates(self.stdp.eta_post, self.wins)
        counts = np.zeros(self.neurons, np.int32)
        changed = np.zeros(self.neurons, np.bool_)
        winner = -1
        theta = self.theta + self.fatigue if mech.adaptive_threshold else self.theta
        base = float(self.rates_hz(x)[0])
        for presentation in range(MAX_PRESENTATIONS):
            rate = base * boost_factor(presentation)
            inputs, ptr = poisson_events(x, self.timesteps, rate, rng)
            n_active, winner = self._present(
                theta, inputs, ptr, True, eta_post, counts, self._active, counters
            )
            if mech.spurious_reduction:
                if winner >= 0:
                    changed[winner] = True
            else:
                changed[self._active[:n_active]] = True
            if counts.sum() >= MIN_SPIKES:
                break
        if mech.adaptive_threshold:
            self.theta = theta - self.fatigue
            self.fatigue *= math.exp(-1.0 / mech.fatigue_samples)
            if winner >= 0:
                self.fatigue[winner] += mech.fatigue_mv
        if winner >= 0:
            self.wins[winner] += 1
        columns = np.flatnonzero(changed).astype(np.int32)
        if columns.size:
            decay = mech.decay if mech.weight_decay else 0.0
            touched = self.normalise(columns, decay)
            counters[C_NORM] += touched
            if decay > 0.0:
                counters[C_DECAY] += touched
        return counts

    def responses(
        self, x: np.ndarray, rng: np.random.Generator, counters: np.ndarray
    ) -> np.ndarray:
        """Spike counts (samples, neurons) with plasticity off, re-presenting a sample with
        boosted rate while it drives fewer than 5 spikes (at most 5 presentations)."""
        out = np.zeros((x.shape[0], self.neurons), np.int32)
        eta_post = np.zeros(self.neurons)
        rates = self.rates_hz(x)
        for s in range(x.shape[0]):
            counts = out[s]
            for presentation in range(MAX_PRESENTATIONS):
                rate = rates[s] * boost_factor(presentation)
                inputs, ptr = poisson_events(x[s], self.timesteps, rate, rng)
                self._present(
                    self.theta, inputs, ptr, False, eta_post, counts, self._active, counters
                )
                if counts.sum() >= MIN_SPIKES:
                    break
        return out
