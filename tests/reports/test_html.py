"""The self-contained HTML report: content, offline-safety and byte-identical rebuilds."""

import copy
import re

import pytest

from reports import build_report, evaluations_frame, write_report
from tests.reports.synthetic import make_run


@pytest.fixture(scope="module")
def report() -> str:
    run, evaluations = make_run(40)
    return build_report(run, evaluations)


def outside_plotlyjs(html: str) -> str:
    """The page without the inlined plotly.js bundle (the first script element)."""
    start = html.index("<script type=\"text/javascript\">")
    end = html.index("</script>", start)
    return html[:start] + html[end:]


def test_two_builds_are_byte_identical(tmp_path) -> None:
    run, evaluations = make_run(40, protocol="continual", profiles=("loihi1_like",
                                                                     "generic_asic_45nm"))
    first = write_report(run, evaluations, tmp_path / "a" / "report.html").read_bytes()
    again = copy.deepcopy((run, evaluations))
    second = write_report(*again, tmp_path / "b" / "report.html").read_bytes()
    assert first == second


def test_self_contained_with_plotlyjs_inlined_once(report: str) -> None:
    assert report.count("<script src") == 0 and "<link" not in report
    assert report.count("* plotly.js v") == 1
    rest = outside_plotlyjs(report)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", rest)
    assert "cdn.plot.ly" not in rest
    assert re.findall(r"id=\"(fig-[a-z0-9-]+)\"", rest) == [
        "fig-accuracy-energy", "fig-accuracy-memory", "fig-objectives-3d", "fig-parallel",
        "fig-breakdown-0", "fig-hypervolume",
    ]


def test_header_states_the_run(report: str) -> None:
    run, _ = make_run(40)
    for text in ("loihi1_like", "Loihi-like neuromorphic core", "memory ≤ 16 KiB (16KiB)",
                 "inference energy / sample ≤ 3 µJ", "nsga2", "neurons</b>: 25, 50",
                 f"<th>Feasible</th><td>{run['counts']['feasible']}</td>",
                 f"<th>Pre-screened</th><td>{run['counts']['prescreened']}</td>",
                 f"<th>Cache hits</th><td>{run['counts']['cache_hits']}</td>",
                 "<th>Evaluations</th><td>40 of 40 requested</td>",
                 "<th>Run time</th><td>161.2 s", "snn-dse 0.1.0", "<th>Seed</th><td>0</td>"):
        assert text in report, text
    assert 'id="interrupted"' not in report and 'id="no-feasible"' not in report


def test_pareto_table_lists_the_front_and_is_sortable(report: str) -> None:
    table = report[report.index('id="pareto-table"'):]
    table = table[:table.index("</table>")]
    run, evaluations = make_run(40)
    front = evaluations_frame(evaluations, run["objectives"])["pareto"].sum()
    assert table.count("<tr data-index=") == front
    assert 'class="sortable"' in report and "addEventListener(\"click\"" in report
    assert f'<tr data-index="{run["recommended"]}">' in report


def test_recommended_breakdown_shows_profile_figures(report: str) -> None:
    section = report[report.index('id="figures-0"'):]
    for text in ("events.synaptic_op", "23.6 pJ", "measured", "Davies et al.", "input_weights",
                 "in sram_1m"):
        assert text in section


def test_interrupted_run_says_so() -> None:
    run, evaluations = make_run(20, complete=False)
    html = build_report(run, evaluations)
    assert 'id="interrupted"' in html and "20 of 40 requested" in html


def test_nothing_feasible_shows_the_nearest_designs() -> None:
    run, evaluations = make_run(30, budgets={"memory": 1200.0, "energy_infer": 3e-6})
    assert run["counts"]["feasible"] == 0
    html = build_report(run, evaluations)
    assert 'id="no-feasible"' in html and 'id="nearest-table"' in html
    nearest = html[html.index('id="nearest-table"'):]
    assert nearest[:nearest.index("</table>")].count("<tr data-index=") == 5
    assert "nearest design #" in html  # its cost breakdown


def test_continual_and_several_devices() -> None:
    run, evaluations = make_run(20, protocol="continual",
                                profiles=("loihi1_like", "generic_asic_45nm"))
    html = build_report(run, evaluations)
    assert 'id="fig-continual"' in html
    table = html[html.index('id="recommended-table"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr data-index=") == 2 and "generic_asic_45nm" in table


def test_a_run_without_records_or_metadata_still_builds() -> None:
    html = build_report({}, [])
    assert "<th>Evaluations</th><td>0</td>" in html and 'id="no-feasible"' in html
    _, evaluations = make_run(3)
    assert 'id="interrupted"' in build_report({"complete": False}, evaluations)
