"""Hypervolume improvement of candidate points over a front, exact or expected (minimisation).

All inputs are normalised objective rows with a common reference point ``ref`` (a row counts
only where it is below ``ref``). Two acquisitions of the guided engine are computed here:

- :func:`improvement`: the exact hypervolume a point would add to a front.
- :func:`expected_improvement`: its expectation when one objective of the point is Gaussian,
  ``N(mu, sigma)``, and the others are known. With the other coordinates ``c`` fixed, the
  improvement of a point whose uncertain coordinate is ``e`` is ``HVI(e) = integral from e to
  ref_u of A(t) dt``, where ``A(t)`` is the volume of the box ``[c, ref]`` (in the known
  coordinates) not dominated by the front points whose uncertain coordinate is ``<= t``. ``A``
  is a step function (it changes at the front's values ``t_1 <= ... <= t_m``), so
  ``E[HVI] = sum_k A_k * sigma * (psi(z_{k+1}) - psi(z_k))`` with ``z = (t - mu) / sigma`` and
  ``psi(z) = z Phi(z) + phi(z)``: closed form, no sampling.

Both are vectorised over candidates (NumPy) for fronts of up to three objectives; above that a
per-candidate ``moocore`` hypervolume is used.
"""

from __future__ import annotations

import moocore
import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr  # type: ignore[import-untyped]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def dominated_volume(corners: NDArray[np.float64], points: NDArray[np.float64],
                     ref: NDArray[np.float64]) -> NDArray[np.float64]:
    """Volume of each box ``[corners[i], ref]`` that ``points`` dominate.

    ``corners`` is ``(n, d)``, ``points`` ``(m, d)``, ``ref`` ``(d,)``; ``d = 0`` means a point
    box of volume 1, dominated as soon as there is a point.
    """
    n, d = corners.shape
    if points.shape[0] == 0:
        return np.zeros(n)
    if d == 0:
        return np.ones(n)
    clipped = np.minimum(np.maximum(corners[:, None, :], points[None, :, :]), ref)  # (n, m, d)
    if d == 1:
        return ref[0] - clipped[:, :, 0].min(axis=1)
    if d == 2:
        order = np.argsort(clipped[:, :, 0], axis=1, kind="stable")
        x = np.take_along_axis(clipped[:, :, 0], order, axis=1)
        y = np.minimum.accumulate(np.take_along_axis(clipped[:, :, 1], order, axis=1), axis=1)
        widths = np.diff(np.concatenate([x, np.full((n, 1), ref[0])], axis=1), axis=1)
        return (widths * (ref[1] - y)).sum(axis=1)
    return np.array([float(moocore.hypervolume(q, ref=ref)) for q in clipped])


def box_volume(corners: NDArray[np.float64], ref: NDArray[np.float64]) -> NDArray[np.float64]:
    """Volume of each box ``[corners[i], ref]`` (zero when a corner is not below ``ref``)."""
    return np.prod(np.clip(ref - corners, 0.0, None), axis=1)


def improvement(front: NDArray[np.float64], points: NDArray[np.float64],
                ref: NDArray[np.float64]) -> NDArray[np.float64]:
    """Hypervolume each row of ``points`` would add to ``front`` (all ``(., d)``)."""
    return box_volume(points, ref) - dominated_volume(points, front, ref)


def _psi(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``z Phi(z) + phi(z)``: the integral of the normal CDF up to ``z``."""
    return z * ndtr(z) + _INV_SQRT_2PI * np.exp(-0.5 * z * z)


def expected_improvement(front: NDArray[np.float64], known: NDArray[np.float64],
                         mu: NDArray[np.float64], sigma: NDArray[np.float64],
                         ref: NDArray[np.float64], uncertain: int) -> NDArray[np.float64]:
    """Expected hypervolume improvement when coordinate ``uncertain`` is ``N(mu, sigma)``.

    ``front`` is ``(m, d)``; ``known`` is ``(n, d)`` whose column ``uncertain`` is ignored;
    ``mu`` and ``sigma`` are ``(n,)`` (``sigma`` > 0). Exact (see the module docstring); with
    at most two known coordinates it runs on a cell grid (:func:`_grid_expected_improvement`).
    """
    others = [j for j in range(front.shape[1]) if j != uncertain]
    corners, ref_c, ref_u = known[:, others], ref[others], ref[uncertain]
    inside = (front[:, uncertain] < ref_u) & (front[:, others] < ref_c).all(axis=1)
    sigma = np.maximum(sigma, 1e-12)
    if len(others) <= 2:
        return _grid_expected_improvement(front[inside][:, others], front[inside, uncertain],
                                          corners, mu, sigma, ref_c, ref_u)
    steps = front[inside][np.argsort(front[inside, uncertain], kind="stable")]
    full = box_volume(corners, ref_c)
    total = np.zeros(len(mu))
    psi_low = np.zeros(len(mu))                       # psi(-inf) = 0
    for k in range(steps.shape[0] + 1):
        upper = steps[k, uncertain] if k < steps.shape[0] else ref_u
        psi_high = _psi((upper - mu) / sigma)
        area = full - dominated_volume(corners, steps[:k, others], ref_c)
        total += area * (psi_high - psi_low)
        psi_low = psi_high
    return sigma * total


#: Most floats of one chunk of candidate or level x cell arrays (bounds the grid's memory).
_CHUNK_FLOATS = 4_000_000
#: Below this many candidates per front level, areas are summed cell by cell (``n x cells``);
#: above, per-level suffix sums (about ``(2d + 2) x levels x cells``) are cheaper.
CELLS_PER_LEVEL = 4


def _grid_expected_improvement(points: NDArray[np.float64], errors: NDArray[np.float64],
                               corners: NDArray[np.float64], mu: NDArray[np.float64],
                               sigma: NDArray[np.float64], ref: NDArray[np.float64],
                               ref_u: float) -> NDArray[np.float64]:
    """The expectation on a grid of the known coordinates (at most two).

    The front's coordinates cut the box below ``ref`` into cells; a cell is dominated by the
    front points whose error is at most ``a`` (its *level*: the least error among the points
    at or below its lower corner, ``ref_u`` if none). A point with error ``e`` and known
    coordinates ``c`` adds ``sum over cells of area(cell within [c, ref]) * (a - e)+``, whose
    expectation is ``sigma * psi((a - mu) / sigma)`` per unit area. The area of each level
    within ``[c, ref]`` is summed cell by cell for few candidates (``n x cells``), otherwise read
    from per-level suffix sums of the cell areas (``levels x cells``, then ``n x levels``).
    """
    n, d = corners.shape
    if d == 0:                                        # one cell of volume 1
        return sigma * _psi((min(errors.min(initial=ref_u), ref_u) - mu) / sigma)
    low = np.minimum(corners.min(axis=0, initial=np.inf), points.min(axis=0, initial=np.inf))
    edges = [np.unique(np.concatenate([[min(low[j], ref[j])], points[:, j], [ref[j]]]))
             for j in range(d)]
    shape = tuple(len(e) - 1 for e in edges)
    level = np.full(shape, ref_u)
    if points.shape[0]:
        at = tuple(np.searchsorted(edges[j], points[:, j]) for j in range(d))
        np.minimum.at(level, at, np.minimum(errors, ref_u))
        for axis in range(d):
            level = np.minimum.accumulate(level, axis=axis)
    levels, cell_level = np.unique(level.ravel(), return_inverse=True)
    by_cells = n < CELLS_PER_LEVEL * levels.size           # the cheaper of the two ways
    weights = (_weights_by_cells if by_cells else _weights_by_sums)(edges, corners, cell_level,
                                                                    levels.size)
    psi = _psi((levels[None, :] - mu[:, None]) / sigma[:, None])
    return sigma * (weights * psi).sum(axis=1)


def _weights_by_cells(edges: list[NDArray[np.float64]], corners: NDArray[np.float64],
                      cell_level: NDArray[np.int64], n_levels: int) -> NDArray[np.float64]:
    """``(n, levels)`` area of each level within each ``[corner, ref]``, cell by cell."""
    n, d = corners.shape
    by_level = np.argsort(cell_level, kind="stable")
    starts = np.searchsorted(cell_level[by_level], np.arange(n_levels))
    overlaps = [np.clip(e[None, 1:] - np.maximum(e[None, :-1], corners[:, [j]]), 0.0, None)
                for j, e in enumerate(edges)]
    weights = np.empty((n, n_levels))
    chunk = max(1, _CHUNK_FLOATS // max(1, cell_level.size))
    for start in range(0, n, chunk):
        part = slice(start, start + chunk)
        area = overlaps[0][part]
        if d == 2:
            area = (area[:, :, None] * overlaps[1][part][:, None, :]).reshape(area.shape[0], -1)
        weights[part] = np.add.reduceat(area[:, by_level], starts, axis=1)
    return weights


def _weights_by_sums(edges: list[NDArray[np.float64]], corners: NDArray[np.float64],
                     cell_level: NDArray[np.int64], n_levels: int) -> NDArray[np.float64]:
    """``(n, levels)`` area of each level within each ``[corner, ref]``, from suffix sums."""
    n, d = corners.shape
    shape = tuple(len(e) - 1 for e in edges)
    widths = [np.diff(e) for e in edges]
    area = widths[0] if d == 1 else np.outer(widths[0], widths[1])
    # the cell holding each corner (index len(cells) past ref) and the share of it above c
    cell, share = [], []
    for j, e in enumerate(edges):
        c = np.clip(corners[:, j], e[0], e[-1])
        i = np.minimum(np.searchsorted(e, c, side="right") - 1, shape[j])
        upper = e[np.minimum(i + 1, shape[j])]
        w = np.where(i < shape[j], upper - e[np.minimum(i, shape[j] - 1)], 1.0)
        cell.append(i)
        share.append(np.where(i < shape[j], (upper - c) / np.where(w > 0, w, 1.0), 0.0))
    weights = np.empty((n, n_levels))
    chunk = max(1, _CHUNK_FLOATS // max(1, area.size))
    for first in range(0, n_levels, chunk):
        part = np.arange(first, min(first + chunk, n_levels))
        table = np.where(cell_level.reshape(shape)[None] == part.reshape((-1,) + (1,) * d),
                         area[None], 0.0)
        for axis in range(1, d + 1):                 # suffix sums, padded with a zero slice
            table = np.flip(np.cumsum(np.flip(table, axis), axis), axis)
            pad = [(0, 0)] * (d + 1)
            pad[axis] = (0, 1)
            table = np.pad(table, pad)
        # sum over the cells at and beyond c: interpolate between the suffix sums at the
        # corner's cell (share of it counted) and at the next cell
        total = np.zeros((n, part.size))
        for step in np.ndindex(*(2,) * d):
            factor = np.ones(n)
            index = []
            for j in range(d):
                factor = factor * (share[j] if step[j] == 0 else 1.0 - share[j])
                index.append(np.minimum(cell[j] + step[j], shape[j]))
            total += factor[:, None] * table[(slice(None), *index)].T
        weights[:, part] = total
    return weights
