"""The network as data: populations, projections and the memory components they store.

A *family* of networks is a builder registered by name (:func:`register_family`) that turns
design arrays into a :class:`Network`; the mapper and the energy equations read only the
description, never the family name. Every array has one element per design.

Access rules make a component's traffic data too: ``reads``/``writes`` are
``(count key, bits per counted event, phase)`` triples, where the count key names an entry
of the executed counts (``costmodels._energy.executed_counts``) and ``phase`` is ``train``,
``infer`` or ``both``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from costmodels._design import DesignArrays
from snn_dse.errors import InputError

Phase = Literal["train", "infer", "both"]
Written = Literal["never", "training", "always"]
#: ``(count key, bits per counted event, phase)``.
Access = tuple[str, np.ndarray, Phase]

#: Bits of one label assignment: ceil(log2(10 classes)).
LABEL_BITS = 4
#: Post-synaptic traces per excitatory neuron (the D&C triplet rule keeps post1 and post2).
POST_TRACES = 2


@dataclass(frozen=True)
class Population:
    """``neurons`` units (0 where a design has none); ``simulated`` False for a spike source
    (input pixels) that has no membrane to update; ``spikes``: the count key of the spikes it
    emits that the device routes (None: spikes arrive from outside)."""

    name: str
    neurons: np.ndarray
    simulated: bool = True
    spikes: str | None = None


@dataclass(frozen=True)
class Projection:
    """Synapses from ``pre`` to ``post``.

    ``fan_in``: synapses (distinct input axons) per post neuron; ``fan_out``: per pre neuron;
    ``synapses``: weights stored (1 for a single shared scalar); ``weight_bits``;
    ``extra_bits``: other state stored per synapse; ``plastic``: training writes the weights;
    ``activity``: the count key of the events this projection delivers; ``component``: the
    memory component that stores its weights.
    """

    name: str
    pre: str
    post: str
    fan_in: np.ndarray
    fan_out: np.ndarray
    synapses: np.ndarray
    weight_bits: np.ndarray
    extra_bits: np.ndarray
    plastic: bool
    activity: str
    component: str

    @property
    def stored_bits(self) -> np.ndarray:
        """Bits stored by this projection per design."""
        return self.synapses * (self.weight_bits + self.extra_bits)


@dataclass(frozen=True)
class MemoryComponent:
    """One block of state the mapper places in a memory level.

    ``bits`` stored per design; ``written``: ``never`` (constant at run time), ``training``
    (written while learning) or ``always``; ``reads``/``writes``: access rules (module doc).
    """

    name: str
    bits: np.ndarray
    written: Written
    reads: tuple[Access, ...]
    writes: tuple[Access, ...]

    @property
    def nbytes(self) -> np.ndarray:
        """Bytes stored (rounded up to whole bytes)."""
        return np.ceil(self.bits / 8.0)


@dataclass(frozen=True)
class Network:
    """Populations, projections and memory components of many designs (one family)."""

    family: str
    populations: tuple[Population, ...]
    projections: tuple[Projection, ...]
    components: tuple[MemoryComponent, ...]

    @property
    def size(self) -> int:
        """Number of designs."""
        return int(self.populations[0].neurons.shape[0])

    def population(self, name: str) -> Population:
        """The population called ``name``."""
        for pop in self.populations:
            if pop.name == name:
                return pop
        raise KeyError(name)

    def component_names(self) -> tuple[str, ...]:
        """Memory component names in description order."""
        return tuple(c.name for c in self.components)


Builder = Callable[[DesignArrays], Network]
_FAMILIES: dict[str, Builder] = {}


def register_family(name: str, builder: Builder) -> None:
    """Register ``builder`` as the network description of family ``name`` (replaces any);
    ``name`` should be one of ``snn_dse.domains.FAMILIES``."""
    _FAMILIES[name] = builder


def families() -> tuple[str, ...]:
    """Registered family names."""
    return tuple(_FAMILIES)


def build_network(family: str, d: DesignArrays) -> Network:
    """The :class:`Network` of ``d`` under ``family``; ``InputError`` for an unknown family."""
    builder = _FAMILIES.get(family)
    if builder is None:
        raise InputError(f"family: unknown network family {family!r}; "
                         f"registered: {', '.join(_FAMILIES)}")
    return builder(d)


def diehl_cook(d: DesignArrays) -> Network:
    """Diehl & Cook (2015): ``inputs`` Poisson pixels -> ``neurons`` excitatory LIF neurons
    (all-to-all plastic weights) with lateral inhibition through an inhibitory population
    (N x N stored inhibitory weights) or SpikeDyn's direct inhibition (one shared scalar).

    Components: input_weights = inputs x N x weight_bits; inhibitory_weights = N^2 x
    weight_bits (population) or weight_bits (direct); neuron_state = (exc + inh) x state_bits;
    thresholds = N x state_bits; traces = (inputs + 2 N) x state_bits; labels = N x 4.
    """
    n, s, w = d.neurons, d.state_bits, d.weight_bits
    zero, one = np.zeros(d.size), np.ones(d.size)
    inh = np.where(d.population, n, 0.0)
    lateral_fan = np.maximum(n - 1, 0.0)
    pop = d.population
    projections = (
        Projection("input", "input", "exc", fan_in=d.inputs, fan_out=n, synapses=d.inputs * n,
                   weight_bits=w, extra_bits=zero, plastic=True, activity="synaptic",
                   component="input_weights"),
        # population inhibition: exc -> inh one to one (fixed, not stored), inh -> all exc
        Projection("exc_to_inh", "exc", "inh", fan_in=np.where(pop, 1.0, 0.0),
                   fan_out=np.where(pop, 1.0, 0.0), synapses=zero, weight_bits=w,
                   extra_bits=zero, plastic=False, activity="inhibitory",
                   component="inhibitory_weights"),
        Projection("inhibition", "inh", "exc", fan_in=np.where(pop, n, 0.0),
                   fan_out=np.where(pop, n, 0.0), synapses=np.where(pop, n * n, 0.0),
                   weight_bits=w, extra_bits=zero, plastic=False, activity="inhibitory",
                   component="inhibitory_weights"),
        # direct lateral inhibition: every exc neuron inhibits the others with one scalar
        Projection("lateral", "exc", "exc", fan_in=np.where(pop, 0.0, lateral_fan),
                   fan_out=np.where(pop, 0.0, lateral_fan), synapses=np.where(pop, 0.0, 1.0),
                   weight_bits=w, extra_bits=zero, plastic=False, activity="inhibitory",
                   component="inhibitory_weights"),
    )
    learning: Access = ("learning", w, "train")
    components = (
        MemoryComponent("input_weights", d.inputs * n * w, "training",
                        reads=(("synaptic", w, "both"), learning), writes=(learning,)),
        MemoryComponent("inhibitory_weights",
                        sum((p.stored_bits for p in projections[1:]), zero), "never",
                        reads=(("inhibitory", w, "both"),), writes=()),
        MemoryComponent("neuron_state", (n + inh) * s, "always",
                        reads=(("neuron_updates", s, "both"),),
                        writes=(("neuron_updates", s, "both"),)),
        MemoryComponent("thresholds", n * s, "training",
                        reads=(("exc_updates", s, "both"),), writes=(("exc_spikes", s, "train"),)),
        MemoryComponent("traces", (d.inputs + POST_TRACES * n) * s, "training",
                        reads=(("stdp", s, "train"),), writes=(("trace_writes", s, "train"),)),
        MemoryComponent("labels", n * LABEL_BITS, "training",
                        reads=(("exc_spikes", LABEL_BITS * one, "infer"),), writes=()),
    )
    populations = (
        Population("input", d.inputs, simulated=False),
        Population("exc", n, spikes="exc_spikes"),
        Population("inh", inh, spikes="inh_spikes"),
    )
    return Network(STDP_FAMILY, populations, projections, components)


#: The Diehl & Cook STDP network's family name (``snn_dse.domains.FAMILIES``).
STDP_FAMILY = "stdp"
register_family(STDP_FAMILY, diehl_cook)


#: Memory components of the Diehl & Cook description, in order.
COMPONENTS = ("input_weights", "inhibitory_weights", "neuron_state", "thresholds", "traces",
              "labels")


def component_bytes(net: Network) -> dict[str, np.ndarray]:
    """Bytes per memory component."""
    return {c.name: c.nbytes for c in net.components}


def footprint_bytes(d: DesignArrays, family: str = "stdp") -> dict[str, np.ndarray]:
    """Bytes per memory component of ``d`` under ``family``."""
    return component_bytes(build_network(family, d))


def access_bits(net: Network, counts: Mapping[str, np.ndarray],
                training: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(read bits, write bits) per component for one sample of ``counts`` (module doc)."""
    phase = "train" if training else "infer"
    zero = np.zeros(net.size)

    def total(rules: tuple[Access, ...]) -> np.ndarray:
        out = zero
        for key, bits, when in rules:
            if when in (phase, "both"):
                out = out + counts[key] * bits
        return out

    return {c.name: (total(c.reads), total(c.writes)) for c in net.components}
