"""Evaluation of one candidate: pre-screen, simulation, pricing, the record, the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dse import EvalContext, SimSettings, candidate_seed, evaluate, parse_budgets
from dse._pipeline import RealModels, accuracy_values
from hwprofiles import load_profile
from tests.dse._fakes import DATASET, FakeModels, simulations

CANDIDATE = {"neurons": 100, "weight_bits": 8, "inhibition": "direct", "rule": "spikedyn",
             "timesteps": 250, "inhibition_strength": 120.0}
SETTINGS = SimSettings(dataset="digits", protocol="static", train_samples=40, test_samples=40)


def _ctx(models, budgets=(), profile="generic_asic_45nm") -> EvalContext:
    return EvalContext(profile=load_profile(profile), dataset=DATASET, settings=SETTINGS,
                       budgets=budgets, run_seed=0, code_version="test", models=models)


def test_a_design_over_a_memory_budget_is_prescreened_without_simulation(tmp_path: Path) -> None:
    log = str(tmp_path / "calls.log")
    record = evaluate(3, CANDIDATE, _ctx(FakeModels(log), parse_budgets({"memory": "1 KiB"})))
    assert simulations(log) == 0
    assert record["prescreened"] and not record["feasible"] and record["sim"] is None
    assert record["objectives"]["accuracy"] is None
    assert record["constraints"]["memory"] > 0
    assert "estimated memory" in record["reason"] and "--memory-budget 1 KiB" in record["reason"]
    assert record["cost"]["activity_source"] == "estimated"


def test_latency_budgets_are_not_prescreened(tmp_path: Path) -> None:
    log = str(tmp_path / "calls.log")
    record = evaluate(0, CANDIDATE, _ctx(FakeModels(log), parse_budgets({"latency": "1 us"})))
    assert simulations(log) == 1
    assert not record["prescreened"] and not record["feasible"]
    assert record["constraints"]["latency"] == pytest.approx(0.25 - 1e-6)


def test_a_simulated_design_is_priced_with_measured_activity() -> None:
    record = evaluate(0, CANDIDATE, _ctx(FakeModels(), parse_budgets({"memory": "1 MiB"})))
    assert record["feasible"] and not record["prescreened"] and record["reason"] is None
    assert record["cost"]["activity_source"] == "measured"
    assert record["objectives"]["accuracy"] == record["sim"]["accuracy"]
    assert record["sim"]["seed"] == candidate_seed(0, CANDIDATE)


def test_the_seed_depends_on_the_run_seed_and_the_candidate_only() -> None:
    assert candidate_seed(0, CANDIDATE) == candidate_seed(0, dict(reversed(CANDIDATE.items())))
    assert candidate_seed(0, CANDIDATE) != candidate_seed(1, CANDIDATE)
    assert candidate_seed(0, CANDIDATE) != candidate_seed(0, CANDIDATE | {"neurons": 101})
    assert 0 <= candidate_seed(5, CANDIDATE) < 2**31


def test_continual_accuracies_come_from_the_last_task() -> None:
    sim = {"accuracy": 0.7, "tasks": [
        {"task": 0, "recent": 0.9, "previous": None, "all_seen": 0.9},
        {"task": 1, "recent": 0.8, "previous": 0.6, "all_seen": 0.7}]}
    assert accuracy_values(sim) == {"accuracy": 0.7, "recent_accuracy": 0.8,
                                    "previous_accuracy": 0.6}


def test_real_models_evaluate_a_small_design() -> None:
    models = RealModels()
    models.check_parameters(list(CANDIDATE))
    dataset = models.dataset_info(SETTINGS)
    ctx = EvalContext(profile=load_profile("generic_asic_45nm"), dataset=dataset,
                      settings=SETTINGS, budgets=(), run_seed=0, code_version="test",
                      models=models)
    record = evaluate(0, CANDIDATE | {"neurons": 16, "timesteps": 60}, ctx)
    assert 0.0 <= record["objectives"]["accuracy"] <= 1.0
    assert record["objectives"]["memory"] == record["cost"]["memory_bytes"]["total"] > 0
    assert record["objectives"]["energy_infer"] > 0


def test_real_models_refuse_unknown_parameters() -> None:
    from snn_dse.errors import InputError

    with pytest.raises(InputError, match="--space: .*colour"):
        RealModels().check_parameters(["neurons", "colour"])


def test_device_limits_prescreen_with_the_real_cost_model() -> None:
    models = RealModels()
    dataset = models.dataset_info(SETTINGS)
    ctx = EvalContext(profile=load_profile("loihi1_like"), dataset=dataset, settings=SETTINGS,
                      budgets=(), run_seed=0, code_version="test", models=models)
    record = evaluate(0, CANDIDATE | {"weight_bits": 32}, ctx)
    assert record["prescreened"] and "weight_bits" in record["reason"]


@pytest.mark.parametrize("profile", ["generic_asic_45nm", "loihi1_like"])
def test_real_estimate_many_equals_estimate_and_limits(profile: str) -> None:
    """The vectorised pre-screen the guided engine reads agrees with the per-design one, for
    STDP networks and a layered family, inside and outside the device's limits."""
    import numpy as np

    from dse import default_space
    from dse._pipeline import canonical_candidate, cost_values

    models, device = RealModels(), load_profile(profile)
    dataset = models.dataset_info(SETTINGS)
    designs = [canonical_candidate(c)
               for c in default_space().sample(np.random.default_rng(0), 40)]
    many = models.estimate_many(designs, device, dataset)
    assert {d["family"] for d in designs} > {"stdp"}                  # layered ones too
    for i, design in enumerate(designs):
        one = cost_values(models.estimate(design, device, dataset))
        assert [many[k][i] for k in one] == pytest.approx(list(one.values()), rel=1e-9)
        assert many["fits"][i] == (not models.limits(design, device, dataset))
    assert not many["fits"].all() or profile == "generic_asic_45nm"


@pytest.mark.parametrize(("profile", "robust"), [("generic_asic_45nm", False),
                                                 ("loihi1_like", True)])
def test_the_batch_prescreen_records_what_the_per_design_rule_records(
        profile: str, robust: bool) -> None:
    """``prepare_many`` prices the batch at once, and rejects (with the full record) exactly the
    designs the per-design rule rejects: device limits, or the full estimate (its high corner
    under --robust) over a pre-screened budget by more than its margin."""
    import numpy as np

    from dse import default_space
    from dse._pipeline import (
        canonical_candidate,
        high_cost_values,
        objective_values,
        prepare_many,
        prescreen_reason,
    )

    models = RealModels()
    ctx = EvalContext(profile=load_profile(profile), dataset=models.dataset_info(SETTINGS),
                      settings=SETTINGS, budgets=parse_budgets({"memory": "16KiB",
                                                                "energy_infer": "1uJ"}),
                      run_seed=0, code_version="test", models=models, robust=robust)
    designs = [canonical_candidate(c) for c in default_space().sample(np.random.default_rng(3), 30)]
    prepared = prepare_many(5, designs, ctx)
    assert {d["family"] for d in designs} > {"stdp"}                  # layered ones too
    rejected = 0
    for offset, (design, one) in enumerate(zip(designs, prepared, strict=True)):
        estimate = models.estimate(design, ctx.profile, ctx.dataset)
        estimated = objective_values(estimate, None)
        screened = estimated | high_cost_values(estimate) if robust else estimated
        corner = "high-corner " if robust else ""
        problems = [*models.limits(design, ctx.profile, ctx.dataset),
                    *filter(None, [prescreen_reason(screened, ctx.budgets, corner=corner)])]
        assert (one.record is not None) == bool(problems), design
        if one.record is not None:
            rejected += 1
            assert one.record["index"] == 5 + offset and one.record["prescreened"]
            assert one.record["reason"] == "; ".join(problems)
            assert one.record["cost"] == estimate and one.record["objectives"] == estimated
    assert 0 < rejected < len(designs)
