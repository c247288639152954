"""Armenia's foreign trade by partner country (Statistical Committee, via data.opendata.am).

The long layout of "Armenia external trade database 2017-2023":
``country,export,import_consigment,import_origin,timeperiod,year``, CRLF with a blank line
between records. ``country`` is an English name, ``timeperiod`` a month ``1``-``12`` or
``Year``, values are thousand US dollars and ``-`` means no value; Armenia (ARM) reports.

Imports. The file attributes imports twice: ``import_origin`` (where the goods were made)
and ``import_consigment`` (where they were dispatched from). ``imports`` is read from
``import_origin``: IMTS 2010 recommends country of origin for imports, and Kazakhstan's
Bureau of National Statistics, the other side of the pairs followed here, attributes its
imports by origin too, so both reporters' series mean the same thing. Consignment would
match a partner's exports better in a mirror comparison (Kazakhstan 2022: 26,860.0
thousand by consignment, 23,458.7 by origin), but a series holds one import flow, so
``import_consigment`` is left out (its column must be present; its values are not read).

Periods. Month rows become spans ``YYYY-MM``. A ``Year`` row covers January to the last
month the file holds for that country and year: it is the full year ``YYYY`` when that
month is December (all twelve months, or December with quiet months before it, whose
``YYYY-01/YYYY-12`` is the same span), ``YYYY-01/YYYY-MM`` before that, and it is skipped
when the file stops at January (2023: the ``Year`` row repeats the January row). A Year
figure is checked against the sum of its month rows within rounding (0.05 thousand per
printed figure): a full year that disagrees is kept, as the office's annual figure, with
a note (Afghanistan 2020 exports, 3,326.0 against 2,992.7 over seven month rows: a month
row is missing); a part year that disagrees is skipped, as what it covers is then unknown.

Turnover. ``total`` is exports plus imports of the same span, formed only when both are
present: ``-`` may mean no trade or not published, so it is not read as zero.

Partners. Names resolve through pycountry, then :data:`ALIASES` (old names, the file's
spellings and typos). :data:`AGGREGATES` are skipped with a count; any other name is a
failure naming its line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from tracker.core.failures import Failure
from tracker.core.periods import MONTHS_IN_YEAR
from tracker.importers.common import PARSED_COLUMNS, Parsed, check_magnitudes
from tracker.importers.stat_uz import USD_PER_THOUSAND, parse_number, read_statistics_csv

__all__ = ["AGGREGATES", "ALIASES", "COLUMNS_BY_FLOW", "REQUIRED_COLUMNS", "parse_armstat"]

REQUIRED_COLUMNS = ("country", "export", "import_consigment", "import_origin", "timeperiod", "year")
#: The column each flow is read from (imports by origin: see the module docstring).
COLUMNS_BY_FLOW = {"exports": "export", "imports": "import_origin"}
_TOTAL, _TOTAL_COLUMN = "total", "export+import_origin"
_REPORTER = "ARM"
_COUNTRY, _PERIOD, _YEAR_COLUMN = "country", "timeperiod", "year"
_YEAR_ROW = "Year"
_YEAR = re.compile(r"^(19|20)[0-9]{2}$")
_MONTH = re.compile(r"^(0?[1-9]|1[0-2])$")
#: Half the last printed digit (0.1 thousand): the rounding each printed figure carries.
_HALF_DIGIT = 0.05
#: Names pycountry does not resolve, as the file writes them.
ALIASES = {
    "Aland Islands": "ALA",
    "American Saoma": "ASM",  # sic
    "Bosnia Herzegovina": "BIH",
    "Cape Verde": "CPV",
    "Congo, Democratic Republic of the": "COD",
    "Cote d' Ivoire": "CIV",
    "Curacao": "CUW",
    "FYR of Macedonia": "MKD",  # 2017; "North Macedonia" from 2018
    "Faeroe Islands": "FRO",
    "Folkland Islands (Malvinas)": "FLK",  # sic
    "Korea, DPR of": "PRK",
    "Libyan Arab Jamahiriya": "LBY",
    "Monako": "MCO",  # sic
    "Palestinian Territory, Occupied": "PSE",
    "Reunion": "REU",
    "Russia": "RUS",
    "Republic of Korea": "KOR",
    "Saint Helena": "SHN",
    "Saint-Barth?lemy": "BLM",  # the é lost on the way to the portal
    "Saint-Martin (French part)": "MAF",
    "South Korea": "KOR",
    "Svalbard and Jan Mayen Islands": "SJM",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "United States Virgin Islands": "VIR",
    "Vatican City State": "VAT",
    "Wallis and Futuna Islands": "WLF",
}
#: Names that are no country, and why.
AGGREGATES = {
    "": "blank country name",  # 67 rows, 2017-2022: a partner whose name was lost
    "EU countries not specified": "EU countries not specified",
    "Unknown country": "unknown country",
}


@lru_cache(maxsize=4096)
def _partner(name: str) -> tuple[str | None, str | None]:
    """(ISO alpha-3 code, skip reason); both None for a name nobody knows."""
    if name in AGGREGATES:
        return None, f"aggregate or non-country partner: {AGGREGATES[name]}"
    if name in ALIASES:
        return ALIASES[name], None
    try:
        return pycountry.countries.lookup(name).alpha_3, None
    except LookupError:
        return None, None


@dataclass
class _Record:
    """One row of the file: its line, and per flow (value in dollars, skip reason)."""

    line: int
    values: dict[str, tuple[float | None, str | None]]
    thousands: dict[str, float]  # "-" and 0 as 0, for the Year check


@dataclass
class _Group:
    """The rows of one partner and year."""

    months: dict[int, _Record] = field(default_factory=dict)
    year: _Record | None = None


def parse_armstat(path: Path) -> Parsed:
    """Parse Armenia's trade-by-country file: months, years and year-to-date.

    Parameters
    ----------
    path : pathlib.Path
        ``armenia_data.csv`` or a file of the same layout.

    Returns
    -------
    Parsed
        Exports, imports (by origin) and their total; each row's line is the record's
        physical line, blank lines counted.

    Examples
    --------
    >>> parsed = parse_armstat(Path("datasets/raw/arm_opendata/armenia_data.csv"))
    >>> kaz = parsed.rows.query("partner == 'KAZ' and span in ['2022', '2023-01', '2023']")
    >>> print(kaz[["flow", "span", "value_usd", "line"]].to_string(index=False))
       flow    span  value_usd  line
    exports 2023-01  2458200.0  9511
    imports 2023-01  1460100.0  9511
      total 2023-01  3918300.0  9511
    exports    2022 18432300.0  9539
    imports    2022 23458700.0  9539
      total    2022 41891000.0  9539
    """
    file = path.name
    frame, failures = read_statistics_csv(path, REQUIRED_COLUMNS)
    if frame is None:
        return _failed(failures)
    skipped: Counter = Counter()
    groups: dict[tuple[str, str], _Group] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    for line, row in frame.iterrows():
        line = int(line)
        name, year, period = row[_COUNTRY], row[_YEAR_COLUMN], row[_PERIOD]
        problems = _period_failures(file, line, year, period)
        if _MONTH.match(period):  # "1" and "01" are the same month
            period = str(int(period))
        partner, reason = _partner(name)
        if reason:
            skipped[reason] += 1
            continue
        if partner is None:
            rule = (
                "is not a country pycountry knows, nor a listed alias or aggregate: "
                f"decide it in {__name__}"
            )
            problems.append(Failure(file, line, _COUNTRY, name, rule))
        elif (partner, year, period) in first_line:
            rule = (
                f"repeats partner {partner}, period {period} of {year} "
                f"(first on line {first_line[partner, year, period]})"
            )
            problems.append(Failure(file, line, _COUNTRY, name, rule))
        record = _record(file, line, row, problems)
        failures += problems
        if problems:
            continue
        if partner == _REPORTER:
            skipped[f"rows of partner {_REPORTER}, the reporter"] += 1
            continue
        first_line[partner, year, period] = line
        group = groups.setdefault((partner, year), _Group())
        if period == _YEAR_ROW:
            group.year = record
        else:
            group.months[int(period)] = record

    records = []
    for (partner, year), group in groups.items():
        for month, record in group.months.items():
            records += _emit(partner, f"{year}-{month:02d}", record, {}, skipped)
        if group.year is not None:
            span, notes, reason = _year_span(year, group)
            if reason:
                skipped[reason] += 1
            else:
                records += _emit(partner, span, group.year, notes, skipped)
    rows = pd.DataFrame(records, columns=PARSED_COLUMNS).sort_values("line", kind="stable")
    for flow, part in rows.groupby("flow"):
        failures += check_magnitudes(part, file, COLUMNS_BY_FLOW.get(flow, _TOTAL_COLUMN))
    return Parsed(rows.reset_index(drop=True), +skipped, failures)


def _period_failures(file: str, line: int, year: str, period: str) -> list[Failure]:
    failures = []
    if not _YEAR.match(year):
        failures.append(Failure(file, line, _YEAR_COLUMN, year, "is not a year (YYYY)"))
    if period != _YEAR_ROW and not _MONTH.match(period):
        rule = f"is neither a month 1-12 nor {_YEAR_ROW!r}"
        failures.append(Failure(file, line, _PERIOD, period, rule))
    return failures


def _record(file: str, line: int, row: pd.Series, failures: list[Failure]) -> _Record:
    """Read the row's values; a value that fails is added to ``failures``."""
    values, thousands = {}, {}
    for flow, column in COLUMNS_BY_FLOW.items():
        value, reason, failure = parse_number(row[column], file, line, column)
        if failure:
            failures.append(failure)
        values[flow] = (value, reason)
        thousands[flow] = 0.0 if value is None else value / USD_PER_THOUSAND
    return _Record(line, values, thousands)


def _year_span(year: str, group: _Group) -> tuple[str | None, dict[str, str], str | None]:
    """The span a Year row stands for, a note per flow, or why it is skipped."""
    if not group.months:
        return None, {}, "Year rows without month rows (what they cover cannot be told)"
    last = max(group.months)
    notes = {}
    for flow in COLUMNS_BY_FLOW:
        months = sum(record.thousands[flow] for record in group.months.values())
        stated = group.year.thousands[flow]
        # Each printed figure is off by up to half its last digit.
        if abs(stated - months) > _HALF_DIGIT * (len(group.months) + 1) + 1e-9:
            notes[flow] = (
                f"Year {stated:,.1f} thousand, its {len(group.months)} month rows "
                f"{months:,.1f}: a month row missing or revised"
            )
    if last == MONTHS_IN_YEAR:
        return year, notes, None
    if last == 1:
        return (
            None,
            {},
            "Year rows of a year the file holds to January only (repeat the January row)",
        )
    if notes:
        return None, {}, "Year rows of a part year that disagree with their months"
    span = f"{year}-01/{year}-{last:02d}"
    return span, dict.fromkeys(COLUMNS_BY_FLOW, f"Year row, months 1-{last} only"), None


def _emit(
    partner: str, span: str, record: _Record, notes: dict[str, str], skipped: Counter
) -> list[tuple]:
    """The rows one record gives: each flow with a value, and their total."""
    rows, values = [], {}
    for flow, (value, reason) in record.values.items():
        if value is None:
            skipped[f"{flow}: {reason}"] += 1
            continue
        values[flow] = value
        rows.append((_REPORTER, partner, flow, span, value, notes.get(flow, ""), record.line))
    if len(values) == len(COLUMNS_BY_FLOW):
        note = "; ".join(dict.fromkeys(n for n in notes.values() if n))
        rows.append((_REPORTER, partner, _TOTAL, span, sum(values.values()), note, record.line))
    else:
        skipped["total not formed: exports or imports has no value"] += 1
    return rows


def _failed(failures: list[Failure]) -> Parsed:
    return Parsed(pd.DataFrame(columns=PARSED_COLUMNS), failures=failures)
