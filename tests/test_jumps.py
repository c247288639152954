"""Possible unit slips: the rule the audit's `jump` check and the what-if's resampling share."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.analysis.jumps import possible_slips


def _series(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["key", "year", "value_usd_mn", "figure_as_written"])


@pytest.mark.parametrize(
    ("before", "value", "after", "is_slip"),
    [
        (800.0, 80.0, 900.0, True),  # a tenth of both: millions for billions?
        (100.0, 500.0, 100.0, True),  # exactly five times both
        (100.0, 499.0, 100.0, False),  # just under five times
        (100.0, 20.0, 100.0, True),  # exactly a fifth of both
        (100.0, 600.0, 700.0, False),  # six times the year before, close to the year after
        (100.0, 600.0, 4000.0, False),  # far above one, far below the other: growth
    ],
)
def test_a_typed_year_far_off_both_adjacent_years(before, value, after, is_slip):
    series = _series([("a", 2020, before, ""), ("a", 2021, value, "x"), ("a", 2022, after, "")])
    slips = possible_slips(series, by=["key"])
    assert slips["is_slip"].tolist() == [False, is_slip, False]
    assert slips["ratio_before"][1] == pytest.approx(value / before)
    assert slips["ratio_after"][1] == pytest.approx(value / after)


def test_only_adjacent_years_count():
    series = _series([("a", 2017, 80.0, "x"), ("a", 2020, 800.0, "")])
    slips = possible_slips(series, by=["key"])
    assert not slips["is_slip"].any()
    assert slips["ratio_after"].isna()[0] and slips["year_after"][0] == 2020


def test_a_year_with_one_adjacent_year_is_judged_on_it():
    series = _series([("a", 2023, 1200.0, ""), ("a", 2024, 12.0, "x")])
    assert possible_slips(series, by=["key"])["is_slip"].tolist() == [False, True]


def test_a_figure_not_typed_is_never_a_slip():
    series = _series([("a", 2020, 800.0, ""), ("a", 2021, 80.0, ""), ("a", 2022, 900.0, "")])
    assert not possible_slips(series, by=["key"])["is_slip"].any()


def test_a_missing_figure_was_not_typed():
    series = _series([("a", 2020, 800.0, ""), ("a", 2021, 80.0, None), ("a", 2022, 900.0, "")])
    assert not possible_slips(series, by=["key"])["is_slip"].any()


def test_years_of_another_series_are_not_neighbours():
    # The last year of one series and the first of the next are a year apart in the frame.
    series = _series([("a", 2018, 100.0, ""), ("b", 2019, 1000.0, "x"), ("b", 2020, 1100.0, "")])
    slips = possible_slips(series, by=["key"])
    assert slips["is_slip"].tolist() == [False, False, False]
    assert slips["ratio_before"].isna()[1]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 1.065 typed for 1,065 is off both neighbours; 1170 has only it beside it.
        ([968.0, 1.065, 1170.0], [False, True, False]),
        # The same at the series' start: $80 m beside $8 m typed for $80 m.
        ([80.0, 8.0, 52.5], [False, True, False]),
        # Two years and nothing else: which one slipped cannot be told, both are named.
        ([1200.0, 12.0], [True, True]),
        # A one-sided year beside a year that is itself one-sided stays a slip.
        ([100.0, 100.0, 1.0], [False, False, True]),
    ],
)
def test_a_year_beside_a_slip_is_not_one_itself(values, expected):
    series = _series([("a", 2020 + n, value, "x") for n, value in enumerate(values)])
    assert possible_slips(series, by=["key"])["is_slip"].tolist() == expected
