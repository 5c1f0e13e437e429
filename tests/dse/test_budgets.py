"""Budgets with units, constraint values, and objective selection."""

from __future__ import annotations

import pytest

from dse import OBJECTIVES, constraint_values, minimised_vector, parse_budgets, parse_objectives
from snn_dse.errors import InputError


def test_budgets_are_parsed_to_si_units() -> None:
    budgets = parse_budgets({"memory": "64KiB", "energy_infer": "2 uJ",
                             "energy_train": "1.5mJ", "latency": "5 ms"})
    assert {b.key: b.value for b in budgets} == pytest.approx(
        {"memory": 65536.0, "energy_infer": 2e-6, "energy_train": 1.5e-3, "latency": 5e-3})
    assert [b.kind.option for b in budgets] == [
        "--memory-budget", "--energy-budget", "--train-energy-budget", "--latency-budget"]


def test_absent_budgets_are_skipped() -> None:
    assert parse_budgets({"memory": None, "latency": None}) == ()


@pytest.mark.parametrize(
    ("key", "text", "option"),
    [
        ("memory", "64", "--memory-budget"),  # bare number
        ("memory", "2 uJ", "--memory-budget"),  # wrong dimension
        ("energy_infer", "1 s", "--energy-budget"),
        ("energy_train", "many", "--train-energy-budget"),  # unparsable
        ("latency", "-1 ms", "--latency-budget"),  # negative
        ("memory", "0 B", "--memory-budget"),  # impossible
    ],
)
def test_bad_budgets_name_their_option(key: str, text: str, option: str) -> None:
    with pytest.raises(InputError, match=option):
        parse_budgets({key: text})


def test_constraints_are_value_minus_budget() -> None:
    budgets = parse_budgets({"memory": "1 KiB", "energy_infer": "1 nJ"})
    g = constraint_values({"memory": 1000.0, "energy_infer": 3e-9}, budgets)
    assert g == pytest.approx({"memory": -24.0, "energy_infer": 2e-9})


def test_objectives_by_cli_name_or_key_in_the_given_order() -> None:
    chosen = parse_objectives("energy-infer, accuracy,memory", "static")
    assert [o.key for o in chosen] == ["energy_infer", "accuracy", "memory"]
    assert [o.key for o in parse_objectives("energy_train", "static")] == ["energy_train"]


@pytest.mark.parametrize("text", ["", "speed", "accuracy,accuracy", "recent-accuracy"])
def test_bad_objectives_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="--objectives"):
        parse_objectives(text, "static")


def test_continual_objectives_under_the_continual_protocol() -> None:
    chosen = parse_objectives("recent-accuracy,previous-accuracy", "continual")
    assert [o.maximise for o in chosen] == [True, True]


def test_engines_minimise_error_and_costs() -> None:
    values = {"accuracy": 0.8, "memory": 100.0, "energy_infer": 1e-6}
    chosen = parse_objectives("accuracy,memory,energy-infer", "static")
    assert minimised_vector(values, chosen) == pytest.approx([0.2, 100.0, 1e-6])
    # a pre-screened design has no accuracy: it counts as the worst, error 1
    assert minimised_vector(values | {"accuracy": None}, chosen)[0] == 1.0
    assert {o.key for o in OBJECTIVES} >= {"accuracy", "memory", "energy_infer", "latency"}
