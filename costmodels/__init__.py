"""Analytical memory, energy and latency models of SNN designs on device profiles.

Pure functions, vectorised with NumPy. A network is data (:class:`Network`: populations,
projections, memory components) built by a family's registered builder; the mapper
(:func:`map_network`) places it on a profile; :func:`estimate` prices one design with a full
report, :func:`estimate_many` prices many designs at once (:func:`price_layered` and
:func:`price_layered_many` for the layered families). Equations: docs/cost-model.md.
"""

from costmodels._activity import (
    COUNT_FIELDS,
    DT_S,
    EXC_SPIKES_PER_STEP,
    Activity,
    estimate_counts,
)
from costmodels._activity_fit import fit_activity_model, fit_coefficients
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
from costmodels._estimate import (
    DEFAULT_FAMILY,
    access_density,
    check_limits,
    estimate,
    estimate_many,
    map_designs,
    price,
)
from costmodels._latency import TIMING_MODES
from costmodels._layered import (
    LayeredActivity,
    LayeredCost,
    LayeredDesign,
    LayeredPlacement,
    break_even_spike_rate,
    estimated_activity,
    layered_network,
    place_layered,
    price_layered,
    price_layered_many,
)
from costmodels._mapping import ChipMapping, fit_reason, map_network, static_power
from costmodels._network import (
    COMPONENTS,
    MemoryComponent,
    Network,
    Population,
    Projection,
    build_network,
    families,
    footprint_bytes,
    register_family,
)
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
    "LayeredPlacement",
    "break_even_spike_rate",
    "estimated_activity",
    "layered_network",
    "place_layered",
    "price_layered",
    "price_layered_many",
    "COUNT_FIELDS",
    "DC_MAX_RATE_HZ",
    "DEFAULT_FAMILY",
    "DT_S",
    "EXC_SPIKES_PER_STEP",
    "FLOAT_BITS",
    "INHIBITIONS",
    "MNIST_MEAN_INTENSITY",
    "RULES",
    "TIMING_MODES",
    "Activity",
    "Calibration",
    "Corners",
    "ChipMapping",
    "CostReport",
    "DesignArrays",
    "MemoryComponent",
    "Network",
    "Population",
    "Projection",
    "FittedFigure",
    "Measurements",
    "SNNDesign",
    "access_density",
    "build_network",
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
    "families",
    "fit_activity_model",
    "fit_coefficients",
    "fit_fields",
    "fit_reason",
    "footprint_bytes",
    "map_designs",
    "map_network",
    "measurements_frame",
    "price",
    "ranges_many",
    "read_measurements",
    "register_family",
    "sensitivity",
    "static_power",
    "uncertain_figures",
]
