"""Properties of the gap engine that must hold for any series (hypothesis)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import build, observation, target
from tracker.analysis.gaps import compute_gaps
from tracker.loading.datasets import Datasets
from tracker.loading.observation_tables import ObservationTable

AS_OF = date(2025, 6, 1)
#: Better statuses first: a higher history must never move a target down this list.
RANK = ["achieved", "on_track", "needs_acceleration", "off_track", "reversing"]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

growth = st.floats(min_value=0.01, max_value=0.5)
start = st.floats(min_value=10.0, max_value=5000.0)


def _series(first: float, rate: float, years=range(2019, 2025)) -> list[dict]:
    return [observation(y, first * (1 + rate) ** (y - years[0]), f"{y + 1}-02-01") for y in years]


@SETTINGS
@given(first=start, rate=growth, years_ahead=st.integers(min_value=1, max_value=8))
def test_growing_exactly_at_the_required_rate_meets_the_target(first, rate, years_ahead):
    series = _series(first, rate)
    baseline = first * (1 + rate) ** 5
    goal = baseline * (1 + rate) ** years_ahead
    data = build(series, [target(value_mn=round(goal, 6), deadline=str(2024 + years_ahead))])
    row = compute_gaps(data, AS_OF).iloc[0]
    # Values pass through 6-decimal text, so the rates agree to that precision.
    assert abs(row.gap_pp) < 1e-4
    assert abs(row.projected_usd_mn - goal) / goal < 1e-6
    assert row.status == "on_track"


@SETTINGS
@given(
    first=start,
    low=st.floats(min_value=-0.3, max_value=0.4),
    extra=st.floats(min_value=0.0, max_value=0.3),
)
def test_a_higher_history_never_gives_a_worse_status(first, low, extra):
    # Same baseline, a lower start value three years earlier = a higher growth.
    baseline = first

    def status(rate: float) -> str:
        obs = [
            observation(2021, baseline / (1 + rate) ** 3, "2022-02-01"),
            observation(2024, baseline, "2025-02-01"),
        ]
        data = build(obs, [target(value_mn=baseline * 3, deadline="2030")])
        return compute_gaps(data, AS_OF).iloc[0].status

    assert RANK.index(status(low + extra)) <= RANK.index(status(low))


@SETTINGS
@given(
    first=start,
    rate=growth,
    late=st.lists(st.floats(min_value=1.0, max_value=1e5), min_size=1, max_size=4),
)
def test_nothing_published_after_the_as_of_date_changes_the_result(first, rate, late):
    base = _series(first, rate)
    later = [
        observation(2024 - i, v, "2025-06-02", partner="TJK") | {"source_id": f"late{i}"}
        for i, v in enumerate(late)
    ]
    known = compute_gaps(build(base, [target()]), AS_OF)
    with_later = compute_gaps(
        build(base + later, [target(), target("t2", stated="2025-06-03", supersedes="t1")]),
        AS_OF,
    )
    pd.testing.assert_frame_equal(known, with_later)


@SETTINGS
@given(first=start, rate=growth, seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_shuffling_the_rows_changes_nothing(first, rate, seed):
    obs = [
        *_series(first, rate),
        observation(2023, first, "2024-03-01", reporter="TJK", partner="KAZ"),
    ]
    data = build(obs, [target(), target("t2", value_mn=900, deadline="")])
    shuffled = Datasets(
        sources=data.sources.sample(frac=1, random_state=seed),
        tables=tuple(
            ObservationTable(t.file, t.frame.sample(frac=1, random_state=seed)) for t in data.tables
        ),
        targets=data.targets.sample(frac=1, random_state=seed),
        fx_rates=data.fx_rates,
        directory=data.directory,
    )
    pd.testing.assert_frame_equal(compute_gaps(data, AS_OF), compute_gaps(shuffled, AS_OF))
