"""The dataset files as economists edit them: one pandera schema per CSV file.

Each schema checks one file on its own, cell by cell, on the text as read (every column is
a string; the index is the file's line number, so every failure names its line). Rules that
join columns or files live in :mod:`tracker.rules`; the code that runs both lives in
:mod:`tracker.validation`. Column descriptions here are the data dictionary that
``datasets/README.md`` explains.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry

from tracker.coding import failing
from tracker.figures import MN_PER_SCALE, QUALIFIERS
from tracker.periods import DateError, SpanError, parse_dated, parse_span

__all__ = [
    "COUNTRIES",
    "CURRENCIES",
    "FILES",
    "FLOWS",
    "MIRROR_FLOW",
    "SCALES",
    "SCHEMAS",
    "SOURCE_KINDS",
    "TARGET_KINDS",
    "fx_rates",
    "observations",
    "sources",
    "targets",
]

#: ISO 3166-1 alpha-3 codes, from pycountry's maintained list.
COUNTRIES = frozenset(country.alpha_3 for country in pycountry.countries)
#: ISO 4217 currency codes, from pycountry's maintained list.
CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
FLOWS = ("total", "exports", "imports")
#: A flow seen from the partner's side: Kazakhstan's exports to Tajikistan are Tajikistan's
#: imports from Kazakhstan.
MIRROR_FLOW = {"total": "total", "exports": "imports", "imports": "exports"}
SCALES = tuple(MN_PER_SCALE)
SOURCE_KINDS = ("news", "official_statement", "statistics_release", "database_extract")
TARGET_KINDS = ("target", "potential")

#: Years a trade figure or deadline may name; outside this a year is a typing slip.
_YEAR_RANGE = (1950, 2100)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$", re.I)


def _check(rule: str, test) -> pa.Check:
    """An element-wise check on a cell's text; an empty cell always passes it."""
    return pa.Check(lambda cell: cell == "" or bool(test(cell)), element_wise=True, error=rule)


def _parses(parser, error: type[Exception]):
    def test(cell: str) -> bool:
        try:
            parser(cell)
        except error:
            return False
        return True

    return test


_REQUIRED = pa.Check(lambda cell: cell != "", element_wise=True, error="is required")
_IS_NUMBER = _check("is not a number (digits, with '.' as the decimal separator)", _DECIMAL.match)


def _is_year(cell: str) -> bool:
    return cell.isdigit() and _YEAR_RANGE[0] <= int(cell) <= _YEAR_RANGE[1]


def _finite_above(bound: float):
    def test(cell: str) -> bool:
        # Text that is no number at all is _IS_NUMBER's to report, not this check's.
        if not _DECIMAL.match(cell):
            return True
        number = float(cell)
        return math.isfinite(number) and number > bound

    return test


_POSITIVE = _check("must be a finite number greater than 0", _finite_above(0.0))
_GROWTH = _check("must be a finite percentage above -100", _finite_above(-100.0))
_COUNTRY = _check("is not an ISO 3166-1 alpha-3 country code", COUNTRIES.__contains__)
_CURRENCY = _check("is not an ISO 4217 currency code", CURRENCIES.__contains__)
_SPAN = _check(
    "is not a span (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM/YYYY-MM, start <= end)",
    _parses(parse_span, SpanError),
)
_DATED = _check(
    "is not a real date written YYYY-MM-DD, YYYY-MM or YYYY", _parses(parse_dated, DateError)
)
_YEAR = _check(f"is not a year between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}", _is_year)
_IDENT = _check("is not an identifier (lower-case letters, digits, '-', '.', '_')", _ID.match)


def _one_of(values) -> pa.Check:
    return _check(f"must be one of: {', '.join(values)}", frozenset(values).__contains__)


def _column(description: str, *checks: pa.Check, required: bool = False) -> pa.Column:
    rules = [_REQUIRED, *checks] if required else list(checks)
    return pa.Column(str, rules, nullable=False, description=description)


def _schema(name: str, columns: dict[str, pa.Column], key: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        columns,
        name=name,
        strict=True,
        ordered=False,
        unique=key,
        report_duplicates="exclude_first",
    )


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
        "scale": _column("unit, thousand, million or billion.", _one_of(SCALES)),
        "figure_as_written": _column("The figure exactly as printed.", required=False),
        "qualifier": _column("about, over, nearly, at least, ... as printed.", _one_of(QUALIFIERS)),
        "growth_pct": _column("Stated growth in percent, signed.", _IS_NUMBER, _GROWTH),
        "growth_as_written": _column("The growth exactly as printed."),
        "growth_base_span": _column("Span the growth compares with; empty: a year earlier.", _SPAN),
        "source_id": _column("The source that printed the figure.", _IDENT, required=True),
        "note": _column("The curator's judgement: period, reporter, relative wording."),
    },
    key=["reporter", "partner", "flow", "span", "source_id"],
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
        "value": _column("Target in currency x scale.", _IS_NUMBER, _POSITIVE, required=True),
        "currency": _column("ISO 4217 code of value.", _CURRENCY, required=True),
        "scale": _column("unit, thousand, million or billion.", _one_of(SCALES), required=True),
        "figure_as_written": _column("The figure exactly as printed.", required=True),
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
    key=["currency", "year"],
)

#: Every dataset file, by table name.
SCHEMAS = {
    "sources": sources,
    "observations": observations,
    "targets": targets,
    "fx_rates": fx_rates,
}
FILES = {name: f"{name}.csv" for name in SCHEMAS}

#: Every status a goal can have (SPEC section 5), in the order a report lists them.
STATUSES = (
    "achieved",
    "on_track",
    "needs_acceleration",
    "off_track",
    "reversing",
    "missed",
    "awaiting_data",
    "insufficient_history",
    "no_baseline",
    "not_judged",
)


def _num(description: str, *checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=True, description=description)


def _int(description: str) -> pa.Column:
    return pa.Column("Int64", nullable=True, description=description)


_RATIO_MIN = pa.Check.ge(0)

#: The gap table that :func:`tracker.gaps.compute_gaps` returns: one row per tracked goal.
gap_table = pa.DataFrameSchema(
    {
        "target_id": pa.Column(str, unique=True, description="Newest link of the chain."),
        "country_a": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "country_b": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "flow": pa.Column(str, pa.Check.isin(FLOWS)),
        "kind": pa.Column(str, pa.Check.isin(TARGET_KINDS)),
        "judged_by": pa.Column(str, pa.Check.isin(COUNTRIES), description="Judged reporter."),
        "target_usd_mn": _num("Target value.", pa.Check.gt(0)),
        "deadline_year": _int("Stated, carried or assumed deadline."),
        "is_deadline_assumed": pa.Column(bool, description="No deadline was ever stated."),
        "deadline_as_worded": pa.Column(str),
        "deadline_stated_in": pa.Column(
            str, nullable=True, description="Chain link that stated the deadline."
        ),
        "stated_date": pa.Column(str),
        "source_id": pa.Column(str),
        "chain_root": pa.Column(
            str, description="First statement of the goal: its identity across restatements."
        ),
        "chain_length": pa.Column(int, pa.Check.ge(1)),
        "baseline_year": _int("Latest year with a full-year value."),
        "baseline_usd_mn": _num("Value in the baseline year.", pa.Check.gt(0)),
        "is_baseline_derived": pa.Column(bool, description="Summed from twelve months."),
        "annual_points": pa.Column(int, pa.Check.ge(0)),
        "history_start_year": _int("First year of the growth window."),
        "history_start_usd_mn": _num("Value in that year.", pa.Check.gt(0)),
        "mirror_usd_mn": _num("Partner-reported value in the baseline year.", pa.Check.gt(0)),
        "mirror_ratio": _num("Judged value over mirror value.", pa.Check.gt(0)),
        "share_achieved": _num("Baseline value over target (1 = reached).", _RATIO_MIN),
        "growth_hist_pct": _num("Annual growth over the window."),
        "growth_req_pct": _num("Annual growth needed from baseline to deadline."),
        "gap_pp": _num("Required minus historical growth, points."),
        "progress_ratio": _num("Historical over required growth."),
        "projected_usd_mn": _num("Value at the deadline at the historical rate.", _RATIO_MIN),
        "shortfall_usd_mn": _num("Target minus projection."),
        "year_reached": _num("Fractional year the trend reaches the target."),
        **{
            f"growth_req_{h}y_pct": _num(
                f"Growth needed to reach the target {h} years after the baseline."
            )
            for h in (3, 5, 10)
        },
        "ytd_span": pa.Column(str, nullable=True, description="Latest year-to-date span."),
        "ytd_usd_mn": _num("Its value.", pa.Check.gt(0)),
        "ytd_prior_usd_mn": _num("Same months a year earlier.", pa.Check.gt(0)),
        "ytd_yoy_pct": _num("Year-on-year growth of the year to date."),
        "nowcast_year": _int("Year the nowcast is for (baseline + 1)."),
        "nowcast_usd_mn": _num(
            "Baseline x (1 + year-to-date growth); flagged, never an annual value.", _RATIO_MIN
        ),
        "status": pa.Column(str, pa.Check.isin(STATUSES)),
    },
    name="gap_table",
    strict=True,
    coerce=True,
)
#: The status columns a CI or spreadsheet reads first, in this order .
STATUS_COLUMNS = [
    "target_id",
    "country_a",
    "country_b",
    "flow",
    "target_usd_mn",
    "deadline_year",
    "is_deadline_assumed",
    "baseline_year",
    "baseline_usd_mn",
    "share_achieved",
    "growth_hist_pct",
    "growth_req_pct",
    "gap_pp",
    "projected_usd_mn",
    "year_reached",
    "status",
]
__all__ += ["STATUSES", "STATUS_COLUMNS", "gap_table"]


def _each_value(rule: str, test) -> pa.Check:
    """A vectorised check that tests each distinct value once (see tracker.coding)."""

    return pa.Check(
        lambda s: pd.Series(~failing(s, lambda v: bool(test(v))), index=s.index), error=rule
    )


def _finite_positive(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(np.isfinite(values) & (values > 0), index=series.index)


#: A large imported panel (Parquet beside the CSVs): the observation columns, typed, checked
#: column by column without looking at rows one by one. The figure as written is not
#: required; rows are numbered from 1 in failures.
observation_panel = pa.DataFrameSchema(
    {
        "reporter": pa.Column(None, pa.Check.isin(COUNTRIES, error=_COUNTRY.error)),
        "partner": pa.Column(None, pa.Check.isin(COUNTRIES, error=_COUNTRY.error)),
        "flow": pa.Column(None, pa.Check.isin(FLOWS, error=f"must be one of: {', '.join(FLOWS)}")),
        "span": pa.Column(None, _each_value(_SPAN.error, _parses(parse_span, SpanError))),
        "value": pa.Column(float, pa.Check(_finite_positive, error=_POSITIVE.error)),
        "currency": pa.Column(None, pa.Check.isin(CURRENCIES, error=_CURRENCY.error)),
        "scale": pa.Column(
            None, pa.Check.isin(SCALES, error=f"must be one of: {', '.join(SCALES)}")
        ),
        "source_id": pa.Column(None, _each_value(_IDENT.error, _ID.match)),
        **{
            name: pa.Column(None, required=False, nullable=True)
            for name in (
                "figure_as_written",
                "qualifier",
                "growth_pct",
                "growth_as_written",
                "growth_base_span",
                "note",
            )
        },
    },
    name="observation_panel",
    strict=True,
)
__all__ += ["observation_panel"]
