"""Rules of tracker/analysis pinned by small hand-worked examples (mutation testing found
them unpinned: see MUTATION.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.builders import build, observation, target
from tests.conftest import SOURCES, write_dataset
from tracker import load_datasets
from tracker.analysis import whatif
from tracker.analysis.audit import audit
from tracker.analysis.gaps import compute_gaps, newest_links, target_series
from tracker.analysis.questions import answer, target_view
from tracker.analysis.series import (
    annual_series,
    current_vintage,
    observations,
    series_keys,
    year_to_date,
)
from tracker.analysis.whatif import (
    Scenario,
    SimulationTooLarge,
    historical_rates,
    meet_probability,
    project_target,
    sensitivity,
)
from tracker.core.params import GapParams
from tracker.core.periods import is_full_year, parse_span

#: KAZ-TJK grows exactly 10% a year, 2020-2023.
TEN_PERCENT = {2020: 1000.0, 2021: 1100.0, 2022: 1210.0, 2023: 1331.0}
AS_OF = "2024-06-01"


@pytest.fixture(scope="module")
def ten_percent():
    """One goal ($2 billion by 2026) on a series growing 10% a year with the partner's
    figures; a restated goal without a deadline on a pair with one year (and its mirror);
    a goal on a pair without figures."""
    rows = [observation(year, value, f"{year + 1}-02-01") for year, value in TEN_PERCENT.items()]
    rows += [
        observation(year, 1.2 * value, f"{year + 1}-03-01", reporter="TJK", partner="KAZ")
        for year, value in TEN_PERCENT.items()
    ]
    rows += [
        observation(2023, 500.0, "2024-02-01", partner="ARM"),
        observation(2023, 480.0, "2024-02-01", reporter="ARM", partner="KAZ"),
    ]
    goals = [
        target(value_mn=2000, deadline="2026"),
        target("a1", value_mn=900, deadline="", country_b="ARM", stated="2022-03-01"),
        target(
            "a2", value_mn=900, deadline="", country_b="ARM", stated="2023-03-01", supersedes="a1"
        ),
        target("p1", value_mn=300, country_b="PAK"),
    ]
    return build(rows, goals)


# --- whatif: scenarios and grids ---------------------------------------------------------

ROW = pd.Series(
    {
        "baseline_year": 2024,
        "baseline_usd_mn": 1000.0,
        "target_usd_mn": 2000.0,
        "deadline_year": 2026,
    }
)


def test_project_target_to_another_deadline_numbers_rows_from_zero():
    """An explicit deadline replaces the row's; scenarios stack into one 0..n-1 table."""
    paths = project_target(ROW, [Scenario("flat"), Scenario("up", 0.1)], deadline=2025)
    assert paths.index.tolist() == [0, 1, 2, 3]
    assert paths["year"].tolist() == [2024, 2025, 2024, 2025]
    assert paths["value_usd_mn"].tolist() == pytest.approx([1000.0, 1000.0, 1000.0, 1100.0])


def test_sensitivity_reports_whole_number_rates_as_float_percent():
    """Growth is a float percentage even when the rates are whole numbers (0 and +100%)."""
    grid = sensitivity(ROW, [0, 1], [2025])
    assert [(pct, type(pct)) for pct in grid["growth_pct"].tolist()] == [
        (0.0, float),
        (100.0, float),
    ]
    assert grid["projected_usd_mn"].tolist() == pytest.approx([1000.0, 2000.0])


def test_historical_rates_include_the_until_year_and_are_named_growth():
    """``until`` is inclusive; the rates are a Series named ``growth``."""
    series = pd.DataFrame({"year": [2021, 2022, 2023], "value_usd_mn": [100.0, 110.0, 132.0]})
    rates = historical_rates(series, until=2023)
    assert rates.name == "growth"
    assert rates.to_dict() == pytest.approx({2022: 110 / 100 - 1, 2023: 132 / 110 - 1})
    assert historical_rates(series, until=2022).index.tolist() == [2022]


# --- whatif: the resampled probability ---------------------------------------------------


def _judged(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"role": "judged", "year": list(values), "value_usd_mn": list(values.values())}
    )


PROBABILITY_ROW = pd.Series(
    {
        "baseline_year": 2023,
        "baseline_usd_mn": 1331.0,
        "target_usd_mn": 1500.0,
        "deadline_year": 2025,
        "judged_by": "KAZ",
    }
)


def test_probability_defaults_to_ten_thousand_draws_seeded_zero():
    """Every draw is +10%: 1331 x 1.1**2 = 1610.51 >= 1500 by 2025, on every path."""
    chance = meet_probability(PROBABILITY_ROW, _judged(TEN_PERCENT))
    assert (chance.probability, chance.simulations, chance.seed, chance.reason) == (
        1.0,
        10_000,
        0,
        "",
    )
    assert chance.years.tolist() == [2024, 2025]
    assert chance.paths.shape == (10_000, 2)
    assert chance.paths[0] == pytest.approx([1331 * 1.1, 1331 * 1.1**2])


def test_probability_reads_history_only_up_to_the_baseline_and_to_another_deadline():
    """A year after the baseline is no history; an explicit deadline replaces the row's:
    by 2024, 1331 x 1.1 = 1464.1 < 1500 on every path."""
    history = _judged({**TEN_PERCENT, 2024: 5000.0})
    chance = meet_probability(PROBABILITY_ROW, history, simulations=50, seed=4, deadline=2024)
    assert chance.rates.index.tolist() == [2021, 2022, 2023]
    assert (chance.probability, chance.simulations, chance.seed) == (0.0, 50, 4)
    assert chance.years.tolist() == [2024]
    assert chance.paths.shape == (50, 1)


def test_three_rates_are_enough():
    """MIN_HISTORICAL_RATES (3) rates give a probability; two do not."""
    assert meet_probability(PROBABILITY_ROW, _judged(TEN_PERCENT), 10).probability == 1.0
    two = {year: TEN_PERCENT[year] for year in (2021, 2022, 2023)}
    chance = meet_probability(PROBABILITY_ROW, _judged(two), 10, seed=5)
    assert chance.probability is None
    assert (chance.simulations, chance.seed, chance.rates.index.tolist()) == (10, 5, [2022, 2023])
    assert "(years: 2022, 2023)" in chance.reason


def test_no_rates_at_all_name_no_years():
    """With a single year there is no rate, and the reason says ``years: none``."""
    chance = meet_probability(PROBABILITY_ROW, _judged({2023: 1331.0}), 10)
    assert chance.reason == (
        "only 0 year-on-year growth rate(s) in KAZ's series (years: none); at least 3 are needed"
    )


def test_no_baseline_gives_no_probability_and_says_why():
    """A row without a baseline: nothing to resample, every field still filled in."""
    row = PROBABILITY_ROW.copy()
    row["baseline_year"] = np.nan
    chance = meet_probability(row, _judged(TEN_PERCENT), simulations=30, seed=9)
    assert (chance.probability, chance.simulations, chance.seed) == (None, 30, 9)
    assert chance.reason == "no baseline: the judged series has no full-year value"
    assert chance.rates.empty and chance.rates.dtype == np.float64
    assert chance.paths is None and chance.years is None


def test_a_deadline_in_the_baseline_year_gives_no_probability():
    """The deadline must be after the baseline year: 2023 is not."""
    chance = meet_probability(PROBABILITY_ROW, _judged(TEN_PERCENT), 30, seed=2, deadline=2023)
    assert (chance.probability, chance.simulations, chance.seed) == (None, 30, 2)
    assert chance.reason == "the deadline 2023 is not after the baseline year 2023"
    assert chance.rates.index.tolist() == [2021, 2022, 2023]


def test_too_many_simulated_values_are_refused_past_the_limit(monkeypatch):
    """At most MAX_SIMULATED_VALUES (here 12) values: 4 x 3 years pass, 5 x 3 do not."""
    monkeypatch.setattr(whatif, "MAX_SIMULATED_VALUES", 12)
    row = PROBABILITY_ROW.copy()
    row["deadline_year"] = 2026
    assert meet_probability(row, _judged(TEN_PERCENT), simulations=4).paths.shape == (4, 3)
    with pytest.raises(SimulationTooLarge) as refused:
        meet_probability(row, _judged(TEN_PERCENT), simulations=5)
    assert str(refused.value) == (
        "5 simulations over 3 years would hold 15 values; at most 12 fit in memory "
        "(fewer simulations, or an earlier deadline)"
    )


# --- questions: a target's view and the what-if answer -----------------------------------


def test_target_view_of_an_earlier_statement_is_its_newest(ten_percent):
    """Asking for a superseded statement answers for the newest one of its chain, with
    only that goal's series."""
    row, series = target_view(ten_percent, "a1", AS_OF)
    assert row["target_id"] == "a2"
    assert set(series["target_id"]) == {"a2"}
    assert series[["role", "value_usd_mn"]].values.tolist() == [
        ["judged", 500.0],
        ["mirror", 480.0],
    ]


def test_target_view_passes_params_and_judged_by_on(ten_percent):
    """A one-year window measures 2022-2023 only; "partner" judges on TJK's figures."""
    row, _ = target_view(ten_percent, "t1", AS_OF, params=GapParams(window_years=1))
    assert row["history_start_year"] == 2022
    row, series = target_view(ten_percent, "t1", AS_OF, judged_by="partner")
    assert row["judged_by"] == "TJK"
    assert row["baseline_usd_mn"] == pytest.approx(1.2 * 1331)
    # The series drawn is the one judged: TJK's figures, KAZ's as the mirror.
    judged = series[series["role"] == "judged"]
    assert set(judged["reporter"]) == {"TJK"}
    assert judged["value_usd_mn"].iloc[-1] == pytest.approx(1.2 * 1331)
    assert set(series.loc[series["role"] == "mirror", "reporter"]) == {"KAZ"}


def test_the_status_on_the_partners_statistics_is_beside_it(ten_percent):
    """KAZ's 10% a year needs 14.5% (2000 / 1331 over three years): needs acceleration.
    TJK reports 1.2 times as much, 1597.2 in 2023, and needs (2000 / 1597.2)^(1/3) - 1 =
    7.8% against its 10%: on track. The verdict flips with the reporter."""
    needed_kaz = (2000 / 1331) ** (1 / 3) - 1
    needed_tjk = (2000 / (1.2 * 1331)) ** (1 / 3) - 1
    assert 0.6 <= 0.10 / needed_kaz < 0.95 and 0.10 / needed_tjk >= 0.95
    own = compute_gaps(ten_percent, AS_OF).set_index("target_id").loc["t1"]
    assert (own["status"], own["mirror_status"]) == ("needs_acceleration", "on_track")
    other = compute_gaps(ten_percent, AS_OF, judged_by="partner").set_index("target_id")
    assert (other.loc["t1", "status"], other.loc["t1", "mirror_status"]) == (
        "on_track",
        "needs_acceleration",
    )


def test_a_verdict_that_flips_with_the_reporter_is_a_finding(ten_percent):
    """The goal above is needs acceleration on KAZ's figures, on track on TJK's."""
    found = audit(ten_percent, AS_OF)
    flips = found[found["check"] == "verdict_flips"]
    assert flips["message"].tolist() == [
        "t1: needs acceleration on KAZ's statistics, on track on TJK's: the verdict depends "
        "on whose statistics"
    ]
    assert flips["span"].tolist() == ["2023"]


def test_target_view_of_an_unknown_id_is_a_key_error(ten_percent):
    """An id not published by the date raises KeyError naming it."""
    with pytest.raises(KeyError, match="no-such-goal"):
        target_view(ten_percent, "no-such-goal", AS_OF)


def test_answer_on_ten_percent_growth(ten_percent):
    """The whole answer, by hand: baseline 1331 (2023), history +10%, three years to 2026."""
    result = answer(ten_percent, "t1", AS_OF, simulations=200, seed=3)
    needed = 100 * ((2000 / 1331) ** (1 / 3) - 1)
    projected = 1331 * 1.1**3
    assert result == {
        "target_id": "t1",
        "asked_for": "t1",
        "as_of": "2024-06-01",
        "status": "needs_acceleration",  # 10 / 14.5 = 0.69: between 0.6 and 0.95
        "mirror_status": "on_track",  # on TJK's figures, 1.2 times KAZ's
        "judged_by": "KAZ",
        "target_usd_mn": 2000.0,
        "deadline_year": 2026,
        "is_deadline_assumed": False,
        "year_start_month": 1,  # calendar years
        "baseline_year": 2023,
        "baseline_usd_mn": 1331.0,
        "baseline_kind": "preliminary",  # the builders' source is a news article
        "is_baseline_possible_slip": False,  # 1331 is 1.1 x 1210: growth, not a slip
        "history_start_year": 2020,  # 2023 - 3
        "is_history_start_possible_slip": False,
        "growth_hist_pct": pytest.approx(10.0),
        "growth_needed_pct": pytest.approx(needed),
        "scenarios": [
            {
                "growth_pct": pytest.approx(10.0),
                "projected_usd_mn": pytest.approx(projected),
                "share_of_target": pytest.approx(projected / 2000),
                "is_met": False,
                "shortfall_usd_mn": pytest.approx(2000 - projected),
            }
        ],
        "probability": {
            "value": 0.0,
            "simulations": 200,
            "seed": 3,
            "reason": "",
            "rates_pct": pytest.approx({2021: 10.0, 2022: 10.0, 2023: 10.0}),
            "rates_left_out_pct": {},
        },
    }


def test_answer_to_a_later_deadline_uses_it_everywhere(ten_percent):
    """Asked for 2031: eight years at +10% give 1331 x 1.1**8 = 2853 >= 2000, always."""
    result = answer(ten_percent, "t1", AS_OF, growth_pct=[5], deadline=2031, simulations=20)
    assert result["deadline_year"] == 2031
    assert result["growth_needed_pct"] == pytest.approx(100 * ((2000 / 1331) ** (1 / 8) - 1))
    assert result["scenarios"][0]["projected_usd_mn"] == pytest.approx(1331 * 1.05**8)
    assert result["probability"]["value"] == 1.0
    assert result["probability"]["seed"] == 0


def test_answer_with_the_deadline_in_the_baseline_year_projects_nothing(ten_percent):
    """No year is left after the baseline: no growth needed, no scenario."""
    result = answer(ten_percent, "t1", AS_OF, growth_pct=[10], deadline=2023)
    assert (result["growth_needed_pct"], result["scenarios"]) == (None, [])


@pytest.mark.parametrize(
    ("deadline", "assumed"),
    [(None, True), (2030, False)],  # an asked deadline is never an assumed one
)
def test_answer_flags_the_assumed_deadline(ten_percent, deadline, assumed):
    """a2 never stated a year: 2023 + 5 is assumed, unless the question names a year."""
    result = answer(ten_percent, "a2", AS_OF, deadline=deadline)
    assert result["is_deadline_assumed"] is assumed
    assert result["deadline_year"] == (2028 if deadline is None else deadline)


def test_answer_without_history_projects_no_historical_rate(ten_percent):
    """One annual point: no historical growth, so no scenario unless one is asked for."""
    result = answer(ten_percent, "a2", AS_OF)
    assert (result["growth_hist_pct"], result["scenarios"]) == (None, [])
    assert result["growth_needed_pct"] == pytest.approx(100 * ((900 / 500) ** (1 / 5) - 1))


def test_answer_judged_by_the_partner(ten_percent):
    """``judged_by`` reaches the view: TJK's baseline is 1.2 x 1331."""
    result = answer(ten_percent, "t1", AS_OF, judged_by="partner")
    assert result["judged_by"] == "TJK"
    assert result["baseline_usd_mn"] == pytest.approx(1.2 * 1331)


def test_answer_without_a_baseline_says_why(ten_percent):
    """A pair without figures: nothing to project."""
    result = answer(ten_percent, "p1", AS_OF)
    assert result["baseline_usd_mn"] is None and result["scenarios"] == []
    assert result["baseline_kind"] is None and result["history_start_year"] is None
    assert result["is_baseline_possible_slip"] is False
    assert result["is_history_start_possible_slip"] is False
    assert result["reason"] == "no full-year value in KAZ's series: nothing to project"
    assert set(result) == {
        "target_id", "asked_for", "as_of", "status", "mirror_status", "judged_by",
        "target_usd_mn", "deadline_year", "is_deadline_assumed", "year_start_month",
        "baseline_year", "baseline_usd_mn", "baseline_kind", "is_baseline_possible_slip",
        "history_start_year", "is_history_start_possible_slip",
        "growth_hist_pct", "growth_needed_pct", "scenarios", "probability", "reason",
    }  # fmt: skip


# --- series: current vintage, annual series, year to date, keys ---------------------------


def _rows(*rows: tuple) -> pd.DataFrame:
    """Typed-observation-like rows (span, value_usd_mn, published, line) of KAZ-TJK total."""
    frame = pd.DataFrame(rows, columns=["span", "value_usd_mn", "published_on", "line"])
    spans = [parse_span(span) for span in frame["span"]]
    return frame.assign(
        reporter="KAZ",
        partner="TJK",
        flow="total",
        scope="goods",
        is_forecast=False,
        figure_as_written="",
        value=frame["value_usd_mn"],
        qualifier="",
        file="observations.csv",
        source_id="s",
        is_official=False,
        published_on=pd.to_datetime(frame["published_on"]),
        span_start=[start for start, _ in spans],
        span_end=[end for _, end in spans],
        is_full_year=[is_full_year(start, end) for start, end in spans],
        year=[end.year for _, end in spans],
    )


def test_current_vintage_counts_the_values_it_replaces():
    """Three figures for 2024 make one current value and two revisions; a figure given
    once has none."""
    obs = _rows(
        ("2024", 1100.0, "2025-01-10", 2),
        ("2024", 1150.0, "2025-02-10", 3),
        ("2024", 1200.0, "2025-03-10", 4),
        ("2023", 1000.0, "2024-02-10", 5),
    )
    current = current_vintage(obs, "2025-12-31").set_index("span")
    assert current.loc["2024", ["value_usd_mn", "revisions"]].tolist() == [1200.0, 2]
    assert current.loc["2023", ["value_usd_mn", "revisions"]].tolist() == [1000.0, 0]


def test_an_official_figure_beats_newer_news():
    """A release published before a news figure for the same year is still current; the
    news figure counts as a revision it replaces, and a later release beats the earlier."""
    obs = _rows(
        ("2023", 1129.9665, "2024-07-25", 2),
        ("2023", 1130.0, "2024-08-01", 3),
        ("2023", 1200.0, "2025-01-01", 4),
        ("2022", 1384.8604, "2023-07-28", 5),
        ("2022", 1385.0, "2024-07-25", 6),
    )
    obs["is_official"] = [True, False, False, True, True]
    current = current_vintage(obs, "2025-12-31").set_index("span")
    assert current.loc["2023", ["value_usd_mn", "revisions"]].tolist() == [1129.9665, 2]
    assert current.loc["2022", "value_usd_mn"] == 1385.0
    # Before the release, the news figure is current.
    early = current_vintage(obs[obs["span"] == "2023"], "2024-07-24")
    assert early["value_usd_mn"].tolist() == []
    news_only = current_vintage(obs[obs["line"].isin([3, 4])], "2025-12-31")
    assert news_only["value_usd_mn"].tolist() == [1200.0]


def test_annual_series_marks_derived_years_and_numbers_rows():
    """A reported year is not derived; twelve months make a derived year without file,
    line or source; rows are numbered 0..n-1 in year order."""
    months = [(f"2023-{m:02d}", 100.0, "2024-02-01", 10 + m) for m in range(1, 13)]
    series = annual_series(_rows(("2024", 900.0, "2025-02-01", 2), *months))
    assert series.index.tolist() == [0, 1]
    assert series[["year", "value_usd_mn"]].to_dict("list") == {
        "year": [2023, 2024],
        "value_usd_mn": [1200.0, 900.0],
    }
    assert series["is_derived"].tolist() == [True, False]
    derived, reported = series.iloc[0], series.iloc[1]
    assert (derived["file"], derived["source_id"], pd.isna(derived["line"])) == ("", "", True)
    assert (reported["line"], type(reported["line"])) == (2, int)  # not 2.0


def test_annual_series_without_months_keeps_reported_years_only():
    """No derived year: the reported years, not derived, and nothing else."""
    current = _rows(("2024", 990.0, "2025-02-01", 3), ("2023", 900.0, "2024-02-01", 2))
    series = annual_series(current.set_axis([8, 9]))
    assert series[["year", "line"]].values.tolist() == [[2023, 2], [2024, 3]]
    assert series.index.tolist() == [0, 1]
    assert series["is_derived"].tolist() == [False, False]
    assert (series["is_derived"].dtype, series["line"].dtype) == (bool, np.int64)


def test_year_to_date_without_the_prior_months_is_kept():
    """A January-to-June span is listed even when the same months a year earlier are not
    reported (prior missing); with them, prior is their value."""
    current = _rows(
        ("2024-01/2024-06", 560.0, "2024-08-01", 2),
        ("2025-01/2025-06", 616.0, "2025-08-01", 3),
        ("2023-01/2023-03", 250.0, "2023-05-01", 4),
    )
    ytd = year_to_date(current).set_index("span")["prior_usd_mn"]
    assert ytd["2025-01/2025-06"] == 560.0
    assert ytd[["2024-01/2024-06", "2023-01/2023-03"]].isna().all()


GOALS = pd.DataFrame(
    {
        "target_id": ["t1", "t2"],
        "country_a": ["KAZ", "KAZ"],
        "country_b": ["TJK", "PAK"],
        "flow": ["exports", "exports"],
        "scope": ["goods", "non_oil_goods"],
        "judged_by": ["", "PAK"],
    }
)


@pytest.mark.parametrize(
    ("judged_by", "judged", "mirrored"),
    [
        # t1 on its first country's statistics; t2 on PAK's, as declared: KAZ's exports
        # are PAK's imports.
        (None, [("KAZ", "TJK", "exports"), ("PAK", "KAZ", "imports")], ["TJK", "KAZ"]),
        # "partner" (or "country_b") swaps each goal to the other country.
        ("partner", [("TJK", "KAZ", "imports"), ("KAZ", "PAK", "exports")], ["KAZ", "PAK"]),
        ("country_b", [("TJK", "KAZ", "imports"), ("KAZ", "PAK", "exports")], ["KAZ", "PAK"]),
    ],
)
def test_series_keys_judge_and_mirror(judged_by, judged, mirrored):
    """Each goal's judged series and, from the other side, its mirror."""
    keys = series_keys(GOALS, judged_by)
    assert list(keys[["reporter", "partner", "flow"]].itertuples(index=False, name=None)) == judged
    assert keys["mirror_reporter"].tolist() == mirrored
    # A goal is judged, and mirrored, on figures of its own scope.
    assert keys["scope"].tolist() == keys["mirror_scope"].tolist() == ["goods", "non_oil_goods"]


def test_series_keys_refuse_another_judge():
    """Only None and "partner" name a judge."""
    with pytest.raises(ValueError) as error:
        series_keys(GOALS, "KAZ")
    assert str(error.value) == "judged_by is 'partner' or None, not 'KAZ'"


def test_observations_of_some_series_only_are_numbered_from_zero(ten_percent):
    """Asked for one series, observations are that series' rows only, numbered 0..n-1."""
    keys = pd.DataFrame(
        {"reporter": ["TJK"], "partner": ["KAZ"], "flow": ["total"], "scope": ["goods"]}
    )
    obs = observations(ten_percent, keys)
    assert set(obs["reporter"]) == {"TJK"} and len(obs) == len(TEN_PERCENT)
    assert obs.index.tolist() == list(range(len(TEN_PERCENT)))


def test_observations_from_a_csv_and_a_panel_are_numbered_once(tmp_path):
    """Rows of several files are numbered 0..n-1 across the files, not per file."""
    directory = write_dataset(tmp_path, sources=SOURCES + "s3,Extract,IMF,2025-04-30,,news,,,\n")
    panel = pd.DataFrame(
        {"reporter": "KAZ", "partner": "TJK", "flow": "total", "span": ["2021", "2022"]}
    )
    panel = panel.assign(value=[900.0, 1000.0], currency="USD", scale="million", source_id="s3")
    panel.to_parquet(directory / "imf.parquet", index=False)
    keys = pd.DataFrame(
        {"reporter": ["KAZ"], "partner": ["TJK"], "flow": ["total"], "scope": ["goods"]}
    )
    obs = observations(load_datasets(directory), keys)
    assert obs[["file", "span"]].values.tolist() == [
        ["observations.csv", "2024"],
        ["observations.csv", "2023"],
        ["imf.parquet", "2021"],
        ["imf.parquet", "2022"],
    ]
    assert obs.index.tolist() == [0, 1, 2, 3]


# --- gaps --------------------------------------------------------------------------------


def _gap(observed: dict, as_of: str = "2026-03-01", params=None, **goal) -> pd.Series:
    """The gap row of goal t1 (KAZ-TJK total, by default $2 billion by 2027) over annual
    figures each published in February of the next year."""
    rows = [observation(year, value, f"{year + 1}-02-01") for year, value in observed.items()]
    gaps = compute_gaps(build(rows, [target(**goal)]), as_of, params)
    return gaps.set_index("target_id").loc["t1"]


def test_no_year_inside_the_window_gives_no_growth():
    """Window 2021-2024 holds no earlier year: 2018 is not used (the window never grows),
    so there is no historical growth and the goal has insufficient history."""
    row = _gap({2015: 500.0, 2018: 800.0, 2024: 1200.0}, "2025-03-01")
    assert pd.isna(row["history_start_year"]) and pd.isna(row["growth_hist_pct"])
    assert row["status"] == "insufficient_history"


@pytest.mark.parametrize(
    ("observed", "params", "start"),
    [
        # Window 2021-2024: 2022 is the earliest year in it (2018 lies before it).
        ({2018: 800.0, 2022: 1000.0, 2023: 1100.0, 2024: 1200.0}, GapParams(), 2022),
        # Window of six years, 2018-2024: 2018 is in it and starts.
        ({2018: 800.0, 2023: 1100.0, 2024: 1200.0}, GapParams(window_years=6), 2018),
    ],
)
def test_history_starts_at_the_earliest_year_in_the_window(observed, params, start):
    """The earliest year inside the window, however short the history it gives."""
    row = _gap(observed, "2025-03-01", params)
    assert row["history_start_year"] == start
    span = 2024 - start
    expected = (1200 / observed[start]) ** (1 / span) - 1
    assert row["growth_hist_pct"] == pytest.approx(100 * expected)


def test_one_year_of_history_has_no_start_and_is_not_derived():
    """A single annual figure: no history start, no growth, and not a derived year."""
    row = _gap({2024: 1200.0}, "2025-03-01")
    assert pd.isna(row["history_start_year"]) and pd.isna(row["growth_hist_pct"])
    assert row["status"] == "insufficient_history"
    no_baseline = _gap({2024: 1200.0}, "2025-03-01", country_b="PAK")  # no KAZ-PAK figure
    assert no_baseline["status"] == "no_baseline" and not no_baseline["is_baseline_derived"]


@pytest.mark.parametrize(
    ("deadline", "required"),
    [
        ("2025", (2000 / 1200) - 1),  # one year left: T / V - 1
        ("2024", None),  # the deadline is the baseline year: nothing is required any more
    ],
)
def test_required_growth_needs_a_year_left(deadline, required):
    """Required growth and the projection exist only with at least one year left."""
    row = _gap({2023: 1100.0, 2024: 1200.0}, "2025-03-01", deadline=deadline)
    if required is None:
        assert pd.isna(row["growth_req_pct"]) and pd.isna(row["projected_usd_mn"])
    else:
        assert row["growth_req_pct"] == pytest.approx(100 * required)
        assert row["projected_usd_mn"] == pytest.approx(1200 * (1200 / 1100))


@pytest.mark.parametrize(
    "observed",
    [
        {2022: 1300.0, 2023: 1250.0, 2024: 1200.0},  # falling
        {2022: 1200.0, 2023: 1250.0, 2024: 1200.0},  # flat over the window
        {2022: 1500.0, 2023: 1900.0, 2024: 2100.0},  # rising, and already above the goal
    ],
)
def test_year_reached_only_while_rising_below_the_goal(observed):
    """The year the trend reaches the goal exists only for growth below the goal."""
    assert pd.isna(_gap(observed, "2025-03-01")["year_reached"])


def test_progress_ratio_needs_growth_to_be_required():
    """At the goal exactly nothing is required: no progress ratio (not a division by 0)."""
    row = _gap({2023: 1900.0, 2024: 2000.0}, "2025-03-01")
    assert row["status"] == "achieved"
    assert row["growth_req_pct"] == 0.0 and pd.isna(row["progress_ratio"])


def test_mirror_exactly_at_the_tolerance_is_not_apart():
    """The mirror is apart only beyond 25%: 1,250 against 1,000 is exactly 25%."""
    rows = [
        observation(2024, 1250.0, "2025-02-01"),
        observation(2024, 1000.0, "2025-02-01", reporter="TJK", partner="KAZ"),
    ]
    row = compute_gaps(build(rows, [target()]), "2025-03-01").iloc[0]
    assert row["mirror_ratio"] == 1.25
    assert not row["is_mirror_apart"]


def test_year_to_date_after_the_baseline_year_only_the_latest():
    """Year-to-date spans count only after the baseline year, the latest one wins, and a
    nowcast is made only for the year right after the baseline."""
    rows = [
        observation(2023, 1000.0, "2024-02-01"),
        observation(2024, 1100.0, "2025-02-01"),
        observation("2024-01/2024-06", 500.0, "2024-08-01"),  # in the baseline year
        observation("2025-01/2025-03", 300.0, "2025-05-01"),
        observation("2025-01/2025-06", 550.0, "2025-08-01"),
    ]
    row = compute_gaps(build(rows, [target()]), "2025-12-01").iloc[0]
    assert row["ytd_span"] == "2025-01/2025-06"
    assert row["ytd_yoy_pct"] == pytest.approx(100 * (550 / 500 - 1))
    assert row["nowcast_year"] == 2025
    assert row["nowcast_usd_mn"] == pytest.approx(1100 * 550 / 500)


def test_year_to_date_in_the_baseline_year_is_none():
    """January-June of the baseline year itself is older than the full year: no
    year-to-date figure at all."""
    rows = [
        observation(2023, 1000.0, "2024-02-01"),
        observation(2024, 1100.0, "2025-02-01"),
        observation("2024-01/2024-06", 500.0, "2024-08-01"),
    ]
    row = compute_gaps(build(rows, [target()]), "2025-12-01").iloc[0]
    assert pd.isna(row["ytd_span"]) and pd.isna(row["ytd_usd_mn"])


def test_no_nowcast_two_years_after_the_baseline():
    """A year-to-date growth two years after the baseline is no nowcast of the next year."""
    rows = [
        observation(2022, 1000.0, "2023-02-01"),
        observation(2023, 1100.0, "2024-02-01"),
        observation("2024-01/2024-06", 500.0, "2024-08-01"),
        observation("2025-01/2025-06", 550.0, "2025-08-01"),
    ]
    row = compute_gaps(build(rows, [target()]), "2025-12-01").iloc[0]
    assert row["ytd_span"] == "2025-01/2025-06" and pd.notna(row["ytd_yoy_pct"])
    assert pd.isna(row["nowcast_year"]) and pd.isna(row["nowcast_usd_mn"])


def test_gap_table_is_sorted_by_goal_and_numbered(ten_percent):
    """One row per newest goal, sorted by id, numbered 0..n-1; judged_by reaches it."""
    gaps = compute_gaps(ten_percent, AS_OF)
    assert gaps["target_id"].tolist() == ["a2", "p1", "t1"]
    assert gaps.index.tolist() == [0, 1, 2]
    partner = compute_gaps(ten_percent, AS_OF, judged_by="partner").set_index("target_id")
    assert partner.loc["t1", "judged_by"] == "TJK"


def test_target_series_rows_are_numbered_in_order(ten_percent):
    """The series of several goals come sorted by goal, role and year, numbered 0..n-1."""
    gaps = compute_gaps(ten_percent, AS_OF)
    series = target_series(ten_percent, gaps, AS_OF)
    assert series.index.tolist() == list(range(len(series)))
    assert series["target_id"].tolist() == ["a2"] * 2 + ["t1"] * 8
    assert series["role"].tolist() == ["judged", "mirror"] + ["judged"] * 4 + ["mirror"] * 4


def test_newest_links_carry_the_latest_stated_deadline():
    """A restatement without a year keeps the latest year stated before it in the chain
    (b's 2030, not a's 2027), as Int64; rows are numbered 0..n-1."""
    targets = pd.DataFrame(
        {
            "target_id": ["c", "a", "b"],
            "supersedes": ["b", "", "a"],
            "deadline_year": pd.array([None, 2027, 2030], dtype="Int64"),
            "stated_year": [2025, 2022, 2023],
            "published_on": pd.to_datetime(["2025-01-01", "2022-01-01", "2023-01-01"]),
            "value_usd_mn": 2000.0,
            "relation": "",
        },
        index=[5, 6, 7],
    )
    links = newest_links(targets, "2025-06-01", GapParams())
    assert links[["target_id", "deadline_year", "deadline_stated_in"]].to_dict("records") == [
        {"target_id": "c", "deadline_year": 2030, "deadline_stated_in": "b"}
    ]
    assert links["deadline_year"].dtype == "Int64"
    assert links.index.tolist() == [0] and "index" not in links.columns


def _links(*rows, as_of="2027-12-31") -> pd.DataFrame:
    """Newest links of one chain of (id, value_usd_mn, deadline_year, stated_year[, relation])
    statements, each superseding the one before."""
    frame = pd.DataFrame(
        [(*row, "")[:5] for row in rows],
        columns=["target_id", "value_usd_mn", "deadline_year", "stated_year", "relation"],
    )
    frame["supersedes"] = ["", *frame["target_id"].tolist()[:-1]]
    frame["deadline_year"] = frame["deadline_year"].astype("Int64")
    frame["published_on"] = pd.to_datetime(frame["stated_year"].astype(str) + "-06-30")
    columns = ["target_id", "relation", "deadline_year", "deadline_stated_in"]
    return newest_links(frame, as_of, GapParams())[[*columns, "is_deadline_assumed"]]


def test_a_raised_goal_does_not_inherit_the_smaller_goals_year():
    """$1 billion "by mid-2024" (2022), raised to $2 billion with no year (2025): judged
    against 2025 + 5 = 2030, assumed, not against 2024 before it was stated."""
    links = _links(("a", 1000.0, 2024, 2022), ("b", 2000.0, None, 2025))
    assert links.to_dict("records") == [
        {
            "target_id": "b",
            "relation": "raised",
            "deadline_year": 2025 + 5,
            "deadline_stated_in": None,
            "is_deadline_assumed": True,
        }
    ]


def test_a_new_goal_a_month_later_is_not_judged_against_this_year():
    """$2 billion "this year" (2025), then a new goal of $3 billion (2025): no year carried."""
    links = _links(("a", 2000.0, 2025, 2025), ("b", 3000.0, None, 2025), as_of="2025-12-31")
    assert links.iloc[0][["relation", "deadline_year"]].tolist() == ["raised", 2030]


def test_a_lowered_goal_keeps_its_own_year_and_a_restatement_carries_it():
    """$5 bn by 2030 lowered to $3 bn by 2028, then $3 bn restated: 2028 from the lowering."""
    links = _links(("a", 5000.0, 2030, 2021), ("b", 3000.0, 2028, 2023), ("c", 3000.0, None, 2024))
    assert links.iloc[0][["relation", "deadline_year", "deadline_stated_in"]].tolist() == [
        "restated",
        2028,
        "b",
    ]


def test_a_carried_year_before_the_restatement_is_assumed():
    """$2 bn by 2024 (2021) restated with no year in 2025: 2024 is before the statement,
    so the goal is judged against 2025 + 5, labelled assumed."""
    links = _links(("a", 2000.0, 2024, 2021), ("b", 2000.0, None, 2025))
    assert links.iloc[0][["deadline_year", "is_deadline_assumed"]].tolist() == [2030, True]


def test_the_relation_written_in_the_data_wins():
    """A new value the curator calls a restatement (a currency's rate moved) carries."""
    links = _links(("a", 1000.0, 2027, 2021), ("b", 1040.0, None, 2023, "restated"))
    assert links.iloc[0][["relation", "deadline_year"]].tolist() == ["restated", 2027]


# --- audit -------------------------------------------------------------------------------


def _billions(year, text: str, published: str, **extra) -> dict:
    """An observation printed in billions, e.g. ``_billions(2024, "1.2", ...)``."""
    row = observation(year, 0, published, **extra)
    return row | {"value": text, "scale": "billion", "figure_as_written": f"${text} billion"}


def _audit(rows: list[dict], as_of=None) -> pd.DataFrame:
    return audit(build(rows, [target()]), as_of)


def test_a_fall_stated_as_a_magnitude_is_consistent():
    """ "Fell 20%" is recorded as growth_pct -20 with "20%" as written: 1,500 to 1,200 is
    exactly that fall, so no finding."""
    rows = [
        observation(2023, 1500.0, "2024-02-01"),
        observation(2024, 1200.0, "2025-02-01", growth_pct="-20", growth_as_written="20%"),
    ]
    assert _audit(rows).empty


def test_a_growth_only_claim_cites_its_row_the_level_and_the_base():
    """A growth printed without a level is checked against the levels other rows give,
    and the finding cites all three rows and both sources."""
    claim = observation(2024, 0, "2025-03-01", growth_pct="50", growth_as_written="50%")
    claim |= {"value": "", "currency": "", "scale": "", "figure_as_written": ""}
    rows = [
        observation(2023, 1000.0, "2024-02-01"),
        observation(2024, 1200.0, "2025-02-01"),
        claim,
    ]
    finding = _audit(rows).iloc[0]
    assert finding["check"] == "growth_claim"
    assert finding["rows"] == "observations.csv:4; observations.csv:3; observations.csv:2"
    assert finding["source_ids"] == f"{claim['source_id']}; {rows[0]['source_id']}"


@pytest.mark.parametrize("order", [1, -1])
def test_touching_ranges_do_not_disagree(order):
    """$1.2 billion (1,150-1,250) and $1.3 billion (1,250-1,350) can both be true. (Which
    of the two is current is a tie-break of the same day: a tie_break finding.)"""
    rows = [
        _billions(2024, "1.2", "2025-02-01", source_id="s-a"),
        _billions(2024, "1.3", "2025-02-01", source_id="s-b"),
    ]
    assert _audit(rows[::order])["check"].tolist() == ["tie_break"]


def test_disagreement_on_the_same_day_and_findings_sorted_by_check():
    """Two sources of one day apart beyond rounding: neither is a revision. Findings come
    sorted by check (jump before sources_disagree) and numbered 0..n-1."""
    rows = [
        observation(2020, 100.0, "2021-02-01"),
        observation(2021, 1000.0, "2022-02-01", source_id="s-a"),
        observation(2021, 1100.0, "2022-02-01", source_id="s-b"),
    ]
    findings = _audit(rows)
    assert findings["check"].tolist() == ["jump", "jump", "sources_disagree", "tie_break"]
    assert findings.index.tolist() == [0, 1, 2, 3]
    assert findings.iloc[2]["message"] == (
        "$1 bn ($1000 million, s-a: $999.5 m to $1.0005 bn) and $1.1 bn ($1100 million, s-b: "
        "$1.0995 bn to $1.1005 bn) differ beyond rounding; published the same day "
        "(2022-02-01), so their order is unknown"
    )


@pytest.mark.parametrize(
    ("total", "imports"),
    [
        ("0.3", 149.0),  # exports + imports reach 100.5 + 149.5 = 250 = the total's low end
        ("0.2", 151.0),  # they start at 99.5 + 150.5 = 250 = the total's high end
    ],
)
def test_flows_that_just_fit_add_up(total, imports):
    """Exports plus imports may touch the total's range at either end."""
    rows = [
        _billions(2024, total, "2025-02-01"),
        observation(2024, 100.0, "2025-02-01", flow="exports"),
        observation(2024, imports, "2025-02-01", flow="imports"),
    ]
    assert _audit(rows).empty


def test_flows_that_do_not_add_up_cite_three_sources():
    """1,000 against 300 + 500: one finding naming the three sources."""
    rows = [
        observation(2024, 1000.0, "2025-02-01"),
        observation(2024, 300.0, "2025-02-01", flow="exports"),
        observation(2024, 500.0, "2025-02-01", flow="imports"),
    ]
    finding = _audit(rows).iloc[0]
    assert finding["check"] == "flows_add_up"
    assert finding["source_ids"] == "; ".join(row["source_id"] for row in rows)


def test_mirror_exactly_at_the_tolerance_is_no_finding():
    """TJK's 1,250 against KAZ's 1,000 is 25% apart: not beyond the tolerance."""
    rows = [
        observation(2024, 1000.0, "2025-02-01"),
        observation(2024, 1250.0, "2025-02-01", reporter="TJK", partner="KAZ"),
    ]
    assert _audit(rows).empty


@pytest.mark.parametrize(
    ("values", "flagged"),
    [
        # Exactly five times up and down count; 2020 and 2022 only sit beside the slip.
        ((100.0, 500.0, 100.0), ["2021"]),
        ((500.0, 100.0, 500.0), ["2021"]),
        ((100.0, 499.0, 100.0), []),  # just under five times
        ((1000.0, 300.0, 1000.0), []),  # 0.3 times is no unit slip
    ],
)
def test_jumps_from_a_factor_of_five(values, flagged):
    """A year five times (or a fifth of) each neighbour is a unit-slip candidate."""
    rows = [
        observation(year, value, f"{year + 1}-02-01")
        for year, value in zip((2020, 2021, 2022), values, strict=True)
    ]
    assert _audit(rows)["span"].tolist() == flagged


def test_audit_as_of_a_date_reads_only_what_was_published():
    """As of mid-2021 only the 2020 figure was out: no neighbour, no jump."""
    rows = [observation(2020, 100.0, "2021-02-01"), observation(2021, 500.0, "2022-02-01")]
    assert _audit(rows, "2021-06-01").empty
    assert len(_audit(rows, "2022-06-01")) == 2


def test_an_imported_release_is_checked_against_the_news_only(tmp_path):
    """Rows of an imported release carry no figure as written: their own sums and jumps
    are the office's business and two releases differing is a revision. A news figure
    that the release contradicts is the finding."""
    releases = "r1,Release 2024,Office,2025-07-01,,statistics_release,,,\n"
    releases += "r2,Release 2025,Office,2026-07-01,,statistics_release,,,\n"
    directory = write_dataset(tmp_path, sources=SOURCES + releases)
    panel = pd.DataFrame(
        {
            "reporter": "KAZ",
            "partner": "TJK",
            "flow": ["total", "exports", "imports", "total", "total", "total"],
            "span": ["2024", "2024", "2024", "2022", "2023", "2023"],
            # 1000 + 300 != 1200.5 (a rounding in the release); 2022 is a tenth of 2023;
            # 2023 revised by the next release.
            "value": [1200.5, 1000.0, 300.0, 100.0, 1000.0, 1000.2],
            "source_id": ["r1", "r1", "r1", "r1", "r1", "r2"],
        }
    ).assign(currency="USD", scale="million")
    panel.to_parquet(directory / "office.parquet", index=False)
    found = audit(load_datasets(directory))
    from_panel_only = found[~found["rows"].str.contains("observations.csv")]
    assert from_panel_only.empty, from_panel_only["message"].tolist()
    # The news rows of the fixture against the release: 2024 total "$1.2 billion" holds
    # 1,200.5 within its rounding (+/- 50); 2023 "$1.13 billion" (1,125 to 1,135) does not
    # hold 1,000 or 1,000.2; 2024 exports of 300,000 million tenge are not 1,000.
    against = found[found["check"] == "sources_disagree"]
    assert sorted(zip(against["flow"], against["span"], strict=True)) == [
        ("exports", "2024"),
        ("total", "2023"),
        ("total", "2023"),
    ]
    assert against["message"].str.endswith("the official figure is current").all()


def test_an_older_point_figure_beats_a_newer_bound():
    """1,200 (2025-02) against "over 1,500" (2025-03): the point is the level; one revision."""
    obs = _rows(("2024", 1200.0, "2025-02-10", 2), ("2024", 1500.0, "2025-03-10", 3))
    obs["qualifier"] = ["", "over"]
    current = current_vintage(obs, "2025-12-31")
    assert current[["value_usd_mn", "revisions"]].values.tolist() == [[1200.0, 1]]


def test_a_baseline_from_a_release_is_official(tmp_path):
    """A goal judged on a statistics release's figures: the answer says so."""
    release = "r1,Release,Office,2025-02-01,,statistics_release,,,\n"
    directory = write_dataset(tmp_path, sources=SOURCES + release)
    panel = pd.DataFrame(
        {"reporter": "KAZ", "partner": "TJK", "flow": "total", "span": ["2022", "2023", "2024"]}
    ).assign(value=[1000.0, 1100.0, 1500.0], currency="USD", scale="million", source_id="r1")
    panel.to_parquet(directory / "office.parquet", index=False)
    result = answer(load_datasets(directory), "t2", "2025-06-01")
    assert (result["baseline_year"], result["baseline_kind"]) == (2024, "official")


def test_a_figure_given_once_has_no_revisions_and_one_given_twice_has_one():
    """2022 from one source; 2023 from two (the newer current): revisions 0 and 1."""
    data = build(
        [
            observation(2022, 1000.0, "2023-02-01"),
            observation(2023, 1100.0, "2024-02-01"),
            observation(2023, 1150.0, "2024-03-01"),
        ],
        [target()],
    )
    current = current_vintage(data.observations, "2025-01-31")
    by_year = current.set_index("span")[["value_usd_mn", "revisions"]]
    assert by_year.loc["2022"].tolist() == [1000.0, 0]
    assert by_year.loc["2023"].tolist() == [1150.0, 1]
    only_once = current_vintage(data.observations.iloc[:2], "2025-01-31")
    assert only_once["revisions"].tolist() == [0, 0]
