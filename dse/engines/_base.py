"""The one engine protocol: propose batches of candidates (``ask``), learn from results (``tell``).

Engines only propose. Evaluation, caching, constraints, progress and the Pareto front live
outside them. Every objective is minimised; every constraint is ``value - budget <= 0``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dse._space import Candidate, DesignSpace

#: Magnitude that replaces infinite objective or constraint values (failed designs) before an
#: engine sees them, so that crowding distances and normalisations stay finite.
FAILED_VALUE = 1e300


@dataclass(frozen=True)
class Estimates:
    """What is known of candidates before any simulation (the analytical cost model).

    ``F`` is ``(n, n_objectives)`` and ``G`` ``(n, n_constraints)``, minimised like the rows an
    engine is told, with NaN where only a simulation gives the value (accuracy). Estimated
    values may differ from the measured ones (activity is estimated). ``screened`` marks the
    candidates the evaluation rejects without simulating (device limits, or an estimate beyond
    a pre-screened budget): proposing them spends an evaluation on a known-infeasible design.
    """

    F: NDArray[np.float64]
    G: NDArray[np.float64]
    screened: NDArray[np.bool_]


#: Analytical estimates of a list of candidates, in order; given to engines that use them.
Estimator = Callable[[Sequence[Candidate]], Estimates]


class Engine(ABC):
    """Base of every search engine: batched, seeded ask/tell over a :class:`DesignSpace`.

    Protocol: call :meth:`ask`, evaluate every candidate it returned, then call :meth:`tell` with
    those candidates in the same order and one row of objectives ``F`` (minimised) and
    constraints ``G`` (``<= 0`` is feasible) each; repeat. An empty batch from :meth:`ask` means
    the engine has nothing more to propose. Same seed and same tells give the same proposals.
    An engine whose proposals do not depend on results (:attr:`learns` is False: it keeps the
    default :meth:`_tell`) may be asked again before its earlier batches are told, so that
    several batches are evaluated at once; they are then told in the order they were asked.
    """

    name: ClassVar[str]

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int) -> None:
        if n_objectives < 1:
            raise ValueError(f"n_objectives must be at least 1, got {n_objectives}")
        if n_constraints < 0:
            raise ValueError(f"n_constraints must be non-negative, got {n_constraints}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.space = space
        self.n_objectives = n_objectives
        self.n_constraints = n_constraints
        self.seed = int(seed)
        self.batch_size = batch_size
        self._untold: list[list[Candidate]] = []  # asked batches awaiting tell(), oldest first

    @property
    def learns(self) -> bool:
        """Whether told results steer later proposals (the engine overrides :meth:`_tell`)."""
        return type(self)._tell is not Engine._tell

    def ask(self) -> list[Candidate]:
        """The next batch: at most ``batch_size`` candidates (plain dicts of Python scalars).

        An empty batch means the engine has nothing more to propose; it needs no :meth:`tell`.
        Raises ``RuntimeError`` while an earlier batch has not been told, unless the engine
        does not learn from results (:attr:`learns`).
        """
        if self._untold and self.learns:
            raise RuntimeError("tell() the previous batch before asking for another")
        batch = [self.space.canonical(c) for c in self._ask()]
        if batch:
            self._untold.append(batch)
        return [dict(c) for c in batch]

    def tell(self, candidates: Sequence[dict[str, Any]], F: ArrayLike, G: ArrayLike) -> None:
        """Report the results of the last batch: ``F`` is ``(n, n_objectives)``, ``G`` ``(n, n_constraints)``.

        ``candidates`` must be the oldest untold :meth:`ask` batch (the last one, for an engine
        that learns) in its order. Infinite values (failed
        designs) are accepted and clipped to ``±FAILED_VALUE``; NaN raises ``ValueError``. A
        design whose evaluation raised is told as the worst possible one: every objective and
        constraint ``+inf``; engines that can mark a failure (Optuna) recognise that row.
        """
        if not self._untold:
            raise RuntimeError("tell() without a pending ask()")
        told = [self.space.canonical(c) for c in candidates]
        if told != self._untold[0]:
            raise ValueError("tell() must receive the candidates of the oldest untold ask(), "
                             "in the same order")
        F_ = self._matrix(F, len(told), self.n_objectives, "F")
        G_ = self._matrix(G, len(told), self.n_constraints, "G")
        self._untold.pop(0)
        self._tell(told, F_, G_)

    @staticmethod
    def _matrix(values: ArrayLike, rows: int, cols: int, label: str) -> NDArray[np.float64]:
        array = np.asarray(values, dtype=float)
        if array.size == 0 and rows * cols == 0:
            return np.zeros((rows, cols))
        if array.shape != (rows, cols):
            raise ValueError(f"{label} must have shape ({rows}, {cols}), got {array.shape}")
        if np.isnan(array).any():
            raise ValueError(f"{label} contains NaN; report a failed design with np.inf")
        return np.clip(array, -FAILED_VALUE, FAILED_VALUE)

    @abstractmethod
    def _ask(self) -> list[Candidate]:
        """Propose the next batch (values may be NumPy scalars; :meth:`ask` canonicalises them)."""

    def _tell(  # noqa: B027 - deliberately empty: a default, not an abstract method
        self, candidates: list[Candidate], F: NDArray[np.float64], G: NDArray[np.float64]
    ) -> None:
        """Learn from a told batch (validated, finite); engines that ignore results keep this."""
