"""UN Comtrade (API v1) CSV, as its ``get`` data calls and the website download give it.

Columns used: ``reporterISO``, ``partnerISO``, ``flowCode``, ``freqCode``, ``period``
(``YYYY`` or ``YYYYMM``), ``cmdCode`` and ``primaryValue`` (US dollars: FOB for exports, CIF
for imports). Only commodity code ``TOTAL`` is accepted: a file with product detail would
make totals out of parts, so it is refused whole with the codes it holds. Flow ``X`` is
exports, ``M`` imports; re-exports (``RX``), re-imports (``RM``) and the other flow codes
are skipped with a count. Partner ``W00`` (World) and other aggregates are skipped. Where a
file breaks trade down by mode of transport, customs procedure or second partner, only the
totals (``motCode`` 0, ``customsCode`` C00, ``partner2Code`` 0) are taken.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.core.failures import Failure
from tracker.importers.common import Parsed, check_magnitudes, split_countries

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


def parse_comtrade(path: Path) -> Parsed:
    """Parse a UN Comtrade CSV of commodity code TOTAL.

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
    """
    file = path.name
    with path.open("rb") as stream:  # the header first: garbage is refused unread
        header = stream.readline(_HEADER_BYTES).decode("utf-8-sig", "replace")
    if not all(column in header for column in REQUIRED_COLUMNS):
        rule = "is not a UN Comtrade API CSV: its first line lacks " + ", ".join(
            c for c in REQUIRED_COLUMNS if c not in header
        )
        return Parsed(pd.DataFrame(), failures=[Failure(file, 1, None, "", rule)])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        return Parsed(
            pd.DataFrame(),
            failures=[Failure(file, None, None, "", f"cannot be read as CSV ({err})")],
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        return Parsed(
            pd.DataFrame(),
            failures=[
                Failure(file, 1, column, "", "required Comtrade column is missing")
                for column in missing
            ],
        )
    frame = frame.apply(lambda column: column.str.strip())
    frame["line"] = np.arange(len(frame)) + 2
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
    value = pd.to_numeric(frame["primaryValue"], errors="coerce")
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
