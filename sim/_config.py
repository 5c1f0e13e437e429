"""Simulation configuration: one frozen dataclass that fully determines a run (with its seed).

Units: time in ms (``dt`` = 1 ms, so ``timesteps`` is also the presentation length in ms),
rates in Hz, potentials in mV. ``weight_bits`` = 32 means IEEE float32; 1..16 means unsigned
fixed point with that many fractional bits on the weight range [0, 1].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from snn_dse.domains import (
    DATASETS,
    INHIBITION_STRENGTH,
    INHIBITIONS,
    PROTOCOLS,
    QUANTIZATION_MODES,
    ROUNDING_MODES,
    RULES,
    WEIGHT_BITS,
    Choice,
)
from snn_dse.errors import InputError

#: Mechanism switches of the ``spikedyn`` rule (docs/learning-rules.md defines each one).
MECHANISMS = (
    "adaptive_lr",
    "adaptive_threshold",
    "weight_decay",
    "spurious_reduction",
    "adaptive_potentiation",
    "soft_readout",
)


class ConfigError(InputError):
    """A ``SimConfig`` field has an invalid value (CLI exit code 2)."""


@dataclass(frozen=True)
class SimConfig:
    """Everything that determines one simulation run.

    Attributes:
        dataset: ``digits`` (bundled 8x8 digits), ``mnist`` or ``fashion-mnist``.
        data_dir: directory holding the IDX files (``None``: the standard search path).
        neurons: number of excitatory neurons.
        inhibition: ``direct`` (lateral inhibition straight between excitatory neurons,
            SpikeDyn) or ``population`` (one inhibitory LIF neuron per excitatory neuron,
            Diehl & Cook).
        inhibition_strength: mV subtracted from every other excitatory neuron's membrane per
            spike (``direct``), or the inhibitory->excitatory weight (``population``). The
            default 120 mV is a hard winner-take-all (BindsNET ``eth_mnist``; the Diehl & Cook
            value 17.5 forms a soft WTA and learns worse, see snn-sim-anchors §2.1).
        weight_bits: 32 = float32, 1..16 = unsigned fixed point with that many fractional bits.
        rounding: ``nearest``, ``truncate`` or ``stochastic`` (fixed point only).
        quantization: ``in-training`` (weights live at ``weight_bits``, every update is
            rounded) or ``post-training`` (train in float32, quantize once before testing).
        rule: ``baseline`` (Diehl & Cook pair STDP) or ``spikedyn`` (plus the mechanisms
            switched on below).
        protocol: ``static`` or ``continual`` (class-incremental tasks, no replay).
        epochs: passes over the training samples (static protocol).
        train_samples: training samples per epoch (``None``: a dataset-dependent default).
        assign_samples: labelled samples for neuron-label assignment (``None``: default).
        test_samples: test samples (``None``: default).
        samples_per_task: training samples per task (continual protocol).
        classes_per_task: classes per continual task.
        timesteps: presentation length in 1 ms steps.
        max_rate_hz: Poisson rate of a pixel of intensity 1 for every image; ``None``: the
            input-drive rule, a rate per image (``sim.image_rates_hz``: each image emits
            13.07 spikes per ms, below the dataset's peak-rate cap).
        weight_norm: sum each neuron's input weights are normalised to; ``None``: the
            input-drive rule (``sim.image_rule_norm``; 0.05 mV per input on 28x28 images).
        seed: seed of every random choice (splits, initial weights, spikes, rounding).
        adaptive_lr, adaptive_threshold, weight_decay, spurious_reduction,
        adaptive_potentiation, soft_readout: SpikeDyn/FSpiNN mechanism switches, used by
            ``rule="spikedyn"`` only. The defaults are the combination the continual ablation
            supports (docs/learning-rules.md): ``adaptive_lr`` helps small tasks (digits) but
            hurts Fashion-MNIST-sized ones, so it is off; ``adaptive_threshold`` is on (under
            the per-image input rule it recruits fresh neurons for a new class on both);
            ``soft_readout`` (inference at Diehl & Cook's 17.5 mV inhibition) is on: the
            neurons a task was spread over all vote, instead of the one whose threshold
            history wins the race.
    """

    dataset: str = "digits"
    data_dir: str | None = None
    neurons: int = 100
    inhibition: str = "direct"
    inhibition_strength: float = 120.0
    weight_bits: int = 32
    rounding: str = "nearest"
    quantization: str = "in-training"
    rule: str = "baseline"
    protocol: str = "static"
    epochs: int = 1
    train_samples: int | None = None
    assign_samples: int | None = None
    test_samples: int | None = None
    samples_per_task: int = 100
    classes_per_task: int = 1
    timesteps: int = 350
    max_rate_hz: float | None = None
    weight_norm: float | None = None
    seed: int = 0
    adaptive_lr: bool = False
    adaptive_threshold: bool = True
    weight_decay: bool = True
    spurious_reduction: bool = True
    adaptive_potentiation: bool = True
    soft_readout: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.data_dir, Path):
            object.__setattr__(self, "data_dir", str(self.data_dir))
        self.validate()

    def validate(self) -> None:
        """Raise ``ConfigError`` naming the first invalid field and the accepted values."""
        domains: tuple[tuple[Choice, str], ...] = (
            (DATASETS, self.dataset), (INHIBITIONS, self.inhibition), (RULES, self.rule),
            (PROTOCOLS, self.protocol), (ROUNDING_MODES, self.rounding),
            (QUANTIZATION_MODES, self.quantization))
        for domain, value in domains:
            domain.check(value, error=ConfigError)
        _at_least("neurons", self.neurons, 1)
        _at_least("epochs", self.epochs, 1)
        _at_least("timesteps", self.timesteps, 1)
        _at_least("samples_per_task", self.samples_per_task, 1)
        _at_least("classes_per_task", self.classes_per_task, 1)
        for name in ("train_samples", "assign_samples", "test_samples"):
            if getattr(self, name) is not None:
                _at_least(name, getattr(self, name), 1)
        WEIGHT_BITS.check(self.weight_bits, error=ConfigError)
        INHIBITION_STRENGTH.check(self.inhibition_strength, error=ConfigError)
        if self.max_rate_hz is not None and not self.max_rate_hz > 0:
            raise ConfigError(f"max_rate_hz must be > 0 Hz, got {self.max_rate_hz!r}")
        if self.weight_norm is not None and not self.weight_norm > 0:
            raise ConfigError(f"weight_norm must be > 0 or None, got {self.weight_norm!r}")

    @property
    def mechanisms(self) -> dict[str, bool]:
        """Mechanism switches in effect: all off for ``baseline``."""
        on = self.rule == "spikedyn"
        return {name: on and bool(getattr(self, name)) for name in MECHANISMS}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every field (the simulator part of a cache key)."""
        return asdict(self)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Names of all fields, in declaration order."""
        return tuple(f.name for f in fields(cls))


def _at_least(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")
