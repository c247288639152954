"""Spans and dates of known precision."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tracker.core.periods import (
    DateError,
    SpanError,
    is_fiscal_year,
    is_full_year,
    is_year_to_date,
    latest_day,
    parse_dated,
    parse_span,
    year_and_month,
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


def _periods(*texts: str | None) -> pd.Series:
    return pd.Series(
        pd.PeriodIndex(list(texts), freq="M"), index=[10 + i for i in range(len(texts))]
    )


def test_year_and_month_of_each_period_as_pandas_gives_them():
    texts = ["1969-12", "1970-01", "2000-02", "2024-12", "2100-07"]
    years, months = year_and_month(_periods(*texts))
    assert years.tolist() == [1969, 1970, 2000, 2024, 2100]
    assert months.tolist() == [12, 1, 2, 12, 7]
    assert years.index.tolist() == [10, 11, 12, 13, 14]  # aligned with the periods
    index_years, index_months = year_and_month(pd.PeriodIndex(texts, freq="M"))
    assert index_years.tolist() == years.tolist() and index_months.tolist() == months.tolist()


def test_a_missing_period_has_no_real_year_or_month():
    years, months = year_and_month(_periods("2024-01", None))
    assert years.tolist() == [2024, -1] and months.tolist() == [1, 0]


def test_year_and_month_refuses_periods_other_than_months():
    with pytest.raises(TypeError, match="monthly"):
        year_and_month(pd.Series(pd.PeriodIndex(["2024Q1"], freq="Q")))


def test_span_tests_element_wise_match_the_single_span_answers():
    spans = [
        "2024",
        "2024-01/2024-09",
        "2024-01",
        "2023-07/2024-06",
        "2024-02/2024-12",
        "2023-01/2024-12",
        "2024-12",
    ]
    starts = _periods(*(str(parse_span(s)[0]) for s in spans))
    ends = _periods(*(str(parse_span(s)[1]) for s in spans))
    assert is_full_year(starts, ends).tolist() == [True, False, False, False, False, False, False]
    assert is_year_to_date(starts, ends).tolist() == [False, True, True, False, False, False, False]
    fiscal = is_fiscal_year(pd.PeriodIndex(starts), pd.PeriodIndex(ends))
    assert fiscal.tolist() == [False, False, False, True, False, False, False]
    for span, full, partial in zip(
        spans, is_full_year(starts, ends), is_year_to_date(starts, ends), strict=True
    ):
        assert is_full_year(*parse_span(span)) == full
        assert is_year_to_date(*parse_span(span)) == partial


def test_a_missing_span_is_neither_a_full_year_nor_a_year_to_date():
    starts, ends = _periods("2024-01", None, None), _periods(None, "2024-06", None)
    assert not is_full_year(starts, ends).any()
    assert not is_year_to_date(starts, ends).any()


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
