"""Human-readable numbers with units, and the unit of each metric."""

from __future__ import annotations

import math
from typing import Any

from snn_dse.metrics import METRICS
from snn_dse.units import format_si

#: Unit of each metric in its natural sense ("%" means a fraction shown as a percentage).
UNITS = {m.key: "%" if m.is_fraction else m.unit for m in METRICS}
#: Axis and column titles of the metrics.
LABELS = {m.key: m.label for m in METRICS}


def label(name: str) -> str:
    """Title of a metric with its unit, e.g. ``memory (B)``."""
    unit = UNITS.get(name)
    text = LABELS.get(name, name.replace("_", " "))
    return f"{text} ({unit})" if unit and unit != "%" else text


def fmt(value: Any, unit: str | None = None) -> str:
    """``value`` with ``unit`` and an SI (or binary, for bytes) prefix; ``–`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == "%":
        return f"{100.0 * value:.1f} %"
    if unit:
        return format_si(float(value), unit)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def fmt_metric(name: str, value: Any) -> str:
    """A metric (or a ``constraint_<name>`` excess, or a ``<name>_low``/``_high`` corner)
    formatted in its unit."""
    base = name.removeprefix("constraint_").removesuffix("_low").removesuffix("_high")
    return fmt(value, UNITS.get(base))
