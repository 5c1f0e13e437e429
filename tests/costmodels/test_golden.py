"""Hand-computed golden values (absolute) for a tiny design on two shipped profiles.

Design: 10 inputs, 4 excitatory neurons, population inhibition (4 inhibitory neurons),
8-bit weights, 16-bit state, 100 timesteps. Activities are given (measured), so every count
below is exact and the arithmetic is written out.
"""

import pytest

from costmodels import Activity, SNNDesign, estimate
from hwprofiles import load_profile

pJ, ns = 1e-12, 1e-9
DESIGN = SNNDesign(inputs=10, neurons=4, inhibition="population", weight_bits=8,
                   state_bits=16, timesteps=100)
INFER = Activity(input_spikes=50, exc_spikes=5, inh_spikes=5, synaptic_events=200,
                 inhibitory_events=20, neuron_updates=800, timesteps=100)
TRAIN = Activity(**{**INFER.to_dict(), "depression_updates": 200, "potentiation_updates": 50,
                    "normalisation_updates": 40})


def test_memory_footprint_and_placement_asic() -> None:
    report = estimate(DESIGN, load_profile("generic_asic_45nm"), TRAIN, INFER)
    # input weights 10*4*8 = 320 bit = 40 B; inhibitory 4*4*8 = 128 bit = 16 B;
    # neuron state (4+4)*16 = 128 bit = 16 B; thresholds 4*16 = 64 bit = 8 B;
    # traces (10 + 2*4)*16 = 288 bit = 36 B; labels 4*4 = 16 bit = 2 B; total 118 B.
    assert report.memory_bytes == {"total": 118, "input_weights": 40, "inhibitory_weights": 16,
                                   "neuron_state": 16, "thresholds": 8, "traces": 36, "labels": 2}
    # every component fits the 256 B register file, the innermost level
    assert set(report.placement.values()) == {"rf"}


def test_generic_asic_45nm() -> None:
    report = estimate(DESIGN, load_profile("generic_asic_45nm"), TRAIN, INFER)
    # Ops at 16 bits interpolate log-log between the 8- and 32-bit Horowitz entries:
    add16 = 0.03 * (0.1 / 0.03) ** 0.5 * pJ          # 0.054772 pJ (compare: same table)
    mul16 = 0.2 * (3.1 / 0.2) ** 0.5 * pJ            # 0.787401 pJ
    # synaptic op = add at max(8, 16) = 16 bits; 200 synaptic + 20 inhibitory events
    assert report.energy_infer_j["synaptic_ops"] == pytest.approx(200 * add16)
    assert report.energy_infer_j["inhibition"] == pytest.approx(20 * add16)
    # neuron update = multiply + add + compare at 16 bits, for all 800 updates (no idle figure)
    assert report.energy_infer_j["neuron_updates"] == pytest.approx(800 * (mul16 + 2 * add16))
    # memory traffic, all in the register file at 1 pJ / 32 bit:
    # reads: weights 200*8 + inhibitory 20*8 + state 800*16 + thresholds 400*16 + labels 5*4
    #      = 1600 + 160 + 12800 + 6400 + 20 = 20980 bit; writes: state 800*16 = 12800 bit
    assert report.energy_infer_j["memory_rf"] == pytest.approx((20980 + 12800) * pJ / 32)
    assert report.energy_infer_j["memory_sram_8k"] == 0.0
    # latency: (200 + 20) * 1 ns + 800 * 3 ns = 2620 ns on one unit, no timestep overhead
    assert report.latency_s == pytest.approx(2620 * ns)
    # static: 1 mW * 2620 ns = 2.62 nJ
    assert report.energy_infer_j["static"] == pytest.approx(1e-3 * 2620 * ns)
    infer_total = 220 * add16 + 800 * (mul16 + 2 * add16) + 33780 * pJ / 32 + 2.62e-9
    assert report.energy_infer_j["total"] == pytest.approx(infer_total)  # 4405.2 pJ
    assert report.energy_infer_j["total"] == pytest.approx(4405.23e-12, rel=1e-5)

    # training: depression 200 + potentiation 50 at multiply + add + compare (8 bit)
    # = 0.2 + 0.03 + 0.03 = 0.26 pJ; normalisation 40 at multiply + add = 0.23 pJ
    assert report.energy_train_j["learning"] == pytest.approx((250 * 0.26 + 40 * 0.23) * pJ)
    # reads: weights (200 + 290)*8 = 3920, inhibitory 160, state 12800, thresholds 6400,
    #        traces (200 + 50)*16 = 4000  -> 27280 bit
    # writes: weights 290*8 = 2320, state 12800, thresholds 5*16 = 80,
    #         traces (50 + 2*5)*16 = 960 -> 16160 bit
    assert report.energy_train_j["memory_rf"] == pytest.approx((27280 + 16160) * pJ / 32)
    # latency: 2620 ns + 290 weight updates * 2 ns = 3200 ns
    assert report.latency_train_s == pytest.approx(3200 * ns)
    assert report.energy_train_j["static"] == pytest.approx(1e-3 * 3200 * ns)


def test_loihi1_like() -> None:
    report = estimate(DESIGN, load_profile("loihi1_like"), TRAIN, INFER)
    e = report.energy_infer_j
    assert e["synaptic_ops"] == pytest.approx(200 * 23.6 * pJ)          # 4720 pJ
    assert e["inhibition"] == pytest.approx(20 * 23.6 * pJ)             # 472 pJ
    # active updates = min(800, 200 + 20) = 220 at 81 pJ, idle 580 at 52 pJ
    assert e["neuron_updates"] == pytest.approx((220 * 81 + 580 * 52) * pJ)  # 47980 pJ
    # mapping: 4 excitatory neurons on one core, 4 inhibitory on another; both cores share
    # one router (4 cores per tile), so 0 hops; every spike is one message to one core
    assert report.mapping["cores"] == 2 and report.mapping["hops_per_spike"] == 0.0
    assert e["spikes"] == pytest.approx(10 * 1.7 * pJ)
    assert e["memory_synapse_sram"] == 0.0  # included in the event energies
    # latency: (220 * 3.5 ns + 220 * 8.4 ns + 580 * 5.3 ns idle) / 2 cores = 2846 ns
    #          + 100 steps * (113 ns + 2.84 ns * 1 extra core) barrier = 11584 ns
    assert report.latency_s == pytest.approx(14430 * ns)
    # static: 2 powered cores * 0.8125 mW (unused cores power-gated)
    assert report.mapping["static_power_w"] == pytest.approx(2 * 0.8125e-3)
    assert e["static"] == pytest.approx(1.625e-3 * 14430 * ns)
    assert e["total"] == pytest.approx((4720 + 472 + 47980 + 17) * pJ + 1.625e-3 * 14430 * ns)
    # training: 290 weight updates * 120 pJ; latency + 290 * 6.1 ns / 2 cores
    assert report.energy_train_j["learning"] == pytest.approx(290 * 120 * pJ)
    assert report.latency_train_s == pytest.approx((14430 + 290 * 6.1 / 2) * ns)


def test_figures_name_the_profile_numbers() -> None:
    report = estimate(DESIGN, load_profile("loihi1_like"), TRAIN, INFER)
    synaptic = report.figures["synaptic_ops"]
    assert synaptic[0]["field"] == "events.synaptic_op"
    assert synaptic[0]["value"] == "23.6 pJ" and synaptic[0]["basis"] == "simulated"
    assert synaptic[0]["reference"].startswith("R3: M. Davies")
    assert report.figures["input_weights"][0]["field"] == "memory.synapse_sram.capacity"
    asic = estimate(DESIGN, load_profile("generic_asic_45nm"), TRAIN, INFER)
    assert [f["field"] for f in asic.figures["synaptic_ops"]] == [
        "compute.integer.add.8", "compute.integer.add.32"]
    assert asic.figures["static"][0]["basis"] == "assumed"


def test_float32_weights_use_the_floating_table() -> None:
    design = SNNDesign(inputs=10, neurons=4, inhibition="population", weight_bits=32,
                       state_bits=16, timesteps=100)
    report = estimate(design, load_profile("generic_asic_45nm"), TRAIN, INFER)
    # fp32 add 0.9 pJ per synaptic op; neuron update fp32 multiply + add + compare
    # = 3.7 + 0.9 + 0.9 = 5.5 pJ
    assert report.energy_infer_j["synaptic_ops"] == pytest.approx(200 * 0.9 * pJ)
    assert report.energy_infer_j["neuron_updates"] == pytest.approx(800 * 5.5 * pJ)
    # input weights 10*4*32 bit = 160 B
    assert report.memory_bytes["input_weights"] == 160


def test_jetson_nano_dense() -> None:
    report = estimate(DESIGN, load_profile("jetson_nano"), TRAIN, INFER)
    e = report.energy_infer_j
    # dense: every synapse every step, whatever the activity
    assert e["synaptic_ops"] == pytest.approx(10 * 4 * 100 * 72.06 * pJ)       # 4000 MACs
    assert e["inhibition"] == pytest.approx((4 + 4 * 4) * 100 * 72.06 * pJ)   # 2000 ops
    assert e["neuron_updates"] == pytest.approx(8 * 100 * 144.1 * pJ)          # 800 updates
    assert e["memory_l2"] == 0.0 and e["memory_lpddr4"] == 0.0            # 118 B fit in L2
    # latency: 100 steps * 20 us launch overhead
    #          + ((4000 + 2000) * 1.085 ns + 800 * 4.34 ns) / 128 CUDA cores
    latency = 100 * 20e-6 + (6000 * 1.085 + 800 * 4.34) * ns / 128
    assert report.latency_s == pytest.approx(latency)
    assert e["static"] == pytest.approx(1.5 * latency)
    # training: dense STDP, depression and potentiation for all 40 weights every step,
    # plus 40 normalisation updates, at 108.1 pJ each
    assert report.energy_train_j["learning"] == pytest.approx((2 * 40 * 100 + 40) * 108.1 * pJ)
