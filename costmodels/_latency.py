"""Latency per sample from per-event times, the cores the mapping uses, memory bandwidth and
per-timestep overhead; wall time per sample under a timing mode."""

from __future__ import annotations

import numpy as np

from costmodels._activity import DT_S
from costmodels._energy import Counts
from hwprofiles import DeviceProfile
from snn_dse.domains import TIMING_MODES as TIMING_MODES


def latency(profile: DeviceProfile, counts: Counts, bits_per_level: np.ndarray,
            cores: np.ndarray, messages: np.ndarray, hops: np.ndarray) -> np.ndarray:
    """Busy seconds per sample (afap):
    T x (timestep_overhead + sync_per_core x (cores - 1)) + max(compute time, slowest memory).

    compute time = ((synaptic + inhibitory) x t_synaptic_op + active updates x t_neuron_update
    + idle updates x t_neuron_update_idle + weight updates x t_learning_update
    + messages x hops x t_spike_hop) / (parallel_units x cores);
    memory time of a level with a bandwidth = bits moved / 8 / bandwidth
    (``bits_per_level``: shape (levels, designs)).
    """
    t = profile.timing
    units = (t.parallel_units.value if t.parallel_units else 1.0) * cores
    hop_time = t.spike_hop.value if t.spike_hop else 0.0
    idle_time = t.neuron_update_idle.value if t.neuron_update_idle else t.neuron_update.value
    compute = ((counts["synaptic"] + counts["inhibitory"]) * t.synaptic_op.value
               + counts["neuron_active"] * t.neuron_update.value
               + counts["neuron_idle"] * idle_time
               + counts["learning"] * t.learning_update.value
               + messages * hops * hop_time) / np.maximum(units, 1.0)
    slowest = compute
    for level, bits in zip(profile.memory, bits_per_level, strict=True):
        if level.bandwidth is not None and level.bandwidth.value > 0:
            slowest = np.maximum(slowest, bits / 8.0 / level.bandwidth.value)
    overhead = t.timestep_overhead.value if t.timestep_overhead else 0.0
    sync = t.sync_per_core.value if t.sync_per_core else 0.0
    return counts["timesteps"] * (overhead + sync * np.maximum(cores - 1.0, 0.0)) + slowest


def wall_time(mode: str, busy: np.ndarray, timesteps: np.ndarray) -> np.ndarray:
    """Wall seconds per sample: ``busy`` (afap) or max(busy, timesteps x dt) (realtime: the
    sample is presented over its own duration; a device slower than real time lags)."""
    if mode == "afap":
        return busy
    if mode == "realtime":
        return np.maximum(busy, timesteps * DT_S)
    raise ValueError(f"timing mode {mode!r}: expected one of {', '.join(TIMING_MODES)}")
