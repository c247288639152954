"""Rules over the rows of any table of observations, CSV or Parquet panel, written once.

Each rule works per distinct value wherever it can (a 25-million-row panel holds a few
hundred countries, spans and sources), and lists at most :data:`LISTED` rows per rule and
file, with a count of the rest. The same rules check ``observations.csv``; the source and
country rules check ``targets.csv`` and ``fx_rates.csv`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from tracker.core.coding import factorize, failing, key_codes, per_distinct
from tracker.core.failures import Failure
from tracker.core.periods import SpanError, parse_span
from tracker.core.units import MAX_TRADE_USD_MN, MIN_TRADE_USD_MN, MN_PER_SCALE
from tracker.core.vocabulary import BOOLEANS, OBSERVATION_KEY, USD, scope_or_default
from tracker.validation import cells

__all__ = [
    "LISTED",
    "distinct_countries",
    "known_sources",
    "magnitudes",
    "observation_failures",
    "rates_exist",
    "rows_where",
    "spans_before_publication",
    "unique_key",
]

#: Rows listed per rule and file: a systematic error in millions of rows is read from the
#: first rows and the count, not from millions of lines.
LISTED = 1000
#: Day numbers standing for "unknown", so that an unparsed span or source is never late.
_NEVER, _UNKNOWN_END = np.iinfo(np.int64).max, -1
_KEY = [*OBSERVATION_KEY, "source_id"]
#: Units per US dollar by (currency, year), from fx_rates.csv.
Rates = Mapping[tuple[str, int], float]
#: Millions in a trillion, for the words of the ceiling.
_MN_PER_TRILLION = MN_PER_SCALE["trillion"]


def rows_where(
    file: str, frame: pd.DataFrame, mask: np.ndarray, column: str, rule, shown=None
) -> list[Failure]:
    """One failure per row where ``mask`` holds, at most :data:`LISTED` of them.

    ``frame`` is indexed by line (CSV) or row number (panel). ``rule`` is a text or a
    function of the listed rows' positions giving one text each; ``shown`` likewise gives
    the values printed (default: the first column named in ``column``).

    Examples
    --------
    >>> frame = pd.DataFrame({"reporter": ["KAZ", "KZX"]}, index=pd.Index([2, 3], name="line"))
    >>> print(*rows_where("observations.csv", frame, np.array([False, True]), "reporter", "bad"))
    observations.csv:3: column 'reporter' value 'KZX': bad
    """
    rows = np.flatnonzero(mask)
    if not len(rows):
        return []
    listed = rows[:LISTED]
    # Touch only the rows listed: a whole categorical column as text costs seconds.
    values = (
        shown(listed) if shown else frame[column.split("+")[0]].iloc[listed].astype(str).tolist()
    )
    texts = rule(listed) if callable(rule) else [rule] * len(listed)
    lines = frame.index[listed]
    failures = [
        Failure(file, int(line), column, str(value), text)
        for line, value, text in zip(lines, values, texts, strict=True)
    ]
    if len(rows) > LISTED:
        first = texts[0]
        more = f"{first} (and {len(rows) - LISTED} more rows, not listed)"
        failures.append(Failure(file, None, column, "", more))
    return failures


def distinct_countries(file: str, frame: pd.DataFrame, first: str, second: str) -> list[Failure]:
    """The two countries of a row differ.

    Examples
    --------
    >>> frame = pd.DataFrame({"reporter": ["KAZ", "TJK"], "partner": ["TJK", "TJK"]}, index=[2, 3])
    >>> print(*distinct_countries("observations.csv", frame, "reporter", "partner"))
    observations.csv:3: column 'partner' value 'TJK': is the same country as reporter
    """
    codes, uniques = factorize(frame[first])
    other, other_uniques = factorize(frame[second])
    # Put the second column's codes in the first column's numbering (-2: not there).
    other = np.append(uniques.get_indexer(other_uniques), -2)[other]
    blank = np.append(uniques == "", True)[codes]  # an empty cell is the schema's to report
    same = (codes == other) & (codes >= 0) & ~blank
    return rows_where(file, frame, same, second, f"is the same country as {first}")


def unique_key(file: str, frame: pd.DataFrame) -> list[Failure]:
    """No two rows give the same reporter, partner, flow and span from the same source.

    Examples
    --------
    >>> row = dict(reporter="KAZ", partner="TJK", flow="total", span="2023", source_id="s")
    >>> print(*unique_key("observations.csv", pd.DataFrame([row, row], index=[2, 3])))
    observations.csv:3: column 'reporter+partner+flow+span+source_id' value 'KAZ|TJK|total|2023|s':
    duplicate key: an earlier row has the same reporter, partner, flow, span, source_id
    """
    columns = [column for column in _KEY if column in frame]  # a panel may have no scope
    if "scope" in frame:  # an empty scope is goods: the same figure either way
        frame = frame.assign(scope=scope_or_default(frame["scope"]))
    key = key_codes(frame, columns)
    # A panel written in key order is checked in one pass; otherwise the keys are sorted
    # (stable: of equal keys the earlier row comes first), which holds two integer arrays
    # where hashing 25 million keys would hold a table several times their size.
    if len(key) < 2 or np.all(key[1:] > key[:-1]):
        return []
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeated = np.zeros(len(key), dtype=bool)
    repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
    return rows_where(
        file,
        frame,
        repeated,
        "+".join(columns),
        f"duplicate key: an earlier row has the same {', '.join(columns)}",
        shown=lambda rows: [
            "|".join(map(str, values)) for values in frame[columns].iloc[rows].to_numpy()
        ],
    )


def known_sources(file: str, frame: pd.DataFrame, published: Mapping) -> list[Failure]:
    """Every ``source_id`` is registered in ``sources.csv`` (an empty cell, or one that is
    no identifier, is the schema's to report).

    Examples
    --------
    >>> frame = pd.DataFrame({"source_id": ["s1", "s9"]}, index=[2, 3])
    >>> print(*known_sources("targets.csv", frame, {"s1": None}))
    targets.csv:3: column 'source_id' value 's9': unknown source_id (not in sources.csv)
    """
    unknown = failing(
        frame["source_id"], lambda sid: sid in published or not cells.IDENTIFIER.test(sid)
    )
    return rows_where(file, frame, unknown, "source_id", "unknown source_id (not in sources.csv)")


def _end_day(span) -> date | None:
    try:
        return parse_span(str(span))[1].end_time.date()
    except SpanError:
        return None


def spans_before_publication(
    file: str, frame: pd.DataFrame, published: Mapping[str, date | None]
) -> list[Failure]:
    """No span ends after its source was published (a figure cannot report the future),
    unless the row is a forecast (``is_forecast`` true).

    Examples
    --------
    >>> frame = pd.DataFrame({"span": ["2024", "2024-Q1"], "source_id": ["s", "s"]}, index=[2, 3])
    >>> print(*spans_before_publication("observations.csv", frame, {"s": date(2024, 8, 31)}))
    observations.csv:2: column 'span' value '2024': span ends 2024-12-31, after its source was
    published (2024-08-31); a figure expected for a period not yet ended is a forecast
    (is_forecast true)
    """
    span_codes, spans = factorize(frame["span"])
    source_codes, sources = factorize(frame["source_id"])
    ends = [_end_day(span) for span in spans]
    days = [published.get(sid) for sid in sources]
    end_day = np.array([d.toordinal() if d else _UNKNOWN_END for d in ends] + [_UNKNOWN_END])
    known_day = np.array([d.toordinal() if d else _NEVER for d in days] + [_NEVER])
    if end_day.max() <= known_day.min():  # no row can be late
        return []
    late = end_day[span_codes] > known_day[source_codes]
    if "is_forecast" in frame:
        late &= (frame["is_forecast"] != BOOLEANS[0]).to_numpy()

    def rule(rows):
        return [
            f"span ends {ends[span_codes[row]]}, after its source was published "
            f"({days[source_codes[row]]}); a figure expected for a period not yet ended is "
            "a forecast (is_forecast true)"
            for row in rows
        ]

    return rows_where(file, frame, late, "span", rule)


def rates_exist(file: str, frame: pd.DataFrame, years: pd.Series, rates: Rates) -> list[Failure]:
    """A value in another currency has that currency's average rate for its year.

    ``years`` gives each row's year (missing where the row's year is unknown).

    Examples
    --------
    >>> frame = pd.DataFrame({"currency": ["KZT", "USD", "KZT"]}, index=[2, 3, 4])
    >>> print(*rates_exist("targets.csv", frame, pd.Series([2023, 2023, 2024]), {("KZT", 2023)}))
    targets.csv:4: column 'currency' value 'KZT': no KZT rate for 2024 in fx_rates.csv
    """
    currency_codes, currencies = factorize(frame["currency"])
    year = pd.to_numeric(years, errors="coerce").to_numpy(dtype=float)
    # Only real currencies: an empty or unknown code is the schema's to report.
    is_foreign = [code != USD and cells.CURRENCY.test(code) for code in currencies]
    foreign = np.append(np.array(is_foreign, dtype=bool), False)[currency_codes]
    foreign &= ~np.isnan(year)
    if not foreign.any():
        return []
    pairs = pd.DataFrame({"code": currency_codes[foreign], "year": year[foreign].astype(int)})
    distinct = pairs.drop_duplicates()
    has_rate = {
        (code, year_)
        for code, year_ in zip(distinct["code"], distinct["year"], strict=True)
        if (currencies[code], year_) in rates
    }
    missing = np.zeros(len(frame), dtype=bool)
    missing[np.flatnonzero(foreign)] = [
        (code, year_) not in has_rate
        for code, year_ in zip(pairs["code"], pairs["year"], strict=True)
    ]

    def rule(rows):
        return [
            f"no {currencies[currency_codes[row]]} rate for {int(year[row])} in fx_rates.csv"
            for row in rows
        ]

    return rows_where(file, frame, missing, "currency", rule)


def _floats(column: pd.Series, func) -> np.ndarray:
    """``func`` of each row's value as floats, computed once per distinct value."""
    return per_distinct(column, lambda distinct: distinct.map(func)).to_numpy(float, copy=True)


def magnitudes(file: str, frame: pd.DataFrame, years: pd.Series, rates: Rates) -> list[Failure]:
    """A value, in US dollars, between one dollar and ten trillion: outside, a scale was
    applied twice or backwards. A foreign value is judged at its year's rate, when known.

    Examples
    --------
    >>> frame = pd.DataFrame({"value": ["1e308", "1.2"], "scale": "billion",
    ...     "currency": "USD"}, index=[2, 3])
    >>> print(*magnitudes("observations.csv", frame, pd.Series([2024, 2024]), {}))
    ... # doctest: +ELLIPSIS
    observations.csv:2: column 'value' value '1e308': ... above $10 trillion; ...
    """
    # Array by array, in place: at 25 million rows each temporary is 200 MB.
    value = pd.to_numeric(pd.Series(frame["value"].to_numpy()), errors="coerce").to_numpy()
    # A value that is no finite positive number is the schema's to report.
    usd_mn = np.where(np.isfinite(value) & (value > 0), value, np.nan)
    del value
    units = _floats(frame["currency"], lambda currency: 1.0 if currency == USD else np.nan)
    year = pd.to_numeric(pd.Series(years.to_numpy()), errors="coerce").to_numpy(dtype=float)
    foreign = np.flatnonzero(np.isnan(units) & ~np.isnan(year))  # few: panels are in USD
    currency = frame["currency"].iloc[foreign].to_numpy()
    for row, code in zip(foreign, currency, strict=True):
        units[row] = rates.get((code, int(year[row])), np.nan)
    with np.errstate(invalid="ignore", over="ignore"):
        usd_mn *= _floats(frame["scale"], lambda scale: MN_PER_SCALE.get(scale, np.nan))
        usd_mn /= units
        too_big = usd_mn > MAX_TRADE_USD_MN
        too_small = usd_mn < MIN_TRADE_USD_MN
    big = rows_where(
        file,
        frame,
        too_big,
        "value",
        f"is above ${MAX_TRADE_USD_MN / _MN_PER_TRILLION:g} trillion; is a scale applied twice?",
    )
    small = rows_where(
        file,
        frame,
        too_small,
        "value",
        "is below one US dollar in its scale; is a scale applied backwards?",
    )
    return big + small


def observation_failures(
    file: str,
    frame: pd.DataFrame,
    published: Mapping[str, date | None] | None,
    rates: Rates | None,
) -> list[Failure]:
    """Every row rule for one table of observations.

    ``published`` (publication day by source) is None when ``sources.csv`` could not be
    read, ``rates`` (currency and year pairs) when ``fx_rates.csv`` could not: the rules
    that need them are then skipped.

    Examples
    --------
    >>> row = dict(reporter="KAZ", partner="KAZ", flow="total", span="2023", currency="USD",
    ...            source_id="s9", value="1.2", scale="billion")
    >>> for failure in observation_failures("o.csv", pd.DataFrame([row], index=[2]), {}, {}):
    ...     print(failure)
    o.csv:2: column 'partner' value 'KAZ': is the same country as reporter
    o.csv:2: column 'source_id' value 's9': unknown source_id (not in sources.csv)
    """
    failures = distinct_countries(file, frame, "reporter", "partner") + unique_key(file, frame)
    if published is not None:
        failures += known_sources(file, frame, published)
        failures += spans_before_publication(file, frame, published)
    if rates is not None:
        codes, spans = factorize(frame["span"])
        ends = [_end_day(span) for span in spans]
        year_of = np.array([day.year if day else np.nan for day in ends] + [np.nan])
        years = pd.Series(year_of[codes])
        failures += rates_exist(file, frame, years, rates)
        failures += magnitudes(file, frame, years, rates)
    return failures
