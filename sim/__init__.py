"""NumPy/Numba simulators: the continually learning STDP network (family ``stdp``) and the
layered families trained by gradients (``surrogate``, ``imsnn``, ``ann``, ``converted``).

Emits accuracy metrics and measured activity counts as plain dicts (docs/architecture.md);
imports nothing from ``costmodels``, ``hwprofiles`` or ``dse``.
"""

from sim._config import MECHANISMS, ConfigError, SimConfig
from sim._datasets import Dataset, DatasetFormatError, DatasetNotFoundError, load_dataset
from sim._drive import (
    PEAK_RATE_HZ,
    TARGET_DRIVE_MV_PER_MS,
    TARGET_SPIKES_PER_MS,
    image_rates_hz,
    image_rule_norm,
    input_rate_hz,
    rate_cap_hz,
    weight_norm,
)
from sim._layered import (
    DEFAULT_STRENGTH,
    LayeredConfig,
    LayeredResult,
    default_strength,
    run_layered,
)
from sim._nir import network_arrays, to_nir
from sim._run import SimResult, run
from sim._splits import Splits, class_tasks, make_splits, task_stream
from sim.quantization import ROUNDING_MODES, PrecisionError, lsb, quantize
from snn_dse.domains import ACTIVITY_REGULARISERS as REGULARISERS
from snn_dse.domains import LAYERED_FAMILIES

__all__ = [
    "DEFAULT_STRENGTH",
    "LAYERED_FAMILIES",
    "MECHANISMS",
    "PEAK_RATE_HZ",
    "REGULARISERS",
    "ROUNDING_MODES",
    "TARGET_DRIVE_MV_PER_MS",
    "TARGET_SPIKES_PER_MS",
    "ConfigError",
    "Dataset",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "LayeredConfig",
    "LayeredResult",
    "PrecisionError",
    "SimConfig",
    "SimResult",
    "Splits",
    "class_tasks",
    "default_strength",
    "image_rates_hz",
    "image_rule_norm",
    "input_rate_hz",
    "load_dataset",
    "lsb",
    "make_splits",
    "network_arrays",
    "quantize",
    "rate_cap_hz",
    "run",
    "run_layered",
    "task_stream",
    "to_nir",
    "weight_norm",
]
