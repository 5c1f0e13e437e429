"""The Pareto flag of the flat table, SpikeDyn's recommendation rule and the nearest designs
(the one implementation, used by ``dse explore`` and the report alike)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from reports import evaluations_frame, nearest_designs, recommend, recommendations
from reports._data import violation_score

OBJECTIVES = ("accuracy", "memory", "energy_infer")


def _rec(index: int, accuracy: float | None, memory: float, energy: float, feasible: bool = True,
         profile: str = "p", g: float = 0.0, prescreened: bool = False) -> dict[str, Any]:
    return {"index": index, "profile": profile, "cache_key": f"{profile}{index}",
            "feasible": feasible, "prescreened": prescreened,
            "objectives": {"accuracy": accuracy, "memory": memory, "energy_infer": energy},
            "constraints": {"memory": g}}


def _front(records: list[dict[str, Any]]) -> list[int]:
    frame = evaluations_frame(records, OBJECTIVES)
    return [int(i) for i in frame.loc[frame["pareto"], "index"]]


def test_front_keeps_feasible_non_dominated_designs_per_profile() -> None:
    records = [
        _rec(0, 0.8, 100, 1.0),
        _rec(1, 0.7, 200, 2.0),  # dominated by 0
        _rec(2, 0.9, 300, 3.0),
        _rec(3, 0.95, 10, 0.1, feasible=False),  # dominates all but is infeasible
        _rec(4, 0.7, 200, 2.0, profile="q"),  # alone on its profile
    ]
    assert _front(records) == [0, 2, 4]


def test_repeated_designs_appear_once() -> None:
    a = _rec(0, 0.8, 100, 1.0)
    b = dict(a, index=5)
    assert _front([a, b]) == [0]
    c = _rec(1, 0.5, 900, 1.0, feasible=False, g=800.0)
    d = dict(c, index=6)
    nearest = nearest_designs(evaluations_frame([a, c, d], OBJECTIVES), {"memory": 100.0})
    assert list(nearest["index"]) == [1]


def test_most_accurate_then_lower_energy_then_lower_memory() -> None:
    front = [_rec(0, 0.8, 100, 1.0), _rec(1, 0.9, 300, 3.0), _rec(2, 0.9, 200, 2.0),
             _rec(3, 0.9, 100, 2.0)]
    frame = evaluations_frame(front, OBJECTIVES)
    assert recommend(frame) == 3
    assert recommend(frame, "p") == 3 and recommend(frame, "q") is None
    infeasible = evaluations_frame([_rec(0, 0.9, 100, 1.0, feasible=False)], OBJECTIVES)
    assert recommend(infeasible) is None


def test_recommendation_per_profile() -> None:
    records = [_rec(0, 0.8, 100, 1.0), _rec(1, 0.9, 300, 3.0),
               _rec(2, 0.7, 100, 1.0, profile="q"), _rec(3, 0.6, 50, 1.0, profile="q"),
               _rec(4, 0.9, 10, 0.1, profile="r", feasible=False)]
    frame = evaluations_frame(records, OBJECTIVES)
    assert recommendations({}, frame) == {"p": 1, "q": 2, "r": None}


def test_least_infeasible_by_relative_violation() -> None:
    records = [_rec(0, 0.8, 300, 1.0, feasible=False, g=200.0),
               _rec(1, 0.8, 150, 1.0, feasible=False, g=50.0),
               _rec(2, 0.8, 90, 1.0, g=-10.0),
               _rec(3, None, 150, 1.0, feasible=False, g=50.0, prescreened=True)]
    nearest = nearest_designs(evaluations_frame(records, OBJECTIVES), {"memory": 100.0})
    assert list(nearest["index"]) == [1, 3, 0]  # simulated before pre-screened at a tie
    assert list(nearest["violation"]) == pytest.approx([0.5, 0.5, 2.0])


def test_violation_is_the_summed_relative_excess() -> None:
    frame = pd.DataFrame({"constraint_memory": [-24.0, 1000.0, -1.0],
                          "constraint_energy_infer": [2e-9, 1e-9, -1e-9]})
    score = violation_score(frame, {"memory": 1000.0, "energy_infer": 1e-9})
    assert list(score) == pytest.approx([2.0, 2.0, 0.0])
