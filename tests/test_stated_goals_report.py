"""The report's words for goals as they are really stated (issue 12): a family, a goal
relative to a base year, fiscal years and a forecast, each on a tiny dataset of
tests/test_stated_goals.py. Kept apart because each renders a whole report (left out of
mutation runs for time; the numbers are pinned in test_stated_goals.py)."""

from __future__ import annotations

import csv
import io
import math
import re

from tests.builders import build, observation, target, write_folder
from tests.conftest import report_text
from tests.test_stated_goals import _FORECAST, _IND, _TJK, _UZB, _double, _india, _staged
from tracker.output.report import build_report


def test_a_report_names_the_family_of_a_goal(tmp_path):
    report = build_report(build(_UZB, _staged()), "2024-12", tmp_path)
    text = report_text(report, "md")
    assert "stated side by side with other goals: family kaz-uzb-stages, stage 2" in text


def test_the_report_shows_how_a_relative_goal_gets_its_value(tmp_path):
    report = build_report(build(_TJK, [_double()]), "2020-06", tmp_path)
    text = report_text(report, "md")
    assert "- target: $1.20 bn (2 × the 2017 level of $600 m) by 2021" in text
    # Each item of a goal's list on a line of its own, whatever the conditions in it.
    assert "\n- judged on: KAZ's statistics" in text
    assert not re.search(r"\S- (baseline|years of the series|judged on):", text)


def test_the_report_labels_fiscal_years(tmp_path):
    data = build(_IND, [_india(fiscal_year_start_month="04")])
    text = report_text(build_report(data, "2023-12", tmp_path), "md")
    assert "- baseline: $1.20 bn in FY2022-23" in text
    assert "by FY2025-26" in text
    # The figures behind the chart, in the goal's own years.
    assert "| FY2020-21 | IND | $1.00 bn |" in text
    assert "| 2021 | IND |" not in text
    # At (1200 / 1000) ** (1 / 2) a year from FY2022-23, $2,000 m is reached in:
    reached = 2023 + math.log(2000 / 1200) / math.log((1200 / 1000) ** (1 / 2))
    assert math.ceil(reached) == 2029
    assert "target reached in FY2028-29" in text


def test_a_calendar_forecast_beside_fiscal_years_keeps_its_calendar_year(tmp_path):
    """Only whole calendar years are forecast: 'trade will reach $1.4 billion in 2024',
    said of India's trade, stays 2024 beside the fiscal years."""
    expected = observation(2024, 1400, "2023-07-01", reporter="IND", partner="KAZ",
        is_forecast="true")  # fmt: skip
    data = build([*_IND, expected], [_india(fiscal_year_start_month="04")])
    text = report_text(build_report(data, "2023-12", tmp_path), "md")
    assert "| 2024 | IND | $1.40 bn | *forecast* |" in text
    assert "| FY2023-24 | IND | $1.40 bn |" not in text


def test_status_and_whatif_text_label_fiscal_years(tmp_path, run_cli):
    folder = write_folder(tmp_path / "d", _IND, [_india(fiscal_year_start_month="04")])
    code, out = run_cli("status", "--datasets", str(folder), "--as-of", "2023-12-31")
    assert code == 0
    assert next(cells for cells in map(str.split, out.splitlines()) if cells[0] == "t1")[2:5] == [
        "FY2025-26",
        "FY2022-23",
        "1,200.00",
    ]
    code, out = run_cli("whatif", "t1", "--datasets", str(folder), "--as-of", "2023-12-31")
    assert code == 0
    assert "2,000 USD mn by FY2025-26" in out
    assert "baseline 1,200.0 USD mn in FY2022-23 (IND's statistics, preliminary)" in out
    # CSV keeps the year a fiscal year ends in, beside the month it starts in.
    code, out = run_cli("status", "--datasets", str(folder), "--as-of", "2023-12-31",
        "--format", "csv")  # fmt: skip
    row = next(csv.DictReader(io.StringIO(out)))
    assert (row["baseline_year"], row["deadline_year"], row["year_start_month"]) == (
        "2023",
        "2026",
        "4",
    )


def test_the_report_lists_a_forecast_as_such(tmp_path):
    data = build(_FORECAST, [target("t1", 2000, "2028", "2025-01-10")])
    text = report_text(build_report(data, "2026-06", tmp_path), "md")
    assert "| 2026 | KAZ | $1.30 bn | *forecast* |" in text
