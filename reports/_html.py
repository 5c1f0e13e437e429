"""The self-contained HTML report of a run: plotly.js inlined once, fixed element ids and no
build timestamp, so two builds of the same run are byte-identical and the file opens offline."""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from reports._data import (
    MAXIMISED,
    evaluations_frame,
    hypervolume_curves,
    nearest_designs,
    normalisation_bounds,
    parameter_names_of,
    profiles_in,
    recommendations,
    run_objectives,
)
from reports._figures import (
    breakdown_figure,
    continual_figure,
    family_fronts,
    hypervolume_figure,
    objectives_3d,
    parallel_figure,
    pareto_scatter,
)
from reports._format import UNITS, fmt, fmt_metric, label
from snn_dse.domains import applies

__all__ = ["build_report", "report_figures", "write_report"]

#: Metrics shown in tables, in this order, when the run has them.
TABLE_METRICS = ("accuracy", "recent_accuracy", "previous_accuracy", "memory", "energy_infer",
                 "energy_train", "latency")
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class _Analysis:
    """Everything the report derives from a run before drawing it."""

    run: Mapping[str, Any]
    records: dict[int, Mapping[str, Any]]
    frame: pd.DataFrame
    objectives: list[str]
    profiles: list[str]
    recommended: dict[str, int | None]
    nearest: pd.DataFrame

    @property
    def any_feasible(self) -> bool:
        """True when at least one design meets every budget."""
        return bool(self.frame["feasible"].any())

    @property
    def metrics(self) -> list[str]:
        """Metrics with at least one value in the run, in table order."""
        return [m for m in TABLE_METRICS if m in self.frame and self.frame[m].notna().any()]


def _analyse(run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]) -> _Analysis:
    objectives = run_objectives(run)
    frame = evaluations_frame(evaluations, objectives)
    budgets = run.get("budgets") or {}
    recommended = recommendations(run, frame)
    nearest = (nearest_designs(frame, budgets) if not frame["feasible"].any()
               else frame.iloc[0:0])
    return _Analysis(run, {int(r["index"]): r for r in evaluations}, frame, objectives,
                     profiles_in(run, frame), recommended, nearest)


def report_figures(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]
) -> dict[str, go.Figure]:
    """Every figure of the report keyed by its element id, in page order."""
    return _figures(_analyse(run, evaluations))


def _figures(a: _Analysis) -> dict[str, go.Figure]:
    budgets = a.run.get("budgets") or {}
    nearest = [int(i) for i in a.nearest["index"]]
    common = {"budgets": budgets, "recommended": a.recommended, "nearest": nearest,
              "profiles": a.profiles}
    figures = {
        "fig-accuracy-energy": pareto_scatter(a.frame, "energy_infer", **common),
        "fig-accuracy-memory": pareto_scatter(a.frame, "memory", **common),
        "fig-objectives-3d": objectives_3d(a.frame, a.objectives, recommended=a.recommended,
                                           profiles=a.profiles),
        "fig-parallel": parallel_figure(a.frame, a.objectives, profiles=a.profiles),
        "fig-hypervolume": hypervolume_figure(hypervolume_curves(a.run, a.frame, a.objectives),
                                              profiles=a.profiles),
    }
    for position, (profile, index) in enumerate(_highlighted(a).items()):
        kind = "recommended" if a.recommended.get(profile) is not None else "nearest"
        figures[f"fig-breakdown-{position}"] = breakdown_figure(
            a.records[index], title=f"{profile}: {kind} design #{index}, cost by component"
        )
    if _families(a):
        figures["fig-families"] = family_fronts(a.frame, profiles=a.profiles)
    pareto = [a.records[int(i)] for i in a.frame.loc[a.frame["pareto"], "index"]]
    if any((r.get("sim") or {}).get("tasks") for r in pareto):
        figures["fig-continual"] = continual_figure(pareto, profiles=a.profiles)
    return figures


def _families(a: _Analysis) -> list[str]:
    """Network families among the simulated designs (several: the report compares them)."""
    if "family" not in a.frame:
        return []
    simulated = a.frame[~a.frame["prescreened"]]
    families = list(dict.fromkeys(simulated["family"].dropna()))
    return families if len(families) > 1 else []


def _twin_table(a: _Analysis) -> str:
    """Each simulated spiking design on a device's Pareto front, its inference energy and that
    of its ANN twin (same layers and weight precision) on the same device."""
    rows = []
    for row in a.frame[a.frame["pareto"]].sort_values(["profile", "index"]).to_dict("records"):
        cost = a.records[int(row["index"])].get("cost") or {}
        twin = cost.get("ann_twin_energy_infer_j")
        energy = row.get("energy_infer")
        if twin is None or energy is None or math.isnan(energy):
            continue
        candidate = a.records[int(row["index"])].get("candidate") or {}
        family = candidate.get("family", "stdp")
        width = candidate.get("neurons") if family == "stdp" else candidate.get("hidden")
        ratio = energy / twin if twin else math.nan
        rows.append("<tr>" + "".join([
            _cell(row["profile"], str(row["profile"])), _cell(row["index"], str(row["index"])),
            _cell(family, family), _cell(width, fmt(width)),
            _cell(candidate.get("weight_bits"), fmt(candidate.get("weight_bits"))),
            _cell(row.get("accuracy"), fmt_metric("accuracy", row.get("accuracy"))),
            _cell(energy, fmt(energy, "J")), _cell(twin, fmt(twin, "J")),
            _cell(ratio, f"{ratio:.2f}x"),
            _cell(ratio < 1, "SNN" if ratio < 1 else "ANN"),
        ]) + "</tr>")
    if not rows:
        return "<p class=\"note\">No spiking design on a front.</p>"
    head = "".join(f"<th scope=\"col\">{h}</th>" for h in (
        "device", "#", "family", "layer width", "weight bits", "accuracy", "SNN inference",
        "ANN twin inference", "SNN / ANN", "cheaper"))
    return (f"<table class=\"sortable\" id=\"twin-table\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><p class=\"note\">ANN twin: the ReLU "
            "network with the same layers (inputs, width, 10 outputs) and weight precision, "
            "priced by its MACs on the same device (docs/spike-economy.md).</p>")


def _highlighted(a: _Analysis) -> dict[str, int]:
    """Per device, the recommended design or, when it has none, its nearest infeasible one."""
    chosen = {}
    for profile in a.profiles:
        index = a.recommended.get(profile)
        if index is None:
            rows = a.nearest[a.nearest["profile"] == profile]
            index = int(rows["index"].iloc[0]) if len(rows) else None
        if index is not None:
            chosen[profile] = index
    return chosen


def build_report(run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]) -> str:
    """The report of ``run`` and its evaluation records as one self-contained HTML string."""
    a = _analyse(run, evaluations)
    figures = _figures(a)
    title = f"snn-dse report: {', '.join(a.profiles) or 'no device'}"
    body = [
        _header(a),
        _section("recommended", "Recommended design" + ("s" if len(a.profiles) > 1 else ""),
                 _recommended_table(a)),
    ]
    if len(a.nearest):
        body.append(_section("nearest", "Nearest designs (none meets the budgets)",
                             _nearest_table(a)))
    if a.frame["error_type"].notna().any():
        body.append(_section("failed", "Failed evaluations", _failed_table(a)))
    body += [
        _section("fronts", "Pareto fronts", _grid(
            _plot(figures, "fig-accuracy-energy"), _plot(figures, "fig-accuracy-memory")
        ) + "<p class=\"note\">Grey: infeasible designs. Diamonds: Pareto designs over the run's "
            "objectives; the line is the front of the two plotted objectives; dashed lines are "
            "budgets; the star is the recommended design. Grey crosses on the 0 % row: designs "
            "the analytical pre-screen rejected (never simulated, so without an accuracy) at "
            "their estimated cost; hover for the reason.</p>" + _uncertainty_note(a)),
        *([_section("families", "Network families", _plot(figures, "fig-families")
                    + "<p class=\"note\">Feasible simulated designs by family; the line is each "
                    "family's accuracy/inference-energy front.</p>")] if "fig-families" in figures
          else []),
        _section("snn-vs-ann", "Each SNN beside its ANN twin", _twin_table(a)),
        _section("objectives-3d", "Objectives in 3-D", _plot(figures, "fig-objectives-3d")),
        _section("parallel", "Parameters and objectives", _plot(figures, "fig-parallel")),
        _section("pareto-designs", "Pareto designs", _pareto_table(a)),
        _section("breakdown", "Where the cost comes from", _breakdowns(a, figures)),
        _section("sensitivity", "What the recommended energy hangs on", _sensitivity(a)),
    ]
    if "fig-continual" in figures:
        body.append(_section("continual", "Continual learning",
                             _plot(figures, "fig-continual")))
    body.append(_section("hypervolume", "Hypervolume", _plot(figures, "fig-hypervolume")
                         + _normalisation_note(a)))
    version = escape(_tool_version(a))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n"
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<footer>snn-dse {version}</footer>\n<script>{_SORT_JS}</script>\n</body>\n</html>\n"
    )


def write_report(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]], path: str | Path
) -> Path:
    """Write :func:`build_report` to ``path`` (parents created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(build_report(run, evaluations), encoding="utf-8")
    return target


def _plot(figures: Mapping[str, go.Figure], div_id: str) -> str:
    fig = figures[div_id]
    height = f"{fig.layout.height or 450}px"
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config=_PLOTLY_CONFIG, default_height=height, default_width="100%")


def _section(section_id: str, heading: str, content: str) -> str:
    return f"<section id=\"{section_id}\">\n<h2>{escape(heading)}</h2>\n{content}\n</section>"


def _grid(*cells: str) -> str:
    return "<div class=\"grid\">" + "".join(f"<div>{c}</div>" for c in cells) + "</div>"


def _tool_version(a: _Analysis) -> str:
    versions = a.run.get("versions") or {}
    if isinstance(versions, Mapping) and versions:
        return str(versions.get("snn_dse") or versions.get("snn-dse") or
                   next(iter(versions.values())))
    codes = a.frame["code_version"].dropna()
    return str(codes.iloc[0]) if len(codes) else "unknown version"


def _timing_text(run: Mapping[str, Any]) -> str:
    """The timing mode(s) the devices were priced with (``timing.mode`` of each profile)."""
    modes = sorted({str((profile or {}).get("timing", {}).get("mode", "afap"))
                    for profile in (run.get("profiles") or {}).values()}) or ["afap"]
    meaning = {"afap": "afap (samples back to back, as fast as the device goes)",
               "realtime": "realtime (one sample per timesteps x 1 ms; static power paid over it)"}
    return ", ".join(meaning.get(mode, mode) for mode in modes)


def _does_not_fit_text(frame: pd.DataFrame) -> str:
    """``" (N do not fit the device)"`` for pre-screened designs the mapper rejected."""
    if "reason" not in frame:
        return ""
    count = int(frame["reason"].fillna("").str.contains("does not fit").sum())
    return escape(f" ({count} do not fit the device)") if count else ""


def _space_text(space: Any) -> str:
    """The design space: choices listed, ranges as ``low to high`` (``log`` when sampled so)."""
    if not isinstance(space, Mapping):
        return escape(json.dumps(space, sort_keys=True, default=str))
    parts = []
    for name, spec in space.items():
        if isinstance(spec, Mapping) and "choices" in spec:
            shown = ", ".join(str(v) for v in spec["choices"])
        elif isinstance(spec, Mapping) and "low" in spec:
            shown = f"{spec['low']} to {spec['high']}" + (" (log)" if spec.get("log") else "")
        elif isinstance(spec, list | tuple):
            shown = ", ".join(str(v) for v in spec)
        else:
            shown = str(spec)
        parts.append(f"<b>{escape(str(name))}</b>: {escape(shown)}")
    return "<br>".join(parts)


def _header(a: _Analysis) -> str:
    run = a.run
    profiles = run.get("profiles") or {}
    devices = []
    for pid in a.profiles:
        info = profiles.get(pid) or {}
        extra = ", ".join(str(info[k]) for k in ("kind", "execution") if info.get(k))
        name = f" — {info['name']}" if info.get("name") else ""
        devices.append(f"<b>{escape(pid)}</b>{escape(name)}"
                       + (f" ({escape(extra)})" if extra else ""))
    budgets = run.get("budgets") or {}
    texts = run.get("budget_texts") or {}
    budget_text = ", ".join(
        f"{escape(label(n).split(' (')[0])} ≤ {escape(fmt_metric(n, v))}"
        + (f" ({escape(str(texts[n]))})" if texts.get(n) else "")
        for n, v in budgets.items()
    ) or "none"
    counts = run.get("counts") or {}
    frame = a.frame
    timings = run.get("timings") or {}
    evaluated = counts.get("evaluated", len(frame))
    requested = run.get("evaluations_requested")
    wall = timings.get("wall_s")
    run_time = fmt(float(wall), "s") if wall is not None else "–"
    if timings.get("started"):
        run_time += f" (started {timings['started']}"
        run_time += f", finished {timings['finished']})" if timings.get("finished") else ")"
    rows = [
        ("Device" + ("s" if len(devices) > 1 else ""), "<br>".join(devices) or "–"),
        ("Budgets", budget_text),
        ("Design space", _space_text(run.get("space"))),
        ("Objectives", escape(", ".join(a.objectives))),
        ("Dataset, protocol", escape(f"{run.get('dataset', '–')}, {run.get('protocol', '–')}")),
        ("Engine", escape(str(run.get("engine", "–")) +
                          (f" (sampler {run['sampler']})" if run.get("sampler") else ""))),
        ("Seed", escape(str(run.get("seed", "–")))),
        ("Evaluations", escape(f"{evaluated}" + (f" of {requested} requested" if requested
                                                 is not None else ""))),
        ("Feasible", escape(str(counts.get("feasible", int(frame["feasible"].sum()))))),
        ("Feasibility", escape(
            "judged at the high corner of the profile figure ranges (--robust)"
            if run.get("robust") else
            "judged at nominal profile figures; "
            f"{int((frame['feasible'] & ~frame['feasible_high']).sum())} design(s) feasible at "
            "nominal only")),
        ("Pre-screened", escape(str(counts.get("prescreened", int(frame["prescreened"].sum()))))
         + _does_not_fit_text(frame)),
        ("Timing", escape(_timing_text(run))),
        ("Cache hits", escape(str(counts.get("cache_hits", int(frame["cache_hit"].sum()))))),
        ("Failed", escape(str(int(frame["error_type"].notna().sum())))),
        ("Run time", escape(run_time)),
        ("Tool version", escape(f"snn-dse {_tool_version(a)}")),
    ]
    command = run.get("command")
    if command:
        text = shlex.join(command) if isinstance(command, list | tuple) else str(command)
        rows.append(("Command", f"<code>{escape(text)}</code>"))
    banners = []
    if run.get("complete") is False:
        banners.append(
            "<p class=\"banner warn\" id=\"interrupted\">This run was interrupted: the report "
            f"shows the {escape(str(evaluated))} evaluations in the store"
            + (f" of {escape(str(requested))} requested" if requested is not None else "")
            + ". Rerun <code>dse explore</code> with the same options to resume.</p>"
        )
    fragile = [(profile, index) for profile, index in a.recommended.items()
               if index is not None and not _frame_row(a, index)["feasible_high"]]
    if fragile:
        which = ", ".join(f"#{index} on {profile}" for profile, index in fragile)
        banners.append(
            "<p class=\"banner warn\" id=\"nominal-only\">The recommended design "
            f"{escape(which)} meets the budgets only at the nominal profile figures: at the high "
            "corner of their ranges it breaks a budget. Rerun with <code>--robust</code>, or "
            "narrow the figures at the top of its sensitivity table.</p>"
        )
    if not a.any_feasible:
        banners.append(
            "<p class=\"banner error\" id=\"no-feasible\">No evaluated design meets the budgets. "
            "The nearest designs (smallest relative excess over the budgets) are listed and "
            "ringed in the plots.</p>"
        )
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return ("<header>\n<h1>snn-dse exploration report</h1>\n" + "\n".join(banners)
            + f"\n<table class=\"meta\" id=\"run-summary\">{table}</table>\n</header>")


def _frame_row(a: _Analysis, index: int) -> Mapping[str, Any]:
    """The evaluations-frame row of evaluation ``index``."""
    return a.frame.loc[a.frame["index"] == index].iloc[0].to_dict()


def _cell(value: Any, text: str) -> str:
    """A table cell whose ``data-sort`` holds the raw value for sorting."""
    if isinstance(value, bool):
        key = str(int(value))
    elif isinstance(value, int | float):
        key = "" if isinstance(value, float) and math.isnan(value) else repr(float(value))
    else:
        key = str(value)
    return f"<td data-sort=\"{escape(key)}\">{escape(text)}</td>"


def _design_table(
    a: _Analysis, rows: pd.DataFrame, table_id: str, extra: Sequence[tuple[str, str]] = ()
) -> str:
    """A sortable table of designs: device, index, parameters, metrics, then ``extra``
    (column, heading) pairs."""
    params = parameter_names_of(a.frame)
    columns = ([("profile", "device")] if len(a.profiles) > 1 else []) + [("index", "#")]
    columns += [(p, p) for p in params] + [(m, label(m)) for m in a.metrics] + list(extra)
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for _, h in columns)
    lines = []
    for row in rows.to_dict("records"):
        cells = []
        for name, _ in columns:
            value = row.get(name)
            if name in params and not applies(name, row):
                cells.append(_cell("", "–"))
            elif name in UNITS or name.startswith("constraint_"):
                cells.append(_cell(value, fmt_metric(name, value)))
            elif name == "violation":
                cells.append(_cell(value, f"{100 * value:.1f} %"))
            elif name.endswith(("_low", "_high")):
                cells.append(_cell(value, fmt_metric(name, value)))
            elif isinstance(value, bool):
                cells.append(_cell(value, "yes" if value else "no"))
            else:
                cells.append(_cell(value, fmt(value)))
        lines.append(f"<tr data-index=\"{int(row['index'])}\">{''.join(cells)}</tr>")
    if not lines:
        return "<p class=\"note\">No designs.</p>"
    return (f"<table class=\"sortable\" id=\"{table_id}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table>")


def _recommended_table(a: _Analysis) -> str:
    chosen = [i for i in a.recommended.values() if i is not None]
    rule = ("<p class=\"note\">Recommended: on the device's Pareto front, the most accurate "
            "design; ties go to lower inference energy, then lower memory.</p>")
    if not chosen:
        return "<p class=\"note\">No device has a feasible design, so nothing is recommended; " \
               "see the nearest designs below.</p>"
    rows = a.frame[a.frame["index"].isin(chosen)]
    missing = [p for p, i in a.recommended.items() if i is None]
    note = (f"<p class=\"note\">No feasible design on: {escape(', '.join(missing))}.</p>"
            if missing else "")
    return _design_table(a, rows, "recommended-table") + note + rule


def _pareto_table(a: _Analysis) -> str:
    rows = a.frame[a.frame["pareto"]].sort_values(["profile", "index"])
    extra = [(f"{m}_{side}", f"{label(m).split(' (')[0]} {side}") for m in a.metrics
             for side in ("low", "high") if f"{m}_{side}" in a.frame]
    extra += [("robust", "robust"), ("feasible_high", "feasible at high corner")]
    return (_design_table(a, rows, "pareto-table", extra)
            + "<p class=\"note\">Click a column heading to sort. Low and high: the cost with "
            "every profile figure at the end of its range that lowers or raises it.</p>")


def _uncertainty_note(a: _Analysis) -> str:
    robust = "--robust: a design is feasible only when its high corner meets every budget. " \
        if a.run.get("robust") else ""
    return (
        "<p class=\"note\" id=\"robust-definition\">Error bars run from each design's low "
        "to its high corner cost (every profile figure at the end of its range that lowers or "
        "raises the cost; docs/uncertainty.md). " + robust + "Filled diamond: a <b>robust</b> "
        "Pareto design: no other feasible design of its device would dominate it even at that "
        "design's low corner against this one's high corner, so it stays on the front however "
        "the costs move within their ranges. Open diamond: a Pareto design that another design "
        "could overtake. Brown squares: designs feasible at nominal only (their high corner "
        "breaks a budget).</p>"
    )


def _sensitivity(a: _Analysis) -> str:
    """Per device, the recommended design's sensitivity table (``run["sensitivity"]``)."""
    tables = a.run.get("sensitivity") or {}
    parts = []
    for position, profile in enumerate(a.profiles):
        ranked = tables.get(profile)
        index = a.recommended.get(profile)
        if not ranked or index is None:
            continue
        rows = "".join(
            f"<tr><td><code>{escape(str(r['field']))}</code></td>"
            f"<td data-sort=\"{float(r['share'])!r}\">{100 * float(r['share']):.1f} %</td>"
            f"<td>{escape(fmt(r.get('low_j'), 'J'))}</td>"
            f"<td>{escape(fmt(r.get('high_j'), 'J'))}</td></tr>" for r in ranked)
        parts.append(
            f"<h3>{escape(profile)}: design #{index}</h3><table class=\"sortable\" "
            f"id=\"sensitivity-{position}\"><thead><tr><th>profile figure</th>"
            "<th>share of variance</th><th>lowest energy</th>"
            f"<th>highest energy</th></tr></thead><tbody>{rows}</tbody></table>")
    if not parts:
        return "<p class=\"note\">No recommended design with a sensitivity table.</p>"
    return ("\n".join(parts) + "<p class=\"note\">Share of the inference energy's variance "
            "due to each profile figure (each uniform on its range, one at a time), and the lowest "
            "and highest energy as that figure alone moves across its range: measure the top "
            "figures first to narrow the range.</p>")


def _nearest_table(a: _Analysis) -> str:
    budgets = a.run.get("budgets") or {}
    extra = [(f"constraint_{n}", f"{label(n).split(' (')[0]} − budget") for n in budgets
             if f"constraint_{n}" in a.frame]
    extra.append(("violation", "relative excess"))
    return _design_table(a, a.nearest, "nearest-table", extra)


def _failed_table(a: _Analysis) -> str:
    rows = a.frame[a.frame["error_type"].notna()].sort_values("index")
    table = _design_table(a, rows, "failed-table",
                          [("error_type", "error"), ("error_message", "message")])
    return (table + "<p class=\"note\">These designs raised an exception while being simulated "
            "or priced; the search went on without them (the engine was told they failed). "
            "Costs shown are the analytical estimates of the pre-screen.</p>")


def _breakdowns(a: _Analysis, figures: Mapping[str, go.Figure]) -> str:
    parts = []
    for position, index in enumerate(_highlighted(a).values()):
        record = a.records[index]
        parts.append(_plot(figures, f"fig-breakdown-{position}")
                     + _figures_table(record, f"figures-{position}"))
    if not parts:
        return "<p class=\"note\">No design to break down.</p>"
    return "\n".join(parts)


def _figures_table(record: Mapping[str, Any], table_id: str) -> str:
    """Each cost component of ``record``, its value and the profile figures that priced it."""
    cost = record.get("cost") or {}
    memory = cost.get("memory_bytes") or {}
    energy = cost.get("energy_per_sample_j") or {}
    placement = cost.get("placement") or {}
    used = cost.get("figures") or {}
    values: dict[str, list[str]] = {}
    for component, size in memory.items():
        if component != "total":
            where = f" in {placement[component]}" if component in placement else ""
            values.setdefault(component, []).append(f"{fmt(float(size), 'B')}{where}")
    for phase, title in (("infer", "inference"), ("train", "training")):
        for component, joules in (energy.get(phase) or {}).items():
            if component != "total" and float(joules):
                values.setdefault(component, []).append(f"{fmt(float(joules), 'J')} {title}")
    if "latency" in used and cost.get("latency_per_sample_s") is not None:
        values["latency"] = [f"{fmt(float(cost['latency_per_sample_s']), 's')} per sample"]
    for component in used:
        values.setdefault(component, [])
    rows = []
    for component, shown in values.items():
        if not shown and not used.get(component):
            continue
        entries = used.get(component) or [{}]
        span = len(entries)
        for number, entry in enumerate(entries):
            lead = (f"<td rowspan=\"{span}\"><b>{escape(component)}</b></td>"
                    f"<td rowspan=\"{span}\">{'<br>'.join(escape(s) for s in shown) or '0'}</td>"
                    if number == 0 else "")
            text = fmt(entry.get("value"))
            rows.append(
                f"<tr>{lead}<td><code>{escape(str(entry.get('field', '–')))}</code></td>"
                f"<td>{escape(text)}</td><td>{escape(str(entry.get('basis', '–')))}</td>"
                f"<td>{escape(str(entry.get('reference', '–')))}</td></tr>"
            )
    head = ("<tr><th>component</th><th>cost</th><th>profile figure</th><th>value</th>"
            "<th>basis</th><th>reference</th></tr>")
    source = escape(str(cost.get("activity_source", "–")))
    return (f"<table class=\"figures\" id=\"{table_id}\"><thead>{head}</thead><tbody>"
            f"{''.join(rows)}</tbody></table><p class=\"note\">Activity counts: {source}. "
            "Values in SI units.</p>")


def _normalisation_note(a: _Analysis) -> str:
    ideal, nadir, basis = normalisation_bounds(a.run, a.frame, a.objectives)
    items = []
    for name, lo, hi, why in zip(a.objectives, ideal, nadir, basis, strict=True):
        shown = f"error = 1 − {name}" if name in MAXIMISED else name
        unit = None if name in MAXIMISED else UNITS.get(name)
        items.append(f"<li>{escape(shown)}: {escape(fmt(lo, unit))} to {escape(fmt(hi, unit))}"
                     f" ({escape(why)})</li>")
    return ("<p class=\"note\">Hypervolume of the feasible designs after each evaluation, "
            "every objective minimised and scaled linearly from the ideal (0) to the nadir (1); "
            "the reference point is 1 in every objective, so 1.0 would be a design with "
            "no error and no cost. Runs with the same budgets compare directly.</p>"
            f"<ul class=\"note\">{''.join(items)}</ul>")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1400px;padding:0 24px 48px;color:#222}
h1{margin:20px 0 8px;font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:4px;
margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
table.meta th{background:#f5f5f5;width:160px}
table.sortable th{cursor:pointer;background:#f0f4f8;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" ▲"}
table.sortable th[aria-sort=descending]::after{content:" ▼"}
table.sortable tbody tr:hover{background:#fffbe6}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
.grid>div{min-width:0}
.note{color:#555;font-size:13px}
.banner{padding:10px 14px;border-radius:4px;font-weight:600}
.warn{background:#fff4d6;border:1px solid #e0b000}
.error{background:#fde2e1;border:1px solid #d62728}
footer{margin-top:40px;color:#888;font-size:12px}
"""

_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort");
        var y = b.cells[column].getAttribute("data-sort");
        var nx = parseFloat(x), ny = parseFloat(y), order;
        if (x === "" || y === "") { order = (x === "") - (y === ""); return order; }
        order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""
