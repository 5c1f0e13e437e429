"""Scale-out through a shared PostgreSQL store: evaluations per second with 1 and 2 `dse worker`s,
and the store's coordination ceiling with 4 workers.

Targets (issue 12):

1. **Speed-up.** Real evaluations (the simulator and the cost models at a fidelity where one
   design takes about a second), the coordinator only coordinating (``--workers 0``): 2 workers
   evaluate at least 1.7x as many designs per second as 1 on this 2-core machine.
2. **Coordination ceiling.** Trivial evaluations (closed-form fake models, microseconds), so
   what is measured is the claim/lease and store traffic: at least 100 stored evaluations per
   second through PostgreSQL with 4 workers.

Each configuration is a fresh run in the same database; workers are real ``dse worker``
processes started before the coordinator (their start-up is not timed); the rate is the
evaluations stored divided by the coordinator's wall time from its first proposal to its last
record (``run.json``'s ``timings.wall_s``). The server is a throw-away PostgreSQL
(tests/_postgres.py) unless ``--store URL`` names one. The machine is shared: the load average
is recorded with every table.

Usage: ``python benchmarks/scale_out.py [--store URL] [--real N] [--trivial N] [--no-record]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests._postgres and the fake models the trivial workers load

from _record import record  # noqa: E402

from dse import ExploreOptions, explore  # noqa: E402
from tests._postgres import PostgresServer  # noqa: E402
from tests.dse._fakes import FakeModels  # noqa: E402

TARGET_SPEEDUP = 1.7
TARGET_CEILING = 100.0
#: Fidelity of the real evaluations: about a second per design on one core.
REAL = {"train_samples": 600, "test_samples": 200}
#: Networks of the real evaluations: small ones, so every design costs about the same.
REAL_SPACE = """\
neurons: [50, 64, 80, 100]
weight_bits: [4, 8, 16]
inhibition: [population, direct]
rule: [baseline, spikedyn]
timesteps: [100, 150]
inhibition_strength: 60.0
family: stdp
"""


def _workers(url: str, run: str, count: int, logs: Path) -> list[subprocess.Popen]:
    dse = [sys.executable, "-c", "from dse.cli import run; run()"]
    return [
        subprocess.Popen([*dse, "worker", "--store", url, "--run", run, "--no-cache"],
                         cwd=ROOT, stdout=(logs / f"{run}-{i}.log").open("w"),
                         stderr=subprocess.STDOUT)
        for i in range(count)
    ]


def _measure(url: str, run: str, workers: int, evaluations: int, out: Path,
             trivial: bool) -> tuple[float, float, int]:
    """(evaluations per second, wall seconds, evaluations stored) of one run."""
    fleet = _workers(url, run, workers, out)
    time.sleep(3.0)  # let the workers import and start polling
    extra: dict = {}
    if not trivial:
        space = out / "space.yaml"
        space.write_text(REAL_SPACE)
        extra = REAL | {"space": space}
    options = ExploreOptions(
        engine="random", evaluations=evaluations, seed=1, workers=0, no_cache=True,
        store=url, run=run, out=out / run, **extra,
    )
    result = explore(options, models=FakeModels() if trivial else None)
    for worker in fleet:
        if worker.wait(timeout=120) != 0:
            raise RuntimeError(f"a worker of {run} failed; see {out}")
    wall = float(result.run["timings"]["wall_s"])
    stored = len(result.evaluations)
    return stored / wall, wall, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--real", type=int, default=24, help="real evaluations per run")
    parser.add_argument("--trivial", type=int, default=600, help="trivial evaluations")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    server = None if args.store else PostgresServer.start()
    url = args.store or server.new_database()  # type: ignore[union-attr]
    stamp = time.strftime("%H%M%S")
    rows = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            load = os.getloadavg()[0]
            rates = {}
            for count in (1, 2):
                rate, wall, stored = _measure(url, f"real-{count}-{stamp}", count, args.real,
                                              out, trivial=False)
                rates[count] = rate
                rows.append(("real (~1 s/design)", count, stored, wall, rate))
            rate, wall, stored = _measure(url, f"trivial-4-{stamp}", 4, args.trivial, out,
                                          trivial=True)
            rows.append(("trivial (fake models)", 4, stored, wall, rate))
            ceiling = rate
    finally:
        if server is not None:
            server.stop()
    speedup = rates[2] / rates[1]
    lines = ["| evaluations | workers | stored | wall (s) | evaluations/s |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {kind} | {n} | {stored} | {wall:.1f} | {rate:.2f} |"
              for kind, n, stored, wall, rate in rows]
    lines += ["", "| figure | measured | target | met |", "|---|---:|---:|---|",
              f"| speed-up, 2 workers vs 1 | {speedup:.2f}x | >= {TARGET_SPEEDUP}x | "
              f"{'yes' if speedup >= TARGET_SPEEDUP else 'no'} |",
              f"| coordination ceiling, 4 workers | {ceiling:.0f}/s | >= {TARGET_CEILING:.0f}/s"
              f" | {'yes' if ceiling >= TARGET_CEILING else 'no'} |"]
    table = "\n".join(lines)
    print(table)
    if args.no_record:
        return
    record("Scale-out through PostgreSQL (dse worker)", table, [
        f"1-min load average when the runs started: {load:.1f} (the 2 cores are shared)",
        f"real evaluations: digits, {REAL['train_samples']} training and "
        f"{REAL['test_samples']} test samples, random engine, seed 1, no cache",
        "trivial evaluations: tests/dse/_fakes.FakeModels (closed forms), random engine",
        "store: " + ("given PostgreSQL" if args.store else "throw-away PostgreSQL 15, fsync off"),
        "rate = evaluations stored / coordinator wall time (workers started beforehand)",
    ])


if __name__ == "__main__":
    main()
