"""Does it fit the chip? The cases of issue 8 through the real CLI (subprocesses):
capacity, read-only flash, levels within capacity, Loihi's static power of the cores used,
realtime vs afap timing, spikedyn vs baseline training estimates against the simulator,
``--activity``, and ``dse explore`` recording non-fitting designs as infeasible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sim
from dse import load_run
from dse._pipeline import RealModels, SimSettings


def dse(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real ``dse`` command line in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", "from dse.cli import run; run()", *args],
                            capture_output=True, text=True, env=os.environ | {"COLUMNS": "200"},
                            timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def cost(*args: str) -> dict[str, Any]:
    return json.loads(dse("cost", *args, "--json").stdout)


def within_capacity(out: dict[str, Any]) -> bool:
    return all(level["capacity_bytes"] is None or level["used_bytes"] <= level["capacity_bytes"]
               for level in out["memory_levels"].values())


def test_15_mb_design_does_not_fit_the_microcontroller() -> None:
    out = cost("--profile", "cortex_m4_stm32l452", "--neurons", "1600", "--weight-bits", "32",
               "--inhibition", "population")
    assert out["memory_bytes"]["total"] > 15e6
    assert out["fits"] is False
    assert "does not fit" in out["fit_reason"] and "sram" in out["fit_reason"]
    assert "flash is read-only" in out["fit_reason"]
    assert out["placement"]["input_weights"] is None  # not silently "placed" in flash
    assert within_capacity(out)
    assert out["memory_levels"]["flash"]["capacity_bytes"] == 512 * 1024


def test_levels_never_hold_more_than_their_capacity() -> None:
    out = cost("--profile", "generic_asic_45nm", "--neurons", "1600", "--weight-bits", "32",
               "--inhibition", "population")
    assert out["fits"] is True and within_capacity(out)
    # 17.9 KB of state, traces and labels no longer all sit in the 8 KiB SRAM
    small = [c for c, level in out["placement"].items() if level == "sram_8k"]
    assert sum(out["memory_bytes"][c] for c in small) <= 8192
    assert out["memory_levels"]["dram"]["capacity_bytes"] is None


def test_loihi_static_share_falls_with_the_cores_it_uses() -> None:
    small = cost("--profile", "loihi1_like", "--neurons", "100", "--weight-bits", "8")
    large = cost("--profile", "loihi1_like", "--neurons", "400", "--weight-bits", "8")
    for out in (small, large):
        m = out["mapping"]
        assert m["static_power_w"] == pytest.approx(m["cores"] * 0.104 / 128)
    assert small["mapping"]["cores"] < large["mapping"]["cores"] <= 128
    infer = large["energy_per_sample_j"]["infer"]
    # v0.1 charged the whole chip to one core: static was 93 % of a 400-neuron inference
    assert infer["static"] / infer["total"] < 0.5


def test_a_wide_layered_network_is_split_over_loihi_cores() -> None:
    """The layered families go through the same mapper as STDP: a 784-4096-10 surrogate
    network at 8 bits needs 25 cores of 128 KiB synapse memory for its hidden layer and one
    for its outputs; static power counts those cores; a narrow one uses fewer."""
    common = ("--profile", "loihi1_like", "--family", "surrogate", "--weight-bits", "8")
    wide = cost(*common, "--hidden", "4096")
    narrow = cost(*common, "--hidden", "64")
    assert wide["fits"] is True and wide["mapping"]["cores"] == 26
    assert wide["mapping"]["static_power_w"] == pytest.approx(26 * 0.104 / 128)
    assert wide["mapping"]["hops_per_spike"] > 0
    assert 1 < narrow["mapping"]["cores"] < wide["mapping"]["cores"]
    assert within_capacity(wide) and within_capacity(narrow)


def test_realtime_and_afap_differ_by_static_power_times_the_idle_time() -> None:
    common = ("--profile", "loihi1_like", "--neurons", "400", "--weight-bits", "8")
    afap = cost(*common, "--timing", "afap")
    real = cost(*common, "--timing", "realtime")
    assert afap["timing"]["mode"] == "afap" and real["timing"]["mode"] == "realtime"
    power = afap["mapping"]["static_power_w"]
    for phase in ("train", "infer"):
        busy = afap["timing"]["busy_s"][phase]
        period = real["timing"]["sample_period_s"][phase]
        # 350 steps plus the estimated re-presentations (at most 4, costmodels.MAX_PRESENTATIONS)
        assert busy < period and 0.35 <= period <= 0.35 * 5
        extra = (real["energy_per_sample_j"][phase]["total"]
                 - afap["energy_per_sample_j"][phase]["total"])
        assert extra == pytest.approx(power * (period - busy), rel=1e-9)
    assert real["latency_per_sample_s"] == pytest.approx(real["timing"]["sample_period_s"]["infer"])


@pytest.mark.slow
def test_spikedyn_estimated_cheaper_to_train_when_the_simulator_says_so(tmp_path: Path) -> None:
    # the case: 400 neurons on the ASIC, MNIST statistics (the default of dse cost)
    common = ("--profile", "generic_asic_45nm", "--neurons", "400", "--weight-bits", "8")
    baseline = cost(*common, "--rule", "baseline")
    spikedyn = cost(*common, "--rule", "spikedyn")
    assert (spikedyn["energy_per_sample_j"]["train"]["total"]
            < baseline["energy_per_sample_j"]["train"]["total"])
    # the simulator agrees on digits: measure both rules, price them with --activity
    design = ("--neurons", "100", "--inhibition", "direct", "--weight-bits", "8")
    measured, estimated = {}, {}
    for rule in ("baseline", "spikedyn"):
        simulated = dse("simulate", "--dataset", "digits", *design, "--rule", rule,
                  "--train-samples", "120", "--test-samples", "40", "--json").stdout
        path = tmp_path / f"{rule}.json"
        path.write_text(simulated)
        priced = cost("--profile", "generic_asic_45nm", "--inputs", "64", *design,
                      "--rule", rule, "--activity", str(path))
        assert priced["activity_source"] == "measured"
        measured[rule] = priced["energy_per_sample_j"]["train"]["total"]
        estimated[rule] = cost("--profile", "generic_asic_45nm", "--dataset", "digits", *design,
                               "--rule", rule)["energy_per_sample_j"]["train"]["total"]
    assert measured["spikedyn"] < measured["baseline"]
    assert estimated["spikedyn"] < estimated["baseline"]


@pytest.mark.slow
def test_cost_prices_the_input_rate_the_simulator_uses(tmp_path: Path) -> None:
    # dse cost's default rate is the simulator's input-drive rule on the images' statistics:
    # on --dataset digits it is the rate dse simulate reports for that dataset
    common = ("--profile", "generic_asic_45nm", "--neurons", "50", "--weight-bits", "8")
    simulated = json.loads(dse("simulate", "--dataset", "digits", "--neurons", "10",
                               "--train-samples", "5", "--test-samples", "5", "--json").stdout)
    digits = sim.load_dataset("digits")
    def energy(*args: str) -> list[float]:
        out = cost(*common, *args)["energy_per_sample_j"]
        return [out[phase]["total"] for phase in ("train", "infer")]

    assert energy("--dataset", "digits") == pytest.approx(energy(
        "--inputs", "64", "--mean-intensity", str(digits.mean_intensity),
        "--max-rate", str(simulated["max_rate_hz"])), rel=1e-12)
    # without a dataset: MNIST's statistics, 784 pixels of mean 0.1307, at the rule's 127.5 Hz
    default = energy()
    assert default == pytest.approx(energy("--max-rate", "127.5"), rel=1e-12)
    assert default != pytest.approx(energy("--max-rate", "63.75"), rel=1e-3)
    both = dse("cost", *common, "--dataset", "digits", "--inputs", "64", check=False)
    assert both.returncode == 2 and "either --dataset or --inputs" in both.stderr


def test_explore_prescreens_at_the_rate_the_simulator_uses() -> None:
    models = RealModels()
    settings = SimSettings("digits", "static", 5, 5)
    candidate = {"neurons": 10, "inhibition": "direct", "weight_bits": 8, "timesteps": 50}
    ran = sim.run(models.sim_config(candidate, settings, seed=0))
    assert models._max_rate_hz(candidate, models.dataset_info(settings)) == ran.max_rate_hz


def test_activity_file_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"accuracy": 0.5}')
    result = dse("cost", "--profile", "generic_asic_45nm", "--neurons", "10", "--weight-bits",
                 "8", "--activity", str(bad), check=False)
    assert result.returncode == 2
    assert "activity.train" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_explore_records_non_fitting_designs_as_infeasible(tmp_path: Path) -> None:
    # digits: 64 inputs; 1,600 float32 neurons need 400 KiB of trained weights: more than the
    # MCU's 160 KiB of SRAM, and flash is read-only; 16 neurons fit
    space = tmp_path / "space.yaml"
    space.write_text("family: [stdp]\nneurons: [16, 1600]\nweight_bits: [32]\n"
                     "inhibition: [direct]\nrule: [baseline]\ntimesteps: [60]\n"
                     "inhibition_strength: 60.0\n")
    out = tmp_path / "run"
    dse("explore", "--profile", "cortex_m4_stm32l452", "--space", str(space), "--evaluations",
        "2", "--train-samples", "30", "--test-samples", "20", "--workers", "1", "--no-cache",
        "--timing", "realtime", "--out", str(out))
    _, records = load_run(out)
    by_neurons = {r["candidate"]["neurons"]: r for r in records}
    big, small = by_neurons[1600], by_neurons[16]
    assert big["prescreened"] is True and big["feasible"] is False and big["sim"] is None
    assert "does not fit" in big["reason"] and "sram" in big["reason"]
    assert big["cost"]["fits"] is False
    assert small["feasible"] is True and small["cost"]["fits"] is True
    assert small["cost"]["timing"]["mode"] == "realtime"
    results = json.loads((out / "results.json").read_text())
    chosen = results["devices"]["cortex_m4_stm32l452"]["recommended"]
    assert chosen == small["index"]
    report = (out / "report.html").read_text()
    assert "realtime (one sample per timesteps" in report
    assert "1 do not fit the device" in report
