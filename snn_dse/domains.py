"""Parameter domains: every accepted value of every design, simulator and search parameter.

Each domain is declared here once and imported by ``dse`` (space, CLI choices), ``sim``
(``SimConfig`` validation), ``costmodels`` (``SNNDesign`` validation) and ``reports``. To accept
a new value, add one entry to its domain (e.g. ``"guided": "..."`` in :data:`ENGINES`); to add a
new parameter, declare one new domain below and import it where it is validated.

Three kinds of domain, all with the same small interface (``accepts``, ``check``, ``describe``):

- :class:`Choice`: a categorical value from an ordered set of names, each with its meaning.
- :class:`IntDomain`: integers in one or more inclusive ranges (``weight_bits``: 1..16 or 32).
- :class:`RealDomain`: a finite real at or above a lower bound (and below an upper one).
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

from snn_dse.errors import InputError

__all__ = [
    "DATASETS",
    "DC_MAX_RATE_HZ",
    "DEFAULT_ROUNDING",
    "ENGINES",
    "ACTIVITY_REGULARISERS",
    "ACTIVITY_REG_STRENGTH",
    "CODINGS",
    "READOUTS",
    "HIDDEN",
    "LAYERED_ONLY",
    "STDP_ONLY",
    "applies",
    "FAMILIES",
    "LAYERED_FAMILIES",
    "FLOAT_BITS",
    "INHIBITIONS",
    "MAX_FIXED_BITS",
    "MNIST_MEAN_INTENSITY",
    "NEURONS",
    "OPTUNA_SAMPLERS",
    "PROTOCOLS",
    "QUANTIZATION_MODES",
    "ROUNDING_MODES",
    "RULES",
    "STATE_BITS",
    "TIMESTEPS",
    "TIMING_MODES",
    "WEIGHT_BITS",
    "INHIBITION_STRENGTH",
    "Choice",
    "IntDomain",
    "RealDomain",
    "is_integral",
    "is_number",
    "suggest",
]


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number (Python or NumPy int/float), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and (
        type(value).__name__ != "bool_")


def is_integral(value: Any) -> bool:
    """Whether ``value`` is an integer or an integral finite float (NumPy too), not a bool."""
    if not is_number(value):
        return False
    if isinstance(value, numbers.Integral):
        return True
    number = float(value)
    return math.isfinite(number) and number.is_integer()


def suggest(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for a near miss, else ``"; choose one of: a, b, c"``."""
    names = list(options)
    close = difflib.get_close_matches(str(word), names, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; choose one of: {', '.join(names)}"


@dataclass(frozen=True, eq=False)
class Choice(Sequence[str]):
    """A categorical parameter: ``options`` maps each accepted name, in order, to its meaning.

    It is a sequence of the names (``for name in RULES``, ``RULES[0]``, ``"direct" in
    INHIBITIONS``), so code written for a tuple of names keeps working.
    """

    name: str
    options: Mapping[str, str]

    @property
    def values(self) -> tuple[str, ...]:
        """The accepted names in declaration order."""
        return tuple(self.options)

    def __iter__(self) -> Iterator[str]:
        return iter(self.options)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self.values[index]

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self.options

    def __len__(self) -> int:
        return len(self.options)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is one of the names."""
        return value in self

    def describe(self) -> str:
        """``"one of a, b, c"``."""
        return "one of " + ", ".join(self.options)

    def help(self) -> str:
        """``"a | b | c"`` for CLI help texts."""
        return " | ".join(self.options)

    def check(self, value: object, where: str | None = None,
              error: type[InputError] = InputError) -> str:
        """``value`` if accepted, else raise ``error`` naming ``where`` (default: the parameter
        name), the value and the closest name or the accepted ones."""
        if value in self:
            return str(value)
        prefix = f"{where}: " if where else ""
        hint = suggest(str(value), self.values) if isinstance(value, str) else (
            f"; choose one of: {', '.join(self.options)}")
        raise error(f"{prefix}unknown {self.name} {value!r}{hint}")


@dataclass(frozen=True)
class IntDomain:
    """Integers in the union of inclusive ``ranges``; ``meaning`` explains them (help texts)."""

    name: str
    ranges: tuple[tuple[int, int], ...]
    meaning: str = ""

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is an integer (integral floats count) inside one of the ranges."""
        if not is_integral(value):
            return False
        number = int(cast(float, value))
        return any(low <= number <= high for low, high in self.ranges)

    def contains_range(self, low: int, high: int) -> bool:
        """Whether every integer of ``low..high`` is accepted (a space range must lie in one)."""
        return any(lo <= low and high <= hi for lo, hi in self.ranges)

    @property
    def low(self) -> int:
        """The smallest accepted value."""
        return self.ranges[0][0]

    @property
    def high(self) -> int:
        """The largest accepted value."""
        return self.ranges[-1][1]

    @property
    def values(self) -> tuple[int, ...]:
        """Every accepted value, ascending (use only for small domains such as bit widths)."""
        return tuple(v for low, high in self.ranges for v in range(low, high + 1))

    def describe(self) -> str:
        """``"an integer in 1..16 or 32"``."""
        parts = [str(low) if low == high else f"{low}..{high}" for low, high in self.ranges]
        text = "an integer in " + " or ".join(parts)
        return f"{text} ({self.meaning})" if self.meaning else text

    def check(self, value: object, where: str | None = None,
              error: type[InputError] = InputError) -> int:
        """``value`` as an ``int`` if accepted, else raise ``error`` saying what is accepted."""
        if self.accepts(value):
            return int(cast(float, value))
        raise error(f"{where or self.name} must be {self.describe()}, got {value!r}")


@dataclass(frozen=True)
class RealDomain:
    """Finite reals in ``[low, high]`` (``high`` None: unbounded above), in ``unit``."""

    name: str
    low: float
    high: float | None = None
    unit: str = ""

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a finite number in range."""
        if not is_number(value):
            return False
        number = float(cast(float, value))
        return math.isfinite(number) and number >= self.low and (
            self.high is None or number <= self.high)

    def describe(self) -> str:
        """``"a number >= 0 mV"``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.high is None:
            return f"a number >= {self.low:g}{unit}"
        return f"a number in {self.low:g}..{self.high:g}{unit}"

    def check(self, value: object, where: str | None = None,
              error: type[InputError] = InputError) -> float:
        """``value`` as a ``float`` if accepted, else raise ``error`` saying what is accepted."""
        if self.accepts(value):
            return float(cast(float, value))
        raise error(f"{where or self.name} must be {self.describe()}, got {value!r}")


# ------------------------------------------------------------------------------ numbers

#: ``weight_bits == FLOAT_BITS`` means IEEE float32 weights (and float arithmetic).
FLOAT_BITS = 32
#: Widest unsigned fixed-point weight the simulator stores (``sim.quantization``).
MAX_FIXED_BITS = 16
#: Weight widths the simulator trains and the cost model prices.
WEIGHT_BITS = IntDomain("weight_bits", ((1, MAX_FIXED_BITS), (FLOAT_BITS, FLOAT_BITS)),
                        f"1..{MAX_FIXED_BITS} unsigned fixed point, {FLOAT_BITS} float32")
#: Width of membrane potentials, thresholds and traces (cost model only; 32 = float32).
STATE_BITS = IntDomain("state_bits", ((1, FLOAT_BITS),))
#: Excitatory neurons of a design (the upper bound keeps N x N inhibition in memory).
NEURONS = IntDomain("neurons", ((1, 100_000),))
#: Presentation length of one sample in 1 ms steps.
TIMESTEPS = IntDomain("timesteps", ((1, 100_000),))
#: Parameters of the Diehl & Cook network only, and of the layered families only.
STDP_ONLY = ("neurons", "inhibition", "rule", "inhibition_strength")
LAYERED_ONLY = ("hidden", "activity_reg", "activity_reg_strength")


def applies(name: str, candidate: Mapping[str, Any]) -> bool:
    """Whether design parameter ``name`` shapes the design ``candidate`` describes.

    ``family`` (default ``stdp``) decides: the STDP parameters (``STDP_ONLY``) apply to
    ``stdp`` only, the layered ones (``LAYERED_ONLY``) to the other families,
    ``activity_reg_strength`` only with a regulariser, ``timesteps`` to every spiking family
    (not ``ann``). Every other parameter applies to every design. The design space
    canonicalises a parameter that does not apply; tables show it as not applicable.
    """
    family = candidate.get("family", "stdp")
    if name in STDP_ONLY:
        return family == "stdp"
    if name in LAYERED_ONLY:
        if family == "stdp":
            return False
        return name != "activity_reg_strength" or candidate.get("activity_reg", "none") != "none"
    if name == "timesteps":
        return family != "ann"
    return True


#: Hidden layer width of a layered family.
HIDDEN = IntDomain("hidden", ((1, 100_000),))
#: Strength of an activity regulariser (dimensionless: multiplies the per-neuron penalty of
#: each hidden layer's spike rates or ReLU outputs in the training loss; sim._regularisers).
ACTIVITY_REG_STRENGTH = RealDomain("activity_reg_strength", 0.0, None)
#: Lateral inhibition per spike (direct) or inhibitory weight (population), mV.
INHIBITION_STRENGTH = RealDomain("inhibition_strength", 0.0, None, "mV")

#: Diehl & Cook's Poisson rate of a white pixel, Hz (Diehl & Cook 2015: 63.75 Hz), the default
#: input rate of estimated activity.
DC_MAX_RATE_HZ = 63.75
#: Mean pixel intensity of the MNIST training set in [0, 1] (LeCun et al.; the 0.1307 of the
#: usual MNIST normalisation), the reference of the weight-norm rule and of estimated activity.
MNIST_MEAN_INTENSITY = 0.1307

# ------------------------------------------------------------------------------ names

DATASETS = Choice("dataset", {
    "digits": "8x8 handwritten digits shipped with snn-dse (UCI, 1797 samples)",
    "mnist": "28x28 handwritten digits (IDX files)",
    "fashion-mnist": "28x28 Zalando clothing images (IDX files)",
})
FAMILIES = Choice("family", {
    "stdp": "Diehl & Cook network trained by unsupervised STDP",
    "surrogate": "layered LIF network trained by BPTT with a surrogate gradient",
    "imsnn": "layered LIF network with ISI-modulated synapses and the selective gradient rule",
    "ann": "the layered ReLU network (the SNNs' ANN twin), trained by backpropagation",
    "converted": "the trained ann converted to a rate-coded integrate-and-fire SNN",
})
#: The families built from layers (inputs -> hidden... -> outputs), priced per projection.
LAYERED_FAMILIES = FAMILIES[1:]
READOUTS = Choice("readout", {
    "membrane": "CE on the mean membrane of a non-spiking output layer (default)",
    "count": "CE on output spike counts (snnTorch ce_count_loss)",
})
CODINGS = Choice("coding", {
    "rate": "Bernoulli spikes, one draw per pixel and step with probability = intensity",
    "direct": "the analog intensity is the first layer's input current (analog first layer)",
})
ACTIVITY_REGULARISERS = Choice("activity_reg", {
    "none": "no activity penalty",
    "l1": "mean activity per neuron (spike rate per step or ReLU output)",
    "l2": "mean squared activity per neuron",
    "hoyer": "Hoyer-square (sum |a|)^2 / sum a^2 (DeepHoyer), per neuron",
})
INHIBITIONS = Choice("inhibition", {
    "population": "an inhibitory LIF neuron per excitatory neuron, N x N weights (Diehl & Cook)",
    "direct": "lateral inhibition straight between excitatory neurons, one scalar (SpikeDyn)",
})
RULES = Choice("rule", {
    "baseline": "Diehl & Cook pair STDP",
    "spikedyn": "STDP plus the SpikeDyn/FSpiNN mechanisms",
})
PROTOCOLS = Choice("protocol", {
    "static": "train on all classes, then test",
    "continual": "class-incremental tasks without replay",
})
#: Rounding of in-training weight updates in ``dse explore`` and ``dse simulate``: stochastic
#: rounding keeps STDP steps smaller than one LSB alive in expectation (sim.quantization).
DEFAULT_ROUNDING = "stochastic"
ROUNDING_MODES = Choice("rounding", {
    "nearest": "to the closest grid value (ties to even)",
    "truncate": "toward zero",
    "stochastic": "up with probability equal to the remainder (unbiased)",
})
QUANTIZATION_MODES = Choice("quantization", {
    "in-training": "weights live at weight_bits and every update is rounded",
    "post-training": "train in float32, quantize once before testing",
})
ENGINES = Choice("engine", {
    "nsga2": "pymoo NSGA-II",
    "optuna": "Optuna (NSGA-II or TPE sampler)",
    "guided": "surrogate-guided: costs from the cost model, accuracy predicted, expected "
              "hypervolume improvement",
    "grid": "exhaustive enumeration (real parameters at their grid levels)",
    "random": "uniform random samples",
})
TIMING_MODES = Choice("timing", {
    "afap": "samples back to back, as fast as the device goes",
    "realtime": "one sample presented per timesteps x 1 ms of wall time (static power paid over it)",
})
OPTUNA_SAMPLERS = Choice("sampler", {
    "nsga2": "Optuna's NSGA-II sampler",
    "tpe": "Optuna's multi-objective TPE sampler",
})
