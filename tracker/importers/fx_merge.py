"""Merging parsed exchange rates into ``fx_rates.csv``: append-only, validated, atomic.

An importer of rates (:mod:`tracker.importers.wdi_fx`) parses its file into
:class:`FxParsed`. :func:`merge_fx` appends the rates under the file's source: a rate whose
currency and year already hold the same value (as a number) is skipped as identical, so
importing a file twice changes nothing; a different value is a new vintage, kept beside
the old one (several sources may give a year's rate; the tracker uses the newest official
one). Every existing byte of ``fx_rates.csv`` and ``sources.csv`` is kept; the two files
are validated as ``tracker validate`` would, then written together or not at all.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from tracker.core.failures import DataInvalid, Failure
from tracker.core.params import SAME_VALUE_RTOL
from tracker.importers.common import ImportResult
from tracker.loading.commit import append_rows, commit, writer_lock
from tracker.loading.files import parse_table, read_inside
from tracker.validation.run import validate_frames
from tracker.validation.schemas import FILES, SCHEMAS

__all__ = ["FX_COLUMNS", "FxParsed", "merge_fx"]

#: Columns of the rates an importer parses (``line``: the 1-based line in its file).
FX_COLUMNS = ["currency", "year", "units_per_usd", "note", "line"]
#: Relative difference under which a re-imported rate counts as the same rate: the text
_FX, _SOURCES = FILES["fx_rates"], FILES["sources"]


@dataclass
class FxParsed:
    """Annual exchange rates parsed from one file, before merging.

    Attributes
    ----------
    rows : pandas.DataFrame
        Columns currency (ISO 4217), year (int), units_per_usd (text as the file wrote
        it), note, line (1-based physical line of the file the rate was read from).
    skipped : collections.Counter
        Values left out, by reason.
    failures : list of Failure
        Problems that make the file unusable; nothing is written when there are any.
    released : datetime.date or None
        The release date the file states, if it states one.

    Examples
    --------
    >>> parsed = FxParsed(pd.DataFrame(columns=FX_COLUMNS), Counter({"US dollar": 3}))
    >>> len(parsed.rows), parsed.skipped["US dollar"], parsed.failures, parsed.released
    (0, 3, [], None)
    """

    rows: pd.DataFrame
    skipped: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    released: date | None = None


def merge_fx(datasets: Path, source: dict, parsed: FxParsed, dry_run: bool = False) -> ImportResult:
    """Append the parsed rates to ``fx_rates.csv`` under ``source``, validate, then write.

    Parameters
    ----------
    datasets : pathlib.Path
        The datasets folder.
    source : dict
        The source row, from :func:`tracker.importers.common.source_record`; registered in
        ``sources.csv`` when it is new and at least one rate is added.
    parsed : FxParsed
        The rates; any failure in it stops the merge.
    dry_run : bool
        Count what would be added, and write nothing (and take no lock).

    Returns
    -------
    ImportResult
        Rates added, identical rates skipped, added rates that revise an earlier value of
        the same currency and year, and the parser's skip counts.

    Raises
    ------
    DataInvalid
        With every failure, when the file could not be parsed, a dataset file cannot be
        read, or the result would not validate. Nothing is written then.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from tracker.importers.common import source_record
    >>> rows = pd.DataFrame([["TJS", 2023, "10.8", "WDI PA.NUS.FCRF, from TJK", 220]],
    ...                     columns=FX_COLUMNS)  # a revised TJS rate for 2023
    >>> source = source_record("wdi-fx", Path("w.csv"), "0" * 64, "World Bank", "WDI",
    ...                        date(2026, 7, 13))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = shutil.copytree("datasets", Path(folder) / "datasets")
    ...     before = (copy / "fx_rates.csv").read_bytes()
    ...     result = merge_fx(copy, source, FxParsed(rows), dry_run=True)
    ...     result.added, result.revised, (copy / "fx_rates.csv").read_bytes() == before
    (1, 1, True)
    """
    if parsed.failures:
        raise DataInvalid(parsed.failures)
    if dry_run:  # reads only: no lock, which would write its file
        return _merge(Path(datasets), source, parsed, dry_run)
    with writer_lock(datasets):  # read, compare and write as one step: no writer in between
        return _merge(Path(datasets), source, parsed, dry_run)


def _read(datasets: Path, file: str) -> tuple[bytes, pd.DataFrame]:
    """A dataset file's bytes and its table; DataInvalid when it cannot be read."""
    data, failures = read_inside(datasets / file)
    frame = None
    if data is not None:
        frame, failures = parse_table(file, data)
    if frame is None:
        raise DataInvalid(failures)
    return data, frame


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # a broken cell already in the file: validation names it
        return math.nan


def _compare(rows: pd.DataFrame, fx: pd.DataFrame) -> tuple[list[bool], int]:
    """Which rows the table already holds with the same value; how many revise a value."""
    known: dict[tuple[str, int], list[float]] = {}
    if {"currency", "year", "units_per_usd"} <= set(fx.columns):
        for currency, year, units in zip(
            fx["currency"], fx["year"], fx["units_per_usd"], strict=True
        ):
            if year.isascii() and year.isdigit():
                known.setdefault((currency, int(year)), []).append(_number(units))
    identical, revised = [], 0
    for currency, year, units in zip(
        rows["currency"], rows["year"], rows["units_per_usd"], strict=True
    ):
        earlier = known.get((currency, int(year)), [])
        value = float(units)
        same = any(
            math.isclose(value, old, rel_tol=SAME_VALUE_RTOL, abs_tol=0.0) for old in earlier
        )
        identical.append(same)
        revised += bool(earlier) and not same
    return identical, revised


def _merge(datasets: Path, source: dict, parsed: FxParsed, dry_run: bool) -> ImportResult:
    sources_bytes, sources = _read(datasets, _SOURCES)
    fx_bytes, fx = _read(datasets, _FX)
    rows = parsed.rows
    identical, revised = _compare(rows, fx)
    new_rows = rows[[not same for same in identical]]

    files = {}
    if len(new_rows):
        cells = [
            {**row, "year": str(row["year"]), "source_id": source["source_id"]}
            for row in new_rows.to_dict("records")
        ]
        # In the file's own column order: the header may list them in any order.
        files[_FX] = append_rows(fx_bytes, [[c.get(n, "") for n in fx.columns] for c in cells])
        if source["source_id"] not in set(sources["source_id"]):
            record = {column: str(source.get(column, "")) for column in SCHEMAS["sources"].columns}
            added = [record.get(column, "") for column in sources.columns]
            files[_SOURCES] = append_rows(sources_bytes, [added])

    # Validate the bytes that would be written, exactly as `tracker validate` reads them.
    frames, problems = {}, []
    for table, file, data in (("sources", _SOURCES, sources_bytes), ("fx_rates", _FX, fx_bytes)):
        frame, failures = parse_table(file, files.get(file, data))
        problems += failures
        if frame is not None:
            frames[table] = frame
    problems += validate_frames(frames)
    if problems:
        raise DataInvalid(problems)
    if files and not dry_run:
        commit(datasets, files)  # both files change together, or neither does
    return ImportResult(
        source["source_id"],
        _FX,
        len(new_rows),
        sum(identical),
        revised,
        parsed.skipped,
        dry_run,
    )
