"""Training/evaluation protocols: ``static`` and ``continual`` (class-incremental, no replay),
plus the Diehl & Cook readout (label assignment and mean-response voting).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim._activity import ActivityCounter
from sim._network import Network
from sim._splits import Splits, class_tasks, task_stream
from sim.quantization import quantize

Progress = Callable[[int, int], None]


def assign_labels(responses: np.ndarray, labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Each neuron's class: the one (among ``classes``) with its highest mean spike count over
    the labelled samples; -1 for a neuron silent on all of them (it does not vote, P3).

    Args:
        responses: spike counts (samples, neurons).
        labels: class of each sample (samples,).
        classes: the candidate classes (sorted); a class without labelled samples gets no
            neuron.
    """
    means = np.stack([
        responses[labels == c].mean(axis=0) if np.any(labels == c)
        else np.full(responses.shape[1], -1.0)
        for c in classes
    ])
    assignment = classes[np.argmax(means, axis=0)]
    assignment[responses.sum(axis=0) == 0] = -1
    return assignment


def predict(responses: np.ndarray, assignment: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Predicted class per sample: the class whose assigned neurons have the highest mean
    spike count (ties to the lower class); -1 when no assigned neuron spiked."""
    scores = np.full((responses.shape[0], classes.shape[0]), -1.0)
    for k, c in enumerate(classes):
        members = assignment == c
        if members.any():
            scores[:, k] = responses[:, members].mean(axis=1)
    best = np.argmax(scores, axis=1)
    predicted = classes[best]
    predicted[scores[np.arange(scores.shape[0]), best] <= 0.0] = -1
    return predicted


@dataclass
class PhaseStats:
    """Activity and wall time of the training and inference phases of a run."""

    train: ActivityCounter = field(default_factory=ActivityCounter)
    infer: ActivityCounter = field(default_factory=ActivityCounter)
    train_s: float = 0.0
    infer_s: float = 0.0


@dataclass
class Evaluator:
    """Frozen-network evaluation: responses on the assignment and test splits, then readout.

    With post-training quantization (``ptq_bits`` < 32) the network's weights are quantized
    (into a copy) before every evaluation; training continues at float32.
    """

    splits: Splits
    rng: np.random.Generator
    stats: PhaseStats
    ptq_bits: int = 32
    ptq_rounding: str = "nearest"

    def responses(
        self, net: Network, assign_rows: np.ndarray, test_rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Spike counts on the selected rows of the assignment and the test split."""
        if self.ptq_bits < 32:
            w = quantize(net.w, self.ptq_bits, self.ptq_rounding, rng=self.rng)
            net = dataclasses.replace(net, w=w, weight_bits=self.ptq_bits)
        start = time.perf_counter()
        counter = self.stats.infer
        assign = net.responses(self.splits.assign_x[assign_rows], self.rng, counter.counts)
        test = net.responses(self.splits.test_x[test_rows], self.rng, counter.counts)
        counter.samples += assign.shape[0] + test.shape[0]
        self.stats.infer_s += time.perf_counter() - start
        return assign, test


def _train(
    net: Network, x: np.ndarray, rng: np.random.Generator, stats: PhaseStats,
    progress: Progress | None, done: int, total: int,
) -> int:
    """Train on the rows of ``x`` in order; returns the updated progress count."""
    start = time.perf_counter()
    every = max(1, total // 200)
    for row in x:
        net.train_sample(row, rng, stats.train.counts)
        done += 1
        if progress is not None and (done % every == 0 or done == total):
            progress(done, total)
    stats.train.samples += x.shape[0]
    stats.train_s += time.perf_counter() - start
    return done


def run_static(
    net: Network, splits: Splits, epochs: int, rng: np.random.Generator,
    evaluator: Evaluator, progress: Progress | None,
) -> float:
    """Train ``epochs`` passes over the training split (each in a fresh random order), assign
    labels on the assignment split, return the test accuracy."""
    total = epochs * splits.train_x.shape[0]
    done = 0
    for epoch in range(epochs):
        order = np.arange(splits.train_x.shape[0]) if epoch == 0 else rng.permutation(
            splits.train_x.shape[0]
        )
        done = _train(net, splits.train_x[order], rng, evaluator.stats, progress, done, total)
    everything_a = np.ones(splits.assign_y.shape[0], np.bool_)
    everything_t = np.ones(splits.test_y.shape[0], np.bool_)
    assign, test = evaluator.responses(net, everything_a, everything_t)
    classes = np.unique(splits.assign_y)
    assignment = assign_labels(assign, splits.assign_y, classes)
    return float(np.mean(predict(test, assignment, classes) == splits.test_y))


def run_continual(
    net: Network, splits: Splits, n_classes: int, classes_per_task: int,
    samples_per_task: int, rng: np.random.Generator, evaluator: Evaluator,
    progress: Progress | None,
) -> tuple[float, list[dict[str, object]]]:
    """Class-incremental learning without replay.

    Task k trains on ``samples_per_task`` samples of its classes only. After each task, with
    plasticity off, labels are assigned from the assignment samples of all classes seen so far
    and the test samples of those classes are classified:

    - ``recent``: accuracy on the test samples of task k's classes;
    - ``previous``: mean over earlier tasks of each task's accuracy (``None`` for task 0);
    - ``all_seen``: accuracy on the test samples of every class seen so far.

    Returns the final all-class accuracy (after the last task) and the per-task records.
    """
    tasks = class_tasks(n_classes, classes_per_task)
    total = len(tasks) * samples_per_task
    done = 0
    records: list[dict[str, object]] = []
    seen: list[int] = []
    accuracy = 0.0
    for k, task in enumerate(tasks):
        x, _ = task_stream(splits.train_x, splits.train_y, task, samples_per_task, rng)
        done = _train(net, x, rng, evaluator.stats, progress, done, total)
        seen.extend(task)
        classes = np.array(sorted(seen))
        in_assign = np.isin(splits.assign_y, classes)
        in_test = np.isin(splits.test_y, classes)
        assign, test = evaluator.responses(net, in_assign, in_test)
        assignment = assign_labels(assign, splits.assign_y[in_assign], classes)
        test_y = splits.test_y[in_test]
        correct = predict(test, assignment, classes) == test_y

        def task_accuracy(members: tuple[int, ...]) -> float:
            return float(correct[np.isin(test_y, members)].mean())  # noqa: B023 (called at once)

        previous = [task_accuracy(t) for t in tasks[:k]]
        accuracy = float(correct.mean())
        records.append({
            "task": k,
            "classes": [int(c) for c in task],
            "recent": task_accuracy(task),
            "previous": float(np.mean(previous)) if previous else None,
            "all_seen": accuracy,
        })
    return accuracy, records
