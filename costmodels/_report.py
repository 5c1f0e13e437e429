"""``CostReport``: the priced design (memory, placement, energy, latency, profile figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CostReport:
    """Cost of one design on one profile, SI units.

    ``memory_bytes``: component -> bytes (with ``total``); ``placement``: component -> memory
    level name; ``energy_train_j`` / ``energy_infer_j``: component -> J per sample (with
    ``total``); ``latency_s``: inference latency per sample (s); ``latency_train_s``: training
    latency per sample (s); ``figures``: component -> profile numbers that priced it.
    """

    profile: str
    activity_source: str
    memory_bytes: dict[str, int]
    placement: dict[str, str]
    energy_train_j: dict[str, float]
    energy_infer_j: dict[str, float]
    latency_s: float
    latency_train_s: float
    figures: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict in the shape of docs/architecture.md."""
        return {
            "memory_bytes": dict(self.memory_bytes),
            "placement": dict(self.placement),
            "energy_per_sample_j": {"train": dict(self.energy_train_j),
                                    "infer": dict(self.energy_infer_j)},
            "latency_per_sample_s": self.latency_s,
            "profile": self.profile,
            "activity_source": self.activity_source,
            "figures": {k: [dict(f) for f in v] for k, v in self.figures.items()},
        }
