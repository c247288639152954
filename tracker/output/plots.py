"""Charts of where targets stand: one progress chart per target and an overview.

Pure functions from frames to :class:`~tracker.output.style.TrackerFigure` (the house
style is :mod:`tracker.output.style`).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from functools import cache

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from tracker.core.growth import compound
from tracker.core.units import format_usd_mn
from tracker.core.vocabulary import FORECAST, POTENTIAL
from tracker.loading.workers import cores
from tracker.output.style import (
    COLOURS,
    DPI,
    LABELS,
    SIZE,
    TrackerFigure,
    clear_chart,
    finish,
    new_figure,
    svg,
    tidy,
)

__all__ = [
    "MAX_AXIS_MULTIPLE",
    "broken_at_gaps",
    "overview_chart",
    "progress_chart",
    "progress_svgs",
]

#: Below this many charts, drawing them here beats handing them to worker processes.
_PARALLEL_FROM = 100
#: Chunks of charts per worker: small enough to balance, large enough to amortise.
_CHUNKS_PER_WORKER = 4
#: Years shown before the deadline when a chart has no series to set its left edge.
_EMPTY_SPAN_YEARS = 6
#: Top of the value axis at most this multiple of the highest value charted (reported
#: series, mirror, nowcast, target): a steep trend or required path is clipped at the
#: edge instead of flattening the figures it starts from.
MAX_AXIS_MULTIPLE = 3.0


def _path(start_year: int, start_value: float, end_year: int, rate: float):
    years = np.arange(start_year, end_year + 1)
    return years, compound(start_value, rate, years - start_year)


def broken_at_gaps(years, values) -> tuple[np.ndarray, np.ndarray]:
    """Years and values with a missing value (NaN) in the first year of every gap, so a
    line drawn through them breaks where years are missing instead of bridging them.

    Examples
    --------
    >>> years, values = broken_at_gaps([2017, 2020, 2021], [80.0, 900.0, 1000.0])
    >>> years.tolist(), values.tolist()
    ([2017.0, 2018.0, 2020.0, 2021.0], [80.0, nan, 900.0, 1000.0])
    """
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    gaps = np.flatnonzero(np.diff(years) > 1) + 1
    return np.insert(years, gaps, years[gaps - 1] + 1), np.insert(values, gaps, np.nan)


def _mark_preliminary(axes, points: pd.DataFrame, role: str) -> None:
    """Hollow markers over the years a news figure stands in for an official one."""
    preliminary = points[~points["is_official"].astype(bool)]
    if len(preliminary):
        shown = [line.get_label() for line in axes.get_lines()]
        axes.plot(
            preliminary["year"],
            preliminary["value_usd_mn"],
            marker="o" if role == "judged" else "s",
            markersize=8,
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor=COLOURS[role],
            # One legend entry for both series.
            label="_" + LABELS["preliminary"]
            if LABELS["preliminary"] in shown
            else LABELS["preliminary"],
        )


def progress_chart(
    row: pd.Series, series: pd.DataFrame, canvas: tuple[TrackerFigure, Axes] | None = None
) -> TrackerFigure:
    """A target's progress: reported series, mirror, target, required path and trend;
    preliminary years (news figures no release covers yet) as hollow markers, forecasts as
    hollow diamonds beside the series.

    Parameters
    ----------
    row : pandas.Series
        One row of :func:`tracker.analysis.gaps.compute_gaps`.
    series : pandas.DataFrame
        That target's rows of :func:`tracker.analysis.gaps.target_series`.
    canvas : tuple of TrackerFigure and Axes, optional
        A figure to draw on, emptied first (:func:`~tracker.output.style.clear_chart`);
        a new one when None.

    Returns
    -------
    TrackerFigure

    Examples
    --------
    >>> from tracker import compute_gaps, load_datasets, target_series
    >>> data = load_datasets("datasets")
    >>> gaps = compute_gaps(data, "2025-03-01")
    >>> row = gaps.set_index("chain_root").loc["kaz-tjk-2bn-2018"]
    >>> own = target_series(data, gaps[gaps["target_id"] == row["target_id"]], "2025-03-01")
    >>> figure = progress_chart(row, own)
    >>> figure.axes[0].get_title(loc="left")
    'KAZ–TJK total: $2bn by 2027'
    """
    figure, axes = new_figure() if canvas is None else (canvas[0], clear_chart(canvas[1]))
    for role, style in (("judged", "-o"), ("mirror", "--s")):
        points = series[series["role"] == role].sort_values("year")
        if len(points):
            label = LABELS[role].format(reporter=points["reporter"].iloc[0])
            axes.plot(
                *broken_at_gaps(points["year"], points["value_usd_mn"]),
                style,
                color=COLOURS[role],
                label=label,
                markersize=5,
                linewidth=1.8,
            )
            _mark_preliminary(axes, points, role)
    expected = series[series["role"] == FORECAST]
    if len(expected):
        axes.plot(
            expected["year"],
            expected["value_usd_mn"],
            marker="D",
            markersize=7,
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor=COLOURS[FORECAST],
            label=LABELS[FORECAST],
        )

    deadline, target = int(row["deadline_year"]), float(row["target_usd_mn"])
    charted = [target, *series["value_usd_mn"], row["nowcast_usd_mn"]]
    ceiling = MAX_AXIS_MULTIPLE * np.nanmax(np.asarray(charted, dtype=float))
    assumed = bool(row["is_deadline_assumed"])
    first = int(series["year"].min()) if len(series) else deadline - _EMPTY_SPAN_YEARS
    axes.set_xlim(first - 0.5, deadline + 0.5)
    pair = f"{row['country_a']}–{row['country_b']}"
    if row["kind"] == POTENTIAL:  # an estimate has no deadline to mark
        axes.axhline(target, color=COLOURS["target"], linestyle="-.", label=LABELS["potential"])
        axes.set_title(
            f"{pair} {row['flow']}: potential of {format_usd_mn(target, compact=True)}",
            loc="left",
            fontsize=11,
        )
        return finish(figure, axes, ceiling)
    axes.plot(
        [deadline],
        [target],
        marker="*",
        markersize=14,
        linestyle="none",
        color=COLOURS["target"],
        markerfacecolor="white" if assumed else COLOURS["target"],
        label=LABELS["target"],
    )
    if assumed:
        axes.axvline(
            deadline,
            color=COLOURS["assumed"],
            linestyle=":",
            linewidth=1.2,
            label=LABELS["assumed"].format(year=deadline),
        )

    if pd.notna(row["baseline_year"]) and deadline > row["baseline_year"]:
        base_year, base = int(row["baseline_year"]), float(row["baseline_usd_mn"])
        for role, column, style in (
            ("required", "growth_req_pct", ":"),
            ("projection", "growth_hist_pct", "--"),
        ):
            if pd.notna(row[column]):
                rate = row[column] / 100
                axes.plot(
                    *_path(base_year, base, deadline, rate),
                    linestyle=style,
                    color=COLOURS[role],
                    label=LABELS[role].format(rate=100 * rate),
                )
    if pd.notna(row["nowcast_usd_mn"]):
        year = int(row["nowcast_year"])
        axes.plot(
            [year],
            [row["nowcast_usd_mn"]],
            marker="D",
            linestyle="none",
            markerfacecolor="white",
            color=COLOURS["nowcast"],
            label=LABELS["nowcast"].format(year=year),
        )

    due = f"by {deadline}" + (" (assumed)" if assumed else "")
    axes.set_title(
        f"{pair} {row['flow']}: {format_usd_mn(target, compact=True)} {due}",
        loc="left",
        fontsize=11,
    )
    return finish(figure, axes, ceiling)


def overview_chart(gaps: pd.DataFrame) -> TrackerFigure:
    """All judged targets: share achieved, and required against historical growth.

    Targets without a baseline, and potentials, are left out: they have neither.

    Examples
    --------
    >>> from tracker import compute_gaps, load_datasets
    >>> figure = overview_chart(compute_gaps(load_datasets("datasets"), "2025-03-01"))
    >>> [axes.get_xlabel() for axes in figure.axes]
    ['share of target reached (baseline / target)', 'growth, % a year']
    """
    judged = gaps[gaps["baseline_usd_mn"].notna() & (gaps["kind"] != POTENTIAL)]
    judged = judged.sort_values("target_id", ascending=False)
    height = max(2.5, 0.45 * len(judged) + 1.5)
    figure = TrackerFigure(figsize=(SIZE[0], height), dpi=DPI, layout="constrained")
    share_axes, growth_axes = figure.subplots(1, 2, sharey=True)
    labels = judged["target_id"].tolist()
    positions = np.arange(len(judged))

    share_axes.barh(positions, judged["share_achieved"], color=COLOURS["judged"], height=0.6)
    share_axes.axvline(1.0, color=COLOURS["target"], linewidth=1.2)
    share_axes.set_yticks(positions, labels, fontsize=8)
    share_axes.set_xlabel("share of target reached (baseline / target)")
    share_axes.xaxis.set_major_formatter(PercentFormatter(1.0))

    growth_axes.hlines(
        positions,
        judged["growth_hist_pct"],
        judged["growth_req_pct"],
        color=COLOURS["assumed"],
        linewidth=1.5,
    )
    growth_axes.plot(
        judged["growth_hist_pct"],
        positions,
        "o",
        color=COLOURS["projection"],
        label="historical growth",
    )
    growth_axes.plot(
        judged["growth_req_pct"], positions, "D", color=COLOURS["required"], label="required growth"
    )
    growth_axes.axvline(0, color="#bbbbbb", linewidth=0.8)
    growth_axes.set_xlabel("growth, % a year")
    growth_axes.legend(fontsize=8, frameon=False, loc="lower right")
    for axes in (share_axes, growth_axes):
        tidy(axes, "x")
    return figure


@cache
def _canvas() -> tuple[TrackerFigure, Axes]:
    """This process's figure for the goals' charts, drawn on again for each."""
    return new_figure()


def _chart_svg(job: tuple[pd.Series, pd.DataFrame]) -> bytes:
    """One goal's progress chart as SVG bytes (in a worker process, or this one)."""
    row, points = job
    return svg(progress_chart(row, points, _canvas()))


def progress_svgs(jobs: list, pool: Executor | None = None) -> Iterator[bytes]:
    """Every goal's progress chart as SVG bytes, in the order of ``jobs`` (pairs of a gap
    table row and its series).

    With a ``pool`` of processes (one per core) and at least ``_PARALLEL_FROM`` charts,
    its workers start drawing them at once, and the caller goes on with other work until
    it takes the charts from the iterator. Otherwise each chart is drawn here as the
    iterator reaches it. Either way, a chart that cannot be drawn raises there.

    Examples
    --------
    >>> from tracker import compute_gaps, load_datasets, target_series
    >>> data = load_datasets("datasets")
    >>> gaps = compute_gaps(data, "2025-03-01").head(2)
    >>> series = target_series(data, gaps, "2025-03-01")
    >>> jobs = [(row, series[series["target_id"] == row["target_id"]])
    ...     for _, row in gaps.iterrows()]
    >>> [chart[:5] for chart in progress_svgs(jobs)]
    [b'<?xml', b'<?xml']
    """
    if pool is None or len(jobs) < _PARALLEL_FROM:
        return map(_chart_svg, jobs)
    chunk = max(1, len(jobs) // (cores() * _CHUNKS_PER_WORKER))
    return pool.map(_chart_svg, jobs, chunksize=chunk)
