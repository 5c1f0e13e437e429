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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


def estimated_activity(design: LayeredDesign, *, spike_rate: float = DEFAULT_SPIKE_RATE,
                       mean_intensity: float = DEFAULT_MEAN_INTENSITY,
                       training: bool = False, batch_size: int = 128) -> LayeredActivity:
    """Counts without simulation: input spikes = inputs x mean_intensity x T (rate coding);
    each spiking neuron fires ``spike_rate`` per step; an ANN pays every MAC. Training adds
    the dense backward pass and one Adam step per ``batch_size`` samples."""
    if not 0 <= spike_rate <= 1:
        raise InputError(f"spike_rate: expected spikes per neuron per step in [0, 1], got {spike_rate}")
    layers, t = design.layers, design.timesteps
    n_proj = len(layers) - 1
    if not design.spiking:
        macs = tuple(float(s) for s in design.synapses)
        events: tuple[float, ...] = (0.0,) * n_proj
        spikes: tuple[float, ...] = (0.0,) * n_proj
        input_spikes = 0.0
    else:
        spikes = tuple(spike_rate * n * t for n in layers[1:])
        input_spikes = layers[0] * mean_intensity * t if design.coding == "rate" else 0.0
        first = input_spikes * layers[1]
        events = (first if design.coding == "rate" else 0.0,
                  *(spikes[k] * layers[k + 2] for k in range(n_proj - 1)))
        macs = (0.0 if design.coding == "rate" else float(layers[0] * layers[1]),) + (0.0,) * (n_proj - 1)
    backward = updates = 0.0
    if training:
        steps = design.steps
        first_steps = 1 if (not design.spiking or design.coding == "direct") else steps
        backward = sum((first_steps if k == 0 else 2 * steps) * s for k, s in enumerate(design.synapses))
        updates = (sum(design.synapses) + sum(layers[1:])) / batch_size
    return LayeredActivity(events, macs, spikes, input_spikes, backward, updates, "estimated")


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


def synaptic_op_energy(profile: DeviceProfile, design: LayeredDesign) -> float:
    """J per synaptic op (module docstring)."""
    if profile.events.synaptic_op is not None:
        return profile.events.synaptic_op.value
    fl = design.weight_bits == FLOAT_BITS
    energy = _op(profile, "add", max(design.weight_bits, design.state_bits), fl)
    if profile.execution == "dense":
        energy += _op(profile, "multiply", design.weight_bits, fl)
    return energy


def mac_energy(profile: DeviceProfile, design: LayeredDesign) -> float:
    """J per multiply-accumulate at the design's precision (module docstring)."""
    fl = design.weight_bits == FLOAT_BITS
    if _has_tables(profile, "add", "multiply"):
        return (_op(profile, "multiply", design.weight_bits, fl)
                + _op(profile, "add", max(design.weight_bits, design.state_bits), fl))
    if profile.events.synaptic_op is None:
        raise InputError(f"profile {profile.id}: needs compute tables or events.synaptic_op to price a MAC")
    return profile.events.synaptic_op.value


def _neuron_energies(profile: DeviceProfile, design: LayeredDesign) -> tuple[float, float, float]:
    """(active update, idle update, ANN activation) in J."""
    ev, fl = profile.events, design.state_bits == FLOAT_BITS
    if ev.neuron_update is not None:
        active = ev.neuron_update.value
    else:
        active = sum(_op(profile, op, design.state_bits, fl) for op in ("multiply", "add", "compare"))
    idle = ev.neuron_update_idle.value if ev.neuron_update_idle is not None else active
    if _has_tables(profile, "compare"):
        relu = _op(profile, "compare", design.state_bits, fl)
    else:
        relu = active  # assumption: an activation costs what a neuron update does
    return active, idle, relu


def memory_bits(design: LayeredDesign) -> dict[str, float]:
    """Bits stored per component (module docstring)."""
    w, s, layers = design.weight_bits, design.state_bits, design.layers
    synapses = sum(design.synapses)
    imsnn = design.family == "imsnn"
    if design.spiking:
        state = sum(layers[1:]) * s
    else:
        widest = max(a + b for a, b in itertools.pairwise(layers))
        state = widest * s
    isi_pre = (layers[0] if design.coding == "rate" else 0) + sum(layers[1:-1])
    return {
        "weights": float((synapses + sum(layers[1:])) * w),
        "isi_parameters": float(2 * synapses * w if imsnn else 0),
        "neuron_state": float(state),
        "isi_counters": float(isi_pre * math.ceil(math.log2(design.timesteps + 1)) if imsnn else 0),
    }


#: When each component is written at run time (the mapper's read-only rule).
_WRITTEN: dict[str, Written] = {"weights": "training", "isi_parameters": "training",
                                "neuron_state": "always", "isi_counters": "always"}


def population_names(design: LayeredDesign) -> tuple[str, ...]:
    """Population names of ``design``: ``input``, ``hidden1`` ... ``hiddenH``, ``output``."""
    hidden = len(design.layers) - 2
    return ("input", *(f"hidden{k}" for k in range(1, hidden + 1)), "output")


def layered_network(design: LayeredDesign) -> Network:
    """``design`` as a :class:`~costmodels._network.Network` of one design, the description
    the mapper reads for every family: populations ``input`` (a spike source), ``hidden1``...,
    ``output``; one all-to-all projection per pair of consecutive layers (fan-in = the
    previous width, fan-out = the next, ``weight_bits`` per synapse plus mu and sigma for
    ``imsnn``), all trained; the memory components of :func:`memory_bits`. The spikes of the
    spiking layers are routed (``spikes`` count keys ``spikes_<population>``); an ANN's
    activations move inside the datapath. Access rules are empty: a layered family's traffic
    is :func:`_traffic`'s."""
    names = population_names(design)
    w = float(design.weight_bits)
    extra = 2 * w if design.family == "imsnn" else 0.0

    def arr(value: float) -> np.ndarray:
        return np.array([float(value)])

    populations = tuple(
        Population(name, arr(width), simulated=k > 0,
                   spikes=f"spikes_{name}" if k > 0 and design.spiking else None)
        for k, (name, width) in enumerate(zip(names, design.layers, strict=True)))
    projections = tuple(
        Projection(f"{pre}_to_{post}", pre, post, fan_in=arr(a), fan_out=arr(b),
                   synapses=arr(a * b), weight_bits=arr(w), extra_bits=arr(extra), plastic=True,
                   activity=f"synaptic_{post}", component="weights")
        for (pre, post), (a, b) in zip(itertools.pairwise(names),
                                       itertools.pairwise(design.layers), strict=True))
    components = tuple(MemoryComponent(name, arr(bits), _WRITTEN[name], (), ())
                       for name, bits in memory_bits(design).items())
    return Network(design.family, populations, projections, components)


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
        one = np.ones(1)
        return float(sum(n * float(self.mapping.messages.get(pop.name, one)[0])
                         for pop, n in zip(self.network.populations[1:], spikes, strict=True)))


def place_layered(profile: DeviceProfile, design: LayeredDesign) -> LayeredPlacement:
    """Map ``design`` on ``profile`` with the mapper of every family
    (``costmodels._mapping.map_network`` on :func:`layered_network`): memory components packed
    into the levels by access density under the estimated activity, each layer split over
    cores under the per-core neuron, synapse-memory and fan-in limits."""
    net = layered_network(design)
    bits = memory_bits(design)
    moved = {name: 0.0 for name in bits}
    for training in (False, True):
        ops = executed_operations(profile, design, estimated_activity(design, training=training),
                                  training)
        for name, (read, write) in _traffic(design, ops).items():
            moved[name] += read + write
    density = {name: np.array([moved.get(name, 0.0) / max(b, 1.0)]) for name, b in bits.items()}
    mapping = map_network(profile, net, density)
    last = len(profile.memory) - 1
    level = {name: int(idx[0]) if idx[0] >= 0 else last for name, idx in mapping.placement.items()}
    return LayeredPlacement(level, mapping.used[:, 0], mapping.capacity,
                            fit_reason(profile, net, mapping, 0), net, mapping)


def _traffic(design: LayeredDesign, ops: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """(read bits, write bits) per sample of each component for the operations ``ops``."""
    words = 3 if design.family == "imsnn" else 1
    updates = ops["neuron_active"] + ops["neuron_idle"] + ops["activations"]
    phi_bits = math.ceil(math.log2(design.timesteps + 1))
    isi_pre = (design.layers[0] if design.coding == "rate" else 0) + sum(design.layers[1:-1])
    return {
        "weights": ((ops["synaptic_ops"] * words + ops["macs"] + ops["weight_updates"])
                    * design.weight_bits, ops["weight_updates"] * design.weight_bits),
        "neuron_state": (updates * design.state_bits, updates * design.state_bits),
        "isi_counters": ((isi_pre * design.timesteps * phi_bits,) * 2
                         if design.family == "imsnn" else (0.0, 0.0)),
    }


def executed_operations(profile: DeviceProfile, design: LayeredDesign,
                        activity: LayeredActivity, training: bool) -> dict[str, float]:
    """Operations per sample the device performs (module docstring): ``synaptic_ops``,
    ``macs``, ``isi_multiplies``, ``neuron_active``, ``neuron_idle``, ``activations``,
    ``spikes``, ``weight_updates``."""
    n_proj = len(design.layers) - 1
    for name, values in (("synaptic_events", activity.synaptic_events), ("macs", activity.macs)):
        if len(values) != n_proj:
            raise InputError(f"activity: {name} has {len(values)} projections, the design "
                             f"{list(design.layers)} has {n_proj}")
    t = design.steps
    dense = profile.execution == "dense"
    neurons = sum(design.layers[1:])
    ops = dict.fromkeys(("synaptic_ops", "macs", "isi_multiplies", "neuron_active",
                         "neuron_idle", "activations", "spikes", "weight_updates"), 0.0)
    if not design.spiking:
        ops["macs"] = float(sum(activity.macs))
        ops["activations"] = float(neurons)
    elif dense:
        static_first = design.coding == "direct"
        ops["macs"] = float(sum(s * (1 if k == 0 and static_first else t)
                                for k, s in enumerate(design.synapses)))
        ops["neuron_active"] = float(neurons * t)
    else:
        ops["synaptic_ops"] = float(sum(activity.synaptic_events))
        ops["macs"] = float(sum(activity.macs))
        if design.family == "imsnn":
            ops["isi_multiplies"] = ops["synaptic_ops"]
        received = ops["synaptic_ops"] + ops["macs"] * t
        ops["neuron_active"] = float(min(neurons * t, received))
        ops["neuron_idle"] = float(neurons * t - ops["neuron_active"])
        ops["spikes"] = float(sum(activity.spikes))
    if training:
        ops["macs"] += activity.backward_macs
        ops["weight_updates"] = activity.weight_updates
    return ops


def price_layered(profile: DeviceProfile, design: LayeredDesign, *,
                  infer: LayeredActivity | None = None,
                  train: LayeredActivity | None = None) -> LayeredCost:
    """Memory, energy per training and inference sample, and latency of ``design``.

    ``infer``/``train``: measured activity (``LayeredActivity.from_sim``); ``None`` uses
    :func:`estimated_activity`.
    """
    infer = infer or estimated_activity(design)
    train = train or estimated_activity(design, training=True)
    bits = memory_bits(design)
    nbytes = {k: math.ceil(v / 8) for k, v in bits.items()}
    packed = place_layered(profile, design)
    placement = packed.level
    e_syn, e_mac = synaptic_op_energy(profile, design), mac_energy(profile, design)
    e_active, e_idle, e_relu = _neuron_energies(profile, design)
    fl = design.weight_bits == FLOAT_BITS
    e_mul = (_op(profile, "multiply", design.weight_bits, fl) if _has_tables(profile, "multiply")
             else e_syn)
    cores = packed.mapping.cores
    e_message = (profile.events.spike.value if profile.events.spike else 0.0) + float(
        packed.mapping.hops[0]) * (profile.events.spike_hop.value if profile.events.spike_hop else 0.0)
    e_learn = profile.events.learning_update.value if profile.events.learning_update else (
        sum(_op(profile, op, design.weight_bits, fl) for op in ("multiply", "add", "compare")))
    p_static = float(static_power(profile, cores)[0])
    results: dict[str, tuple[dict[str, float], float, dict[str, float]]] = {}
    for phase, activity in (("infer", infer), ("train", train)):
        ops = executed_operations(profile, design, activity, phase == "train")
        messages = packed.messages(activity.spikes) if ops["spikes"] > 0 else 0.0
        traffic = _traffic(design, ops)
        parts = {
            "synaptic_ops": ops["synaptic_ops"] * e_syn + ops["isi_multiplies"] * e_mul,
            "macs": ops["macs"] * e_mac,
            "neuron_updates": ops["neuron_active"] * e_active + ops["neuron_idle"] * e_idle
            + ops["activations"] * e_relu,
            "spikes": messages * e_message,
            "learning": ops["weight_updates"] * e_learn,
        }
        level_bits = [0.0] * len(profile.memory)
        for name, (read, write) in traffic.items():
            lvl = profile.memory[placement[name]]
            parts[f"memory_{lvl.name}"] = parts.get(f"memory_{lvl.name}", 0.0) + (
                read * lvl.read.value + write * lvl.write.value) / lvl.word_bits
            level_bits[placement[name]] += read + write
        seconds = _latency(profile, design, ops, level_bits, packed.mapping, messages)
        parts["static"] = p_static * seconds
        results[phase] = ({"total": sum(parts.values()), **parts}, seconds, ops)
    names = [lvl.name for lvl in profile.memory]
    return LayeredCost(
        profile=profile.id, family=design.family, layers=design.layers,
        activity_source=infer.source if infer.source == train.source else "mixed",
        memory_bytes={"total": sum(nbytes.values()), **nbytes},
        placement={k: names[v] for k, v in placement.items()},
        energy_infer_j=results["infer"][0], energy_train_j=results["train"][0],
        latency_s=results["infer"][1], latency_train_s=results["train"][1],
        ops_infer=results["infer"][2],
        figures=_figures(profile, design, {k: names[v] for k, v in placement.items()}),
        fit_reason=packed.fit_reason,
        memory_levels={
            lvl.name: {"used_bytes": float(packed.used[j]),
                       "capacity_bytes": None if math.isinf(packed.capacity[j])
                       else float(packed.capacity[j])}
            for j, lvl in enumerate(profile.memory)},
        mapping=_mapping_summary(packed, p_static),
    )


def _mapping_summary(packed: LayeredPlacement, p_static: float) -> dict[str, Any]:
    """The ``mapping`` JSON of a layered design (the keys of the STDP family's)."""
    m = packed.mapping
    return {
        "cores": packed.cores,
        "core_limit": None if math.isinf(m.core_limit) else int(m.core_limit),
        "hops_per_spike": float(m.hops[0]),
        "messages_per_spike": {k: float(v[0]) for k, v in m.messages.items()},
        "static_power_w": p_static,
        "family": packed.network.family,
    }


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


def _latency(profile: DeviceProfile, design: LayeredDesign, ops: dict[str, float],
             level_bits: list[float], mapping: ChipMapping, messages: float) -> float:
    """Busy seconds per sample by the equation of every family (``costmodels._latency``):
    synaptic ops, ISI multiplies and MACs at ``timing.synaptic_op``, neuron updates and
    activations, weight updates and spike hops shared by the cores the mapping uses."""
    counts = {
        "synaptic": np.array([ops["synaptic_ops"] + ops["isi_multiplies"] + ops["macs"]]),
        "inhibitory": np.zeros(1),
        "neuron_active": np.array([ops["neuron_active"] + ops["activations"]]),
        "neuron_idle": np.array([ops["neuron_idle"]]),
        "learning": np.array([ops["weight_updates"]]),
        "timesteps": np.array([float(design.steps)]),
    }
    bits = np.array(level_bits)[:, None]
    return float(latency(profile, counts, bits, mapping.cores, np.array([messages]),
                         mapping.hops)[0])


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
