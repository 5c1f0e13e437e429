"""``price_layered_many`` (the vectorised pre-screen of the layered families) gives, design by
design, exactly the floats of ``price_layered`` and the verdict of ``check_limits``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import (
    LayeredDesign,
    check_limits,
    estimated_activity,
    price_layered,
    price_layered_many,
)
from hwprofiles import list_profiles, load_profile
from snn_dse.errors import InputError

PROFILES = [entry.id for entry in list_profiles()]

#: Every family and coding, shallow and deep, narrow to over-wide, every precision regime
#: (1-bit, integer widths, float32 weights and state) and presentation length (every 7th of
#: the product, 86 designs: each family, coding, width, precision and length appears).
DESIGNS = [LayeredDesign(family, layers, w, s, t, coding)
           for family, coding, layers, (w, s), t in itertools.product(
               ("surrogate", "imsnn", "ann", "converted"), ("rate", "direct"),
               ((784, 16, 10), (784, 300, 10), (64, 2000, 10), (784, 4096, 10),
                (100, 50, 30, 10)),
               ((1, 8), (4, 16), (8, 8), (16, 32), (32, 32)), (1, 25, 250))][::7]


def one_by_one(profile_id: str, designs: list[LayeredDesign], rate: float,
               intensity: float) -> dict[str, np.ndarray]:
    profile = load_profile(profile_id)
    rows = []
    for d in designs:
        cost = price_layered(profile, d,
                             infer=estimated_activity(d, spike_rate=rate, mean_intensity=intensity),
                             train=estimated_activity(d, spike_rate=rate, mean_intensity=intensity,
                                                      training=True))
        rows.append({"memory_total": cost.memory_bytes["total"],
                     **{f"memory_{k}": v for k, v in cost.memory_bytes.items() if k != "total"},
                     "fits": not check_limits(d, profile), "cores": cost.mapping["cores"],
                     "energy_infer_total": cost.energy_infer_j["total"],
                     "energy_train_total": cost.energy_train_j["total"],
                     "latency_s": cost.latency_s, "latency_train_s": cost.latency_train_s})
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


@pytest.mark.parametrize("profile_id", PROFILES)
def test_batch_equals_one_by_one_on_every_shipped_profile(profile_id: str) -> None:
    batch = price_layered_many(load_profile(profile_id), DESIGNS, spike_rate=0.07,
                               mean_intensity=0.13)
    expected = one_by_one(profile_id, DESIGNS, 0.07, 0.13)
    assert list(batch.columns) == list(expected)
    for key, values in expected.items():
        np.testing.assert_array_equal(batch[key].to_numpy(), values, err_msg=key)  # exact
    if profile_id in ("cortex_m4_stm32l452", "loihi1_like"):   # small memory, per-core limits
        assert 0 < batch["fits"].sum() < len(DESIGNS)


@settings(max_examples=5, deadline=None)
@given(order=st.permutations(range(12)), profile_id=st.sampled_from(PROFILES))
def test_a_design_costs_the_same_in_any_batch(order: list[int], profile_id: str) -> None:
    """Grouping and batch composition do not change a design's floats."""
    designs = DESIGNS[::7][:12]
    profile = load_profile(profile_id)
    whole = price_layered_many(profile, designs)
    shuffled = price_layered_many(profile, [designs[i] for i in order])
    for key in whole:
        np.testing.assert_array_equal(shuffled[key].to_numpy(), whole[key].to_numpy()[order])
    single = price_layered_many(profile, designs[order[0]:order[0] + 1])
    assert single.iloc[0].equals(whole.iloc[order[0]])


def test_spike_rate_is_checked() -> None:
    with pytest.raises(InputError, match="spike_rate"):
        price_layered_many(load_profile("generic_asic_45nm"), DESIGNS[:1], spike_rate=1.5)
