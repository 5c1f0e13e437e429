"""Per-sample event counts (``Activity``), measured by ``sim`` or estimated without simulation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from costmodels._design import DesignArrays, SNNDesign
from snn_dse.errors import InputError

#: Simulation time step (s); ``timesteps`` counts steps of this length.
DT_S = 1e-3
#: Assumption: excitatory spikes per timestep of one sample, network-wide. The soft
#: winner-take-all of Diehl & Cook keeps the total near ~35 spikes per 350-step sample
#: (N = 400, MNIST at D&C rates; snn-sim-anchors.md section 4), roughly independent of N.
EXC_SPIKES_PER_STEP = 35.0 / 350.0
#: Assumption: each excitatory spike makes its one-to-one inhibitory partner spike once.
INH_SPIKES_PER_EXC_SPIKE = 1.0
#: Assumption: normalisation rescales every input weight once per training sample (D&C).
NORMALISATIONS_PER_WEIGHT = 1.0
#: Assumption: SpikeDyn's weight decay touches every input weight once per training sample.
DECAYS_PER_WEIGHT = 1.0

COUNT_FIELDS = (
    "input_spikes", "exc_spikes", "inh_spikes", "synaptic_events", "inhibitory_events",
    "neuron_updates", "timesteps", "depression_updates", "potentiation_updates",
    "decay_updates", "normalisation_updates",
)
SOURCES = ("estimated", "measured")


@dataclass(frozen=True)
class Activity:
    """Per-sample mean event counts (see docs/architecture.md for each field's meaning)."""

    input_spikes: float = 0.0
    exc_spikes: float = 0.0
    inh_spikes: float = 0.0
    synaptic_events: float = 0.0
    inhibitory_events: float = 0.0
    neuron_updates: float = 0.0
    timesteps: float = 0.0
    depression_updates: float = 0.0
    potentiation_updates: float = 0.0
    decay_updates: float = 0.0
    normalisation_updates: float = 0.0
    source: Literal["estimated", "measured"] = "measured"

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise InputError(f"activity source: expected one of {SOURCES}, got {self.source!r}")
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not math.isfinite(value) or value < 0:
                raise InputError(f"activity.{name}: expected a finite count >= 0, got {value!r}")
            object.__setattr__(self, name, float(value))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "measured") -> Activity:
        """Build from ``sim``'s dict (field names as keys; missing counts are 0)."""
        unknown = sorted(set(data) - set(COUNT_FIELDS) - {"source"})
        if unknown:
            raise InputError(f"activity: unknown field(s) {', '.join(unknown)}; "
                             f"expected {', '.join(COUNT_FIELDS)}")
        return cls(**{k: v for k, v in data.items() if k != "source"}, source=source)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, float]:
        """The counts (without ``source``)."""
        out = asdict(self)
        out.pop("source")
        return out

    @classmethod
    def estimated(cls, design: SNNDesign, *, mean_intensity: float, max_rate_hz: float,
                  training: bool) -> Activity:
        """Counts estimated from dataset statistics and the documented assumptions above.

        ``mean_intensity``: mean pixel value in [0, 1] (MNIST 0.1307); ``max_rate_hz``: Poisson
        rate of a white pixel (D&C 63.75 Hz).
        """
        counts = estimate_counts(DesignArrays.from_designs([design]), mean_intensity=mean_intensity,
                                 max_rate_hz=max_rate_hz, training=training)
        return cls(**{k: float(v[0]) for k, v in counts.items()}, source="estimated")


def estimate_counts(d: DesignArrays, *, mean_intensity: float, max_rate_hz: float,
                    training: bool) -> dict[str, np.ndarray]:
    """Vectorised :meth:`Activity.estimated`: one array per count field.

    input_spikes = inputs x mean_intensity x max_rate_hz x timesteps x dt;
    exc_spikes = EXC_SPIKES_PER_STEP x timesteps; inh_spikes = exc_spikes (population only);
    synaptic_events = input_spikes x neurons; inhibitory_events = exc_spikes + inh_spikes x
    (neurons - 1) (population) or exc_spikes x (neurons - 1) (direct broadcast);
    neuron_updates = (excitatory + inhibitory neurons) x timesteps; training adds
    depression = input_spikes x neurons, potentiation = exc_spikes x inputs,
    normalisation = inputs x neurons, decay = inputs x neurons (spikedyn only).
    """
    if not 0 <= mean_intensity <= 1:
        raise InputError(f"mean_intensity: expected a value in [0, 1], got {mean_intensity!r}")
    if not 0 <= max_rate_hz <= 1 / DT_S:
        raise InputError(f"max_rate_hz: expected 0..{1 / DT_S:g} Hz, got {max_rate_hz!r}")
    input_spikes = d.inputs * mean_intensity * max_rate_hz * d.timesteps * DT_S
    exc = EXC_SPIKES_PER_STEP * d.timesteps
    inh = np.where(d.population, exc * INH_SPIKES_PER_EXC_SPIKE, 0.0)
    fan = np.maximum(d.neurons - 1, 0)
    weights = d.inputs * d.neurons
    zero = np.zeros(d.size)
    counts = {
        "input_spikes": input_spikes,
        "exc_spikes": exc,
        "inh_spikes": inh,
        "synaptic_events": input_spikes * d.neurons,
        "inhibitory_events": np.where(d.population, exc + inh * fan, exc * fan),
        "neuron_updates": d.total_neurons * d.timesteps,
        "timesteps": d.timesteps.astype(float),
        "depression_updates": input_spikes * d.neurons if training else zero,
        "potentiation_updates": exc * d.inputs if training else zero,
        "decay_updates": np.where(d.spikedyn, DECAYS_PER_WEIGHT * weights, 0.0) if training else zero,
        "normalisation_updates": NORMALISATIONS_PER_WEIGHT * weights if training else zero,
    }
    return counts
