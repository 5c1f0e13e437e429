"""`dse report RUN_DIR`: on synthetic records through a stubbed `dse.load_run`, and end to end
through the real `dse explore` on a tiny run."""

import json
from pathlib import Path

import pandas as pd
import pytest

import dse
import reports._png
from dse import ResultStore
from dse.cli import main
from reports._browser import find_chromium, render_report
from tests.reports.synthetic import make_run

TINY = ["--evaluations", "6", "--train-samples", "20", "--test-samples", "20", "--workers", "1",
        "--no-cache", "--seed", "3"]


@pytest.fixture
def stub_run(monkeypatch: pytest.MonkeyPatch) -> tuple[dict, list[dict]]:
    run, evaluations = make_run(20, complete=False)
    monkeypatch.setattr(dse, "load_run", lambda run_dir: (run, evaluations))
    return run, evaluations


def test_report_writes_the_html(stub_run, tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(tmp_path / "report.html")
    assert "interrupted" in captured.err
    assert 'id="interrupted"' in (tmp_path / "report.html").read_text()
    assert len(pd.read_csv(tmp_path / "evaluations.csv")) == len(stub_run[1])
    assert (tmp_path / "pareto.csv").is_file()
    assert json.loads((tmp_path / "results.json").read_text())["run"]["complete"] is False


def test_report_out_option(stub_run, tmp_path: Path) -> None:
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "x" / "r.html")]) == 0
    assert (tmp_path / "x" / "r.html").stat().st_size > 1_000_000


def test_png_without_chromium_is_a_clear_error(stub_run, tmp_path: Path, monkeypatch,
                                               capsys) -> None:
    monkeypatch.setattr(reports._png, "find_chromium", lambda: None)
    assert main(["report", str(tmp_path), "--png"]) == 2
    err = capsys.readouterr().err
    assert "PNG export needs Chromium" in err and "apt-get install chromium" in err
    assert (tmp_path / "report.html").exists()


def test_not_a_run_directory(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "no result store" in capsys.readouterr().err


@pytest.mark.slow
def test_explore_then_report_end_to_end(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main(["explore", *TINY, "--memory-budget", "16KiB", "--energy-budget", "1uJ",
                 "--out", str(out)])
    assert code in (0, 3)
    written = (out / "report.html").read_bytes()
    assert main(["report", str(out), "--out", str(tmp_path / "again.html")]) == 0
    assert (tmp_path / "again.html").read_bytes() == written  # byte-identical rebuild
    run = json.loads((out / "run.json").read_text())
    html = written.decode()
    assert f"<th>Evaluations</th><td>{run['counts']['evaluated']} of 6 requested" in html
    assert run["versions"]["snn-dse"] in html

    store = ResultStore(out / "store.sqlite", None, create=False)
    store.set_info({**store.info(), "complete": False})
    assert main(["report", str(out)]) == 0
    assert 'id="interrupted"' in (out / "report.html").read_text()


@pytest.mark.slow
def test_explore_with_nothing_feasible_then_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["explore", *TINY, "--memory-budget", "64B", "--out", str(out)]) == 3
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert 'id="no-feasible"' in html and 'id="nearest-table"' in html


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(find_chromium() is None,
                    reason="no Chromium (/usr/bin/chromium): apt-get install chromium")
def test_real_run_renders_and_exports_png(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["explore", *TINY, "--memory-budget", "16KiB", "--out", str(out)]) in (0, 3)
    capsys.readouterr()
    assert main(["report", str(out), "--png"]) == 0
    printed = capsys.readouterr().out.split()
    pngs = sorted(Path(p) for p in printed if p.endswith(".png"))
    assert pngs and all(p.stat().st_size > 10_000 for p in pngs)
    result = render_report(out / "report.html", tmp_path / "report.png")
    assert result.console_errors == [] and result.failed_requests == []
    assert result.external_requests == []
    assert all(plot["drawn"] for plot in result.plots.values())
    assert result.plots["fig-hypervolume"]["points"] == 6
