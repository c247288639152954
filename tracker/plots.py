"""Charts of where targets stand: one progress chart per target and an overview.

Pure functions from frames to matplotlib Figures, built without pyplot (no window, no
global state; PNGs render through Agg). One style for every chart: the Okabe-Ito
colour-blind-safe palette, axes labelled with units, sized for an e-mail (7 x 4 inches at
100 dpi = 700 pixels wide).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

__all__ = [
    "COLOURS",
    "FAN_BANDS",
    "LABELS",
    "fan_chart",
    "overview_chart",
    "progress_chart",
    "scenario_chart",
    "sensitivity_heatmap",
]

#: Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency.
COLOURS = {
    "judged": "#0072B2",  # blue
    "mirror": "#E69F00",  # orange
    "target": "#D55E00",  # vermillion
    "required": "#000000",  # black
    "projection": "#009E73",  # bluish green
    "nowcast": "#CC79A7",  # reddish purple
    "assumed": "#999999",  # grey
}
#: Legend text of each element; tests find lines by these labels.
LABELS = {
    "judged": "reported by {reporter}",
    "mirror": "mirror: reported by {reporter}",
    "target": "target",
    "required": "required path ({rate:+.1f}% a year)",
    "projection": "current trend ({rate:+.1f}% a year)",
    "nowcast": "nowcast {year} (year to date)",
    "assumed": "assumed deadline {year}",
    "potential": "potential (an estimate, not judged)",
}
#: Years shown before the deadline when a chart has no series to set its left edge.
_EMPTY_SPAN_YEARS = 6
#: Top of the value axis as a multiple of the highest value drawn.
_HEADROOM = 1.25
_SIZE = (7.0, 4.0)
_DPI = 100


def _usd(value: float, _position=None) -> str:
    """Axis ticks in US dollars: $950m, $1.2bn."""
    if abs(value) >= 1000:
        return f"${value / 1000:,.2f}".rstrip("0").rstrip(".") + "bn"
    return f"${value:,.0f}m"


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=_SIZE, dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _path(start_year: int, start_value: float, end_year: int, rate: float):
    years = np.arange(start_year, end_year + 1)
    return years, start_value * (1 + rate) ** (years - start_year)


def progress_chart(row: pd.Series, series: pd.DataFrame) -> Figure:
    """A target's progress: reported series, mirror, target, required path and trend.

    Parameters
    ----------
    row : pandas.Series
        One row of :func:`tracker.gaps.compute_gaps`.
    series : pandas.DataFrame
        That target's rows of :func:`tracker.gaps.target_series`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, axes = _figure()
    for role, style in (("judged", "-o"), ("mirror", "--s")):
        points = series[series["role"] == role].sort_values("year")
        if len(points):
            label = LABELS[role].format(reporter=points["reporter"].iloc[0])
            axes.plot(
                points["year"],
                points["value_usd_mn"],
                style,
                color=COLOURS[role],
                label=label,
                markersize=5,
                linewidth=1.8,
            )

    deadline, target = int(row["deadline_year"]), float(row["target_usd_mn"])
    assumed = bool(row["is_deadline_assumed"])
    first = int(series["year"].min()) if len(series) else deadline - _EMPTY_SPAN_YEARS
    axes.set_xlim(first - 0.5, deadline + 0.5)
    pair = f"{row['country_a']}–{row['country_b']}"
    if row["kind"] == "potential":  # an estimate has no deadline to mark
        axes.axhline(target, color=COLOURS["target"], linestyle="-.", label=LABELS["potential"])
        axes.set_title(
            f"{pair} {row['flow']}: potential of {_usd(target)}", loc="left", fontsize=11
        )
        return _finish(figure, axes)
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
    axes.set_title(f"{pair} {row['flow']}: {_usd(target)} {due}", loc="left", fontsize=11)
    return _finish(figure, axes)


def _finish(figure: Figure, axes: Axes) -> Figure:
    axes.set_xlabel("year")
    axes.set_ylabel("trade, US$ (current)")
    axes.yaxis.set_major_formatter(FuncFormatter(_usd))
    axes.xaxis.get_major_locator().set_params(integer=True)
    # Room above the highest line for the legend, which sits top left.
    axes.set_ylim(0, axes.get_ylim()[1] * _HEADROOM)
    axes.legend(fontsize=8, frameon=False, loc="upper left")
    return figure


def overview_chart(gaps: pd.DataFrame) -> Figure:
    """All judged targets: share achieved, and required against historical growth.

    Targets without a baseline, and potentials, are left out: they have neither.
    """
    judged = gaps[gaps["baseline_usd_mn"].notna() & (gaps["kind"] == "target")]
    judged = judged.sort_values("target_id", ascending=False)
    height = max(2.5, 0.45 * len(judged) + 1.5)
    figure = Figure(figsize=(_SIZE[0], height), dpi=_DPI, layout="constrained")
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
        axes.grid(axis="x", color="#dddddd", linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    return figure


#: Colours for scenarios, in order, after the colours the progress chart already uses.
_SCENARIO_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00")


def _history(axes: Axes, series: pd.DataFrame) -> None:
    judged = series[series["role"] == "judged"].sort_values("year")
    if len(judged):
        axes.plot(
            judged["year"],
            judged["value_usd_mn"],
            "-o",
            color="#444444",
            markersize=4,
            label=LABELS["judged"].format(reporter=judged["reporter"].iloc[0]),
        )


def _target_marker(axes: Axes, row: pd.Series, deadline: int) -> None:
    axes.plot(
        [deadline],
        [float(row["target_usd_mn"])],
        marker="*",
        markersize=14,
        linestyle="none",
        color=COLOURS["target"],
        label=LABELS["target"],
    )


def scenario_chart(row: pd.Series, series: pd.DataFrame, paths: pd.DataFrame) -> Figure:
    """Scenario paths from the baseline against the target.

    Parameters
    ----------
    row, series
        As for :func:`progress_chart`.
    paths : pandas.DataFrame
        :func:`tracker.whatif.project_target` output: ``scenario``, ``year``,
        ``value_usd_mn``.
    """
    figure, axes = _figure()
    _history(axes, series)
    for colour, (name, path) in zip(
        _SCENARIO_COLOURS, paths.groupby("scenario", sort=False), strict=False
    ):
        axes.plot(path["year"], path["value_usd_mn"], "--", color=colour, label=name)
    deadline = int(paths["year"].max())
    _target_marker(axes, row, deadline)
    pair = f"{row['country_a']}–{row['country_b']}"
    axes.set_title(
        f"{pair} {row['flow']}: scenarios to {_usd(row['target_usd_mn'])} by {deadline}",
        loc="left",
        fontsize=11,
    )
    return _finish(figure, axes)


#: The heat map's colour scale ends here: beyond 150% of the target, more is not news.
_HEATMAP_TOP = 1.5
#: Percentile bands of the fan chart, outer to inner.
FAN_BANDS = ((5, 95), (25, 75))


def fan_chart(row: pd.Series, series: pd.DataFrame, probability) -> Figure:
    """Simulated paths as percentile bands, with the median and the target.

    ``probability`` is a :class:`tracker.whatif.Probability` with paths.
    """
    figure, axes = _figure()
    _history(axes, series)
    base_year, base = int(row["baseline_year"]), float(row["baseline_usd_mn"])
    years = np.concatenate([[base_year], probability.years])
    paths = np.hstack([np.full((len(probability.paths), 1), base), probability.paths])
    for (low, high), alpha in zip(FAN_BANDS, (0.18, 0.35), strict=True):
        axes.fill_between(
            years,
            np.percentile(paths, low, axis=0),
            np.percentile(paths, high, axis=0),
            color=COLOURS["judged"],
            alpha=alpha,
            linewidth=0,
            label=f"{low}th–{high}th percentile",
        )
    axes.plot(years, np.median(paths, axis=0), color=COLOURS["judged"], label="median")
    _target_marker(axes, row, int(years[-1]))
    pair = f"{row['country_a']}–{row['country_b']}"
    axes.set_title(
        f"{pair} {row['flow']}: {probability.simulations:,} resampled paths, "
        f"P(target met) = {probability.probability:.0%}",
        loc="left",
        fontsize=11,
    )
    return _finish(figure, axes)


def sensitivity_heatmap(grid: pd.DataFrame) -> Figure:
    """Growth rate against deadline, coloured by the share of the target reached.

    ``grid`` is :func:`tracker.whatif.sensitivity` output; cells that meet the target are
    marked with a tick.
    """
    table = grid.pivot(index="growth_pct", columns="deadline_year", values="share_of_target")
    figure, axes = _figure()
    axes.grid(False)
    image = axes.imshow(
        table.to_numpy(), cmap="cividis", vmin=0, vmax=_HEATMAP_TOP, aspect="auto", origin="lower"
    )
    axes.set_xticks(range(len(table.columns)), [str(c) for c in table.columns])
    axes.set_yticks(range(len(table.index)), [f"{g:g}%" for g in table.index])
    for (i, j), share in np.ndenumerate(table.to_numpy()):
        text = f"{share:.0%}" + (" ✓" if share >= 1 else "")
        axes.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=8,
            color="black" if share > 0.75 else "white",
        )
    colourbar = figure.colorbar(image, ax=axes, format=PercentFormatter(1.0))
    colourbar.set_label("projected value / target")
    axes.set_xlabel("deadline year")
    axes.set_ylabel("growth, % a year")
    axes.set_title(
        "Share of the target reached by growth rate and deadline", loc="left", fontsize=11
    )
    return figure
