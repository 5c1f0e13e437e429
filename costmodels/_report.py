"""``CostReport``: the priced design (memory, placement, energy, latency, profile figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CostReport:
    """Cost of one design on one profile, SI units.

    ``memory_bytes``: component -> bytes (with ``total``); ``placement``: component -> memory
    level name (None when no level can hold it); ``fits``/``fit_reason``: whether the design
    fits the device and why not; ``memory_levels``: level -> ``{used_bytes, capacity_bytes}``
    (capacity None when unbounded); ``mapping``: ``cores``, ``hops_per_spike``, ...;
    ``timing``: ``mode`` (afap or realtime), busy and wall seconds per sample;
    ``energy_train_j`` / ``energy_infer_j``: component -> J per sample (with ``total``);
    ``latency_s``: inference latency per sample (s); ``latency_train_s``: training latency
    per sample (s); ``figures``: component -> profile numbers that priced it.
    """

    profile: str
    activity_source: str
    memory_bytes: dict[str, int]
    placement: dict[str, str | None]
    energy_train_j: dict[str, float]
    energy_infer_j: dict[str, float]
    latency_s: float
    latency_train_s: float
    fits: bool = True
    fit_reason: str | None = None
    memory_levels: dict[str, dict[str, int | None]] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, Any] = field(default_factory=dict)
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
            "fits": self.fits,
            "fit_reason": self.fit_reason,
            "memory_levels": {k: dict(v) for k, v in self.memory_levels.items()},
            "mapping": dict(self.mapping),
            "timing": dict(self.timing),
            "figures": {k: [dict(f) for f in v] for k, v in self.figures.items()},
        }
