"""Ranges and sensitivity through the real CLI (subprocess): `dse profiles show`, `dse cost`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DSE = str(Path(sys.executable).with_name("dse"))


def dse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DSE, *args], capture_output=True, text=True, check=False,
                          env={"COLUMNS": "250", "PATH": ""})


def _two_bases(tmp_path: Path) -> Path:
    """A profile extending the ASIC whose DRAM read is measured and write assumed, same value."""
    child = {"extends": "generic_asic_45nm", "id": "two_bases", "memory": {"dram": {
        "read": {"value": "1300 pJ", "basis": "measured", "reference": "R1"},
        "write": {"value": "1300 pJ", "basis": "assumed", "reference": "R1"}}}}
    path = tmp_path / "two_bases.yaml"
    path.write_text(yaml.safe_dump(child))
    return path


@pytest.mark.slow
def test_profiles_show_prints_ranges_and_assumed_is_wider(tmp_path: Path) -> None:
    path = _two_bases(tmp_path)
    done = dse("profiles", "show", str(path))
    assert done.returncode == 0, done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines()
            if line.count("│") > 3}
    assert "1.17 nJ .. 1.43 nJ" in rows["memory.dram.read"]   # measured: +-10 %
    assert "650 pJ .. 1.95 nJ" in rows["memory.dram.write"]   # assumed: +-50 %
    done = dse("profiles", "show", str(path), "--json")
    ranges = json.loads(done.stdout)["ranges"]
    read, write = ranges["memory.dram.read"], ranges["memory.dram.write"]
    assert write["high"] - write["low"] > read["high"] - read["low"]
    assert read["source"] == write["source"] == "basis"


def test_cost_json_ranges_and_sensitivity() -> None:
    done = dse("cost", "--profile", "loihi1_like", "--neurons", "200", "--weight-bits", "8",
               "--json", "--sensitivity")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for phase in ("train", "infer"):
        span = out["energy_per_sample_j_range"][phase]
        assert span["low"] <= out["energy_per_sample_j"][phase]["total"] <= span["high"]
        assert span["low"] < span["high"]
    span = out["latency_per_sample_s_range"]
    assert span["low"] <= out["latency_per_sample_s"] <= span["high"]
    shares = [row["share"] for row in out["sensitivity"]]
    assert shares == sorted(shares, reverse=True) and abs(sum(shares) - 1) < 1e-9
    assert {"field", "share"} <= set(out["sensitivity"][0])
    # the mapper powers only the 2 cores the design uses (issue 8), so static power no
    # longer dominates: Loihi's per-event energies do (at MNIST's 127.5 Hz input rule, the
    # synaptic operations ahead of the neuron updates)
    top = [row["field"] for row in out["sensitivity"][:2]]
    assert top == ["events.synaptic_op", "events.neuron_update"]


def test_cost_table_shows_ranges_and_sensitivity() -> None:
    done = dse("cost", "--profile", "generic_asic_45nm", "--neurons", "100", "--weight-bits", "8",
               "--sensitivity")
    assert done.returncode == 0, done.stderr
    assert "range (low - high)" in done.stdout
    assert "measure the top first" in done.stdout and "memory.sram_1m.read" in done.stdout
