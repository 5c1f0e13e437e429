"""PNG export of the report's figures with kaleido, which drives an installed Chromium."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.io as pio

from reports._browser import find_chromium
from reports._html import report_figures
from snn_dse.errors import InputError

__all__ = ["PngExportError", "write_pngs"]

PNG_WIDTH = 1100


class PngExportError(InputError):
    """PNG export is impossible here (no Chromium or Chrome for kaleido). CLI exit code 2."""


def write_pngs(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]], out_dir: str | Path
) -> list[Path]:
    """Write every figure of the report as ``<figure id>.png`` into ``out_dir``; return the
    paths. Raises :class:`PngExportError` when no Chromium is installed."""
    if find_chromium() is None:
        raise PngExportError(
            "PNG export needs Chromium or Chrome for kaleido, and none was found: install it "
            "(Debian: apt-get install chromium) or set BROWSER_PATH to its binary; "
            "the HTML report does not need it"
        )
    figures = report_figures(run, evaluations)
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{name}.png" for name in figures]
    pio.write_images(
        list(figures.values()), paths, width=PNG_WIDTH,
        height=[int(f.layout.height or 450) for f in figures.values()],
    )
    return paths
