"""The gap engine against hand calculations (SPEC section 5)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from tests.builders import build, observation, target
from tests.conftest import SHIPPED, write_dataset
from tracker import load_datasets
from tracker.analysis.gaps import GapParams, compute_gaps


@pytest.fixture(scope="module")
def shipped():
    return load_datasets(SHIPPED)


def _row(gaps, target_id):
    rows = gaps[gaps.target_id == target_id]
    assert len(rows) == 1, list(gaps.target_id)
    return rows.iloc[0]


#: Kazakhstan-Tajikistan turnover in the BNS releases, thousand US dollars as printed (to
#: 0.1 thousand; the files hold more digits), in USD millions.
PRINTED = {"abs": 1e-4}
BNS_TJK_2020, BNS_TJK_2021, BNS_TJK_2023 = 791_428.5 / 1e3, 1_163_781.9 / 1e3, 1_129_966.5 / 1e3


def test_kazakhstan_tajikistan_as_of_march_2025(shipped):
    """Judged on the BNS series, with 2024 from the news as a preliminary year."""
    row = _row(compute_gaps(shipped, date(2025, 3, 1)), "kaz-tjk-2bn-2025")
    assert (row.baseline_year, row.baseline_usd_mn) == (2024, 1200.0)
    assert row.is_baseline_preliminary  # no release covers 2024 yet: the news figure
    assert row.deadline_year == 2027
    assert not row.is_deadline_assumed
    assert row.deadline_stated_in == "kaz-tjk-2bn-2027"
    assert row.growth_req_pct == pytest.approx(100 * ((2000 / 1200) ** (1 / 3) - 1))
    assert row.growth_req_pct == pytest.approx(18.56, abs=0.05)
    # The window starts at the BNS figure for 2021, not the news' "$1.2 billion".
    assert row.history_start_year == 2021
    assert row.history_start_usd_mn == pytest.approx(BNS_TJK_2021, **PRINTED)
    g_hist = (1200 / BNS_TJK_2021) ** (1 / 3) - 1
    assert row.growth_hist_pct == pytest.approx(100 * g_hist, rel=1e-5)
    assert row.status == "off_track"  # 1.03 / 18.56 = 0.06, below 0.6
    assert row.share_achieved == pytest.approx(1200 / 2000)


def test_before_the_2024_figure_was_published_baseline_falls_back(shipped):
    gaps = compute_gaps(shipped, date(2025, 1, 15))
    row = _row(gaps, "kaz-tjk-2bn-2027")  # the February 2025 restatement is not known yet
    # 2023: the BNS release (25 July 2024) beats the newer news figure of $1.13 billion.
    assert row.baseline_year == 2023
    assert row.baseline_usd_mn == pytest.approx(BNS_TJK_2023, **PRINTED)
    assert not row.is_baseline_preliminary
    assert row.history_start_year == 2020
    g_hist = (BNS_TJK_2023 / BNS_TJK_2020) ** (1 / 3) - 1
    g_req = (2000 / BNS_TJK_2023) ** (1 / 4) - 1
    assert row.growth_hist_pct == pytest.approx(100 * g_hist)
    assert row.growth_req_pct == pytest.approx(100 * g_req)
    assert row.gap_pp == pytest.approx(100 * (g_req - g_hist))
    assert row.progress_ratio == pytest.approx(g_hist / g_req)
    assert row.status == "needs_acceleration"  # 12.6 / 15.3 = 0.82, between 0.6 and 0.95
    assert row.projected_usd_mn == pytest.approx(BNS_TJK_2023 * (1 + g_hist) ** 4)
    assert row.shortfall_usd_mn == pytest.approx(2000 - BNS_TJK_2023 * (1 + g_hist) ** 4)
    reached = 2023 + math.log(2000 / BNS_TJK_2023) / math.log(1 + g_hist)
    assert row.year_reached == pytest.approx(reached)


def test_pakistan_within_the_next_year(shipped):
    row = _row(compute_gaps(shipped, date(2026, 3, 1)), "kaz-pak-1bn-2027")
    assert row.judged_by == "PAK"
    assert (row.baseline_year, row.baseline_usd_mn) == (2025, 250.0)
    assert row.deadline_year == 2027
    assert row.growth_req_pct == pytest.approx(100 * ((1000 / 250) ** (1 / 2) - 1))
    assert row.growth_hist_pct == pytest.approx(100 * ((250 / 197) ** (1 / 3) - 1))
    assert row.status == "off_track"
    assert row.chain_length == 4


def test_superseded_targets_are_not_judged(shipped):
    ids = set(compute_gaps(shipped, date(2026, 11, 30)).target_id)
    assert "kaz-tjk-2bn-2027" not in ids and "kaz-tjk-2bn-2025" in ids
    assert "kaz-pak-1bn-2019" not in ids and "kaz-pak-1bn-2027" in ids


def test_potentials_are_tracked_but_not_judged(shipped):
    gaps = compute_gaps(shipped, date(2026, 11, 30))
    assert _row(gaps, "pak-kaz-export-potential-1.7bn").status == "not_judged"


def test_no_stated_deadline_is_assumed_with_horizons():
    data = build(
        [
            observation(2019, 100, "2020-02-01"),
            observation(2020, 110, "2021-02-01"),
            observation(2021, 121, "2022-02-01"),
        ],
        [target(value_mn=400, deadline="", stated="2021-06-01")],
    )
    row = _row(compute_gaps(data, date(2022, 3, 1)), "t1")
    assert row.is_deadline_assumed
    assert row.deadline_year == 2021 + 5
    assert row.growth_req_pct == pytest.approx(100 * ((400 / 121) ** (1 / 5) - 1))
    for horizon in (3, 5, 10):
        expected = 100 * ((400 / 121) ** (1 / horizon) - 1)
        assert row[f"growth_req_{horizon}y_pct"] == pytest.approx(expected)
    params = GapParams(assumed_horizon_years=8)
    assert _row(compute_gaps(data, date(2022, 3, 1), params), "t1").deadline_year == 2029


def test_twelve_months_make_a_derived_year():
    months = [observation(f"2023-{m:02d}", 10 + m, "2024-02-01") for m in range(1, 13)]
    data = build([observation(2022, 100, "2023-02-01"), *months], [target(value_mn=500)])
    row = _row(compute_gaps(data, date(2024, 3, 1)), "t1")
    assert row.baseline_year == 2023
    assert row.baseline_usd_mn == pytest.approx(sum(10 + m for m in range(1, 13)))
    assert row.is_baseline_derived


def test_eleven_months_are_not_a_year():
    months = [observation(f"2023-{m:02d}", 10, "2024-02-01") for m in range(1, 12)]
    data = build([observation(2022, 100, "2023-02-01"), *months], [target(value_mn=500)])
    assert _row(compute_gaps(data, date(2024, 3, 1)), "t1").baseline_year == 2022


def test_year_to_date_nowcast():
    data = build(
        [
            observation(2022, 800, "2023-02-01"),
            observation(2023, 1000, "2024-02-01"),
            observation("2023-01/2023-06", 400, "2023-08-01"),
            observation("2024-01/2024-06", 460, "2024-08-01"),
        ],
        [target()],
    )
    row = _row(compute_gaps(data, date(2024, 9, 1)), "t1")
    assert row.baseline_year == 2023  # the half-year never enters the annual series
    assert row.ytd_span == "2024-01/2024-06"
    assert row.ytd_yoy_pct == pytest.approx(100 * (460 / 400 - 1))
    assert row.nowcast_year == 2024
    assert row.nowcast_usd_mn == pytest.approx(1000 * 460 / 400)


def test_mirror_series_beside_the_judged_one():
    data = build(
        [
            observation(2022, 800, "2023-02-01"),
            observation(2023, 1000, "2024-02-01"),
            observation(2023, 800, "2024-03-01", reporter="TJK", partner="KAZ"),
        ],
        [target()],
    )
    row = _row(compute_gaps(data, date(2024, 6, 1)), "t1")
    assert row.mirror_usd_mn == pytest.approx(800)
    assert row.mirror_ratio == pytest.approx(1000 / 800)


def test_exports_target_judged_by_the_importer_uses_its_imports():
    data = build(
        [
            observation(2022, 40, "2023-02-01", reporter="ARM", partner="KAZ", flow="imports"),
            observation(2023, 50, "2024-02-01", reporter="ARM", partner="KAZ", flow="imports"),
        ],
        [target(value_mn=350, country_a="KAZ", country_b="ARM", flow="exports", judged_by="ARM")],
    )
    row = _row(compute_gaps(data, date(2024, 6, 1)), "t1")
    assert row.baseline_usd_mn == pytest.approx(50)


@pytest.mark.parametrize(
    ("values", "as_of", "deadline", "status"),
    [
        ({2022: 1800, 2023: 2100}, date(2024, 6, 1), "2027", "achieved"),
        ({2022: 1000, 2023: 1100, 2024: 1500}, date(2025, 6, 1), "2024", "missed"),
        ({2022: 1000, 2023: 1100}, date(2025, 6, 1), "2024", "awaiting_data"),
        # 2,000 reached in its deadline year 2023, fallen since: achieved when it was due.
        ({2022: 1800, 2023: 2100, 2024: 1900}, date(2025, 6, 1), "2023", "achieved"),
        ({2023: 1100}, date(2024, 6, 1), "2027", "insufficient_history"),
        ({}, date(2024, 6, 1), "2027", "no_baseline"),
        ({2022: 1000, 2023: 1200}, date(2024, 6, 1), "2027", "on_track"),
        ({2022: 1000, 2023: 1050}, date(2024, 6, 1), "2027", "off_track"),
    ],
)
def test_statuses(values, as_of, deadline, status):
    obs = [observation(year, v, f"{year + 1}-02-01") for year, v in values.items()]
    obs = obs or [observation(2023, 5, "2024-02-01", reporter="ARM", partner="KAZ")]
    data = build(obs, [target(deadline=deadline, stated="2022-01-10")])
    assert _row(compute_gaps(data, as_of), "t1").status == status


def _exactly_at_threshold_data():
    # History 1000 -> 1100 in one year; 2000 by 2027 from 1100 in 2024.
    data = build(
        [observation(2023, 1000, "2024-02-01"), observation(2024, 1100, "2025-02-01")],
        [target(value_mn=2000, deadline="2027")],
    )
    ratio = ((1100 / 1000) ** (1 / 1) - 1) / ((2000 / 1100) ** (1 / 3) - 1)
    return data, ratio


def test_a_ratio_exactly_at_the_on_track_threshold_is_on_track():
    data, ratio = _exactly_at_threshold_data()
    params = GapParams(on_track_ratio=ratio, acceleration_ratio=ratio / 2)
    assert _row(compute_gaps(data, "2025-06-01", params), "t1").status == "on_track"
    above = GapParams(on_track_ratio=ratio * 1.0001, acceleration_ratio=ratio / 2)
    assert _row(compute_gaps(data, "2025-06-01", above), "t1").status == "needs_acceleration"


def test_a_ratio_exactly_at_the_acceleration_threshold_needs_acceleration():
    data, ratio = _exactly_at_threshold_data()
    params = GapParams(on_track_ratio=ratio * 2, acceleration_ratio=ratio)
    assert _row(compute_gaps(data, "2025-06-01", params), "t1").status == "needs_acceleration"
    above = GapParams(on_track_ratio=ratio * 2, acceleration_ratio=ratio * 1.0001)
    assert _row(compute_gaps(data, "2025-06-01", above), "t1").status == "off_track"


def test_a_foreign_currency_target_converts_at_the_rate_of_the_year_it_was_stated(tmp_path):
    fx = "currency,year,units_per_usd,source_id,note\nKZT,2023,456.31,s2,\nKZT,2024,469.44,s2,\n"
    targets = (
        "target_id,country_a,country_b,flow,value,currency,scale,figure_as_written,qualifier,"
        "kind,deadline_year,deadline_as_worded,stated_date,stated_by,source_id,supersedes,"
        "judged_by,note\n"
        "t1,KAZ,TJK,total,938.88,KZT,billion,938.88 billion tenge,,target,2027,2027,"
        "2024-08-22,President,s1,,,\n"
    )
    data = load_datasets(write_dataset(tmp_path, fx_rates=fx, targets=targets))
    # 938.88 billion tenge at 2024's 469.44 tenge a dollar: 2,000 million dollars.
    assert data.targets.loc[0, "value_usd_mn"] == pytest.approx(938.88e3 / 469.44)


#: A series typed in millions that moves about 10% a year, and the year it reaches.
STEADY = {2019: 800.0, 2020: 880.0, 2021: 968.0, 2022: 1065.0}


def _flags(values: dict[int, float]) -> tuple[bool, bool]:
    data = build(
        [observation(year, value, f"{year + 1}-02-01") for year, value in values.items()],
        [target(value_mn=5000)],
    )
    row = _row(compute_gaps(data, date(2024, 3, 1)), "t1")
    return bool(row.is_baseline_possible_slip), bool(row.is_history_start_possible_slip)


@pytest.mark.parametrize(
    ("values", "flags"),
    [
        # 1,065,000 typed for 1,065: the baseline is a thousand times the year before.
        ({**STEADY, 2023: 1_065_000.0}, (True, False)),
        # 0.88 typed for 880 in the window's first year (2023 - 3 = 2020).
        ({2019: 800.0, 2020: 0.88, 2021: 968.0, 2022: 1065.0, 2023: 1170.0}, (False, True)),
        # A slip inside the window, neither baseline nor start: the verdict does not rest on it.
        ({2019: 800.0, 2020: 880.0, 2021: 9.68, 2022: 1065.0, 2023: 1170.0}, (False, False)),
        # The year before the baseline slipped: the baseline only sits next to it.
        ({2019: 800.0, 2020: 880.0, 2021: 968.0, 2022: 1.065, 2023: 1170.0}, (False, False)),
        # Fivefold is the rule's edge (JUMP_FACTOR): 5 x 1065 flagged, 4.9 x not.
        ({**STEADY, 2023: 5 * 1065.0}, (True, False)),
        ({**STEADY, 2023: 4.9 * 1065.0}, (False, False)),
        ({**STEADY, 2023: 1170.0}, (False, False)),
    ],
)
def test_a_verdict_resting_on_a_possible_unit_slip_is_flagged(values, flags):
    assert _flags(values) == flags


def test_a_year_summed_from_months_is_never_a_slip_itself():
    # Twelve months of 100 000 each (a thousand times too much): the sum was not typed.
    months = [observation(f"2023-{m:02d}", 100_000, "2024-02-01") for m in range(1, 13)]
    history = [observation(year, value, f"{year + 1}-02-01") for year, value in STEADY.items()]
    row = _row(compute_gaps(build([*history, *months], [target()]), date(2024, 3, 1)), "t1")
    assert row.is_baseline_derived and not row.is_baseline_possible_slip


def test_only_the_goal_whose_series_slipped_is_flagged():
    """Two goals, two pairs, in one table: each is judged on its own series."""
    slipped = [observation(y, v, f"{y + 1}-02-01") for y, v in {**STEADY, 2023: 1.17}.items()]
    steady = [
        observation(year, value, f"{year + 1}-02-01", partner="UZB")
        for year, value in {**STEADY, 2023: 1170.0}.items()
    ]
    goals = [target("tjk"), target("uzb", country_b="UZB")]
    gaps = compute_gaps(build([*slipped, *steady], goals), date(2024, 3, 1))
    assert _row(gaps, "tjk").is_baseline_possible_slip
    assert not _row(gaps, "uzb").is_baseline_possible_slip


def test_a_goal_in_fiscal_years_is_flagged_on_its_fiscal_years():
    india = [
        observation(span, value, "2023-06-30", reporter="IND", partner="KAZ")
        for span, value in [
            ("2020-04/2021-03", 1000.0),
            ("2021-04/2022-03", 1100.0),
            ("2022-04/2023-03", 1.2),  # 1.2 typed for 1,200
        ]
    ]
    goal = target("t1", 2000, "2026", "2023-07-01", country_a="IND", country_b="KAZ",
        fiscal_year_start_month="04")  # fmt: skip
    row = _row(compute_gaps(build(india, [goal]), date(2023, 12, 31)), "t1")
    assert (row.baseline_year, row.year_start_month) == (2023, 4)
    assert row.is_baseline_possible_slip


def test_another_goals_years_are_not_neighbours():
    """Goal a's series ends in 2022 at $1,000 m; goal b's has only 2023, at $10 m. Side by
    side in one table the two years are adjacent, but they are not one series: b's single
    year has no neighbour, so it is no slip."""
    rows = [
        observation(2021, 1000.0, "2022-02-01"),
        observation(2022, 1000.0, "2023-02-01"),
        observation(2023, 10.0, "2024-02-01", partner="UZB"),
    ]
    goals = [target("a"), target("b", country_b="UZB")]
    gaps = compute_gaps(build(rows, goals), date(2024, 3, 1))
    assert _row(gaps, "b").baseline_year == 2023
    assert not _row(gaps, "b").is_baseline_possible_slip
