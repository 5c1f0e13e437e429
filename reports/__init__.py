"""Pareto utilities, hypervolume, figure builders, the self-contained HTML report and exports.

``reports`` imports ``costmodels`` types at most and never ``dse`` (see docs/architecture.md).
Scripting: ``frame = evaluations_frame(records)`` gives one row per evaluation; the figure
builders take that frame; ``write_report(run, records, path)`` writes the HTML report and
``write_exports(run, records, directory)`` the CSV files and the JSON document.
The Pareto utilities load eagerly; the rest (pandas, plotly) on first use, so importing
``reports`` for ``pareto_mask`` stays cheap.
"""

from reports._pareto import (
    hypervolume,
    hypervolume_history,
    non_dominated_sort,
    normalise,
    normalised_hypervolume,
    pareto_mask,
    robust_mask,
)
from snn_dse.lazy import lazy_exports

#: Public names loaded on first access, by module.
_LAZY = {
    "reports._data": ("evaluations_frame", "hypervolume_curves", "nearest_designs",
                      "normalisation_bounds", "objective_matrix", "recommend",
                      "recommendations"),
    "reports._exports": ("CSV_COLUMNS", "EVALUATIONS_CSV", "PARETO_CSV", "RESULTS_JSON",
                         "csv_frame", "run_document", "write_exports", "write_run_document"),
    "reports._figures": ("breakdown_figure", "continual_figure", "hypervolume_figure",
                         "objectives_3d", "parallel_figure", "pareto_scatter"),
    "reports._html": ("build_report", "report_figures", "write_report"),
    "reports._png": ("PngExportError", "write_pngs"),
    "reports._reproduction": ("format_claim_value", "reproduction_html"),
}

__all__ = [
    "hypervolume",
    "hypervolume_history",
    "non_dominated_sort",
    "normalise",
    "normalised_hypervolume",
    "pareto_mask",
    "robust_mask",
]
__all__ += sorted(name for names in _LAZY.values() for name in names)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
