"""The HTML page of a ``dse reproduce`` run: each paper claim next to the measured value.

Self-contained (no script, no external resource) and deterministic: the same claims and
settings give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from reports._html import _CSS

__all__ = ["format_claim_value", "reproduction_html"]


def format_claim_value(metric: str, value: float | None) -> str:
    """A claim value in its metric's unit: ``-51 %``, ``7.50x``, ``+21.0 pts``."""
    if value is None:
        return "–"
    if metric.endswith("(%)"):
        return f"{value:+.0f} %"
    if metric.endswith("(x)"):
        return f"{value:.2f}x"
    return f"{value:+.1f} pts"


def reproduction_html(claims: Sequence[Mapping[str, Any]], settings: Mapping[str, Any]) -> str:
    """The page: settings, a summary count, then one section per claim with one row per
    device profile (or a single device-independent row)."""
    paper = str(settings.get("paper", ""))
    done = sum(1 for c in claims if c["reproduced"])
    body = [f"<h1>dse reproduce {escape(paper)}</h1>"]
    if settings.get("quick"):
        body.append("<p class=\"banner warn\">Quick settings: smaller network and sample counts "
                    "than the paper; run without <code>--quick</code> for the full comparison."
                    "</p>")
    body.append(f"<p>{done} of {len(claims)} claim checks reproduced. A claim is reproduced "
                f"when the measured effect reaches {settings.get('reach', 0.8):.0%} of the "
                "claimed one (percent change, log of a factor, or accuracy points); \"no "
                f"accuracy loss\" allows a loss of {settings.get('no_loss_points', 1.0):g} "
                "points. No simulator or cost-model constant is set from a paper's number.</p>")
    body.append(_settings_table(settings))
    for text in dict.fromkeys(str(c["claim"]) for c in claims):
        rows = [c for c in claims if c["claim"] == text]
        body.append(f"<section><h2>{escape(text)}</h2>"
                    f"<p class=\"note\">{escape(str(rows[0]['metric']))}; paper value "
                    f"{escape(format_claim_value(str(rows[0]['metric']), rows[0]['paper_value']))}"
                    "</p>" + _claim_table(rows) + "</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>dse reproduce {escape(paper)}</title>\n<style>{_CSS}"
            ".yes{color:#1a7f37;font-weight:600}.no{color:#b42318;font-weight:600}</style>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _settings_table(settings: Mapping[str, Any]) -> str:
    rows = [("paper", settings.get("paper")), ("dataset", settings.get("dataset")),
            ("protocol", settings.get("protocol")), ("settings", settings.get("fidelity")),
            ("method arm used", settings.get("method")),
            ("devices", ", ".join(settings.get("profiles", []))),
            ("code version", settings.get("code_version"))]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    arms = settings.get("arms") or {}
    cells += "".join(
        f"<tr><th>{escape(label)}</th><td><code>{escape(json.dumps(config, sort_keys=True))}"
        "</code></td></tr>" for label, config in arms.items())
    return f"<table class=\"meta\">{cells}</table>"


def _claim_table(rows: Sequence[Mapping[str, Any]]) -> str:
    head = ("<tr><th>device</th><th>paper</th><th>measured</th><th>reproduced</th>"
            "<th>note</th></tr>")
    lines = []
    for c in rows:
        metric = str(c["metric"])
        verdict = "yes" if c["reproduced"] else "no"
        lines.append(
            f"<tr><td>{escape(str(c['profile'] or 'any (device independent)'))}</td>"
            f"<td>{escape(format_claim_value(metric, c['paper_value']))}</td>"
            f"<td>{escape(format_claim_value(metric, c['measured_value']))}</td>"
            f"<td class=\"{verdict}\">{verdict}</td><td>{escape(str(c['note']))}</td></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(lines)}</tbody></table>"
