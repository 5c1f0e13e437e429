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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record

from reports import format_claim_value as value

TARGET_S = 600.0


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
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    for paper in ("spikedyn", "fspinn"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            command = [sys.executable, "-c", "from dse.cli import run; run()", "reproduce",
                       paper, "--quick", "--dataset", args.dataset, "--out", str(out),
                       "--cache", str(Path(tmp) / "cache.sqlite")]
            if args.data_dir:
                command += ["--data-dir", args.data_dir]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            claims = json.loads((out / "reproduction.json").read_text())
        settings = done.stderr.splitlines()[0]
        body = table(claims)
        print(f"{settings}\nwall {wall:.0f} s\n{body}", flush=True)
        if not args.no_record:
            record(f"reproduce_quick: {paper} on {args.dataset}", body, argv=argv, notes=[
                settings, f"wall {wall:.0f} s (target < {TARGET_S:.0f} s on 2 cores): "
                f"{'met' if wall < TARGET_S else 'MISSED'}",
                "note column: after the settings prefix, which every note repeats"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
