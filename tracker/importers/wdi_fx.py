"""World Bank WDI official exchange rates (``PA.NUS.FCRF``) as annual rates per currency.

The World Development Indicators bulk CSV (``API_PA.NUS.FCRF_DS2_en_csv_v2_*.csv``) gives
the "Official exchange rate (LCU per US$, period average)": a few metadata lines (their
"Last Updated Date" is the release date), then one row per economy (ISO 3166-1 alpha-3
code, or an aggregate such as EMU or WLD) and one column per year from 1960. A value is in
the economy's local currency unit (LCU); ``fx_rates.csv`` wants ISO 4217 currencies, so
each value is attributed to a currency by this rule, or skipped with a counted reason:

1. The country's currency is the one CLDR's territory-currency history (Babel, legal tender
   only) has in use on 31 December of the file's last year. Codes that are no ISO 3166-1
   country (EMU, WLD, income groups, XKX, CHI) are skipped. Where CLDR lists a second
   legal tender beside the national currency (the anchor it is pegged to, or the US
   dollar), :data:`NATIONAL_CURRENCY` names the one WDI reports; a country with several
   currencies and no entry there (Zimbabwe: USD and ZWG) is skipped whole.
2. A year is attributed to that currency only if the currency was in use on 1 January of
   it, hence all year. Earlier years are not, because WDI writes them in two ways that
   only a table of conversion factors could tell apart. Redenominated currencies are
   restated in today's unit: Turkey 1998 reads 0.2607 (new lira; the old lira stood near
   260,000), Belarus 1994 0.000364 (BYN), Ghana 1995 0.1199 (GHS), Brazil 1960 8.1e-14
   (BRL), and so Zambia, Azerbaijan, Romania, Mozambique, Sao Tome, Sudan, Sierra Leone,
   Mauritania and Bulgaria. Euro members show their own currency before entry (Germany
   1998 1.7597 marks, Lithuania 2014 2.6003 litai, Croatia 2022 7.1597 kuna) and the euro
   from the entry year (Germany 1999 and Croatia 2023 equal the euro area's 0.938283 and
   0.924840). Where WDI stops before the current currency began, it is in neither
   (Venezuela to 2017 in VEF, Turkmenistan to 2001 in TMM). A year in which the currency
   began is not attributed either. An old currency that stays legal tender through a
   changeover (the mark 1999-2002) does not stop the attribution: WDI gives euros then.
3. Within one currency's years, a fall of more than :data:`UNIT_BREAK_FALL` times in one
   year is a change of unit CLDR does not record (WDI's Zambia falls 1000 times from 1971
   to 1972); the years before it are not attributed.
4. Countries sharing a currency in a year (EUR, XOF, XAF, XCD, AUD, CHF, DKK, ...) must
   agree within :data:`SHARED_TOLERANCE` (in the 2026-07-13 release they differ by 0.71% at
   most: Denmark and Greenland 1967; Austria and San Marino 0.25% in 2025). One row: the
   value most of them give, from the first such country by code, named in the note. If
   they disagree, the currency-year is skipped and named in the counts.
5. US dollars per US dollar are not stored: a US dollar value needs no rate. Nor is a code
   ISO 4217 has withdrawn (pycountry), which ``fx_rates.csv`` refuses: BGN, from 2026.

Every numeric cell is a kept row or a count. The rule trusts CLDR to be as new as the WDI
release: a currency WDI already uses that CLDR does not know yet would be taken for its
predecessor, so Babel is kept current. A cell that is no number, a rate not above zero or
beyond :data:`RATE_RANGE`, another indicator's rows, a file over :data:`MAX_FILE_BYTES`:
each is a failure naming file, line, column and value, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict, namedtuple
from datetime import date
from pathlib import Path

import pandas as pd
import pycountry
from babel.numbers import get_territory_currencies

from tracker.core.failures import Failure
from tracker.core.vocabulary import CURRENCIES, USD
from tracker.importers.common import MAX_FILE_BYTES
from tracker.importers.fx_merge import FX_COLUMNS, FxParsed, merge_fx
from tracker.validation.cells import YEAR_RANGE

__all__ = [
    "ADDRESS",
    "INDICATOR",
    "MAX_FILE_BYTES",
    "NATIONAL_CURRENCY",
    "PUBLISHER",
    "RATE_RANGE",
    "SHARED_TOLERANCE",
    "TITLE",
    "UNIT_BREAK_FALL",
    "FxParsed",
    "merge_fx",
    "parse_wdi_fx",
]

#: The one indicator this importer reads.
INDICATOR = "PA.NUS.FCRF"
#: For the source row of an imported file.
PUBLISHER = "World Bank"
TITLE = "World Development Indicators, PA.NUS.FCRF: Official exchange rate (LCU per US$)"
ADDRESS = "https://data.worldbank.org/indicator/PA.NUS.FCRF"
#: Units per US dollar no rate reaches, even restated: the file spans 8.1e-14 (Brazil 1960
#: in reais) to 6.7e9 (Zimbabwe 2008); beyond this a decimal point or scale slipped.
RATE_RANGE = (1e-15, 1e12)
#: Countries sharing a currency compute its average from different daily series; more
#: apart than this, they are not reporting the same currency.
SHARED_TOLERANCE = 0.01
#: A currency does not gain this many times its value in a year; a fall this steep is a
#: new unit (redenominations divide by 10 or more).
UNIT_BREAK_FALL = 5
#: Where CLDR lists two legal tenders in use together, the national currency WDI's LCU is
#: in (BTN 2023 = INR 2023 = 82.599 at par; LSL and NAD at par with ZAR; HTI 2023 reads
#: 141.04 gourdes, not dollars; PAN reads 1 balboa).
NATIONAL_CURRENCY = {"BT": "BTN", "LS": "LSL", "NA": "NAD", "HT": "HTG", "PA": "PAB"}
#: The first columns of the header row; year columns follow.
_ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
_RELEASE_LABEL = "Last Updated Date"
#: Lines searched for the header row: the WDI file has four metadata lines before it.
_PREAMBLE_LINES = 10
#: Bytes looked at for a NUL, the sign of a binary (or UTF-16) file.
_SNIFF_BYTES = 4096
#: Failures listed before the rest are only counted.
_LISTED_FAILURES = 100
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_YEAR = re.compile(r"^[0-9]{4}$")
_ALPHA2 = {country.alpha_3: country.alpha_2 for country in pycountry.countries}
_NOTE = f"WDI {INDICATOR}"
_AGGREGATE = "aggregate, or a code that is no ISO 3166-1 country (EMU, WLD, XKX, ...)"
_EARLIER = "year before the country's current currency began: not attributed"
_CHANGED = "currency changed during the year: rate not attributed"
_BREAK = f"year before a change of unit (a fall of over {UNIT_BREAK_FALL} times): not attributed"
_DOLLAR = "US dollar: 1 per US dollar, not stored"
_SHARED = "same currency and year from another country: one row kept"


#: One country's value for a year, labelled with the currency it is in.
_Value = namedtuple("_Value", "currency year text value code line")


def _failed(failures: list[Failure], released: date | None = None) -> FxParsed:
    if len(failures) > _LISTED_FAILURES:
        rest = f"{len(failures) - _LISTED_FAILURES} more problem(s) not listed"
        failures = [*failures[:_LISTED_FAILURES], Failure(failures[0].file, None, None, "", rest)]
    return FxParsed(pd.DataFrame(columns=FX_COLUMNS), Counter(), failures, released)


def _read_text(path: Path) -> tuple[str | None, list[Failure]]:
    file = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            rule = f"file has {size:,} bytes; at most {MAX_FILE_BYTES:,} (WDI's is ~240 kB)"
            return None, [Failure(file, None, None, "", rule)]
        data = path.read_bytes()
    except OSError as err:
        return None, [Failure(file, None, None, "", f"cannot be read ({err.strerror or err})")]
    if b"\x00" in data[:_SNIFF_BYTES]:
        return None, [Failure(file, None, None, "", "is binary or UTF-16, not a UTF-8 CSV")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        byte = data[err.start : err.start + 1].hex().upper()
        line = data.count(b"\n", 0, err.start) + 1
        return None, [Failure(file, line, None, f"0x{byte}", f"byte 0x{byte} is not UTF-8")]
    if not text.strip():
        return None, [Failure(file, None, None, "", "file is empty; expected the WDI bulk CSV")]
    return text, []


def _records(file: str, text: str) -> tuple[list[tuple[int, list[str]]], list[Failure]]:
    """Each record with the physical line it ends on (CRLF counts as one line break)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        records.extend((reader.line_num, cells) for cells in reader)
    except csv.Error as err:  # a cell past the csv module's limit, a NUL further in
        rule = f"cannot be read as CSV from here ({err})"
        return [], [Failure(file, reader.line_num + 1, None, "", rule)]
    return records, []


def _released(file: str, preamble: list[tuple[int, list[str]]]) -> tuple[date | None, list]:
    for line, cells in preamble:
        if len(cells) > 1 and cells[0].strip() == _RELEASE_LABEL:
            text = cells[1].strip()
            try:
                return date.fromisoformat(text), []
            except ValueError:
                return None, [Failure(file, line, _RELEASE_LABEL, text, "is not a date YYYY-MM-DD")]
    return None, []


def _years(file: str, line: int, header: list[str]) -> tuple[dict[int, int], list[Failure]]:
    """Year by column index; the row's trailing comma makes one last, empty column."""
    years, failures = {}, []
    for index, name in enumerate(header[len(_ID_COLUMNS) :], start=len(_ID_COLUMNS)):
        name = name.strip()
        if name == "" and index == len(header) - 1:
            continue
        if _YEAR.match(name) and YEAR_RANGE[0] <= int(name) <= YEAR_RANGE[1]:
            years[index] = int(name)
        else:
            rule = f"is not a year column ({YEAR_RANGE[0]}-{YEAR_RANGE[1]})"
            failures.append(Failure(file, line, name, name, rule))
    if not years and not failures:
        failures.append(Failure(file, line, None, "", "the header has no year columns"))
    return years, failures


def _rate(text: str) -> tuple[float, str]:
    """The number a cell holds, or the rule it breaks."""
    if not _NUMBER.match(text):
        return math.nan, "is not a number (digits, '.' as the decimal separator)"
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        return value, "a rate must be a finite number greater than 0"
    low, high = RATE_RANGE
    if not low <= value <= high:
        return value, (
            f"{value:.3g} units per US dollar is outside {low:g} to {high:g}: "
            "a decimal point or a scale slipped?"
        )
    return value, ""


def _values(file: str, years: dict[int, int], header: list[str], body) -> tuple:
    """Numeric cells by country: {code: (line, [(year, text, value)])}, counts, failures."""
    countries, skipped, failures = {}, Counter(), []
    other_indicators: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for line, cells in body:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            rule = f"row has {len(cells)} fields; the header has {len(header)}"
            failures.append(Failure(file, line, None, ",".join(cells)[:60], rule))
            continue
        code, indicator = cells[1].strip(), cells[3].strip()
        if indicator != INDICATOR:
            other_indicators.setdefault(indicator, [line, 0])[1] += 1
            continue
        if code in seen:
            rule = f"country code appears twice (first on line {seen[code]})"
            failures.append(Failure(file, line, _ID_COLUMNS[1], code, rule))
            continue
        seen[code] = line
        found = []
        for index, year in years.items():
            text = cells[index].strip()
            if text:
                value, rule = _rate(text)
                if rule:
                    failures.append(Failure(file, line, header[index].strip(), text, rule))
                else:
                    found.append((year, text, value))
        if code in _ALPHA2:
            countries[code] = (line, found)
        elif found:
            skipped[_AGGREGATE] += len(found)
    for indicator, (line, count) in other_indicators.items():
        rule = (
            f"is not {INDICATOR} (official exchange rate, LCU per US$): {count} row(s) of "
            "another indicator; this importer reads that one only"
        )
        failures.append(Failure(file, line, _ID_COLUMNS[3], indicator, rule))
    return countries, skipped, failures


def _current_currency(code: str, last_year: int) -> tuple[str, date, str]:
    """The currency a country's WDI series is in now, since when; or why there is none."""
    alpha2 = _ALPHA2[code]
    in_use = get_territory_currencies(
        alpha2, date(last_year, 12, 31), tender=True, include_details=True
    )
    if len(in_use) > 1:
        national = [entry for entry in in_use if entry["currency"] == NATIONAL_CURRENCY.get(alpha2)]
        if not national:
            codes = ", ".join(sorted(entry["currency"] for entry in in_use))
            reason = f"{code}: several currencies in use at the end of {last_year} ({codes})"
            return "", date.min, f"{reason}: rate not attributed"
        in_use = national
    if not in_use:
        return "", date.min, f"{code}: no currency in CLDR at the end of {last_year}"
    return in_use[0]["currency"], in_use[0]["from"] or date.min, ""


def _after_unit_break(found: list, skipped: Counter) -> list:
    """The years after the last change of unit within one currency's years."""
    start = 0
    for index in range(1, len(found)):
        if found[index][2] * UNIT_BREAK_FALL < found[index - 1][2]:
            start = index
    skipped[_BREAK] += start
    return found[start:]


def _attribute(countries: dict, last_year: int) -> tuple[list[_Value], Counter]:
    """Each country's values labelled with the currency they are in, by the rule above."""
    values, skipped = [], Counter()
    for code, (line, found) in countries.items():
        if not found:
            continue
        currency, since, reason = _current_currency(code, last_year)
        if reason:
            skipped[reason] += len(found)
            continue
        kept = []
        for year, text, value in sorted(found):
            if date(year, 1, 1) >= since:
                kept.append((year, text, value))
            else:
                skipped[_CHANGED if year == since.year else _EARLIER] += 1
        kept = _after_unit_break(kept, skipped)
        if currency == USD:
            skipped[_DOLLAR] += len(kept)
        elif currency not in CURRENCIES:  # withdrawn from ISO 4217: fx_rates.csv refuses it
            skipped[f"{currency}: not a current ISO 4217 code (pycountry): not stored"] += len(kept)
        else:
            values += [
                _Value(currency, year, text, value, code, line) for year, text, value in kept
            ]
    return values, skipped


def _collapse(values: list[_Value]) -> tuple[pd.DataFrame, Counter]:
    """One row per currency-year; countries sharing a currency must agree."""
    groups: dict[tuple[str, int], list[_Value]] = defaultdict(list)
    for value in values:
        groups[value.currency, value.year].append(value)
    rows, skipped = [], Counter()
    for (currency, year), group in sorted(groups.items()):
        low = min(group, key=lambda v: v.value)
        high = max(group, key=lambda v: v.value)
        if high.value > low.value * (1 + SHARED_TOLERANCE):
            reason = (
                f"{currency} {year}: the countries using it disagree by over "
                f"{SHARED_TOLERANCE:.0%} ({low.code} {low.text}, {high.code} {high.text})"
            )
            skipped[reason] += len(group)
            continue
        texts = Counter(value.text for value in group)
        best = min(group, key=lambda v: (-texts[v.text], v.code))
        skipped[_SHARED] += len(group) - 1
        note = f"{_NOTE}, from {best.code}"
        if len(group) > 1:
            note += f"; {len(group)} countries agree within {SHARED_TOLERANCE:.0%}"
        rows.append([currency, year, best.text, note, best.line])
    return pd.DataFrame(rows, columns=FX_COLUMNS), +skipped


def parse_wdi_fx(path: Path) -> FxParsed:
    """Read a WDI bulk CSV of ``PA.NUS.FCRF`` into annual rates by ISO 4217 currency.

    Parameters
    ----------
    path : pathlib.Path
        The downloaded ``API_PA.NUS.FCRF_DS2_en_csv_v2_*.csv``.

    Returns
    -------
    FxParsed
        Rates (rate text as the file wrote it; the line it was read from), counts of the
        values left out by reason (the module docstring gives the rule), failures, and the
        file's "Last Updated Date". With any failure there are no rates.

    Examples
    --------
    >>> import tempfile
    >>> text = (
    ...     '"Data Source","World Development Indicators",\\r\\n\\r\\n'
    ...     '"Last Updated Date","2026-07-13",\\r\\n\\r\\n'
    ...     '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\\r\\n'
    ...     '"Kazakhstan","KAZ","Official exchange rate","PA.NUS.FCRF","460.165","456.165",\\r\\n'
    ...     '"Euro area","EMU","Official exchange rate","PA.NUS.FCRF","0.9496","0.9248",\\r\\n')
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "wdi.csv").write_bytes(text.encode())
    ...     parsed = parse_wdi_fx(Path(folder) / "wdi.csv")
    >>> print(parsed.rows[["currency", "year", "units_per_usd", "line"]].to_string(index=False))
    currency  year units_per_usd  line
         KZT  2022       460.165     6
         KZT  2023       456.165     6
    >>> parsed.released, sum(parsed.skipped.values()), parsed.failures  # EMU: an aggregate
    (datetime.date(2026, 7, 13), 2, [])
    """
    path = Path(path)
    file = path.name
    text, failures = _read_text(path)
    if text is None:
        return _failed(failures)
    records, failures = _records(file, text)
    if failures:
        return _failed(failures)
    heads = [[cell.strip() for cell in cells[:4]] for _, cells in records[:_PREAMBLE_LINES]]
    start = heads.index(_ID_COLUMNS) if _ID_COLUMNS in heads else None
    if start is None:
        rule = (
            f"no header row starting {','.join(_ID_COLUMNS)} in the first {_PREAMBLE_LINES} "
            "lines: not a WDI bulk CSV"
        )
        return _failed([Failure(file, None, None, "", rule)])
    released, failures = _released(file, records[:start])
    header_line, header = records[start]
    years, problems = _years(file, header_line, header)
    failures += problems
    if not failures:
        countries, skipped, problems = _values(file, years, header, records[start + 1 :])
        failures += problems
    if failures:
        return _failed(failures, released)
    values, attributed = _attribute(countries, max(years.values()))
    rows, collapsed = _collapse(values)
    rows = rows.astype({"year": int, "line": int})
    return FxParsed(rows, skipped + attributed + collapsed, [], released)
