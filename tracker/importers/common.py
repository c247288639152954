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
from pandas.api.types import union_categoricals

from tracker.core.coding import factorize, kept, key_codes
from tracker.core.failures import DataInvalid, Failure
from tracker.core.params import SAME_VALUE_RTOL
from tracker.core.units import MAX_TRADE_USD_MN, USD_PER_MN, to_usd_mn
from tracker.core.vocabulary import COUNTRIES, OBSERVATION_KEY, USD
from tracker.importers.panel_files import PANEL_COLUMNS, panel_bytes, read_panel
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
#: Rows of a file looked up in the panel at a time: bounds the comparison's temporaries.
_ROWS_PER_SEARCH = 1_000_000
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
    return kept(rows, is_country), skipped


def _constant(length: int, text: str) -> pd.Categorical:
    """A column holding one text: one category, not millions of copies."""
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), [text])


def _filled(notes: pd.Series) -> pd.Series:
    if isinstance(notes.dtype, pd.CategoricalDtype):
        if "" not in notes.cat.categories:
            notes = notes.cat.add_categories([""])
        return notes.fillna("")
    return notes.fillna("").astype(str)


def _shared_codes(new: pd.Series, old: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """Codes of two columns in one dictionary (missing values code -1), and its size."""
    new_codes, new_values = factorize(new)
    old_codes, old_values = factorize(old)
    values = old_values.append(new_values).unique()
    # A code of -1 (missing) takes the appended -1 below.
    new_map = np.append(values.get_indexer(new_values), -1)
    old_map = np.append(values.get_indexer(old_values), -1)
    return new_map[new_codes], old_map[old_codes], len(values)


def _compare(rows: pd.DataFrame, existing: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Which rows are already in the panel with the same value; how many revise a value.

    Keys are compared as integers built from each column's codes in one dictionary
    shared by the file and the panel: no text is copied or joined. The panel's keys are
    sorted once and each row finds its key's vintages by binary search, which holds a few
    integer arrays where a join would hold a table of every pair of rows.
    """
    if existing.empty:  # a new panel: nothing to compare with
        return np.zeros(len(rows), dtype=bool), 0
    new_key = np.zeros(len(rows), dtype=np.int64)
    old_key = np.zeros(len(existing), dtype=np.int64)
    for column in _KEY:
        new_codes, old_codes, size = _shared_codes(rows[column], existing[column])
        for key, codes in ((new_key, new_codes), (old_key, old_codes)):
            key *= size + 1  # in place: no temporary array of 25 million keys
            key += codes + 1
    order = np.argsort(old_key, kind="stable")
    old_key = old_key[order]
    old_value = existing["value"].to_numpy(float)[order]
    del order
    value = rows["value"].to_numpy(float)
    is_identical = np.zeros(len(rows), dtype=bool)
    in_panel = np.zeros(len(rows), dtype=bool)
    for start in range(0, len(rows), _ROWS_PER_SEARCH):  # bounded temporaries
        block = slice(start, start + _ROWS_PER_SEARCH)
        first = np.searchsorted(old_key, new_key[block], side="left")
        vintages = np.searchsorted(old_key, new_key[block], side="right") - first
        in_panel[block] = vintages > 0
        for offset in range(int(vintages.max(initial=0))):  # a key's vintages in turn
            has = np.flatnonzero(vintages > offset)
            known = old_value[first[has] + offset]
            same = np.isclose(value[block][has], known, rtol=SAME_VALUE_RTOL, atol=0.0)
            is_identical[block][has[same]] = True  # a view: writes into is_identical
    return is_identical, int((in_panel & ~is_identical).sum())


def _stacked(existing: pd.DataFrame, new_rows: pd.DataFrame) -> pd.DataFrame:
    """The panel's rows, then the new ones, indexed by row number from 1; a text column
    categorical in both stays categorical (its categories united), not 25 million texts."""
    if existing.empty:  # a first import starts the panel
        merged = new_rows.reset_index(drop=True)
    else:
        columns = {}
        for column in PANEL_COLUMNS:
            old, new = existing[column], new_rows[column]
            if all(isinstance(c.dtype, pd.CategoricalDtype) for c in (old, new)):
                united = union_categoricals([old, new], ignore_order=True)
                columns[column] = pd.Series(united)
            else:
                columns[column] = pd.concat([old, new], ignore_index=True)
        merged = pd.DataFrame(columns)
    merged.index = pd.RangeIndex(1, len(merged) + 1, name="line")
    return merged


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
        existing = read_panel(panel_path)
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
    merged = _stacked(existing, new_rows[PANEL_COLUMNS])
    del existing  # in the merged panel now: not held twice through validation

    fx, fx_failures = read_table(datasets / FILES["fx_rates"])
    published = publication_days({"sources": sources})
    rates = rate_keys({"fx_rates": fx}) if fx is not None else None
    problems = schema_failures(SCHEMAS["sources"], FILES["sources"], sources) + fx_failures
    problems += validate_panel(panel_file, merged, published, rates)
    if problems:
        raise DataInvalid(problems)

    if len(new_rows) and not dry_run:
        files = {panel_file: panel_bytes(merged)}
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
