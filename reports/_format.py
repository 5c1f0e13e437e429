"""Human-readable numbers with units, and the unit of each metric."""

from __future__ import annotations

import math
from typing import Any

#: Unit of each metric in its natural sense ("%" means a fraction shown as a percentage).
UNITS = {
    "accuracy": "%",
    "recent_accuracy": "%",
    "previous_accuracy": "%",
    "memory": "B",
    "energy_infer": "J",
    "energy_train": "J",
    "latency": "s",
}
#: Axis and column titles of the metrics.
LABELS = {
    "accuracy": "accuracy",
    "recent_accuracy": "recent-task accuracy",
    "previous_accuracy": "previous-tasks accuracy",
    "memory": "memory",
    "energy_infer": "inference energy / sample",
    "energy_train": "training energy / sample",
    "latency": "latency / sample",
}
_SI = [(1e-15, "f"), (1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1.0, ""), (1e3, "k")]


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
    if unit == "B":
        size = float(value)
        for prefix in ("B", "KiB", "MiB"):
            if abs(size) < 1024.0:
                return f"{size:.4g} {prefix}"
            size /= 1024.0
        return f"{size:.4g} GiB"
    if unit in ("J", "s", "W", "Hz"):
        magnitude = abs(float(value))
        if magnitude == 0.0:
            return f"0 {unit}"
        scale, prefix = _SI[0]
        for candidate, name in _SI:
            if magnitude >= candidate:
                scale, prefix = candidate, name
        return f"{value / scale:.4g} {prefix}{unit}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def fmt_metric(name: str, value: Any) -> str:
    """A metric (or a ``constraint_<name>`` excess) formatted in its unit."""
    return fmt(value, UNITS.get(name.removeprefix("constraint_")))
