"""docs/validation.md: every model figure recomputed, every ratio within the stated tolerance."""

from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from costmodels import MNIST_MEAN_INTENSITY, Activity, CostReport, SNNDesign, estimate
from hwprofiles import load_profile

DOC = Path(__file__).parents[2] / "docs" / "validation.md"
#: MNIST under the simulator's input-drive rule (13.07 input spikes per ms: 127.5 Hz).
RATES = {"mean_intensity": MNIST_MEAN_INTENSITY, "max_rate_hz": 127.5}
SIZES = (100, 400, 900, 1600, 2500, 3600, 4900)


@cache
def priced(profile: str, neurons: int, variant: str) -> CostReport:
    """Baseline (Diehl & Cook, 17.5 mV population inhibition) or SpikeDyn/FSpiNN (direct
    inhibition, spikedyn rule), float32, MNIST statistics, estimated activity."""
    design = (SNNDesign(784, neurons, "population", 32, inhibition_strength=17.5)
              if variant == "baseline" else SNNDesign(784, neurons, "direct", 32, rule="spikedyn"))
    return estimate(design, load_profile(profile), Activity.estimated(design, training=True, **RATES),
                    Activity.estimated(design, training=False, **RATES))


def _energy(report: CostReport, phase: str) -> float:
    return (report.energy_train_j if phase == "train" else report.energy_infer_j)["total"]


def _gain(phase: str) -> float:
    return float(np.mean([_energy(priced("jetson_nano", n, "baseline"), phase)
                          / _energy(priced("jetson_nano", n, "spikedyn"), phase) for n in SIZES]))


MODEL: dict[str, Callable[[], float]] = {
    "fspinn_memory": lambda: (priced("generic_asic_45nm", 4900, "baseline").memory_bytes["total"]
                              / priced("generic_asic_45nm", 4900, "spikedyn").memory_bytes["total"]),
    "spikedyn_infer": lambda: (_energy(priced("jetson_nano", 400, "spikedyn"), "infer")
                               / _energy(priced("jetson_nano", 400, "baseline"), "infer")),
    "spikedyn_train": lambda: (_energy(priced("jetson_nano", 400, "spikedyn"), "train")
                               / _energy(priced("jetson_nano", 400, "baseline"), "train")),
    "fspinn_infer": lambda: _gain("infer"),
    "fspinn_train": lambda: _gain("train"),
}


def rows() -> list[dict[str, str]]:
    """The rows of the first table of docs/validation.md."""
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    out = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(header) or cells[0] not in MODEL:
            break
        out.append(dict(zip(header, cells, strict=True)))
    return out


def test_every_row_has_a_model() -> None:
    assert [row["id"] for row in rows()] == list(MODEL)


@pytest.mark.parametrize("row", rows(), ids=lambda row: row["id"])
def test_ratio_within_the_stated_tolerance(row: dict[str, str]) -> None:
    model = MODEL[row["id"]]()
    published = float(row["published"])
    digits = len(row["model"].split(".")[1])
    assert round(model, digits) == pytest.approx(float(row["model"]), abs=1.5 * 10**-digits)
    ratio = model / published
    assert round(ratio, 2) == pytest.approx(float(row["ratio"]), abs=0.015)
    tolerance = row["tolerance"]
    if ".." in tolerance:  # a documented miss, pinned to its band
        low, high = (float(v) for v in tolerance.split(".."))
    else:
        factor = float(tolerance)
        assert 1 < factor <= 2
        low, high = 1 / factor, factor
    assert low <= ratio <= high
