"""Benchmark: one goal's progress chart, drawn as the report draws it (issue 14).

The report of 1,000 goals draws 1,000 charts; their time decides whether it meets its
minute on two cores. This times, in one process, the shipped goals' charts (repeated to
``CHARTS``), best of ``RUNS``:

- the peer, the chart as drawn before: PNG, a new figure each time, matplotlib's
  constrained layout fitting the margins (which draws every chart twice to save it);
- PNG on a new figure with the fixed margins of :mod:`tracker.output.style`;
- SVG (text as text) on a new figure;
- SVG on one figure emptied between charts, as the report's workers draw them.

    .venv/bin/python benchmarks/charts.py
"""

from __future__ import annotations

import platform
import time
from datetime import date
from pathlib import Path
from unittest import mock

import matplotlib

from tracker import compute_gaps, load_datasets, target_series
from tracker.output import plots
from tracker.output.style import DPI, SIZE, TrackerFigure, png, svg, tidy

SHIPPED = Path(__file__).resolve().parents[1] / "datasets"
AS_OF = "2026-11-30"
CHARTS = 200
RUNS = 3


def _fitted_figure(height: float = SIZE[1]):
    """A new figure as before issue 14's last change: the layout engine fits the margins."""
    figure = TrackerFigure(figsize=(SIZE[0], height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    tidy(axes, "y")
    return figure, axes


def _ms_per_chart(draw, jobs: list) -> tuple[float, int]:
    """Best of RUNS: milliseconds a chart, and the mean size of one in bytes."""
    best, size = float("inf"), 0
    for _ in range(RUNS):
        started = time.perf_counter()
        drawn = draw(jobs)
        best = min(best, (time.perf_counter() - started) / len(jobs))
        size = sum(map(len, drawn)) // len(drawn)
    return 1000 * best, size


def main() -> None:
    data = load_datasets(SHIPPED)
    gaps = compute_gaps(data, AS_OF)
    series = target_series(data, gaps, AS_OF)
    goals = [(row, series[series["target_id"] == row["target_id"]]) for _, row in gaps.iterrows()]
    jobs = (goals * (CHARTS // len(goals) + 1))[:CHARTS]

    def fitted_png(jobs):
        with mock.patch.object(plots, "new_figure", _fitted_figure):
            return [png(plots.progress_chart(row, points)) for row, points in jobs]

    ways = {
        "PNG, new figure, fitted layout (peer: before)": fitted_png,
        "PNG, new figure, fixed margins": lambda jobs: [
            png(plots.progress_chart(row, points)) for row, points in jobs
        ],
        "SVG, new figure, fixed margins": lambda jobs: [
            svg(plots.progress_chart(row, points)) for row, points in jobs
        ],
        "SVG, one figure emptied between charts (report)": lambda jobs: list(
            plots.progress_svgs(jobs)
        ),
    }
    print(
        f"{CHARTS} charts of the {len(goals)} shipped goals, best of {RUNS}; "
        f"{platform.machine()}, Python {platform.python_version()}, "
        f"matplotlib {matplotlib.__version__}; {date.today()}"
    )
    peer = None
    for label, draw in ways.items():
        ms, size = _ms_per_chart(draw, jobs)
        peer = peer or ms
        print(f"  {label:<50} {ms:6.1f} ms a chart  {size / 1024:5.1f} KiB  {ms / peer:.2f} x peer")


if __name__ == "__main__":
    main()
