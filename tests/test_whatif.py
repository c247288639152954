"""What-if: projections, growth needed, sensitivity and the resampled probability."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.builders import build, observation, target
from tests.conftest import SHIPPED
from tracker.analysis.questions import answer
from tracker.analysis.whatif import (
    Probability,
    Scenario,
    growth_needed,
    historical_rates,
    meet_probability,
    project,
    project_target,
    sensitivity,
)
from tracker.output.whatif_text import whatif_lines

ROW = pd.Series(
    {
        "target_id": "t",
        "baseline_year": 2024,
        "baseline_usd_mn": 1200.0,
        "target_usd_mn": 2000.0,
        "deadline_year": 2027,
        "judged_by": "KAZ",
    }
)


def _series(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "role": "judged",
            "reporter": "KAZ",
            "year": list(values),
            "value_usd_mn": list(values.values()),
        }
    )


def test_required_rate_meets_the_target_in_the_deadline_year():
    rate = (2000 / 1200) ** (1 / 3) - 1
    path = project_target(ROW, [Scenario("required", rate)])
    assert path["year"].tolist() == [2024, 2025, 2026, 2027]
    assert abs(path["value_usd_mn"].iloc[-1] - 2000.0) < 1e-9


@pytest.mark.parametrize("deadline", [2025, 2027, 2030, 2040])
def test_growth_needed_inverts_the_projection(deadline):
    rate = float(growth_needed(ROW, deadline))
    end = project(2024, 1200.0, deadline, Scenario("needed", rate))["value_usd_mn"].iloc[-1]
    assert end == pytest.approx(2000.0, rel=1e-12)
    assert rate == pytest.approx((2000 / 1200) ** (1 / (deadline - 2024)) - 1)


def test_per_year_rates_and_a_shock():
    scenario = Scenario("mixed", rate=0.10, rates={2026: 0.0}, shock_year=2027, shock=-0.2)
    values = project(2024, 1000.0, 2027, scenario)["value_usd_mn"].tolist()
    assert values == pytest.approx(
        [1000, 1000 * 1.1, 1000 * 1.1 * 1.0, 1000 * 1.1 * 1.0 * 1.1 * 0.8]
    )


def test_sensitivity_grid():
    grid = sensitivity(ROW, [0.1, 0.2], [2026, 2027]).set_index(["growth_pct", "deadline_year"])
    assert grid.loc[(10.0, 2026), "projected_usd_mn"] == pytest.approx(1200 * 1.1**2)
    assert grid.loc[(20.0, 2027), "projected_usd_mn"] == pytest.approx(1200 * 1.2**3)
    assert bool(grid.loc[(20.0, 2027), "is_met"]) and not bool(grid.loc[(10.0, 2027), "is_met"])
    assert grid.loc[(10.0, 2027), "shortfall_usd_mn"] == pytest.approx(2000 - 1200 * 1.1**3)


def test_historical_rates_only_between_consecutive_years():
    rates = historical_rates(_series({2017: 80, 2020: 800, 2021: 1000, 2022: 900}))
    assert rates.index.tolist() == [2021, 2022]
    assert rates.tolist() == pytest.approx([1000 / 800 - 1, 900 / 1000 - 1])


def _typed(values: dict[int, float], typed: dict[int, str]) -> pd.DataFrame:
    """A judged series whose ``typed`` years were typed as written (the rest imported)."""
    series = _series(values)
    return series.assign(figure_as_written=[typed.get(year, "") for year in values])


# 2017 typed as $80 million beside about $800 million a year: a slip (0.095 x 2018's).
_SLIPPED = {2017: 80, 2018: 840, 2019: 760, 2020: 790, 2021: 1200, 2022: 1400, 2023: 1130}


def test_rates_next_to_a_possible_unit_slip_are_left_out():
    rates = historical_rates(_typed(_SLIPPED, {2017: "$80 million"}))
    assert rates.index.tolist() == [2019, 2020, 2021, 2022, 2023]  # no 2018: +950%
    assert rates[2019] == pytest.approx(760 / 840 - 1)


def test_an_imported_fivefold_move_is_a_rate_like_any_other():
    rates = historical_rates(_typed(_SLIPPED, {}))
    assert rates[2018] == pytest.approx(840 / 80 - 1)


def test_a_slip_is_judged_with_the_year_after_the_until_year():
    # 2020 is 6 x 2019 but close to 2021: not a slip, though 2021 is after `until`.
    series = _typed({2018: 90, 2019: 100, 2020: 600, 2021: 700}, {2020: "$600 million"})
    assert historical_rates(series, until=2020).to_dict() == pytest.approx(
        {2019: 100 / 90 - 1, 2020: 600 / 100 - 1}
    )


def test_the_probability_resamples_as_if_the_slipped_year_were_absent():
    slipped = _typed({**_SLIPPED, 2024: 1200}, {2017: "$80 million"})
    without = slipped[slipped["year"] != 2017]
    chance = meet_probability(ROW, slipped, 3000, seed=5)
    assert chance.left_out.to_dict() == pytest.approx({2018: 840 / 80 - 1})
    kept = {2019: 760 / 840, 2020: 790 / 760, 2021: 1200 / 790, 2022: 1400 / 1200}
    kept |= {2023: 1130 / 1400, 2024: 1200 / 1130}
    assert chance.rates.to_dict() == pytest.approx({y: r - 1 for y, r in kept.items()})
    assert chance.probability == meet_probability(ROW, without, 3000, seed=5).probability


def test_too_few_rates_says_which_were_left_out():
    series = _typed({2021: 80, 2022: 800, 2023: 900, 2024: 1200}, {2021: "$80 million"})
    chance = meet_probability(ROW, series, 100, seed=0)
    assert chance.probability is None
    assert chance.reason == (
        "only 2 year-on-year growth rate(s) in KAZ's series (years: 2023, 2024; left out, "
        "next to a possible unit slip: 2022); at least 3 are needed"
    )
    assert chance.left_out.to_dict() == pytest.approx({2022: 800 / 80 - 1})


def test_a_deadline_not_after_the_baseline_still_lists_the_rates_left_out():
    slipped = _typed({**_SLIPPED, 2024: 1200}, {2017: "$80 million"})
    chance = meet_probability(ROW, slipped, 100, seed=0, deadline=2024)
    assert chance.probability is None and "not after the baseline" in chance.reason
    assert chance.left_out.index.tolist() == [2018]


def test_a_series_given_without_its_figures_has_no_slip():
    # No figure_as_written column: nothing was typed, so a tenfold move is growth.
    rates = historical_rates(_series({2020: 100, 2021: 1000, 2022: 1100}))
    assert rates.to_dict() == pytest.approx({2021: 9.0, 2022: 0.1})


def test_probability_is_one_when_history_always_beats_the_required_rate():
    required = (2000 / 1200) ** (1 / 3) - 1  # 18.6%
    history = _series({2020: 500, 2021: 600, 2022: 720, 2023: 870, 2024: 1200})  # >= 20%
    assert historical_rates(history).min() > required
    assert meet_probability(ROW, history, 2000, seed=1).probability == 1.0


def test_probability_is_zero_when_history_never_reaches_it():
    history = _series({2020: 1000, 2021: 1050, 2022: 1100, 2023: 1150, 2024: 1200})  # ~5%
    assert meet_probability(ROW, history, 2000, seed=1).probability == 0.0


def test_same_seed_same_numbers():
    history = _series({2020: 900, 2021: 1100, 2022: 950, 2023: 1150, 2024: 1200})
    first = meet_probability(ROW, history, 5000, seed=42)
    again = meet_probability(ROW, history, 5000, seed=42)
    other = meet_probability(ROW, history, 5000, seed=43)
    assert first.probability == again.probability
    assert np.array_equal(first.paths, again.paths)
    assert not np.array_equal(first.paths, other.paths)
    assert 0.0 < first.probability < 1.0


def test_too_short_history_is_unavailable_with_the_reason():
    chance = meet_probability(ROW, _series({2021: 75, 2022: 197, 2024: 1200}), 1000, seed=0)
    assert isinstance(chance, Probability)
    assert chance.probability is None and chance.paths is None
    assert chance.reason == (
        "only 1 year-on-year growth rate(s) in KAZ's series (years: 2022); at least 3 are needed"
    )


@pytest.mark.parametrize(
    "target_id",
    [
        "kaz-tjk-2bn-2025",
        "kaz-pak-1bn-2027",
        "kaz-arm-exports-350m-2024",
        "pak-kaz-export-potential-1.7bn",
        "kaz-arm-export-potential-350m",
    ],
)
def test_cli_answers_for_every_target(run_cli, target_id):
    code, out = run_cli(
        "whatif",
        target_id,
        "--as-of",
        "2026-11-30",
        "--growth",
        "10",
        "--simulate",
        "1000",
        "--seed",
        "3",
        "--format",
        "json",
        "--datasets",
        str(SHIPPED),
    )
    assert code == 0, out
    answer = json.loads(out)
    assert answer["target_id"] == target_id
    if answer["baseline_year"] is None:
        assert answer["reason"].startswith("no full-year value")
    else:
        assert answer["growth_needed_pct"] is not None
        assert answer["scenarios"][0]["growth_pct"] == pytest.approx(10.0)


def test_cli_text_for_the_tajikistan_target(run_cli):
    code, out = run_cli(
        "whatif",
        "kaz-tjk-2bn-2027",
        "--as-of",
        "2026-11-30",
        "--growth",
        "20",
        "--datasets",
        str(SHIPPED),
    )
    assert code == 0
    assert "(newest statement of kaz-tjk-2bn-2027)" in out
    expected = 100 * ((2000 / 1200) ** (1 / 3) - 1)
    assert f"growth needed     {expected:+.2f}% a year" in out
    assert f"at +20.0% a year: {1200 * 1.2**3:,.1f} USD mn in 2027, met" in out


def test_cli_names_the_rate_left_out_next_to_the_2017_slip(run_cli):
    argv = ["whatif", "kaz-tjk-2bn-2027", "--as-of", "2026-11-30", "--simulate", "500"]
    argv += ["--datasets", str(SHIPPED)]
    code, out = run_cli(*argv, "--format", "json")
    assert code == 0, out
    chance = json.loads(out)["probability"]
    # 2017: $80 million typed (news); 2018: 841.8857 USD mn from BNS, ten times more.
    assert chance["rates_left_out_pct"] == pytest.approx(
        {"2018": 100 * (841.8857 / 80 - 1)}, abs=1e-3
    )
    assert "2018" not in chance["rates_pct"] and "2019" in chance["rates_pct"]
    left_out = "not resampled, next to a possible unit slip (audit `jump`): 2018 (+952.4%)"
    _, text = run_cli(*argv)
    assert left_out in text
    _, text = run_cli(*argv, "--deadline", "2024")  # no probability: the rate is still named
    assert "probability unavailable: the deadline 2024 is not after" in text and left_out in text


def test_cli_unknown_target_is_a_usage_error(run_cli):
    code, out = run_cli("whatif", "no-such-target", "--datasets", str(SHIPPED))
    assert code == 2
    assert "unknown target 'no-such-target'" in out


@pytest.mark.parametrize(
    ("start_mn", "baseline_mn", "words"),
    [
        (
            880.0,
            1_065_000.0,
            "(KAZ's statistics, preliminary, a possible unit slip (audit `jump`))",
        ),
        (
            0.88,  # typed for 880: the window's start, 2023 - 3
            1170.0,
            f"{100 * ((1170 / 0.88) ** (1 / 3) - 1):+.2f}% a year "
            "(from 2020, a possible unit slip (audit `jump`))",
        ),
        (880.0, 1170.0, None),
    ],
)
def test_whatif_says_when_its_verdict_rests_on_a_possible_unit_slip(start_mn, baseline_mn, words):
    values = {2019: 800.0, 2020: start_mn, 2021: 968.0, 2022: 1065.0, 2023: baseline_mn}
    rows = [observation(year, value, f"{year + 1}-02-01") for year, value in values.items()]
    result = answer(build(rows, [target(value_mn=5000)]), "t1", "2024-03-01")
    assert result["is_baseline_possible_slip"] is (baseline_mn > 100_000)
    assert result["is_history_start_possible_slip"] is (start_mn < 1)
    lines = whatif_lines(result)
    if words is None:
        assert not any("possible unit slip" in line for line in lines)
    else:
        assert any(words in line for line in lines), lines
