"""The per-cell rules, as one case table: what a single value must be, and the words that
say so. CSV files (text cells, :mod:`tracker.validation.schemas`) and Parquet panels (typed
columns, :mod:`tracker.validation.panel`) both build their checks from these cases, so a
rule and its message exist once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from tracker.core.failures import Failure
from tracker.core.figures import QUALIFIERS
from tracker.core.periods import DateError, SpanError, parse_dated, parse_span
from tracker.core.units import SCALES
from tracker.core.vocabulary import COUNTRIES, CURRENCIES, FLOWS, SCOPES

__all__ = [
    "COUNTRY",
    "CURRENCY",
    "DATED",
    "DATE_YEARS",
    "FLOW",
    "IDENTIFIER",
    "NOT_NEGATIVE",
    "POSITIVE",
    "QUALIFIER",
    "SCALE",
    "SCOPE",
    "SPAN",
    "YEAR",
    "YEAR_RANGE",
    "CellRule",
    "failures_where",
    "one_of",
]

#: Years a trade figure or deadline may name; outside this a year is a typing slip.
YEAR_RANGE = (1950, 2100)
#: Years a publication or statement date may name: a document dated 0001 or 9999 is a slip.
DATE_YEARS = (1900, 2100)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: ASCII digits: int() also reads full-width and Arabic-Indic digits, which nothing else does.
_DIGITS = re.compile(r"[0-9]+")


class CellRule(NamedTuple):
    """A rule on one value: the words a failure prints, and the test it must pass.

    Examples
    --------
    >>> rule = CellRule("is not upper case", str.isupper)
    >>> rule.test("KAZ"), rule.test("kaz"), rule.rule
    (True, False, 'is not upper case')
    >>> COUNTRY.test("KAZ"), COUNTRY.test("KZX")
    (True, False)
    """

    rule: str
    test: Callable[[object], bool]


def _parses(parser, error: type[Exception]) -> Callable[[object], bool]:
    def test(value) -> bool:
        if not isinstance(value, str):  # a panel column of numbers where text belongs
            return False
        try:
            parser(value)
        except error:
            return False
        return True

    return test


def _is_year(value) -> bool:
    text = str(value)
    return bool(_DIGITS.fullmatch(text)) and YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]


def _is_positive(value) -> bool:
    return math.isfinite(float(value)) and float(value) > 0


def one_of(values) -> CellRule:
    """A value from a closed set.

    Examples
    --------
    >>> one_of(FLOWS).rule
    'must be one of: total, exports, imports'
    """
    return CellRule(f"must be one of: {', '.join(values)}", frozenset(values).__contains__)


COUNTRY = CellRule("is not an ISO 3166-1 alpha-3 country code", COUNTRIES.__contains__)
CURRENCY = CellRule("is not an ISO 4217 currency code", CURRENCIES.__contains__)
FLOW = one_of(FLOWS)
SCALE = one_of(SCALES)
#: What trade a figure counts; empty is goods (a panel may hold a missing value there).
SCOPE = CellRule(one_of(SCOPES).rule, frozenset(("", *SCOPES)).__contains__)
#: A word before a figure or a growth; empty when none was printed (a panel's typed column
#: holds "" or a missing value there, which a CSV cell check never sees).
QUALIFIER = CellRule(one_of(QUALIFIERS).rule, frozenset(("", *QUALIFIERS)).__contains__)
SPAN = CellRule(
    "is not a span (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM/YYYY-MM, start <= end)",
    _parses(parse_span, SpanError),
)


def _is_dated(value) -> bool:
    if not _parses(parse_dated, DateError)(value):
        return False
    return DATE_YEARS[0] <= parse_dated(value)[0].year <= DATE_YEARS[1]


DATED = CellRule(
    f"is not a real date written YYYY-MM-DD, YYYY-MM or YYYY, in {DATE_YEARS[0]}-{DATE_YEARS[1]}",
    _is_dated,
)
YEAR = CellRule(f"is not a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}", _is_year)
IDENTIFIER = CellRule(
    "is not an identifier (lower-case letters, digits, '-', '.', '_')",
    lambda value: bool(_ID.match(str(value))),
)
#: What an importer says of a negative figure: a trade flow has no sign, so a negative
#: figure is a typing slip or a balance, not trade.
NOT_NEGATIVE = "a trade value is not negative"
#: Checked on numbers (a panel's typed column, a CSV cell that is a number).
POSITIVE = CellRule("must be a finite number greater than 0", _is_positive)


def failures_where(file: str, frame: pd.DataFrame, mask: pd.Series, column: str, rule):
    """One failure per row of ``frame`` (indexed by line) where ``mask`` holds, citing the
    row's cell in ``column`` (empty where a file leaves that optional column out).

    ``rule`` is one text for every row, or a Series of texts by line.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": ["2024", "20x4"]}, index=pd.Index([2, 3], name="line"))
    >>> print(*failures_where("fx_rates.csv", frame, frame["year"].eq("20x4"), "year",
    ...     "is not a year"))
    fx_rates.csv:3: column 'year' value '20x4': is not a year
    """
    rows = frame.index[mask.fillna(False).astype(bool)]
    texts = rule if isinstance(rule, pd.Series) else pd.Series(rule, index=frame.index)
    cells = frame[column] if column in frame else pd.Series("", index=frame.index)
    return [Failure(file, int(line), column, str(cells[line]), str(texts[line])) for line in rows]
