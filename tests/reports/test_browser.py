"""The report in a real headless Chromium: no console error, no failed or external request,
every plot drawn with the expected number of points."""

import pytest

from reports import report_figures, write_report
from reports._browser import find_chromium, render_report
from tests.reports.synthetic import make_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None,
                       reason="no Chromium (/usr/bin/chromium): apt-get install chromium"),
]


def expected_points(fig) -> int:
    """Data points of a figure as plotly.js counts them in ``el.data``."""
    total = 0
    for trace in fig.data:
        if getattr(trace, "x", None) is not None:
            total += len(trace.x)
        elif getattr(trace, "dimensions", None):
            total += len(trace.dimensions[0].values)
    return total


def test_report_renders_in_chromium(tmp_path) -> None:
    run, evaluations = make_run(30, protocol="continual",
                                profiles=("loihi1_like", "generic_asic_45nm"))
    path = write_report(run, evaluations, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    sorted_keys: list[list[float]] = []

    def sort_by_accuracy(page) -> None:
        headings = page.eval_on_selector_all("#pareto-table th", "hs => hs.map(h => h.textContent)")
        column = headings.index("accuracy") + 1
        for _ in range(2):  # ascending, then descending
            page.click(f"#pareto-table th:nth-child({column})")
            cells = f"#pareto-table tbody td:nth-child({column})"
            keys = page.eval_on_selector_all(cells, "cs => cs.map(c => c.dataset.sort)")
            sorted_keys.append([float(v) for v in keys])

    result = render_report(path, shot, full_page=True, inspect=sort_by_accuracy)
    assert result.console_errors == []
    assert result.failed_requests == []
    assert result.external_requests == []
    figures = report_figures(run, evaluations)
    assert set(result.plots) == set(figures)
    prescreened = sum(e["prescreened"] for e in evaluations)
    assert prescreened > 0
    for div_id in ("fig-accuracy-energy", "fig-accuracy-memory"):  # their grey crosses drawn
        (crosses,) = [t for t in figures[div_id].data if t.name == "pre-screened: not simulated"]
        assert len(crosses.x) == prescreened
    for div_id, fig in figures.items():
        assert result.plots[div_id]["drawn"], div_id
        assert result.plots[div_id]["points"] == expected_points(fig), div_id
    assert shot.stat().st_size > 50_000
    ascending, descending = sorted_keys
    assert len(ascending) > 3 and ascending == sorted(ascending)
    assert descending == sorted(ascending, reverse=True)
