"""The mapper: shared level capacity, read-only levels, cores under per-core limits, hops,
static power of the cores used, the family registry; hypothesis properties of fitting."""

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import (
    Activity,
    DesignArrays,
    Network,
    SNNDesign,
    build_network,
    estimate,
    families,
    map_designs,
    register_family,
)
from hwprofiles import DeviceProfile, load_profile
from snn_dse.errors import InputError
from tests._shared import PROFILES, RATES


@cache
def profile(profile_id: str) -> DeviceProfile:
    return load_profile(profile_id)


def report(design: SNNDesign, profile_id: str):  # noqa: ANN201 - CostReport
    return estimate(design, profile(profile_id),
                    Activity.estimated(design, training=True, **RATES),
                    Activity.estimated(design, training=False, **RATES))


def test_capacity_is_shared_between_components() -> None:
    # 1,600 neurons on the ASIC: 17.9 KB of state, traces and labels no longer all go to
    # the 8 KiB SRAM; every level holds at most its capacity
    r = report(SNNDesign(784, 1600, "population", 32), "generic_asic_45nm")
    assert r.fits
    for level in r.memory_levels.values():
        cap = level["capacity_bytes"]
        assert cap is None or level["used_bytes"] <= cap
    used = {name: 0 for name in r.memory_levels}
    for component, level in r.placement.items():
        used[level] += r.memory_bytes[component]
    assert used == {name: level["used_bytes"] for name, level in r.memory_levels.items()}
    assert r.memory_levels["sram_8k"]["used_bytes"] <= 8192
    assert len({r.placement[c] for c in ("neuron_state", "thresholds", "traces", "labels")}) > 1


def test_read_only_flash_never_holds_trained_weights() -> None:
    # 60 neurons x 784 x 8 bit = 47 KB: fits SRAM; 400 neurons x 784 x 8 bit = 314 KB would
    # fit flash by size, but training writes the weights and flash is read-only at run time
    small = report(SNNDesign(784, 60, "direct", 8), "cortex_m4_stm32l452")
    assert small.fits and small.placement["input_weights"] == "sram"
    big = report(SNNDesign(784, 400, "direct", 8), "cortex_m4_stm32l452")
    assert not big.fits and big.placement["input_weights"] is None
    assert "does not fit" in big.fit_reason and "flash is read-only" in big.fit_reason
    assert "input_weights" in big.fit_reason and "sram" in big.fit_reason


def test_constant_weights_may_live_in_flash() -> None:
    # population inhibition: 200 x 200 x 8 bit = 40 KB of inhibitory weights, never written
    device = profile("cortex_m4_stm32l452")
    squeezed = device.model_copy(update={"memory": [
        device.memory[0].model_copy(update={"capacity": device.memory[0].capacity.model_copy(
            update={"value": 170_000.0})}), device.memory[1]]})
    r = estimate(SNNDesign(784, 200, "population", 8), squeezed,
                 Activity(timesteps=1), Activity(timesteps=1))
    assert r.fits
    assert r.placement["inhibitory_weights"] == "flash"
    assert r.placement["input_weights"] == "sram"


def test_loihi_cores_follow_neurons_and_synapse_memory() -> None:
    # 400 direct: 400 x 784 x 8 bit = 313,600 B of input weights / 128 KiB per core = 3 cores
    r = report(SNNDesign(784, 400, "direct", 8), "loihi1_like")
    assert r.mapping["cores"] == 3 and r.fits
    # 4,900 neurons: 3.8 MB of input weights -> 30 exc cores; population inhibition adds
    # 4,900^2 weights: far more than 128 cores of 128 KiB
    big = report(SNNDesign(784, 4900, "population", 8), "loihi1_like")
    assert not big.fits and "cores" in big.fit_reason and "does not fit" in big.fit_reason
    # fan-in: 784 inputs + 3,400 inhibitory axons exceed 4,096 per core
    wide = report(SNNDesign(784, 3400, "direct", 1), "loihi1_like")
    assert not wide.fits and "fan-in" in wide.fit_reason


def test_loihi_static_power_counts_the_cores_used() -> None:
    small = report(SNNDesign(784, 100, "direct", 8), "loihi1_like")
    large = report(SNNDesign(784, 1600, "direct", 8), "loihi1_like")
    per_core = profile("loihi1_like").cores.static_power.value
    for r in (small, large):
        assert r.mapping["static_power_w"] == pytest.approx(r.mapping["cores"] * per_core)
    assert large.mapping["cores"] > small.mapping["cores"]
    assert large.mapping["hops_per_spike"] > small.mapping["hops_per_spike"] == 0.0


def test_unknown_family_and_registration() -> None:
    d = DesignArrays.from_designs([SNNDesign(10, 4, "direct", 8)])
    with pytest.raises(InputError, match="unknown network family 'nope'"):
        build_network("nope", d)
    assert "stdp" in families()

    def no_inhibition(arrays: DesignArrays) -> Network:
        net = build_network("stdp", arrays)
        return replace(net, family="test_no_inhibition",
                       projections=net.projections[:1],
                       components=tuple(c for c in net.components
                                        if c.name != "inhibitory_weights"))

    register_family("test_no_inhibition", no_inhibition)
    net, mapping = map_designs(profile("generic_asic_45nm"), d, "test_no_inhibition")
    assert "inhibitory_weights" not in mapping.placement and bool(mapping.fits[0])


designs = st.builds(
    SNNDesign,
    inputs=st.sampled_from([64, 784]),
    neurons=st.integers(1, 6000),
    inhibition=st.sampled_from(["population", "direct"]),
    weight_bits=st.integers(1, 16),
    state_bits=st.integers(1, 32),
)
quick = settings(max_examples=40, deadline=None)


def _mapped(design: SNNDesign, profile_id: str):  # noqa: ANN202
    return map_designs(profile(profile_id), DesignArrays.from_designs([design]))[1]


@quick
@given(designs, st.sampled_from(PROFILES), st.integers(1, 3000), st.integers(0, 8))
def test_growing_never_makes_a_design_fit(design: SNNDesign, profile_id: str, extra: int,
                                          bits: int) -> None:
    grown = replace(design, neurons=design.neurons + extra,
                    weight_bits=min(design.weight_bits + bits, 16))
    if not _mapped(design, profile_id).fits[0]:
        assert not _mapped(grown, profile_id).fits[0]


@quick
@given(designs, st.sampled_from(PROFILES), st.integers(1, 3000))
def test_cores_never_decrease_with_neurons(design: SNNDesign, profile_id: str, extra: int) -> None:
    more = replace(design, neurons=design.neurons + extra)
    assert _mapped(more, profile_id).cores[0] >= _mapped(design, profile_id).cores[0]


@quick
@given(designs, st.sampled_from(PROFILES))
def test_fits_implies_every_level_within_capacity(design: SNNDesign, profile_id: str) -> None:
    m = _mapped(design, profile_id)
    within = np.all(m.used[:, 0] <= m.capacity)
    if m.fits[0]:
        assert within and all(p[0] >= 0 for p in m.placement.values())
    assert within  # a component that does not fit is placed nowhere, never overfills a level


@pytest.mark.parametrize("profile_id", ["cortex_m4_stm32l452", "generic_asic_45nm"])
@pytest.mark.parametrize("hidden", [16, 256, 4096])
def test_layered_designs_share_capacity_and_never_overflow_a_level(profile_id: str,
                                                                   hidden: int) -> None:
    """The layered families go through the same packing: a fitting design holds no level
    beyond its capacity, and one that does not fit says which component and level."""
    from costmodels import LayeredDesign, check_limits, price_layered

    profile = load_profile(profile_id)
    design = LayeredDesign("imsnn", (784, hidden, 10), weight_bits=16)
    cost = price_layered(profile, design)
    for level in cost.memory_levels.values():
        if cost.fits and level["capacity_bytes"] is not None:
            assert level["used_bytes"] <= level["capacity_bytes"]
    if cost.fits:
        assert not any(r.startswith("does not fit: weights") for r in check_limits(design, profile))
    else:
        assert "does not fit" in (cost.fit_reason or "")
        assert any("does not fit" in r for r in check_limits(design, profile))


def test_layered_weights_written_in_training_never_go_to_flash() -> None:
    from costmodels import LayeredDesign, price_layered

    mcu = load_profile("cortex_m4_stm32l452")
    small = price_layered(mcu, LayeredDesign("surrogate", (64, 16, 10), weight_bits=8))
    assert small.fits and small.placement["weights"] != "flash"
    big = price_layered(mcu, LayeredDesign("surrogate", (784, 256, 10), weight_bits=32))
    assert not big.fits
    assert "weights" in (big.fit_reason or "") and "read-only" in (big.fit_reason or "")


layered = st.builds(
    lambda family, inputs, hidden, outputs, bits: (family, (inputs, *hidden, outputs), bits),
    st.sampled_from(["surrogate", "imsnn", "ann", "converted"]),
    st.sampled_from([64, 784]),
    st.lists(st.integers(1, 5000), min_size=1, max_size=3),
    st.integers(1, 100),
    st.integers(1, 16),
)


def _layered(spec: tuple, widen: int = 0):  # noqa: ANN202 - LayeredPlacement
    from costmodels import LayeredDesign, place_layered

    family, layers, bits = spec
    widened = (layers[0], layers[1] + widen, *layers[2:])
    return place_layered(profile("loihi1_like"), LayeredDesign(family, widened, weight_bits=bits))


@quick
@given(layered, st.integers(1, 4000))
def test_layered_cores_never_decrease_with_width(spec: tuple, extra: int) -> None:
    """The layered families go through the same mapper: widening a hidden layer never frees
    a core on Loihi (neurons, synapse memory and fan-in per core)."""
    assert _layered(spec, extra).cores >= _layered(spec).cores


@quick
@given(layered, st.sampled_from(PROFILES))
def test_layered_fits_implies_every_level_within_capacity(spec: tuple, profile_id: str) -> None:
    from costmodels import LayeredDesign, place_layered

    family, layers, bits = spec
    placed = place_layered(profile(profile_id), LayeredDesign(family, layers, weight_bits=bits))
    within = np.all(placed.used <= placed.capacity)
    assert within
    if placed.fit_reason is None:
        assert all(p[0] >= 0 for p in placed.mapping.placement.values())
        assert placed.mapping.cores[0] <= placed.mapping.core_limit


def test_layered_networks_split_over_loihi_cores() -> None:
    """784-4096-10 at 8 bits on Loihi: the hidden layer needs ceil(784 x 4096 B / 128 KiB) = 25
    cores (synapse memory), the output layer 1; static power and latency follow the cores."""
    from costmodels import LayeredDesign, check_limits, price_layered

    loihi = profile("loihi1_like")
    wide = price_layered(loihi, LayeredDesign("surrogate", (784, 4096, 10), weight_bits=8))
    assert wide.mapping["cores"] == 25 + 1 and wide.fits
    assert wide.mapping["static_power_w"] == pytest.approx(26 * 0.8125e-3)
    assert wide.mapping["hops_per_spike"] > 0
    narrow = price_layered(loihi, LayeredDesign("surrogate", (784, 64, 10), weight_bits=8))
    assert narrow.mapping["cores"] == 2
    # more cores share the synaptic work: per synaptic event, the wide network is faster
    per_event = [c.latency_s / c.ops_infer["synaptic_ops"] for c in (wide, narrow)]
    assert per_event[0] < per_event[1]
    # beyond 128 cores the design does not fit, with the reason
    huge = LayeredDesign("surrogate", (784, 30000, 10), weight_bits=8)
    assert any("cores" in r and "does not fit" in r for r in check_limits(huge, loihi))
    fan = LayeredDesign("surrogate", (5000, 16, 10), weight_bits=1)
    assert any("fan-in" in r for r in check_limits(fan, loihi))
