"""`dse reproduce`: claims and outputs, resume from the store, the real CLI with --quick."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import dse
from dse._pipeline import DatasetInfo
from dse._reproduce import CLAIM_KEYS, evaluate_claims
from dse.cli import main
from hwprofiles import load_profile
from snn_dse.errors import InputError

TINY = dse.Fidelity(neurons=10, train_samples=20, assign_samples=60, test_samples=60, seeds=1,
                    weight_bits=(8, 4))


def _options(tmp_path: Path, paper: str, **kw) -> dse.ReproduceOptions:
    return dse.ReproduceOptions(paper=paper, dataset="digits", profiles=("generic_asic_45nm",
                                "jetson_nano"), out=tmp_path / paper,
                                cache=tmp_path / "cache.sqlite", fidelity=TINY, **kw)


@pytest.mark.parametrize("paper", dse.PAPERS)
def test_claims_outputs_and_resume(tmp_path: Path, paper: str) -> None:
    events: list[tuple[str, str]] = []
    result = dse.reproduce(_options(tmp_path, paper), lambda k, d, t, label: events.append((k, label)))
    claims = json.loads((tmp_path / paper / "reproduction.json").read_text())
    assert claims == result.claims and {tuple(c) for c in claims} == {CLAIM_KEYS}
    assert {c["claim"] for c in claims} == {c.claim for c in dse.CLAIMS[paper]}
    # device claims once per profile, accuracy claims once (profile None)
    assert {c["profile"] for c in claims} == {"generic_asic_45nm", "jetson_nano", None}
    for c in claims:
        assert c["paper"] == paper and isinstance(c["reproduced"], bool) and c["note"]
    html = (tmp_path / paper / "report.html").read_text()
    assert all(c.claim in html for c in dse.CLAIMS[paper]) and "jetson_nano" in html
    runs = [label for kind, label in events if kind == "run"]
    assert runs and runs[0].startswith("baseline")
    # resume: the same command replays every simulation from the run's store
    events.clear()
    again = dse.reproduce(_options(tmp_path, paper), lambda k, d, t, label: events.append((k, label)))
    assert again.claims == result.claims
    assert events and all(kind == "cached" and "replayed" in label for kind, label in events)


def test_a_new_directory_reuses_the_cache(tmp_path: Path) -> None:
    first = dse.reproduce(_options(tmp_path, "fspinn"))
    events: list[str] = []
    options = _options(tmp_path, "fspinn")
    options = dse.ReproduceOptions(**{**options.__dict__, "out": tmp_path / "other"})
    second = dse.reproduce(options, lambda k, d, t, label: events.append(label))
    assert second.claims == first.claims and all("(cache)" in e for e in events)


def _runs(accuracies: dict[str, float]) -> dict[str, list[dict]]:
    activity = {"input_spikes": 1000.0, "exc_spikes": 20.0, "inh_spikes": 0.0,
                "synaptic_events": 1e5, "inhibitory_events": 2000.0, "neuron_updates": 35000.0,
                "timesteps": 350.0, "depression_updates": 1000.0,
                "potentiation_updates": 500.0, "decay_updates": 0.0,
                "normalisation_updates": 64.0}
    return {label: [{"accuracy": acc, "tasks": [], "activity": {"train": activity,
                                                                "infer": activity}}]
            for label, acc in accuracies.items()}


def test_fspinn_selects_the_narrowest_width_that_keeps_accuracy() -> None:
    info = DatasetInfo("digits", "x", 0.3, 64)
    configs = {label: {"neurons": 100, "inhibition": "direct", "weight_bits": bits,
                       "rule": "spikedyn"} for label, bits in
               (("method 16-bit", 16), ("method 8-bit", 8), ("method 4-bit", 4))}
    configs["baseline"] = {"neurons": 100, "inhibition": "population", "weight_bits": 32,
                           "rule": "baseline"}
    profile = load_profile("generic_asic_45nm")
    runs = _runs({"baseline": 0.80, "method 16-bit": 0.81, "method 8-bit": 0.795,
                  "method 4-bit": 0.70})
    claims, chosen = evaluate_claims("fspinn", runs, configs, [profile], info)
    assert chosen == "method 8-bit"
    memory = next(c for c in claims if c["claim"] == "7.5x memory saving")
    assert memory["measured_value"] > 1  # 32-bit population vs 8-bit direct
    no_loss = next(c for c in claims if c["claim"] == "no accuracy loss")
    assert no_loss["measured_value"] == pytest.approx(-0.5) and no_loss["reproduced"]
    runs = _runs({"baseline": 0.80, "method 16-bit": 0.70, "method 8-bit": 0.60,
                  "method 4-bit": 0.50})
    claims, chosen = evaluate_claims("fspinn", runs, configs, [profile], info)
    no_loss = next(c for c in claims if c["claim"] == "no accuracy loss")
    assert chosen == "method 16-bit" and not no_loss["reproduced"]
    assert "loses 10.0 points" in no_loss["note"]
    assert "not the quantization" in no_loss["note"]
    runs["baseline"][0]["activity"] = {**runs["baseline"][0]["activity"]["train"],
                                       "potentiation_updates": 5500.0}
    runs["baseline"][0]["activity"] = {"train": runs["baseline"][0]["activity"],
                                       "infer": runs["baseline"][0]["activity"]}
    configs["method 16-bit"]["train_samples"] = 2000
    claims, _ = evaluate_claims("fspinn", runs, configs, [profile], info)
    note = next(c for c in claims if c["claim"] == "no accuracy loss")["note"]
    assert "4.3x fewer weight updates per training sample" in note
    assert "(20 per neuron)" in note


def test_static_power_is_named_as_the_reason() -> None:
    info = DatasetInfo("digits", "x", 0.3, 64)
    configs = {"baseline": {"neurons": 100, "inhibition": "population", "weight_bits": 32,
                            "rule": "baseline"},
               "method": {"neurons": 100, "inhibition": "direct", "weight_bits": 32,
                          "rule": "spikedyn"}}
    runs = _runs({"baseline": 0.8, "method": 0.8})
    for label in runs:
        runs[label][0]["tasks"] = [{"recent": 0.8, "previous": None},
                                   {"recent": 0.8, "previous": 0.7}]
    claims, _ = evaluate_claims("spikedyn", runs, configs, [load_profile("jetson_nano")], info)
    energy = next(c for c in claims if c["claim"].startswith("-37 %"))
    assert not energy["reproduced"] and "dominated by static power" in energy["note"]


def test_unknown_paper_and_profile(tmp_path: Path, capsys) -> None:
    with pytest.raises(InputError, match="unknown paper"):
        dse.reproduce(dse.ReproduceOptions(paper="asp", out=tmp_path))
    assert main(["reproduce", "asp", "--out", str(tmp_path)]) == 2
    assert "unknown paper 'asp'" in capsys.readouterr().err
    assert main(["reproduce", "spikedyn", "--dataset", "digits", "--profile", "nope",
                 "--out", str(tmp_path)]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("paper", dse.PAPERS)
def test_cli_quick_end_to_end(tmp_path: Path, paper: str) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", "from dse.cli import run; run()", "reproduce", paper, "--quick",
         "--dataset", "digits", "--profile", "generic_asic_45nm", "--out", str(out),
         "--cache", str(tmp_path / "cache.sqlite")],
        capture_output=True, text=True, check=False, env={"COLUMNS": "200", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert "QUICK settings" in done.stderr and "simulating baseline, seed 0" in done.stderr
    assert "paper vs measured" in done.stdout and "reproduction.json" in done.stdout
    claims = json.loads((out / "reproduction.json").read_text())
    assert len(claims) == len(dse.CLAIMS[paper])  # one profile: one row per claim
    assert all(c["note"].startswith("quick settings") for c in claims)
    assert "Quick settings" in (out / "report.html").read_text()
