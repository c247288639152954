"""IMF International Trade in Goods by partner country (IMTS, successor of DOTS).

Four layouts, told apart by their header:

- **SDMX-CSV 1.0**: first column ``DATAFLOW`` (e.g. ``IMF.STA:IMTS(1.0.0)``), then the
  dimensions, ``TIME_PERIOD``, ``OBS_VALUE`` and attributes.
- **SDMX-CSV 2.0**: first columns ``STRUCTURE,STRUCTURE_ID,ACTION``; with ``labels=both``
  headers read ``COUNTRY:Country`` and cells ``KAZ: Kazakhstan`` (the code is kept).
  ``ACTION`` ``D`` rows are deletions and are not applied.
- **Data-portal bulk (wide)**: ``COUNTRY.ID``, ``COUNTERPART_COUNTRY.ID``,
  ``INDICATOR.ID``, ``SCALE.ID``, ... and one column per period.
- **Data-portal download (wide)**: ``DATASET,SERIES_CODE,OBS_MEASURE,COUNTRY.ID,...``, the
  indicator inside ``SERIES_CODE``, no ``SCALE.ID`` (:mod:`tracker.importers.imf_portal`).

A gzip-compressed file is read as its content (bounded against decompression bombs);
SDMX-ML (XML) and SDMX-JSON are refused with one line.

IMTS keys are ``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY`` with ISO alpha-3 codes
(the IMF's ``KOS`` and ``WBG`` become ``XKX`` and ``PSE``); the DOTS names ``REF_AREA``,
``COUNTERPART_AREA``, ``FREQ`` and its two-letter codes are read too. Indicators:
``XG_FOB_USD`` / ``TXG_FOB_USD`` exports (FOB), ``MG_CIF_USD`` / ``TMG_CIF_USD`` imports
(CIF); others are skipped with a count.

Units. In SDMX-CSV from the IMF's SDMX API, ``OBS_VALUE`` is in US dollars (2024 Korean
exports to China read 132,902,972,288); a ``SCALE`` column there describes how the portal
displays the series and is **not** applied again. In the bulk layout, values are in units
of 10 ** ``SCALE.ID`` (6: millions) and are multiplied out; the portal download writes
millions. Every converted value is checked against
:data:`~tracker.importers.common.MAX_BILATERAL_USD`, so a scale applied twice fails the
import instead of entering the data.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from tracker.core.coding import kept, map_values
from tracker.core.failures import Failure
from tracker.importers.common import PARSED_COLUMNS, Parsed, check_magnitudes, split_countries
from tracker.importers.imf_portal import (
    MISSING_CELLS,
    is_gzip,
    iso_code,
    portal_rows,
    refusal,
    split_unlisted,
    unpack_gzip,
)
from tracker.validation.cells import NOT_NEGATIVE

__all__ = ["FLOWS_BY_INDICATOR", "parse_imf"]

#: IMTS and DOTS indicator codes this importer reads, and the flow each one is.
FLOWS_BY_INDICATOR = {
    "XG_FOB_USD": "exports",
    "TXG_FOB_USD": "exports",
    "MG_CIF_USD": "imports",
    "TMG_CIF_USD": "imports",
}
#: Each dimension's names, IMTS first, then DOTS.
_NAMES = {
    "reporter": ("COUNTRY", "REF_AREA"),
    "partner": ("COUNTERPART_COUNTRY", "COUNTERPART_AREA"),
    "indicator": ("INDICATOR",),
    "frequency": ("FREQUENCY", "FREQ"),
}
#: SCALE.ID powers of ten a release may use: 0 (units) to 12 (trillions).
_SCALE_POWERS = (0, 12)
_PERIOD = re.compile(r"^([0-9]{4})(?:-(Q[1-4])|-M?([0-9]{2}))?$")
#: Layouts with one column per period.
_WIDE = ("bulk", "portal")


def _span(period: str) -> str | None:
    """IMF period to a span: ``2024``, ``2024-Q1``, ``2025-M01`` or ``2025-01``."""
    match = _PERIOD.match(period.strip())
    if not match:
        return None
    year, quarter, month = match.groups()
    if quarter:
        return f"{year}-{quarter}"
    if month:
        return f"{year}-{month}" if 1 <= int(month) <= 12 else None
    return year


def _layout(header: list[str]) -> str:
    names = [h.split(":", 1)[0] for h in header]
    if names[:1] == ["DATAFLOW"]:
        return "sdmx-csv-1"
    if names[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]:
        return "sdmx-csv-2"
    # The portal download has the indicator in SERIES_CODE and no SCALE.ID column.
    if "SERIES_CODE" in names and "COUNTRY.ID" in names and "SCALE.ID" not in names:
        return "portal"
    if "COUNTRY.ID" in names or "REF_AREA.ID" in names:
        return "bulk"
    return "unknown"


def _column(frame: pd.DataFrame, role: str) -> str | None:
    return next((name for name in _NAMES[role] if name in frame.columns), None)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def _read(path: Path, header: list[str], layout: str, values_as_text: bool) -> pd.DataFrame:
    """Dimensions as dictionary-encoded text, values as float64 (or text, to report them).

    Headers are reduced to their codes (``COUNTRY:Country`` -> ``COUNTRY``).
    """
    values = {
        n
        for n in header
        if (n.split(":", 1)[0] == "OBS_VALUE" if layout not in _WIDE else _PERIOD.match(n))
    }
    text = pa.dictionary(pa.int32(), pa.string())
    number = pa.string() if values_as_text else pa.float64()
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf-8"),
        convert_options=pacsv.ConvertOptions(
            column_types={n: number if n in values else text for n in header},
            null_values=MISSING_CELLS,
            strings_can_be_null=False,
        ),
    )
    # Column by column, freeing Arrow's copy as it goes: a 25-million-row file is not held twice.
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    pa.default_memory_pool().release_unused()  # Arrow's copy, freed, goes back to the system
    frame.columns = [c.split(":", 1)[0].strip() for c in frame.columns]
    return frame


def _long_rows(frame: pd.DataFrame, skipped: Counter) -> tuple[pd.DataFrame, list[Failure]]:
    """SDMX-CSV rows -> reporter, partner, indicator, period, value (as text), line."""
    if "ACTION" in frame.columns:
        deletions = frame["ACTION"].astype(str).str.split(":").str[0].str.strip() == "D"
        if deletions.any():
            skipped["deletion rows (ACTION D), not applied"] += int(deletions.sum())
            frame = frame[~deletions]
    names = {role: _column(frame, role) for role in _NAMES}
    missing = [
        f"{role} ({' or '.join(_NAMES[role])})"
        for role, name in names.items()
        if name is None and role != "frequency"
    ]
    missing += [c for c in ("TIME_PERIOD", "OBS_VALUE") if c not in frame.columns]
    if missing:
        return pd.DataFrame(), [
            Failure("", 1, None, "", f"required column missing: {m}") for m in missing
        ]
    rows = pd.DataFrame(
        {
            "reporter": frame[names["reporter"]],
            "partner": frame[names["partner"]],
            "indicator": frame[names["indicator"]],
            "period": frame["TIME_PERIOD"],
            "value": frame["OBS_VALUE"],
            "scale": 0.0,
            "status": frame["OBS_STATUS"] if "OBS_STATUS" in frame.columns else "",
            "line": frame.index.to_numpy() + 2,  # header is line 1; one line per row
        }
    )
    return rows, []


def _bulk_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Failure]]:
    """The wide bulk layout melted to one row per period."""
    ids = {
        role: next((f"{n}.ID" for n in _NAMES[role] if f"{n}.ID" in frame.columns), None)
        for role in _NAMES
    }
    periods = [c for c in frame.columns if _PERIOD.match(c)]
    missing = [
        f"{role} ({' or '.join(n + '.ID' for n in _NAMES[role])})"
        for role, name in ids.items()
        if name is None and role != "frequency"
    ]
    if "SCALE.ID" not in frame.columns:
        missing.append("SCALE.ID (the power of ten the values are in)")
    if not periods:
        missing.append("period columns (2024, 2024-Q1, 2024-M01)")
    if missing:
        return pd.DataFrame(), [
            Failure("", 1, None, "", f"required column missing: {m}") for m in missing
        ]
    wide = frame.assign(line=frame.index.to_numpy() + 2)
    long = wide.melt(
        id_vars=[ids["reporter"], ids["partner"], ids["indicator"], "SCALE.ID", "line"],
        value_vars=periods,
        var_name="period",
        value_name="value",
    )
    rows = long.rename(
        columns={
            ids["reporter"]: "reporter",
            ids["partner"]: "partner",
            ids["indicator"]: "indicator",
            "SCALE.ID": "scale",
        }
    )
    rows["status"] = ""
    return rows, []


def _numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Values as floats, and which cells were empty (a missing-value marker)."""
    if pd.api.types.is_float_dtype(cells):
        return cells, cells.isna()
    as_text = cells.astype(str).str.strip()
    empty = as_text.isin(MISSING_CELLS)
    return pd.to_numeric(as_text.where(~empty), errors="coerce"), empty


def _scales(cells: pd.Series) -> pd.Series:
    """Powers of ten as floats (``6`` or ``6: Millions``); NaN where a cell is none."""

    def power(value) -> float | None:
        try:
            number = float(str(value).split(":", 1)[0])
        except ValueError:
            return None
        # Whole powers from units to trillions: 6.5, -300 or inf is no scale.
        ok = number.is_integer() and _SCALE_POWERS[0] <= number <= _SCALE_POWERS[1]
        return number if ok else None

    return map_values(cells, power).astype(float)


def _status_note(status) -> str:
    code = str(status).split(":", 1)[0].strip()
    return f"IMF OBS_STATUS {code}" if code else ""


def parse_imf(path: Path) -> Parsed:
    """Parse an IMF IMTS/DOTS file in any of the four layouts, plain or gzip-compressed.

    Returns
    -------
    Parsed
        Rows in US dollars; skipped rows counted by reason; failures (unknown layout, XML,
        missing columns, unparsable periods or values, implausible magnitudes) by line.

    Examples
    --------
    >>> parsed = parse_imf(Path("tests/fixtures/imports/imts_sdmx_v1.csv"))
    >>> parsed.rows.iloc[:2, :5]
      reporter partner     flow  span    value_usd
    0      KAZ     TJK  exports  2022  877600000.0
    1      KAZ     TJK  exports  2023  851234567.8
    >>> parsed.skipped["missing value"], parsed.failures
    (1, [])
    >>> portal = parse_imf(Path("tests/fixtures/imports/imf_portal.csv"))  # millions
    >>> portal.rows.iloc[:1, :5]
      reporter partner     flow  span    value_usd
    0      KAZ     TJK  imports  2023  263400000.0
    """
    file = path.name
    if not is_gzip(path):
        return _parse(path, file)
    with tempfile.TemporaryDirectory() as folder:  # private to this user, removed after
        plain = Path(folder) / "unpacked.csv"
        problem = unpack_gzip(path, plain)
        if problem:
            return Parsed(pd.DataFrame(), failures=[Failure(file, None, None, "", problem)])
        return _parse(plain, file)


def _parse(path: Path, file: str) -> Parsed:
    """Parse the plain text at ``path``; failures name ``file``."""
    refused = refusal(path)
    if refused:
        return Parsed(pd.DataFrame(), failures=[Failure(file, 1, None, "", refused)])
    try:
        header = _header(path)
    except UnicodeDecodeError as err:
        return Parsed(
            pd.DataFrame(), failures=[Failure(file, None, None, "", f"is not UTF-8 ({err.reason})")]
        )
    layout = _layout(header) if header else "unknown"
    skipped: Counter = Counter()
    if layout == "unknown":
        rule = (
            "not an IMF layout: expected SDMX-CSV (DATAFLOW or STRUCTURE,STRUCTURE_ID,"
            "ACTION first), the bulk layout (COUNTRY.ID, ..., SCALE.ID, period columns) or "
            "the portal download (SERIES_CODE, COUNTRY.ID, ..., period columns)"
        )
        return Parsed(pd.DataFrame(), failures=[Failure(file, 1, None, "", rule)])
    try:
        try:
            frame = _read(path, header, layout, values_as_text=False)
        except pa.ArrowInvalid:  # a value that is no number: read again to list them all
            frame = _read(path, header, layout, values_as_text=True)
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        return Parsed(
            pd.DataFrame(),
            failures=[Failure(file, None, None, "", f"cannot be read as CSV ({err})")],
        )
    if layout == "portal":
        periods = [c for c in frame.columns if _PERIOD.match(c)]
        rows, problems, portal_skipped = portal_rows(frame, periods)
        skipped.update(portal_skipped)
    elif layout == "bulk":
        rows, problems = _bulk_rows(frame)
    else:
        rows, problems = _long_rows(frame, skipped)
    if problems:
        return Parsed(
            pd.DataFrame(),
            failures=[Failure(file, p.line, p.column, p.value, p.rule) for p in problems],
        )

    failures: list[Failure] = []
    for column in ("reporter", "partner"):
        rows[column] = map_values(rows[column], lambda v: iso_code(str(v)))
    rows["indicator"] = map_values(rows["indicator"], lambda v: str(v).split(":", 1)[0].strip())
    flow = map_values(rows["indicator"], FLOWS_BY_INDICATOR.get)
    for indicator, count in rows.loc[flow.isna(), "indicator"].value_counts().items():
        skipped[f"indicator {indicator} (not goods exports FOB or imports CIF)"] += int(count)
    rows = kept(rows.assign(flow=flow), flow.notna())

    value, empty = _numbers(rows["value"])
    skipped["missing value"] += int(empty.sum())
    unparsed = value.isna() & ~empty
    bad = rows[unparsed]
    failures += [  # in a wide layout the value's column is its period
        Failure(
            file,
            int(line),
            str(period) if layout in _WIDE else "OBS_VALUE",
            str(text),
            "is not a number",
        )
        for line, period, text in zip(bad["line"], bad["period"], bad["value"], strict=True)
    ]
    scale = _scales(rows["scale"])
    bad_scale = scale.isna()
    failures += [
        Failure(file, int(line), "SCALE.ID", str(text), "is not a power of ten")
        for line, text in zip(
            rows.loc[bad_scale, "line"], rows.loc[bad_scale, "scale"], strict=True
        )
    ]
    rows = rows.assign(value_usd=value * np.power(10.0, scale.fillna(0)))
    rows = kept(rows, value.notna() & ~bad_scale)

    spans = map_values(rows["period"], lambda v: _span(str(v)))
    failures += [
        Failure(
            file,
            int(line),
            "TIME_PERIOD",
            str(text),
            "is not a period (2024, 2024-Q1, 2025-M01 or 2025-01)",
        )
        for line, text in zip(
            rows.loc[spans.isna(), "line"], rows.loc[spans.isna(), "period"], strict=True
        )
    ]
    rows = kept(rows.assign(span=spans), spans.notna())
    negative = rows["value_usd"] < 0
    failures += [
        Failure(file, int(line), "OBS_VALUE", f"{v:g}", NOT_NEGATIVE)
        for line, v in zip(rows.loc[negative, "line"], rows.loc[negative, "value_usd"], strict=True)
    ]
    zero = rows["value_usd"] == 0
    skipped["zero value (no trade recorded)"] += int(zero.sum())
    rows = kept(rows, ~zero & ~negative)
    rows, unlisted = split_unlisted(rows)  # Kosovo: a country, but no ISO 3166-1 code
    skipped.update(unlisted)
    rows, aggregates = split_countries(rows)
    skipped.update(aggregates)
    failures += check_magnitudes(rows, file, "OBS_VALUE")
    rows = rows.assign(note=map_values(rows["status"], _status_note))
    return Parsed(rows[PARSED_COLUMNS].reset_index(drop=True), +skipped, failures)
