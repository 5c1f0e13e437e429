"""The Pareto front of the records and SpikeDyn's recommendation rule."""

from __future__ import annotations

from dse import least_infeasible, pareto_front, parse_budgets, parse_objectives, recommend

OBJECTIVES = parse_objectives("accuracy,memory,energy-infer", "static")


def _rec(index, accuracy, memory, energy, feasible=True, profile="p", g=0.0):
    return {"index": index, "profile": profile, "cache_key": f"{profile}{index}",
            "feasible": feasible, "prescreened": False,
            "objectives": {"accuracy": accuracy, "memory": memory, "energy_infer": energy},
            "constraints": {"memory": g}}


def test_front_keeps_feasible_non_dominated_designs_per_profile() -> None:
    records = [
        _rec(0, 0.8, 100, 1.0),
        _rec(1, 0.7, 200, 2.0),  # dominated by 0
        _rec(2, 0.9, 300, 3.0),
        _rec(3, 0.95, 10, 0.1, feasible=False),  # dominates all but is infeasible
        _rec(4, 0.7, 200, 2.0, profile="q"),  # alone on its profile
    ]
    assert [r["index"] for r in pareto_front(records, OBJECTIVES)] == [0, 2, 4]


def test_repeated_designs_appear_once() -> None:
    a = _rec(0, 0.8, 100, 1.0)
    b = dict(a, index=5)
    assert [r["index"] for r in pareto_front([a, b], OBJECTIVES)] == [0]


def test_most_accurate_then_lower_energy_then_lower_memory() -> None:
    front = [_rec(0, 0.8, 100, 1.0), _rec(1, 0.9, 300, 3.0), _rec(2, 0.9, 200, 2.0),
             _rec(3, 0.9, 100, 2.0)]
    assert recommend(front)["index"] == 3
    assert recommend([]) is None


def test_least_infeasible_by_relative_violation() -> None:
    budgets = parse_budgets({"memory": "100 B"})
    records = [_rec(0, 0.8, 300, 1.0, feasible=False, g=200.0),
               _rec(1, 0.8, 150, 1.0, feasible=False, g=50.0),
               _rec(2, 0.8, 90, 1.0, g=-10.0)]
    assert [r["index"] for r in least_infeasible(records, budgets)] == [1, 0]
