"""The SNN architecture a cost model needs (``SNNDesign``) and its vectorised form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from snn_dse.errors import InputError

INHIBITIONS = ("population", "direct")
RULES = ("baseline", "spikedyn")
#: ``weight_bits == FLOAT_BITS`` means IEEE float32 weights (and float arithmetic).
FLOAT_BITS = 32


@dataclass(frozen=True)
class SNNDesign:
    """A Diehl & Cook-style network: ``inputs`` -> ``neurons`` excitatory neurons with inhibition.

    ``inhibition``: ``population`` (an inhibitory layer of ``neurons`` neurons with N x N
    inhibitory weights) or ``direct`` (SpikeDyn's direct lateral inhibition, one scalar).
    ``weight_bits`` 1..31 is unsigned fixed point, 32 is float32; ``state_bits`` is the width
    of membrane potentials, thresholds and traces; ``timesteps`` of 1 ms per sample.
    """

    inputs: int
    neurons: int
    inhibition: Literal["population", "direct"]
    weight_bits: int
    state_bits: int = 16
    timesteps: int = 350
    rule: Literal["baseline", "spikedyn"] = "baseline"

    def __post_init__(self) -> None:
        for name in ("inputs", "neurons", "timesteps", "weight_bits", "state_bits"):
            object.__setattr__(self, name, _integer(name, getattr(self, name)))
        for name in ("inputs", "neurons", "timesteps"):
            if getattr(self, name) < 1:
                raise InputError(f"{name}: expected a positive integer, got {getattr(self, name)}")
        for name in ("weight_bits", "state_bits"):
            if not 1 <= getattr(self, name) <= 32:
                raise InputError(f"{name}: expected an integer in 1..32 (32 = float32), "
                                 f"got {getattr(self, name)}")
        if self.inhibition not in INHIBITIONS:
            raise InputError(f"inhibition: expected one of {', '.join(INHIBITIONS)}, got {self.inhibition!r}")
        if self.rule not in RULES:
            raise InputError(f"rule: expected one of {', '.join(RULES)}, got {self.rule!r}")

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
                                              "state_bits", "timesteps", "rule")})

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> DesignArrays:
        """Arrays from columns (a DataFrame or mapping); ``state_bits``/``timesteps``/``rule`` optional."""
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
        if not np.all(population | (inhibition == "direct")):
            bad = sorted(set(inhibition[~population & (inhibition != "direct")].tolist()))
            raise InputError(f"designs: unknown inhibition value(s) {bad}; expected {INHIBITIONS}")
        if not np.all(spikedyn | (rule == "baseline")):
            bad = sorted(set(rule[~spikedyn & (rule != "baseline")].tolist()))
            raise InputError(f"designs: unknown rule value(s) {bad}; expected {RULES}")
        arrays = cls(
            inputs=inputs,
            neurons=np.asarray(columns["neurons"], dtype=float),
            population=population,
            weight_bits=np.asarray(columns["weight_bits"], dtype=float),
            state_bits=column("state_bits", 16).astype(float),
            timesteps=column("timesteps", 350).astype(float),
            spikedyn=spikedyn,
        )
        for name in ("inputs", "neurons", "timesteps"):
            if np.any(getattr(arrays, name) < 1):
                raise InputError(f"designs: {name} must be >= 1")
        for name in ("weight_bits", "state_bits"):
            value = getattr(arrays, name)
            if np.any((value < 1) | (value > 32)):
                raise InputError(f"designs: {name} must be in 1..32")
        return arrays
