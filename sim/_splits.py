"""Deterministic data splits: training, label assignment and test; class-ordered task streams.

The label-assignment split is labelled data held out from the training split (both are drawn
from the dataset's training part, disjointly), so labels are never assigned on samples the
network learned from nor on test samples. All draws are stratified: each class gets a share
proportional to its frequency (largest-remainder rounding), and each split uses its own random
stream derived from ``seed``, so e.g. the assignment split does not change with
``train_samples``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim._datasets import Dataset
from snn_dse.errors import InputError

__all__ = ["Splits", "class_tasks", "make_splits", "task_stream"]


@dataclass(frozen=True, eq=False)
class Splits:
    """The three splits of one run. ``*_x``: (n, d) float32 in [0, 1]; ``*_y``: (n,) int64.

    ``train_index``/``assign_index`` are the rows of ``Dataset.train_*`` and ``test_index`` the
    rows of ``Dataset.test_*`` each split was taken from (in the split's order).
    """

    train_x: np.ndarray
    train_y: np.ndarray
    assign_x: np.ndarray
    assign_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    train_index: np.ndarray
    assign_index: np.ndarray
    test_index: np.ndarray


def _quotas(counts: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` (<= ``counts.sum()``) over classes in proportion to ``counts`` (largest
    remainder in exact integer arithmetic, ties to the lower class index)."""
    total = int(counts.sum())
    quotas, remainders = np.divmod(counts.astype(np.int64) * n, total)
    short = n - int(quotas.sum())
    quotas[np.argsort(-remainders, kind="stable")[:short]] += 1
    return quotas


def _stratified_take(
    y: np.ndarray, pool: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """``n`` distinct indices from ``pool``, stratified by ``y``, in random order."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    classes, counts = np.unique(y[pool], return_counts=True)
    quotas = _quotas(counts, n)
    picked = [
        rng.permutation(pool[y[pool] == label])[:quota]
        for label, quota in zip(classes, quotas, strict=True)
    ]
    return rng.permutation(np.concatenate(picked)).astype(np.int64)


def _check_count(option: str, value: int | None, available: int, what: str) -> int:
    """``value`` (``None`` = all ``available``) after checking 0 <= value <= available."""
    if value is None:
        return available
    if value < 0 or value > available:
        raise InputError(f"{option}={value}: must be between 0 and {available} ({what})")
    return int(value)


def make_splits(
    ds: Dataset,
    *,
    train_samples: int | None,
    assign_samples: int,
    test_samples: int | None,
    seed: int,
) -> Splits:
    """Draw the training, label-assignment and test splits of ``ds``.

    ``assign_samples`` come from ``ds.train_*`` first; ``train_samples`` (``None`` = all the
    rest) from the remaining training rows; ``test_samples`` (``None`` = all) from ``ds.test_*``.
    Deterministic given ``seed``; the training split is in random order. Raises ``InputError``
    when a count exceeds what the dataset holds.
    """
    n_train_rows, n_test_rows = len(ds.train_y), len(ds.test_y)
    n_assign = _check_count(
        "assign_samples",
        assign_samples,
        n_train_rows,
        f"{ds.name} has {n_train_rows} training samples",
    )
    n_train = _check_count(
        "train_samples",
        train_samples,
        n_train_rows - n_assign,
        f"{ds.name} has {n_train_rows} training samples, {n_assign} held out for label assignment",
    )
    n_test = _check_count(
        "test_samples", test_samples, n_test_rows, f"{ds.name} has {n_test_rows} test samples"
    )
    rng_assign, rng_train, rng_test = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(3)
    )
    assign_index = _stratified_take(ds.train_y, np.arange(n_train_rows), n_assign, rng_assign)
    rest = np.setdiff1d(np.arange(n_train_rows), assign_index, assume_unique=True)
    train_index = _stratified_take(ds.train_y, rest, n_train, rng_train)
    test_index = _stratified_take(ds.test_y, np.arange(n_test_rows), n_test, rng_test)
    return Splits(
        train_x=ds.train_x[train_index],
        train_y=ds.train_y[train_index],
        assign_x=ds.train_x[assign_index],
        assign_y=ds.train_y[assign_index],
        test_x=ds.test_x[test_index],
        test_y=ds.test_y[test_index],
        train_index=train_index,
        assign_index=assign_index,
        test_index=test_index,
    )


def class_tasks(
    n_classes: int, classes_per_task: int = 1, order: Sequence[int] | None = None
) -> list[tuple[int, ...]]:
    """Group classes into consecutive tasks for continual learning.

    ``order`` (default ``0 .. n_classes - 1``) lists distinct classes in arrival order (it may
    leave classes out); tasks take ``classes_per_task`` classes each, the last one possibly
    fewer. ``class_tasks(10)`` -> ``[(0,), (1,), ..., (9,)]``.
    """
    if classes_per_task < 1:
        raise InputError(f"classes_per_task={classes_per_task}: must be at least 1")
    classes = list(range(n_classes)) if order is None else [int(c) for c in order]
    bad = [c for c in classes if not 0 <= c < n_classes]
    if bad or len(set(classes)) != len(classes) or not classes:
        raise InputError(
            f"class order {classes}: must list distinct classes in 0..{n_classes - 1}"
        )
    return [
        tuple(classes[start : start + classes_per_task])
        for start in range(0, len(classes), classes_per_task)
    ]


def task_stream(
    x: np.ndarray,
    y: np.ndarray,
    task_classes: tuple[int, ...],
    samples_per_task: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``samples_per_task`` samples of ``task_classes`` only, in random order.

    The stream makes passes over the task's pool (every sample of those classes): each full
    pass is a fresh random permutation of the pool, and the last, partial pass is a stratified
    random subset (classes in proportion to their frequency in ``y``). So no sample repeats
    before every one was used, and a stream shorter than the pool is one stratified subset.
    Raises ``InputError`` when a task class has no samples in ``y``.
    """
    if samples_per_task < 0:
        raise InputError(f"samples_per_task={samples_per_task}: must be at least 0")
    pool = np.flatnonzero(np.isin(y, task_classes))
    empty = [label for label in task_classes if not np.any(y[pool] == label)]
    if empty or not task_classes:
        raise InputError(f"task classes {task_classes}: no samples of class(es) {empty}")
    full_passes, rest = divmod(samples_per_task, pool.size)
    index = np.concatenate(
        [rng.permutation(pool) for _ in range(full_passes)]
        + [_stratified_take(y, pool, rest, rng)]
    )
    return x[index], y[index]
