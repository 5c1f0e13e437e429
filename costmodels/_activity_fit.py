"""Fitting the activity model of :func:`costmodels.estimate_counts` to simulator records.

Each target is a count normalised by what the design already fixes (e.g. input spikes by
lambda = inputs x mean intensity x rate x T x dt), regressed in log space on the model's
:func:`~costmodels._activity.features` by least squares. Used by
``benchmarks/estimator_fidelity.py --fit``, which writes ``costmodels/_fitted.py``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from costmodels._activity import DT_S, features
from costmodels._design import DesignArrays

#: Targets modelled as ``1 + exp(beta . x)`` (a ratio that is 1 without re-presentations),
#: fitted by nonlinear least squares on the ratio; the others as ``exp(beta . x)`` by linear
#: least squares on the log.
EXCESS = ("input_boost", "presentations")
#: Coefficient sets of each phase, in the order ``estimate_counts`` uses them.
TARGETS = {
    "infer": ("input_boost", "presentations", "exc_spikes", "inh_per_exc"),
    "train": ("input_boost", "presentations", "exc_spikes", "inh_per_exc", "depression",
              "potentiation", "normalisation"),
}


def _targets(rec: Mapping[str, Any], phase: str) -> dict[str, float]:
    """Normalised counts of one simulation record (NaN where undefined)."""
    c, a = rec["candidate"], rec["activity"][phase]
    lam = rec["inputs"] * rec["mean_intensity"] * rec["max_rate_hz"] * c["timesteps"] * DT_S
    exc = a["exc_spikes"]
    nan = float("nan")
    return {
        "input_boost": a["input_spikes"] / lam if lam > 0 else nan,
        "presentations": a["timesteps"] / c["timesteps"],
        "exc_spikes": exc,
        "inh_per_exc": a["inh_spikes"] / exc if c["inhibition"] == "population" and exc > 0 else nan,
        "depression": a["depression_updates"] / a["input_spikes"] if a["input_spikes"] > 0 else nan,
        "potentiation": (a["potentiation_updates"] / (exc * rec["inputs"] * rec["mean_intensity"])
                         if exc > 0 and rec["mean_intensity"] > 0 else nan),
        "normalisation": a["normalisation_updates"] / rec["inputs"],
    }


def fit_coefficients(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Least-squares coefficients (log space) of every target of both phases."""
    d = DesignArrays.from_columns({
        "inputs": [r["inputs"] for r in records],
        "neurons": [r["candidate"]["neurons"] for r in records],
        "inhibition": [r["candidate"]["inhibition"] for r in records],
        "weight_bits": [r["candidate"]["weight_bits"] for r in records],
        "timesteps": [r["candidate"]["timesteps"] for r in records],
        "rule": [r["candidate"]["rule"] for r in records],
        "inhibition_strength": [r["candidate"]["inhibition_strength"] for r in records],
    })
    spikes_per_ms = [r["inputs"] * r["mean_intensity"] * r["max_rate_hz"] * DT_S for r in records]
    x = features(d, np.array(spikes_per_ms)).T  # (designs, features)
    out: dict[str, dict[str, list[float]]] = {}
    for phase, names in TARGETS.items():
        out[phase] = {}
        for name in names:
            y = np.array([_targets(r, phase)[name] for r in records])
            ok = np.isfinite(y) & (y > 0)
            beta = np.zeros(x.shape[1])
            if ok.sum() >= x.shape[1]:
                cols = independent_columns(x[ok])
                xs, ys = x[ok][:, cols], y[ok]
                if name in EXCESS:
                    beta[cols] = _fit_excess(xs, ys)
                else:
                    beta[cols] = np.linalg.lstsq(xs, np.log(ys), rcond=None)[0]
            elif ok.any():
                beta[0] = float(np.mean(np.log(y[ok])))
            out[phase][name] = [round(float(b), 6) for b in beta]
    return out


def independent_columns(x: np.ndarray) -> np.ndarray:
    """Indices of the columns of ``x`` that are not linear combinations of earlier ones (in
    feature order): a feature constant over the records, or an interaction that is a
    multiple of a main effect there (``u n`` when every record has the same ``u``), drops
    out instead of sharing a coefficient it cannot be told apart from."""
    keep: list[int] = []
    scale = np.maximum(np.abs(x).max(axis=0), 1e-12)
    for j in range(x.shape[1]):
        trial = x[:, [*keep, j]] / scale[[*keep, j]]
        if np.linalg.matrix_rank(trial, tol=1e-9 * max(trial.shape)) > len(keep):
            keep.append(j)
    return np.array(keep, dtype=int)


def _fit_excess(x: np.ndarray, y: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Least squares of ``1 + exp(x @ beta)`` to ``y`` (Levenberg-Marquardt in NumPy)."""
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(max(float(np.mean(y)) - 1.0, 1e-3))
    damping = 1e-3

    def cost(b: np.ndarray) -> float:
        return float(np.sum((1.0 + np.exp(x @ b) - y) ** 2))

    current = cost(beta)
    for _ in range(iterations):
        e = np.exp(x @ beta)
        jac = x * e[:, None]
        grad = jac.T @ (1.0 + e - y)
        hess = jac.T @ jac
        step = np.linalg.solve(hess + damping * np.diag(np.diag(hess) + 1e-12), -grad)
        trial = cost(beta + step)
        if trial < current:
            beta, current, damping = beta + step, trial, damping / 3
            if np.max(np.abs(step)) < 1e-9:
                break
        else:
            damping *= 4
    return beta


def _entry(name: str, beta: Sequence[float]) -> str:
    """``'name': [...],`` wrapped to lines of at most 96 characters."""
    numbers = textwrap.fill(", ".join(f"{b:g}" for b in beta), width=84,
                            initial_indent=" " * 12, subsequent_indent=" " * 12)
    return f"        {name!r}: [\n{numbers},\n        ],\n"


def fit_activity_model(records: Sequence[Mapping[str, Any]], path: Path,
                       simulator: str = "") -> None:
    """Fit the coefficients to ``records`` and write them as the module ``path``;
    ``simulator`` (one line: which simulator produced the records) goes into its docstring."""
    coefficients = fit_coefficients(records)
    datasets = sorted({r["dataset"] for r in records})
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    text = (
        '"""Coefficients of the fitted activity model (costmodels._activity.estimate_counts).\n\n'
        f"Written by ``benchmarks/estimator_fidelity.py --fit`` on {stamp} from {len(records)}\n"
        f"simulated designs of the default space ({', '.join(datasets)}). Do not edit by hand.\n"
        + (textwrap.fill(f"Simulator: {simulator}.", width=92) + "\n" if simulator else "")
        + "Per phase and target: coefficients of costmodels._activity.features (1, n, t, p,\n"
        "s, i, u, u n, u t, u p, u s, p n, p t, p i, p s, t^2) in log space.\n"
        '"""\n\n'
        "FITTED: dict[str, dict[str, list[float]]] = {\n"
        + "".join(f"    {phase!r}: {{\n" + "".join(_entry(name, beta) for name, beta in targets.items())
                  + "    },\n" for phase, targets in coefficients.items())
        + "}\n"
    )
    path.write_text(text)
