"""What-if charts, read back from their Axes: the numbers drawn are the numbers given."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from tests.conftest import fits_in_figure
from tracker import Probability, Scenario, project_target, sensitivity
from tracker.output.style import LABELS, TrackerFigure
from tracker.output.whatif_plots import FAN_BANDS, fan_chart, scenario_chart, sensitivity_heatmap

ROW = pd.Series(
    {
        "target_id": "t1",
        "country_a": "KAZ",
        "country_b": "TJK",
        "flow": "total",
        "target_usd_mn": 2000.0,
        "deadline_year": 2027,
        "baseline_year": 2024,
        "baseline_usd_mn": 1000.0,
        "judged_by": "KAZ",
    }
)
SERIES = pd.DataFrame(
    {
        "role": ["judged", "judged", "mirror"],
        "reporter": ["KAZ", "KAZ", "TJK"],
        "year": [2023, 2024, 2024],
        "value_usd_mn": [900.0, 1000.0, 800.0],
    }
)


def _line(axes, label):
    return next(line for line in axes.lines if line.get_label() == label)


def test_scenario_paths_compound_from_the_baseline():
    paths = project_target(
        ROW, [Scenario("ten", 0.1), Scenario("shock", 0.0, shock_year=2026, shock=-0.5)]
    )
    axes = scenario_chart(ROW, SERIES, paths).axes[0]
    ten = _line(axes, "ten")
    assert list(ten.get_xdata()) == [2024, 2025, 2026, 2027]
    np.testing.assert_allclose(ten.get_ydata(), [1000, 1100, 1210, 1331])
    np.testing.assert_allclose(_line(axes, "shock").get_ydata(), [1000, 1000, 500, 500])
    # History shows the judged series only; the target sits at (deadline, value).
    history = _line(axes, LABELS["judged"].format(reporter="KAZ"))
    np.testing.assert_allclose(history.get_ydata(), [900, 1000])
    target = _line(axes, LABELS["target"])
    assert (list(target.get_xdata()), list(target.get_ydata())) == ([2027], [2000.0])


def _probability(paths: np.ndarray) -> Probability:
    rates = pd.Series([0.1, 0.2, 0.3], index=[2022, 2023, 2024])
    met = float(np.mean(paths[:, -1] >= 2000))
    return Probability(met, len(paths), 7, rates, "", paths, np.array([2025, 2026, 2027]))


def test_fan_bands_are_the_percentiles_of_the_paths():
    # 101 paths whose deadline values run 1000, 1010, ..., 2000.
    steps = np.arange(101.0)
    paths = np.column_stack([1000 + steps, 1000 + 2 * steps, 1000 + 10 * steps])
    axes = fan_chart(ROW, SERIES, _probability(paths)).axes[0]
    bands = [c for c in axes.collections if isinstance(c, PolyCollection)]
    assert len(bands) == len(FAN_BANDS)
    for band, (low, high) in zip(bands, FAN_BANDS, strict=True):
        vertices = band.get_paths()[0].vertices
        at_deadline = vertices[np.isclose(vertices[:, 0], 2027), 1]
        # With values 1000 + 10 k for k = 0..100, the p-th percentile is 1000 + 10 p.
        assert sorted(set(np.round(at_deadline, 6))) == [1000 + 10 * low, 1000 + 10 * high]
    median = _line(axes, "median")
    np.testing.assert_allclose(median.get_ydata(), [1000, 1050, 1100, 1500])
    # Only the last path (k = 100) reaches 2000 exactly, which counts as met: 1 of 101.
    assert f"P(target met) = {1 / 101:.0%}" in axes.get_title(loc="left")


def test_fan_without_a_probability_says_why_and_draws_no_bands():
    unavailable = Probability(None, 100, 0, pd.Series(dtype=float), "only 1 rate")
    axes = fan_chart(ROW, SERIES, unavailable).axes[0]
    assert not [c for c in axes.collections if isinstance(c, PolyCollection)]
    assert "only 1 rate" in axes.get_title(loc="left")


def test_heatmap_cells_are_the_shares_of_the_target():
    grid = sensitivity(ROW, [0.0, 0.5], [2025, 2026])
    axes = sensitivity_heatmap(grid).axes[0]
    image = axes.images[0].get_array()
    # Rows are growth rates, columns deadlines: 1000 * 1.5 ** years / 2000.
    np.testing.assert_allclose(image, [[0.5, 0.5], [1500 / 2000, 2250 / 2000]])
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2025", "2026"]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["0%", "50%"]
    assert [t.get_text() for t in axes.texts] == ["50%", "50%", "75%", "112% ✓"]


@pytest.mark.parametrize("chart", ["scenario", "fan", "heatmap"])
def test_figures_show_themselves_in_a_notebook(chart):
    from IPython.core.interactiveshell import InteractiveShell

    figures = {
        "scenario": lambda: scenario_chart(ROW, SERIES, project_target(ROW, [Scenario("s")])),
        "fan": lambda: fan_chart(ROW, SERIES, Probability(None, 1, 0, pd.Series(dtype=float))),
        "heatmap": lambda: sensitivity_heatmap(sensitivity(ROW, [0.1], [2026])),
    }
    figure = figures[chart]()
    assert isinstance(figure, TrackerFigure)
    shown, _ = InteractiveShell.instance().display_formatter.format(figure)
    assert shown["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("chart", ["scenario", "fan", "heatmap"])
def test_the_what_if_charts_fit_in_their_fixed_margins(chart):
    """The margins are fixed, not fitted to each chart: the longest titles and labels the
    charts draw (the wrapped "no fan" title, the colour bar) must still fit."""
    figures = {
        "scenario": lambda: scenario_chart(ROW, SERIES, project_target(ROW, [Scenario("s")])),
        "fan": lambda: fan_chart(ROW, SERIES, Probability(None, 1, 0, pd.Series(dtype=float))),
        "heatmap": lambda: sensitivity_heatmap(sensitivity(ROW, [0.1, 0.2], [2026, 2030])),
    }
    assert fits_in_figure(figures[chart]())
