"""Random engine: seeded uniform draws over the space, without repeating a design."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dse._space import Candidate, DesignSpace, RealParam, Scalar
from dse.engines._base import Engine

#: Draws per missing candidate before a discrete space falls back to listing its unseen designs.
_DRAWS_PER_CANDIDATE = 16


def draw_unseen(space: DesignSpace, rng: np.random.Generator, n: int,
                seen: Callable[[tuple[Scalar, ...]], bool]) -> list[Candidate]:
    """Up to ``n`` distinct uniform draws whose :meth:`DesignSpace.key` is not ``seen``.

    Rejection sampling first; in a space without real parameters the unseen designs are then
    listed and drawn from directly, so fewer than ``n`` come back only when fewer remain.
    """
    batch: list[Candidate] = []
    taken: set[tuple[Scalar, ...]] = set()
    for candidate in space.sample(rng, _DRAWS_PER_CANDIDATE * n):
        key = space.key(candidate)
        if not seen(key) and key not in taken:
            taken.add(key)
            batch.append(candidate)
            if len(batch) == n:
                return batch
    if not any(isinstance(p, RealParam) for p in space.params):
        unseen = [c for c in space.enumerate() if not seen(k := space.key(c)) and k not in taken]
        for index in rng.choice(len(unseen), size=min(n - len(batch), len(unseen)), replace=False):
            batch.append(unseen[index])
    return batch


class RandomEngine(Engine):
    """Uniform random search (integers on their own scale, reals continuous and rounded).

    A design is never proposed twice. In a space without real parameters :meth:`ask` returns
    ``[]`` once all :attr:`DesignSpace.size` designs have been proposed.
    """

    name = "random"

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int) -> None:
        super().__init__(space, n_objectives, n_constraints, seed, batch_size)
        self._rng = np.random.default_rng(self.seed)
        self._seen: set[tuple[Scalar, ...]] = set()

    def _ask(self) -> list[Candidate]:
        batch = draw_unseen(self.space, self._rng, self.batch_size, self._seen.__contains__)
        self._seen.update(self.space.key(c) for c in batch)
        return batch
