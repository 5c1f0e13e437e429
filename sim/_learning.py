"""Plasticity: the STDP rule, weight normalisation, fixed-point weight storage and the
SpikeDyn / FSpiNN mechanisms. docs/learning-rules.md states every formula and constant.

The compiled helpers here are called from the presentation kernel in ``sim._network``; the
per-sample mechanisms (learning-rate and threshold adaptation) are plain NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

#: Rounding-mode codes shared with the compiled kernels.
ROUNDING_CODES = {"nearest": 0, "truncate": 1, "stochastic": 2}


@dataclass(frozen=True)
class StdpParams:
    """Nearest-spike pair STDP (BindsNET ``PostPre``, the Diehl & Cook learning rates).

    A pre spike depresses ``w -= eta_pre * x_post``; a post spike potentiates
    ``w += eta_post * x_pre``; each trace is set to 1 by its spike and decays with its time
    constant (ms). Weights are clipped to [0, w_max].
    """

    eta_pre: float = 1e-4
    eta_post: float = 1e-2
    tau_pre: float = 20.0
    tau_post: float = 20.0
    w_max: float = 1.0

    def pre_trace_table(self, timesteps: int) -> np.ndarray:
        """``exp(-dt / tau_pre)`` for dt = 0..timesteps steps (float64)."""
        return np.exp(-np.arange(timesteps + 1, dtype=np.float64) / self.tau_pre)

    @property
    def post_decay(self) -> float:
        """Post-trace decay factor per 1 ms step."""
        return math.exp(-1.0 / self.tau_post)


@dataclass(frozen=True)
class Mechanisms:
    """SpikeDyn / FSpiNN mechanisms in effect and their constants (see docs/learning-rules.md).

    Attributes:
        adaptive_lr: young neurons learn fast: the potentiation rate of neuron j is
            ``eta * (1 + lr_boost * exp(-wins_j / lr_young_wins))``, so a neuron recruited by
            a new input captures it within a few samples, then settles at ``eta``.
        adaptive_threshold: a training-only fatigue threshold on top of theta: the sample's
            winner gains ``fatigue_mv`` and all fatigue decays by ``exp(-1 / fatigue_samples)``
            per sample, so neurons that keep winning one task yield its inputs to fresh
            neurons, and recover afterwards (inference uses theta alone).
        weight_decay: after each sample, every weight of each neuron that learned from it
            loses ``decay`` (additive, floored at 0) before normalisation: weak, stale
            synapses are pruned and the normalisation hands their share to the strong ones.
        spurious_reduction: only the sample's winner (the first excitatory neuron to spike)
            is plastic; later spikes of losing neurons change no weight.
        adaptive_potentiation: FSpiNN potentiation factor: the n-th spike of a neuron in one
            presentation potentiates ``min(pot_target / n, pot_max)`` times ``eta_post``, so a
            strong (familiar) response stops reinforcing itself after ``pot_target`` spikes.
        soft_readout: inference (plasticity off) runs with lateral inhibition of at most
            ``readout_inhibition_mv`` (Diehl & Cook's 17.5 mV), training with the design's
            strength: the hard winner-take-all decides which neuron *learns* an input, the
            soft one lets every neuron that matches it *vote* at the readout.
    """

    adaptive_lr: bool = False
    adaptive_threshold: bool = False
    weight_decay: bool = False
    spurious_reduction: bool = False
    adaptive_potentiation: bool = False
    soft_readout: bool = False
    lr_boost: float = 2.0
    lr_young_wins: float = 20.0
    fatigue_mv: float = 0.3
    fatigue_samples: float = 100.0
    decay: float = 2e-3
    pot_target: float = 5.0
    pot_max: float = 1.0
    readout_inhibition_mv: float = 17.5

    @property
    def pot_params(self) -> tuple[float, float]:
        """``(target, max)`` of the adaptive potentiation factor; target 0 switches it off."""
        if self.adaptive_potentiation:
            return self.pot_target, self.pot_max
        return 0.0, 1.0

    def inhibition_mv(self, strength: float, learn: bool) -> float:
        """Lateral inhibition (mV) of a presentation, for the design's ``strength``."""
        if learn or not self.soft_readout:
            return strength
        return min(strength, self.readout_inhibition_mv)

    def learning_rates(self, eta_post: float, wins: np.ndarray) -> np.ndarray:
        """Per-neuron potentiation rates (float64, shape (neurons,))."""
        if not self.adaptive_lr:
            return np.full(wins.shape[0], eta_post)
        return eta_post * (1.0 + self.lr_boost * np.exp(-wins / self.lr_young_wins))


def weight_scale(bits: int) -> float:
    """``2**bits`` for fixed point, 0.0 for float32 (the kernels' "no rounding" marker)."""
    return 0.0 if bits >= 32 else float(2**bits)


@njit(cache=True, inline="always")
def store_weight(w: float, scale: float, w_top: float, mode: int) -> float:
    """Clip ``w`` to [0, w_top] and round it onto the fixed-point grid ``k / scale``.

    ``scale`` 0 stores float32 unchanged (after clipping). ``mode``: 0 nearest (ties to even),
    1 truncate (toward zero), 2 stochastic (up with probability equal to the remainder).
    """
    if w < 0.0:
        w = 0.0
    elif w > w_top:
        w = w_top
    if scale == 0.0:
        return w
    y = w * scale
    if mode == 0:
        q = np.rint(y)
    elif mode == 1:
        q = math.floor(y)
    else:
        q = math.floor(y + np.random.random())
    q = q / scale
    return w_top if q > w_top else q


@njit(cache=True)
def seed_kernels(seed: int) -> None:
    """Seed the compiled kernels' random stream (stochastic rounding)."""
    np.random.seed(seed)


@njit(cache=True)
def normalise_columns(
    w: np.ndarray, columns: np.ndarray, n_columns: int, norm: float, decay: float,
    scale: float, w_top: float, mode: int,
) -> int:
    """Subtract ``decay`` from, then rescale to sum ``norm``, the first ``n_columns`` columns
    listed in ``columns``; every weight is re-stored at the fixed-point precision.

    Returns the number of weights touched (normalisation updates).
    """
    inputs = w.shape[0]
    for c in range(n_columns):
        j = columns[c]
        if decay > 0.0:
            for i in range(inputs):
                w[i, j] = max(w[i, j] - decay, 0.0)
        total = 0.0
        for i in range(inputs):
            total += w[i, j]
        if total > 0.0:
            factor = norm / total
            for i in range(inputs):
                w[i, j] = store_weight(w[i, j] * factor, scale, w_top, mode)
    return n_columns * inputs
