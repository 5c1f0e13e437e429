"""Neuron dynamics: current-based leaky integrate-and-fire neurons with exact decay.

dt = 1 ms. Between steps the membrane relaxes to rest exactly,
``v <- rest + (v - rest) * exp(-dt / tau)``; synaptic input is a delta current added in the
step it arrives (unless the neuron is refractory); a neuron spikes when ``v >= threshold``
(plus its adaptive ``theta`` for excitatory neurons), is reset and stays refractory (no input)
for ``refractory`` steps. Parameters follow BindsNET's ``DiehlAndCookNodes`` / ``LIFNodes``
(snn-sim-anchors §1.3). The state is reset at the start of every presentation instead of
simulating Diehl & Cook's 150 ms rest (pitfall P12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass(frozen=True)
class LifParams:
    """One LIF population. Potentials in mV, times in ms."""

    rest: float
    reset: float
    threshold: float
    tau: float
    refractory: int

    @property
    def decay(self) -> float:
        """Membrane decay factor per 1 ms step, ``exp(-1 / tau)``."""
        return math.exp(-1.0 / self.tau)


#: Excitatory neurons (BindsNET ``DiehlAndCookNodes``).
EXCITATORY = LifParams(rest=-65.0, reset=-60.0, threshold=-52.0, tau=100.0, refractory=5)
#: Inhibitory neurons of the ``population`` inhibition (BindsNET ``LIFNodes`` in D&C 2015).
INHIBITORY = LifParams(rest=-60.0, reset=-45.0, threshold=-40.0, tau=10.0, refractory=2)
#: Excitatory -> inhibitory one-to-one weight in mV (BindsNET ``DiehlAndCook2015``): one
#: excitatory spike makes its inhibitory partner fire in the next step.
EXC_TO_INH_MV = 22.5
#: Adaptive-threshold increment per spike in mV and its decay time constant in ms.
THETA_PLUS_MV = 0.05
TAU_THETA_MS = 1e7


@njit(cache=True, inline="always")
def lif_update(v: float, refractory: int, current: float, rest: float, decay: float) -> float:
    """Membrane potential after one step: exact leak, then the input unless refractory."""
    v = rest + (v - rest) * decay
    if refractory <= 0:
        v += current
    return v


@njit(cache=True, inline="always")
def inhibit_others(current: np.ndarray, is_source: np.ndarray, n_sources: int,
                   strength: float) -> int:
    """Lateral inhibition: subtract ``strength`` mV from ``current[j]`` for every one of the
    ``n_sources`` spiking sources other than ``j``'s own (``is_source[j]``); returns the
    number of inhibitory events delivered, ``n_sources * (n - 1)``."""
    n = current.shape[0]
    for j in range(n):
        others = n_sources - 1 if is_source[j] else n_sources
        current[j] -= strength * others
    return n_sources * (n - 1)
