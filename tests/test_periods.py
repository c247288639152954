"""Spans and dates of known precision."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tracker.core.periods import (
    DateError,
    SpanError,
    is_full_year,
    latest_day,
    parse_dated,
    parse_span,
)


def M(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", "2024-01", "2024-12"),
        ("2024-Q3", "2024-07", "2024-09"),
        ("2024-09", "2024-09", "2024-09"),
        ("2024-01/2024-09", "2024-01", "2024-09"),
        ("2023-07/2024-06", "2023-07", "2024-06"),
        (" 2024-Q1 ", "2024-01", "2024-03"),
    ],
)
def test_span_parses_to_monthly_periods(text, start, end):
    assert parse_span(text) == (M(start), M(end))


@pytest.mark.parametrize(
    "text", ["24", "2024-13", "2024-Q5", "2024-09/2024-01", "Jan-Sep 2024", "2024/2025", ""]
)
def test_bad_span_raises(text):
    with pytest.raises(SpanError):
        parse_span(text)


def test_full_year_only_for_january_to_december():
    assert is_full_year(*parse_span("2024"))
    assert is_full_year(*parse_span("2024-01/2024-12"))
    assert not is_full_year(*parse_span("2024-01/2024-11"))
    assert not is_full_year(*parse_span("2023-07/2024-06"))


@pytest.mark.parametrize(
    ("text", "first", "precision", "last"),
    [
        ("2024-08-23", date(2024, 8, 23), "day", date(2024, 8, 23)),
        ("2024-02", date(2024, 2, 1), "month", date(2024, 2, 29)),
        ("2022", date(2022, 1, 1), "year", date(2022, 12, 31)),
    ],
)
def test_dated_precision_and_latest_day(text, first, precision, last):
    assert parse_dated(text) == (first, precision)
    assert latest_day(text) == last


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13", "01.05.2024", "May 2024"])
def test_bad_date_raises(text):
    with pytest.raises(DateError):
        parse_dated(text)
