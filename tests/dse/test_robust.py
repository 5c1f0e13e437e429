"""`--robust`: feasibility judged at the high corner of the profile figures' ranges.

The property runs the real cost model through the real pipeline (a stand-in simulator returns
the estimated activity) over random designs and budgets, and checks the admitted designs
against an independent pricing of the high-corner profile.
"""

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodels import Activity, SNNDesign, corners, estimate
from dse import explore
from dse._budgets import parse_budgets
from dse._pipeline import DatasetInfo, EvalContext, RealModels, SimSettings, evaluate
from hwprofiles import load_profile
from tests._shared import PROFILES
from tests.dse._fakes import FakeModels, options

DIGITS = DatasetInfo(name="digits", fingerprint="digits", mean_intensity=0.25, n_inputs=64)
RATE_HZ = 127.5


class EstimatedSim(RealModels):
    """Real cost model; the 'simulation' reports the estimated activity (no network run)."""

    def simulate(self, candidate: Mapping[str, Any], settings: SimSettings, seed: int) -> dict:
        design = self._design(candidate, DIGITS)
        activity = {phase: Activity.estimated(design, training=phase == "train",
                                              mean_intensity=DIGITS.mean_intensity,
                                              max_rate_hz=RATE_HZ).to_dict()
                    for phase in ("train", "infer")}
        return {"accuracy": 0.5, "tasks": [], "activity": activity}


@cache
def profile(profile_id: str) -> Any:
    return load_profile(profile_id)


@settings(max_examples=30, deadline=None)
@given(profile_id=st.sampled_from(PROFILES), neurons=st.integers(1, 600),
       bits=st.integers(1, 16), inhibition=st.sampled_from(["population", "direct"]),
       timesteps=st.integers(50, 350), energy_uj=st.floats(0.01, 500.0),
       latency_ms=st.floats(0.01, 50.0), memory_kib=st.floats(1.0, 600.0))
def test_robust_never_admits_a_design_whose_high_corner_breaks_a_budget(
        profile_id: str, neurons: int, bits: int, inhibition: str, timesteps: int,
        energy_uj: float, latency_ms: float, memory_kib: float) -> None:
    device = profile(profile_id)
    budgets = parse_budgets({"memory": f"{memory_kib} KiB", "energy_infer": f"{energy_uj} uJ",
                             "energy_train": f"{3 * energy_uj} uJ",
                             "latency": f"{latency_ms} ms"})
    candidate = {"neurons": neurons, "weight_bits": bits, "inhibition": inhibition,
                 "timesteps": timesteps, "max_rate_hz": RATE_HZ}
    ctx = EvalContext(profile=device, dataset=DIGITS, budgets=budgets, run_seed=0,
                      settings=SimSettings("digits", "static", 10, 10), code_version="t",
                      models=EstimatedSim(), robust=True)
    record = evaluate(0, candidate, ctx)
    design = SNNDesign(64, neurons, inhibition, bits, timesteps=timesteps)
    train, infer = (Activity.estimated(design, training=phase, mean_intensity=0.25,
                                       max_rate_hz=RATE_HZ) for phase in (True, False))
    high = estimate(design, corners(device).high, train, infer)
    limit = {b.key: b.value for b in budgets}
    high_breaks = (high.energy_infer_j["total"] > limit["energy_infer"]
                   or high.energy_train_j["total"] > limit["energy_train"]
                   or high.latency_s > limit["latency"]
                   or high.memory_bytes["total"] > limit["memory"])
    if record["feasible"]:
        assert not high_breaks
        assert record["feasible_high"]
    nominal = ctx.models.estimate(candidate, device, DIGITS)
    nominal_fits = (nominal["energy_per_sample_j"]["infer"]["total"] <= limit["energy_infer"]
                    and nominal["memory_bytes"]["total"] <= limit["memory"])
    if not high_breaks and nominal_fits and not ctx.models.limits(candidate, device, DIGITS):
        assert record["feasible"], record["reason"]


@pytest.mark.slow
def test_without_robust_nominal_only_designs_stay_feasible_and_are_marked(tmp_path: Path) -> None:
    # Fake energies: infer = 0.9e-12 x neurons x timesteps x bits x scale, corners x0.8 / x1.3;
    # 70 nJ cuts between the nominal and high corners of designs this search evaluates (the
    # pre-screen's 3x margin lets estimates up to 210 nJ be simulated)
    plain = explore(options(tmp_path, "plain", energy_budget="70 nJ"), models=FakeModels())
    nominal_only = [r for r in plain.evaluations if r["feasible"] and not r["feasible_high"]]
    assert nominal_only, "the budget must cut between nominal and high corners"
    robust = explore(options(tmp_path, "robust", energy_budget="70 nJ", robust=True),
                     models=FakeModels())
    admitted = [r for r in robust.evaluations if r["feasible"]]
    assert admitted and all(r["feasible_high"] for r in admitted)
    assert all(r["constraints"]["energy_infer"] <= 0 for r in admitted)
    assert all(r["constraints"] == r["constraints_high"] for r in robust.evaluations)
    assert len(admitted) < len([r for r in plain.evaluations if r["feasible"]])
    assert robust.run["robust"] is True and plain.run["robust"] is False
    assert plain.run["sensitivity"][plain.recommended["profile"]][0]["field"] == \
        "events.synaptic_op"
