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


UNCERTAINTY_JS = """() => {
  const el = document.getElementById('fig-accuracy-energy');
  const feasible = el.data.filter(t => (t.name || '').endsWith('feasible'));
  const symbols = feasible.flatMap(t => t.marker.symbol);
  const banner = document.getElementById('nominal-only');
  const rows = document.querySelectorAll('#sensitivity-0 tbody tr');
  return {
    errorBars: el.querySelectorAll('g.errorbar path').length,
    withBars: feasible.filter(t => t.error_x && t.error_x.array.length).length,
    symbols: symbols,
    drawnSymbols: el.querySelectorAll('g.points path.point').length,
    nominalOnly: el.data.filter(t => t.name === 'feasible at nominal only')
                        .map(t => t.x.length)[0] || 0,
    banner: banner ? banner.textContent : null,
    bannerVisible: banner ? banner.getBoundingClientRect().height > 0 : false,
    sensitivity: Array.from(rows).map(r => r.cells[0].textContent),
    robustColumn: Array.from(document.querySelectorAll('#pareto-table th'))
                       .some(h => h.textContent === 'robust'),
  };
}"""


def test_report_renders_in_chromium(tmp_path) -> None:
    run, evaluations = make_run(30, protocol="continual",
                                profiles=("loihi1_like", "generic_asic_45nm"))
    # The recommended Loihi design meets the budgets at nominal figures only.
    chosen = next(r for r in evaluations if r["index"] == run["recommended_by_profile"]
                  ["loihi1_like"])
    chosen["feasible_high"] = False
    chosen["constraints_high"]["energy_infer"] = 1e-7
    path = write_report(run, evaluations, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    sorted_keys: list[list[float]] = []
    uncertainty: dict = {}

    def sort_by_accuracy(page) -> None:
        uncertainty.update(page.evaluate(UNCERTAINTY_JS))
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
    # Uncertainty: error bars drawn, robust (filled) and non-robust (open) Pareto diamonds,
    # nominal-only designs ringed, the banner on the recommended design, the sensitivity table.
    feasible = sum(e["feasible"] for e in evaluations)
    assert uncertainty["withBars"] == 2 and uncertainty["errorBars"] >= feasible
    assert {"diamond", "diamond-open", "circle"} <= set(uncertainty["symbols"])
    assert uncertainty["drawnSymbols"] >= feasible
    assert uncertainty["nominalOnly"] == sum(e["feasible"] and not e["feasible_high"]
                                             for e in evaluations) > 0
    assert uncertainty["bannerVisible"] and "only at the nominal" in uncertainty["banner"]
    assert f"#{chosen['index']} on loihi1_like" in uncertainty["banner"]
    assert uncertainty["sensitivity"] == ["events.synaptic_op", "static.power"]
    assert uncertainty["robustColumn"]
