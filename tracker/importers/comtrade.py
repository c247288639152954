"""UN Comtrade (API v1) CSV or JSON, as its ``get`` data calls and the website give them.

JSON is told from CSV by the file's first bytes, not its name, and read by
:mod:`tracker.importers.comtrade_json`; both then follow the same rules.

Columns used: ``reporterISO``, ``partnerISO``, ``flowCode``, ``freqCode``, ``period``
(``YYYY`` or ``YYYYMM``), ``cmdCode`` and ``primaryValue`` (US dollars: FOB for exports, CIF
for imports). Only commodity code ``TOTAL`` is accepted: a file with product detail would
make totals out of parts, so it is refused whole with the codes it holds. Flow ``X`` is
exports, ``M`` imports; re-exports (``RX``), re-imports (``RM``) and the other flow codes
are skipped with a count. Partner ``W00`` (World) and other aggregates are skipped. Where a
file breaks trade down by mode of transport, customs procedure or second partner, only the
totals (``motCode`` 0, ``customsCode`` C00, ``partner2Code`` 0) are taken.

Where ``reporterISO`` or ``partnerISO`` is absent or empty, the numeric code
(``reporterCode``, UN M49) is mapped to ISO alpha-3 with pycountry; Comtrade's own numbers
for five countries differ from ISO 3166-1 numeric and are mapped by a table here.
Where ``period`` is absent, ``refPeriodId`` (``20100101``) gives it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from tracker.core.failures import Failure
from tracker.importers.common import Parsed, check_magnitudes, split_countries
from tracker.importers.comtrade_json import is_json, read_answer

__all__ = ["REQUIRED_COLUMNS", "parse_comtrade"]

REQUIRED_COLUMNS = (
    "reporterISO",
    "partnerISO",
    "flowCode",
    "freqCode",
    "period",
    "cmdCode",
    "primaryValue",
)
_FLOWS = {"X": "exports", "M": "imports"}
#: Breakdown columns and the code that means "all of them".
_TOTALS = {"motCode": "0", "customsCode": "C00", "partner2Code": "0"}
_TOTAL_COMMODITY = "TOTAL"
#: Bytes read for the header line: an API answer's header is under 2 KB.
_HEADER_BYTES = 64 * 1024
#: Columns that stand in for a required one: the numeric code for the ISO code, the
#: reference date (YYYYMMDD) for the period.
_STAND_INS = {"reporterISO": "reporterCode", "partnerISO": "partnerCode", "period": "refPeriodId"}
#: Fields taken from a JSON answer's records.
_FIELDS = (*REQUIRED_COLUMNS, *_TOTALS, *_STAND_INS.values())
#: Comtrade numbers that are not the ISO 3166-1 numeric code of the same country (Comtrade
#: counts France with Monaco, Norway with Svalbard, Switzerland with Liechtenstein, the USA
#: with Puerto Rico and the Virgin Islands; India's 699 is historical); 0 is World.
_ISO_BY_COMTRADE_CODE = {0: "W00", 251: "FRA", 579: "NOR", 699: "IND", 757: "CHE", 842: "USA"}
_ISO_BY_NUMBER = {int(c.numeric): c.alpha_3 for c in pycountry.countries}
#: Digits of ``refPeriodId`` that make the period of each frequency: 2010 and 201001.
_PERIOD_DIGITS = {"A": 4, "M": 6}
_REF_PERIOD_DIGITS = 8


def _span(frequency: str, period: str) -> str | None:
    if frequency == "A" and len(period) == 4 and period.isascii() and period.isdigit():
        return period
    if (
        frequency == "M"
        and len(period) == 6
        and period.isascii()
        and period.isdigit()
        and 1 <= int(period[4:]) <= 12
    ):
        return f"{period[:4]}-{period[4:]}"
    return None


def _iso(iso: str, number: str) -> str:
    """The ISO code if given, else the numeric code mapped (kept as written if unknown)."""
    if iso or not number.isascii() or not number.isdigit():
        return iso or number
    code = int(number)
    return _ISO_BY_COMTRADE_CODE.get(code, _ISO_BY_NUMBER.get(code, number))


def _period(frequency: str, period: str, reference: str) -> str:
    """``period`` if given, else the first digits of ``refPeriodId`` (``20100101``)."""
    digits = _PERIOD_DIGITS.get(frequency)
    if period or digits is None or len(reference) != _REF_PERIOD_DIGITS:
        return period
    return reference[:digits]


def _stand_ins(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill empty or absent ISO codes and periods from their stand-in columns."""
    filled = {}
    for column, stand_in in _STAND_INS.items():
        if stand_in not in frame.columns:
            continue
        own = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
        if column == "period":
            frequency = frame.get("freqCode", pd.Series("", index=frame.index))
            args = zip(frequency, own, frame[stand_in], strict=True)
            filled[column] = [_period(f, p, r) for f, p, r in args]
        else:
            pairs = list(zip(own, frame[stand_in], strict=True))
            # One lookup per distinct pair: a file holds a few hundred countries.
            codes = {pair: _iso(*pair) for pair in set(pairs)}
            filled[column] = [codes[pair] for pair in pairs]
    return frame.assign(**filled)


def _read_csv(path: Path, start: bytes, file: str) -> tuple[pd.DataFrame | None, Failure | None]:
    header = start.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    names = {name.strip().strip('"') for name in header.split(",")}
    lacking = [c for c in REQUIRED_COLUMNS if c not in names and _STAND_INS.get(c) not in names]
    if lacking:
        rule = "is not a UN Comtrade API CSV: its first line lacks " + ", ".join(lacking)
        return None, Failure(file, 1, None, "", rule)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        return None, Failure(file, None, None, "", f"cannot be read as CSV ({err})")
    return frame.assign(line=np.arange(len(frame)) + 2), None  # header is line 1


def _in_records(failures: list[Failure]) -> list[Failure]:
    """Failures located by record (``data[3].primaryValue``): a JSON answer has no lines."""
    return [
        Failure(f.file, None, f"data[{f.line}].{f.column}", f.value, f.rule)
        if f.line is not None and f.column is not None
        else f
        for f in failures
    ]


def parse_comtrade(path: Path) -> Parsed:
    """Parse a UN Comtrade API answer of commodity code TOTAL, as CSV or JSON.

    Returns
    -------
    Parsed

    Examples
    --------
    >>> parsed = parse_comtrade(Path("tests/fixtures/imports/comtrade_total.csv"))
    >>> parsed.rows.iloc[:, :5]  # World partner, re-exports and breakdowns skipped
      reporter partner     flow     span    value_usd
    0      KAZ     TJK  exports     2023  862500000.5
    1      KAZ     TJK  imports     2023  270250000.0
    2      KAZ     PAK  exports  2024-01     480000.0
    >>> json = Path("tests/fixtures/imports/real/comtradr_HS-60a6ad_CHN_ARG_DEU_2010.json")
    >>> row = parse_comtrade(json).rows.iloc[0]  # a JSON answer: refPeriodId 20100101
    >>> row.reporter, row.partner, row.flow, row.span, float(row.value_usd)
    ('CHN', 'ARG', 'imports', '2010', 6804128143.0)
    """
    file = path.name
    with path.open("rb") as stream:  # the start first: garbage is refused unread
        start = stream.read(_HEADER_BYTES)
    from_json = is_json(start)
    if from_json:
        frame, problem = read_answer(path, _FIELDS)
        failure = Failure(file, None, None, "", problem) if problem else None
    else:
        frame, failure = _read_csv(path, start, file)
    if failure is not None:
        return Parsed(pd.DataFrame(), failures=[failure])
    parsed = _parse_frame(frame, file, header_line=None if from_json else 1)
    if from_json:
        parsed.failures = _in_records(parsed.failures)
    return parsed


def _parse_frame(frame: pd.DataFrame, file: str, header_line: int | None) -> Parsed:
    """The shared rules, over text cells and a ``line`` column."""
    line = frame.pop("line")
    frame = frame.apply(lambda column: column.str.strip()).assign(line=line)
    frame = _stand_ins(frame)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        return Parsed(
            pd.DataFrame(),
            failures=[
                Failure(file, header_line, column, "", "required Comtrade column is missing")
                for column in missing
            ],
        )
    commodities = sorted(set(frame["cmdCode"]) - {_TOTAL_COMMODITY})
    if commodities:
        shown = ", ".join(commodities[:10]) + (" ..." if len(commodities) > 10 else "")
        rule = (
            f"only cmdCode {_TOTAL_COMMODITY} can be imported; this file holds product "
            f"detail ({shown}): download the TOTAL commodity code instead"
        )
        first = frame.loc[frame["cmdCode"] != _TOTAL_COMMODITY, "line"].iloc[0]
        return Parsed(
            pd.DataFrame(), failures=[Failure(file, int(first), "cmdCode", commodities[0], rule)]
        )

    skipped: Counter = Counter()
    for column, total in _TOTALS.items():
        if column in frame.columns:
            part = frame[column] != total
            skipped[f"{column} breakdown (only {column} {total}, the total, is taken)"] += int(
                part.sum()
            )
            frame = frame[~part]
    flow = frame["flowCode"].map(_FLOWS)
    for code, count in frame.loc[flow.isna(), "flowCode"].value_counts().items():
        skipped[f"flowCode {code} (only X exports and M imports are imported)"] += int(count)
    frame = frame[flow.notna()].assign(flow=flow[flow.notna()])

    empty = frame["primaryValue"] == ""
    skipped["missing primaryValue"] += int(empty.sum())
    frame = frame[~empty]
    value = pd.to_numeric(frame["primaryValue"], errors="coerce").astype(float)
    failures = [
        Failure(file, int(line), "primaryValue", text, "is not a number")
        for line, text in zip(
            frame.loc[value.isna(), "line"], frame.loc[value.isna(), "primaryValue"], strict=True
        )
    ]
    spans = pd.Series(
        [_span(f, p) for f, p in zip(frame["freqCode"], frame["period"], strict=True)],
        index=frame.index,
    )
    failures += [
        Failure(
            file, int(line), "period", text, "is not a period of its freqCode (A: YYYY, M: YYYYMM)"
        )
        for line, text in zip(
            frame.loc[spans.isna(), "line"], frame.loc[spans.isna(), "period"], strict=True
        )
    ]
    rows = pd.DataFrame(
        {
            "reporter": frame["reporterISO"],
            "partner": frame["partnerISO"],
            "flow": frame["flow"],
            "span": spans,
            "value_usd": value,
            "note": "",
            "line": frame["line"],
        }
    )[value.notna() & spans.notna()]
    zero = rows["value_usd"] == 0
    skipped["zero value (no trade recorded)"] += int(zero.sum())
    rows, aggregates = split_countries(rows[~zero])
    skipped.update(aggregates)
    failures += check_magnitudes(rows, file, "primaryValue")
    return Parsed(rows.reset_index(drop=True), +skipped, failures)
