"""Event counts as the device executes them, energy per event, and energy by component.

Event-driven profiles pay per event of the ``Activity``; dense profiles pay for every synapse,
every neuron and (training) every weight's STDP update every timestep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from costmodels._design import DesignArrays
from costmodels._memory import LABEL_BITS, POST_TRACES
from costmodels._ops import op_energy
from hwprofiles import DeviceProfile

Counts = dict[str, np.ndarray]


@dataclass(frozen=True)
class EventEnergies:
    """Energy (J) per event for each design."""

    synaptic: np.ndarray
    neuron_active: np.ndarray
    neuron_idle: np.ndarray
    spike: float
    depression: np.ndarray
    potentiation: np.ndarray
    decay: np.ndarray
    normalisation: np.ndarray


def event_energies(profile: DeviceProfile, d: DesignArrays) -> EventEnergies:
    """Per-event energies: ``events.*`` where given, else primitive ops.

    synaptic op: add at max(weight_bits, state_bits) (dense: plus a multiply at weight_bits);
    neuron update: multiply (leak) + add + compare at state_bits; depression/potentiation:
    multiply + add + compare at weight_bits; decay: multiply; normalisation: multiply + add.
    Float32 designs use float32 ops throughout.
    """
    ev, fl = profile.events, d.floating
    acc = np.maximum(d.weight_bits, d.state_bits)

    def ops(names: tuple[str, ...], bits: np.ndarray) -> np.ndarray:
        return sum((op_energy(profile, name, bits, fl) for name in names), np.zeros(d.size))

    if ev.synaptic_op is not None:
        synaptic = np.full(d.size, ev.synaptic_op.value)
    else:
        synaptic = ops(("add",), acc)
        if profile.execution == "dense":
            synaptic = synaptic + ops(("multiply",), d.weight_bits)
    if ev.neuron_update is not None:
        active = np.full(d.size, ev.neuron_update.value)
    else:
        active = ops(("multiply", "add", "compare"), d.state_bits)
    idle = np.full(d.size, ev.neuron_update_idle.value) if ev.neuron_update_idle else active
    hops = ev.hops_per_spike.value if ev.hops_per_spike else 1.0
    spike = (ev.spike.value if ev.spike else 0.0) + hops * (ev.spike_hop.value if ev.spike_hop else 0.0)
    if ev.learning_update is not None:
        learn = np.full(d.size, ev.learning_update.value)
        return EventEnergies(synaptic, active, idle, spike, learn, learn, learn, learn)
    stdp = ops(("multiply", "add", "compare"), d.weight_bits)
    return EventEnergies(synaptic, active, idle, spike, stdp, stdp,
                         ops(("multiply",), d.weight_bits), ops(("multiply", "add"), d.weight_bits))


def executed_counts(profile: DeviceProfile, d: DesignArrays, activity: Counts, training: bool) -> Counts:
    """Operations the device performs per sample for ``activity``.

    Keys: synaptic, inhibitory, neuron_active, neuron_idle, spikes, depression, potentiation,
    decay, normalisation, trace_writes, exc_updates, exc_spikes, timesteps.
    Event-driven: the activity's counts; an update is active when its neuron received an event
    (active = min(neuron_updates, synaptic + inhibitory events)). Dense, with T = timesteps:
    synaptic = inputs x N x T, inhibitory = (N + N^2) x T (population) or N x T (direct),
    all (exc + inh) x T neuron updates active, depression = potentiation = inputs x N x T.
    """
    steps = activity["timesteps"]
    zero = np.zeros(d.size)
    exc_fraction = d.neurons / d.total_neurons
    out: Counts = {
        "spikes": activity["exc_spikes"] + activity["inh_spikes"],
        "exc_spikes": activity["exc_spikes"],
        "decay": activity["decay_updates"] if training else zero,
        "normalisation": activity["normalisation_updates"] if training else zero,
        "timesteps": steps,
    }
    if profile.execution == "dense":
        updates = d.total_neurons * steps
        dense_stdp = d.inputs * d.neurons * steps if training else zero
        out |= {
            "synaptic": d.inputs * d.neurons * steps,
            "inhibitory": np.where(d.population, d.neurons + d.neurons**2, d.neurons) * steps,
            "neuron_active": updates,
            "neuron_idle": zero,
            "depression": dense_stdp,
            "potentiation": dense_stdp,
            "trace_writes": (d.inputs + POST_TRACES * d.neurons) * steps if training else zero,
            "exc_updates": d.neurons * steps,
        }
    else:
        updates = activity["neuron_updates"]
        active = np.minimum(updates, activity["synaptic_events"] + activity["inhibitory_events"])
        out |= {
            "synaptic": activity["synaptic_events"],
            "inhibitory": activity["inhibitory_events"],
            "neuron_active": active,
            "neuron_idle": updates - active,
            "depression": activity["depression_updates"] if training else zero,
            "potentiation": activity["potentiation_updates"] if training else zero,
            "trace_writes": (activity["input_spikes"] + POST_TRACES * activity["exc_spikes"])
            if training else zero,
            "exc_updates": updates * exc_fraction,
        }
    return out


def learning_updates(counts: Counts) -> np.ndarray:
    """Weight updates of all kinds per sample."""
    return counts["depression"] + counts["potentiation"] + counts["decay"] + counts["normalisation"]


def compute_energy(e: EventEnergies, counts: Counts) -> dict[str, np.ndarray]:
    """Energy (J) of the compute components: synaptic_ops, inhibition, neuron_updates, spikes, learning."""
    return {
        "synaptic_ops": counts["synaptic"] * e.synaptic,
        "inhibition": counts["inhibitory"] * e.synaptic,
        "neuron_updates": counts["neuron_active"] * e.neuron_active + counts["neuron_idle"] * e.neuron_idle,
        "spikes": counts["spikes"] * e.spike,
        "learning": counts["depression"] * e.depression + counts["potentiation"] * e.potentiation
        + counts["decay"] * e.decay + counts["normalisation"] * e.normalisation,
    }


def traffic_bits(d: DesignArrays, counts: Counts, training: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(read bits, write bits) per memory component and sample.

    input_weights: one weight per synaptic op and per weight update, written back per update;
    inhibitory_weights: one per inhibitory op; neuron_state: read and written per update;
    thresholds: read per excitatory update, written per excitatory spike (training);
    traces (training): written per spike (dense: every trace every step), read per STDP update;
    labels (inference): read per excitatory spike.
    """
    w, s = d.weight_bits, d.state_bits
    updates = learning_updates(counts)
    zero = np.zeros(d.size)
    all_updates = counts["neuron_active"] + counts["neuron_idle"]
    traffic = {
        "input_weights": ((counts["synaptic"] + updates) * w, updates * w),
        "inhibitory_weights": (counts["inhibitory"] * w, zero),
        "neuron_state": (all_updates * s, all_updates * s),
        "thresholds": (counts["exc_updates"] * s, counts["exc_spikes"] * s if training else zero),
        "traces": ((counts["depression"] + counts["potentiation"]) * s, counts["trace_writes"] * s),
        "labels": (zero if training else counts["exc_spikes"] * LABEL_BITS, zero),
    }
    return traffic


def level_traffic(profile: DeviceProfile, traffic: dict[str, tuple[np.ndarray, np.ndarray]],
                  placement: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(read bits, write bits) per memory level and design, arrays of shape (levels, designs)."""
    size = next(iter(traffic.values()))[0].shape[0]
    reads, writes = np.zeros((len(profile.memory), size)), np.zeros((len(profile.memory), size))
    columns = np.arange(size)
    for name, (read, write) in traffic.items():
        reads[placement[name], columns] += read  # one level per design and component
        writes[placement[name], columns] += write
    return reads, writes


def memory_energy(profile: DeviceProfile, reads: np.ndarray, writes: np.ndarray) -> dict[str, np.ndarray]:
    """Energy (J) per memory level ``memory_<level>``: bits moved x (read|write energy / word_bits)."""
    return {f"memory_{lvl.name}": reads[i] * (lvl.read.value / lvl.word_bits)
            + writes[i] * (lvl.write.value / lvl.word_bits)
            for i, lvl in enumerate(profile.memory)}
