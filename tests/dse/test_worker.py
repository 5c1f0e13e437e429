"""``dse worker``'s own process: its compute threads and its option checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: NumPy's OpenBLAS is loaded before the cap, SciPy's after it (as in a worker, where SciPy
#: loads on the first simulation).
_PROBE = """
import json, numpy, threadpoolctl
from dse._worker import limit_threads
limit_threads({threads})
import scipy.linalg
scipy.linalg.svd(numpy.eye(4))
print(json.dumps([i["num_threads"] for i in threadpoolctl.threadpool_info()]))
"""


def test_limit_threads_caps_libraries_loaded_before_and_after() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(threads=1)], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "2"}).stdout
    counts = json.loads(out)
    assert len(counts) >= 2 and set(counts) == {1}  # numpy's and scipy's OpenBLAS


def test_worker_refuses_zero_threads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dse.cli import main

    code = main(["worker", "--store", str(tmp_path / "s.sqlite"), "--run", "r",
                 "--threads", "0", "--no-cache"])
    assert code == 2 and "--threads: must be at least 1, got 0" in capsys.readouterr().err
    assert not (tmp_path / "s.sqlite").exists()  # refused before touching the store
