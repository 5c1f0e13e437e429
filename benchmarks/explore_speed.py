"""Wall time of a default ``dse explore`` and of running the same command again.

Targets (issue 4): the default exploration finishes in under 3 minutes on a 2-core machine; the
same command run again finishes in under 5 seconds. Runs of the installed ``dse``, each in a
fresh process, with a fresh cache file so the first run is cold:

1. ``dse explore --out RUN --cache CACHE``            cold: every design simulated (once)
2. the same command again                           resume: every record replayed from RUN
3. ``dse explore --out RUNi --cache CACHE``           new run directories: every design a cache hit

The reruns are repeated ``REPEATS`` times (the machine is shared; the median is judged).

Prints a table and appends it to benchmarks/RESULTS.md.
Usage: ``python benchmarks/explore_speed.py [extra dse explore options]``.
"""

from __future__ import annotations

import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record

TARGETS_S = {"cold": 180.0, "resume": 5.0, "cache": 5.0}
REPEATS = 3


def _dse() -> str:
    """The ``dse`` console script next to this interpreter."""
    return str(Path(sys.executable).with_name("dse"))


def _timed(command: list[str]) -> float:
    """Run ``command`` (output discarded) and return its wall time (s); fail loudly."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{shlex.join(command)} exited {done.returncode}:\n{done.stderr}")
    return wall


def main(extra: list[str]) -> None:
    """Run the explorations (the reruns ``REPEATS`` times each) and report their wall times."""
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.sqlite"

        def command(out: str) -> list[str]:
            return [_dse(), "explore", *extra, "--cache", str(cache), "--out", f"{tmp}/{out}"]

        walls = {"cold": [_timed(command("run"))]}
        walls["resume"] = [_timed(command("run")) for _ in range(REPEATS)]
        walls["cache"] = [_timed(command(f"run{i}")) for i in range(REPEATS)]
        run = json.loads(Path(f"{tmp}/run/run.json").read_text())
    counts = run["counts"]
    notes = [
        f"snn-dse {run['versions']['snn-dse']}; timed: `dse explore {shlex.join(extra)}`"
        " (+ `--out`, `--cache` to a fresh file)",
        f"run: engine {run['engine']}, {run['evaluations_requested']} evaluations, "
        f"dataset {run['dataset']}, {run['simulator']['train_samples']} train / "
        f"{run['simulator']['test_samples']} test samples, {run['workers']} workers; "
        f"{counts['feasible']} feasible",
    ]
    lines = [
        "| run | runs | best wall (s) | median wall (s) | target (s) | median met |",
        "|---|---:|---:|---:|---:|---|",
        *(
            f"| {name} | {len(times)} | {min(times):.1f} | {statistics.median(times):.1f} | "
            f"{TARGETS_S[name]:.0f} | "
            f"{'yes' if statistics.median(times) < TARGETS_S[name] else 'NO'} |"
            for name, times in walls.items()
        ),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    record("explore_speed", text, notes=notes, argv=extra)


if __name__ == "__main__":
    main(sys.argv[1:])
