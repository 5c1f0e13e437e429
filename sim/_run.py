"""``run(config)``: load the data, build the network, run the protocol, report a ``SimResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim._config import SimConfig
from sim._datasets import Dataset, load_dataset
from sim._drive import image_rule_norm, input_rate_hz, rate_cap_hz, weight_norm
from sim._learning import Mechanisms, StdpParams, seed_kernels
from sim._network import Network
from sim._protocols import Evaluator, PhaseStats, Progress, run_continual, run_static
from sim._splits import make_splits

#: Default split sizes per dataset: (assign, train, test); ``None`` = all remaining. The 28x28
#: sets assign labels from 10 000 labelled samples, Diehl & Cook's assignment window (400
#: neurons, 10 000 training samples, Fashion-MNIST: 73.2% vs 71.7% with 1 000).
DEFAULT_SIZES: dict[str, tuple[int, int | None, int | None]] = {
    "digits": (300, None, None),
    "mnist": (10_000, 10_000, 10_000),
    "fashion-mnist": (10_000, 10_000, 10_000),
}


@dataclass
class SimResult:
    """Outcome of one run (see docs/architecture.md).

    Attributes:
        accuracy: static test accuracy, or final all-class accuracy for ``continual``.
        tasks: continual per-task records ``{task, classes, recent, previous, all_seen}``.
        activity: ``{"train": {...}, "infer": {...}}`` per-sample mean event counts.
        train_ms_per_sample, infer_ms_per_sample: wall time per sample in ms.
        seed: the run's seed.
        config: the configuration that produced it (not part of ``to_dict``).
        weights: final input weights (inputs, neurons), float32.
        theta: final adaptive thresholds in mV.
        max_rate_hz: input rate of a pixel of intensity 1 the run used (the input-drive rule's
            unless the config set it), Hz; not part of ``to_dict``.
    """

    accuracy: float
    tasks: list[dict[str, Any]]
    activity: dict[str, dict[str, float]]
    train_ms_per_sample: float
    infer_ms_per_sample: float
    seed: int
    config: SimConfig = field(repr=False)
    weights: np.ndarray = field(repr=False)
    theta: np.ndarray = field(repr=False)
    max_rate_hz: float = field(default=0.0, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of docs/architecture.md."""
        return {
            "accuracy": self.accuracy,
            "tasks": [dict(t) for t in self.tasks],
            "activity": {phase: dict(counts) for phase, counts in self.activity.items()},
            "train_ms_per_sample": self.train_ms_per_sample,
            "infer_ms_per_sample": self.infer_ms_per_sample,
            "seed": self.seed,
        }


def build_network(config: SimConfig, dataset: Dataset, rng: np.random.Generator) -> Network:
    """The untrained network ``config`` describes for ``dataset``: rates and normalisation by
    the input-drive rule, applied to every image, unless ``config`` sets them (an explicit
    ``max_rate_hz`` is every image's rate)."""
    cap: float | None = None
    if config.max_rate_hz is None:
        rate = input_rate_hz(dataset.mean_intensity, dataset.n_inputs, dataset.peak_intensity)
        cap = rate_cap_hz(dataset.peak_intensity)
        norm = config.weight_norm or image_rule_norm(dataset.train_x, cap)
    else:
        rate = config.max_rate_hz
        norm = config.weight_norm or weight_norm(rate, dataset.mean_intensity)
    in_training = config.quantization == "in-training"
    return Network.create(
        dataset.n_inputs, config.neurons, rng=rng,
        population=config.inhibition == "population",
        inhibition_strength=config.inhibition_strength, timesteps=config.timesteps,
        max_rate_hz=rate, norm=norm,
        weight_bits=config.weight_bits if in_training else 32, rounding=config.rounding,
        stdp=StdpParams(), mechanisms=Mechanisms(**config.mechanisms), rate_cap_hz=cap,
    )


def run(
    config: SimConfig, progress: Progress | None = None, *, data: Dataset | None = None
) -> SimResult:
    """Run one simulation.

    Args:
        config: what to simulate (validated on construction).
        progress: optional ``callable(done, total)`` called as training samples complete.
        data: the dataset to use instead of loading ``config.dataset`` (e.g. a transformed
            copy; split-size defaults still follow ``config.dataset``).

    Raises:
        InputError: a dataset is missing or a split size exceeds the dataset.
    """
    config.validate()
    dataset = data if data is not None else load_dataset(config.dataset, config.data_dir)
    assign_default, train_default, test_default = DEFAULT_SIZES[config.dataset]
    available = dataset.train_y.shape[0]
    assign_n = min(config.assign_samples or assign_default, available - 1)
    train_n = config.train_samples if config.train_samples is not None else train_default
    if train_n is not None and config.train_samples is None:
        train_n = min(train_n, available - assign_n)
    test_n = config.test_samples if config.test_samples is not None else test_default
    if test_n is not None and config.test_samples is None:
        test_n = min(test_n, dataset.test_y.shape[0])
    splits = make_splits(
        dataset, train_samples=train_n, assign_samples=assign_n, test_samples=test_n,
        seed=config.seed,
    )
    seeds = np.random.SeedSequence(config.seed).spawn(4)
    init_rng, train_rng, infer_rng = (np.random.default_rng(s) for s in seeds[:3])
    seed_kernels(int(seeds[3].generate_state(1)[0] % (2**31)))
    net = build_network(config, dataset, init_rng)
    stats = PhaseStats()
    ptq = config.quantization == "post-training"
    evaluator = Evaluator(
        splits, infer_rng, stats, ptq_bits=config.weight_bits if ptq else 32,
        ptq_rounding=config.rounding,
    )
    tasks: list[dict[str, Any]] = []
    if config.protocol == "static":
        accuracy = run_static(net, splits, config.epochs, train_rng, evaluator, progress)
    else:
        accuracy, tasks = run_continual(
            net, splits, dataset.n_classes, config.classes_per_task, config.samples_per_task,
            train_rng, evaluator, progress,
        )
    return SimResult(
        accuracy=accuracy,
        tasks=tasks,
        activity={"train": stats.train.per_sample(), "infer": stats.infer.per_sample()},
        train_ms_per_sample=_ms(stats.train_s, stats.train.samples),
        infer_ms_per_sample=_ms(stats.infer_s, stats.infer.samples),
        seed=config.seed,
        config=config,
        weights=net.w,
        theta=net.theta,
        max_rate_hz=net.max_rate_hz,
    )


def _ms(seconds: float, samples: int) -> float:
    return 1e3 * seconds / samples if samples else 0.0
