"""Per-sample event counts (``Activity``), measured by ``sim`` or estimated without simulation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from costmodels._design import DesignArrays, SNNDesign
from costmodels._fitted import FITTED
from snn_dse.domains import MNIST_MEAN_INTENSITY
from snn_dse.errors import InputError

#: Simulation time step (s); ``timesteps`` counts steps of this length.
DT_S = 1e-3
#: Excitatory spikes per timestep of one sample, network-wide, at N = 400 and MNIST rates
#: (snn-sim-anchors.md section 4): a reference figure; the estimate itself is the fitted model.
EXC_SPIKES_PER_STEP = 35.0 / 350.0
#: Diehl & Cook's re-presentation rule (as ``sim`` implements it): a sample that drove fewer
#: than 5 output spikes is shown again at 1.5x, 2x, 2.5x, 3x the rate, at most 5 times. It
#: bounds the fitted re-presentation terms outside the fitted range.
MAX_PRESENTATIONS = 5
MAX_INPUT_BOOST = sum(1.0 + 0.5 * k for k in range(1, MAX_PRESENTATIONS))
#: Reference input spikes per ms of one presentation: MNIST (784 pixels of mean 0.1307) at
#: 127.5 Hz, the simulator's input-drive target (sim/_drive.py). The model's dataset feature is
#: the log of a dataset's figure over this one (0 on MNIST and Fashion-MNIST under the rule).
REFERENCE_INPUT_SPIKES_PER_MS = 127.5 * MNIST_MEAN_INTENSITY * 784 / 1000
#: Range of input spikes per ms over the reference that the dataset term extrapolates to
#: (the fit spans 0.38, the 8x8 digits at the 255 Hz cap, to 1, 28x28 images).
DATASET_TERM_RANGE = (0.125, 8.0)

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
        rate of a white pixel, Hz (the simulator's input-drive rule, ``sim.input_rate_hz``:
        127.5 Hz on MNIST's statistics).
        """
        counts = estimate_counts(DesignArrays.from_designs([design]), mean_intensity=mean_intensity,
                                 max_rate_hz=max_rate_hz, training=training)
        return cls(**{k: float(v[0]) for k, v in counts.items()}, source="estimated")


def features(d: DesignArrays, input_spikes_per_ms: float | np.ndarray) -> np.ndarray:
    """Regressors of the fitted activity model, shape (16, designs). With n = ln(N / 100),
    t = ln(T / 100), p = population inhibition (0/1), s = spikedyn (0/1),
    i = ln(max(inhibition, 1 mV) / 120 mV) and the dataset term
    u = ln(input spikes per ms / ``REFERENCE_INPUT_SPIKES_PER_MS``) (input spikes per ms =
    inputs x mean intensity x max rate x dt, one presentation before re-presentations):
    1, n, t, p, s, i, u, u n, u t, u p, u s, p n, p t, p i, p s, t^2.

    Why these: re-presentations fall with T like a logistic in ln T (t^2); population
    inhibition lets more neurons escape the winner-take-all as N and T grow and as its
    strength falls, and changes what winner-only learning saves (p n, p t, p i, p s); the
    dataset enters only through u, because the simulator scales the weight norm so that every
    dataset gives the same mean drive (mV per ms) and what is left is the drive's fluctuation,
    whose variance goes as 1 / (input spikes per ms) (fewer, heavier spikes on small images):
    it shifts output spikes and re-presentations and how they scale with N, T, inhibition and
    rule (u n, u t, u p, u s). u is a statistic of the data and the rate, never a dataset
    name; it is clipped to ``DATASET_TERM_RANGE`` so that far-off rates do not extrapolate.
    """
    spikes = np.broadcast_to(np.asarray(input_spikes_per_ms, dtype=float), (d.size,))
    u = np.log(np.clip(spikes / REFERENCE_INPUT_SPIKES_PER_MS, *DATASET_TERM_RANGE))
    n, t = np.log(d.neurons / 100.0), np.log(d.timesteps / 100.0)
    p, s = d.population.astype(float), d.spikedyn.astype(float)
    i = np.log(np.maximum(d.inhibition_strength, 1.0) / 120.0)
    return np.stack([np.ones(d.size), n, t, p, s, i, u, u * n, u * t, u * p, u * s,
                     p * n, p * t, p * i, p * s, t * t])


def estimate_counts(d: DesignArrays, *, mean_intensity: float, max_rate_hz: float,
                    training: bool,
                    coefficients: Mapping[str, Mapping[str, Sequence[float]]] | None = None,
                    ) -> dict[str, np.ndarray]:
    """Vectorised :meth:`Activity.estimated`: one array per count field.

    A model fitted to the simulator (docs/cost-model.md "Estimated activity";
    ``benchmarks/estimator_fidelity.py --fit`` writes the coefficients). With x the
    :func:`features` and ``f_k(x) = exp(beta_k . x)`` (a coefficient set per phase):
    lambda = inputs x mean_intensity x max_rate x T x dt (input spikes of one presentation);
    input_spikes = lambda x (1 + f_boost) (re-presentations of samples that drive < 5
    spikes, at a boosted rate, at most ``MAX_PRESENTATIONS``); timesteps = T x (1 + f_steps);
    exc_spikes = min(f_exc, N x timesteps); inh_spikes = exc x f_inh (population);
    synaptic_events = input_spikes x N; inhibitory_events = exc + inh x (N - 1) (population)
    or exc x (N - 1) (direct); neuron_updates = (exc + inh neurons) x timesteps; training:
    depression = input_spikes x f_dep (depression of the neurons that have spiked, only the
    winner under spikedyn), potentiation = exc x inputs x mean_intensity x f_pot (the inputs
    that have spiked so far: about 1.5-1.7 x mean intensity of them carry ink on digits, MNIST
    and Fashion-MNIST), normalisation = inputs x
    f_norm (the columns that learned), decay = normalisation (spikedyn only).
    The dataset enters through lambda and the input spikes per ms of :func:`features` only
    (the simulator scales the weight norm so that the mean drive is the same on every dataset).
    """
    if not 0 <= mean_intensity <= 1:
        raise InputError(f"mean_intensity: expected a value in [0, 1], got {mean_intensity!r}")
    if not 0 <= max_rate_hz <= 1 / DT_S:
        raise InputError(f"max_rate_hz: expected 0..{1 / DT_S:g} Hz, got {max_rate_hz!r}")
    beta = (coefficients or FITTED)["train" if training else "infer"]
    x = features(d, d.inputs * mean_intensity * max_rate_hz * DT_S)

    def f(name: str) -> np.ndarray:  # exp(beta . x); an elementwise sum avoids BLAS threads
        return np.exp(sum(b * row for b, row in zip(beta[name], x, strict=True)))

    lam = d.inputs * mean_intensity * max_rate_hz * d.timesteps * DT_S
    input_spikes = lam * (1.0 + np.minimum(f("input_boost"), MAX_INPUT_BOOST))
    steps = d.timesteps * (1.0 + np.minimum(f("presentations"), MAX_PRESENTATIONS - 1.0))
    exc = np.minimum(f("exc_spikes"), d.neurons * steps)
    inh = np.where(d.population, exc * f("inh_per_exc"), 0.0)
    fan = np.maximum(d.neurons - 1, 0)
    zero = np.zeros(d.size)
    counts = {
        "input_spikes": input_spikes,
        "exc_spikes": exc,
        "inh_spikes": inh,
        "synaptic_events": input_spikes * d.neurons,
        "inhibitory_events": np.where(d.population, exc + inh * fan, exc * fan),
        "neuron_updates": d.total_neurons * steps,
        "timesteps": steps,
        "depression_updates": zero, "potentiation_updates": zero,
        "decay_updates": zero, "normalisation_updates": zero,
    }
    if training:
        norm = np.minimum(d.inputs * f("normalisation"), d.inputs * d.neurons)
        counts |= {
            "depression_updates": np.minimum(input_spikes * f("depression"), input_spikes * d.neurons),
            "potentiation_updates": np.minimum(exc * d.inputs * mean_intensity * f("potentiation"),
                                               exc * d.inputs),
            "normalisation_updates": norm,
            "decay_updates": np.where(d.spikedyn, norm, 0.0),
        }
    return counts
