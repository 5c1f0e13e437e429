"""Exhaustive engine: every design of the space once, in :meth:`DesignSpace.enumerate` order."""

from __future__ import annotations

import itertools

from dse._space import Candidate, DesignSpace
from dse.engines._base import Engine


class GridEngine(Engine):
    """Enumerates the space (real parameters at their grid levels); the oracle of the tests.

    Results are ignored and the seed is unused: the order is fixed. :meth:`ask` returns ``[]``
    once every design has been proposed.
    """

    name = "grid"

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int) -> None:
        super().__init__(space, n_objectives, n_constraints, seed, batch_size)
        self._designs = space.enumerate()

    def _ask(self) -> list[Candidate]:
        return list(itertools.islice(self._designs, self.batch_size))
