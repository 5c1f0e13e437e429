"""Layered network families: configuration, training loop, evaluation and exact activity counts.

Families (``LAYERED_FAMILIES``):

- ``surrogate``: LIF layers, BPTT with the fast-sigmoid surrogate; CE on the mean membrane of a
  non-spiking output layer (``readout="membrane"``, default) or on output spike counts
  (``readout="count"``, the snnTorch anchor's; ``sim._snn``).
- ``imsnn``: the same with ISI-modulated synapses and the selective gradient rule
  (``sim._imsnn``); with direct coding the analog first projection stays a plain ``Dense``.
- ``ann``: the ReLU twin, CE on logits.
- ``converted``: the trained ``ann`` converted to a rate-coded IF network (``sim._conversion``).

Activity counts (per-sample means, ``activity["train"]``/``["infer"]``):

- ``input_spikes``: spikes of the rate-coded input (0 with direct coding and for ``ann``).
- ``spikes``: spikes of every network layer (hidden and output; the non-spiking readout of
  ``converted`` has none); ``spikes_per_layer`` lists them layer by layer.
- ``synaptic_events``: presynaptic spikes x fan-out summed over projections (SOPs);
  ``synaptic_events_per_projection`` per projection.
- ``macs``: multiply-accumulates. ``ann``: ``sum fan_in x fan_out``; a direct-coded spiking
  first layer: ``inputs x fan_out`` once per sample (its input is the same every step).
  ``macs_per_projection`` per projection. ``nonzero_macs``: MACs whose input is non-zero
  (what a zero-skipping accelerator performs; ``ann`` only, else equal to ``macs``).
- ``neuron_updates``: neurons x timesteps (spiking), neurons (``ann``); ``timesteps``: T.
- Training adds the backward pass to ``macs`` (dense gradient of every projection: weight
  gradient and, above the first layer, input gradient, for each of the T' steps) and counts
  ``weight_updates`` (parameters x Adam steps / samples).
- ``exc_spikes`` repeats ``spikes`` and the Diehl & Cook counters that do not apply are 0,
  so the dict carries every counter the ``stdp`` family reports.

Timing: ``train_ms_per_sample`` is the training loop's wall time (coding, forward, backward,
Adam; plus the conversion for ``converted``) over epochs x samples; ``infer_ms_per_sample``
the test pass (batches of ``INFER_BATCH``) over test samples. ``details`` adds the same as
process CPU time (``train_cpu_ms_per_sample``, ``infer_cpu_ms_per_sample``), which other
work on a shared machine inflates far less than wall time (with one BLAS thread).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from sim._ann import ReLUMLP
from sim._coding import encode
from sim._config import ConfigError
from sim._conversion import DEFAULT_PERCENTILE, ConvertedSNN
from sim._datasets import load_dataset
from sim._imsnn import ISISynapse
from sim._layers import LIF, Dense
from sim._optim import Adam
from sim._snn import Projection, SpikingMLP
from sim._splits import make_splits
from snn_dse.domains import (
    ACTIVITY_REGULARISERS,
    CODINGS,
    DATASETS,
    LAYERED_FAMILIES,
    READOUTS,
    WEIGHT_BITS,
    suggest,
)

SPIKING_TRAINED = ("surrogate", "imsnn")
#: Default split sizes (train, test) per dataset; ``None`` = all.
DEFAULT_SIZES: dict[str, tuple[int | None, int | None]] = {
    "digits": (None, None), "mnist": (10_000, 2_000), "fashion-mnist": (10_000, 2_000),
}
#: LIF neuron of the trained spiking families (snnTorch anchor: beta 0.9, threshold 1, slope 25).
NEURON = LIF(beta=0.9, threshold=1.0)
#: Test samples per inference batch (fewer for long presentations of wide layers: at most
#: 4 x ``MAX_BATCH_ELEMENTS`` per array; inference keeps no gradients).
INFER_BATCH = 1000
#: Default mini-batch (the snnTorch anchor's), reduced for small training sets so that an
#: epoch has at least ``MIN_STEPS_PER_EPOCH`` Adam steps (the 1,347 digits: batch 26), and
#: for long presentations of wide layers so that one (T, B, width) float32 array stays under
#: ``MAX_BATCH_ELEMENTS`` (32 MiB; BPTT keeps several per layer).
DEFAULT_BATCH = 128
MIN_STEPS_PER_EPOCH = 50
MIN_BATCH = 8
MAX_BATCH_ELEMENTS = 8 * 2**20
#: Default regulariser strength per (family kind, regulariser). The penalty is per neuron and
#: per step (``sim._regularisers``: a layer's l1 term is its mean spike rate, or mean ReLU
#: output), so one strength holds for any width and T (docs/spike-economy.md, 1 and 4.2).
#: Spiking l1: 3-seed sweep on Fashion-MNIST 784-256-10, T = 25, 3 epochs (0.5, 1, 2, 4: every
#: one within half a point of the unregularised accuracy; 2 gives -82 % hidden spikes at +0.3
#: points and keeps a margin for two hidden layers, which need about 0.5). Spiking l2: the
#: same initial push per neuron as l1 2 at the unregularised rate of about 0.25 per step
#: (``2a = 0.5``). Spiking hoyer and the ``ann`` values: the earlier per-sample defaults
#: rescaled by the width 256.
DEFAULT_STRENGTH: dict[tuple[str, str], float] = {
    ("spiking", "l1"): 2.0,
    ("spiking", "l2"): 4.0,
    ("spiking", "hoyer"): 1.0,
    ("ann", "l1"): 0.5,
    ("ann", "l2"): 2.5,
    ("ann", "hoyer"): 0.08,
}


def auto_batch(train_samples: int, steps: int = 1, width: int = 1) -> int:
    """``DEFAULT_BATCH``, or less so that an epoch of ``train_samples`` has at least
    ``MIN_STEPS_PER_EPOCH`` steps and a ``(steps, batch, width)`` array at most
    ``MAX_BATCH_ELEMENTS`` elements (never below ``MIN_BATCH``)."""
    return max(MIN_BATCH, min(DEFAULT_BATCH, train_samples // MIN_STEPS_PER_EPOCH,
                              MAX_BATCH_ELEMENTS // (steps * width)))


def family_kind(family: str) -> str:
    """``spiking`` for the BPTT families, ``ann`` for ``ann`` and ``converted``."""
    return "spiking" if family in SPIKING_TRAINED else "ann"


def default_strength(family: str, regulariser: str) -> float:
    """The documented default strength of ``regulariser`` for ``family`` (0 for ``none``)."""
    if regulariser == "none":
        return 0.0
    return DEFAULT_STRENGTH[(family_kind(family), regulariser)]


@dataclass(frozen=True)
class LayeredConfig:
    """Everything that determines one run of a layered family (with its seed).

    Attributes:
        family: one of ``LAYERED_FAMILIES``.
        dataset, data_dir: as ``SimConfig``.
        hidden: hidden layer widths, e.g. ``(256,)`` for 784-256-10.
        timesteps: steps per sample (spiking families; ``ann`` ignores it).
        epochs, batch_size, lr: Adam training schedule; ``batch_size`` ``None`` =
            ``DEFAULT_BATCH`` or smaller (``auto_batch``).
        coding: ``rate`` (Bernoulli) or ``direct`` (analog first layer); spiking families.
        activity_reg: ``none``, ``l1``, ``l2`` or ``hoyer``; ``converted`` regularises its ANN.
        activity_reg_strength: ``None`` = ``default_strength(family, activity_reg)``.
        weight_bits: 32 = float32; 1..16 = weights rounded after training to signed fixed
            point with a per-projection scale (``quantize_signed``), what inference then uses.
        train_samples, test_samples: split sizes (``None``: ``DEFAULT_SIZES``).
        selective: ``imsnn`` only: the selective ISI gradient rule (False: plain BPTT).
        readout: ``surrogate``/``imsnn``: ``membrane`` or ``count`` (``sim._snn``).
        percentile: ``converted`` only: normalisation percentile.
        seed: seed of every random choice.
    """

    family: str = "surrogate"
    dataset: str = "digits"
    data_dir: str | None = None
    hidden: tuple[int, ...] = (256,)
    timesteps: int = 25
    epochs: int = 3
    batch_size: int | None = None
    lr: float = 1e-3
    coding: str = "rate"
    activity_reg: str = "none"
    activity_reg_strength: float | None = None
    weight_bits: int = 32
    train_samples: int | None = None
    test_samples: int | None = None
    selective: bool = True
    readout: str = READOUTS[0]
    percentile: float = DEFAULT_PERCENTILE
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", str(self.data_dir))
        self.validate()

    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first invalid field and what is accepted."""
        if self.family not in LAYERED_FAMILIES:
            raise ConfigError(f"unknown family {self.family!r}"
                              + suggest(str(self.family), LAYERED_FAMILIES))
        DATASETS.check(self.dataset, error=ConfigError)
        CODINGS.check(self.coding, error=ConfigError)
        ACTIVITY_REGULARISERS.check(self.activity_reg, error=ConfigError)
        for name in ("timesteps", "epochs"):
            _positive(name, getattr(self, name))
        for name in ("train_samples", "test_samples", "batch_size"):
            if getattr(self, name) is not None:
                _positive(name, getattr(self, name))
        if any(h < 1 for h in self.hidden):
            raise ConfigError(f"hidden: every layer width must be >= 1, got {list(self.hidden)}")
        if not self.lr > 0:
            raise ConfigError(f"lr must be > 0, got {self.lr!r}")
        if self.activity_reg_strength is not None and not self.activity_reg_strength >= 0:
            raise ConfigError(f"activity_reg_strength must be >= 0, got {self.activity_reg_strength!r}")
        WEIGHT_BITS.check(self.weight_bits, error=ConfigError)
        READOUTS.check(self.readout, error=ConfigError)
        if not 0 < self.percentile <= 100:
            raise ConfigError(f"percentile must be in (0, 100], got {self.percentile!r}")

    @property
    def strength(self) -> float:
        """The regulariser strength in effect."""
        if self.activity_reg_strength is not None:
            return 0.0 if self.activity_reg == "none" else self.activity_reg_strength
        return default_strength(self.family, self.activity_reg)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every field."""
        out = asdict(self)
        out["hidden"] = list(self.hidden)
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass
class LayeredResult:
    """Outcome of one layered run; ``to_dict`` has the keys of ``SimResult.to_dict`` plus
    ``family``, ``layers`` (widths, inputs first) and ``details`` (``batch_size`` used, and
    family-specific figures: ``ann_accuracy`` and ``scales`` for ``converted``; for ``imsnn``
    ``blocked_fraction``, the share of ISI-path gradients the selective rule cut in the last
    training batch)."""

    accuracy: float
    activity: dict[str, dict[str, Any]]
    train_ms_per_sample: float
    infer_ms_per_sample: float
    seed: int
    family: str
    layers: list[int]
    details: dict[str, Any] = field(default_factory=dict)
    config: LayeredConfig | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "tasks": [],
            "activity": {phase: dict(c) for phase, c in self.activity.items()},
            "train_ms_per_sample": self.train_ms_per_sample,
            "infer_ms_per_sample": self.infer_ms_per_sample,
            "seed": self.seed,
            "family": self.family,
            "layers": list(self.layers),
            "details": dict(self.details),
        }


class _Counter:
    """Per-layer event sums of one phase (see the module docstring for the definitions)."""

    def __init__(self, sizes: list[int], timesteps: int, spiking: bool) -> None:
        self.sizes, self.timesteps, self.spiking = sizes, timesteps, spiking
        n_proj = len(sizes) - 1
        self.input_spikes = 0.0
        self.spikes = np.zeros(n_proj)
        self.events = np.zeros(n_proj)
        self.macs = np.zeros(n_proj)
        self.nonzero_macs = np.zeros(n_proj)
        self.backward_macs = 0.0
        self.weight_updates = 0.0
        self.samples = 0

    def add_spiking(self, x: np.ndarray, layer_spikes: list[np.ndarray]) -> None:
        """Count a spiking forward pass: coded input ``x`` and each layer's spikes ``(T, B, n)``."""
        batch = x.shape[1]
        self.samples += batch
        fan = self.sizes[1:]
        if x.shape[0] == 1:  # analog first layer: one MAC per synapse per sample
            self.macs[0] += batch * self.sizes[0] * fan[0]
            self.nonzero_macs[0] += np.count_nonzero(x) * fan[0]
        else:
            n = float(x.sum())
            self.input_spikes += n
            self.events[0] += n * fan[0]
        for k, s in enumerate(layer_spikes):
            n = float(s.sum())
            self.spikes[k] += n
            if k + 1 < len(fan):
                self.events[k + 1] += n * fan[k + 1]

    def add_ann(self, x: np.ndarray, acts: list[np.ndarray]) -> None:
        """Count an ANN forward pass: inputs ``x`` (B, n) and activations per layer."""
        batch = x.shape[0]
        self.samples += batch
        for k, inp in enumerate([x, *acts[:-1]]):
            self.macs[k] += batch * self.sizes[k] * self.sizes[k + 1]
            self.nonzero_macs[k] += np.count_nonzero(inp) * self.sizes[k + 1]

    def add_backward(self, batch: int, input_steps: int, n_params: int) -> None:
        """Dense backward MACs of one batch (module docstring) and one Adam step."""
        steps = self.timesteps if self.spiking else 1
        per_sample = 0.0
        for k, (a, b) in enumerate(itertools.pairwise(self.sizes)):
            per_sample += (input_steps if k == 0 else steps) * a * b
            if k > 0:
                per_sample += steps * a * b
        self.backward_macs += batch * per_sample
        self.weight_updates += n_params

    def per_sample(self) -> dict[str, Any]:
        div = max(self.samples, 1)
        neurons = sum(self.sizes[1:])
        spikes = float(self.spikes.sum()) / div
        macs = float(self.macs.sum() + self.backward_macs) / div
        counts: dict[str, Any] = {
            "input_spikes": self.input_spikes / div,
            "exc_spikes": spikes,
            "inh_spikes": 0.0,
            "synaptic_events": float(self.events.sum()) / div,
            "inhibitory_events": 0.0,
            "neuron_updates": float(neurons * (self.timesteps if self.spiking else 1)),
            "timesteps": float(self.timesteps if self.spiking else 1),
            "depression_updates": 0.0,
            "potentiation_updates": 0.0,
            "decay_updates": 0.0,
            "normalisation_updates": 0.0,
            "spikes": spikes,
            "macs": macs,
            "nonzero_macs": float(self.nonzero_macs.sum() + self.backward_macs) / div
            if not self.spiking else macs,
            "weight_updates": self.weight_updates / div,
            "spikes_per_layer": [float(v) / div for v in self.spikes],
            "synaptic_events_per_projection": [float(v) / div for v in self.events],
            "macs_per_projection": [float(v) / div for v in self.macs],
        }
        return counts


def quantize_signed(w: np.ndarray, bits: int) -> np.ndarray:
    """``w`` rounded to ``bits``-bit signed fixed point: levels ``k top / (2^(b-1) - 1)`` with
    ``top = max |w|``, nearest rounding; 1 bit is binary, ``sign(w) mean |w|`` (BinaryConnect
    with the XNOR-Net scale); 32 leaves ``w`` unchanged."""
    if bits == 32:
        return w
    top = float(np.abs(w).max())
    if top == 0:
        return w
    if bits == 1:
        return (np.sign(w) * np.abs(w).mean()).astype(np.float32)
    levels = 2 ** (bits - 1) - 1
    return (np.round(w / top * levels) * (top / levels)).astype(np.float32)


def _build_spiking(config: LayeredConfig, sizes: list[int], rng: np.random.Generator) -> SpikingMLP:
    projections: list[Projection] = []
    for k, (a, b) in enumerate(itertools.pairwise(sizes)):
        analog = k == 0 and config.coding == "direct"
        if config.family == "imsnn" and not analog:
            projections.append(ISISynapse.create(a, b, config.timesteps, rng, config.selective))
        else:
            projections.append(Dense.create(a, b, rng))
    return SpikingMLP(projections, NEURON, config.timesteps, config.readout)


def _batches(n: int, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(n)
    return [order[i:i + size] for i in range(0, n, size)]


def run_layered(config: LayeredConfig) -> LayeredResult:
    """Train and test one layered network (module docstring); deterministic given ``config.seed``.

    Raises:
        InputError: a dataset is missing or a split size exceeds the dataset.
    """
    config.validate()
    dataset = load_dataset(config.dataset, config.data_dir)
    train_default, test_default = DEFAULT_SIZES[config.dataset]
    train_n = config.train_samples if config.train_samples is not None else (
        None if train_default is None else min(train_default, dataset.train_y.shape[0]))
    test_n = config.test_samples if config.test_samples is not None else (
        None if test_default is None else min(test_default, dataset.test_y.shape[0]))
    splits = make_splits(dataset, train_samples=train_n, assign_samples=0, test_samples=test_n,
                         seed=config.seed)
    init_rng, train_rng, infer_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(3))
    sizes = [dataset.n_inputs, *config.hidden, dataset.n_classes]
    spiking_train = config.family in SPIKING_TRAINED
    train_counter = _Counter(sizes, config.timesteps, spiking_train)
    infer_counter = _Counter(sizes, config.timesteps, config.family != "ann")
    x_train, y_train = splits.train_x, splits.train_y
    details: dict[str, Any] = {}
    steps = config.timesteps if config.family in SPIKING_TRAINED else 1
    batch = config.batch_size or auto_batch(len(y_train), steps, max(sizes))
    details["batch_size"] = batch

    start, cpu_start = time.perf_counter(), time.process_time()
    if spiking_train:
        net = _build_spiking(config, sizes, init_rng)
        opt = Adam(net.params(), lr=config.lr)
        n_params = sum(p.size for p in net.params())
        for _ in range(config.epochs):
            for idx in _batches(len(y_train), batch, train_rng):
                x = encode(x_train[idx], config.coding, config.timesteps, train_rng)
                fwd = net.forward(x)
                _, grads = net.loss_and_grads(fwd, y_train[idx], config.activity_reg, config.strength)
                opt.step(grads)
                train_counter.add_spiking(x, fwd.s)
                train_counter.add_backward(len(idx), x.shape[0], n_params)
        if config.family == "imsnn":
            blocked = [p.blocked_fraction for k, p in enumerate(net.projections)
                       if k > 0 and isinstance(p, ISISynapse)]
            details["blocked_fraction"] = float(np.mean(blocked)) if blocked else 0.0
    else:
        ann = ReLUMLP.create(sizes, init_rng)
        opt = Adam(ann.params(), lr=config.lr)
        n_params = sum(p.size for p in ann.params())
        for _ in range(config.epochs):
            for idx in _batches(len(y_train), batch, train_rng):
                acts = ann.forward(x_train[idx])
                _, grads = ann.loss_and_grads(acts, y_train[idx], config.activity_reg, config.strength)
                opt.step(grads)
                train_counter.add_ann(x_train[idx], acts)
                train_counter.add_backward(len(idx), 1, n_params)
    _quantize(net.projections if spiking_train else ann.projections, config.weight_bits)
    if config.family == "converted":
        details["ann_accuracy"] = _ann_accuracy(ann, splits.test_x, splits.test_y)
        converted = ConvertedSNN.convert(ann, x_train, config.timesteps, config.percentile)
        details["scales"] = converted.scales
    train_s = time.perf_counter() - start
    details["train_cpu_ms_per_sample"] = 1e3 * (time.process_time() - cpu_start) / max(
        config.epochs * len(y_train), 1)

    start, cpu_start = time.perf_counter(), time.process_time()
    correct = 0
    x_test, y_test = splits.test_x, splits.test_y
    infer_steps = config.timesteps if config.family != "ann" else 1
    infer_batch = max(1, min(INFER_BATCH, 4 * MAX_BATCH_ELEMENTS // (infer_steps * max(sizes))))
    for i in range(0, len(y_test), infer_batch):
        xb, yb = x_test[i:i + infer_batch], y_test[i:i + infer_batch]
        if config.family == "ann":
            acts = ann.forward(xb)
            infer_counter.add_ann(xb, acts)
            pred = acts[-1].argmax(axis=1)
        elif config.family == "converted":
            x = encode(xb, config.coding, config.timesteps, infer_rng)
            spikes, integral = converted.forward(x)
            infer_counter.add_spiking(x, spikes)
            pred = integral.argmax(axis=1)
        else:
            x = encode(xb, config.coding, config.timesteps, infer_rng)
            fwd = net.forward(x)
            infer_counter.add_spiking(x, fwd.s)
            pred = net.predict(fwd)
        correct += int((pred == yb).sum())
    infer_s = time.perf_counter() - start
    details["infer_cpu_ms_per_sample"] = 1e3 * (time.process_time() - cpu_start) / max(
        len(y_test), 1)
    n_train = config.epochs * len(y_train)
    return LayeredResult(
        accuracy=correct / max(len(y_test), 1),
        activity={"train": train_counter.per_sample(), "infer": infer_counter.per_sample()},
        train_ms_per_sample=1e3 * train_s / max(n_train, 1),
        infer_ms_per_sample=1e3 * infer_s / max(len(y_test), 1),
        seed=config.seed, family=config.family, layers=sizes, details=details, config=config,
    )


def _quantize(projections: list[Any], bits: int) -> None:
    for proj in projections:
        proj.w[...] = quantize_signed(proj.w, bits)


def _ann_accuracy(ann: ReLUMLP, x: np.ndarray, y: np.ndarray) -> float:
    correct = sum(int((ann.forward(x[i:i + INFER_BATCH])[-1].argmax(axis=1)
                       == y[i:i + INFER_BATCH]).sum()) for i in range(0, len(y), INFER_BATCH))
    return correct / max(len(y), 1)


def _positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
