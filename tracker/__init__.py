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

import lazy_loader

# Every name is imported when first used, so the command line starts without what its
# command does not need (matplotlib, Jinja2, the importers' parsers), and a notebook still
# finds all of it here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "analysis.audit": ["audit"],
        "analysis.gaps": ["compute_gaps", "target_series"],
        "analysis.questions": ["answer", "target_view"],
        "analysis.series": ["annual_series", "current_vintage", "observations"],
        "analysis.whatif": [
            "Probability",
            "Scenario",
            "growth_needed",
            "historical_rates",
            "meet_probability",
            "project",
            "project_target",
            "sensitivity",
        ],
        "core.failures": ["DataInvalid", "Failure"],
        "core.params": ["GapParams"],
        "core.periods": ["parse_span"],
        "core.statuses": ["STATUS_LABELS", "STATUSES"],
        "loading.datasets": ["Datasets", "build_datasets", "check_datasets", "load_datasets"],
        "output.plots": ["overview_chart", "progress_chart"],
        "output.report": ["build_report"],
        "output.whatif_plots": ["fan_chart", "scenario_chart", "sensitivity_heatmap"],
        "validation.schemas": ["SCHEMAS"],
        "validation.tables": ["gap_table"],
    },
)
