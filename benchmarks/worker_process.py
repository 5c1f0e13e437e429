"""What one evaluating process costs besides its evaluations: compute threads, numba's cache
and the warm-up of a fresh process (the suspects behind 2 workers' CPU per evaluation on a
2-core machine, docs/scale-out.md).

Each figure comes from fresh Python processes, CPU seconds (``getrusage``), so it holds on a
loaded machine (the 1-min load average is recorded beside it):

1. **Compute threads.** One evaluation of a surrogate (layered, NumPy matmul) design and of an
   STDP design on digits (1,000 training / 400 test samples), warm, with OpenBLAS's default
   thread count and with 1 (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``): process CPU, wall,
   and the CPU of the process's threads other than the main one (``/proc/PID/task``); then the
   surrogate design in two processes at once, as two workers on one machine run.
2. **numba's cache in a fresh process.** A tiny simulation in a fresh process, with the
   project's compiled-kernel cache and with an empty one (``NUMBA_CACHE_DIR``).
3. **A fresh process's first evaluation.** The STDP design's first and second evaluation in one
   process (imports done before): the first also loads the dataset and the kernels.

Usage: ``python benchmarks/worker_process.py [--no-record]`` (about a minute).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _record import record

ROOT = Path(__file__).resolve().parents[1]

_EVALUATE = r"""
import json, os, resource, sys, time
import sim

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def helpers():  # CPU seconds of every thread but the main one
    total = 0.0
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        if int(task) == os.getpid():
            continue
        fields = open(f"/proc/{os.getpid()}/task/{task}/stat").read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total

if sys.argv[1] == "surrogate":
    config = sim.LayeredConfig(family="surrogate", dataset="digits", train_samples=1000,
                               test_samples=400, seed=0)
    run = lambda: sim.run_layered(config)
else:
    config = sim.SimConfig(dataset="digits", train_samples=1000, test_samples=400, seed=0,
                           neurons=320, inhibition="population", timesteps=100)
    run = lambda: sim.run(config)
times = []
for _ in range(2):
    c, w, h = cpu(), time.perf_counter(), helpers()
    run()
    times.append({"cpu": cpu() - c, "wall": time.perf_counter() - w, "helpers": helpers() - h})
print(json.dumps(times))
"""

_TINY = r"""
import resource, sim
sim.run(sim.SimConfig(dataset="digits", train_samples=5, test_samples=5, assign_samples=5))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(usage.ru_utime + usage.ru_stime)
"""


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def _python(code: str, *args: str, env: dict[str, str | None] | None = None) -> str:
    """Run ``code`` in a fresh interpreter with ``env`` changed (None: unset); its last line."""
    changed = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                          capture_output=True, text=True, env=changed
                          ).stdout.strip().splitlines()[-1]


def _pair(design: str, env: dict[str, str | None]) -> list[dict[str, float]]:
    """The warm evaluation of ``design`` in two fresh processes started together (two workers
    on one machine), each's figures."""
    changed = dict(os.environ)
    for name, value in env.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    both = [subprocess.Popen([sys.executable, "-c", _EVALUATE, design], cwd=ROOT, env=changed,
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [process.communicate()[0] for process in both]
    if any(process.returncode for process in both):
        raise RuntimeError(f"an evaluation of {design} failed")
    return [json.loads(out.strip().splitlines()[-1])[1] for out in outs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    default: dict[str, str | None] = {name: None for name in THREAD_VARIABLES}
    one: dict[str, str | None] = {name: "1" for name in THREAD_VARIABLES}
    rows = ["| evaluation | compute threads | CPU (s) | wall (s) | CPU of the other threads (s) |",
            "|---|---|---:|---:|---:|"]
    first_second = None
    for design in ("surrogate", "stdp"):
        for label, env in ((f"OpenBLAS default ({os.cpu_count()})", default), ("1", one)):
            first, warm = json.loads(_python(_EVALUATE, design, env=env))
            if design == "stdp" and env is one:
                first_second = (first, warm)
            rows.append(f"| {design}, warm | {label} | {warm['cpu']:.2f} | {warm['wall']:.2f} "
                        f"| {warm['helpers']:.2f} |")
    for label, env in ((f"OpenBLAS default ({os.cpu_count()})", default), ("1", one)):
        pair = _pair("surrogate", env)
        cells = [" / ".join(f"{r[key]:.2f}" for r in pair) for key in ("cpu", "wall", "helpers")]
        rows.append(f"| surrogate, warm, 2 processes at once | {label} | {' | '.join(cells)} |")
    cached = float(_python(_TINY))
    with tempfile.TemporaryDirectory() as empty:
        compiled = float(_python(_TINY, env={"NUMBA_CACHE_DIR": empty}))
    assert first_second is not None
    first, warm = first_second
    table = "\n".join([
        *rows, "",
        "| fresh process | CPU (s) |", "|---|---:|",
        f"| tiny simulation, whole process, numba cache present | {cached:.2f} |",
        f"| tiny simulation, whole process, empty numba cache (compiles) | {compiled:.2f} |",
        f"| STDP design, first evaluation (dataset, kernels loaded) | {first['cpu']:.2f} |",
        f"| STDP design, second evaluation | {warm['cpu']:.2f} |",
    ])
    print(table)
    if not args.no_record:
        record("Worker process: compute threads, numba cache, warm-up", table, [
            "digits, 1000 training / 400 test samples; surrogate: hidden 256, 3 epochs; STDP: "
            "320 neurons, population inhibition, 100 steps; seed 0",
            "OpenBLAS default = OPENBLAS_NUM_THREADS/OMP_NUM_THREADS unset (one per core); "
            "other threads = CPU of the process's threads but the main one (/proc/PID/task)",
            "tiny simulation: 5 training, 5 assignment, 5 test samples, in a fresh process "
            "(imports included)",
        ])


if __name__ == "__main__":
    main()
