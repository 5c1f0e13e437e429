"""Pricing of the layered families: hand-computed figures and invariants."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import (
    LayeredActivity,
    LayeredDesign,
    break_even_spike_rate,
    estimated_activity,
    price_layered,
)
from costmodels._layered import mac_energy, memory_bits, synaptic_op_energy
from dse.cli import main
from hwprofiles import load_profile
from snn_dse.errors import InputError

ASIC = load_profile("generic_asic_45nm")


def test_memory_counts_every_layer_and_the_isi_state() -> None:
    d = LayeredDesign("imsnn", (784, 256, 10), weight_bits=8, state_bits=16, timesteps=25)
    bits = memory_bits(d)
    assert bits["weights"] == (784 * 256 + 256 * 10 + 256 + 10) * 8
    assert bits["isi_parameters"] == 2 * (784 * 256 + 256 * 10) * 8
    assert bits["isi_counters"] == (784 + 256) * 5  # ceil(log2(26)) = 5 bits per phi
    assert bits["neuron_state"] == (256 + 10) * 16
    plain = memory_bits(LayeredDesign("surrogate", (784, 256, 10)))
    assert plain["isi_parameters"] == plain["isi_counters"] == 0


def test_ann_energy_is_macs_at_its_precision() -> None:
    """45 nm ASIC, 8-bit: a MAC is a 0.2 pJ multiply plus a 0.03 pJ add (Horowitz)."""
    d = LayeredDesign("ann", (784, 256, 10), weight_bits=8, state_bits=8)
    assert mac_energy(ASIC, d) == pytest.approx(0.23e-12)
    cost = price_layered(ASIC, d)
    assert cost.ops_infer["macs"] == 784 * 256 + 256 * 10
    assert cost.energy_infer_j["macs"] == pytest.approx((784 * 256 + 256 * 10) * 0.23e-12)


def test_event_driven_pays_spikes_dense_pays_synapses() -> None:
    d = LayeredDesign("surrogate", (100, 50, 10), timesteps=20)
    jetson = load_profile("jetson_nano")
    low, high = (estimated_activity(d, spike_rate=r) for r in (0.01, 0.3))
    asic = [price_layered(ASIC, d, infer=a).energy_infer_j["total"] for a in (low, high)]
    dense = [price_layered(jetson, d, infer=a).energy_infer_j["total"] for a in (low, high)]
    assert asic[0] < asic[1]
    assert dense[0] == pytest.approx(dense[1])
    ops = price_layered(ASIC, d, infer=high).ops_infer
    assert ops["synaptic_ops"] == pytest.approx(100 * 0.286 * 20 * 50 + 0.3 * 50 * 20 * 10)
    assert synaptic_op_energy(ASIC, d) < mac_energy(ASIC, d)


@settings(max_examples=25, deadline=None)
@given(hidden=st.integers(8, 400), deep=st.booleans(), coding=st.sampled_from(["rate", "direct"]),
       bits=st.sampled_from([4, 8, 16]))
def test_break_even_rate_separates_cheaper_from_dearer(hidden: int, deep: bool, coding: str,
                                                       bits: int) -> None:
    layers = (784, hidden, hidden, 10) if deep else (784, hidden, 10)
    d = LayeredDesign("surrogate", layers, weight_bits=bits, coding=coding)
    ann = price_layered(ASIC, d.twin()).energy_infer_j["total"]
    rate = break_even_spike_rate(ASIC, d)

    def snn(r: float) -> float:
        return price_layered(ASIC, d, infer=estimated_activity(d, spike_rate=r)).energy_infer_j["total"]

    if rate is None:
        assert snn(0.0) >= ann
    else:
        assert snn(rate * 0.99) <= ann * 1.0001
        if rate < 1.0:
            assert snn(min(1.0, rate * 1.01 + 1e-6)) >= ann * 0.9999


def test_activity_must_match_the_layers() -> None:
    d = LayeredDesign("surrogate", (64, 16, 10))
    act = LayeredActivity((1.0,), (0.0,), (1.0,))
    with pytest.raises(InputError, match="1 projections"):
        price_layered(ASIC, d, infer=act)
    with pytest.raises(InputError, match="spikes_per_layer"):
        LayeredActivity.from_sim({"spikes": 3})


def test_cli_cost_prices_measured_family_activity(tmp_path, capsys) -> None:
    assert main(["simulate", "--family", "surrogate", "--dataset", "digits", "--hidden", "12",
                 "--timesteps", "5", "--epochs", "1", "--train-samples", "100",
                 "--test-samples", "40", "--json"]) == 0
    path = tmp_path / "sim.json"
    path.write_text(capsys.readouterr().out)
    assert main(["cost", "--profile", "loihi1_like", "--family", "surrogate", "--inputs", "64",
                 "--hidden", "12", "--timesteps", "5", "--activity", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["activity_source"] == "measured" and data["layers"] == [64, 12, 10]
    assert data["energy_per_sample_j"]["infer"]["total"] > 0
    assert data["ann_twin_energy_infer_j"] > 0
    # layers that do not match the measured activity: one clear error, exit 2
    assert main(["cost", "--profile", "loihi1_like", "--family", "surrogate", "--inputs", "64",
                 "--hidden", "12", "--hidden", "8", "--activity", str(path)]) == 2
    assert "projections" in capsys.readouterr().err
    assert main(["cost", "--profile", "loihi1_like", "--family", "stdp"]) == 2
