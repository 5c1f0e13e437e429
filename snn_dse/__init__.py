"""Shared foundation of snn-dse: the version string and the root of the error hierarchy.

Every package (``hwprofiles``, ``costmodels``, ``sim``, ``dse``, ``reports``) may import this one;
it imports none of them.
"""

from importlib.metadata import PackageNotFoundError, version

from snn_dse.errors import DseError, InputError, InternalError, NoFeasibleDesignError

try:
    __version__ = version("snn-dse")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["DseError", "InputError", "InternalError", "NoFeasibleDesignError", "__version__"]
