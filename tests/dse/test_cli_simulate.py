"""`dse simulate`: JSON and table output, progress on stderr, errors as exit code 2."""

import json
import subprocess
import sys

import pytest

from dse.cli import main

TINY = ["--neurons", "10", "--train-samples", "40", "--test-samples", "30", "--timesteps", "100"]


def test_simulate_json(capsys) -> None:
    assert main(["simulate", *TINY, "--json", "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["seed"] == 3 and data["tasks"] == []
    assert 0.0 <= data["accuracy"] <= 1.0
    assert data["activity"]["train"]["input_spikes"] > 0
    assert data["train_ms_per_sample"] > 0


def test_simulate_continual_table(capsys) -> None:
    code = main(["simulate", *TINY, "--protocol", "continual", "--samples-per-task", "8",
                 "--rule", "spikedyn", "--weight-bits", "8", "--rounding", "stochastic"])
    assert code == 0
    out = capsys.readouterr().out
    assert "recent" in out and "final all-class accuracy" in out and "synaptic_events" in out


def test_simulate_bad_options_exit_2(capsys) -> None:
    assert main(["simulate", "--rule", "hebb"]) == 2
    err = capsys.readouterr().err
    assert "'hebb' is not one of 'baseline', 'spikedyn'" in err
    assert main(["simulate", "--neurons", "0"]) == 2
    assert main(["simulate", "--weight-bits", "20"]) == 2


def test_simulate_missing_dataset_exit_2(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = main(["simulate", "--dataset", "mnist", "--data-dir", str(tmp_path)])
    if code == 0:  # MNIST installed system-wide: nothing to check here
        return
    assert code == 2
    assert "mnist" in capsys.readouterr().err


def test_simulate_subprocess_stdout_is_pure_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from dse.cli import run; run()", "simulate", *TINY, "--json"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["activity"]["infer"]["timesteps"] >= 100


def test_simulate_disable_mechanism(capsys) -> None:
    from dse.cli import simulate as module
    from sim import MECHANISMS

    assert module._MECHANISMS_HELP == ", ".join(MECHANISMS)
    code = main(["simulate", *TINY, "--rule", "spikedyn", "--disable", "weight_decay", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["activity"]["train"]["decay_updates"] == 0
    code = main(["simulate", *TINY, "--rule", "spikedyn", "--enable", "adaptive_lr",
                 "--enable", "adaptive_threshold", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] >= 0
    assert main(["simulate", "--disable", "telepathy"]) == 2
    assert "telepathy" in capsys.readouterr().err


LAYERED = ["--dataset", "digits", "--hidden", "16", "--timesteps", "8", "--epochs", "1",
           "--train-samples", "200", "--test-samples", "60"]


def test_simulate_families_json(capsys) -> None:
    """Every layered family prints the contract keys; the ANN pays MACs, the SNNs spikes."""
    seen = {}
    for family in ("surrogate", "imsnn", "ann", "converted"):
        assert main(["simulate", "--family", family, *LAYERED, "--activity-reg", "l1", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["family"] == family and data["layers"] == [64, 16, 10]
        for phase in ("train", "infer"):
            for key in ("spikes", "synaptic_events", "macs", "input_spikes", "neuron_updates"):
                assert data["activity"][phase][key] >= 0
        assert data["train_ms_per_sample"] > 0 and data["infer_ms_per_sample"] > 0
        seen[family] = data["activity"]["infer"]
    assert seen["ann"]["macs"] == 64 * 16 + 16 * 10 and seen["ann"]["spikes"] == 0
    for family in ("surrogate", "imsnn", "converted"):
        assert seen[family]["macs"] == 0 and seen[family]["synaptic_events"] > 0


@pytest.mark.slow
def test_simulate_family_through_the_real_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from dse.cli import run; run()", "simulate", "--family",
         "surrogate", *LAYERED, "--json"],
        capture_output=True, text=True, check=True, timeout=300,
    )
    assert json.loads(proc.stdout)["activity"]["infer"]["spikes"] > 0


def test_simulate_stdp_reports_the_family_independent_counters(capsys) -> None:
    assert main(["simulate", *TINY, "--json"]) == 0
    infer = json.loads(capsys.readouterr().out)["activity"]["infer"]
    assert infer["spikes"] == infer["exc_spikes"] + infer["inh_spikes"] and infer["macs"] == 0


def test_simulate_family_option_mismatch_exit_2(capsys) -> None:
    assert main(["simulate", "--family", "ann", "--neurons", "50"]) == 2
    assert "--neurons applies to --family stdp only" in capsys.readouterr().err
    assert main(["simulate", "--hidden", "50"]) == 2
    assert main(["simulate", "--family", "mlp"]) == 2
    assert main(["simulate", "--family", "surrogate", "--activity-reg", "l3"]) == 2
    assert main(["simulate", "--family", "surrogate", "--readout", "rate"]) == 2
    assert main(["simulate", "--readout", "count"]) == 2
    assert "--readout" in capsys.readouterr().err


def test_simulate_count_readout_has_output_spikes(capsys) -> None:
    assert main(["simulate", "--family", "surrogate", *LAYERED, "--readout", "count",
                 "--json"]) == 0
    spikes = json.loads(capsys.readouterr().out)["activity"]["infer"]["spikes_per_layer"]
    assert spikes[-1] > 0
