"""Scale-out through a shared PostgreSQL store: evaluations per second with 1 and 2 `dse worker`s,
and the store's coordination ceiling with 4 workers.

Targets (issue 12):

1. **Speed-up.** Real evaluations (the simulator and the cost models on small STDP networks at a
   fidelity where one design takes about a second of CPU), the coordinator only coordinating
   (``--workers 0``): 2 workers evaluate at least 1.7x as many designs per second as 1 on this
   2-core machine.
2. **Coordination ceiling.** Trivial evaluations (closed-form fake models, microseconds), so
   what is measured is the claim/lease and store traffic: at least 100 stored evaluations per
   second through PostgreSQL with 4 workers.

Each configuration is a fresh run in the same database; workers are real ``dse worker``
processes started before the coordinator (their start-up is not timed). Two rates per run:

- **throughput** (the target's figure): evaluations per second while the run evaluates, from
  the coordinator's first stored record to its last, ``(stored - 1) / (t_last - t_first)``
  (the coordinator's start-up, a fixed few seconds of imports and planning that no number of
  workers shortens, is outside it);
- **end to end**: stored evaluations / ``run.json``'s ``timings.wall_s`` (start-up included).

Where the time goes, independent of other load on the machine: CPU seconds per evaluation of
the coordinator (between its first and last record), of the workers (``wait4`` of each process)
and of the PostgreSQL server (``/proc`` of its processes); and each worker's idle seconds (its
own report at exit: its slot found nothing to claim while the run was running). The server is
a throw-away PostgreSQL (tests/_postgres.py) unless ``--store URL`` names one (then its CPU is
not measured). A run with a failed evaluation stops the benchmark (its rate would be bogus).

Usage: ``python benchmarks/scale_out.py [--store URL] [--real N] [--trivial N] [--no-record]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests._postgres and the fake models the trivial workers load

from _record import record  # noqa: E402

from dse import ExploreOptions, ProgressState, explore  # noqa: E402
from tests._postgres import PostgresServer  # noqa: E402
from tests.dse._fakes import FakeModels  # noqa: E402

TARGET_SPEEDUP = 1.7
TARGET_CEILING = 100.0
#: Fidelity of the real evaluations: about a second of CPU per design.
REAL = {"train_samples": 1000, "test_samples": 400}
#: Networks of the real evaluations: small STDP ones, so every design costs about the same.
REAL_SPACE = """\
family: stdp
neurons: [200, 256, 320, 400]
weight_bits: [4, 8, 16]
inhibition: [population, direct]
rule: [baseline, spikedyn]
timesteps: [100, 150]
inhibition_strength: 60.0
"""


def _server_cpu_s(server: PostgresServer | None) -> float | None:
    """CPU seconds used so far by a throw-away server: its postmaster, the backends alive now
    and (through the postmaster's child times) every backend that has exited."""
    if server is None or server.directory is None:
        return None
    postmaster = int((server.directory / "data" / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            ticks += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        elif ppid == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """What one configuration measured."""

    kind: str
    workers: int
    stored: int
    wall_s: float
    span_s: float
    coordinator_cpu_s: float
    worker_cpu_s: list[float]
    server_cpu_s: float | None
    idle_s: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return (self.stored - 1) / self.span_s

    @property
    def end_to_end(self) -> float:
        return self.stored / self.wall_s


def _workers(url: str, run: str, count: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    dse = [sys.executable, "-c", "from dse.cli import run; run()"]
    return [
        subprocess.Popen([*dse, "worker", "--store", url, "--run", run, "--no-cache"],
                         cwd=ROOT, stdout=(logs / f"{run}-{i}.log").open("w"),
                         stderr=subprocess.STDOUT)
        for i in range(count)
    ]


def _measure(url: str, server: PostgresServer | None, run: str, workers: int,
             evaluations: int, out: Path, trivial: bool) -> Run:
    """Run one configuration and account for its time."""
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
    marks: list[tuple[float, float]] = []  # (wall, coordinator CPU) at each stored record

    def progress(_state: ProgressState) -> None:
        marks.append((time.perf_counter(), time.process_time()))

    server_before = _server_cpu_s(server)
    result = explore(options, models=FakeModels() if trivial else None, on_progress=progress)
    server_after = _server_cpu_s(server)
    failed = [r for r in result.evaluations if r["error"] is not None]
    if failed:
        raise RuntimeError(f"{len(failed)} evaluations of {run} failed, e.g. {failed[0]['error']}")
    cpu = []
    for worker in fleet:
        _, status, usage = os.wait4(worker.pid, 0)
        worker.returncode = os.waitstatus_to_exitcode(status)
        if worker.returncode != 0:
            raise RuntimeError(f"a worker of {run} failed; see {out}")
        cpu.append(usage.ru_utime + usage.ru_stime)
    (t_first, c_first), (t_last, c_last) = marks[0], marks[-1]
    measured = Run(
        kind="trivial (fake models)" if trivial else "real (~1 s/design)", workers=workers,
        stored=len(result.evaluations), wall_s=float(result.run["timings"]["wall_s"]),
        span_s=t_last - t_first, coordinator_cpu_s=c_last - c_first, worker_cpu_s=cpu,
        server_cpu_s=None if server_before is None else server_after - server_before,  # type: ignore[operator]
    )
    # Idle time of each worker: what `dse worker` reports at exit (its slot found nothing to
    # claim while the run was running, from the coordinator's start-up to its final records).
    for log in sorted(out.glob(f"{run}-*.log")):
        found = re.search(r"idle\s+([0-9.]+)\s+s\s+waiting", log.read_text())
        measured.idle_s.append(float(found.group(1)) if found else float("nan"))
    return measured


def _table(runs: list[Run]) -> str:
    def per_eval(seconds: float | None, run: Run) -> str:
        return "-" if seconds is None else f"{seconds / run.stored:.3f}"

    lines = ["| evaluations | workers | stored | throughput (/s) | end to end (/s) | wall (s) "
             "| CPU s/eval: coordinator | workers | PostgreSQL | workers idle (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {r.kind} | {r.workers} | {r.stored} | {r.throughput:.2f} | {r.end_to_end:.2f} "
              f"| {r.wall_s:.1f} | {per_eval(r.coordinator_cpu_s, r)} "
              f"| {per_eval(sum(r.worker_cpu_s), r)} | {per_eval(r.server_cpu_s, r)} "
              f"| {', '.join(f'{i:.1f}' for i in r.idle_s)} |" for r in runs]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--real", type=int, default=48, help="real evaluations per run")
    parser.add_argument("--trivial", type=int, default=600, help="trivial evaluations")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    server = None if args.store else PostgresServer.start()
    url = args.store or server.new_database()  # type: ignore[union-attr]
    stamp = time.strftime("%H%M%S")
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            runs = [_measure(url, server, f"real-{count}-{stamp}", count, args.real, out,
                             trivial=False) for count in (1, 2)]
            runs.append(_measure(url, server, f"trivial-4-{stamp}", 4, args.trivial, out,
                                 trivial=True))
    finally:
        if server is not None:
            server.stop()
    one, two, trivial = runs
    speedup = two.throughput / one.throughput
    ceiling = trivial.throughput
    table = "\n".join([
        _table(runs), "",
        "| figure | measured | target | met |", "|---|---:|---:|---|",
        f"| speed-up, 2 workers vs 1 (throughput) | {speedup:.2f}x | >= {TARGET_SPEEDUP}x | "
        f"{'yes' if speedup >= TARGET_SPEEDUP else 'no'} |",
        f"| speed-up, 2 workers vs 1 (end to end) | {two.end_to_end / one.end_to_end:.2f}x | "
        "| |",
        f"| coordination ceiling, 4 workers | {ceiling:.0f}/s | >= {TARGET_CEILING:.0f}/s"
        f" | {'yes' if ceiling >= TARGET_CEILING else 'no'} |",
    ])
    print(table)
    if args.no_record:
        return
    record("Scale-out through PostgreSQL (dse worker)", table, [
        f"1-min load average when the runs started: {load:.1f} (the 2 cores are shared)",
        f"real evaluations: digits, {REAL['train_samples']} training and "
        f"{REAL['test_samples']} test samples, STDP networks, random engine, seed 1, no cache",
        "trivial evaluations: tests/dse/_fakes.FakeModels (closed forms), random engine",
        "store: " + ("given PostgreSQL" if args.store else "throw-away PostgreSQL 15, fsync off"),
        "throughput = (stored - 1) / time from the coordinator's first stored record to its "
        "last; end to end = stored / run.json timings.wall_s (coordinator start-up included); "
        "workers started beforehand",
        "CPU s/eval: coordinator between its first and last record, workers whole processes "
        "(wait4), PostgreSQL server processes (/proc); workers idle = seconds each `dse worker` "
        "found nothing to claim while the run was running (its own report at exit; includes "
        "waiting for the coordinator's start-up before the first designs)",
    ])


if __name__ == "__main__":
    main()
