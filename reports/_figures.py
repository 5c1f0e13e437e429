"""Plotly figure builders. Each takes the table of :func:`reports.evaluations_frame` (plus
options) and returns a ``plotly.graph_objects.Figure`` with hover details on every point."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports._data import (
    MAXIMISED,
    metric_names_of,
    objective_matrix,
    parameter_names_of,
    profiles_of,
)
from reports._format import UNITS, fmt, fmt_metric, label
from reports._pareto import pareto_mask

__all__ = [
    "breakdown_figure",
    "continual_figure",
    "family_fronts",
    "hover_text",
    "hypervolume_figure",
    "objectives_3d",
    "parallel_figure",
    "pareto_scatter",
]

#: One colour per device, in the run's order.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
INFEASIBLE = "#b0b0b0"
#: Legend name of the designs rejected by the analytical pre-screen (plotted at accuracy 0).
PRESCREENED = "pre-screened: not simulated"
NEAREST = "#ff7f0e"
#: Legend name and colour of the designs that meet the budgets only at nominal figures.
NOMINAL_ONLY = "feasible at nominal only"
NOMINAL_ONLY_COLOUR = "#8c564b"
TEMPLATE = "plotly_white"


def colour(position: int) -> str:
    """The colour of the device at ``position`` in the run's device list."""
    return PALETTE[position % len(PALETTE)]


def hover_text(row: Mapping[str, Any], params: Sequence[str], metrics: Sequence[str]) -> str:
    """Hover label of one design: device, every design parameter, every metric, how far it is
    over or within each budget, feasibility (and why a pre-screened design was rejected)."""
    lines = [f"<b>design #{row['index']}</b> on {escape(str(row['profile']))}"]
    lines += [f"{p}: {escape(fmt(row.get(p)))}" for p in params]
    lines += [f"{m}: {fmt_metric(m, row.get(m))}" for m in metrics]
    lines += [
        f"{c.removeprefix('constraint_')} {'over' if row[c] > 0 else 'within'} budget by: "
        f"{fmt_metric(c, abs(row[c]))}"
        for c in row
        if str(c).startswith("constraint_") and not _missing(row[c])
    ]
    status = "feasible" if row["feasible"] else "infeasible"
    if row.get("prescreened"):
        status += ", pre-screened: not simulated, costs estimated"
    if row.get("feasible") and row.get("feasible_high") is False:
        status += ", feasible at nominal only (the high corner breaks a budget)"
    if row.get("pareto"):
        status += ", Pareto, robust" if row.get("robust") else ", Pareto, not robust"
    if not _missing(row.get("reason")):
        status += f" ({escape(str(row['reason']))})"
    lines.append(status)
    return "<br>".join(lines)


def _missing(value: Any) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _hover(rows: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """Hover labels of ``rows``."""
    params, metrics = parameter_names_of(frame), metric_names_of(frame)
    return [hover_text(row, params, metrics) for row in rows.to_dict("records")]


def _axis(name: str) -> dict[str, Any]:
    """Axis settings for a metric: log scale for costs, percent for accuracies."""
    if UNITS.get(name) == "%":
        return {"title": {"text": label(name)}, "tickformat": ".0%"}
    return {"title": {"text": label(name)}, "type": "log", "exponentformat": "SI"}


def _values(rows: pd.DataFrame, name: str) -> list[float]:
    """Column ``name`` of ``rows`` as a plain list of floats."""
    return [float(v) for v in pd.to_numeric(rows[name], errors="coerce")]


def _error_bars(rows: pd.DataFrame, name: str) -> dict[str, Any] | None:
    """Plotly error bars from the nominal value to the low and high corners of ``name``."""
    if f"{name}_low" not in rows or f"{name}_high" not in rows:
        return None
    nominal = np.asarray(_values(rows, name))
    low = np.asarray(_values(rows, f"{name}_low"))
    high = np.asarray(_values(rows, f"{name}_high"))
    if not np.isfinite(low).any():
        return None
    return {"type": "data", "symmetric": False, "thickness": 1, "width": 3,
            "array": np.nan_to_num(high - nominal).tolist(),
            "arrayminus": np.nan_to_num(nominal - low).tolist()}


def _symbol(pareto: bool, robust: bool) -> str:
    """Marker of a feasible design: diamonds on the front (open when not robust), else dots."""
    if not pareto:
        return "circle"
    return "diamond" if robust else "diamond-open"


def pareto_scatter(
    frame: pd.DataFrame,
    x: str,
    y: str = "accuracy",
    *,
    budgets: Mapping[str, float] | None = None,
    recommended: Mapping[str, int | None] | None = None,
    nearest: Sequence[int] = (),
    profiles: Sequence[str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """``y`` against ``x`` for every simulated design: each device's feasible designs in its
    colour (Pareto designs as diamonds) with its two-objective front drawn as a staircase,
    infeasible designs grey, the budget of ``x`` (and ``y``) as a dashed line, the recommended
    design of each device as a star and, when given, the ``nearest`` infeasible designs ringed.
    Feasible designs carry error bars from their low to their high corner cost (profile figure
    ranges); a Pareto design that is not robust is an open diamond, and designs feasible at
    nominal only (their high corner breaks a budget) are ringed. When ``y`` is an accuracy, the
    designs the pre-screen rejected (never simulated, so without one) sit as grey crosses at
    their estimated ``x`` on the row ``y = 0``."""
    budgets = budgets or {}
    recommended = recommended or {}
    profiles = list(profiles or profiles_of(frame))
    shown = frame[frame[x].notna() & frame[y].notna()]
    fig = go.Figure()
    infeasible = shown[~shown["feasible"]]
    fig.add_trace(go.Scatter(
        x=_values(infeasible, x), y=_values(infeasible, y), mode="markers", name="infeasible",
        marker={"color": INFEASIBLE, "size": 7, "opacity": 0.7}, text=_hover(infeasible, frame),
        hovertemplate="%{text}<extra></extra>",
    ))
    if y in MAXIMISED:
        rejected = frame[frame["prescreened"] & frame[x].notna() & frame[y].isna()]
        fig.add_trace(go.Scatter(
            x=_values(rejected, x), y=[0.0] * len(rejected), mode="markers", name=PRESCREENED,
            marker={"color": INFEASIBLE, "size": 8, "symbol": "x", "opacity": 0.8},
            text=_hover(rejected, frame),
            hovertemplate=f"%{{text}}<extra>{PRESCREENED}</extra>",
        ))
    for position, profile in enumerate(profiles):
        rows = shown[shown["feasible"] & (shown["profile"] == profile)]
        prefix = f"{profile}: " if len(profiles) > 1 else ""
        fig.add_trace(go.Scatter(
            x=_values(rows, x), y=_values(rows, y), mode="markers", name=f"{prefix}feasible",
            legendgroup=profile, text=_hover(rows, frame), hovertemplate="%{text}<extra></extra>",
            marker={"color": colour(position), "size": [11 if p else 7 for p in rows["pareto"]],
                    "symbol": [_symbol(p, r) for p, r in zip(rows["pareto"], rows["robust"],
                                                             strict=True)],
                    "line": {"color": colour(position), "width": 2}},
            error_x=_error_bars(rows, x), error_y=_error_bars(rows, y),
        ))
        front = rows[pareto_mask(objective_matrix(rows, [x, y]))].sort_values([x, y])
        fig.add_trace(go.Scatter(
            x=_values(front, x), y=_values(front, y), mode="lines", name=f"{prefix}front",
            legendgroup=profile, line={"color": colour(position), "shape": "hv", "width": 2},
            hoverinfo="skip",
        ))
    stars = frame[frame["index"].isin([i for i in recommended.values() if i is not None])]
    stars = stars[stars[x].notna() & stars[y].notna()]
    fig.add_trace(go.Scatter(
        x=_values(stars, x), y=_values(stars, y), mode="markers", name="recommended",
        marker={"symbol": "star", "size": 20, "line": {"color": "black", "width": 1.5},
                "color": [colour(profiles.index(p)) if p in profiles else "black"
                          for p in stars["profile"]]},
        text=_hover(stars, frame), hovertemplate="%{text}<extra>recommended</extra>",
    ))
    fragile = shown[shown["feasible"] & ~shown["feasible_high"]]
    if len(fragile):
        fig.add_trace(go.Scatter(
            x=_values(fragile, x), y=_values(fragile, y), mode="markers",
            name=NOMINAL_ONLY, text=_hover(fragile, frame),
            marker={"symbol": "square-open", "size": 17, "color": NOMINAL_ONLY_COLOUR,
                    "line": {"width": 2}},
            hovertemplate=f"%{{text}}<extra>{NOMINAL_ONLY}</extra>",
        ))
    if len(nearest):
        ringed = shown[shown["index"].isin(list(nearest))]
        fig.add_trace(go.Scatter(
            x=_values(ringed, x), y=_values(ringed, y), mode="markers", name="nearest designs",
            marker={"symbol": "circle-open", "size": 16, "color": NEAREST,
                    "line": {"width": 2.5}},
            text=_hover(ringed, frame), hovertemplate="%{text}<extra>nearest</extra>",
        ))
    _budget_lines(fig, frame, x, y, budgets)
    fig.update_layout(
        template=TEMPLATE, title={"text": title or f"{label(y)} vs {label(x)}"},
        xaxis=_axis(x), yaxis=_axis(y), height=480, hovermode="closest",
        legend={"orientation": "h", "y": -0.2}, margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig


def _budget_lines(
    fig: go.Figure, frame: pd.DataFrame, x: str, y: str, budgets: Mapping[str, float]
) -> None:
    """Dashed budget lines (as two-point traces, so they sit right on log axes too)."""
    for axis, name in (("x", x), ("y", y)):
        if not budgets.get(name):
            continue
        budget = float(budgets[name])
        other = y if axis == "x" else x
        values = pd.to_numeric(frame[other], errors="coerce").dropna()
        span = [float(values.min()), float(values.max())] if len(values) else [0.0, 1.0]
        if UNITS.get(other) == "%":
            span = [0.0, 1.0]
        else:
            span = [span[0] / 1.5, span[1] * 1.5]
        xs, ys = ([budget, budget], span) if axis == "x" else (span, [budget, budget])
        text = f"{label(name).split(' (')[0]} budget: {fmt_metric(name, budget)}"
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name=text, hovertemplate=f"{text}<extra></extra>",
            line={"color": "#444444", "dash": "dash", "width": 1.5},
        ))


def objectives_3d(
    frame: pd.DataFrame,
    objectives: Sequence[str],
    *,
    recommended: Mapping[str, int | None] | None = None,
    profiles: Sequence[str] | None = None,
) -> go.Figure:
    """3-D scatter of the first three ``objectives``: feasible designs per device (Pareto
    designs as diamonds), infeasible grey, recommended designs as large markers."""
    chosen = list(dict.fromkeys([*objectives, "memory", "energy_infer", "accuracy"]))[:3]
    x, y, z = sorted(chosen, key=lambda name: name in MAXIMISED)  # accuracy on the z axis
    recommended = recommended or {}
    profiles = list(profiles or profiles_of(frame))
    shown = frame[frame[x].notna() & frame[y].notna() & frame[z].notna()]

    def trace(rows: pd.DataFrame, name: str, marker: dict[str, Any]) -> go.Scatter3d:
        return go.Scatter3d(
            x=_values(rows, x), y=_values(rows, y), z=_values(rows, z), mode="markers",
            name=name, marker=marker, text=_hover(rows, frame),
            hovertemplate="%{text}<extra></extra>",
        )

    infeasible = shown[~shown["feasible"]]
    fig = go.Figure(trace(infeasible, "infeasible", {"color": INFEASIBLE, "size": 3}))
    for position, profile in enumerate(profiles):
        rows = shown[shown["feasible"] & (shown["profile"] == profile)]
        prefix = f"{profile}: " if len(profiles) > 1 else ""
        fig.add_trace(trace(rows, f"{prefix}feasible", {
            "color": colour(position), "size": [6 if p else 4 for p in rows["pareto"]],
            "symbol": ["diamond" if p else "circle" for p in rows["pareto"]],
        }))
    stars = shown[shown["index"].isin([i for i in recommended.values() if i is not None])]
    fig.add_trace(trace(stars, "recommended", {
        "color": "gold", "size": 10, "symbol": "diamond", "line": {"color": "black", "width": 2},
    }))
    scene = {f"{a}axis": _axis(n) for a, n in zip("xyz", (x, y, z), strict=True)}
    fig.update_layout(
        template=TEMPLATE, title={"text": "the three default objectives"}, scene=scene,
        height=560, margin={"l": 0, "r": 0, "t": 40, "b": 0}, legend={"orientation": "h"},
    )
    return fig


def parallel_figure(
    frame: pd.DataFrame, objectives: Sequence[str], *, profiles: Sequence[str] | None = None
) -> go.Figure:
    """Parallel coordinates over the design parameters, the objectives and feasibility for every
    simulated design, coloured by accuracy (categorical parameters get labelled ticks)."""
    colour_by = "accuracy" if "accuracy" in frame else objectives[0]
    rows = frame[frame[colour_by].notna()]
    for name in objectives:
        rows = rows[rows[name].notna()]
    profiles = list(profiles or profiles_of(frame))
    columns = (["profile"] if len(profiles) > 1 else []) + parameter_names_of(frame)
    dimensions = []
    for name in [*columns, *objectives, "feasible"]:
        series = rows[name]
        if name == "feasible" or series.map(lambda v: isinstance(v, str | bool)).any():
            levels = (
                [False, True] if name == "feasible"
                else sorted({str(v) for v in series}, key=str)
            )
            codes = {level: position for position, level in enumerate(levels)}
            dimensions.append({
                "label": name, "values": [codes[v if name == "feasible" else str(v)]
                                          for v in series],
                "tickvals": list(range(len(levels))), "ticktext": [str(v) for v in levels],
            })
        else:
            values = pd.to_numeric(series, errors="coerce")
            if UNITS.get(name) not in (None, "%") and (values > 0).all() and len(values):
                dimensions.append({"label": f"log10 {label(name)}",
                                   "values": [float(v) for v in np.log10(values)]})
            else:
                dimensions.append({"label": label(name) if name in UNITS else name,
                                   "values": [float(v) for v in values]})
    fig = go.Figure(go.Parcoords(
        dimensions=dimensions,
        line={"color": _values(rows, colour_by), "colorscale": "Viridis", "showscale": True,
              "colorbar": {"title": {"text": colour_by}}},
    ))
    fig.update_layout(template=TEMPLATE, title={"text": "parameters and objectives"}, height=460,
                      margin={"l": 60, "r": 60, "t": 80, "b": 30})
    return fig


def hypervolume_figure(
    curves: Mapping[str, Sequence[float]], *, profiles: Sequence[str] | None = None
) -> go.Figure:
    """Normalised hypervolume of the feasible designs against the number of evaluations, one
    line per device."""
    profiles = list(profiles or curves)
    fig = go.Figure()
    for position, profile in enumerate(profiles):
        values = [float(v) for v in curves.get(profile, [])]
        fig.add_trace(go.Scatter(
            x=list(range(1, len(values) + 1)), y=values, mode="lines", name=profile,
            line={"color": colour(position), "shape": "hv"},
            hovertemplate=f"{profile}<br>evaluation %{{x}}<br>hypervolume %{{y:.4f}}"
                          "<extra></extra>",
        ))
    fig.update_layout(
        template=TEMPLATE, title={"text": "normalised hypervolume of the feasible designs"},
        xaxis={"title": {"text": "evaluations"}},
        yaxis={"title": {"text": "hypervolume (fraction of the normalisation box)"},
               "rangemode": "tozero"},
        height=380, margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig


def breakdown_figure(record: Mapping[str, Any], *, title: str | None = None) -> go.Figure:
    """Memory and energy per sample (inference, training) of one evaluation record, stacked by
    component (from its ``cost``, i.e. ``CostReport.to_dict()``)."""
    cost = record.get("cost") or {}
    memory = {k: v for k, v in (cost.get("memory_bytes") or {}).items() if k != "total"}
    energy = cost.get("energy_per_sample_j") or {}
    infer = {k: v for k, v in (energy.get("infer") or {}).items() if k != "total"}
    train = {k: v for k, v in (energy.get("train") or {}).items() if k != "total"}
    placement = cost.get("placement") or {}
    fig = make_subplots(rows=1, cols=2, subplot_titles=("memory", "energy per sample"))
    for position, (component, size) in enumerate(memory.items()):
        where = f" in {placement[component]}" if component in placement else ""
        fig.add_trace(go.Bar(
            x=["memory"], y=[float(size)], name=component, legendgroup="memory",
            legendgrouptitle={"text": "memory"}, marker={"color": PALETTE[position % 7]},
            hovertemplate=f"{component}{where}: {fmt(float(size), 'B')}<extra></extra>",
        ), row=1, col=1)
    components = [c for c in dict.fromkeys([*infer, *train])
                  if float(infer.get(c, 0.0)) or float(train.get(c, 0.0))]
    for position, component in enumerate(components):
        values = [float(infer.get(component, 0.0)), float(train.get(component, 0.0))]
        fig.add_trace(go.Bar(
            x=["inference", "training"], y=values, name=component, legendgroup="energy",
            legendgrouptitle={"text": "energy"},
            marker={"color": PALETTE[(position + len(memory)) % 7], "pattern": {"shape": "/"}},
            customdata=[fmt(v, "J") for v in values],
            hovertemplate=f"{component}: %{{customdata}}<extra>%{{x}}</extra>",
        ), row=1, col=2)
    fig.update_layout(
        template=TEMPLATE, barmode="stack", height=420,
        title={"text": title or f"design #{record.get('index')}: cost by component"},
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
    )
    fig.update_yaxes(title_text="bytes", exponentformat="SI", row=1, col=1)
    fig.update_yaxes(title_text="joules", exponentformat="SI", row=1, col=2)
    return fig


def continual_figure(
    records: Sequence[Mapping[str, Any]], *, profiles: Sequence[str] | None = None
) -> go.Figure:
    """Per-task accuracy of each given evaluation (recent task, previous tasks, all seen) after
    learning each task of the continual protocol: one line per design in each of three panels."""
    kinds = (("recent", "recent task"), ("previous", "previous tasks"), ("all_seen", "all seen"))
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True,
                        subplot_titles=[title for _, title in kinds])
    profiles = list(profiles or dict.fromkeys(r.get("profile") for r in records))
    for number, record in enumerate(records):
        tasks = (record.get("sim") or {}).get("tasks") or []
        base = profiles.index(record.get("profile")) if record.get("profile") in profiles else 0
        name = f"#{record['index']}"
        if len(profiles) > 1:
            name += f" ({record.get('profile')})"
        for column, (key, title) in enumerate(kinds, start=1):
            values = [t.get(key) for t in tasks]
            fig.add_trace(go.Scatter(
                x=[t.get("task") for t in tasks],
                y=[None if v is None else float(v) for v in values],
                mode="lines+markers", name=name, legendgroup=name, showlegend=column == 1,
                line={"color": PALETTE[(base + number) % len(PALETTE)]},
                hovertemplate=f"{name} {title}<br>after task %{{x}}: %{{y:.1%}}<extra></extra>",
            ), row=1, col=column)
    fig.update_layout(template=TEMPLATE, height=400,
                      title={"text": "continual learning: accuracy after each task"},
                      margin={"l": 60, "r": 20, "t": 70, "b": 40})
    fig.update_xaxes(title_text="task", dtick=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig



def family_fronts(frame: pd.DataFrame, x: str = "energy_infer", y: str = "accuracy", *,
                  profiles: Sequence[str] | None = None) -> go.Figure:
    """``y`` against ``x`` of the feasible simulated designs, one colour per network family
    (``family`` column), each family's two-objective front drawn as a staircase; with several
    devices each device's fronts get their own line dash."""
    profiles = list(profiles or profiles_of(frame))
    shown = frame[frame["feasible"] & frame[x].notna() & frame[y].notna()]
    families = list(dict.fromkeys(shown["family"].dropna())) if "family" in shown else []
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    for f_pos, family in enumerate(families):
        for p_pos, profile in enumerate(profiles):
            rows = shown[(shown["family"] == family) & (shown["profile"] == profile)]
            if rows.empty:
                continue
            name = f"{family} ({profile})" if len(profiles) > 1 else family
            front = rows[pareto_mask(objective_matrix(rows, [x, y]))].sort_values([x, y])
            fig.add_trace(go.Scatter(
                x=_values(rows, x), y=_values(rows, y), mode="markers", name=name,
                legendgroup=name, marker={"color": colour(f_pos), "size": 7, "opacity": 0.6},
                text=_hover(rows, frame), hovertemplate="%{text}<extra></extra>",
            ))
            fig.add_trace(go.Scatter(
                x=_values(front, x), y=_values(front, y), mode="lines+markers",
                name=f"{name} front", legendgroup=name, showlegend=False, hoverinfo="skip",
                line={"color": colour(f_pos), "shape": "hv", "width": 2,
                      "dash": dashes[p_pos % len(dashes)]},
                marker={"color": colour(f_pos), "size": 10, "symbol": "diamond"},
            ))
    fig.update_layout(
        template=TEMPLATE, title={"text": f"{label(y)} vs {label(x)} by network family"},
        xaxis=_axis(x), yaxis=_axis(y), height=480, hovermode="closest",
        legend={"orientation": "h", "y": -0.2}, margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig
