"""Start-up of the ``dse`` command line: ``dse --help`` and the re-run of a finished exploration.

Targets (issue 13): ``dse --help`` in at most 0.3 s; the same ``dse explore`` command run again
on a finished run directory in at most 1 s (lazy imports; the report is rebuilt only when the
store changed). Each timing is a fresh process of the installed ``dse``; ``python -c pass`` is
timed too, as the floor this machine puts under any command. The machine is shared: each figure
is measured ``REPEATS`` times and the median is judged; the load average is in the header.
Beside wall time the table gives the process's CPU time (user + system), which is what the wall
time comes to on an idle machine: on a loaded one the process waits for a core.

Prints a table and appends it to benchmarks/RESULTS.md.
Usage: ``python benchmarks/cli_startup.py [--no-record]``.
"""

from __future__ import annotations

import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

from _record import record
from explore_speed import _dse

TARGETS_S = {"dse --help": 0.3, "re-run of a finished exploration": 1.0}
REPEATS = 7
#: A small exploration: what is timed is start-up and the finished-run path, not simulation.
EXPLORE = ["explore", "--evaluations", "12", "--train-samples", "40", "--test-samples", "40",
           "--workers", "1", "--no-cache", "--seed", "0"]


def _timed(command: list[str]) -> tuple[float, float]:
    """Run ``command`` (output discarded); return its wall and CPU (user + system) time in s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{shlex.join(command)} exited {done.returncode}:\n{done.stderr}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str]) -> None:
    """Time the interpreter floor, ``dse --help`` and the re-run; print and record them."""
    with tempfile.TemporaryDirectory() as tmp:
        explore = [_dse(), *EXPLORE, "--out", f"{tmp}/run"]
        first, _ = _timed(explore)
        walls = {
            "python -c pass": [_timed([sys.executable, "-c", "pass"]) for _ in range(REPEATS)],
            "dse --help": [_timed([_dse(), "--help"]) for _ in range(REPEATS)],
            "re-run of a finished exploration": [_timed(explore) for _ in range(REPEATS)],
        }
    lines = [
        "| command | runs | median wall (s) | median CPU (s) | target (s) | wall met | CPU met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for name, runs in walls.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        target = TARGETS_S.get(name)
        verdicts = ("- | - | -" if target is None else
                    f"{target:.1f} | {'yes' if wall <= target else 'NO'} | "
                    f"{'yes' if cpu <= target else 'NO'}")
        lines.append(f"| {name} | {len(runs)} | {wall:.2f} | {cpu:.2f} | {verdicts} |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    notes = [f"re-run: `dse {' '.join(EXPLORE)} --out RUN` after a first run of {first:.1f} s"]
    if "--no-record" not in argv:
        record("cli_startup", text, notes=notes, argv=argv)


if __name__ == "__main__":
    main(sys.argv[1:])
