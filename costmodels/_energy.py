"""Event counts as the device executes them, energy per event, and energy by component.

Event-driven profiles pay per event of the ``Activity``; dense profiles pay for every synapse,
every neuron and (training) every weight's STDP update every timestep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from costmodels._design import DesignArrays
from costmodels._mapping import ChipMapping
from costmodels._network import POST_TRACES, Network
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
    hop: float
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
    spike = ev.spike.value if ev.spike else 0.0
    hop = ev.spike_hop.value if ev.spike_hop else 0.0
    if ev.learning_update is not None:
        learn = np.full(d.size, ev.learning_update.value)
        return EventEnergies(synaptic, active, idle, spike, hop, learn, learn, learn, learn)
    stdp = ops(("multiply", "add", "compare"), d.weight_bits)
    return EventEnergies(synaptic, active, idle, spike, hop, stdp, stdp,
                         ops(("multiply",), d.weight_bits), ops(("multiply", "add"), d.weight_bits))


def executed_counts(dense: bool, d: DesignArrays, activity: Counts, training: bool) -> Counts:
    """Operations the device performs per sample for ``activity`` (``dense``: a device that
    touches every synapse and neuron every timestep).

    Keys: synaptic, inhibitory, neuron_active, neuron_idle, neuron_updates (both), spikes,
    exc_spikes, inh_spikes, depression, potentiation, stdp (both), decay, normalisation,
    learning (all weight updates), trace_writes, exc_updates, timesteps.
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
        "inh_spikes": activity["inh_spikes"],
        "decay": activity["decay_updates"] if training else zero,
        "normalisation": activity["normalisation_updates"] if training else zero,
        "timesteps": steps,
    }
    if dense:
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
    out["neuron_updates"] = out["neuron_active"] + out["neuron_idle"]
    out["stdp"] = out["depression"] + out["potentiation"]
    out["learning"] = learning_updates(out)
    return out


def structural_counts(d: DesignArrays) -> Counts:
    """Per-timestep upper bound of every executed count: dense training execution of one step
    in which every input and every neuron spikes (inference counts are the same without the
    learning terms, which only training-phase access rules read)."""
    one = np.ones(d.size)
    full = {"input_spikes": d.inputs, "exc_spikes": d.neurons, "inh_spikes": d.inhibitory_neurons,
            "timesteps": one, "depression_updates": d.inputs * d.neurons,
            "potentiation_updates": d.inputs * d.neurons, "decay_updates": d.inputs * d.neurons,
            "normalisation_updates": d.inputs * d.neurons}
    return executed_counts(True, d, full, True)


def learning_updates(counts: Counts) -> np.ndarray:
    """Weight updates of all kinds per sample."""
    return counts["depression"] + counts["potentiation"] + counts["decay"] + counts["normalisation"]


def spike_messages(net: Network, m: ChipMapping, counts: Counts) -> np.ndarray:
    """Spike messages per sample: each routed spike of a population is one message to every
    core holding one of its targets (``ChipMapping.messages``)."""
    total = np.zeros(net.size)
    for pop in net.populations:
        if pop.spikes:
            total = total + counts[pop.spikes] * m.messages[pop.name]
    return total


def compute_energy(e: EventEnergies, counts: Counts, messages: np.ndarray,
                   hops: np.ndarray) -> dict[str, np.ndarray]:
    """Energy (J) of the compute components: synaptic_ops, inhibition, neuron_updates, spikes
    (messages x (spike + hops x spike_hop)), learning."""
    return {
        "synaptic_ops": counts["synaptic"] * e.synaptic,
        "inhibition": counts["inhibitory"] * e.synaptic,
        "neuron_updates": counts["neuron_active"] * e.neuron_active + counts["neuron_idle"] * e.neuron_idle,
        "spikes": messages * (e.spike + hops * e.hop),
        "learning": counts["depression"] * e.depression + counts["potentiation"] * e.potentiation
        + counts["decay"] * e.decay + counts["normalisation"] * e.normalisation,
    }


def level_traffic(profile: DeviceProfile, traffic: dict[str, tuple[np.ndarray, np.ndarray]],
                  placement: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(read bits, write bits) per memory level and design, arrays of shape (levels, designs).
    A component placed nowhere (design does not fit) is priced at the outermost level."""
    size = next(iter(traffic.values()))[0].shape[0]
    reads, writes = np.zeros((len(profile.memory), size)), np.zeros((len(profile.memory), size))
    columns = np.arange(size)
    last = len(profile.memory) - 1
    for name, (read, write) in traffic.items():
        level = np.where(placement[name] < 0, last, placement[name])
        reads[level, columns] += read  # one level per design and component
        writes[level, columns] += write
    return reads, writes


def memory_energy(profile: DeviceProfile, reads: np.ndarray, writes: np.ndarray) -> dict[str, np.ndarray]:
    """Energy (J) per memory level ``memory_<level>``: bits moved x (read|write energy / word_bits)."""
    return {f"memory_{lvl.name}": reads[i] * (lvl.read.value / lvl.word_bits)
            + writes[i] * (lvl.write.value / lvl.word_bits)
            for i, lvl in enumerate(profile.memory)}
