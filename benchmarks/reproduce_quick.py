"""``dse reproduce spikedyn|fspinn --quick`` on Fashion-MNIST: the claim tables and wall time.

Target: each quick reproduction finishes in under 10 minutes on 2 cores. Runs the real CLI in a
subprocess (fresh cache and output directory, every shipped profile), then prints the claims
of ``reproduction.json`` as one markdown table per paper and appends them with the wall times
to benchmarks/RESULTS.md unless ``--no-record``. Run niced:
``nice .venv/bin/python benchmarks/reproduce_quick.py``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record

from reports import format_claim_value as value

TARGET_S = 600.0


def _children_cpu_s() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def table(claims: list[dict]) -> str:
    """Markdown table of a claim list."""
    rows = ["| claim | device | paper | measured | reproduced | note |",
            "|---|---|---:|---:|---|---|"]
    for c in claims:
        note = c["note"].split("; ", 1)[1] if "; " in c["note"] else c["note"]
        rows.append(f"| {c['claim']} | {c['profile'] or 'any'} |"
                    f" {value(c['metric'], c['paper_value'])} |"
                    f" {value(c['metric'], c['measured_value'])} |"
                    f" {'yes' if c['reproduced'] else 'no'} | {note} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--paper", action="append", choices=["spikedyn", "fspinn"])
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    for paper in args.paper or ["spikedyn", "fspinn"]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            command = [sys.executable, "-c", "from dse.cli import run; run()", "reproduce",
                       paper, "--quick", "--dataset", args.dataset, "--out", str(out),
                       "--cache", str(Path(tmp) / "cache.sqlite")]
            if args.data_dir:
                command += ["--data-dir", args.data_dir]
            start = time.perf_counter()
            cpu_before = _children_cpu_s()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            cpu = _children_cpu_s() - cpu_before
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            claims = json.loads((out / "reproduction.json").read_text())
        header = done.stderr.split("[1/")[0]  # the settings line, wrapped by the console
        settings = " ".join(header.split())
        body = table(claims)
        print(f"{settings}\nwall {wall:.0f} s, CPU {cpu:.0f} s\n{body}", flush=True)
        if not args.no_record:
            record(f"reproduce_quick: {paper} on {args.dataset}", body, argv=argv, notes=[
                settings, f"wall {wall:.0f} s, CPU {cpu:.0f} s (one process: on an idle machine"
                f" the wall time is about the CPU time); target < {TARGET_S:.0f} s on 2 cores:"
                f" {'met' if cpu < TARGET_S else 'MISSED'} by CPU time,"
                f" {'met' if wall < TARGET_S else 'missed'} by wall time at this load",
                "note column: after the settings prefix, which every note repeats"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
