"""Metric metadata: every objective a design is scored on, declared once.

Evaluation records carry each metric under ``key`` in its natural sense (accuracy a fraction to
maximise; memory, energy and latency SI quantities to minimise). ``dse`` parses ``--objectives``
and budgets with it, ``reports`` labels axes, formats values and names CSV columns with it.
To add a metric, add one :class:`Metric` line to :data:`METRICS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_OBJECTIVES", "METRICS", "Metric", "metric"]


@dataclass(frozen=True)
class Metric:
    """One metric.

    ``key`` names it in records, ``cli_name`` in ``--objectives``; ``unit`` is its SI unit
    (``""`` for a fraction in [0, 1], shown as a percentage); ``sense`` says whether larger
    (``max``) or smaller (``min``) is better; ``label`` titles axes and columns; ``csv_column``
    names its CSV column (the unit in the name for SI quantities); ``continual_only`` metrics
    exist only under the continual protocol.
    """

    key: str
    cli_name: str
    unit: str
    sense: Literal["max", "min"]
    label: str
    csv_column: str
    continual_only: bool = False

    @property
    def maximise(self) -> bool:
        """Whether larger is better (the engines then minimise ``1 - value``)."""
        return self.sense == "max"

    @property
    def is_fraction(self) -> bool:
        """Whether the value is a fraction in [0, 1] (shown as a percentage)."""
        return self.unit == ""

    @property
    def title(self) -> str:
        """``label`` with the unit, e.g. ``memory (B)``; fractions carry none."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def minimised_name(self) -> str:
        """Name of the value an engine minimises (Optuna's metric name): ``1-accuracy`` for a
        metric to maximise, the key otherwise."""
        return f"1-{self.key}" if self.maximise else self.key

    def minimised(self, value: float | None) -> float:
        """The value an engine minimises. A missing accuracy (a design pre-screened out and
        never simulated) counts as the worst, 1.0 error; cost metrics are always present."""
        if value is None:
            if not self.maximise:
                raise ValueError(f"metric {self.key!r} has no value")
            return 1.0
        return 1.0 - value if self.maximise else value


#: Every metric, in the order records and tables show them.
METRICS: tuple[Metric, ...] = (
    Metric("accuracy", "accuracy", "", "max", "accuracy", "accuracy"),
    Metric("memory", "memory", "B", "min", "memory", "memory_bytes"),
    Metric("energy_infer", "energy-infer", "J", "min", "inference energy / sample",
           "energy_infer_j"),
    Metric("energy_train", "energy-train", "J", "min", "training energy / sample",
           "energy_train_j"),
    Metric("latency", "latency", "s", "min", "latency / sample", "latency_s"),
    Metric("recent_accuracy", "recent-accuracy", "", "max", "recent-task accuracy",
           "recent_accuracy", continual_only=True),
    Metric("previous_accuracy", "previous-accuracy", "", "max", "previous-tasks accuracy",
           "previous_accuracy", continual_only=True),
)

#: Keys of the objectives ``dse explore`` optimises when ``--objectives`` is not given.
DEFAULT_OBJECTIVES: tuple[str, ...] = ("accuracy", "memory", "energy_infer")

_BY_NAME: dict[str, Metric] = {m.cli_name: m for m in METRICS} | {m.key: m for m in METRICS}


def metric(name: str) -> Metric | None:
    """The metric with record key or CLI name ``name``; ``None`` when there is none."""
    return _BY_NAME.get(name)
