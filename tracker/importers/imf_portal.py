"""What the IMF hands out besides SDMX-CSV: its data portal's CSV, gzip answers, SDMX-ML.

- **Data-portal download** ("Download → CSV" on data.imf.org): ``"DATASET","SERIES_CODE",
  "OBS_MEASURE","COUNTRY.ID","COUNTRY","COUNTRY.Description","COUNTERPART_COUNTRY.ID",
  "COUNTERPART_COUNTRY","COUNTERPART_COUNTRY.Description"``, then one column per period
  (``2023``, ``2023-Q1``, ``2023-M01``). There is no ``INDICATOR.ID`` and no ``SCALE.ID``:
  indicator and frequency sit in ``SERIES_CODE`` (``KAZ.XG_FOB_USD.TJK.A`` is reporter,
  indicator, counterpart, frequency) and values are written as the portal shows them, in
  millions of US dollars (:data:`PORTAL_SCALE_POWER`). Rows come in no particular order.
- **gzip**: a saved API answer may be compressed; it is recognised by its first bytes and
  unpacked into a private temporary file of at most :data:`MAX_UNPACKED_BYTES`.
- **SDMX-ML** (XML) and SDMX-JSON answers are refused with one line that says what to ask for.

Country codes: the IMF writes ISO 3166-1 alpha-3 codes except for a few economies
(:data:`ISO_BY_IMF_CODE`); the old DOTS wrote ISO alpha-2.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from tracker.core.coding import kept
from tracker.core.failures import Failure
from tracker.core.vocabulary import COUNTRIES

__all__ = [
    "ISO_BY_IMF_CODE",
    "MAX_UNPACKED_BYTES",
    "MISSING_CELLS",
    "PORTAL_SCALE_POWER",
    "is_gzip",
    "iso_code",
    "portal_rows",
    "refusal",
    "split_unlisted",
    "unpack_gzip",
]

#: IMF country codes that are not the economy's ISO alpha-3 code: Kosovo (``XKX`` is the
#: code the EU, World Bank and ISO users assign; ISO 3166-1 itself lists none) and the West
#: Bank and Gaza (ISO ``PSE``). Every other IMTS country code is ISO alpha-3 already.
ISO_BY_IMF_CODE = {"KOS": "XKX", "WBG": "PSE"}
#: Cells that mean "no value" in IMF downloads.
MISSING_CELLS = ["", "NA", "N/A", "NaN", "nan", "...", "-", "n.a."]
#: The portal writes values as it displays them: IMTS US-dollar series carry SCALE 6, so
#: the cells are millions. No column of the download says so.
PORTAL_SCALE_POWER = 6
#: The most a gzip file may unpack to (1 GiB): far above any answer of a few series, and
#: the bound on what a decompression bomb can cost in disk and time.
MAX_UNPACKED_BYTES = 1 << 30
_GZIP_MAGIC = b"\x1f\x8b"
_BLOCK = 1 << 20
#: Bytes looked at to tell XML, JSON or a ZIP container from CSV.
_SNIFF_BYTES = 512
_REFUSED_STARTS = (
    ((b"<",), "SDMX-ML (XML) is not read; download SDMX-CSV"),
    ((b"{", b"["), "SDMX-JSON is not read; download SDMX-CSV"),
    ((b"PK\x03\x04",), "a ZIP archive or Excel workbook is not read; download CSV"),
)
_ISO2_TO_ISO3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
_SERIES_PARTS = ["reporter", "indicator", "partner", "frequency"]
_PORTAL_COLUMNS = ["SERIES_CODE", "COUNTRY.ID", "COUNTERPART_COUNTRY.ID"]
#: The only OBS_MEASURE whose cells are observations.
_VALUES_MEASURE = "OBS_VALUE"


def iso_code(value: str) -> str:
    """An IMF country cell as an ISO alpha-3 code (labels dropped; DOTS and IMF codes mapped).

    Examples
    --------
    >>> iso_code("KAZ: Kazakhstan"), iso_code("KZ"), iso_code("KOS"), iso_code("G001")
    ('KAZ', 'KAZ', 'XKX', 'G001')
    """
    code = value.split(":", 1)[0].strip()
    code = _ISO2_TO_ISO3.get(code, code)
    return ISO_BY_IMF_CODE.get(code, code)


def is_gzip(path: Path) -> bool:
    """Whether a file is gzip-compressed, by its first two bytes (not its name).

    Examples
    --------
    >>> is_gzip(Path("tests/fixtures/imports/real/imf_imts_nic_g001.csv.gz"))
    True
    >>> is_gzip(Path("tests/fixtures/imports/imts_sdmx_v1.csv"))
    False
    """
    with path.open("rb") as stream:
        return stream.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC


def refusal(path: Path) -> str | None:
    """Why a file is refused unread (XML, JSON, a ZIP container); None if it may be CSV.

    Examples
    --------
    >>> refusal(Path("tests/fixtures/imports/real/openbb_imts_USA_G001_G998_A_2023_2024.xml"))
    'SDMX-ML (XML) is not read; download SDMX-CSV'
    >>> refusal(Path("tests/fixtures/imports/imts_sdmx_v1.csv")) is None
    True
    """
    with path.open("rb") as stream:
        start = stream.read(_SNIFF_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
    return next((rule for marks, rule in _REFUSED_STARTS if start.startswith(marks)), None)


def unpack_gzip(source: Path, target: Path) -> str | None:
    """Unpack a gzip file into ``target``; why it could not be, or None.

    At most :data:`MAX_UNPACKED_BYTES` are ever written: past that the file is refused.

    Examples
    --------
    >>> import tempfile
    >>> real = Path("tests/fixtures/imports/real/imf_imts_nic_g001.csv.gz")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plain = Path(folder) / "nic.csv"
    ...     print(unpack_gzip(real, plain), plain.stat().st_size)
    None 790762
    """
    limit = MAX_UNPACKED_BYTES  # read at call time: tests lower it
    written = 0
    try:
        with gzip.open(source, "rb") as packed, target.open("wb") as plain:
            while block := packed.read(_BLOCK):
                written += len(block)
                if written > limit:
                    return (
                        f"unpacks to more than {limit:,} bytes, the most a compressed "
                        "file may hold here; ask for fewer series"
                    )
                plain.write(block)
    except (OSError, EOFError, zlib.error) as err:  # truncated, corrupt or not gzip at all
        return f"cannot be unpacked as gzip ({err})"
    return None


def _frequency_of(period: str) -> str:
    """The frequency a period column belongs to: ``2023`` A, ``2023-Q1`` Q, ``2023-M01`` M."""
    if len(period) == 4:
        return "A"
    return "Q" if "Q" in period else "M"


def _empty(cells: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(cells):
        return cells.isna()
    return cells.isna() | cells.astype(str).str.strip().isin(MISSING_CELLS)


def _missing_columns(frame: pd.DataFrame, periods: list[str]) -> list[Failure]:
    missing = [c for c in _PORTAL_COLUMNS if c not in frame.columns]
    if not periods:
        missing.append("period columns (2023, 2023-Q1, 2023-M01)")
    return [Failure("", 1, None, "", f"required column missing: {m}") for m in missing]


def _series(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Failure]]:
    """``SERIES_CODE`` split into its parts, checked against the ``.ID`` columns."""
    parts = [str(code).strip().split(".") for code in frame["SERIES_CODE"]]
    whole = np.array([len(p) == len(_SERIES_PARTS) for p in parts], dtype=bool)
    failures = [
        Failure("", int(line), "SERIES_CODE", str(code), "is not REPORTER.INDICATOR.PARTNER.FREQ")
        for line, code in zip(
            frame.loc[~whole, "line"], frame.loc[~whole, "SERIES_CODE"], strict=True
        )
    ]
    frame = frame[whole]
    series = pd.DataFrame(
        [p for p, ok in zip(parts, whole, strict=True) if ok],
        columns=_SERIES_PARTS,
        index=frame.index,
    )
    reporter = frame["COUNTRY.ID"].astype(str).str.strip()
    partner = frame["COUNTERPART_COUNTRY.ID"].astype(str).str.strip()
    # Columns that disagree with the series key mean the layout is not what it seems.
    other = (series["reporter"] != reporter) | (series["partner"] != partner)
    failures += [
        Failure(
            "",
            int(line),
            "SERIES_CODE",
            str(code),
            f"names other countries than COUNTRY.ID {r} and COUNTERPART_COUNTRY.ID {p}",
        )
        for line, code, r, p in zip(
            frame.loc[other, "line"],
            frame.loc[other, "SERIES_CODE"],
            reporter[other],
            partner[other],
            strict=True,
        )
    ]
    return series.assign(reporter=reporter, partner=partner), failures


def portal_rows(
    frame: pd.DataFrame, periods: list[str]
) -> tuple[pd.DataFrame, list[Failure], Counter]:
    """The data portal's download melted to one row per series and period.

    Cells of period columns of another frequency than the series' (a monthly column of an
    annual series) are not observations and are left out uncounted; a value in one fails.

    Returns
    -------
    tuple
        Rows (reporter, partner, indicator, period, value, scale, status, line), failures
        (file name left empty) and rows skipped by reason.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "SERIES_CODE": ["KAZ.XG_FOB_USD.TJK.A"], "OBS_MEASURE": ["OBS_VALUE"],
    ...     "COUNTRY.ID": ["KAZ"], "COUNTERPART_COUNTRY.ID": ["TJK"],
    ...     "2023": [851.2], "2023-M01": [None]})
    >>> rows, failures, skipped = portal_rows(frame, ["2023", "2023-M01"])
    >>> rows[["reporter", "partner", "indicator", "period", "value", "scale"]]
      reporter partner   indicator period  value  scale
    0      KAZ     TJK  XG_FOB_USD   2023  851.2    6.0
    """
    skipped: Counter = Counter()
    failures = _missing_columns(frame, periods)
    if failures:
        return pd.DataFrame(), failures, skipped
    frame = frame.assign(line=np.arange(len(frame)) + 2)  # header is line 1
    if "OBS_MEASURE" in frame.columns:
        measure = frame["OBS_MEASURE"].astype(str).str.strip()
        other = measure != _VALUES_MEASURE
        for name, count in measure[other].value_counts().items():
            skipped[f"OBS_MEASURE {name} (only {_VALUES_MEASURE} rows are values)"] += int(count)
        frame = frame[~other]
    series, failures = _series(frame)
    if failures:
        return pd.DataFrame(), failures, skipped
    wide = pd.concat([series, frame[[*periods, "SERIES_CODE", "line"]]], axis=1)
    long = wide.melt(
        id_vars=[*_SERIES_PARTS, "SERIES_CODE", "line"],
        value_vars=periods,
        var_name="period",
        value_name="value",
    )
    column_frequency = long["period"].map(_frequency_of)
    elsewhere = long["frequency"].astype(str).to_numpy() != column_frequency.to_numpy()
    misplaced = elsewhere & ~_empty(long["value"]).to_numpy()
    failures = [
        Failure(
            "",
            int(row.line),
            row.period,
            str(row.value),
            f"a value of series {row.SERIES_CODE} (frequency {row.frequency}) in a column of "
            f"frequency {_frequency_of(row.period)}",
        )
        for row in long[misplaced].itertuples()
    ]
    rows = long[~elsewhere].assign(scale=float(PORTAL_SCALE_POWER), status="")
    return rows.drop(columns=["SERIES_CODE", "frequency"]), failures, skipped


def split_unlisted(rows: pd.DataFrame) -> tuple[pd.DataFrame, Counter]:
    """Leave out rows of economies the IMF codes but ISO 3166-1 does not list; count them.

    The tracker's country list is ISO 3166-1 (pycountry), which has no code for Kosovo:
    its rows are counted under their own reason rather than as an aggregate.

    Examples
    --------
    >>> rows = pd.DataFrame({"reporter": ["KAZ", "KAZ"], "partner": ["TJK", "XKX"]})
    >>> kept, skipped = split_unlisted(rows)
    >>> kept["partner"].tolist(), list(skipped.items())
    (['TJK'], [('partner XKX (IMF code KOS): not in ISO 3166-1, so not a country here', 1)])
    """
    unlisted = {iso: imf for imf, iso in ISO_BY_IMF_CODE.items() if iso not in COUNTRIES}
    skipped: Counter = Counter()
    keep = np.ones(len(rows), dtype=bool)
    for column in ("reporter", "partner"):
        found = rows[column].isin(list(unlisted)).to_numpy()
        for code, count in rows.loc[found, column].value_counts().items():
            if count:
                reason = f"(IMF code {unlisted[code]}): not in ISO 3166-1, so not a country here"
                skipped[f"{column} {code} {reason}"] += int(count)
        keep &= ~found
    return kept(rows, keep), skipped
