"""Trade-target tracker: stated bilateral trade targets against the trade reported.

The package reads as the data's path: :mod:`tracker.core` (the vocabulary, no I/O) ->
:mod:`tracker.validation` -> :mod:`tracker.loading` -> :mod:`tracker.analysis` (and
:mod:`tracker.importers`) -> :mod:`tracker.output` -> :mod:`tracker.cli`. This namespace
holds what a notebook needs.

Examples
--------
>>> import tracker
>>> data = tracker.load_datasets("datasets")
>>> gaps = tracker.compute_gaps(data, "2026-11-30")
>>> set(gaps["status"]) <= set(tracker.STATUSES)
True
"""

import importlib

from tracker.analysis.audit import audit
from tracker.analysis.gaps import compute_gaps, target_series
from tracker.analysis.questions import answer, target_view
from tracker.analysis.series import annual_series, current_vintage, observations
from tracker.analysis.whatif import (
    Probability,
    Scenario,
    growth_needed,
    historical_rates,
    meet_probability,
    project,
    project_target,
    sensitivity,
)
from tracker.core.failures import DataInvalid, Failure
from tracker.core.params import GapParams
from tracker.core.periods import parse_span
from tracker.core.statuses import STATUS_LABELS, STATUSES
from tracker.loading.datasets import Datasets, build_datasets, check_datasets, load_datasets
from tracker.validation.schemas import SCHEMAS
from tracker.validation.tables import gap_table

__all__ = [
    "SCHEMAS",
    "STATUSES",
    "STATUS_LABELS",
    "DataInvalid",
    "Datasets",
    "Failure",
    "GapParams",
    "Probability",
    "Scenario",
    "annual_series",
    "answer",
    "audit",
    "build_datasets",
    "build_report",
    "check_datasets",
    "compute_gaps",
    "current_vintage",
    "fan_chart",
    "gap_table",
    "growth_needed",
    "historical_rates",
    "load_datasets",
    "meet_probability",
    "observations",
    "overview_chart",
    "parse_span",
    "progress_chart",
    "project",
    "project_target",
    "scenario_chart",
    "sensitivity",
    "sensitivity_heatmap",
    "target_series",
    "target_view",
]

#: The charts and the report, imported when first asked for: matplotlib takes a third of
#: a second to import, and no command but ``report`` draws.
_DRAWING = {
    "overview_chart": "tracker.output.plots",
    "progress_chart": "tracker.output.plots",
    "build_report": "tracker.output.report",
    "fan_chart": "tracker.output.whatif_plots",
    "scenario_chart": "tracker.output.whatif_plots",
    "sensitivity_heatmap": "tracker.output.whatif_plots",
}


def __getattr__(name: str):
    if name in _DRAWING:
        return getattr(importlib.import_module(_DRAWING[name]), name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
