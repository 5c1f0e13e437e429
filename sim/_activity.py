"""Activity counters: exact event counts of a phase (training or inference), reported as
per-sample means under the costmodels ``Activity`` field names (docs/architecture.md).

``sim`` imports nothing from ``costmodels``: it emits plain dicts with exactly these keys.
"""

from __future__ import annotations

import numpy as np

from sim._network import COUNTER_NAMES


class ActivityCounter:
    """Event counts of one phase, summed over its samples (int64, ``COUNTER_NAMES`` order)."""

    def __init__(self) -> None:
        self.counts = np.zeros(len(COUNTER_NAMES), np.int64)
        self.samples = 0

    def per_sample(self) -> dict[str, float]:
        """Mean count per sample of every ``Activity`` field (zeros when no sample ran)."""
        div = max(self.samples, 1)
        return {name: float(c) / div for name, c in zip(COUNTER_NAMES, self.counts, strict=True)}
