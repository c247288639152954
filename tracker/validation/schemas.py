"""The dataset files as economists edit them: one pandera schema per CSV file.

Each schema checks one file on its own, cell by cell, on the text as read (every column is
a string; the index is the file's line number, so every failure names its line). Rules that
join columns or files live in :mod:`tracker.validation.rules`; the code that runs both lives
in :mod:`tracker.validation.run`. Column descriptions here are the data dictionary that
``datasets/README.md`` explains.
"""

from __future__ import annotations

import math
import re

import pandera.pandas as pa

from tracker.core.figures import QUALIFIERS
from tracker.core.units import SCALES, SCALES_IN_WORDS
from tracker.core.vocabulary import (
    BOOLEANS,
    FLOWS,
    LINK_RELATIONS,
    SCOPES,
    SOURCE_KINDS,
    TARGET_KINDS,
)
from tracker.validation import cells

__all__ = [
    "FILES",
    "SCHEMAS",
    "fx_rates",
    "observations",
    "sources",
    "targets",
]

_DECIMAL = re.compile(
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?(nan|inf|infinity)$", re.I
)


def _check(case: cells.CellRule) -> pa.Check:
    """An element-wise check on a cell's text; an empty cell always passes it."""
    test = case.test
    return pa.Check(lambda cell: cell == "" or bool(test(cell)), element_wise=True, error=case.rule)


def _finite_above(bound: float):
    def test(cell: str) -> bool:
        # Text that is no number at all is _IS_NUMBER's to report, not this check's.
        if not _DECIMAL.match(cell):
            return True
        number = float(cell)
        return math.isfinite(number) and number > bound

    return test


_REQUIRED = pa.Check(lambda cell: cell != "", element_wise=True, error="is required")
_IS_NUMBER = _check(
    cells.CellRule("is not a number (digits, with '.' as the decimal separator)", _DECIMAL.match)
)
_POSITIVE = _check(cells.CellRule(cells.POSITIVE.rule, _finite_above(0.0)))
_GROWTH = _check(cells.CellRule("must be a finite percentage above -100", _finite_above(-100.0)))
_COUNTRY = _check(cells.COUNTRY)
_CURRENCY = _check(cells.CURRENCY)
_SPAN = _check(cells.SPAN)
_DATED = _check(cells.DATED)
_YEAR = _check(cells.YEAR)
_IDENT = _check(cells.IDENTIFIER)
_STAGE = _check(
    cells.CellRule("is not a stage number (1 to 9)", frozenset("123456789").__contains__)
)


def _one_of(values) -> pa.Check:
    return _check(cells.one_of(values))


def _column(description: str, *checks: pa.Check, required: bool = False) -> pa.Column:
    rules = [_REQUIRED, *checks] if required else list(checks)
    return pa.Column(str, rules, nullable=False, description=description)


def _optional(description: str, *checks: pa.Check) -> pa.Column:
    """A column a file may leave out altogether (added after files existed): read as empty."""
    return pa.Column(str, list(checks), nullable=False, required=False, description=description)


def _schema(name: str, columns: dict[str, pa.Column], key: list[str] | None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        columns,
        name=name,
        strict=True,
        ordered=False,
        unique=key,
        report_duplicates="exclude_first",
    )


#: A fiscal year starts in a month other than January, written with two digits.
FISCAL_START_MONTHS = tuple(f"{month:02d}" for month in range(2, 13))
_SCOPE = _optional(f"What trade it counts: {', '.join(SCOPES)}; empty: goods.", _one_of(SCOPES))

sources = _schema(
    "sources",
    {
        "source_id": _column("Identifier other files cite.", _IDENT, required=True),
        "title": _column("Title, or a bracketed label where none was printed.", required=True),
        "publisher": _column("Who published the document.", required=True),
        "published_date": _column(
            "Publication date, to the day, month or year as known.", _DATED, required=True
        ),
        "address": _column("URL where one exists."),
        "kind": _column("What the document is.", _one_of(SOURCE_KINDS), required=True),
        "seed_file": _column("File under shared/ the figures were taken from."),
        "sha256": _column("Checksum of an imported file."),
        "note": _column("How the date or publisher was established."),
    },
    key=["source_id"],
)

observations = _schema(
    "observations",
    {
        "reporter": _column("Whose statistics the figure comes from.", _COUNTRY, required=True),
        "partner": _column("The other country.", _COUNTRY, required=True),
        "flow": _column(
            "total, exports or imports, from the reporter's side.", _one_of(FLOWS), required=True
        ),
        "span": _column("Months the figure covers.", _SPAN, required=True),
        "value": _column(
            "The number in currency x scale; empty for a growth-only statement.",
            _IS_NUMBER,
            _POSITIVE,
        ),
        "currency": _column("ISO 4217 code of value.", _CURRENCY),
        "scale": _column(f"{SCALES_IN_WORDS}.", _one_of(SCALES)),
        "figure_as_written": _column("The figure exactly as printed.", required=False),
        "qualifier": _column("about, over, nearly, at least, ... as printed.", _one_of(QUALIFIERS)),
        "growth_pct": _column("Stated growth in percent, signed.", _IS_NUMBER, _GROWTH),
        "growth_as_written": _column("The growth exactly as printed."),
        "growth_base_span": _column("Span the growth compares with; empty: a year earlier.", _SPAN),
        "growth_qualifier": _optional(
            "about, over, nearly, ... before the growth, as printed.", _one_of(QUALIFIERS)
        ),
        "source_id": _column("The source that printed the figure.", _IDENT, required=True),
        "scope": _SCOPE,
        "is_forecast": _optional(
            "true: a figure said to be expected for a period not yet ended; shown beside the "
            "series, never in it. Empty: false.",
            _one_of(BOOLEANS),
        ),
        "note": _column("The curator's judgement: period, reporter, relative wording."),
    },
    # The key rule is shared with panels: tracker.validation.observations.
    key=None,
)

targets = _schema(
    "targets",
    {
        "target_id": _column("Identifier a later restatement cites.", _IDENT, required=True),
        "country_a": _column(
            "First country; the exporter for an exports target.", _COUNTRY, required=True
        ),
        "country_b": _column("Second country.", _COUNTRY, required=True),
        "flow": _column(
            "total, exports or imports, from country_a's side.", _one_of(FLOWS), required=True
        ),
        # A goal of its own value needs value, currency and scale; a goal stated as a multiple
        # of a base year leaves them empty (tracker.validation.goals).
        "value": _column("Target in currency x scale.", _IS_NUMBER, _POSITIVE),
        "currency": _column("ISO 4217 code of value.", _CURRENCY),
        "scale": _column(f"{SCALES_IN_WORDS}.", _one_of(SCALES)),
        "figure_as_written": _column("The figure exactly as printed.", required=True),
        "multiple": _optional(
            "A goal stated as a multiple of a base year's trade: 2 for 'double', 1.5 for "
            "'increase by half'; empty: the goal has its own value.",
            _IS_NUMBER,
            _POSITIVE,
        ),
        "base_year": _optional("The year a multiple is of.", _YEAR),
        "qualifier": _column("at least, about, ... as printed.", _one_of(QUALIFIERS)),
        "kind": _column(
            "target (a commitment) or potential (an estimate).",
            _one_of(TARGET_KINDS),
            required=True,
        ),
        "deadline_year": _column("Year the target is due; empty when none was stated.", _YEAR),
        "deadline_as_worded": _column("The deadline as stated.", required=True),
        "stated_date": _column("When it was said.", _DATED, required=True),
        "stated_by": _column("Who said it.", required=True),
        "source_id": _column("The source that reported it.", _IDENT, required=True),
        "supersedes": _column("target_id of the earlier statement of the same goal.", _IDENT),
        "judged_by": _column("Reporter whose series judges it; empty: country_a.", _COUNTRY),
        "relation": _optional(
            "How it relates to the statement it supersedes: restated, re-dated, raised or "
            "lowered; empty: read from the values.",
            _one_of(LINK_RELATIONS),
        ),
        "family": _optional(
            "Identifier shared by goals stated side by side (staged, or by two officials); "
            "each is judged.",
            _IDENT,
        ),
        "stage": _optional("Order of a staged goal in its family: 1, 2, ...", _STAGE),
        "scope": _SCOPE,
        "fiscal_year_start_month": _optional(
            "First month (02-12) of the fiscal years the goal is stated in, such as 04 for "
            "India's April-March year; empty: calendar years.",
            _one_of(FISCAL_START_MONTHS),
        ),
        "note": _column("The curator's judgement."),
    },
    key=["target_id"],
)

fx_rates = _schema(
    "fx_rates",
    {
        "currency": _column("ISO 4217 code.", _CURRENCY, required=True),
        "year": _column("Calendar year of the average.", _YEAR, required=True),
        "units_per_usd": _column(
            "Annual average units of currency per US dollar.", _IS_NUMBER, _POSITIVE, required=True
        ),
        "source_id": _column("Where the rate was published.", _IDENT, required=True),
        "note": _column("Anything a reader should know."),
    },
    # Several sources may give a year's rate; the tracker uses the newest official one.
    key=["currency", "year", "source_id"],
)

#: Every dataset file, by table name.
SCHEMAS = {
    "sources": sources,
    "observations": observations,
    "targets": targets,
    "fx_rates": fx_rates,
}
FILES = {name: f"{name}.csv" for name in SCHEMAS}
