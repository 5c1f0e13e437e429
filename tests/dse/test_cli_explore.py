"""``dse explore`` end to end on the real simulator and cost models, at a tiny fidelity."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pandas as pd
import pytest

from dse import load_run
from dse.cli import main
from tests.dse._fakes import TINY_REAL_SPACE_YAML

SPACE = TINY_REAL_SPACE_YAML

#: Tiny fidelity: a design simulates in about a tenth of a second.
FAST = ["--train-samples", "40", "--test-samples", "40", "--workers", "1", "--no-cache"]


def _space(tmp_path: Path) -> str:
    path = tmp_path / "space.yaml"
    path.write_text(SPACE)
    return str(path)


def _dse() -> list[str]:
    return [sys.executable, "-c", "from dse.cli import run; run()"]


def _records(run_dir: Path) -> int:
    store = run_dir / "store.sqlite"
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM dse_evaluations").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["--memory-budget", "64"], "--memory-budget", "bare number"),
        (["--memory-budget", "2 uJ"], "--memory-budget", "wrong dimension"),
        (["--energy-budget", "64 KiB"], "--energy-budget", "wrong dimension"),
        (["--energy-budget=-2uJ"], "--energy-budget", "impossible"),
        (["--latency-budget", "0 ms"], "--latency-budget", "impossible"),
        (["--train-energy-budget", "lots"], "--train-energy-budget", ""),
    ],
)
def test_bad_budgets_exit_2_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], option: str, words: str
) -> None:
    code = main(["explore", *args, "--out", str(tmp_path / "run"), *FAST])
    err = capsys.readouterr().err
    assert code == 2
    assert option in err and words in err
    assert "Traceback" not in err


def test_budgets_with_units_are_recorded_in_si(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(["explore", "--space", _space(tmp_path), "--evaluations", "4", "--out", str(out),
                 "--memory-budget", "64KiB", "--energy-budget", "2 uJ", "--latency-budget",
                 "5ms", *FAST])
    assert code == 0
    run = json.loads((out / "run.json").read_text())
    assert run["budgets"] == pytest.approx(
        {"memory": 65536.0, "energy_infer": 2e-6, "latency": 5e-3})


def test_nothing_feasible_exits_3_and_writes_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code = main(["explore", "--space", _space(tmp_path), "--evaluations", "8",
                 "--memory-budget", "1 B", "--out", str(out), *FAST])
    captured = capsys.readouterr()
    assert code == 3
    assert "no design meets the budgets" in captured.err
    assert "least infeasible" in captured.out
    for name in ("store.sqlite", "evaluations.csv", "pareto.csv", "run.json", "results.json",
                 "report.html"):
        assert (out / name).is_file(), name
    run, records = load_run(out)
    assert run["recommended"] is None and len(records) == 8
    assert all(r["prescreened"] and r["sim"] is None for r in records)


def test_explore_prints_the_front_and_the_recommendation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code = main(["explore", "--space", _space(tmp_path), "--evaluations", "8", "--out", str(out),
                 "--profile", "generic_asic_45nm", "--profile", "loihi1_like", *FAST])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Pareto front" in captured.out and "Recommended: #" in captured.out
    assert str(out / "pareto.csv") in captured.out
    run, records = load_run(out)
    assert {r["profile"] for r in records} == {"generic_asic_45nm", "loihi1_like"}
    assert run["counts"]["evaluated"] == 16
    simulated = [r for r in records if r["sim"] is not None]
    assert simulated and all(0 <= r["objectives"]["accuracy"] <= 1 for r in simulated)
    assert all(r["cost"]["activity_source"] == "measured" for r in simulated)


def test_optuna_study_loads_with_load_study(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(["explore", "--space", _space(tmp_path), "--evaluations", "6", "--out", str(out),
                 "--engine", "optuna", "--sampler", "tpe", "--memory-budget", "4KiB", *FAST])
    assert code in (0, 3)
    run = json.loads((out / "run.json").read_text())
    study = optuna.load_study(study_name=run["studies"]["generic_asic_45nm"],
                              storage=f"sqlite:///{out / 'optuna.sqlite3'}")
    finished = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(finished) >= 6
    assert all("memory" in t.constraints for t in finished)


def test_guided_engine_through_the_real_pipeline(tmp_path: Path) -> None:
    """The default engine (no ``--engine``)."""
    out = tmp_path / "run"
    code = main(["explore", "--space", _space(tmp_path), "--evaluations", "10", "--out", str(out),
                 "--memory-budget", "4KiB", *FAST])
    assert code in (0, 3)
    run, records = load_run(out)
    assert run["engine"] == run["engine_requested"] == "guided" and len(records) == 10
    assert not any(r["prescreened"] for r in records)     # the engine knew the estimates


@pytest.mark.slow
def test_resume_after_sigkill_evaluates_nothing_twice(tmp_path: Path) -> None:
    space = _space(tmp_path)
    common = ["explore", "--space", space, "--evaluations", "16", "--train-samples", "150",
              "--test-samples", "60", "--no-cache"]
    # the reference runs on 2 workers, the killed and resumed run on 1: same records
    reference = tmp_path / "reference"
    subprocess.run([*_dse(), *common, "--workers", "2", "--out", str(reference)], check=True,
                   capture_output=True)
    out = tmp_path / "run"
    common += ["--workers", "1"]
    child = subprocess.Popen([*_dse(), *common, "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _records(out) < 3 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate()
    assert child.returncode == -signal.SIGKILL, f"the run ended before it could be killed: {err}"
    killed, before = load_run(out)
    assert 3 <= len(before) < 16
    assert killed["complete"] is False and killed["counts"]["evaluated"] == len(before)
    assert not (out / "finished.json").exists()  # a killed run is never answered as finished
    subprocess.run([*_dse(), *common, "--out", str(out)], check=True, capture_output=True)
    run, after = load_run(out)
    assert run["complete"] is True and (out / "finished.json").is_file()
    assert run["counts"]["resumed"] == len(before)
    assert run["counts"]["simulated"] <= 16 - len(before)
    assert [r for r in after if r["index"] in {b["index"] for b in before}] == before
    _, expected = load_run(reference)

    def strip(records: list[dict]) -> list[dict]:
        """Records without wall times (the record's and the simulator's own)."""
        timings = {"wall_s", "train_ms_per_sample", "infer_ms_per_sample"}
        return [
            {k: ({n: x for n, x in v.items() if n not in timings} if k == "sim" and v else v)
             for k, v in r.items() if k not in timings}
            for r in records
        ]

    assert strip(after) == strip(expected)
    # same designs and values; only the wall time may differ
    ref_front = pd.read_csv(reference / "pareto.csv").drop(columns="wall_s")
    pd.testing.assert_frame_equal(pd.read_csv(out / "pareto.csv").drop(columns="wall_s"),
                                  ref_front)


@pytest.mark.slow
def test_ctrl_c_keeps_the_results_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "run"
    child = subprocess.Popen(
        [*_dse(), "explore", "--space", _space(tmp_path), "--evaluations", "16",
         "--train-samples", "150", "--test-samples", "60", "--workers", "1", "--no-cache",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"COLUMNS": "200"},
    )
    deadline = time.monotonic() + 120
    while _records(out) < 2 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Resume with: dse explore" in " ".join(err.split())
    run, records = load_run(out)
    assert run["complete"] is False and len(records) >= 2
    assert len(pd.read_csv(out / "evaluations.csv")) == len(records)
    assert json.loads((out / "results.json").read_text())["run"]["complete"] is False
    assert (out / "pareto.csv").is_file()
    assert 'id="interrupted"' in (out / "report.html").read_text()


FAMILY_SPACE = """\
neurons: [16, 32]
weight_bits: [8]
inhibition: direct
rule: baseline
timesteps: [25]
inhibition_strength: 120.0
family: [stdp, surrogate, imsnn, ann, converted]
hidden: [16, 32]
activity_reg: [none, l1]
activity_reg_strength: [0.0003]
"""


@pytest.mark.slow
def test_explore_compares_families_and_their_ann_twins(tmp_path: Path) -> None:
    """A space of every family: each design simulated by its own simulator and priced by its
    family's cost model; the report draws the families' fronts and each SNN beside its twin."""
    space = tmp_path / "families.yaml"
    space.write_text(FAMILY_SPACE)
    out = tmp_path / "run"
    code = main(["explore", "--space", str(space), "--evaluations", "40", "--out", str(out),
                 *FAST])
    assert code == 0
    run, records = load_run(out)
    assert run["engine"] == "grid"
    # stdp 2 + (surrogate, imsnn, converted) x 2 widths x 2 + ann 2 x 2: nothing twice
    assert len(records) == 2 + 3 * 4 + 4
    by_family: dict[str, list[dict]] = {}
    for record in records:
        by_family.setdefault(record["candidate"]["family"], []).append(record)
    assert set(by_family) == {"stdp", "surrogate", "imsnn", "ann", "converted"}
    for family, group in by_family.items():
        for record in group:
            assert record["sim"] is not None, record["reason"]
            if family != "stdp":
                assert record["sim"]["family"] == family
                assert record["sim"]["layers"] == [64, record["candidate"]["hidden"], 10]
            if family != "ann":
                assert record["cost"]["ann_twin_energy_infer_j"] > 0
    html = (out / "report.html").read_text()
    assert 'id="fig-families"' in html and 'id="twin-table"' in html


@pytest.mark.slow
def test_robust_admits_only_designs_whose_high_corner_meets_the_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # nsga2: its first proposals do not depend on the budget, so the budgeted runs evaluate the
    # free run's cheapest design (the guided engine would steer by the budget)
    args = ["explore", "--space", _space(tmp_path), "--evaluations", "8",
            "--profile", "loihi1_like", "--engine", "nsga2", *FAST]
    assert main([*args, "--out", str(tmp_path / "free")]) == 0
    _, free = load_run(tmp_path / "free")
    simulated = sorted((r for r in free if r["sim"] is not None),
                       key=lambda r: r["objectives"]["energy_infer"])
    # A budget between the cheapest design's nominal and high-corner inference energy.
    cheapest = simulated[0]
    span = cheapest["cost"]["energy_per_sample_j_range"]["infer"]
    assert span["low"] < cheapest["objectives"]["energy_infer"] < span["high"]
    budget = (cheapest["objectives"]["energy_infer"] + span["high"]) / 2
    budget_text = f"{budget * 1e6!r} uJ"
    assert main([*args, "--energy-budget", budget_text, "--out", str(tmp_path / "plain")]) == 0
    _, plain = load_run(tmp_path / "plain")
    nominal_only = [r for r in plain if r["feasible"] and not r["feasible_high"]]
    assert cheapest["cache_key"] in {r["cache_key"] for r in nominal_only}
    report = (tmp_path / "plain" / "report.html").read_text()
    assert "feasible at nominal only" in report
    capsys.readouterr()
    code = main([*args, "--energy-budget", budget_text, "--robust",
                 "--out", str(tmp_path / "robust")])
    assert code in (0, 3)
    run, robust = load_run(tmp_path / "robust")
    assert run["robust"] is True
    for record in robust:
        high = record["cost"]["energy_per_sample_j_range"]["infer"]["high"]
        assert not record["feasible"] or high <= budget
        assert record["constraints"]["energy_infer"] == pytest.approx(high - budget)
    assert cheapest["cache_key"] not in {r["cache_key"] for r in robust if r["feasible"]}


def test_the_recommended_line_names_only_the_parameters_that_apply() -> None:
    from dse.cli.explore import design_parameters

    layered = {"neurons": 16, "weight_bits": 4, "inhibition": "population", "rule": "baseline",
               "timesteps": 100, "inhibition_strength": 17.5, "family": "surrogate",
               "hidden": 126, "activity_reg": "none", "activity_reg_strength": 0.1}
    shown = design_parameters(layered)
    assert "family=surrogate" in shown and "hidden=126" in shown and "weight_bits=4" in shown
    assert not any(name in shown for name in ("neurons=", "inhibition=", "rule=",
                                              "activity_reg_strength="))
    stdp = {**layered, "family": "stdp"}
    assert "neurons=16" in design_parameters(stdp) and "hidden=" not in design_parameters(stdp)
