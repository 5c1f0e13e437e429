"""``dse export`` through the real CLI: retrain a design of a finished exploration with its
seed, reproduce the recorded accuracy, write NIR and NPZ; bad requests exit 2."""

import os
import subprocess
import sys
from pathlib import Path

import nir
import numpy as np
import pytest

DSE = str(Path(sys.executable).with_name("dse"))
SPACE = "family: stdp\nneurons: {low: 8, high: 12}\ntimesteps: [60]\nweight_bits: [8]\n"


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([DSE, *argv], capture_output=True, text=True, env=env, timeout=300,
                          check=False)


@pytest.mark.slow
def test_export_retrains_the_recorded_design(tmp_path: Path) -> None:
    space = tmp_path / "space.yaml"
    space.write_text(SPACE)
    run_dir = tmp_path / "run"
    done = cli("explore", "--space", str(space), "--evaluations", "2", "--train-samples", "30",
               "--test-samples", "30", "--workers", "1", "--no-cache", "--out", str(run_dir))
    assert done.returncode == 0, done.stderr
    out = cli("export", str(run_dir), "--design", "1", "--nir", str(tmp_path / "net.nir"),
              "--npz", str(tmp_path / "net.npz"))
    assert out.returncode == 0, out.stderr
    assert "the recorded accuracy, reproduced" in out.stdout
    graph = nir.read(tmp_path / "net.nir")
    arrays = np.load(tmp_path / "net.npz")
    np.testing.assert_array_equal(graph.nodes["input_weights"].weight.T, arrays["input_weights_mv"])
    np.testing.assert_allclose(graph.nodes["excitatory"].v_threshold, arrays["threshold_mv"])
    assert arrays["weight_bits"] == 8 and arrays["timesteps"] == 60

    missing = cli("export", str(run_dir), "--design", "1")
    assert missing.returncode == 2 and "--nir FILE and/or --npz FILE" in missing.stderr
    unknown = cli("export", str(run_dir), "--design", "7", "--npz", str(tmp_path / "x.npz"))
    assert unknown.returncode == 2 and "has no evaluation 7 (indices 0..1)" in unknown.stderr
