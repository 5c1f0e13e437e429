"""NumPy/Numba simulators: the continually learning STDP network (family ``stdp``) and the
layered families trained by gradients (``surrogate``, ``imsnn``, ``ann``, ``converted``).

Emits accuracy metrics and measured activity counts as plain dicts (docs/architecture.md);
imports nothing from ``costmodels``, ``hwprofiles`` or ``dse``.
"""

from sim._config import (
    DEFAULT_MAX_RATE_HZ,
    MECHANISMS,
    ConfigError,
    SimConfig,
    default_max_rate_hz,
)
from sim._datasets import Dataset, DatasetFormatError, DatasetNotFoundError, load_dataset
from sim._layered import (
    DEFAULT_STRENGTH,
    LayeredConfig,
    LayeredResult,
    default_strength,
    run_layered,
)
from sim._nir import network_arrays, to_nir
from sim._run import SimResult, default_weight_norm, run
from sim._splits import Splits, class_tasks, make_splits, task_stream
from sim.quantization import ROUNDING_MODES, PrecisionError, lsb, quantize
from snn_dse.domains import ACTIVITY_REGULARISERS as REGULARISERS
from snn_dse.domains import LAYERED_FAMILIES

__all__ = [
    "DEFAULT_MAX_RATE_HZ",
    "DEFAULT_STRENGTH",
    "LAYERED_FAMILIES",
    "REGULARISERS",
    "LayeredConfig",
    "LayeredResult",
    "default_strength",
    "run_layered",
    "MECHANISMS",
    "ROUNDING_MODES",
    "ConfigError",
    "Dataset",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "PrecisionError",
    "SimConfig",
    "SimResult",
    "Splits",
    "class_tasks",
    "default_max_rate_hz",
    "default_weight_norm",
    "load_dataset",
    "lsb",
    "make_splits",
    "network_arrays",
    "quantize",
    "run",
    "task_stream",
    "to_nir",
]
