"""Shared foundation of snn-dse: the version, the error hierarchy, parameter domains, metric
metadata and the SI formatter.

Every package (``hwprofiles``, ``costmodels``, ``sim``, ``dse``, ``reports``) may import this one;
it imports none of them.
"""

from typing import Any

from snn_dse.domains import (
    ACTIVITY_REGULARISERS,
    CODINGS,
    DATASETS,
    DEFAULT_ROUNDING,
    ENGINES,
    FAMILIES,
    FLOAT_BITS,
    INHIBITION_STRENGTH,
    INHIBITIONS,
    LAYERED_FAMILIES,
    MAX_FIXED_BITS,
    MNIST_MEAN_INTENSITY,
    NEURONS,
    OPTUNA_SAMPLERS,
    PROTOCOLS,
    QUANTIZATION_MODES,
    ROUNDING_MODES,
    RULES,
    STATE_BITS,
    TIMESTEPS,
    WEIGHT_BITS,
    Choice,
    IntDomain,
    RealDomain,
)
from snn_dse.errors import DseError, InputError, InternalError, NoFeasibleDesignError
from snn_dse.metrics import DEFAULT_OBJECTIVES, METRICS, Metric, metric
from snn_dse.units import format_si


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed metadata on first use (kept off start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'snn_dse' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("snn-dse")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0+unknown"

__all__ = [
    "ACTIVITY_REGULARISERS",
    "CODINGS",
    "DATASETS",
    "DEFAULT_OBJECTIVES",
    "DEFAULT_ROUNDING",
    "ENGINES",
    "FAMILIES",
    "FLOAT_BITS",
    "INHIBITIONS",
    "INHIBITION_STRENGTH",
    "LAYERED_FAMILIES",
    "MAX_FIXED_BITS",
    "METRICS",
    "MNIST_MEAN_INTENSITY",
    "NEURONS",
    "OPTUNA_SAMPLERS",
    "PROTOCOLS",
    "QUANTIZATION_MODES",
    "ROUNDING_MODES",
    "RULES",
    "STATE_BITS",
    "TIMESTEPS",
    "WEIGHT_BITS",
    "Choice",
    "DseError",
    "InputError",
    "IntDomain",
    "InternalError",
    "Metric",
    "NoFeasibleDesignError",
    "RealDomain",
    "__version__",
    "format_si",
    "metric",
]
