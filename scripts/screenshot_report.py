"""Screenshot a run's report in a real headless Chromium (the README image).

    python scripts/screenshot_report.py RUN_DIR [--out docs/images/report.png] [--full-page]

Rebuilds RUN_DIR/report.html from the run's store (as `dse report` does), opens it with the
project's browser tooling (`reports._browser.render_report`: Playwright driving the installed
Chromium), fails if the page logs an error or requests anything off the local disk, and saves
the screenshot. Needs the `dev` extra and Debian's `chromium`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dse
import reports
from reports._browser import render_report


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, rebuild the report, take the screenshot; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="run directory written by dse explore")
    parser.add_argument("--out", type=Path, default=Path("docs/images/report.png"))
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1500)
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the top")
    args = parser.parse_args(argv)
    run, evaluations = dse.load_run(args.run_dir)
    html = reports.write_report(run, evaluations, args.run_dir / "report.html")
    result = render_report(html, args.out, width=args.width, height=args.height,
                           full_page=args.full_page)
    problems = result.console_errors + result.failed_requests + result.external_requests
    if problems or not all(plot["drawn"] for plot in result.plots.values()):
        print(f"report did not render cleanly: {problems or result.plots}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
