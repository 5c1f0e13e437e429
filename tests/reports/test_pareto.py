"""Properties of the Pareto utilities (minimisation) checked with hypothesis."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reports import (
    hypervolume,
    hypervolume_history,
    non_dominated_sort,
    normalised_hypervolume,
    pareto_mask,
    robust_mask,
)

# Small integer-valued grids make ties and duplicates frequent.
values = st.integers(0, 6).map(float)
matrices = st.integers(1, 3).flatmap(
    lambda m: arrays(np.float64, st.tuples(st.integers(0, 25), st.just(m)), elements=values)
)


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool((a <= b).all() and (a < b).any())


@settings(max_examples=80, deadline=None)
@given(matrices)
def test_front_is_mutually_non_dominated(F: np.ndarray) -> None:
    front = F[pareto_mask(F)]
    for a in front:
        assert not any(dominates(b, a) for b in front)


@settings(max_examples=80, deadline=None)
@given(matrices)
def test_every_point_off_the_front_is_dominated_by_a_front_point(F: np.ndarray) -> None:
    mask = pareto_mask(F)
    assert mask.any() == (len(F) > 0)
    front = F[mask]
    for point in F[~mask]:
        assert any(dominates(f, point) for f in front)


@settings(max_examples=60, deadline=None)
@given(matrices, st.data())
def test_non_finite_rows_are_never_on_the_front(F: np.ndarray, data: st.DataObject) -> None:
    if len(F) == 0:
        return
    row = data.draw(st.integers(0, len(F) - 1))
    F = F.copy()
    F[row, 0] = data.draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    mask = pareto_mask(F)
    assert not mask[row]
    assert non_dominated_sort(F)[row] == non_dominated_sort(F).max()


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_non_dominated_sort_ranks(F: np.ndarray) -> None:
    ranks = non_dominated_sort(F)
    assert (ranks[pareto_mask(F)] == 0).all() and (ranks[~pareto_mask(F)] > 0).all()
    for i, rank in enumerate(ranks):
        same = F[ranks == rank]
        assert not any(dominates(b, F[i]) for b in same)
        if rank > 0:
            assert any(dominates(b, F[i]) for b in F[ranks == rank - 1])


@settings(max_examples=60, deadline=None)
@given(matrices, st.data())
def test_hypervolume_is_monotone_when_adding_points(F: np.ndarray, data: st.DataObject) -> None:
    m = F.shape[1]
    ref = np.full(m, 7.0)
    extra = data.draw(arrays(np.float64, (1, m), elements=values))
    before = hypervolume(F, ref)
    after = hypervolume(np.vstack([F, extra]), ref)
    assert after >= before - 1e-9
    assert math.isclose(hypervolume(F[pareto_mask(F)], ref), before, abs_tol=1e-9) or not len(F)


def test_hypervolume_of_known_sets() -> None:
    assert hypervolume(np.empty((0, 2)), [1, 1]) == 0.0
    assert hypervolume([[1.0, 2.0]], [3, 3]) == pytest.approx(2.0)
    assert hypervolume([[1.0, 2.0], [2.0, 1.0]], [3, 3]) == pytest.approx(3.0)
    assert hypervolume([[4.0, 0.0], [math.nan, 0.0]], [3, 3]) == 0.0
    assert normalised_hypervolume([[0.0, 0.0]], [0, 0], [2, 4]) == pytest.approx(1.0)
    assert normalised_hypervolume([[1.0, 2.0]], [0, 0], [2, 4]) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        hypervolume([[1.0, 2.0]], [3, 3, 3])


@settings(max_examples=40, deadline=None)
@given(matrices, st.data())
def test_hypervolume_history_never_decreases_and_ends_at_the_total(
    F: np.ndarray, data: st.DataObject
) -> None:
    include = np.array(data.draw(st.lists(st.booleans(), min_size=len(F), max_size=len(F))),
                       dtype=bool)
    ideal, nadir = np.zeros(F.shape[1]), np.full(F.shape[1], 6.5)
    history = hypervolume_history(F, ideal, nadir, include)
    assert (np.diff(history) >= -1e-12).all()
    if len(F):
        total = normalised_hypervolume(F[include], ideal, nadir) if include.any() else 0.0
        assert history[-1] == pytest.approx(total)


def test_reports_never_imports_dse_and_loads_plotly_lazily() -> None:
    code = ("import sys, reports; assert 'plotly' not in sys.modules; reports.write_report; "
            "assert 'plotly' in sys.modules; "
            "assert not [m for m in sys.modules if m == 'dse' or m.startswith('dse.')]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_robust_mask_definition() -> None:
    """Row 1 wins on error whatever the energies do; rows 0 and 2 could overtake each other;
    row 3 is dominated outright."""
    low = np.array([[0.1, 1.0], [0.05, 3.0], [0.1, 1.2], [0.1, 5.0]])
    high = np.array([[0.1, 2.0], [0.05, 3.5], [0.1, 1.3], [0.1, 6.0]])
    assert robust_mask(low, high).tolist() == [False, True, False, False]
    assert robust_mask(low, low).tolist() == pareto_mask(low).tolist()  # no ranges: the front


@given(st.integers(0, 2**31), st.integers(2, 30))
def test_robust_designs_are_on_every_realised_front(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    nominal = rng.uniform(0, 1, size=(n, 3))
    low, high = nominal * rng.uniform(0.5, 1, size=(n, 3)), nominal * rng.uniform(1, 1.5, (n, 3))
    robust = robust_mask(low, high)
    for _ in range(5):
        realised = rng.uniform(low, high)
        assert not (robust & ~pareto_mask(realised)).any()
    assert not (robust & ~pareto_mask(nominal)).any()
