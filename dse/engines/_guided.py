"""Guided engine: simulate only where the Pareto front can still move.

Only accuracy costs a simulation; memory, energy and latency come from the analytical cost model
in microseconds. The engine therefore works on a *pool* of candidates whose estimates it knows
before anything is simulated: the whole space when it is discrete and at most
:data:`POOL_LIMIT` designs, otherwise :data:`POOL_SAMPLE` uniform draws, refreshed every batch
with new draws and the neighbours of the designs that joined the front. Candidates the
evaluation would reject without simulating (``Estimates.screened``: device limits, estimated
cost over a pre-screened budget) are never proposed, unless the pre-screen rejects every one:
then the least infeasible are (their evaluation prices them without simulating), so that the
run can report how far the budgets are out of reach.

Each batch:

1. **Surrogates** (:mod:`dse.engines._surrogate`: a Gaussian process for accuracy while at
   most a few hundred designs are told, tree ensembles with a spread beyond) are fitted to
   the designs told so far: one predicts the objectives only a simulation gives (accuracy, as
   the minimised error) with an uncertainty; a second predicts how the measured costs and
   constraints differ from their estimates (measured activity moves energy and latency by up to
   a factor of 4 on digits), so costs are ``estimate x learnt correction``.
2. **Acquisition** (:mod:`dse.engines._improvement`): objectives are compared in log where they
   span more than a decade (memory, energy) and normalised to the told front and the feasible
   pool, reference point 10 % beyond. With one predicted objective, a candidate's value is its
   exact *expected hypervolume improvement* over the front of told feasible designs (its costs
   taken at their corrected estimate); with several predicted objectives (no estimator, or
   several accuracies), the improvement of its optimistic point ``mean - sigma``. Either is
   multiplied by the probability that the candidate meets every budget (Gaussian on each
   constraint's predicted value).
3. **Batch**: greedy with the Kriging believer: the best candidate is taken and its predicted
   point joins the front, which lowers the value of candidates like it, and so on. Improvements
   only shrink as the front grows, so values are recomputed lazily (only the current leader).

Before :data:`INITIAL_DESIGNS` designs are told, batches are spread over the pool instead:
greedy farthest point in the encoded parameters, each distance weighted by the candidate's prior
probability of ending on the front given its estimated costs alone (``1 / (k + 1)`` with ``k``
the likely-feasible designs whose costs are all at least as low: the chance it is the most
accurate of them if accuracy were exchangeable). On the real tables (10 seeds, with the GP) the
weighting raised the hypervolume after 5 % of the space from 0.80 to 0.87 on digits and 0.80
to 0.81 on Fashion-MNIST. Without an estimator every objective and constraint is predicted.
The seed fixes the pool, the spread batches and the models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import moocore
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr  # type: ignore[import-untyped]

from dse._space import Candidate, ChoiceParam, DesignSpace, IntParam, RealParam, Scalar
from dse.engines._base import FAILED_VALUE, Engine, Estimates, Estimator
from dse.engines._improvement import expected_improvement, improvement
from dse.engines._surrogate import AccuracySurrogate, Surrogate, features

#: Discrete spaces up to this many designs are enumerated into the pool.
POOL_LIMIT = 50_000
#: Otherwise the pool starts with this many uniform draws ...
POOL_SAMPLE = 8192
#: ... and every later batch adds this many fresh draws plus the front's neighbours.
POOL_REFRESH = 256
#: Designs told before the surrogates are trusted (earlier batches are spread over the pool).
INITIAL_DESIGNS = 8
#: Candidates considered by the farthest-point spread (a random subset of the pool).
SPREAD_SUBSET = 2048
#: A candidate whose point at ``mean - PRUNE_SIGMAS * sigma`` is dominated has a negligible value.
PRUNE_SIGMAS = 3.0
#: The optimistic point of several predicted objectives is ``mean - OPTIMISM * sigma``.
OPTIMISM = 1.0
#: Reference point: this fraction of the normalised range beyond the worst value.
REFERENCE_MARGIN = 0.1
#: Candidates whose value is recomputed at once while a batch is assembled.
RECOMPUTE = 32
#: Neighbour step of numeric parameters, as a fraction of their (log) range.
NEIGHBOUR_STEP = 0.1


def _log_axis(values: NDArray[np.float64]) -> bool:
    """Whether positive ``values`` span more than a decade (then compared in log10)."""
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool((finite > 0).all()) and bool(finite.max() > 10 * finite.min())


def _nondominated(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """The rows of ``points`` no other row dominates (minimisation; duplicates kept)."""
    if points.shape[0] <= 1:
        return points
    return points[moocore.is_nondominated(points, keep_weakly=True)]


def _dominated_by(front: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether each row of ``points`` is weakly dominated by a row of ``front``."""
    if front.shape[0] == 0:
        return np.zeros(points.shape[0], dtype=bool)
    dominated: NDArray[np.bool_] = np.any((front[None, :, :] <= points[:, None, :]).all(axis=2), axis=1)
    return dominated


def _feasible_probability(mean: NDArray[np.float64], std: NDArray[np.float64]) -> NDArray[np.float64]:
    """Probability that every constraint is ``<= 0`` when each is ``N(mean, std)`` (a step
    where ``std`` is 0); ``(n, k)`` -> ``(n,)``."""
    if mean.shape[1] == 0:
        return np.ones(mean.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, -mean / np.where(std > 0, std, 1.0), np.where(mean <= 0, np.inf, -np.inf))
    return np.prod(ndtr(z), axis=1)


class GuidedEngine(Engine):
    """Surrogate-guided search over a pool of analytically priced candidates (module docstring).

    ``estimator`` gives the analytical estimates of candidates (``dse explore`` passes the cost
    model's); without it every objective and constraint is learnt from the told designs.
    """

    name = "guided"

    def __init__(self, space: DesignSpace, n_objectives: int, n_constraints: int, seed: int,
                 batch_size: int, *, estimator: Estimator | None = None) -> None:
        super().__init__(space, n_objectives, n_constraints, seed, batch_size)
        self._estimator = estimator
        self._rng = np.random.default_rng(self.seed)
        self._discrete = not any(isinstance(p, RealParam) for p in space.params)
        self._enumerated = self._discrete and space.size <= POOL_LIMIT
        self._pool: list[Candidate] = []
        self._index: dict[tuple[Scalar, ...], int] = {}
        self._X = np.zeros((0, len(space.params)))
        self._est_F = np.zeros((0, n_objectives))
        self._est_G = np.zeros((0, n_constraints))
        self._screened = np.zeros(0, dtype=bool)
        self._proposed = np.zeros(0, dtype=bool)
        self._told: list[int] = []
        self._expanded: set[int] = set()           # pool indices whose neighbours were added
        self._told_F: list[NDArray[np.float64]] = []
        self._told_G: list[NDArray[np.float64]] = []
        self._accuracy_model = AccuracySurrogate(self.seed)
        self._correction_model = Surrogate(self.seed + 1)

    # ------------------------------------------------------------------ pool

    def _estimate(self, candidates: list[Candidate]) -> Estimates:
        n = len(candidates)
        if self._estimator is None or n == 0:
            return Estimates(np.full((n, self.n_objectives), np.nan),
                             np.full((n, self.n_constraints), np.nan), np.zeros(n, dtype=bool))
        estimates = self._estimator(candidates)
        F = np.asarray(estimates.F, dtype=float).reshape(n, self.n_objectives)
        G = np.asarray(estimates.G, dtype=float).reshape(n, self.n_constraints)
        screened = np.asarray(estimates.screened, dtype=bool).reshape(n)
        return Estimates(np.clip(F, -FAILED_VALUE, FAILED_VALUE), np.clip(G, -FAILED_VALUE, FAILED_VALUE),
                         screened)

    def _add(self, candidates: Sequence[Candidate]) -> None:
        """Append the candidates not yet in the pool, with their estimates."""
        new: list[Candidate] = []
        for candidate in candidates:
            canonical = self.space.canonical(candidate)
            key = self.space.key(canonical)
            if key not in self._index:
                self._index[key] = len(self._pool) + len(new)
                new.append(canonical)
        if not new:
            return
        estimates = self._estimate(new)
        self._pool += new
        self._X = np.vstack([self._X, features(self.space, new)])
        self._est_F = np.vstack([self._est_F, estimates.F])
        self._est_G = np.vstack([self._est_G, estimates.G])
        self._screened = np.concatenate([self._screened, estimates.screened])
        self._proposed = np.concatenate([self._proposed, np.zeros(len(new), dtype=bool)])

    def _grow_pool(self) -> None:
        if not self._pool:
            self._add(list(self.space.enumerate()) if self._enumerated
                      else self.space.sample(self._rng, POOL_SAMPLE))
        elif not self._enumerated:
            front = [i for i in self._front_indices() if i not in self._expanded]
            self._expanded.update(front)
            self._add(self.space.sample(self._rng, POOL_REFRESH)
                      + [n for i in front for n in self._neighbours(self._pool[i])])

    def _neighbours(self, candidate: Candidate) -> list[Candidate]:
        """Designs one step away from ``candidate`` in one parameter."""
        out = []
        for param in self.space.params:
            value = candidate[param.name]
            if isinstance(param, ChoiceParam):
                at = param.choices.index(value)
                steps = [param.choices[i] for i in (at - 1, at + 1) if 0 <= i < len(param.choices)]
            elif param.log:
                factor = math.exp(NEIGHBOUR_STEP * math.log(param.high / param.low))
                steps = [value * factor, value / factor]
            else:
                delta = NEIGHBOUR_STEP * (param.high - param.low)
                steps = [value + delta, value - delta]
            for step in steps:
                if isinstance(param, IntParam):
                    step = int(round(float(step)))
                if not isinstance(param, ChoiceParam):
                    step = min(max(step, param.low), param.high)
                if step != value:
                    out.append({**candidate, param.name: step})
        return out

    # ------------------------------------------------------------------ told designs

    def _usable(self) -> NDArray[np.int64]:
        """Positions in the told lists of designs to learn from: simulated (not screened) and
        not failed."""
        if not self._told:
            return np.zeros(0, dtype=np.int64)
        F, G = np.array(self._told_F), np.array(self._told_G).reshape(len(self._told), -1)
        ok = (~self._screened[self._told] & (np.abs(F) < FAILED_VALUE).all(axis=1)
              & (np.abs(G) < FAILED_VALUE).all(axis=1))
        return np.flatnonzero(ok)

    def _front_indices(self) -> list[int]:
        """Pool indices of the told feasible designs no other told feasible design dominates."""
        usable = self._usable()
        if usable.size == 0:
            return []
        F = np.array(self._told_F)[usable]
        G = np.array(self._told_G).reshape(len(self._told), -1)[usable]
        feasible = (G <= 0).all(axis=1)
        rows, told = F[feasible], np.array(self._told)[usable][feasible]
        if rows.shape[0] == 0:
            return []
        return [int(i) for i in told[moocore.is_nondominated(rows, keep_weakly=True)]]

    # ------------------------------------------------------------------ ask / tell

    def _ask(self) -> list[Candidate]:
        self._grow_pool()
        open_ = np.flatnonzero(~self._proposed & ~self._screened)
        if open_.size == 0:
            return self._least_infeasible() if self._screened.all() else []
        k = min(self.batch_size, open_.size)
        if self._usable().size < INITIAL_DESIGNS:
            chosen = self._spread(open_, k)
        else:
            chosen = self._acquire(open_, k)
        self._proposed[chosen] = True
        return [dict(self._pool[i]) for i in chosen]

    def _least_infeasible(self) -> list[Candidate]:
        """When the pre-screen rejects every candidate, the ones closest to the budgets (sum of
        the estimated excesses, each over its column's range), so that the run can say how far
        off the budgets are: their evaluation prices them, it simulates nothing."""
        rest = np.flatnonzero(~self._proposed)
        if rest.size == 0:
            return []
        G = np.where(np.isfinite(self._est_G), self._est_G, 0.0)
        span = G.max(axis=0) - G.min(axis=0) if G.shape[0] else np.ones(G.shape[1])
        excess = (np.maximum(G[rest], 0.0) / np.where(span > 0, span, 1.0)).sum(axis=1)
        chosen = rest[np.argsort(excess, kind="stable")[:self.batch_size]]
        self._proposed[chosen] = True
        return [dict(self._pool[i]) for i in chosen]

    def _tell(self, candidates: list[Candidate], F: NDArray[np.float64], G: NDArray[np.float64]) -> None:
        for candidate, f, g in zip(candidates, F, G, strict=True):
            self._told.append(self._index[self.space.key(candidate)])
            self._told_F.append(f)
            self._told_G.append(g)

    def tell_history(self, candidates: Sequence[Candidate], F: ArrayLike,
                     G: ArrayLike) -> None:
        """Learn from designs evaluated before this engine proposed anything (an earlier run, a
        shared store), as if proposed and told: they join the pool, are never proposed again,
        and count for the surrogates and the front. Same row contract as :meth:`tell`; only
        between batches."""
        if self._untold:
            raise RuntimeError("tell() the pending batch before telling history")
        told = [self.space.canonical(c) for c in candidates]
        F_ = self._matrix(F, len(told), self.n_objectives, "F")
        G_ = self._matrix(G, len(told), self.n_constraints, "G")
        self._grow_pool()
        self._add(told)
        self._proposed[[self._index[self.space.key(c)] for c in told]] = True
        self._tell(told, F_, G_)

    def _front_prior(self, subset: NDArray[np.int64]) -> NDArray[np.float64]:
        """Prior probability that each candidate of ``subset`` ends on the front, from its
        estimated costs alone: if accuracy were exchangeable, a design is non-dominated exactly
        when it is the most accurate of itself and the ``k`` likely-feasible pool designs whose
        estimated costs are all at least as low, probability ``1 / (k + 1)``. 1 where no cost is
        estimated."""
        columns = np.flatnonzero(np.all(np.isfinite(self._est_F), axis=0))
        if columns.size == 0:
            return np.ones(subset.size)
        g_known = np.all(np.isfinite(self._est_G), axis=0)
        likely = ~self._screened & (self._est_G[:, g_known] <= 0).all(axis=1)
        pool = self._est_F[likely][:, columns]
        costs = self._est_F[subset][:, columns]
        count = np.zeros(subset.size)
        step = max(1, 2_000_000 // max(1, pool.shape[0]))
        for start in range(0, subset.size, step):
            part = costs[start:start + step]
            count[start:start + step] = (pool[None, :, :] <= part[:, None, :]).all(axis=2).sum(axis=1)
        count -= likely[subset]                     # a design does not dominate itself
        return 1.0 / (1.0 + np.maximum(count, 0.0))

    def _spread_space(self) -> NDArray[np.float64]:
        """Where the first batch is spread: the estimated costs (log10 where they span more
        than a decade), the axes the hypervolume is measured on; the encoded parameters where
        no cost is estimated."""
        columns = np.flatnonzero(np.all(np.isfinite(self._est_F), axis=0))
        if columns.size == 0:
            return self._X
        return np.column_stack([np.log10(np.maximum(self._est_F[:, j], 1e-300))
                                if _log_axis(self._est_F[:, j]) else self._est_F[:, j]
                                for j in columns])

    def _spread(self, open_: NDArray[np.int64], k: int) -> list[int]:
        """``k`` candidates far apart in estimated cost (:meth:`_spread_space`) and likely on
        the front: greedy farthest point, each distance weighted by the candidate's
        :meth:`_front_prior`, so the batch covers the cost range with the designs few others
        undercut at each cost."""
        subset = (open_ if open_.size <= SPREAD_SUBSET
                  else self._rng.choice(open_, SPREAD_SUBSET, replace=False))
        prior = self._front_prior(subset)
        space = self._spread_space()
        X = space[subset]
        span = X.max(axis=0) - X.min(axis=0)
        X = (X - X.min(axis=0)) / np.where(span > 0, span, 1.0)
        told = space[self._told] if self._told else np.zeros((0, X.shape[1]))
        told = (told - space[subset].min(axis=0)) / np.where(span > 0, span, 1.0)
        if told.shape[0]:
            distance = np.min(np.linalg.norm(X[:, None, :] - told[None, :, :], axis=2), axis=1)
            first = int(np.argmax(distance * prior))
        else:
            distance = np.full(len(subset), np.inf)
            best = np.flatnonzero(prior == prior.max())
            first = int(self._rng.choice(best))
        chosen = [first]
        for _ in range(k - 1):
            distance = np.minimum(distance, np.linalg.norm(X - X[chosen[-1]], axis=1))
            distance[chosen] = -1.0
            chosen.append(int(np.argmax(distance * prior)))
        return [int(subset[i]) for i in chosen]

    def _acquire(self, open_: NDArray[np.int64], k: int) -> list[int]:
        """The next batch by expected (or optimistic) hypervolume improvement x feasibility."""
        usable = self._usable()
        told = np.array(self._told)[usable]
        F_t = np.array(self._told_F)[usable]
        G_t = np.array(self._told_G).reshape(len(self._told), -1)[usable]
        estimated: NDArray[np.bool_] = np.all(np.isfinite(self._est_F), axis=0)
        predicted: NDArray[np.bool_] = ~estimated
        g_estimated: NDArray[np.bool_] = np.all(np.isfinite(self._est_G), axis=0)
        estimated_columns = [int(j) for j in np.flatnonzero(estimated)]
        logs = np.array([_log_axis(np.concatenate([self._est_F[:, j] if estimated[j] else [], F_t[:, j]]))
                         for j in range(self.n_objectives)])

        def axis(values: NDArray[np.float64], j: int) -> NDArray[np.float64]:
            return np.log10(np.maximum(values, 1e-300)) if logs[j] else values

        X_t, X_o = self._X[told], self._X[open_]
        # 1. the predicted objectives, with their spread
        P = np.zeros((open_.size, self.n_objectives))
        S = np.zeros((open_.size, self.n_objectives))
        if predicted.any():
            Y = np.column_stack([axis(F_t[:, j], int(j)) for j in np.flatnonzero(predicted)])
            self._accuracy_model.fit(X_t, Y)
            P[:, predicted], S[:, predicted] = self._accuracy_model.predict(X_o)
        # 2. costs and constraints: estimate + learnt correction (or learnt outright)
        targets = [axis(F_t[:, j], j) - axis(self._est_F[told, j], j) for j in estimated_columns]
        targets += [G_t[:, j] - (self._est_G[told, j] if g_estimated[j] else 0.0)
                    for j in range(self.n_constraints)]
        correction = np.zeros((open_.size, len(targets)))
        spread = np.zeros_like(correction)
        if targets:
            self._correction_model.fit(X_t, np.column_stack(targets))
            correction, spread = self._correction_model.predict(X_o)
        for n, j in enumerate(estimated_columns):
            P[:, j] = axis(self._est_F[open_, j], j) + correction[:, n]
        g_base = np.where(g_estimated, self._est_G[open_], 0.0)
        offset = int(estimated.sum())
        feasible = _feasible_probability(g_base + correction[:, offset:], spread[:, offset:])
        # 3. the front of told feasible designs, and the normalisation
        front = np.column_stack([axis(F_t[:, j], j) for j in range(self.n_objectives)])
        front = _nondominated(front[(G_t <= 0).all(axis=1)])
        likely = P[feasible >= 0.5]
        span_rows = np.vstack([front, likely]) if likely.size else (front if front.size else P)
        low, high = span_rows.min(axis=0), span_rows.max(axis=0)
        scale = np.where(high > low, high - low, 1.0)
        ref = np.full(self.n_objectives, 1.0 + REFERENCE_MARGIN)
        front_n, P_n, S_n = (front - low) / scale, (P - low) / scale, S / scale
        # 4. values, then the believer batch
        values = self._values(front_n, P_n, S_n, predicted, ref) * feasible
        return self._believer_batch(open_, values, feasible, front_n, P_n, S_n, predicted, ref, k,
                                    scale)

    def _values(self, front: NDArray[np.float64], P: NDArray[np.float64], S: NDArray[np.float64],
                predicted: NDArray[np.bool_], ref: NDArray[np.float64]) -> NDArray[np.float64]:
        """Expected (one predicted objective) or optimistic improvement of each row of ``P``;
        rows that stay dominated at ``mean - PRUNE_SIGMAS * sigma`` get 0."""
        values = np.zeros(P.shape[0])
        hopeful = ~_dominated_by(front, P - PRUNE_SIGMAS * S)
        if not hopeful.any():
            return values
        P, S = P[hopeful], S[hopeful]
        if predicted.sum() == 1:
            u = int(np.flatnonzero(predicted)[0])
            values[hopeful] = expected_improvement(front, P, P[:, u], S[:, u], ref, u)
        else:
            values[hopeful] = improvement(front, P - OPTIMISM * S * predicted, ref)
        return values

    def _believe(self, leader: int, live: NDArray[np.int64], S: NDArray[np.float64],
                 predicted: NDArray[np.bool_], scale: NDArray[np.float64]) -> None:
        """Kriging believer (Ginsbourger, Le Riche and Carraro, 2010): condition the accuracy
        GP on a measurement of ``leader`` at its mean; the mean does not move, the predictive
        variance of the ``live`` candidates drops by cov(x, leader)^2 / var(leader). In place
        on the normalised spread ``S``; only with one predicted objective and a GP."""
        if predicted.sum() != 1:
            return
        u = int(np.flatnonzero(predicted)[0])
        cov = self._accuracy_model.covariance(live, leader)
        if cov is None or live.size == 0:
            return
        c = cov[:, 0] / scale[u] ** 2
        var = S[live, u] ** 2 - c ** 2 / max(float(S[leader, u]) ** 2, 1e-300)
        S[live, u] = np.sqrt(np.maximum(var, 0.0))

    def _believer_batch(self, open_: NDArray[np.int64], values: NDArray[np.float64],
                        feasible: NDArray[np.float64], front: NDArray[np.float64],
                        P: NDArray[np.float64], S: NDArray[np.float64],
                        predicted: NDArray[np.bool_], ref: NDArray[np.float64], k: int,
                        scale: NDArray[np.float64]) -> list[int]:
        """Lazy greedy: take the leader, believe it (its predicted point joins the front and,
        with a Gaussian process, the spread of the others shrinks as if its mean had been
        measured), repeat. Values only shrink as the front grows and the spread narrows (the
        improvement is convex in the error), so after each pick only the leaders by their last
        value are recomputed (:data:`RECOMPUTE` at a time, vectorised) until one still leads.
        Slots no candidate can improve are filled with random open candidates."""
        S = S.copy()
        bound = values.copy()                      # an upper bound on each candidate's value
        fresh = np.ones(len(values), dtype=bool)   # bound is the value for the current front
        chosen: list[int] = []
        while len(chosen) < k:
            order = np.argsort(-bound, kind="stable")
            leader = order[0]
            if bound[leader] <= 0:
                break
            if fresh[leader]:
                chosen.append(int(leader))
                bound[leader] = -np.inf
                fresh[:] = False
                if feasible[leader] >= 0.5:
                    front = _nondominated(np.vstack([front, P[leader]]))
                self._believe(int(leader), np.flatnonzero(bound > 0), S, predicted, scale)
                continue
            stale = order[:RECOMPUTE][~fresh[order[:RECOMPUTE]] & (bound[order[:RECOMPUTE]] > 0)]
            bound[stale] = self._values(front, P[stale], S[stale], predicted, ref) * feasible[stale]
            fresh[stale] = True
        if len(chosen) < k:
            rest = np.setdiff1d(np.arange(len(values)), chosen)
            chosen += [int(i) for i in self._rng.choice(rest, k - len(chosen), replace=False)]
        return [int(open_[i]) for i in chosen]
