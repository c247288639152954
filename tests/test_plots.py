"""Charts, inspected through their Axes under Agg: the data drawn, not the pixels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from tests.builders import build, observation, target
from tests.conftest import SHIPPED, CountingPool, fits_in_figure
from tracker import compute_gaps, load_datasets
from tracker.analysis.gaps import target_series
from tracker.loading.workers import worker_pool
from tracker.output import plots
from tracker.output.plots import overview_chart, progress_chart, progress_svgs
from tracker.output.style import LABELS, svg

AS_OF = date(2024, 9, 1)


@pytest.fixture(scope="module")
def charted():
    data = build(
        [
            observation(2021, 800, "2022-02-01"),
            observation(2022, 900, "2023-02-01"),
            observation(2023, 1000, "2024-02-01"),
            observation(2023, 700, "2024-03-01", reporter="TJK", partner="KAZ"),
            observation("2023-01/2023-06", 400, "2023-08-01"),
            observation("2024-01/2024-06", 460, "2024-08-01"),
        ],
        [
            target(value_mn=2000, deadline="2027"),
            target("t2", value_mn=1500, deadline="", stated="2022-03-01", country_b="PAK"),
        ],
    )
    gaps = compute_gaps(data, AS_OF)
    return gaps, target_series(data, gaps, AS_OF)


def _line(axes, label_start: str):
    lines = [line for line in axes.get_lines() if line.get_label().startswith(label_start)]
    assert len(lines) == 1, [line.get_label() for line in axes.get_lines()]
    return lines[0]


def _chart(charted, target_id):
    gaps, series = charted
    row = gaps.set_index("target_id", drop=False).loc[target_id]
    return row, progress_chart(row, series[series.target_id == target_id]).axes[0]


def test_reported_and_mirror_series_equal_the_data(charted):
    _, axes = _chart(charted, "t1")
    judged = _line(axes, "reported by KAZ")
    assert list(judged.get_xdata()) == [2021, 2022, 2023]
    assert list(judged.get_ydata()) == [800, 900, 1000]
    mirror = _line(axes, "mirror: reported by TJK")
    assert list(mirror.get_xdata()) == [2023] and list(mirror.get_ydata()) == [700]


def test_preliminary_years_are_hollow_markers(charted):
    """The builders' figures all come from news: every year is drawn hollow, once in the
    legend."""
    _, axes = _chart(charted, "t1")
    hollow = _line(axes, "preliminary")
    assert list(hollow.get_xdata()) == [2021, 2022, 2023]
    assert hollow.get_markerfacecolor() == "white" and hollow.get_linestyle() == "None"
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend.count("preliminary: a reported figure, no release yet") == 1


def test_target_marker_sits_at_deadline_and_value(charted):
    _, axes = _chart(charted, "t1")
    marker = _line(axes, LABELS["target"])
    assert list(marker.get_xdata()) == [2027] and list(marker.get_ydata()) == [2000]
    assert marker.get_markerfacecolor() != "white"  # a stated deadline: filled


def test_required_path_and_trend_start_at_the_baseline(charted):
    _, axes = _chart(charted, "t1")
    required = _line(axes, "required path")
    years, values = required.get_xdata(), required.get_ydata()
    assert (years[0], values[0]) == (2023, pytest.approx(1000))
    assert (years[-1], values[-1]) == (2027, pytest.approx(2000))
    trend = _line(axes, "current trend")
    g_hist = (1000 / 800) ** (1 / 2) - 1
    assert trend.get_ydata()[-1] == pytest.approx(1000 * (1 + g_hist) ** 4)


def test_nowcast_is_a_distinct_marker(charted):
    _, axes = _chart(charted, "t1")
    nowcast = _line(axes, "nowcast 2024")
    assert list(nowcast.get_xdata()) == [2024]
    assert nowcast.get_ydata()[0] == pytest.approx(1000 * 460 / 400)
    assert nowcast.get_marker() == "D" and nowcast.get_linestyle() == "None"


def test_assumed_deadline_is_marked_as_assumed(charted):
    row, axes = _chart(charted, "t2")
    assert row.is_deadline_assumed
    assumed = _line(axes, "assumed deadline 2027")
    assert list(assumed.get_xdata()) == [2027, 2027]  # a vertical line
    assert _line(axes, LABELS["target"]).get_markerfacecolor() == "white"
    assert "(assumed)" in axes.get_title(loc="left")


def test_axes_are_labelled_with_units(charted):
    _, axes = _chart(charted, "t1")
    assert axes.get_xlabel() == "year"
    assert "US$" in axes.get_ylabel()


def test_overview_bars_are_the_shares_achieved(charted):
    gaps, _ = charted
    figure = overview_chart(gaps)
    share_axes = figure.axes[0]
    judged = gaps[gaps.baseline_usd_mn.notna()].sort_values("target_id", ascending=False)
    widths = [patch.get_width() for patch in share_axes.patches]
    assert np.allclose(widths, judged.share_achieved)
    assert [t.get_text() for t in share_axes.get_yticklabels()] == list(judged.target_id)


def _single_chart(observations, **target_fields):
    data = build(observations, [target(**target_fields)])
    gaps = compute_gaps(data, AS_OF)
    row = gaps.iloc[0]
    return row, progress_chart(row, target_series(data, gaps, AS_OF)).axes[0]


def test_the_reported_line_breaks_where_years_are_missing():
    """2018 and 2019 are missing: the line stops at 2017 and starts again at 2020."""
    _, axes = _single_chart(
        [
            observation(2017, 500, "2018-02-01"),
            observation(2020, 800, "2021-02-01"),
            observation(2021, 900, "2022-02-01"),
        ]
    )
    judged = _line(axes, "reported by KAZ")
    assert list(judged.get_xdata()) == [2017, 2018, 2020, 2021]
    values = judged.get_ydata()
    assert values[0] == 500 and np.isnan(values[1]) and list(values[2:]) == [800, 900]
    assert judged.get_marker() == "o"  # every reported year keeps its marker
    assert list(_line(axes, "preliminary").get_xdata()) == [2017, 2020, 2021]


def test_a_steep_trend_is_clipped_at_three_times_the_highest_figure():
    """Doubling a year from 400 in 2023 gives 400 * 2**7 = 51,200 in 2030; the axis stops at
    3 * max(400, target 1,000) = 3,000, and the trend is clipped there."""
    _, axes = _single_chart(
        [
            observation(2021, 100, "2022-02-01"),
            observation(2022, 200, "2023-02-01"),
            observation(2023, 400, "2024-02-01"),
        ],
        value_mn=1000,
        deadline="2030",
    )
    trend = _line(axes, "current trend")
    assert trend.get_ydata()[-1] == pytest.approx(400 * 2**7)
    assert axes.get_ylim() == (0, pytest.approx(3 * 1000))
    assert trend.get_clip_on()


def test_the_ceiling_does_not_squeeze_an_ordinary_chart(charted):
    """t1's highest value is its target, 2,000: the axis keeps its headroom above it, well
    under the 6,000 ceiling."""
    _, axes = _chart(charted, "t1")
    assert 2000 < axes.get_ylim()[1] < 3 * 2000


def test_charts_drawn_by_a_pool_are_those_drawn_here_in_order(charted, monkeypatch):
    gaps, series = charted
    jobs = [(row, series[series["target_id"] == row["target_id"]]) for _, row in gaps.iterrows()]
    jobs = [*jobs, *jobs[::-1]]  # two goals, in both orders
    here = list(progress_svgs(jobs))
    assert here[0] != here[1] and here[0] == here[3] and here[0].startswith(b"<?xml")
    with CountingPool(1) as pool:  # one thread: matplotlib's settings are process-wide
        assert list(progress_svgs(jobs, pool)) == here and pool.batches == 0  # too few
        monkeypatch.setattr(plots, "_PARALLEL_FROM", len(jobs))
        assert list(progress_svgs(jobs, pool)) == here and pool.batches == 1


@pytest.fixture(scope="module")
def shipped_jobs():
    """Every shipped goal's chart job, then the same in reverse: each kind of chart (with
    and without a mirror, potentials, assumed deadlines) drawn after each other kind."""
    data = load_datasets(SHIPPED)
    gaps = compute_gaps(data, "2026-11-30")
    series = target_series(data, gaps, "2026-11-30")
    jobs = [(row, series[series["target_id"] == row["target_id"]]) for _, row in gaps.iterrows()]
    return [*jobs, *jobs[::-1]]


def test_a_chart_drawn_on_a_used_figure_is_the_chart_drawn_on_a_new_one(shipped_jobs):
    fresh = [svg(progress_chart(row, points)) for row, points in shipped_jobs]
    assert len(set(fresh)) == len(shipped_jobs) // 2  # each goal's chart is its own
    assert list(progress_svgs(shipped_jobs)) == fresh


def test_charts_drawn_by_spawned_workers_are_those_drawn_here(shipped_jobs, monkeypatch):
    jobs = shipped_jobs[:6]
    monkeypatch.setattr(plots, "_PARALLEL_FROM", len(jobs))
    with worker_pool(2) as pool:
        assert list(progress_svgs(jobs, pool)) == list(progress_svgs(jobs))


def test_a_chart_of_trillions_fits_in_its_fixed_margins(charted):
    """The widest dollar ticks (a thousand-fold unit slip on a large pair: "$10,000bn")
    and their axis label stay inside the figure."""
    gaps, series = charted
    row = gaps.iloc[0].copy()
    row["target_usd_mn"] = 9_000_000.0
    figure = progress_chart(row, series[series["target_id"] == row["target_id"]])
    assert fits_in_figure(figure)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert max(map(len, labels)) >= len("$10,000bn"), labels
