"""Shared foundation of snn-dse: the version, the error hierarchy, parameter domains, metric
metadata and the SI formatter.

Every package (``hwprofiles``, ``costmodels``, ``sim``, ``dse``, ``reports``) may import this one;
it imports none of them.
"""

from typing import Any

from snn_dse import domains, errors, metrics, units
from snn_dse.domains import *  # re-exported: domains.__all__
from snn_dse.errors import DseError, InputError, InternalError, NoFeasibleDesignError
from snn_dse.metrics import *  # re-exported: metrics.__all__
from snn_dse.units import format_si

__all__ = [  # built from the submodules' own lists
    *domains.__all__, *metrics.__all__, *units.__all__,
    "DseError", "InputError", "InternalError", "NoFeasibleDesignError", "__version__",
]


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed metadata on first use (kept off start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'snn_dse' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("snn-dse")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0+unknown"
