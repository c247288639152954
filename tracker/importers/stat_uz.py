"""Uzbekistan's foreign trade by partner country, as the Statistics Agency (stat.uz) gives it.

The wide layout of the agency's SDMX-derived CSV downloads (``sdmx_data_1105.csv``
exports, ``sdmx_data_1176.csv`` imports): a byte-order mark, then
``Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2010,...,2023``, one row per partner
and one column per year. ``Code`` is the partner's UN M49 numeric code (``398``
Kazakhstan, written ``8`` or ``008`` alike); ``Klassifikator*`` are its Uzbek, Russian and
English names. Values are in thousand US dollars, Uzbekistan (UZB) is the reporter. The
file does not say which flow it holds: the caller does (``flow``).

Partners. An M49 code becomes an ISO alpha-3 code through pycountry. Code ``0`` ("Other
countries": trade the agency does not allocate to a partner, billions a year) is an
aggregate and is skipped with a count, as is ``1`` (World). A code pycountry lists only as
a former country is skipped too: ``530`` Netherlands Antilles, dissolved in 2010 into
Curaçao, Sint Maarten and the Caribbean Netherlands, cannot be given to one of them.
``736`` (Sudan's code until South Sudan's secession in 2011) is still used by the agency
for "Sudan" in every year, with no ``728``/``729`` row beside it: it is read as SDN, with a
note. Any other code is a failure naming its line: a new code must be decided, not dropped.

Values. Empty or ``-`` cells, zeros and values under one dollar (the 2022 imports hold
``0.0002`` and ``8e-05`` thousand: cents) are skipped with a count (an observation is at
least a dollar); a negative value or text that is not a number is a failure naming its line,
year column and value.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pycountry

from tracker.core.failures import Failure
from tracker.core.units import MIN_TRADE_USD_MN, MN_PER_SCALE, USD_PER_MN
from tracker.importers.common import MAX_FILE_BYTES, PARSED_COLUMNS, Parsed, check_magnitudes
from tracker.loading.files import parse_table, read_inside
from tracker.validation.cells import NOT_NEGATIVE

__all__ = [
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
    "USD_PER_THOUSAND",
    "parse_number",
    "parse_stat_uz",
    "read_statistics_csv",
]

REQUIRED_COLUMNS = ("Code", "Klassifikator", "Klassifikator_ru", "Klassifikator_en")
#: US dollars in a thousand: national tables print thousand US dollars.
USD_PER_THOUSAND = MN_PER_SCALE["thousand"] * USD_PER_MN
_REPORTER = "UZB"
_FLOWS = ("exports", "imports")
_CODE, _NAME = REQUIRED_COLUMNS[0], REQUIRED_COLUMNS[3]
# ASCII digits only: int() would read "２０１０" too.
_YEAR = re.compile(r"^[0-9]{4}$")
_CODE_TEXT = re.compile(r"^[0-9]{1,3}$")
# The agency writes tiny values in exponent form ("8e-05").
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
#: Cells that mean "no figure".
_MISSING = frozenset({"", "-"})
_NO_VALUE = "no value (empty or '-')"
_ZERO = "zero value (no trade, or less than the printed precision)"
#: Below one dollar a figure is rounding residue (stat.uz prints 0.0002 thousand, 20 cents),
#: and validation refuses it as a scale applied backwards.
_MIN_USD = MIN_TRADE_USD_MN * USD_PER_MN
_TOO_SMALL = "below one US dollar (rounding residue, not a trade figure)"
#: M49 codes that stand for groups, not partners.
_AGGREGATES = {0: "Other countries, not allocated to a partner", 1: "World"}
#: Codes pycountry does not list whose territory is one country today.
_FORMER_CODES = {736: ("SDN", "M49 736: Sudan's code before South Sudan's secession (2011)")}


def read_statistics_csv(
    path: Path, required: tuple[str, ...]
) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Read a statistics office's CSV as text cells indexed by line, refusing what is not one.

    The project's own reader does the work (UTF-8 with or without a byte-order mark, CRLF,
    blank lines, open quotes, control characters, rows of the wrong length); this adds a
    size limit (:data:`MAX_FILE_BYTES`), the columns the layout needs, and at least one row.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    required : tuple of str
        Columns the layout must have.

    Returns
    -------
    tuple
        The frame (None when the file is unusable) and the failures, named by ``path.name``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     garbage = Path(folder) / "x.csv"
    ...     _ = garbage.write_bytes(b"PK\\x03\\x04\\x00\\x14")
    ...     print(*read_statistics_csv(garbage, ("Code",))[1])
    ...     _ = garbage.write_text("Kod,2023\\n398,1.5\\n")
    ...     print(*read_statistics_csv(garbage, ("Code", "Klassifikator"))[1])
    x.csv: is UTF-16 or binary, not a UTF-8 text file; save it as UTF-8 CSV
    x.csv:1: lacks the column(s) Code, Klassifikator (it has Kod, 2023)
    """
    file = path.name
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:  # read_inside names the problem
        size = 0
    if size > MAX_FILE_BYTES:
        rule = f"has {size:,} bytes; a statistics table has at most {MAX_FILE_BYTES:,}"
        return None, [Failure(file, None, None, "", rule)]
    data, failures = read_inside(path)
    if data is None:
        return None, failures
    frame, failures = parse_table(file, data)
    if frame is None:
        return None, failures
    missing = [column for column in required if column not in frame.columns]
    if missing:
        shown = ", ".join(frame.columns[:10])
        rule = f"lacks the column(s) {', '.join(missing)} (it has {shown})"
        return None, [Failure(file, 1, None, "", rule)]
    if frame.empty:
        return None, [Failure(file, None, None, "", "has a header but no rows")]
    return frame, []


def parse_number(
    text: str, file: str, line: int, column: str
) -> tuple[float | None, str | None, Failure | None]:
    """A cell in thousand US dollars: (value in US dollars, skip reason, failure).

    Exactly one of the three is not None. Empty, ``-``, zero and values under one dollar
    are skipped; a negative value or text that is not a number (``.`` as decimal
    separator, exponent allowed) fails.

    Examples
    --------
    >>> parse_number("886465.5", "f.csv", 2, "2010")
    (886465500.0, None, None)
    >>> parse_number("0.0", "f.csv", 2, "2010")[1], parse_number("-", "f.csv", 2, "2010")[1]
    ('zero value (no trade, or less than the printed precision)', "no value (empty or '-')")
    >>> print(parse_number("1 234,5", "f.csv", 7, "2011")[2])
    f.csv:7: column '2011' value '1 234,5': is not a number (thousand US dollars, '.' as
    decimal separator)
    """
    if text in _MISSING:
        return None, _NO_VALUE, None
    if not _NUMBER.match(text):
        rule = "is not a number (thousand US dollars, '.' as decimal separator)"
        return None, None, Failure(file, line, column, text, rule)
    value = float(text)
    if value < 0:
        return None, None, Failure(file, line, column, text, NOT_NEGATIVE)
    if value == 0:
        return None, _ZERO, None
    if value * USD_PER_THOUSAND < _MIN_USD:
        return None, _TOO_SMALL, None
    return value * USD_PER_THOUSAND, None, None


def _partner(code_text: str) -> tuple[str | None, str, str | None]:
    """(ISO alpha-3 code, note, skip reason); all None-ish when the code is unknown."""
    if not _CODE_TEXT.match(code_text):
        return None, "", None
    code = int(code_text)
    if code in _AGGREGATES:
        return None, "", f"aggregate partner code {code} ({_AGGREGATES[code]})"
    if code in _FORMER_CODES:
        return (*_FORMER_CODES[code], None)
    numeric = f"{code:03d}"
    if country := pycountry.countries.get(numeric=numeric):
        return country.alpha_3, "", None
    if former := pycountry.historic_countries.get(numeric=numeric):
        return None, "", f"former country code {code} ({former.name}), not one country today"
    return None, "", None


def parse_stat_uz(path: Path, flow: str) -> Parsed:
    """Parse a stat.uz trade-by-partner table; ``flow`` says what the file holds.

    Parameters
    ----------
    path : pathlib.Path
        ``sdmx_data_1105.csv`` (exports) or ``sdmx_data_1176.csv`` (imports) and the like.
    flow : str
        ``exports`` or ``imports``.

    Returns
    -------
    Parsed
        One row per partner and year with a value above 0; its line is the partner's line.

    Examples
    --------
    >>> parsed = parse_stat_uz(Path("datasets/raw/uzb_stat/sdmx_data_1105.csv"), "exports")
    >>> kaz = parsed.rows[(parsed.rows.partner == "KAZ") & (parsed.rows.span == "2023")]
    >>> print(f"{kaz.value_usd.item():,.1f}", kaz.line.item(), parsed.failures)
    1,417,053,600.0 45 []
    >>> parsed.skipped["aggregate partner code 0 (Other countries, not allocated to a partner)"]
    14
    """
    file = path.name
    if flow not in _FLOWS:
        rule = f"flow must be {' or '.join(_FLOWS)}: the file does not say which it holds"
        return _failed([Failure(file, None, "flow", flow, rule)])
    frame, failures = read_statistics_csv(path, REQUIRED_COLUMNS)
    if frame is None:
        return _failed(failures)
    years = [column for column in frame.columns if column not in REQUIRED_COLUMNS]
    if not years or not all(_YEAR.match(year) for year in years):
        rule = "after the code and name columns, every column is a year (YYYY)"
        odd = ", ".join(y for y in years if not _YEAR.match(y)) or "no year column"
        return _failed([Failure(file, 1, None, odd, rule)])

    skipped: Counter = Counter()
    records, first_line = [], {}
    for line, row in frame.iterrows():
        partner, note, reason = _partner(row[_CODE])
        if reason:  # counted in values, like the zeros: every cell is one observation
            skipped[reason] += len(years)
            continue
        if partner is None:
            rule = (
                "is not an M49 code of a country pycountry knows, nor a listed aggregate or "
                f"former code ({row[_NAME]!r}): decide it in {__name__}"
            )
            failures.append(Failure(file, int(line), _CODE, row[_CODE], rule))
            continue
        if partner == _REPORTER:
            skipped[f"partner is the reporter {_REPORTER}"] += len(years)
            continue
        if partner in first_line:
            rule = f"partner {partner} appears twice (first on line {first_line[partner]})"
            failures.append(Failure(file, int(line), _CODE, row[_CODE], rule))
            continue
        first_line[partner] = int(line)
        for year in years:
            value, why, failure = parse_number(row[year], file, int(line), year)
            if failure:
                failures.append(failure)
            elif why:
                skipped[why] += 1
            else:
                records.append((_REPORTER, partner, flow, year, value, note, int(line)))

    rows = pd.DataFrame(records, columns=PARSED_COLUMNS)
    for year, part in rows.groupby("span"):
        failures += check_magnitudes(part, file, str(year))
    return Parsed(rows, +skipped, failures)


def _failed(failures: list[Failure]) -> Parsed:
    return Parsed(pd.DataFrame(columns=PARSED_COLUMNS), failures=failures)
