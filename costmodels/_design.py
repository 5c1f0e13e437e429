"""The SNN architecture a cost model needs (``SNNDesign``) and its vectorised form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from snn_dse.domains import (
    FLOAT_BITS,
    INHIBITION_STRENGTH,
    INHIBITIONS,
    NEURONS,
    RULES,
    STATE_BITS,
    TIMESTEPS,
    WEIGHT_BITS,
)
from snn_dse.errors import InputError

#: The simulator's default lateral inhibition, mV per spike (a hard winner-take-all).
DEFAULT_INHIBITION_MV = 120.0


@dataclass(frozen=True)
class SNNDesign:
    """A Diehl & Cook-style network: ``inputs`` -> ``neurons`` excitatory neurons with inhibition.

    ``inhibition``: ``population`` (an inhibitory layer of ``neurons`` neurons with N x N
    inhibitory weights) or ``direct`` (SpikeDyn's direct lateral inhibition, one scalar).
    ``weight_bits`` 1..16 is unsigned fixed point, 32 is float32 (``snn_dse.WEIGHT_BITS``, what
    the simulator trains); ``state_bits`` is the width
    of membrane potentials, thresholds and traces; ``timesteps`` of 1 ms per sample;
    ``inhibition_strength``: mV of lateral inhibition per spike (the simulator's parameter;
    it shapes the estimated activity only).
    """

    inputs: int
    neurons: int
    inhibition: str
    weight_bits: int
    state_bits: int = 16
    timesteps: int = 350
    rule: str = "baseline"
    inhibition_strength: float = DEFAULT_INHIBITION_MV

    def __post_init__(self) -> None:
        object.__setattr__(self, "inhibition_strength",
                           INHIBITION_STRENGTH.check(self.inhibition_strength))
        for name in ("inputs", "neurons", "timesteps", "weight_bits", "state_bits"):
            object.__setattr__(self, name, _integer(name, getattr(self, name)))
        if self.inputs < 1:
            raise InputError(f"inputs: expected a positive integer, got {self.inputs}")
        for domain in (NEURONS, TIMESTEPS, WEIGHT_BITS, STATE_BITS):
            domain.check(getattr(self, domain.name))
        INHIBITIONS.check(self.inhibition)
        RULES.check(self.rule)

    @property
    def inhibitory_neurons(self) -> int:
        """Neurons of the inhibitory layer: ``neurons`` for population inhibition, else 0."""
        return self.neurons if self.inhibition == "population" else 0

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return asdict(self)


def _integer(name: str, value: object) -> int:
    """``value`` as an int; integral floats and NumPy integers (from search engines) accepted."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise InputError(f"{name}: expected an integer, got {value!r}")


@dataclass(frozen=True)
class DesignArrays:
    """Many designs as parallel NumPy arrays (one element per design)."""

    inputs: np.ndarray
    neurons: np.ndarray
    population: np.ndarray  # bool: population inhibition
    weight_bits: np.ndarray
    state_bits: np.ndarray
    timesteps: np.ndarray
    spikedyn: np.ndarray  # bool: rule == "spikedyn"
    inhibition_strength: np.ndarray  # mV of lateral inhibition per spike

    @property
    def size(self) -> int:
        """Number of designs."""
        return int(self.inputs.shape[0])

    @property
    def inhibitory_neurons(self) -> np.ndarray:
        """Inhibitory-layer neurons per design."""
        return np.where(self.population, self.neurons, 0.0)

    @property
    def total_neurons(self) -> np.ndarray:
        """Excitatory plus inhibitory neurons per design."""
        return self.neurons + self.inhibitory_neurons

    @property
    def floating(self) -> np.ndarray:
        """True where the weights are float32."""
        return self.weight_bits == FLOAT_BITS

    @classmethod
    def from_designs(cls, designs: list[SNNDesign]) -> DesignArrays:
        """Arrays from a list of validated designs."""
        return cls.from_columns({name: [getattr(d, name) for d in designs]
                                 for name in ("inputs", "neurons", "inhibition", "weight_bits",
                                              "state_bits", "timesteps", "rule",
                                              "inhibition_strength")})

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> DesignArrays:
        """Arrays from columns (a DataFrame or mapping); ``state_bits``/``timesteps``/``rule``/
        ``inhibition_strength`` optional."""
        missing = [c for c in ("inputs", "neurons", "inhibition", "weight_bits") if c not in columns]
        if missing:
            raise InputError(f"designs: missing column(s) {', '.join(missing)}")
        inputs = np.asarray(columns["inputs"], dtype=float)
        n = inputs.shape[0]

        def column(name: str, default: Any) -> np.ndarray:
            return np.asarray(columns[name]) if name in columns else np.full(n, default)

        inhibition = column("inhibition", "population")
        rule = column("rule", "baseline")
        population, spikedyn = inhibition == "population", rule == "spikedyn"
        for domain, values in ((INHIBITIONS, inhibition), (RULES, rule)):
            for value in sorted(set(values.tolist()) - set(domain)):
                domain.check(value, "designs")
        arrays = cls(
            inputs=inputs,
            neurons=np.asarray(columns["neurons"], dtype=float),
            population=population,
            weight_bits=np.asarray(columns["weight_bits"], dtype=float),
            state_bits=column("state_bits", 16).astype(float),
            timesteps=column("timesteps", 350).astype(float),
            spikedyn=spikedyn,
            inhibition_strength=column("inhibition_strength", DEFAULT_INHIBITION_MV).astype(float),
        )
        for name in ("inputs", "neurons", "timesteps"):
            if np.any(getattr(arrays, name) < 1):
                raise InputError(f"designs: {name} must be >= 1")
        if np.any(~(arrays.inhibition_strength >= 0)):
            raise InputError("designs: inhibition_strength must be >= 0 mV")
        for bits in (WEIGHT_BITS, STATE_BITS):
            value = getattr(arrays, bits.name)
            accepted = np.zeros(value.shape, dtype=bool)
            for low, high in bits.ranges:
                accepted |= (value >= low) & (value <= high) & (value == np.round(value))
            if not np.all(accepted):
                raise InputError(f"designs: {bits.name} must be {bits.describe()}, got "
                                 f"{sorted(set(value[~accepted].tolist()))}")
        return arrays
