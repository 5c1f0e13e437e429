"""The JSON document of a run and the flat table, read back with pandas."""

import json

import pandas as pd

from reports import evaluations_frame, run_document, write_run_document
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
