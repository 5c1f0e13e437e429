"""A cheap analytic SNN-like problem over a small mixed space, and a driver for any engine.

Objectives (all minimised): an error that falls with size and precision, a memory and an energy
that grow with them; one memory budget. The space has 480 designs, small enough for the grid
engine to give the exact front.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dse._space import ChoiceParam, DesignSpace, IntParam
from dse.engines import Engine
from reports import hypervolume, pareto_mask

MEMORY_BUDGET = 1200.0
#: Fixed normalisation (ideal, nadir) per objective, for comparable hypervolumes.
IDEAL = np.array([0.0, 0.0, 0.0])
NADIR = np.array([1.2, 1200.0, 400.0])


def toy_space() -> DesignSpace:
    return DesignSpace([
        IntParam("neurons", 2, 61, log=True),
        ChoiceParam("bits", (2, 4, 8, 16)),
        ChoiceParam("mode", ("dense", "sparse")),
    ])


def toy_objectives(candidate: dict[str, Any], n_objectives: int = 3) -> tuple[list[float], list[float]]:
    n, bits, sparse = candidate["neurons"], candidate["bits"], candidate["mode"] == "sparse"
    error = 1.0 / (1.0 + 0.08 * n * math.log2(bits)) + (0.06 if sparse else 0.0)
    memory = n * bits * (0.7 if sparse else 1.0) + 4 * n
    energy = n * (1.0 if sparse else 2.5) * (1 + bits / 16)
    return [error, memory, energy][:n_objectives], [memory - MEMORY_BUDGET]


@dataclass
class Archive:
    """Every evaluation of a run, in order."""

    candidates: list[dict[str, Any]] = field(default_factory=list)
    F: list[list[float]] = field(default_factory=list)
    G: list[list[float]] = field(default_factory=list)

    def front(self) -> NDArray[np.float64]:
        """Normalised objectives of the feasible non-dominated designs."""
        F, G = np.array(self.F), np.array(self.G)
        feasible = F[(G <= 0).all(axis=1)]
        k = feasible.shape[1]
        normalised = (feasible - IDEAL[:k]) / (NADIR[:k] - IDEAL[:k])
        return normalised[pareto_mask(normalised)]

    def hypervolume(self) -> float:
        front = self.front()
        return hypervolume(front, np.full(front.shape[1], 1.1))


def drive(engine: Engine, budget: int,
          objectives: Callable[[dict[str, Any], int], tuple[list[float], list[float]]] = toy_objectives,
          ) -> Archive:
    """Ask/tell until ``budget`` evaluations or an empty batch (a batch may overshoot the budget)."""
    archive = Archive()
    while len(archive.candidates) < budget:
        batch = engine.ask()
        if not batch:
            break
        rows = [objectives(c, engine.n_objectives) for c in batch]
        F = np.array([f for f, _ in rows])
        G = np.array([g for _, g in rows])
        engine.tell(batch, F, G)
        archive.candidates += batch
        archive.F += F.tolist()
        archive.G += G.tolist()
    return archive


def exact_hypervolume(n_objectives: int) -> float:
    """Hypervolume of the exhaustive (grid engine) front of the toy problem."""
    from dse.engines import GridEngine

    grid = GridEngine(toy_space(), n_objectives=n_objectives, n_constraints=1, seed=0, batch_size=480)
    return drive(grid, toy_space().size).hypervolume()
