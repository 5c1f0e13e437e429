"""Hypervolume improvement, exact and expected, against moocore and Monte Carlo."""

from __future__ import annotations

import moocore
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dse.engines._improvement import (
    _weights_by_cells,
    _weights_by_sums,
    dominated_volume,
    expected_improvement,
    improvement,
)


def _hv(points: np.ndarray, ref: np.ndarray) -> float:
    inside = points[(points < ref).all(axis=1)]
    return float(moocore.hypervolume(inside, ref=ref)) if inside.size else 0.0


unit_points = st.integers(1, 3).flatmap(lambda d: st.tuples(
    arrays(float, st.tuples(st.integers(0, 6), st.just(d)), elements=st.floats(0, 1.2)),
    arrays(float, st.tuples(st.integers(1, 5), st.just(d)), elements=st.floats(0, 1.2))))


@settings(max_examples=60, deadline=None)
@given(unit_points)
def test_improvement_is_the_hypervolume_difference(data: tuple[np.ndarray, np.ndarray]) -> None:
    front, points = data
    ref = np.full(front.shape[1], 1.1)
    expected = [_hv(np.vstack([front, p]), ref) - _hv(front, ref) for p in points]
    assert improvement(front, points, ref) == pytest.approx(expected, abs=1e-9)


def test_dominated_volume_without_points_and_without_dimensions() -> None:
    corners = np.zeros((3, 2))
    assert dominated_volume(corners, np.zeros((0, 2)), np.ones(2)).tolist() == [0, 0, 0]
    assert dominated_volume(np.zeros((2, 0)), np.zeros((1, 0)), np.zeros(0)).tolist() == [1, 1]


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_expected_improvement_matches_monte_carlo(d: int) -> None:
    rng = np.random.default_rng(0)
    front = rng.uniform(0, 1, (6, d))
    known = rng.uniform(0, 0.8, (4, d))
    mu, sigma = rng.uniform(0.2, 0.8, 4), rng.uniform(0.05, 0.3, 4)
    ref = np.full(d, 1.1)
    exact = expected_improvement(front, known, mu, sigma, ref, uncertain=0)
    draws = mu[:, None] + sigma[:, None] * rng.standard_normal((4, 40000 if d <= 2 else 4000))
    for i in range(4):
        points = np.repeat(known[i:i + 1], draws.shape[1], axis=0)
        points[:, 0] = draws[i]
        sampled = improvement(front, points, ref)
        error = sampled.std() / np.sqrt(sampled.size)        # Monte Carlo standard error
        assert abs(exact[i] - sampled.mean()) <= 4 * error + 1e-12


def test_expected_improvement_tends_to_the_exact_one_as_sigma_vanishes() -> None:
    front = np.array([[0.2, 0.6, 0.5], [0.5, 0.3, 0.4], [0.7, 0.1, 0.9]])
    known = np.array([[0.0, 0.4, 0.3], [0.0, 0.8, 0.8]])
    mu = np.array([0.35, 0.1])
    ref = np.full(3, 1.0)
    points = known.copy()
    points[:, 0] = mu
    assert expected_improvement(front, known, mu, np.full(2, 1e-9), ref, 0) == pytest.approx(
        improvement(front, points, ref), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 8), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_grid_and_sweep_agree(m: int, n: int, seed: int) -> None:
    """The grid method (two known coordinates) equals the level-by-level sweep (the general
    method, run here on a copy padded with a constant coordinate)."""
    rng = np.random.default_rng(seed)
    front = rng.uniform(0, 1.2, (m, 3))
    known = rng.uniform(0, 1.2, (n, 3))
    mu, sigma = rng.uniform(0, 1, n), rng.uniform(0.01, 0.5, n)
    ref = np.full(3, 1.1)
    grid = expected_improvement(front, known, mu, sigma, ref, 0)
    pad = np.zeros((m, 1)), np.zeros((n, 1))
    sweep = expected_improvement(np.hstack([front, pad[0]]), np.hstack([known, pad[1]]), mu, sigma,
                                 np.append(ref, 1.0), 0)
    assert grid == pytest.approx(sweep, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 2), st.integers(0, 7), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_cell_sums_and_suffix_sums_agree(d: int, m: int, n: int, seed: int) -> None:
    """Both ways of measuring each front level's area within a candidate's box agree, corners
    below, inside and beyond the grid (the grid method picks one by cost)."""
    rng = np.random.default_rng(seed)
    edges = [np.unique(np.concatenate([[0.0, 1.1], rng.uniform(0, 1.1, m)])) for _ in range(d)]
    cells = int(np.prod([len(e) - 1 for e in edges]))
    levels = int(rng.integers(1, cells + 1))
    cell_level = np.concatenate([np.arange(levels), rng.integers(0, levels, cells - levels)])
    corners = rng.uniform(-0.1, 1.3, (n, d))
    assert _weights_by_sums(edges, corners, cell_level, levels) == pytest.approx(
        _weights_by_cells(edges, corners, cell_level, levels), abs=1e-12)
