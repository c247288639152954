"""Goals as they are really stated (issue 12, points 2-5 and 7): goals stated side by side,
the order of statements by their dates, goals relative to a base year, fiscal years, the
scope of trade, and forecasts. Each case is a tiny dataset with the expected verdict,
value or message worked out by hand in the test."""

from __future__ import annotations

import math

import pytest

from tests.builders import build, frames_of, observation, target
from tracker import compute_gaps
from tracker.analysis.audit import audit
from tracker.analysis.coverage import coverage
from tracker.analysis.gaps import target_series
from tracker.analysis.questions import answer
from tracker.core.failures import DataInvalid
from tracker.validation.run import validate_frames


def _failures(observations: list[dict], targets: list[dict]) -> list[str]:
    """Every validation failure of the rows, as printed."""
    with pytest.raises(DataInvalid) as caught:
        build(observations, targets)
    return [str(failure) for failure in caught.value.failures]


def _row(gaps, target_id: str):
    return gaps.set_index("target_id").loc[target_id]


# --- goal families: staged or parallel goals, each judged -----------------------------

_UZB = [
    observation(2022, 3500, "2023-02-01", partner="UZB"),
    observation(2023, 4000, "2024-02-01", partner="UZB"),
]


def _staged(**second) -> list[dict]:
    first = target("t5", 5000, "2025", "2024-08-08", country_b="UZB", family="kaz-uzb-stages")
    later = dict(target_id="t10", value_mn=10000, deadline="2030", stated="2024-08-08")
    return [
        {**first, "stage": "1"},
        {**target(**later, country_b="UZB", family="kaz-uzb-stages", stage="2"), **second},
    ]


def test_staged_goals_stated_together_are_each_judged():
    """ "$5 billion by 2025, then $10 billion by 2030", said on one day: two goals, two
    verdicts, neither forced into a chain."""
    gaps = compute_gaps(build(_UZB, _staged()), "2024-12-31")
    assert sorted(gaps["target_id"]) == ["t10", "t5"]
    assert gaps["chain_root"].nunique() == 2  # two goals, not one chain with two newest
    first, second = _row(gaps, "t5"), _row(gaps, "t10")
    assert math.isclose(first["growth_req_pct"], 100 * ((5000 / 4000) ** (1 / 2) - 1))
    assert math.isclose(second["growth_req_pct"], 100 * ((10000 / 4000) ** (1 / 7) - 1))
    assert (first["family"], first["stage"], second["stage"]) == ("kaz-uzb-stages", 1, 2)


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ({"stage": "1"}, "targets.csv:3: column 'stage' value '1': is already used in this family"),
        (
            {"country_b": "TJK"},
            "targets.csv:3: column 'family' value 'kaz-uzb-stages': holds goals of another pair",
        ),
        (
            {"supersedes": "t5", "stated_date": "2024-09-01"},
            "targets.csv:3: column 'supersedes' value 't5': supersedes a goal of its own family",
        ),
        (
            {"family": ""},
            "targets.csv:3: column 'family' value '': is required when stage is given",
        ),
    ],
    ids=["stage-twice", "another-pair", "superseding-a-sibling", "stage-without-family"],
)
def test_a_family_that_does_not_hold_together_is_refused(second, expected):
    failures = _failures(_UZB, _staged(**second))
    assert any(failure.startswith(expected) for failure in failures), failures


# --- the order of statements comes from their dates -----------------------------------


def _chain(later_date: str, relation: str = "") -> list[dict]:
    return [
        target("t1", 2000, "", "2024-05"),
        target("t2", 2000, "2027", later_date, supersedes="t1", relation=relation),
    ]


@pytest.mark.parametrize(
    ("later_date", "relation", "warned"),
    [
        ("2024-05-20", "", True),  # May 2024 may be the 20th or later: no order
        ("2024-05-20", "restated", False),  # the curator records that it came later
        ("2024-06-01", "", False),  # after every day May 2024 can stand for
    ],
)
def test_a_link_the_dates_cannot_order_is_said_unless_its_relation_is_named(
    later_date, relation, warned
):
    failures = validate_frames(frames_of(_UZB, _chain(later_date, relation)))
    said = [
        str(f)
        for f in failures
        if f.severity == "warning" and "cannot be ordered after t1 (stated 2024-05)" in f.rule
    ]
    assert [f for f in failures if f.severity == "error"] == []
    assert len(said) == warned
    assert all(
        text.startswith(f"targets.csv:3: warning: column 'stated_date' value '{later_date}'")
        for text in said
    )


def test_a_statement_dated_before_the_one_it_supersedes_is_refused():
    failures = _failures(_UZB, _chain("2024-04-30"))
    assert (
        "targets.csv:3: column 'stated_date' value '2024-04-30': is before 2024-05, the date "
        "of t1, the statement it supersedes"
    ) in failures


# --- goals relative to a base year -----------------------------------------------------

_TJK = [
    observation(2017, 600, "2018-02-01"),
    observation(2018, 700, "2019-02-01"),
    observation(2019, 900, "2020-02-01"),
]


def _double(base_year="2017", **extra) -> dict:
    row = target("t1", 0, "2021", "2018-05-10")
    relative = dict(value="", currency="", scale="", multiple="2", base_year=base_year)
    return {**row, "figure_as_written": f"double the {base_year} level", **relative, **extra}


def test_double_the_base_year_is_resolved_from_the_series():
    """'Double the 2017 level by 2021': 2 x $600 m = $1,200 m, judged like any goal."""
    gaps = compute_gaps(build(_TJK, [_double()]), "2020-06-30")
    row = _row(gaps, "t1")
    assert row["target_usd_mn"] == 2 * 600
    assert (row["target_multiple"], row["target_base_year"], row["target_base_usd_mn"]) == (
        2.0,
        2017,
        600.0,
    )
    assert math.isclose(row["growth_req_pct"], 100 * ((1200 / 900) ** (1 / 2) - 1))
    assert math.isclose(row["growth_hist_pct"], 100 * ((900 / 600) ** (1 / 2) - 1))
    assert row["status"] == "on_track"  # 22.5% a year so far against 15.5% needed


def test_a_base_year_the_series_lacks_leaves_the_goal_without_a_value():
    gaps = compute_gaps(build(_TJK, [_double("2015")]), "2020-06-30")
    row = _row(gaps, "t1")
    assert math.isnan(row["target_usd_mn"])
    assert row["status"] == "no_base_value"


def test_the_what_if_of_a_goal_without_a_value_says_why():
    result = answer(build(_TJK, [_double("2015")]), "t1", "2020-06-30")
    assert result["target_usd_mn"] is None and result["scenarios"] == []
    assert result["reason"] == (
        "stated as 2 × the 2015 level, a year KAZ's series does not report: no value to "
        "project against"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"value": "2"}, "column 'value' value '2': is empty in a goal stated as a multiple"),
        (
            {"figure_as_written": "triple the 2017 level"},
            "column 'figure_as_written' value 'triple the 2017 level': reads as 3 times the "
            "base, but the row records multiple 2",
        ),
        ({"base_year": ""}, "column 'base_year' value '': is required when multiple is given"),
        ({"base_year": "2019"}, "column 'base_year' value '2019': is after the year"),
    ],
    ids=["value-and-multiple", "words-disagree", "no-base-year", "base-after-statement"],
)
def test_a_relative_goal_that_does_not_read_back_is_refused(extra, expected):
    failures = _failures(_TJK, [_double(**extra)])
    assert any(f.startswith(f"targets.csv:2: {expected}") for f in failures), failures


def test_increase_by_half_reads_as_one_and_a_half_times():
    row = _double(multiple="1.5", figure_as_written="increase trade by half")
    gaps = compute_gaps(build(_TJK, [row]), "2020-06-30")
    assert _row(gaps, "t1")["target_usd_mn"] == 1.5 * 600


def test_a_link_to_a_relative_goal_needs_its_relation():
    later = target("t2", 2000, "2025", "2019-03-01", supersedes="t1")
    failures = _failures(_TJK, [_double(), later])
    assert any(
        f.startswith("targets.csv:3: column 'relation' value '': is required") for f in failures
    ), failures


# --- fiscal years ------------------------------------------------------------------------

_IND = [
    observation("2020-04/2021-03", 1000, "2023-06-30", reporter="IND", partner="KAZ"),
    observation("2021-04/2022-03", 1100, "2023-06-30", reporter="IND", partner="KAZ"),
    observation("2022-04/2023-03", 1200, "2023-06-30", reporter="IND", partner="KAZ"),
]


def _india(**extra) -> dict:
    return target("t1", 2000, "2026", "2023-07-01", country_a="IND", country_b="KAZ", **extra)


def test_a_goal_in_fiscal_years_is_judged_on_them():
    """India's April-March years: FY2022-23 ($1,200 m) is the baseline of a goal stated
    in fiscal years; growth since FY2020-21 is two years."""
    gaps = compute_gaps(build(_IND, [_india(fiscal_year_start_month="04")]), "2023-12-31")
    row = _row(gaps, "t1")
    assert (row["baseline_year"], row["baseline_usd_mn"], row["year_start_month"]) == (
        2023,
        1200.0,
        4,
    )
    assert math.isclose(row["growth_hist_pct"], 100 * ((1200 / 1000) ** (1 / 2) - 1))
    assert math.isclose(row["growth_req_pct"], 100 * ((2000 / 1200) ** (1 / 3) - 1))


def test_fiscal_years_never_judge_a_goal_in_calendar_years():
    gaps = compute_gaps(build(_IND, [_india()]), "2023-12-31")
    assert _row(gaps, "t1")["status"] == "no_baseline"


# --- scope: goods, non-oil goods, goods and services -----------------------------------

_ARE = [
    observation(2022, 4000, "2024-01-05", partner="ARE"),
    observation(2023, 5000, "2024-01-05", partner="ARE"),
    observation(2022, 2500, "2024-01-05", partner="ARE", scope="non_oil_goods"),
    observation(2023, 3000, "2024-01-05", partner="ARE", scope="non_oil_goods"),
]


def test_a_non_oil_goal_is_judged_on_non_oil_trade_only():
    goals = [
        target("oil-free", 6000, "2026", "2024-01-10", country_b="ARE", scope="non_oil_goods"),
        target("all-goods", 6000, "2026", "2024-01-10", country_b="ARE"),
    ]
    gaps = compute_gaps(build(_ARE, goals), "2024-06-30")
    non_oil, goods = _row(gaps, "oil-free"), _row(gaps, "all-goods")
    assert (non_oil["baseline_usd_mn"], goods["baseline_usd_mn"]) == (3000.0, 5000.0)
    assert math.isclose(non_oil["growth_hist_pct"], 100 * (3000 / 2500 - 1))
    assert math.isclose(non_oil["growth_req_pct"], 100 * ((6000 / 3000) ** (1 / 3) - 1))
    assert (non_oil["scope"], goods["scope"]) == ("non_oil_goods", "goods")


def test_an_unknown_scope_is_located():
    failures = _failures([observation(2023, 5000, "2024-01-05", scope="oil")], [target()])
    assert any(
        f.startswith("observations.csv:2: column 'scope' value 'oil': must be one of: goods")
        for f in failures
    ), failures


# --- forecasts -----------------------------------------------------------------------------

_FORECAST = [
    observation(2024, 1000, "2025-03-01"),
    observation(2025, 1100, "2026-02-01"),
    observation(2026, 1300, "2026-03-01", is_forecast="true"),
]


def test_a_forecast_is_shown_beside_the_series_never_in_it():
    """'Trade will reach $1.3 billion this year', said in March 2026: the baseline stays
    2025's reported $1,100 m; the forecast is a point of its own."""
    data = build(_FORECAST, [target("t1", 2000, "2028", "2025-01-10")])
    gaps = compute_gaps(data, "2026-06-30")
    assert (_row(gaps, "t1")["baseline_year"], _row(gaps, "t1")["baseline_usd_mn"]) == (
        2025,
        1100.0,
    )
    series = target_series(data, gaps, "2026-06-30")
    forecast = series[series["role"] == "forecast"]
    assert forecast[["year", "value_usd_mn"]].to_dict("records") == [
        {"year": 2026, "value_usd_mn": 1300.0}
    ]
    assert not audit(data, "2026-06-30")["span"].eq("2026").any()


def test_a_period_not_yet_ended_is_refused_unless_marked_a_forecast():
    rows = [*_FORECAST[:2], observation(2026, 1300, "2026-03-01")]
    failures = _failures(rows, [target("t1", 2000, "2028", "2025-01-10")])
    assert any(
        f.startswith("observations.csv:4: column 'span' value '2026': span ends 2026-12-31")
        and "is a forecast (is_forecast true)" in f
        for f in failures
    ), failures


def test_a_goal_not_yet_stated_above_others_in_the_file_leaves_their_pairs_as_they_are():
    """The first row of targets.csv stated after the as-of day: the pairs of the rows
    below it are still matched to their own statements."""
    targets = [
        target("kaz-pak", stated="2026-01-10", country_b="PAK"),
        target("kaz-tjk", stated="2022-01-10"),
    ]
    data = build([observation(2023, 900.0, "2024-02-01")], targets)
    gaps = compute_gaps(data, "2025-01-31")
    table = coverage(data.targets, gaps, target_series(data, gaps, "2025-01-31"), "2025-01-31")
    row = table[["country_a", "country_b", "goals", "statements"]]
    assert row.to_dict("records") == [
        {"country_a": "KAZ", "country_b": "TJK", "goals": 1, "statements": 1}
    ]


def test_a_goal_stated_the_other_way_round_counts_for_the_same_pair():
    """KAZ-TJK stated twice (one chain) and TJK-KAZ once: one pair, two goals, three
    statements, shown as the first statement names it; the latest date is the third's."""
    targets = [
        target("kaz-tjk", stated="2022-01-10"),
        target("kaz-tjk-again", stated="2023-03-01", supersedes="kaz-tjk"),
        target("tjk-kaz", stated="2024-05-20", country_a="TJK", country_b="KAZ", flow="exports"),
    ]
    data = build([observation(2023, 900.0, "2024-02-01")], targets)
    gaps = compute_gaps(data, "2025-01-31")
    table = coverage(data.targets, gaps, target_series(data, gaps, "2025-01-31"), "2025-01-31")
    row = table[["country_a", "country_b", "goals", "statements", "latest_stated_date"]]
    assert row.to_dict("records") == [
        {
            "country_a": "KAZ",
            "country_b": "TJK",
            "goals": 2,
            "statements": 3,
            "latest_stated_date": "2024-05-20",
        }
    ]
