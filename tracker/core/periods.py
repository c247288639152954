"""Spans of whole months and dates of known precision.

A *span* is a contiguous run of whole months, written ``2024`` (January-December),
``2024-Q3``, ``2024-09`` or ``2024-01/2024-09`` (an explicit start/end pair, the only form
that may cross a calendar year). A *dated* value such as a publication date may be known to
the day (``2024-08-23``), the month (``2024-08``) or the year (``2024``).
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from tracker.core.coding import factorize

__all__ = [
    "CALENDAR_START_MONTH",
    "MONTHS_IN_YEAR",
    "DateError",
    "SpanError",
    "is_fiscal_year",
    "is_full_year",
    "is_year_to_date",
    "latest_day",
    "latest_days",
    "parse_dated",
    "parse_span",
    "spans_frame",
    "to_date",
    "year_and_month",
    "year_earlier",
    "year_label",
    "year_ranges",
]

# ASCII digits only: int() reads "２０３０" and pandas does not, so neither may pass here.
_YEAR = re.compile(r"^([0-9]{4})$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
#: Months in a calendar year: twelve monthly figures make a year; "a year earlier" is this
#: many months back.
MONTHS_IN_YEAR = 12
#: The first month of a calendar year; a fiscal year starts in another month, crosses into
#: the next calendar year and is known by the year it ends in (India's April-March year
#: 2022-04/2023-03 is FY2022-23, year 2023).
CALENDAR_START_MONTH = 1
#: Ordinal pandas uses for a missing period.
_NAT = np.iinfo(np.int64).min
#: The year of monthly period ordinal 0 (pandas counts months from January 1970).
_ORDINAL_EPOCH_YEAR = 1970
#: Year and month given for a missing period: they match no real span's.
_MISSING_YEAR, _MISSING_MONTH = -1, 0


class SpanError(ValueError):
    """A span that does not parse, or whose start is after its end.

    Examples
    --------
    >>> parse_span("2024-09/2024-01")
    Traceback (most recent call last):
        ...
    tracker.core.periods.SpanError: start 2024-09 is after end 2024-01
    """


class DateError(ValueError):
    """A date of day, month or year precision that does not parse or does not exist.

    Examples
    --------
    >>> parse_dated("2024-02-30")
    Traceback (most recent call last):
        ...
    tracker.core.periods.DateError: no such date (day is out of range for month)
    """


def _month(text: str) -> pd.Period:
    match = _MONTH.match(text)
    if not match:
        raise SpanError(f"'{text}' is not a month written YYYY-MM")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise SpanError(f"month {month} does not exist")
    return pd.Period(year=year, month=month, freq="M")


def parse_span(text: str) -> tuple[pd.Period, pd.Period]:
    """Parse a span into its first and last monthly periods.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-Qn``, ``YYYY-MM`` or ``YYYY-MM/YYYY-MM``.

    Returns
    -------
    tuple of pandas.Period
        ``(start, end)``, both of monthly frequency, ``start <= end``.

    Raises
    ------
    SpanError
        When the text is none of the four forms, names a month that does not exist, or
        its start is after its end.

    Examples
    --------
    >>> parse_span("2024-Q3")
    (Period('2024-07', 'M'), Period('2024-09', 'M'))
    >>> parse_span("2024-01/2024-09")
    (Period('2024-01', 'M'), Period('2024-09', 'M'))
    """
    text = text.strip()
    if match := _YEAR.match(text):
        year = int(match[1])
        return pd.Period(year=year, month=1, freq="M"), pd.Period(year=year, month=12, freq="M")
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        first = 3 * (quarter - 1) + 1
        return (
            pd.Period(year=year, month=first, freq="M"),
            pd.Period(year=year, month=first + 2, freq="M"),
        )
    if "/" in text:
        left, _, right = text.partition("/")
        start, end = _month(left.strip()), _month(right.strip())
        if start > end:
            raise SpanError(f"start {start} is after end {end}")
        return start, end
    if _MONTH.match(text):
        month = _month(text)
        return month, month
    raise SpanError("expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM/YYYY-MM")


def year_and_month(periods):
    """Year and month of a monthly period, or of each in a ``period[M]`` Series or index.

    Worked out from the periods' ordinals (months since January 1970): pandas' own
    ``.year`` and ``.month`` take about ten times as long on a million periods. A missing
    period has year -1 and month 0, which match no real span.

    Examples
    --------
    >>> year_and_month(pd.Period("2024-09", freq="M"))
    (2024, 9)
    >>> years, months = year_and_month(pd.Series(pd.PeriodIndex(["1969-12", "2024-01", None],
    ...     freq="M")))
    >>> years.tolist(), months.tolist()
    ([1969, 2024, -1], [12, 1, 0])
    """
    if isinstance(periods, pd.Period):
        return periods.year, periods.month
    if isinstance(periods, pd.Series):
        index, periods = periods.index, periods.array
    else:
        index = None
    if periods.dtype != "period[M]":
        raise TypeError(f"expected monthly periods, not {periods.dtype}")
    ordinals = periods.asi8
    missing = ordinals == _NAT
    year = np.where(missing, _MISSING_YEAR, ordinals // MONTHS_IN_YEAR + _ORDINAL_EPOCH_YEAR)
    month = np.where(missing, _MISSING_MONTH, ordinals % MONTHS_IN_YEAR + 1)
    if index is None:
        return year, month
    return pd.Series(year, index=index), pd.Series(month, index=index)


def is_full_year(start, end):
    """Whether a span runs from January to December of one year.

    Works on single periods and, element-wise, on period Series or indexes.

    Examples
    --------
    >>> is_full_year(*parse_span("2024")), is_full_year(*parse_span("2024-01/2024-09"))
    (True, False)
    """
    (start_year, start_month), (end_year, end_month) = year_and_month(start), year_and_month(end)
    is_calendar_months = (start_month == CALENDAR_START_MONTH) & (end_month == MONTHS_IN_YEAR)
    return is_calendar_months & (start_year == end_year)


def is_fiscal_year(start: pd.PeriodIndex, end: pd.PeriodIndex) -> np.ndarray:
    """Whether each span is twelve months crossing a calendar year: a fiscal year.

    Examples
    --------
    >>> spans = [parse_span(s) for s in ("2022-04/2023-03", "2024", "2022-04/2023-02")]
    >>> starts, ends = (pd.PeriodIndex([span[i] for span in spans]) for i in (0, 1))
    >>> is_fiscal_year(starts, ends).tolist()
    [True, False, False]
    """
    months = end.asi8 - start.asi8 + 1
    return (months == MONTHS_IN_YEAR) & (year_and_month(start)[1] != CALENDAR_START_MONTH)


def year_label(year, start_month: int = CALENDAR_START_MONTH) -> str:
    """A year as a report prints it: ``2023``, or ``FY2022-23`` for a fiscal year that
    starts in another month and ends in 2023.

    Examples
    --------
    >>> year_label(2023), year_label(2023, 4), year_label(2000, 7)
    ('2023', 'FY2022-23', 'FY1999-00')
    """
    year = int(year)
    if start_month == CALENDAR_START_MONTH:
        return str(year)
    return f"FY{year - 1}-{year % 100:02d}"


def is_year_to_date(start, end):
    """Whether a span runs from January to a month before December of the same year.

    Works on single periods and, element-wise, on period Series.

    Examples
    --------
    >>> is_year_to_date(*parse_span("2024-01/2024-09")), is_year_to_date(*parse_span("2024"))
    (True, False)
    """
    (start_year, start_month), (end_year, end_month) = year_and_month(start), year_and_month(end)
    is_same_year = (start_month == CALENDAR_START_MONTH) & (start_year == end_year)
    return is_same_year & (end_month < MONTHS_IN_YEAR)


def year_earlier(period):
    """The same month (or months, element-wise) a year before.

    Examples
    --------
    >>> str(year_earlier(pd.Period("2024-09", freq="M")))
    '2023-09'
    """
    return period - MONTHS_IN_YEAR


def _span_ordinals(text: str | None) -> tuple[int, int]:
    try:
        start, end = parse_span(text or "")
    except SpanError:
        return _NAT, _NAT
    return start.ordinal, end.ordinal


def spans_frame(spans: pd.Series) -> pd.DataFrame:
    """Parse a column of spans into ``span_start``/``span_end`` monthly periods.

    Spans that do not parse give ``NaT``; validation reports them, so callers that run
    after validation see none. Each distinct span is parsed once.

    Examples
    --------
    >>> spans_frame(pd.Series(["2024-Q3", "2024", "2024-13"]))
      span_start span_end
    0    2024-07  2024-09
    1    2024-01  2024-12
    2        NaT      NaT
    """
    codes, uniques = factorize(spans)
    parsed = np.array([_span_ordinals(text) for text in uniques] + [(_NAT, _NAT)], np.int64)
    start, end = parsed[codes, 0], parsed[codes, 1]  # code -1 (missing) picks NaT
    return pd.DataFrame(
        {
            "span_start": pd.arrays.PeriodArray(start, dtype="period[M]"),
            "span_end": pd.arrays.PeriodArray(end, dtype="period[M]"),
        },
        index=spans.index,
    )


def parse_dated(text: str) -> tuple[date, str]:
    """Parse a date known to the day, month or year.

    Returns
    -------
    tuple
        ``(first_day, precision)`` where precision is ``"day"``, ``"month"`` or ``"year"``.

    Raises
    ------
    DateError
        When the text is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or the date does
        not exist (``2024-02-30``).

    Examples
    --------
    >>> parse_dated("2024-08")
    (datetime.date(2024, 8, 1), 'month')
    >>> parse_dated("2024-08-23")
    (datetime.date(2024, 8, 23), 'day')
    """
    text = text.strip()
    try:
        if match := _DAY.match(text):
            return date(int(match[1]), int(match[2]), int(match[3])), "day"
        if match := _MONTH.match(text):
            return date(int(match[1]), int(match[2]), 1), "month"
        if match := _YEAR.match(text):
            return date(int(match[1]), 1, 1), "year"
    except ValueError as err:
        raise DateError(f"no such date ({err})") from None
    raise DateError("expected YYYY-MM-DD, YYYY-MM or YYYY")


def latest_day(text: str) -> date:
    """The last day a date of the given precision can stand for.

    A figure published "2024-08" is known for certain only from 31 August 2024, so
    as-of selection and the span-before-publication rule use this day.

    Examples
    --------
    >>> latest_day("2024-08"), latest_day("2024")
    (datetime.date(2024, 8, 31), datetime.date(2024, 12, 31))
    """
    first, precision = parse_dated(text)
    if precision == "day":
        return first
    period = pd.Period(first, freq="M" if precision == "month" else "Y")
    return period.end_time.date()


def latest_days(ids, texts) -> dict[str, date | None]:
    """:func:`latest_day` of each text, by id; None where a text is not a date.

    The publication day of every source, for as-of selection and the publication rules.

    Examples
    --------
    >>> latest_days(["a", "b", "c"], ["2024-08", "2024-08-23", "soon"])
    {'a': datetime.date(2024, 8, 31), 'b': datetime.date(2024, 8, 23), 'c': None}
    """
    days = {}
    for key, text in zip(ids, texts, strict=True):
        try:
            days[key] = latest_day(text)
        except DateError:
            days[key] = None
    return days


def to_date(value) -> date:
    """A ``datetime.date`` from a date, a datetime, a Timestamp or an ISO ``YYYY-MM-DD`` text.

    Raises
    ------
    DateError
        When a text is not a real date written ``YYYY-MM-DD``.

    Examples
    --------
    >>> to_date("2026-11-30"), to_date(date(2026, 11, 30))
    (datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))
    """
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value.date() if hasattr(value, "hour") else value
    first, precision = parse_dated(str(value))
    if precision != "day":
        raise DateError(f"{value!r} is not a day written YYYY-MM-DD")
    return first


def year_ranges(years) -> str:
    """Years as runs of consecutive years.

    Examples
    --------
    >>> year_ranges([2020, 2018, 2019, 2024])
    '2018-2020, 2024'
    >>> year_ranges([])
    ''
    """
    runs: list[list[int]] = []
    for year in sorted(set(map(int, years))):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
