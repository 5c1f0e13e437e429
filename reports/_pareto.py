"""Pareto utilities for minimisation problems: front mask, non-dominated sort, hypervolume.

Every function takes an objective matrix ``F`` of shape ``(n_points, n_objectives)`` in which
smaller is better in every column (turn accuracy into error, ``1 - accuracy``, first). Rows with
a NaN or an infinity are never on a front and never add hypervolume.
"""

from __future__ import annotations

from collections.abc import Sequence

import moocore
import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "hypervolume",
    "hypervolume_history",
    "non_dominated_sort",
    "normalised_hypervolume",
    "pareto_mask",
    "robust_mask",
]


def _as_matrix(F: ArrayLike) -> NDArray[np.float64]:
    """``F`` as a 2-D float array; a 1-D input is one point per element of one objective."""
    arr = np.asarray(F, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"objective matrix must be 2-D (points x objectives), got {arr.shape}")
    return arr


def pareto_mask(F: ArrayLike) -> NDArray[np.bool_]:
    """Boolean mask of the non-dominated rows of ``F`` (minimisation).

    A row is dominated when another row is no worse in every objective and strictly better in
    at least one. Identical rows do not dominate each other, so duplicates of a front point are
    all on the front. Rows holding NaN or inf are never on the front.
    """
    arr = _as_matrix(F)
    mask = np.zeros(arr.shape[0], dtype=bool)
    finite = np.flatnonzero(np.isfinite(arr).all(axis=1))
    if finite.size == 0:
        return mask
    mask[finite] = moocore.is_nondominated(arr[finite], keep_weakly=True)
    return mask


def robust_mask(F_low: ArrayLike, F_high: ArrayLike) -> NDArray[np.bool_]:
    """Rows that stay non-dominated however every row's costs move within their ranges.

    Each row's objectives lie anywhere in the box ``[F_low, F_high]`` (minimisation; an
    objective without a range has ``low == high``), independently of the other rows. Row ``i``
    is robust when no other row ``j`` dominates it even with ``j`` at its optimistic corner and
    ``i`` at its pessimistic one: there is no ``j != i`` with ``F_low[j] <= F_high[i]``
    everywhere and ``<`` somewhere. Treating rows as independent is conservative: rows priced
    on one profile share its figures, so their costs move together and fewer designs can
    overtake each other than this test allows. A robust row is on the front of every
    realisation, so it is on the nominal front too. Rows with NaN or inf are never robust.
    """
    low, high = _as_matrix(F_low), _as_matrix(F_high)
    if low.shape != high.shape:
        raise ValueError(f"corner matrices differ in shape: {low.shape} vs {high.shape}")
    n = low.shape[0]
    finite = np.asarray(np.isfinite(low).all(axis=1) & np.isfinite(high).all(axis=1))
    mask = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(finite):
        others = finite.copy()
        others[i] = False
        no_worse = (low[others] <= high[i]).all(axis=1)
        better = (low[others] < high[i]).any(axis=1)
        mask[i] = not (no_worse & better).any()
    return mask


def non_dominated_sort(F: ArrayLike) -> NDArray[np.int64]:
    """Front rank of each row of ``F``: 0 for the Pareto front, 1 for the front left once it
    is removed, and so on. Rows holding NaN or inf get the rank after the last finite front."""
    arr = _as_matrix(F)
    ranks = np.full(arr.shape[0], -1, dtype=np.int64)
    remaining = np.flatnonzero(np.isfinite(arr).all(axis=1))
    rank = 0
    while remaining.size:
        front = pareto_mask(arr[remaining])
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    ranks[ranks < 0] = rank
    return ranks


def hypervolume(F: ArrayLike, ref: Sequence[float] | ArrayLike) -> float:
    """Hypervolume (minimisation) dominated by the rows of ``F`` and bounded by ``ref``.

    Only finite rows strictly better than ``ref`` in every objective contribute; an empty set
    has hypervolume 0.
    """
    arr = _as_matrix(F)
    reference = np.asarray(ref, dtype=float).reshape(-1)
    if reference.size != arr.shape[1]:
        raise ValueError(
            f"reference point has {reference.size} values for {arr.shape[1]} objectives"
        )
    inside = np.isfinite(arr).all(axis=1) & (arr < reference).all(axis=1)
    if not inside.any():
        return 0.0
    return float(moocore.hypervolume(arr[inside], ref=reference))


def normalise(
    F: ArrayLike, ideal: Sequence[float] | ArrayLike, nadir: Sequence[float] | ArrayLike
) -> NDArray[np.float64]:
    """Map ``F`` linearly so ``ideal`` goes to 0 and ``nadir`` to 1 in every objective; values
    better than the ideal are clipped to 0."""
    arr = _as_matrix(F)
    lo = np.asarray(ideal, dtype=float).reshape(-1)
    hi = np.asarray(nadir, dtype=float).reshape(-1)
    if lo.size != arr.shape[1] or hi.size != arr.shape[1]:
        raise ValueError("ideal and nadir need one value per objective")
    if not (hi > lo).all():
        raise ValueError(f"nadir {hi.tolist()} must exceed ideal {lo.tolist()} in every objective")
    with np.errstate(invalid="ignore"):
        return np.maximum((arr - lo) / (hi - lo), 0.0)


def normalised_hypervolume(
    F: ArrayLike, ideal: Sequence[float] | ArrayLike, nadir: Sequence[float] | ArrayLike
) -> float:
    """Hypervolume of ``F`` after :func:`normalise`, with reference point 1 in every objective:
    the fraction of the ideal-nadir box the points dominate, in [0, 1]."""
    norm = normalise(F, ideal, nadir)
    return hypervolume(norm, np.ones(norm.shape[1]))


def hypervolume_history(
    F: ArrayLike,
    ideal: Sequence[float] | ArrayLike,
    nadir: Sequence[float] | ArrayLike,
    include: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Normalised hypervolume after each row of ``F`` in order (row ``i``: rows ``0..i``).

    ``include`` (bool per row, default all) marks the rows allowed to count, e.g. the feasible
    designs; the others keep the previous value. The result never decreases.
    """
    norm = normalise(F, ideal, nadir)
    n = norm.shape[0]
    allowed = np.ones(n, dtype=bool) if include is None else np.asarray(include, dtype=bool)
    inside = allowed & np.isfinite(norm).all(axis=1) & (norm < 1.0).all(axis=1)
    history = np.zeros(n, dtype=float)
    ref = np.ones(norm.shape[1])
    front = np.empty((0, norm.shape[1]))
    value = 0.0
    for i in range(n):
        if inside[i]:
            point = norm[i]
            if not (front <= point).all(axis=1).any():
                front = np.vstack([front[~(point <= front).all(axis=1)], point])
                value = float(moocore.hypervolume(front, ref=ref))
        history[i] = value
    return history
