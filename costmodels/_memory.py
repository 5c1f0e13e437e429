"""Memory footprint by component and placement in the profile's memory hierarchy."""

from __future__ import annotations

import numpy as np

from costmodels._design import DesignArrays
from hwprofiles import DeviceProfile

COMPONENTS = ("input_weights", "inhibitory_weights", "neuron_state", "thresholds", "traces", "labels")
#: Bits of one label assignment: ceil(log2(10 classes)).
LABEL_BITS = 4
#: Post-synaptic traces per excitatory neuron (the D&C triplet rule keeps post1 and post2).
POST_TRACES = 2


def footprint_bits(d: DesignArrays) -> dict[str, np.ndarray]:
    """Bits stored per component.

    input_weights = inputs x neurons x weight_bits; inhibitory_weights = neurons^2 x weight_bits
    (population) or weight_bits (direct: one scalar); neuron_state = (excitatory + inhibitory
    neurons) x state_bits; thresholds = neurons x state_bits; traces = (inputs + 2 neurons) x
    state_bits; labels = neurons x 4.
    """
    return {
        "input_weights": d.inputs * d.neurons * d.weight_bits,
        "inhibitory_weights": np.where(d.population, d.neurons**2, 1.0) * d.weight_bits,
        "neuron_state": d.total_neurons * d.state_bits,
        "thresholds": d.neurons * d.state_bits,
        "traces": (d.inputs + POST_TRACES * d.neurons) * d.state_bits,
        "labels": d.neurons * LABEL_BITS,
    }


def footprint_bytes(d: DesignArrays) -> dict[str, np.ndarray]:
    """Bytes per component (each rounded up to whole bytes)."""
    return {name: np.ceil(bits / 8.0) for name, bits in footprint_bits(d).items()}


def place(profile: DeviceProfile, nbytes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Index of the memory level holding each component: the smallest level whose capacity
    holds the component by itself (capacity is not shared between components); the outermost
    level when none does."""
    capacity = np.array([lvl.capacity.value if lvl.capacity else np.inf for lvl in profile.memory])
    last = len(profile.memory) - 1
    return {name: np.minimum(np.searchsorted(capacity, size, side="left"), last)
            for name, size in nbytes.items()}
