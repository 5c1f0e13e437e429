"""Analytical memory, energy and latency models of SNN designs on device profiles.

Pure functions, vectorised with NumPy: :func:`estimate` prices one design with a full report,
:func:`estimate_many` prices many designs at once. Equations: docs/cost-model.md.
"""

from costmodels._activity import (
    COUNT_FIELDS,
    DT_S,
    EXC_SPIKES_PER_STEP,
    Activity,
    estimate_counts,
)
from costmodels._calibration import (
    Calibration,
    FittedFigure,
    Measurements,
    UnderdeterminedFit,
    calibrate,
    calibrated_profile_yaml,
    fit_fields,
    measurements_frame,
    read_measurements,
)
from costmodels._design import DesignArrays, SNNDesign
from costmodels._estimate import check_limits, estimate, estimate_many, price
from costmodels._layered import (
    LayeredActivity,
    LayeredCost,
    LayeredDesign,
    break_even_spike_rate,
    estimated_activity,
    price_layered,
)
from costmodels._memory import COMPONENTS, footprint_bytes
from costmodels._report import CostReport
from costmodels._uncertainty import (
    Corners,
    corner_profile,
    corners,
    cost_direction,
    cost_ranges,
    ranges_many,
    sensitivity,
    uncertain_figures,
)
from snn_dse.domains import (
    DC_MAX_RATE_HZ,
    FLOAT_BITS,
    INHIBITIONS,
    LAYERED_FAMILIES,
    MNIST_MEAN_INTENSITY,
    RULES,
)

__all__ = [
    "COMPONENTS",
    "LAYERED_FAMILIES",
    "LayeredActivity",
    "LayeredCost",
    "LayeredDesign",
    "break_even_spike_rate",
    "estimated_activity",
    "price_layered",
    "COUNT_FIELDS",
    "DC_MAX_RATE_HZ",
    "DT_S",
    "EXC_SPIKES_PER_STEP",
    "FLOAT_BITS",
    "INHIBITIONS",
    "MNIST_MEAN_INTENSITY",
    "RULES",
    "Activity",
    "Calibration",
    "Corners",
    "CostReport",
    "DesignArrays",
    "FittedFigure",
    "Measurements",
    "SNNDesign",
    "UnderdeterminedFit",
    "calibrate",
    "calibrated_profile_yaml",
    "check_limits",
    "corner_profile",
    "corners",
    "cost_direction",
    "cost_ranges",
    "estimate",
    "estimate_counts",
    "estimate_many",
    "fit_fields",
    "footprint_bytes",
    "measurements_frame",
    "price",
    "ranges_many",
    "read_measurements",
    "sensitivity",
    "uncertain_figures",
]
