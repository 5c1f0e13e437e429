"""`dse cost`: JSON keys, agreement with the library, readable table, option errors."""

import json

import pytest

import sim
from costmodels import COMPONENTS, Activity, SNNDesign, estimate
from dse.cli import _app, main
from hwprofiles import load_profile
from snn_dse import MNIST_MEAN_INTENSITY


@pytest.fixture(autouse=True)
def _wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_app.stderr, "width", 200)
    monkeypatch.setattr(_app.stdout, "width", 200)


def test_json_keys_and_values(capsys: pytest.CaptureFixture) -> None:
    argv = ["cost", "--profile", "generic_asic_45nm", "--inputs", "784", "--neurons", "400",
            "--weight-bits", "8", "--inhibition", "direct", "--timesteps", "250",
            "--rule", "spikedyn", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"memory_bytes", "energy_per_sample_j", "latency_per_sample_s", "profile",
                        "activity_source", "energy_per_sample_j_range",
                        "latency_per_sample_s_range", "latency_train_per_sample_s_range",
                        "fits", "fit_reason", "memory_levels", "placement", "mapping", "timing"}
    assert out["fits"] is True and out["fit_reason"] is None
    assert set(out["placement"]) == set(COMPONENTS)
    assert out["memory_levels"]["dram"]["capacity_bytes"] is None
    assert out["mapping"]["cores"] == 1 and out["timing"]["mode"] == "afap"
    assert set(out["memory_bytes"]) == {"total", *COMPONENTS}
    assert set(out["energy_per_sample_j"]) == {"train", "infer"}
    assert out["profile"] == "generic_asic_45nm" and out["activity_source"] == "estimated"
    design = SNNDesign(784, 400, "direct", 8, timesteps=250, rule="spikedyn")
    # the default rate: the simulator's input-drive rule on MNIST's statistics
    rates = {"mean_intensity": MNIST_MEAN_INTENSITY,
             "max_rate_hz": sim.input_rate_hz(MNIST_MEAN_INTENSITY, 784)}
    report = estimate(design, load_profile("generic_asic_45nm"),
                      Activity.estimated(design, training=True, **rates),
                      Activity.estimated(design, training=False, **rates))
    assert out["energy_per_sample_j"]["train"] == pytest.approx(report.energy_train_j)
    assert out["memory_bytes"] == report.memory_bytes
    assert out["latency_per_sample_s"] == pytest.approx(report.latency_s)


def test_table(capsys: pytest.CaptureFixture) -> None:
    assert main(["cost", "--profile", "loihi1_like", "--neurons", "400", "--weight-bits", "8"]) == 0
    out = capsys.readouterr().out
    for text in ("Memory", "Energy", "input_weights", "synapse_sram", "synaptic_ops",
                 "synaptic_op 23.6 pJ (simulated)", "latency per sample"):
        assert text in out


def test_unsupported_precision_warns(capsys: pytest.CaptureFixture) -> None:
    assert main(["cost", "--profile", "loihi1_like", "--neurons", "10", "--weight-bits", "32"]) == 0
    assert "weight_bits 32 outside the supported 1..9" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["--weight-bits", "33"], ["--weight-bits", "8", "--inhibition", "lateral"],
    ["--weight-bits", "8", "--mean-intensity", "2"],
])
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(["cost", "--profile", "generic_asic_45nm", "--neurons", "10", *argv]) == 2
    assert "Traceback" not in capsys.readouterr().err
