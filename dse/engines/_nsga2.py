"""pymoo NSGA-II over a mixed-variable space: ``MixedVariableGA`` with rank-and-crowding survival.

Driven ask/tell (../shared/reference/dse-engines.md §2): one batch is one generation of
``batch_size`` designs. Results are fed through ``algorithm.evaluator`` with a ``StaticProblem``
so pymoo's counters advance. Traps handled here:

- ``MixedVariableGA`` defaults to single-objective survival and output; both are replaced.
- Decoded values are NumPy scalars; :meth:`Engine.ask` turns them into Python scalars.
- Duplicates are eliminated against every design proposed so far, not only the current
  population, so the pipeline's evaluation budget is not spent on repeats. When mating can no
  longer produce an unseen design (a small space), :meth:`ask` returns ``[]``.
- Log-scale integers and reals are searched as reals on a log axis; parameters with a single
  value are kept out of the genome (pymoo's operators need a non-empty range).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pymoo.core.duplicate import DuplicateElimination
from pymoo.core.mixed import MixedVariableGA, MixedVariableMating
from pymoo.core.population import Population
from pymoo.core.problem import Problem
from pymoo.core.variable import Choice, Integer, Real, Variable
from pymoo.operators.survival.rank_and_crowding import RankAndCrowding
from pymoo.problems.static import StaticProblem
from pymoo.termination.max_gen import MaximumGenerationTermination
from pymoo.util.display.multi import MultiObjectiveOutput

from dse._space import Candidate, ChoiceParam, DesignSpace, IntParam, Param, RealParam, Scalar
from dse.engines._base import Engine


def _variable(param: Param) -> Variable:
    """The pymoo variable that encodes ``param`` (log scales become a real on a log axis)."""
    if isinstance(param, ChoiceParam):
        return Choice(options=list(param.choices))
    if param.log:
        high = param.high + 1 if isinstance(param, IntParam) else param.high
        return Real(bounds=(math.log(param.low), math.log(high)))
    if isinstance(param, IntParam):
        return Integer(bounds=(param.low, param.high))
    return Real(bounds=(param.low, param.high))


def _decode(param: Param, value: Any) -> Scalar:
    """A gene of ``param`` back to a parameter value."""
    if isinstance(param, ChoiceParam) or not param.log:
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(param, IntParam):
        return min(max(math.floor(math.exp(value)), param.low), param.high)
    return min(max(math.exp(value), param.low), param.high)


class _Codec:
    """Maps pymoo genomes (dicts over the free parameters) to candidates of the space."""

    def __init__(self, space: DesignSpace) -> None:
        self.space = space
        self.free = [p for p in space.params if p.size > 1 or isinstance(p, RealParam) and p.low < p.high]
        self.fixed = {p.name: p.levels()[0] for p in space.params if p not in self.free}

    def decode(self, genome: dict[str, Any]) -> Candidate:
        values = {p.name: _decode(p, genome[p.name]) for p in self.free}
        return self.space.canonical({**self.fixed, **values})

    def key(self, genome: dict[str, Any]) -> tuple[Scalar, ...]:
        return tuple(self.decode(genome).values())


class _ArchiveDuplicateElimination(DuplicateElimination):
    """Drops offspring that repeat each other, the given populations, or any design proposed before."""

    def __init__(self, codec: _Codec, proposed: set[tuple[Scalar, ...]]) -> None:
        super().__init__()
        self._codec = codec
        self._proposed = proposed

    def _do(self, pop: Population, other: Population | None,
            is_duplicate: NDArray[np.bool_]) -> NDArray[np.bool_]:
        keys = [self._codec.key(ind.X) for ind in pop]
        if other is None:
            fresh: set[tuple[Scalar, ...]] = set()
            for i, key in enumerate(keys):
                is_duplicate[i] = key in self._proposed or key in fresh
                fresh.add(key)
        else:
            taken = {self._codec.key(ind.X) for ind in other}
            for i, key in enumerate(keys):
                is_duplicate[i] |= key in taken
        return is_duplicate


class _SpaceProblem(Problem):
    """The pymoo view of the design space; never evaluated (results arrive through ``tell``)."""

    def __init__(self, codec: _Codec, n_objectives: int, n_constraints: int) -> None:
        super().__init__(vars={p.name: _variable(p) for p in codec.free}, n_obj=n_objectives,
                         n_ieq_constr=n_constraints)


class NSGA2Engine(Engine):
    """NSGA-II (pymoo ``MixedVariableGA`` + ``RankAndCrowding``); population size = ``batch_size``."""

    name = "nsga2"

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int) -> None:
        super().__init__(space, n_objectives, n_constraints, seed, batch_size)
        if batch_size < 2:
            raise ValueError(f"nsga2 needs batch_size >= 2 (it is the population size), got {batch_size}")
        self._codec = _Codec(space)
        self._proposed: set[tuple[Scalar, ...]] = set()
        self._population: Population | None = None
        self._exhausted = False
        if not self._codec.free:
            return
        dedup = _ArchiveDuplicateElimination(self._codec, self._proposed)
        self._problem = _SpaceProblem(self._codec, n_objectives, n_constraints)
        self._algorithm = MixedVariableGA(
            pop_size=batch_size, survival=RankAndCrowding(), output=MultiObjectiveOutput(),
            mating=MixedVariableMating(eliminate_duplicates=dedup), eliminate_duplicates=dedup)
        self._algorithm.setup(self._problem, termination=MaximumGenerationTermination(math.inf),
                              seed=self.seed)

    def _ask(self) -> list[Candidate]:
        if self._exhausted:
            return []
        if not self._codec.free:
            self._exhausted = True
            return [self._codec.decode({})]
        population = self._algorithm.ask() if self._algorithm.has_next() else None
        if population is None or len(population) == 0:
            self._exhausted = True
            return []
        self._population = population
        batch = [self._codec.decode(ind.X) for ind in population]
        self._proposed.update(tuple(c.values()) for c in batch)
        return batch

    def _tell(self, candidates: list[Candidate], F: NDArray[np.float64], G: NDArray[np.float64]) -> None:
        if self._population is None:
            return
        results = {"F": F, "G": G} if self.n_constraints else {"F": F}
        self._algorithm.evaluator.eval(StaticProblem(self._problem, **results), self._population)
        self._algorithm.tell(infills=self._population)
        self._population = None
