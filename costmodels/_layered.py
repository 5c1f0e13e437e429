"""Pricing of the layered families (``surrogate``, ``imsnn``, ``ann``, ``converted``).

A layered design is ``layers = (inputs, hidden..., outputs)`` with all-to-all projections,
weights at ``weight_bits`` and neuron state (membranes; ANN activations) at ``state_bits``.
Its cost reads per-projection activity: synaptic events (presynaptic spikes x fan-out) and
MACs, as ``sim`` measures them (``activity`` dicts with ``synaptic_events_per_projection``,
``macs_per_projection``, ``spikes_per_layer``) or as :func:`estimated_activity` assumes.

Operations the device executes per sample:

- event-driven profiles: every synaptic event is one synaptic op; ``imsnn`` adds a multiply
  at ``weight_bits`` per event (``w x G(phi)``) and reads its synapse's ``mu`` and ``sigma``;
  every MAC (an ANN layer, a direct-coded analog first layer) is a multiply and an add.
- dense profiles pay every synapse of a spiking projection every step (``fan_in x fan_out x
  T`` MACs; a direct-coded first layer once per sample: its input does not change), and an
  ANN's MACs once.
- neuron updates: spiking neurons x T (active when the neuron received an event, else idle);
  an ANN pays one activation (a compare, ReLU) per neuron. Spikes are routed (``events.spike``
  and ``spike_hop``).

Energy per event: ``events.synaptic_op`` when given, else an add at max(weight, state) bits
(dense: plus a multiply); a MAC is a multiply plus an add from the ``compute`` tables, or
the profile's ``synaptic_op`` where it has no tables (a dense device's op is a MAC; on
``loihi1_like`` that is an assumption: Loihi 1 has no graded-input MAC).

Memory components (bytes): ``weights`` (synapses x weight_bits + biases), ``isi_parameters``
(``imsnn``: mu and sigma per synapse at weight_bits), ``neuron_state`` (spiking: one membrane
per neuron; ANN: the activations of the two widest consecutive layers, double-buffered),
``isi_counters`` (``imsnn``: one phi per presynaptic neuron, ceil(log2(T + 1)) bits). They are
mapped by the mapper of every family (:func:`layered_network` describes the design as
populations and projections; ``costmodels._mapping.map_network``): components packed with
capacity shared, innermost first by bits moved per bit stored under the estimated activity,
written components never in a read-only level; each layer split over cores under the per-core
neuron, synapse-memory and fan-in limits. A component no level can take, more cores than the
device has, or a fan-in above the per-core limit makes the design not fit (``fits``,
``fit_reason``); an unplaced component is priced in the outermost level. Traffic: a weight
read per synaptic op or MAC (imsnn: three words: w, mu, sigma), neuron state read and
written per update, phi read and written per presynaptic neuron and step.

Latency: the equation of every family (``costmodels._latency.latency``): (synaptic ops +
MACs) x ``timing.synaptic_op`` + neuron updates + weight updates + spike messages x hops x
``timing.spike_hop``, over ``parallel_units`` x cores used, at least the slowest memory
level's transfer time, plus T x (``timestep_overhead`` + ``sync_per_core`` x (cores - 1))
(1 step for ``ann``). Spikes: one message per spike and core holding its targets, at
``events.spike`` + hops x ``events.spike_hop``. Static energy = static power of the cores
used (``costmodels._mapping.static_power``, plus memory leakage) x latency.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from costmodels._latency import latency
from costmodels._mapping import ChipMapping, fit_reason, map_network, static_power
from costmodels._network import MemoryComponent, Network, Population, Projection, Written
from costmodels._ops import op_energy, op_fields
from hwprofiles import DeviceProfile
from snn_dse.domains import CODINGS, FLOAT_BITS, LAYERED_FAMILIES
from snn_dse.errors import InputError

#: Assumption for estimated activity: spikes per spiking neuron per step. 0.15 is what the
#: unregularised ``surrogate`` 784-256-10 produces on Fashion-MNIST at T = 25 (950 hidden
#: spikes per sample, snnTorch anchor; benchmarks/RESULTS.md spike_economy).
DEFAULT_SPIKE_RATE = 0.15
#: Fashion-MNIST mean pixel value: the default input spike probability per step (rate coding).
DEFAULT_MEAN_INTENSITY = 0.286
COMPONENTS = ("weights", "isi_parameters", "neuron_state", "isi_counters")


@dataclass(frozen=True)
class LayeredDesign:
    """One layered network: ``layers`` widths (inputs first), family, precision, steps, coding."""

    family: str
    layers: tuple[int, ...]
    weight_bits: int = 8
    state_bits: int = 16
    timesteps: int = 25
    coding: str = "rate"

    def __post_init__(self) -> None:
        if self.family not in LAYERED_FAMILIES:
            raise InputError(f"family: expected one of {', '.join(LAYERED_FAMILIES)}, "
                             f"got {self.family!r}")
        if self.coding not in CODINGS:
            raise InputError(f"coding: expected one of {', '.join(CODINGS)}, got {self.coding!r}")
        layers = tuple(int(n) for n in self.layers)
        if len(layers) < 2 or min(layers) < 1:
            raise InputError(f"layers: expected at least inputs and outputs, all >= 1, got {list(layers)}")
        object.__setattr__(self, "layers", layers)
        for name in ("weight_bits", "state_bits"):
            if not 1 <= getattr(self, name) <= 32:
                raise InputError(f"{name}: expected 1..32 (32 = float32), got {getattr(self, name)}")
        if self.timesteps < 1:
            raise InputError(f"timesteps: expected >= 1, got {self.timesteps}")

    @property
    def spiking(self) -> bool:
        return self.family != "ann"

    @property
    def neurons(self) -> int:
        """Neurons the device holds: every hidden and output neuron (``check_limits``)."""
        return sum(self.layers[1:])

    @property
    def inhibitory_neurons(self) -> int:
        """None: layered networks have no inhibitory population (``check_limits``)."""
        return 0

    @property
    def steps(self) -> int:
        """Steps the device runs per sample (1 for the ANN)."""
        return self.timesteps if self.spiking else 1

    @property
    def synapses(self) -> list[int]:
        return [a * b for a, b in itertools.pairwise(self.layers)]

    def twin(self) -> LayeredDesign:
        """The ANN with the same layers and precision."""
        return LayeredDesign("ann", self.layers, self.weight_bits, self.state_bits, 1, "direct")


@dataclass(frozen=True)
class LayeredActivity:
    """Per-sample counts of one phase: per projection synaptic events and MACs, per layer
    spikes (hidden..., output), input spikes; ``backward_macs``/``weight_updates`` (training)."""

    synaptic_events: tuple[float, ...]
    macs: tuple[float, ...]
    spikes: tuple[float, ...]
    input_spikes: float = 0.0
    backward_macs: float = 0.0
    weight_updates: float = 0.0
    source: str = "measured"

    @classmethod
    def from_sim(cls, counts: Mapping[str, Any], source: str = "measured") -> LayeredActivity:
        """From a ``dse simulate --json`` activity phase of a layered family."""
        try:
            events = tuple(float(v) for v in counts["synaptic_events_per_projection"])
            macs = tuple(float(v) for v in counts["macs_per_projection"])
            spikes = tuple(float(v) for v in counts["spikes_per_layer"])
        except (KeyError, TypeError) as err:
            raise InputError("activity: a layered family's activity needs "
                             "synaptic_events_per_projection, macs_per_projection and "
                             "spikes_per_layer (the output of dse simulate --family ... --json)") from err
        total_macs = float(counts.get("macs", sum(macs)))
        return cls(events, macs, spikes, float(counts.get("input_spikes", 0.0)),
                   max(total_macs - sum(macs), 0.0), float(counts.get("weight_updates", 0.0)),
                   source)


@dataclass(frozen=True)
class _Batch:
    """Designs of one family, coding and depth as arrays (one element per design): the form
    every pricing equation below computes on, one design or thousands alike."""

    family: str
    coding: str
    layers: tuple[np.ndarray, ...]
    weight_bits: np.ndarray
    state_bits: np.ndarray
    timesteps: np.ndarray

    @classmethod
    def of(cls, designs: Sequence[LayeredDesign]) -> _Batch:
        """``designs`` (same family, coding and depth) as arrays."""
        first = designs[0]
        if any((d.family, d.coding, len(d.layers)) != (first.family, first.coding, len(first.layers))
               for d in designs):
            raise ValueError("a batch holds designs of one family, coding and depth")
        widths = np.array([d.layers for d in designs], dtype=float)
        return cls(first.family, first.coding, tuple(widths.T),
                   np.array([d.weight_bits for d in designs], dtype=float),
                   np.array([d.state_bits for d in designs], dtype=float),
                   np.array([d.timesteps for d in designs], dtype=float))

    @property
    def size(self) -> int:
        return int(self.weight_bits.shape[0])

    @property
    def spiking(self) -> bool:
        return self.family != "ann"

    @property
    def steps(self) -> np.ndarray:
        """Steps the device runs per sample (1 for the ANN)."""
        return self.timesteps if self.spiking else np.ones(self.size)

    @property
    def synapses(self) -> list[np.ndarray]:
        return [a * b for a, b in itertools.pairwise(self.layers)]

    @property
    def neurons(self) -> np.ndarray:
        return sum(self.layers[1:], np.zeros(self.size))

    @property
    def isi_presynaptic(self) -> np.ndarray:
        """Presynaptic neurons that keep an ISI counter (``imsnn``: rate-coded inputs, hidden)."""
        return (self.layers[0] if self.coding == "rate" else 0) + sum(self.layers[1:-1],
                                                                     np.zeros(self.size))

    @property
    def phi_bits(self) -> np.ndarray:
        """Bits of one ISI counter: ceil(log2(T + 1))."""
        return _by_value(lambda t: float(math.ceil(math.log2(int(t) + 1))), self.timesteps)


def _by_value(function: Any, *columns: np.ndarray) -> np.ndarray:
    """``function`` of each row of ``columns``, evaluated once per distinct row (scalar code:
    the same float operations whatever the batch)."""
    rows = np.stack(columns, axis=1)
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    values = np.array([function(*row) for row in distinct], dtype=float)
    return values[np.asarray(inverse).reshape(-1)]


@dataclass(frozen=True)
class _Counts:
    """Per-sample counts of one phase for a :class:`_Batch` (fields of
    :class:`LayeredActivity`, each an array per design; tuples per projection or layer)."""

    synaptic_events: tuple[np.ndarray, ...]
    macs: tuple[np.ndarray, ...]
    spikes: tuple[np.ndarray, ...]
    input_spikes: np.ndarray
    backward_macs: np.ndarray
    weight_updates: np.ndarray

    @classmethod
    def of(cls, activity: LayeredActivity, design: LayeredDesign) -> _Counts:
        """One design's activity, checked against its projections."""
        n_proj = len(design.layers) - 1
        for name, values in (("synaptic_events", activity.synaptic_events), ("macs", activity.macs)):
            if len(values) != n_proj:
                raise InputError(f"activity: {name} has {len(values)} projections, the design "
                                 f"{list(design.layers)} has {n_proj}")

        def one(value: float) -> np.ndarray:
            return np.array([float(value)])

        return cls(tuple(map(one, activity.synaptic_events)), tuple(map(one, activity.macs)),
                   tuple(map(one, activity.spikes)), one(activity.input_spikes),
                   one(activity.backward_macs), one(activity.weight_updates))

    def activity(self, source: str) -> LayeredActivity:
        """The first design's counts."""
        return LayeredActivity(tuple(float(v[0]) for v in self.synaptic_events),
                               tuple(float(v[0]) for v in self.macs),
                               tuple(float(v[0]) for v in self.spikes),
                               float(self.input_spikes[0]), float(self.backward_macs[0]),
                               float(self.weight_updates[0]), source)


def _estimated(b: _Batch, spike_rate: float, mean_intensity: float, training: bool,
               batch_size: int) -> _Counts:
    """:func:`estimated_activity` of every design of ``b``."""
    layers, t, zero = b.layers, b.timesteps, np.zeros(b.size)
    n_proj = len(layers) - 1
    if not b.spiking:
        macs: tuple[np.ndarray, ...] = tuple(b.synapses)
        events: tuple[np.ndarray, ...] = (zero,) * n_proj
        spikes: tuple[np.ndarray, ...] = (zero,) * n_proj
        input_spikes = zero
    else:
        rate = b.coding == "rate"
        spikes = tuple(spike_rate * n * t for n in layers[1:])
        input_spikes = layers[0] * mean_intensity * t if rate else zero
        events = (input_spikes * layers[1] if rate else zero,
                  *(spikes[k] * layers[k + 2] for k in range(n_proj - 1)))
        macs = (zero if rate else layers[0] * layers[1],) + (zero,) * (n_proj - 1)
    backward = updates = zero
    if training:
        steps = b.steps
        first_steps = 1 if (not b.spiking or b.coding == "direct") else steps
        backward = sum(((first_steps if k == 0 else 2 * steps) * s
                        for k, s in enumerate(b.synapses)), zero)
        updates = (sum(b.synapses, zero) + sum(layers[1:], zero)) / batch_size
    return _Counts(events, macs, spikes, input_spikes, backward, updates)


def estimated_activity(design: LayeredDesign, *, spike_rate: float = DEFAULT_SPIKE_RATE,
                       mean_intensity: float = DEFAULT_MEAN_INTENSITY,
                       training: bool = False, batch_size: int = 128) -> LayeredActivity:
    """Counts without simulation: input spikes = inputs x mean_intensity x T (rate coding);
    each spiking neuron fires ``spike_rate`` per step; an ANN pays every MAC. Training adds
    the dense backward pass and one Adam step per ``batch_size`` samples."""
    _check_rate(spike_rate)
    return _estimated(_Batch.of([design]), spike_rate, mean_intensity, training,
                      batch_size).activity("estimated")


def _check_rate(spike_rate: float) -> None:
    if not 0 <= spike_rate <= 1:
        raise InputError(f"spike_rate: expected spikes per neuron per step in [0, 1], got {spike_rate}")


@dataclass(frozen=True)
class LayeredCost:
    """Cost of one layered design on one profile, SI units (J per sample, bytes, s)."""

    profile: str
    family: str
    layers: tuple[int, ...]
    activity_source: str
    memory_bytes: dict[str, int]
    placement: dict[str, str]
    energy_infer_j: dict[str, float]
    energy_train_j: dict[str, float]
    latency_s: float
    latency_train_s: float
    ops_infer: dict[str, float] = field(default_factory=dict)
    figures: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    fit_reason: str | None = None
    memory_levels: dict[str, dict[str, float | None]] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        """True when the mapper placed every component and the layers' cores and fan-in are
        within the device's (``fit_reason`` is None)."""
        return self.fit_reason is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "layers": list(self.layers),
            "fits": self.fits,
            "fit_reason": self.fit_reason,
            "memory_bytes": dict(self.memory_bytes),
            "memory_levels": {k: dict(v) for k, v in self.memory_levels.items()},
            "placement": dict(self.placement),
            "mapping": dict(self.mapping),
            "energy_per_sample_j": {"train": dict(self.energy_train_j),
                                    "infer": dict(self.energy_infer_j)},
            "latency_per_sample_s": self.latency_s,
            "latency_train_per_sample_s": self.latency_train_s,
            "operations_per_sample": dict(self.ops_infer),
            "profile": self.profile,
            "activity_source": self.activity_source,
            "figures": {k: [dict(f) for f in v] for k, v in self.figures.items()},
        }


def _op(profile: DeviceProfile, name: str, bits: float, floating: bool) -> float:
    return float(op_energy(profile, name, np.array([bits]), np.array([floating]))[0])


def _has_tables(profile: DeviceProfile, *ops: str) -> bool:
    return all(getattr(profile.compute.integer, op) for op in ops)


def _synaptic_op(profile: DeviceProfile, weight_bits: int, state_bits: int) -> float:
    if profile.events.synaptic_op is not None:
        return profile.events.synaptic_op.value
    fl = weight_bits == FLOAT_BITS
    energy = _op(profile, "add", max(weight_bits, state_bits), fl)
    if profile.execution == "dense":
        energy += _op(profile, "multiply", weight_bits, fl)
    return energy


def _mac(profile: DeviceProfile, weight_bits: int, state_bits: int) -> float:
    fl = weight_bits == FLOAT_BITS
    if _has_tables(profile, "add", "multiply"):
        return (_op(profile, "multiply", weight_bits, fl)
                + _op(profile, "add", max(weight_bits, state_bits), fl))
    if profile.events.synaptic_op is None:
        raise InputError(f"profile {profile.id}: needs compute tables or events.synaptic_op to price a MAC")
    return profile.events.synaptic_op.value


def synaptic_op_energy(profile: DeviceProfile, design: LayeredDesign) -> float:
    """J per synaptic op (module docstring)."""
    return _synaptic_op(profile, design.weight_bits, design.state_bits)


def mac_energy(profile: DeviceProfile, design: LayeredDesign) -> float:
    """J per multiply-accumulate at the design's precision (module docstring)."""
    return _mac(profile, design.weight_bits, design.state_bits)


def _unit_energies(profile: DeviceProfile, weight_bits: int, state_bits: int) -> dict[str, float]:
    """J per event at one precision: ``synaptic_op``, ``mac``, neuron update ``active`` and
    ``idle``, ANN activation ``relu``, ISI ``multiply``, weight update ``learn``."""
    ev = profile.events
    fl, state_fl = weight_bits == FLOAT_BITS, state_bits == FLOAT_BITS
    syn = _synaptic_op(profile, weight_bits, state_bits)
    if ev.neuron_update is not None:
        active = ev.neuron_update.value
    else:
        active = sum(_op(profile, op, state_bits, state_fl) for op in ("multiply", "add", "compare"))
    idle = ev.neuron_update_idle.value if ev.neuron_update_idle is not None else active
    # assumption where a profile has no compare table: an activation costs a neuron update
    relu = _op(profile, "compare", state_bits, state_fl) if _has_tables(profile, "compare") else active
    return {
        "synaptic_op": syn,
        "mac": _mac(profile, weight_bits, state_bits),
        "active": active,
        "idle": idle,
        "relu": relu,
        "multiply": _op(profile, "multiply", weight_bits, fl) if _has_tables(profile, "multiply")
        else syn,
        "learn": ev.learning_update.value if ev.learning_update else
        sum(_op(profile, op, weight_bits, fl) for op in ("multiply", "add", "compare")),
    }


def _energies(profile: DeviceProfile, b: _Batch) -> dict[str, np.ndarray]:
    """:func:`_unit_energies` of every design of ``b`` (once per distinct precision)."""
    names = tuple(_unit_energies(profile, int(b.weight_bits[0]), int(b.state_bits[0])))
    return {name: _by_value(lambda w, s, name=name: _unit_energies(profile, int(w), int(s))[name],
                            b.weight_bits, b.state_bits) for name in names}


def _memory_bits(b: _Batch) -> dict[str, np.ndarray]:
    """Bits stored per component of every design of ``b`` (module docstring)."""
    w, s, layers, zero = b.weight_bits, b.state_bits, b.layers, np.zeros(b.size)
    synapses = sum(b.synapses, zero)
    imsnn = b.family == "imsnn"
    if b.spiking:
        state = sum(layers[1:], zero) * s
    else:
        widest = np.maximum.reduce([a + c for a, c in itertools.pairwise(layers)])
        state = widest * s
    return {
        "weights": (synapses + sum(layers[1:], zero)) * w,
        "isi_parameters": 2 * synapses * w if imsnn else zero,
        "neuron_state": state,
        "isi_counters": b.isi_presynaptic * b.phi_bits if imsnn else zero,
    }


def memory_bits(design: LayeredDesign) -> dict[str, float]:
    """Bits stored per component (module docstring)."""
    return {name: float(bits[0]) for name, bits in _memory_bits(_Batch.of([design])).items()}


#: When each component is written at run time (the mapper's read-only rule).
_WRITTEN: dict[str, Written] = {"weights": "training", "isi_parameters": "training",
                                "neuron_state": "always", "isi_counters": "always"}


def population_names(design: LayeredDesign) -> tuple[str, ...]:
    """Population names of ``design``: ``input``, ``hidden1`` ... ``hiddenH``, ``output``."""
    return _population_names(len(design.layers))


def _population_names(depth: int) -> tuple[str, ...]:
    return ("input", *(f"hidden{k}" for k in range(1, depth - 1)), "output")


def _network(b: _Batch) -> Network:
    """:func:`layered_network` of every design of ``b``."""
    names = _population_names(len(b.layers))
    extra = 2 * b.weight_bits if b.family == "imsnn" else np.zeros(b.size)
    populations = tuple(
        Population(name, width, simulated=k > 0,
                   spikes=f"spikes_{name}" if k > 0 and b.spiking else None)
        for k, (name, width) in enumerate(zip(names, b.layers, strict=True)))
    projections = tuple(
        Projection(f"{pre}_to_{post}", pre, post, fan_in=fan_in, fan_out=fan_out,
                   synapses=fan_in * fan_out, weight_bits=b.weight_bits, extra_bits=extra,
                   plastic=True, activity=f"synaptic_{post}", component="weights")
        for (pre, post), (fan_in, fan_out) in zip(itertools.pairwise(names),
                                                  itertools.pairwise(b.layers), strict=True))
    components = tuple(MemoryComponent(name, bits, _WRITTEN[name], (), ())
                       for name, bits in _memory_bits(b).items())
    return Network(b.family, populations, projections, components)


def layered_network(design: LayeredDesign) -> Network:
    """``design`` as a :class:`~costmodels._network.Network` of one design, the description
    the mapper reads for every family: populations ``input`` (a spike source), ``hidden1``...,
    ``output``; one all-to-all projection per pair of consecutive layers (fan-in = the
    previous width, fan-out = the next, ``weight_bits`` per synapse plus mu and sigma for
    ``imsnn``), all trained; the memory components of :func:`memory_bits`. The spikes of the
    spiking layers are routed (``spikes`` count keys ``spikes_<population>``); an ANN's
    activations move inside the datapath. Access rules are empty: a layered family's traffic
    is :func:`_traffic`'s."""
    return _network(_Batch.of([design]))


@dataclass(frozen=True)
class LayeredPlacement:
    """The mapping of a layered design: ``level`` (component -> level index, the outermost
    where nothing could take it), ``used``/``capacity`` bytes per level, ``fit_reason`` (None
    when it fits: every component placed, cores and fan-in within the device's), and the
    mapper's ``network`` and ``mapping`` (cores, hops, messages per spike)."""

    level: dict[str, int]
    used: np.ndarray
    capacity: np.ndarray
    fit_reason: str | None
    network: Network
    mapping: ChipMapping

    @property
    def cores(self) -> int:
        """Cores used (1 on a device without ``cores``)."""
        return int(self.mapping.cores[0])

    def messages(self, spikes: tuple[float, ...]) -> float:
        """Spike messages per sample for ``spikes`` per layer (hidden..., output): each spike
        goes to every core holding one of its targets (``ChipMapping.messages``; one message
        where a layer has none on the chip)."""
        return float(_messages(self.network, self.mapping, tuple(np.array([n]) for n in spikes))[0])


def _messages(net: Network, mapping: ChipMapping, spikes: tuple[np.ndarray, ...]) -> np.ndarray:
    """Spike messages per sample of every design (:meth:`LayeredPlacement.messages`)."""
    one = np.ones(net.size)
    return sum((n * mapping.messages.get(pop.name, one)
                for pop, n in zip(net.populations[1:], spikes, strict=True)), np.zeros(net.size))


def _place(profile: DeviceProfile, b: _Batch) -> tuple[Network, ChipMapping, dict[str, np.ndarray]]:
    """The mapper on every design of ``b`` (:func:`place_layered`): network, mapping and each
    component's level index (the outermost where nothing could take it)."""
    net = _network(b)
    bits = _memory_bits(b)
    moved = {name: np.zeros(b.size) for name in bits}
    for training in (False, True):
        counts = _estimated(b, DEFAULT_SPIKE_RATE, DEFAULT_MEAN_INTENSITY, training, 128)
        ops = _operations(profile, b, counts, training)
        for name, (read, write) in _traffic(b, ops).items():
            moved[name] = moved[name] + (read + write)
    density = {name: moved[name] / np.maximum(v, 1.0) for name, v in bits.items()}
    mapping = map_network(profile, net, density)
    last = len(profile.memory) - 1
    level = {name: np.where(idx >= 0, idx, last) for name, idx in mapping.placement.items()}
    return net, mapping, level


def place_layered(profile: DeviceProfile, design: LayeredDesign) -> LayeredPlacement:
    """Map ``design`` on ``profile`` with the mapper of every family
    (``costmodels._mapping.map_network`` on :func:`layered_network`): memory components packed
    into the levels by access density under the estimated activity, each layer split over
    cores under the per-core neuron, synapse-memory and fan-in limits."""
    net, mapping, level = _place(profile, _Batch.of([design]))
    return LayeredPlacement({name: int(v[0]) for name, v in level.items()}, mapping.used[:, 0],
                            mapping.capacity, fit_reason(profile, net, mapping, 0), net, mapping)


def _traffic(b: _Batch, ops: Mapping[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(read bits, write bits) per sample of each component for the operations ``ops``."""
    words = 3 if b.family == "imsnn" else 1
    updates = ops["neuron_active"] + ops["neuron_idle"] + ops["activations"]
    zero = np.zeros(b.size)
    isi = b.isi_presynaptic * b.timesteps * b.phi_bits if b.family == "imsnn" else zero
    return {
        "weights": ((ops["synaptic_ops"] * words + ops["macs"] + ops["weight_updates"])
                    * b.weight_bits, ops["weight_updates"] * b.weight_bits),
        "neuron_state": (updates * b.state_bits, updates * b.state_bits),
        "isi_counters": (isi, isi),
    }


_OPERATIONS = ("synaptic_ops", "macs", "isi_multiplies", "neuron_active", "neuron_idle",
               "activations", "spikes", "weight_updates")


def _operations(profile: DeviceProfile, b: _Batch, activity: _Counts,
                training: bool) -> dict[str, np.ndarray]:
    """:func:`executed_operations` of every design of ``b``."""
    t, zero = b.steps, np.zeros(b.size)
    neurons = b.neurons
    ops = dict.fromkeys(_OPERATIONS, zero)
    if not b.spiking:
        ops["macs"] = sum(activity.macs, zero)
        ops["activations"] = neurons
    elif profile.execution == "dense":
        static_first = b.coding == "direct"
        ops["macs"] = sum((s * (1 if k == 0 and static_first else t)
                           for k, s in enumerate(b.synapses)), zero)
        ops["neuron_active"] = neurons * t
    else:
        ops["synaptic_ops"] = sum(activity.synaptic_events, zero)
        ops["macs"] = sum(activity.macs, zero)
        if b.family == "imsnn":
            ops["isi_multiplies"] = ops["synaptic_ops"]
        received = ops["synaptic_ops"] + ops["macs"] * t
        ops["neuron_active"] = np.minimum(neurons * t, received)
        ops["neuron_idle"] = neurons * t - ops["neuron_active"]
        ops["spikes"] = sum(activity.spikes, zero)
    if training:
        ops["macs"] = ops["macs"] + activity.backward_macs
        ops["weight_updates"] = activity.weight_updates
    return ops


def executed_operations(profile: DeviceProfile, design: LayeredDesign,
                        activity: LayeredActivity, training: bool) -> dict[str, float]:
    """Operations per sample the device performs (module docstring): ``synaptic_ops``,
    ``macs``, ``isi_multiplies``, ``neuron_active``, ``neuron_idle``, ``activations``,
    ``spikes``, ``weight_updates``."""
    ops = _operations(profile, _Batch.of([design]), _Counts.of(activity, design), training)
    return {name: float(v[0]) for name, v in ops.items()}


@dataclass(frozen=True)
class _Phase:
    """One phase's pricing of a batch: energy ``parts`` (J per design, in the report's order,
    ``memory_<level>`` only where some design uses the level: :attr:`used` says where),
    ``total``, wall ``seconds`` and the executed ``ops``."""

    parts: dict[str, np.ndarray]
    used: dict[str, np.ndarray]
    total: np.ndarray
    seconds: np.ndarray
    ops: dict[str, np.ndarray]


@dataclass(frozen=True)
class _Priced:
    """A batch priced: bytes per component, levels, mapping, both phases, static power."""

    nbytes: dict[str, np.ndarray]
    level: dict[str, np.ndarray]
    network: Network
    mapping: ChipMapping
    infer: _Phase
    train: _Phase
    static_power: np.ndarray


def _price(profile: DeviceProfile, b: _Batch, infer: _Counts, train: _Counts) -> _Priced:
    """Memory, energy per phase and latency of every design of ``b`` (the equations of
    :func:`price_layered`; sums run in the order of the one-design report, so each design's
    figures are the same floats whatever the batch)."""
    net, mapping, level = _place(profile, b)
    nbytes = {name: np.ceil(bits / 8) for name, bits in _memory_bits(b).items()}
    e = _energies(profile, b)
    ev = profile.events
    e_message = (ev.spike.value if ev.spike else 0.0) + mapping.hops * (
        ev.spike_hop.value if ev.spike_hop else 0.0)
    p_static = static_power(profile, mapping.cores)
    read = np.array([lvl.read.value for lvl in profile.memory])
    write = np.array([lvl.write.value for lvl in profile.memory])
    word = np.array([float(lvl.word_bits) for lvl in profile.memory])
    phases = []
    for activity, training in ((infer, False), (train, True)):
        ops = _operations(profile, b, activity, training)
        messages = np.where(ops["spikes"] > 0, _messages(net, mapping, activity.spikes), 0.0)
        parts = {
            "synaptic_ops": ops["synaptic_ops"] * e["synaptic_op"] + ops["isi_multiplies"] * e["multiply"],
            "macs": ops["macs"] * e["mac"],
            "neuron_updates": ops["neuron_active"] * e["active"] + ops["neuron_idle"] * e["idle"]
            + ops["activations"] * e["relu"],
            "spikes": messages * e_message,
            "learning": ops["weight_updates"] * e["learn"],
        }
        total = sum(parts.values(), np.zeros(b.size))
        traffic = list(_traffic(b, ops).items())
        level_bits = [np.zeros(b.size) for _ in profile.memory]
        used: dict[str, np.ndarray] = {}
        # a level's energy sums its components in traffic order; levels enter the total in
        # the order their first component comes (the one-design report's insertion order)
        for k, (name, (r, w)) in enumerate(traffic):
            at = level[name]
            for j in range(len(profile.memory)):
                level_bits[j] = level_bits[j] + np.where(at == j, r + w, 0.0)
            first = np.ones(b.size, dtype=bool)
            for earlier, _ in traffic[:k]:
                first &= level[earlier] != at
            energy = (r * read[at] + w * write[at]) / word[at]
            for later, (r2, w2) in traffic[k + 1:]:
                there = level[later]
                energy = energy + np.where(there == at, (r2 * read[there] + w2 * write[there])
                                           / word[there], 0.0)
            energy = np.where(first, energy, 0.0)
            total = total + energy
            for j, lvl in enumerate(profile.memory):
                mask = first & (at == j)
                if mask.any():
                    key = f"memory_{lvl.name}"
                    parts[key] = parts.get(key, np.zeros(b.size)) + np.where(mask, energy, 0.0)
                    used[key] = used.get(key, np.zeros(b.size, dtype=bool)) | mask
        seconds = _latency(profile, b, ops, np.array(level_bits), mapping, messages)
        parts["static"] = p_static * seconds
        total = total + parts["static"]
        phases.append(_Phase(parts, used, total, seconds, ops))
    return _Priced(nbytes, level, net, mapping, phases[0], phases[1], p_static)


def _latency(profile: DeviceProfile, b: _Batch, ops: Mapping[str, np.ndarray],
             level_bits: np.ndarray, mapping: ChipMapping, messages: np.ndarray) -> np.ndarray:
    """Busy seconds per sample by the equation of every family (``costmodels._latency``):
    synaptic ops, ISI multiplies and MACs at ``timing.synaptic_op``, neuron updates and
    activations, weight updates and spike hops shared by the cores the mapping uses."""
    counts = {
        "synaptic": ops["synaptic_ops"] + ops["isi_multiplies"] + ops["macs"],
        "inhibitory": np.zeros(b.size),
        "neuron_active": ops["neuron_active"] + ops["activations"],
        "neuron_idle": ops["neuron_idle"],
        "learning": ops["weight_updates"],
        "timesteps": b.steps,
    }
    return latency(profile, counts, level_bits, mapping.cores, messages, mapping.hops)


def price_layered(profile: DeviceProfile, design: LayeredDesign, *,
                  infer: LayeredActivity | None = None,
                  train: LayeredActivity | None = None) -> LayeredCost:
    """Memory, energy per training and inference sample, and latency of ``design``.

    ``infer``/``train``: measured activity (``LayeredActivity.from_sim``); ``None`` uses
    :func:`estimated_activity`.
    """
    infer = infer or estimated_activity(design)
    train = train or estimated_activity(design, training=True)
    priced = _price(profile, _Batch.of([design]), _Counts.of(infer, design),
                    _Counts.of(train, design))
    names = [lvl.name for lvl in profile.memory]
    placement = {name: names[int(v[0])] for name, v in priced.level.items()}
    nbytes = {name: math.ceil(v[0]) for name, v in priced.nbytes.items()}
    mapping = priced.mapping

    def energy(phase: _Phase) -> dict[str, float]:
        parts = {k: float(v[0]) for k, v in phase.parts.items()
                 if k not in phase.used or phase.used[k][0]}
        return {"total": float(phase.total[0]), **parts}

    p_static = float(priced.static_power[0])
    return LayeredCost(
        profile=profile.id, family=design.family, layers=design.layers,
        activity_source=infer.source if infer.source == train.source else "mixed",
        memory_bytes={"total": sum(nbytes.values()), **nbytes},
        placement=placement,
        energy_infer_j=energy(priced.infer), energy_train_j=energy(priced.train),
        latency_s=float(priced.infer.seconds[0]), latency_train_s=float(priced.train.seconds[0]),
        ops_infer={k: float(v[0]) for k, v in priced.infer.ops.items()},
        figures=_figures(profile, design, placement),
        fit_reason=fit_reason(profile, priced.network, mapping, 0),
        memory_levels={
            lvl.name: {"used_bytes": float(mapping.used[j, 0]),
                       "capacity_bytes": None if math.isinf(mapping.capacity[j])
                       else float(mapping.capacity[j])}
            for j, lvl in enumerate(profile.memory)},
        mapping={
            "cores": int(mapping.cores[0]),
            "core_limit": None if math.isinf(mapping.core_limit) else int(mapping.core_limit),
            "hops_per_spike": float(mapping.hops[0]),
            "messages_per_spike": {k: float(v[0]) for k, v in mapping.messages.items()},
            "static_power_w": p_static,
            "family": priced.network.family,
        },
    )


def price_layered_many(profile: DeviceProfile, designs: Sequence[LayeredDesign], *,
                       spike_rate: float = DEFAULT_SPIKE_RATE,
                       mean_intensity: float = DEFAULT_MEAN_INTENSITY) -> pd.DataFrame:
    """Price many layered designs at once with :func:`estimated_activity` (the pre-screen).

    Designs are priced in groups of one family, coding and depth, each group vectorised;
    every figure equals :func:`price_layered`'s for the same design and activity. Returns one
    row per design, in order: ``memory_total`` and ``memory_<component>`` (bytes), ``fits``
    (the mapper and the device's precision and neuron limits: :func:`check_limits`'s verdict),
    ``cores``, ``energy_infer_total`` and ``energy_train_total`` (J per sample), ``latency_s``
    and ``latency_train_s`` (s per sample).
    """
    _check_rate(spike_rate)
    groups: dict[tuple[str, str, int], list[int]] = {}
    for i, design in enumerate(designs):
        groups.setdefault((design.family, design.coding, len(design.layers)), []).append(i)
    columns: dict[str, np.ndarray] = {}
    n = len(designs)

    def put(name: str, rows: list[int], values: np.ndarray) -> None:
        columns.setdefault(name, np.zeros(n, dtype=values.dtype))[rows] = values

    limits = profile.limits
    for rows in groups.values():
        b = _Batch.of([designs[i] for i in rows])
        priced = _price(profile, b, *(_estimated(b, spike_rate, mean_intensity, training, 128)
                                      for training in (False, True)))
        put("memory_total", rows, sum(priced.nbytes.values(), np.zeros(b.size)))
        for name, values in priced.nbytes.items():
            put(f"memory_{name}", rows, values)
        fits = priced.mapping.fits.copy()
        if limits.weight_bits:
            fits &= (b.weight_bits >= limits.weight_bits[0]) & (b.weight_bits <= limits.weight_bits[1])
        if limits.max_neurons is not None:
            fits &= b.neurons <= limits.max_neurons
        put("fits", rows, fits)
        put("cores", rows, priced.mapping.cores)
        put("energy_infer_total", rows, priced.infer.total)
        put("energy_train_total", rows, priced.train.total)
        put("latency_s", rows, priced.infer.seconds)
        put("latency_train_s", rows, priced.train.seconds)
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def _figures(profile: DeviceProfile, design: LayeredDesign,
             placement: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """Component -> the profile figures that priced it (field, value, basis, reference)."""
    from costmodels._estimate import _figure_table, _record

    table = _figure_table(profile)
    fl = design.weight_bits == FLOAT_BITS

    def given(*names: str) -> list[str]:
        return [n for n in names if n in table]

    dense = profile.execution == "dense"
    synaptic = given("events.synaptic_op") or op_fields(
        profile, ("add", "multiply") if dense else ("add",), fl)
    if design.family == "imsnn" and _has_tables(profile, "multiply"):
        synaptic = synaptic + op_fields(profile, ("multiply",), fl)
    macs = (op_fields(profile, ("multiply", "add"), fl) if _has_tables(profile, "add", "multiply")
            else given("events.synaptic_op"))
    fields: dict[str, list[str]] = {
        "synaptic_ops": synaptic,
        "macs": macs,
        "neuron_updates": given("events.neuron_update", "events.neuron_update_idle")
        or op_fields(profile, ("multiply", "add", "compare"), fl),
        "spikes": given("events.spike", "events.spike_hop", "events.hops_per_spike"),
        "learning": given("events.learning_update")
        or op_fields(profile, ("multiply", "add", "compare"), fl),
        "latency": [n for n in table if n.startswith("timing.") or n.endswith(".bandwidth")],
        "static": given("static.power") + [n for n in table if n.endswith(".leakage")],
    }
    for lvl in profile.memory:
        fields[f"memory_{lvl.name}"] = given(f"memory.{lvl.name}.read", f"memory.{lvl.name}.write")
    for component, level in placement.items():
        fields[component] = given(f"memory.{level}.capacity")
    return {component: [_record(profile, name, table[name]) for name in names]
            for component, names in fields.items()}


def break_even_spike_rate(profile: DeviceProfile, design: LayeredDesign, *,
                          mean_intensity: float = DEFAULT_MEAN_INTENSITY) -> float | None:
    """The spike rate (spikes per spiking neuron per step, hidden and output) below which the
    spiking ``design`` costs less inference energy than its ANN twin on ``profile``; ``None``
    when it is dearer at every rate in [0, 1], 1.0 when it is cheaper at every rate.

    The input coding is held fixed (rate-coded input spikes at ``mean_intensity`` do not
    depend on the network's rate). Energy grows monotonically with the rate, so bisection.
    """
    ann = price_layered(profile, design.twin()).energy_infer_j["total"]

    def snn(rate: float) -> float:
        act = estimated_activity(design, spike_rate=rate, mean_intensity=mean_intensity)
        return price_layered(profile, design, infer=act).energy_infer_j["total"]

    if snn(0.0) >= ann:
        return None
    if snn(1.0) <= ann:
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(40):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if snn(mid) < ann else (low, mid)
    return 0.5 * (low + high)
