"""The exports of a run (CSV files, JSON document) and the flat table, read back with pandas."""

import json

import pandas as pd

from reports import (
    CSV_COLUMNS,
    csv_frame,
    evaluations_frame,
    run_document,
    write_exports,
    write_run_document,
)
from tests.reports.synthetic import make_run


def test_run_document_reads_back_with_pandas(tmp_path) -> None:
    run, evaluations = make_run(30, profiles=("loihi1_like", "generic_asic_45nm"))
    path = write_run_document(run, evaluations, tmp_path / "out" / "results.json")
    document = json.loads(path.read_text())  # strict JSON: NaN would not parse back
    records = pd.json_normalize(document["evaluations"])
    assert len(records) == 60
    assert {"candidate.neurons", "objectives.accuracy", "cost.memory_bytes.total",
            "pareto"} <= set(records.columns)
    frame = evaluations_frame(evaluations, run["objectives"])
    assert list(records["pareto"]) == list(frame["pareto"])
    devices = document["devices"]
    assert set(devices) == {"loihi1_like", "generic_asic_45nm"}
    for profile, info in devices.items():
        assert info["recommended"] == run["recommended_by_profile"][profile]
        assert info["recommended"] in info["pareto"]
        assert len(info["hypervolume"]) == 30
    assert document["normalisation"]["nadir"] == [1.0, 16384.0, 3e-6]
    assert document["run"]["seed"] == run["seed"]


def test_frame_round_trips_through_csv(tmp_path) -> None:
    run, evaluations = make_run(20)
    frame = evaluations_frame(evaluations, run["objectives"])
    frame.to_csv(tmp_path / "evaluations.csv", index=False)
    back = pd.read_csv(tmp_path / "evaluations.csv")
    assert list(back.columns) == list(frame.columns)
    pd.testing.assert_series_equal(back["memory"], frame["memory"])
    assert run_document(run, evaluations)["evaluations"][0]["objectives"]["accuracy"] is not None


def test_exports_read_back_with_pandas_under_unit_column_names(tmp_path) -> None:
    run, evaluations = make_run(30, profiles=("loihi1_like", "generic_asic_45nm"))
    paths = write_exports(run, evaluations, tmp_path / "run")
    assert set(paths) == {"evaluations", "pareto", "results"}
    assert paths["results"] == tmp_path / "run" / "results.json"
    frame = evaluations_frame(evaluations, run["objectives"])
    table = pd.read_csv(paths["evaluations"])
    assert list(table["index"]) == list(frame["index"])
    assert {"memory_bytes", "energy_infer_j", "energy_train_j", "latency_s", "accuracy",
            "constraint_memory_bytes", "constraint_energy_infer_j", "neurons", "feasible",
            "prescreened", "pareto"} <= set(table.columns)
    assert not {"memory", "energy_infer", "constraint_memory"} & set(table.columns)
    assert list(table.columns) == list(csv_frame(evaluations, run["objectives"]).columns)
    assert table["feasible"].dtype == bool and table["pareto"].dtype == bool
    pd.testing.assert_series_equal(table["memory_bytes"], frame["memory"],
                                   check_names=False)
    assert table.loc[table["prescreened"], "accuracy"].isna().all()
    front = pd.read_csv(paths["pareto"])
    assert list(front["index"]) == list(frame.loc[frame["pareto"], "index"])
    assert front["feasible"].all() and front["pareto"].all()
    assert set(CSV_COLUMNS.values()) <= set(front.columns)
