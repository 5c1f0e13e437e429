"""An evaluation that raises is a failed evaluation, not the end of the run; any other exception
still writes every output before it propagates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from dse import ExplorationFailed, explore, load_run
from dse._budgets import parse_budgets
from dse._explore import _told_rows
from dse._objectives import parse_objectives
from tests.dse._fakes import FakeModels, options

FAILING = FakeModels(fail_neurons=16)


@pytest.mark.parametrize("engine", ["nsga2", "random", "optuna"])
def test_a_raising_evaluation_is_recorded_failed_and_the_run_goes_on(
    tmp_path: Path, engine: str
) -> None:
    result = explore(options(tmp_path, engine=engine, memory_budget="40 KiB"), models=FAILING)
    run_dir = tmp_path / "run"
    run, records = load_run(run_dir)
    assert run["complete"] is True and len(records) == 24
    failed = [r for r in records if r["error"] is not None]
    assert failed, "the space's 16-neuron designs should have been proposed"
    assert {r["candidate"]["neurons"] for r in failed} == {16}
    for record in failed:
        assert record["error"]["type"] == "ValueError"
        assert "simulated failure" in record["error"]["message"]
        assert not record["feasible"] and not record["prescreened"] and record["sim"] is None
        assert record["reason"].startswith("evaluation failed: ValueError")
    assert all(r["error"] is None for r in records if r["candidate"]["neurons"] != 16)
    assert run["counts"]["failed"] == len(failed)
    assert result.recommended is not None and result.recommended["error"] is None
    csv = pd.read_csv(run_dir / "evaluations.csv")
    assert (csv["error_type"] == "ValueError").sum() == len(failed)
    assert csv.loc[csv["error_type"].notna(), "error_message"].str.contains("simulated").all()
    html = (run_dir / "report.html").read_text()
    assert 'id="failed-table"' in html and "simulated failure" in html
    assert f"<th>Failed</th><td>{len(failed)}</td>" in html


def test_optuna_is_told_a_fail_state(tmp_path: Path) -> None:
    explore(options(tmp_path, engine="optuna"), models=FAILING)
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    study = optuna.load_study(study_name=run["studies"]["generic_asic_45nm"],
                              storage=f"sqlite:///{tmp_path / 'run' / 'optuna.sqlite3'}")
    failed = [t for t in study.trials if "failed" in t.user_attrs]
    assert failed and all(t.state == optuna.trial.TrialState.FAIL for t in failed)
    assert all(t.params["neurons"] == 16 for t in failed)
    assert all(t.params["neurons"] != 16 for t in study.trials
               if t.state == optuna.trial.TrialState.COMPLETE)


def test_pymoo_is_told_worst_objectives_and_violated_constraints() -> None:
    objectives = parse_objectives("accuracy,memory", "static")
    budgets = parse_budgets({"memory": "1 KiB"})
    ok = {"error": None, "objectives": {"accuracy": 0.9, "memory": 10.0},
          "constraints": {"memory": -1014.0}}
    failed = {"error": {"type": "ValueError"}, "objectives": {"accuracy": None, "memory": 5.0},
              "constraints": {"memory": -1019.0}}
    F, G = _told_rows([ok, failed], objectives, budgets)
    assert F[0] == pytest.approx([0.1, 10.0]) and G[0] == pytest.approx([-1014.0])
    assert np.isinf(F[1]).all() and np.isposinf(G[1]).all()


def test_any_exception_still_writes_every_output(tmp_path: Path) -> None:
    def crash(state: object) -> None:
        if state.done == 5:
            raise RuntimeError("disk on fire")

    with pytest.raises(ExplorationFailed, match="RuntimeError: disk on fire; 5 evaluations "
                       "are kept .*Resume with: dse explore"):
        explore(options(tmp_path), models=FakeModels(), on_progress=crash)
    run_dir = tmp_path / "run"
    for name in ("store.sqlite", "evaluations.csv", "pareto.csv", "run.json", "results.json",
                 "report.html"):
        assert (run_dir / name).is_file(), name
    run, records = load_run(run_dir)
    assert run["complete"] is False and len(records) == 5
    resumed = explore(options(tmp_path), models=FakeModels())
    assert resumed.run["complete"] and resumed.run["counts"]["resumed"] == 5
