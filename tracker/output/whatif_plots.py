"""Charts for what-if analysis: scenario paths, a fan of simulated paths, a sensitivity
heat map. Pure functions from frames to :class:`~tracker.output.style.TrackerFigure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from tracker.core.growth import is_met
from tracker.core.units import format_usd_mn
from tracker.output.style import COLOURS, LABELS, TrackerFigure, finish, new_figure

__all__ = ["FAN_BANDS", "fan_chart", "scenario_chart", "sensitivity_heatmap"]

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


def scenario_chart(row: pd.Series, series: pd.DataFrame, paths: pd.DataFrame) -> TrackerFigure:
    """Scenario paths from the baseline against the target.

    Parameters
    ----------
    row, series
        As for :func:`tracker.output.plots.progress_chart`.
    paths : pandas.DataFrame
        :func:`tracker.analysis.whatif.project_target` output: ``scenario``, ``year``,
        ``value_usd_mn``.

    Examples
    --------
    >>> from tracker import Scenario, load_datasets, project_target, target_view
    >>> row, series = target_view(load_datasets("datasets"), "kaz-tjk-2bn-2018", "2025-03-01")
    >>> paths = project_target(row, [Scenario("flat"), Scenario("+10%", 0.1)])
    >>> [line.get_label() for line in scenario_chart(row, series, paths).axes[0].lines][1:3]
    ['flat', '+10%']
    """
    figure, axes = new_figure()
    _history(axes, series)
    for colour, (name, path) in zip(
        _SCENARIO_COLOURS, paths.groupby("scenario", sort=False), strict=False
    ):
        axes.plot(path["year"], path["value_usd_mn"], "--", color=colour, label=name)
    deadline = int(paths["year"].max())
    _target_marker(axes, row, deadline)
    pair = f"{row['country_a']}–{row['country_b']}"
    target = format_usd_mn(row["target_usd_mn"], compact=True)
    axes.set_title(
        f"{pair} {row['flow']}: scenarios to {target} by {deadline}",
        loc="left",
        fontsize=11,
    )
    return finish(figure, axes)


#: The heat map's colour scale ends here: beyond 150% of the target, more is not news.
_HEATMAP_TOP = 1.5
#: Percentile bands of the fan chart, outer to inner.
FAN_BANDS = ((5, 95), (25, 75))
#: Opacity of each band: the inner band darker.
_FAN_ALPHAS = (0.18, 0.35)


def fan_chart(row: pd.Series, series: pd.DataFrame, probability) -> TrackerFigure:
    """Simulated paths as percentile bands, with the median and the target.

    ``probability`` is a :class:`tracker.analysis.whatif.Probability`. When it is
    unavailable (too little history), the chart shows the history and the target and
    says why in its title, rather than inventing a fan.

    Examples
    --------
    >>> from tracker import load_datasets, meet_probability, target_view
    >>> row, series = target_view(load_datasets("datasets"), "kaz-tjk-2bn-2018", "2025-03-01")
    >>> chance = meet_probability(row, series, simulations=200, seed=1)
    >>> axes = fan_chart(row, series, chance).axes[0]
    >>> len(axes.collections)  # the two percentile bands
    2
    """
    figure, axes = new_figure()
    _history(axes, series)
    pair = f"{row['country_a']}–{row['country_b']}"
    if probability.probability is None:
        _target_marker(axes, row, int(row["deadline_year"]))
        axes.set_title(
            f"{pair} {row['flow']}: no fan, {probability.reason}", loc="left", fontsize=9, wrap=True
        )
        return finish(figure, axes)
    base_year, base = int(row["baseline_year"]), float(row["baseline_usd_mn"])
    years = np.concatenate([[base_year], probability.years])
    paths = np.hstack([np.full((len(probability.paths), 1), base), probability.paths])
    for (low, high), alpha in zip(FAN_BANDS, _FAN_ALPHAS, strict=True):
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
    axes.set_title(
        f"{pair} {row['flow']}: {probability.simulations:,} resampled paths, "
        f"P(target met) = {probability.probability:.0%}",
        loc="left",
        fontsize=11,
    )
    return finish(figure, axes)


def sensitivity_heatmap(grid: pd.DataFrame) -> TrackerFigure:
    """Growth rate against deadline, coloured by the share of the target reached.

    ``grid`` is :func:`tracker.analysis.whatif.sensitivity` output; cells that meet the
    target are marked with a tick.

    Examples
    --------
    >>> from tracker import sensitivity
    >>> row = pd.Series({"baseline_year": 2024, "baseline_usd_mn": 1000.0,
    ...     "target_usd_mn": 1210.0})
    >>> axes = sensitivity_heatmap(sensitivity(row, [0.0, 0.1], [2026])).axes[0]
    >>> [text.get_text() for text in axes.texts]
    ['83%', '100% ✓']
    """
    table = grid.pivot(index="growth_pct", columns="deadline_year", values="share_of_target")
    figure, axes = new_figure()
    axes.grid(False)
    image = axes.imshow(
        table.to_numpy(), cmap="cividis", vmin=0, vmax=_HEATMAP_TOP, aspect="auto", origin="lower"
    )
    axes.set_xticks(range(len(table.columns)), [str(c) for c in table.columns])
    axes.set_yticks(range(len(table.index)), [f"{g:g}%" for g in table.index])
    for (i, j), share in np.ndenumerate(table.to_numpy()):
        text = f"{share:.0%}" + (" ✓" if is_met(share, 1.0) else "")
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
