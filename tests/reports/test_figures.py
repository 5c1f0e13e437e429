"""Figure content checked through the figure data, on synthetic records of the contract."""

import pandas as pd
import pytest

import reports
from reports import (
    breakdown_figure,
    continual_figure,
    evaluations_frame,
    objectives_3d,
    parallel_figure,
    pareto_scatter,
    report_figures,
)
from tests.reports.synthetic import SPACE, make_run


@pytest.fixture(scope="module")
def single() -> tuple[dict, list[dict], pd.DataFrame]:
    run, evaluations = make_run(40)
    return run, evaluations, evaluations_frame(evaluations, run["objectives"])


def by_name(fig, name: str):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


def test_frame_follows_the_records(single) -> None:
    run, evaluations, frame = single
    assert list(frame["index"]) == sorted(e["index"] for e in evaluations)
    assert {"neurons", "weight_bits", "inhibition", "rule", "accuracy", "memory",
            "energy_infer", "constraint_memory", "feasible", "pareto"} <= set(frame.columns)
    assert frame["feasible"].sum() == run["counts"]["feasible"]
    assert frame["prescreened"].sum() == run["counts"]["prescreened"]
    assert not frame.loc[~frame["feasible"], "pareto"].any()
    assert frame.loc[frame["prescreened"], "accuracy"].isna().all()


def test_accuracy_memory_scatter_points_budget_and_recommendation(single) -> None:
    run, evaluations, frame = single
    recommended = reports.recommendations(run, frame)
    fig = pareto_scatter(frame, "memory", budgets=run["budgets"], recommended=recommended)
    simulated = frame[frame["accuracy"].notna()]
    infeasible = by_name(fig, "infeasible")
    assert sorted(infeasible.x) == sorted(simulated.loc[~simulated["feasible"], "memory"])
    assert infeasible.marker.color == reports._figures.INFEASIBLE
    feasible = by_name(fig, "feasible")
    assert len(feasible.x) == frame["feasible"].sum()
    symbols = list(feasible.marker.symbol)
    assert symbols.count("diamond") == (frame["pareto"] & frame["robust"]).sum()
    assert symbols.count("diamond-open") == (frame["pareto"] & ~frame["robust"]).sum() > 0
    assert feasible.error_x.array is None  # memory has no range
    energy = by_name(pareto_scatter(frame, "energy_infer"), "feasible")
    rows = frame[frame["feasible"]]
    assert list(energy.error_x.array) == pytest.approx(list(rows["energy_infer_high"]
                                                            - rows["energy_infer"]))
    assert list(energy.error_x.arrayminus) == pytest.approx(list(rows["energy_infer"]
                                                                 - rows["energy_infer_low"]))
    budget = by_name(fig, "memory budget: 16 KiB")
    assert list(budget.x) == [16 * 1024.0, 16 * 1024.0]
    star = by_name(fig, "recommended")
    chosen = frame[frame["index"] == run["recommended"]].iloc[0]
    assert (star.x[0], star.y[0]) == (chosen["memory"], chosen["accuracy"])
    assert chosen["accuracy"] == frame.loc[frame["feasible"], "accuracy"].max()
    front = by_name(fig, "front")
    assert list(front.x) == sorted(front.x) and list(front.y) == sorted(front.y)
    assert front.y[-1] == frame.loc[frame["feasible"], "accuracy"].max()
    assert fig.layout.xaxis.type == "log"


@pytest.mark.parametrize("x", ["memory", "energy_infer"])
def test_prescreened_designs_sit_grey_at_accuracy_zero_at_their_estimated_cost(single, x) -> None:
    run, evaluations, frame = single
    fig = pareto_scatter(frame, x, budgets=run["budgets"])
    prescreened = frame[frame["prescreened"]]
    assert len(prescreened) > 0
    row = by_name(fig, reports._figures.PRESCREENED)
    assert row.name == "pre-screened: not simulated"
    assert list(row.x) == list(prescreened[x]) and list(row.y) == [0.0] * len(prescreened)
    assert row.marker.symbol == "x" and row.marker.color == reports._figures.INFEASIBLE
    hover = row.text[0]
    assert "pre-screened: not simulated" in hover
    assert "estimated cost far over budget" in hover  # the reason
    assert "memory over budget by:" in hover or "energy_infer over budget by:" in hover
    assert "accuracy: –" in hover
    # a budget line on x crosses the crosses' row: it spans the whole accuracy axis
    budget = next(t for t in fig.data if t.name.endswith("budget: 16 KiB")
                  or t.name.endswith("budget: 3 µJ"))
    assert list(budget.y) == [0.0, 1.0]


def test_no_prescreened_row_when_y_is_not_an_accuracy(single) -> None:
    run, evaluations, frame = single
    fig = pareto_scatter(frame, "memory", "energy_infer")
    assert reports._figures.PRESCREENED not in {t.name for t in fig.data}


def test_hover_names_every_parameter_and_metric(single) -> None:
    run, evaluations, frame = single
    fig = pareto_scatter(frame, "energy_infer", budgets=run["budgets"])
    text = by_name(fig, "feasible").text[0]
    for name in [*SPACE, "inhibition_strength", "accuracy", "memory", "energy_infer",
                 "energy_train", "latency"]:
        assert f"{name}:" in text
    assert "µJ" in text or "nJ" in text
    assert "memory within budget by:" in text and "energy_infer within budget by:" in text
    assert by_name(fig, "inference energy / sample budget: 3 µJ").x[0] == 3e-6


def test_3d_and_parallel_coordinates_hold_every_simulated_design(single) -> None:
    run, evaluations, frame = single
    simulated = frame[frame["accuracy"].notna()]
    fig = objectives_3d(frame, run["objectives"], recommended={"loihi1_like": 17})
    assert sum(len(t.x) for t in fig.data if t.name != "recommended") == len(simulated)
    assert fig.layout.scene.zaxis.title.text == "accuracy"
    par = parallel_figure(frame, run["objectives"])
    dims = par.data[0].dimensions
    assert [d.label for d in dims][:5] == list(SPACE)
    assert all(len(d.values) == len(simulated) for d in dims)
    rule = next(d for d in dims if d.label == "rule")
    assert list(rule.ticktext) == ["baseline", "spikedyn"]


def test_breakdown_stacks_components_to_the_totals(single) -> None:
    run, evaluations, frame = single
    record = evaluations[run["recommended"]]
    fig = breakdown_figure(record)
    cost = record["cost"]
    memory = [t for t in fig.data if t.legendgroup == "memory"]
    assert sum(t.y[0] for t in memory) == pytest.approx(cost["memory_bytes"]["total"])
    energy = [t for t in fig.data if t.legendgroup == "energy"]
    infer = cost["energy_per_sample_j"]["infer"]["total"]
    train = cost["energy_per_sample_j"]["train"]["total"]
    assert sum(t.y[0] for t in energy) == pytest.approx(infer)
    assert sum(t.y[1] for t in energy) == pytest.approx(train)
    assert fig.layout.barmode == "stack"


def test_continual_curves_for_each_design() -> None:
    run, evaluations = make_run(12, protocol="continual")
    designs = [e for e in evaluations if e["sim"]][:3]
    fig = continual_figure(designs)
    assert len(fig.data) == 3 * len(designs)
    first = fig.data[0]
    assert list(first.x) == [0, 1, 2, 3]
    assert list(first.y) == [t["recent"] for t in designs[0]["sim"]["tasks"]]
    assert fig.data[1].y[0] is None  # no previous tasks after the first task


def test_several_devices_share_the_axes() -> None:
    run, evaluations = make_run(30, profiles=("loihi1_like", "generic_asic_45nm"))
    figures = report_figures(run, evaluations)
    fig = figures["fig-accuracy-energy"]
    names = {t.name for t in fig.data}
    assert {"loihi1_like: feasible", "generic_asic_45nm: feasible",
            "loihi1_like: front", "generic_asic_45nm: front"} <= names
    assert len(by_name(fig, "recommended").x) == 2
    assert {"fig-breakdown-0", "fig-breakdown-1"} <= set(figures)
    assert len(figures["fig-hypervolume"].data) == 2


def test_hypervolume_curve_is_fixed_by_the_budgets(single) -> None:
    run, evaluations, frame = single
    ideal, nadir, _ = reports.normalisation_bounds(run, frame, run["objectives"])
    assert ideal == [0.0, 0.0, 0.0] and nadir == [1.0, 16 * 1024.0, 3e-6]
    curve = report_figures(run, evaluations)["fig-hypervolume"].data[0]
    assert len(curve.y) == len(evaluations)
    assert list(curve.y) == sorted(curve.y) and 0 < curve.y[-1] < 1
