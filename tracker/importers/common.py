"""What every importer shares: the source record, the merge, validation, atomic writes.

An importer parses its format into :class:`Parsed` (observations in USD millions, plus
counts of what it skipped and why). :func:`merge_import` then registers the file as a
source, merges the rows into the folder's panel without losing anything, validates the
result exactly as ``tracker validate`` would, and only then writes, atomically.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tracker.core.coding import key_codes
from tracker.core.failures import DataInvalid, Failure
from tracker.core.params import SAME_VALUE_RTOL
from tracker.core.units import MAX_TRADE_USD_MN, USD_PER_MN, to_usd_mn
from tracker.core.vocabulary import COUNTRIES, OBSERVATION_KEY, USD
from tracker.importers.sources import DATABASE_EXTRACT, file_digest, source_record
from tracker.loading.commit import append_rows, commit, writer_lock
from tracker.loading.files import parse_table, read_inside, read_table
from tracker.validation.rules import publication_days, rate_keys
from tracker.validation.run import schema_failures, validate_panel
from tracker.validation.schemas import FILES, SCHEMAS

__all__ = [
    "DATABASE_EXTRACT",
    "MAX_BILATERAL_USD",
    "MAX_FILE_BYTES",
    "PANEL_COLUMNS",
    "PARSED_COLUMNS",
    "ImportResult",
    "Parsed",
    "check_magnitudes",
    "file_digest",
    "merge_import",
    "source_record",
    "split_countries",
]

#: A ceiling no bilateral goods flow comes near: the largest pairs trade about $0.6 trillion
#: a year, so a value above $10 trillion means a scale was applied twice (or a unit slip).
MAX_BILATERAL_USD = MAX_TRADE_USD_MN * USD_PER_MN
#: No statistics release or download an importer reads comes near this size (the WDI
#: bulk file is ~240 kB, a BNS release ~200 kB): a larger file is refused unread.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: An importer's key: the releases it reads are goods statistics, so its panels carry no
#: scope column (an absent scope is goods).
_KEY = [column for column in OBSERVATION_KEY if column != "scope"]
#: Columns of the rows an importer parses (values in US dollars; line in the file).
PARSED_COLUMNS = [*_KEY, "value_usd", "note", "line"]
#: Panel columns an importer writes, in this order.
PANEL_COLUMNS = [
    "reporter",
    "partner",
    "flow",
    "span",
    "value",
    "currency",
    "scale",
    "source_id",
    "note",
]
#: Parsed values are in dollars (scale "unit"); panels hold them in millions.
_DOLLAR, _PANEL_SCALE = "unit", "million"


@dataclass
class Parsed:
    """Observations parsed from one file, before merging.

    Attributes
    ----------
    rows : pandas.DataFrame
        Columns reporter, partner, flow, span, value_usd (US dollars), note.
    skipped : collections.Counter
        Rows left out, by reason ("aggregate partner W00", "missing value", ...).
    failures : list of Failure
        Problems that make the file unusable; nothing is written when there are any.

    Examples
    --------
    >>> parsed = Parsed(pd.DataFrame(columns=PARSED_COLUMNS), Counter({"missing value": 2}))
    >>> len(parsed.rows), parsed.skipped["missing value"], parsed.failures
    (0, 2, [])
    """

    rows: pd.DataFrame
    skipped: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, in a dry run, would do).

    Examples
    --------
    >>> print(ImportResult("imf-1", "p.parquet", 2, 1, 0, Counter(), True).summary()[0])
    would write 2 new observation(s) to p.parquet (0 of them revise an earlier value), source imf-1
    """

    source_id: str
    panel: str
    added: int
    identical: int
    revised: int
    skipped: Counter
    dry_run: bool

    def summary(self) -> list[str]:
        """The result in lines a person reads."""
        if self.added == 0 and self.identical and not self.dry_run:
            lines = [
                f"nothing new for {self.panel}: every observation was already imported; "
                "nothing written"
            ]
        else:
            verb = "would write" if self.dry_run else "wrote"
            lines = [
                f"{verb} {self.added} new observation(s) to {self.panel} "
                f"({self.revised} of them revise an earlier value), "
                f"source {self.source_id}"
            ]
        lines.append(f"skipped {self.identical} identical observation(s) already imported")
        lines += [
            f"skipped {count} row(s): {reason}" for reason, count in sorted(self.skipped.items())
        ]
        return lines


def check_magnitudes(rows: pd.DataFrame, file: str, column: str) -> list[Failure]:
    """Values above :data:`MAX_BILATERAL_USD` (a scale applied twice), listed by line.

    ``rows`` has ``value_usd`` and ``line``; ``column`` names the file's value column.

    Examples
    --------
    >>> rows = pd.DataFrame({"value_usd": [8.5e8, 8.5e14], "line": [2, 3]})
    >>> print(*check_magnitudes(rows, "imf.csv", "OBS_VALUE"))
    imf.csv:3: column 'OBS_VALUE' value '8.5e+14': 8.5e+14 USD is above any bilateral flow
    (ceiling 1e+13 USD): is a scale applied twice?
    """
    too_big = rows[rows["value_usd"] > MAX_BILATERAL_USD]
    return [
        Failure(
            file,
            int(line),
            column,
            f"{value:.6g}",
            f"{value:.3g} USD is above any bilateral flow (ceiling "
            f"{MAX_BILATERAL_USD:.0e} USD): is a scale applied twice?",
        )
        for line, value in zip(too_big["line"], too_big["value_usd"], strict=True)
    ]


def split_countries(rows: pd.DataFrame) -> tuple[pd.DataFrame, Counter]:
    """Keep rows whose reporter and partner are countries; count the aggregates left out.

    Examples
    --------
    >>> kept, skipped = split_countries(pd.DataFrame(dict(reporter="KAZ", partner=["TJK", "W00"])))
    >>> kept["partner"].tolist(), skipped
    (['TJK'], Counter({'aggregate or non-country partner W00': 1}))
    """
    is_country = rows["reporter"].isin(COUNTRIES) & rows["partner"].isin(COUNTRIES)
    skipped = Counter()
    for column in ("reporter", "partner"):
        for code, count in rows.loc[~rows[column].isin(COUNTRIES), column].value_counts().items():
            skipped[f"aggregate or non-country {column} {code}"] += int(count)
    return rows[is_country], skipped


def _panel_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame[PANEL_COLUMNS], preserve_index=False)
    # Repeated text as dictionaries: a panel stays compact on disk and in memory.
    table = table.cast(
        pa.schema(
            [
                pa.field(
                    f.name,
                    pa.dictionary(pa.int32(), pa.string())
                    if f.type in (pa.string(), pa.large_string())
                    else f.type,
                )
                for f in table.schema
            ]
        )
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _read_panel(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=PANEL_COLUMNS)
    frame = pq.read_table(path).to_pandas()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str)
    return frame


def _constant(length: int, text: str) -> pd.Categorical:
    """A column holding one text: one category, not millions of copies."""
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), [text])


def _filled(notes: pd.Series) -> pd.Series:
    if isinstance(notes.dtype, pd.CategoricalDtype):
        if "" not in notes.cat.categories:
            notes = notes.cat.add_categories([""])
        return notes.fillna("")
    return notes.fillna("").astype(str)


def _compare(rows: pd.DataFrame, existing: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Which rows are already in the panel with the same value; how many revise a value."""
    if existing.empty:  # a new panel: nothing to compare with
        return np.zeros(len(rows), dtype=bool), 0
    known = existing[[*_KEY, "value"]].rename(columns={"value": "known_value"})
    matched = rows[[*_KEY, "value"]].reset_index(drop=True).merge(known, on=_KEY, how="left")
    same = np.isclose(
        matched["value"], matched["known_value"].astype(float), rtol=SAME_VALUE_RTOL, atol=0.0
    )
    identical_keys = matched.loc[same, _KEY].drop_duplicates().assign(_hit=True)
    hit = rows[_KEY].reset_index(drop=True).merge(identical_keys, on=_KEY, how="left")["_hit"]
    is_identical = hit.fillna(False).to_numpy(dtype=bool)
    revised = rows[~is_identical][_KEY].merge(existing[_KEY].drop_duplicates(), on=_KEY)
    return is_identical, len(revised)


def merge_import(
    datasets: Path,
    panel_file: str,
    source: dict,
    parsed: Parsed,
    dry_run: bool = False,
) -> ImportResult:
    """Register the source, merge the rows into the panel, validate, then write.

    Identical rows (same reporter, partner, flow, span and value as a row already in the
    panel) are skipped; a different value for the same key is kept as a new vintage under
    this source, never overwriting the old one.

    Raises
    ------
    DataInvalid
        With every failure, when the file could not be parsed or the merged data would not
        validate. Nothing is written then.

    Examples
    --------
    >>> import shutil
    >>> from datetime import date
    >>> rows = pd.DataFrame([["KAZ", "TJK", "exports", "2023", 1e9, "", 2]], columns=PARSED_COLUMNS)
    >>> source = source_record("imf", Path("x.csv"), "0" * 64, "IMF", "IMTS", date(2025, 5, 1))
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = shutil.copytree("datasets", Path(folder) / "datasets")
    ...     result = merge_import(copy, "imf.parquet", source, Parsed(rows), dry_run=True)
    ...     print(result.added, (copy / "imf.parquet").exists())  # one new row; nothing written
    1 False
    """
    if parsed.failures:
        raise DataInvalid(parsed.failures)
    if dry_run:  # reads only: no lock, which would write its file
        return _merge(datasets, panel_file, source, parsed, dry_run)
    with writer_lock(datasets):  # read, merge and write as one step: no import in between
        return _merge(datasets, panel_file, source, parsed, dry_run)


def _merge(
    datasets: Path, panel_file: str, source: dict, parsed: Parsed, dry_run: bool
) -> ImportResult:
    original, failures = read_inside(datasets / FILES["sources"])
    sources, problems = (
        (None, failures) if original is None else parse_table(FILES["sources"], original)
    )
    if sources is None:
        raise DataInvalid(problems)
    panel_path = datasets / panel_file
    try:
        existing = _read_panel(panel_path)
    except (OSError, pa.ArrowException) as err:  # a panel broken before this import
        rule = f"the panel to merge into cannot be read as Parquet ({err}); nothing written"
        raise DataInvalid([Failure(panel_file, None, None, "", rule)]) from None

    rows = parsed.rows.assign(
        value=to_usd_mn(parsed.rows["value_usd"], _DOLLAR),
        currency=_constant(len(parsed.rows), USD),
        scale=_constant(len(parsed.rows), _PANEL_SCALE),
        source_id=_constant(len(parsed.rows), source["source_id"]),
        note=_filled(parsed.rows["note"]),
    )
    # The same key twice within one file: the file contradicts itself.
    repeated = pd.Series(key_codes(rows, _KEY)).duplicated(keep=False).to_numpy()
    if repeated.any():
        shown = rows.loc[repeated, _KEY].drop_duplicates().head(5).to_dict("records")
        rule = (
            f"{int(repeated.sum())} rows repeat a reporter, partner, flow and span "
            f"within the file, e.g. {shown}"
        )
        raise DataInvalid([Failure(source["file"], None, None, "", rule)])
    is_identical, revised = _compare(rows, existing)
    new_rows = rows[~is_identical]

    source_known = source["source_id"] in set(sources["source_id"])
    if not source_known and len(new_rows):
        record = {column: str(source.get(column, "")) for column in SCHEMAS["sources"].columns}
        added = pd.DataFrame(
            [record], index=pd.Index([sources.index.max() + 1 if len(sources) else 2], name="line")
        )
        sources = pd.concat([sources, added])
    # A first import starts the panel; concatenating onto an empty frame would make every
    # column text.
    parts = [existing, new_rows[PANEL_COLUMNS]] if len(existing) else [new_rows[PANEL_COLUMNS]]
    merged = pd.concat(parts, ignore_index=True)
    merged.index = pd.RangeIndex(1, len(merged) + 1, name="line")

    fx, fx_failures = read_table(datasets / FILES["fx_rates"])
    published = publication_days({"sources": sources})
    rates = rate_keys({"fx_rates": fx}) if fx is not None else None
    problems = schema_failures(SCHEMAS["sources"], FILES["sources"], sources) + fx_failures
    problems += validate_panel(panel_file, merged, published, rates)
    if problems:
        raise DataInvalid(problems)

    if len(new_rows) and not dry_run:
        files = {panel_file: _panel_bytes(merged)}
        if not source_known:  # appended: every byte of the file as it was, plus one row
            files[FILES["sources"]] = append_rows(original, [[record[c] for c in sources.columns]])
        commit(datasets, files)
    return ImportResult(
        source["source_id"],
        panel_file,
        len(new_rows),
        int(is_identical.sum()),
        revised,
        parsed.skipped,
        dry_run,
    )
