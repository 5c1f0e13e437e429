"""Latency per sample from per-event times, memory bandwidth and per-timestep overhead."""

from __future__ import annotations

import numpy as np

from costmodels._energy import Counts, learning_updates
from hwprofiles import DeviceProfile


def latency(profile: DeviceProfile, counts: Counts,
            bits_per_level: np.ndarray) -> np.ndarray:
    """Seconds per sample: T x timestep_overhead + max(compute time, slowest memory level).

    compute time = ((synaptic + inhibitory) x t_synaptic_op + neuron updates x t_neuron_update
    + weight updates x t_learning_update + spikes x hops x t_spike_hop) / parallel_units;
    memory time of a level with a bandwidth = bits moved / 8 / bandwidth
    (``bits_per_level``: shape (levels, designs)).
    """
    t = profile.timing
    units = t.parallel_units.value if t.parallel_units else 1.0
    hops = profile.events.hops_per_spike.value if profile.events.hops_per_spike else 1.0
    hop_time = t.spike_hop.value if t.spike_hop else 0.0
    compute = ((counts["synaptic"] + counts["inhibitory"]) * t.synaptic_op.value
               + (counts["neuron_active"] + counts["neuron_idle"]) * t.neuron_update.value
               + learning_updates(counts) * t.learning_update.value
               + counts["spikes"] * hops * hop_time) / max(units, 1.0)
    slowest = compute
    for level, bits in zip(profile.memory, bits_per_level, strict=True):
        if level.bandwidth is not None and level.bandwidth.value > 0:
            slowest = np.maximum(slowest, bits / 8.0 / level.bandwidth.value)
    overhead = t.timestep_overhead.value if t.timestep_overhead else 0.0
    return counts["timesteps"] * overhead + slowest
