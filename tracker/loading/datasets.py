"""The datasets as computations see them: read, validated, typed.

Load (:mod:`tracker.loading.files`) -> Validate (:mod:`tracker.validation`) -> Type
(:mod:`tracker.loading.typing`). Observations stay as read until a computation selects
the series it needs (:mod:`tracker.analysis.series`), so a large panel is typed only where
it is used; :attr:`Datasets.observations` types every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from tracker.core.failures import DataInvalid, Failure
from tracker.core.vocabulary import SERIES_KEY
from tracker.loading.cache import files_key, is_known_valid, record_valid
from tracker.loading.commit import JOURNAL
from tracker.loading.files import open_panels, read_datasets
from tracker.loading.observation_tables import ObservationTable, PanelTable
from tracker.loading.typing import type_fx_rates, type_observations, type_sources, type_targets
from tracker.validation.rules import publication_days, rate_keys
from tracker.validation.run import validate_frames, validate_panel
from tracker.validation.schemas import FILES

__all__ = ["Datasets", "build_datasets", "check_datasets", "load_datasets"]


@dataclass(frozen=True, repr=False)
class Datasets:
    """The validated datasets.

    Attributes
    ----------
    sources, targets, fx_rates : pandas.DataFrame
        Typed; every row keeps ``line``, its line in its file.
    tables : tuple of ObservationTable or PanelTable
        Every file of observations: ``observations.csv`` first, then each panel (read
        from its file as a computation selects rows, unless it was checked in this run).
    directory : pathlib.Path
        Where the files were read from.

    Examples
    --------
    >>> data = load_datasets("datasets")
    >>> data  # doctest: +ELLIPSIS
    Datasets('datasets': ... sources, ... targets, ... exchange rates; observations.csv ... rows)
    """

    sources: pd.DataFrame
    targets: pd.DataFrame
    fx_rates: pd.DataFrame
    tables: tuple[ObservationTable | PanelTable, ...]
    directory: Path

    def __repr__(self) -> str:
        tables = ", ".join(f"{t.file} {t.rows:,} rows" for t in self.tables)
        return (
            f"Datasets({str(self.directory)!r}: {len(self.sources)} sources, "
            f"{len(self.targets)} targets, {len(self.fx_rates)} exchange rates; {tables})"
        )

    def typed(self, file: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of one file (all of it, or what was selected from it) typed."""
        return type_observations(file, frame, self.sources, self.fx_rates)

    def selected(self, keys: pd.DataFrame) -> pd.DataFrame:
        """Typed observations of the series ``keys`` names, from every file: the rows
        matching its reporter, partner, flow and scope columns (whichever it has).

        The last selection is kept: one command's computations ask for the same series
        several times (a report's two dates and its charts, the audit's verdicts).
        """
        columns = [column for column in SERIES_KEY if column in keys]
        rows = keys[columns].astype(str).itertuples(index=False, name=None)
        wanted = (tuple(columns), frozenset(rows))
        last = self._last_selection
        if last.get("keys") != wanted:
            last.clear()  # the previous selection goes before the next is read
            parts = [self.typed(table.file, table.select(keys)) for table in self.tables]
            last.update(keys=wanted, frame=pd.concat(parts, ignore_index=True))
        # A shallow copy: with pandas' copy-on-write, a caller's changes never reach the
        # kept frame.
        return last["frame"].copy(deep=False)

    def detached(self) -> Datasets:
        """A copy to send to another process: small to pickle, since each panel is read
        from its file there (through :meth:`PanelTable.select`, not copied from here) and
        no selection is kept."""
        tables = tuple(
            PanelTable(table.file, table.path, table.rows)
            if isinstance(table, PanelTable)
            else table
            for table in self.tables
        )
        return Datasets(self.sources, self.targets, self.fx_rates, tables, self.directory)

    @cached_property
    def _last_selection(self) -> dict:
        return {}

    @cached_property
    def observations(self) -> pd.DataFrame:
        """Every observation from every file, typed, with its ``file`` and ``line``."""
        return pd.concat([self.typed(t.file, t.frame) for t in self.tables], ignore_index=True)


def _typed(frames: dict[str, pd.DataFrame], directory: Path, panels: list[PanelTable]) -> Datasets:
    sources = type_sources(frames["sources"])
    fx = type_fx_rates(frames["fx_rates"], sources)
    tables = (ObservationTable(FILES["observations"], frames["observations"]), *panels)
    return Datasets(sources, type_targets(frames["targets"], sources, fx), fx, tables, directory)


#: The CSV files a panel's row rules read: sources (and their publication days), rates.
_PANEL_RULE_INPUTS = ("sources", "fx_rates")


def _checked_together(directory: Path, panels: list[PanelTable]) -> dict[str, list[Path]]:
    """The files each check reads: the CSV files' (under ``""``), and each panel's."""
    beside = [directory / FILES[name] for name in _PANEL_RULE_INPUTS]
    return {"": [directory / file for file in FILES.values()]} | {
        panel.file: [panel.path, *beside] for panel in panels
    }


def _record_unless_changed(key: str, paths: list[Path]) -> None:
    """Record files found valid, unless they changed while they were checked: the key is
    taken before reading and again now, and only bytes there both times are trusted."""
    if files_key(paths) == key:
        record_valid(key)


def _check(
    directory: Path, trust_checked: bool = False
) -> tuple[dict[str, pd.DataFrame], list[PanelTable], list[Failure]]:
    """Read and validate; with ``trust_checked``, files recorded valid as they are now
    (:mod:`tracker.loading.cache`) are not checked again, and such a panel is not read."""
    opened, problems = open_panels(directory)
    inputs = _checked_together(directory, opened) if trust_checked else {}
    keys = {check: files_key(paths) for check, paths in inputs.items()}
    frames, failures = read_datasets(directory)
    if (directory / JOURNAL).exists():
        rule = "an import was interrupted while writing; the next import finishes it"
        failures.append(Failure(JOURNAL, None, None, "", rule))
    if not (keys and is_known_valid(keys[""])):
        found = validate_frames(frames)
        # Recorded only when every file was read and none has an error.
        if keys and not failures and not any(f.severity == "error" for f in found):
            _record_unless_changed(keys[""], inputs[""])
        failures += found
    published, rates = publication_days(frames), rate_keys(frames)
    panels = []
    for panel in opened:
        key = keys.get(panel.file)
        if key and is_known_valid(key):
            panels.append(panel)
            continue
        if unreadable := panel.read():
            problems.append(unreadable)
            continue
        panels.append(panel)
        found = validate_panel(panel.file, panel.frame, published, rates)
        # Recorded only when checked against CSV files without errors.
        if key and not found and not any(f.severity == "error" for f in failures):
            _record_unless_changed(key, inputs[panel.file])
        problems += found
    return frames, panels, sorted(failures + problems, key=_order)


def _order(failure: Failure) -> tuple:
    return (failure.file, failure.line or 0, failure.column or "", failure.rule)


def _raise_errors(failures: list[Failure]) -> None:
    errors = [f for f in failures if f.severity == "error"]
    if errors:
        raise DataInvalid(errors)


def load_datasets(directory: Path | str = "datasets") -> Datasets:
    """Load, validate and type the datasets in a directory.

    Parameters
    ----------
    directory : path-like
        Folder holding ``sources.csv``, ``observations.csv``, ``targets.csv``,
        ``fx_rates.csv`` and any ``*.parquet`` panels.

    Returns
    -------
    Datasets

    CSV files found valid before, unchanged and under the same rules, are not checked again,
    nor is a panel found valid with the same ``sources.csv``, ``fx_rates.csv`` and rules
    (:mod:`tracker.loading.cache`); :func:`check_datasets` always checks in full.

    Raises
    ------
    DataInvalid
        Carrying every error found, when any file breaks a rule. Warnings do not raise.

    Examples
    --------
    >>> data = load_datasets("datasets")
    >>> sorted(data.targets["target_id"])[:2]
    ['kaz-afg-3bn-2023', 'kaz-afg-3bn-2024']
    """
    frames, panels, failures = _check(Path(directory), trust_checked=True)
    _raise_errors(failures)
    return _typed(frames, Path(directory), panels)


def build_datasets(frames: dict[str, pd.DataFrame], directory: Path | str = "<memory>") -> Datasets:
    """Validate and type tables already in memory (strings, indexed by line number).

    The same path as :func:`load_datasets` without the files: for notebooks and tests.

    Raises
    ------
    DataInvalid
        Carrying every error found.

    Examples
    --------
    >>> frames, _ = read_datasets("datasets")
    >>> frames["fx_rates"].loc[2, "source_id"] = "nowhere"  # no such source
    >>> build_datasets(frames)
    Traceback (most recent call last):
        ...
    tracker.core.failures.DataInvalid: 1 validation error(s)
    """
    _raise_errors(validate_frames(frames))
    return _typed(frames, Path(directory), [])


def check_datasets(directory: Path | str) -> tuple[dict[str, int | None], list[Failure]]:
    """Read and validate the datasets without typing them.

    Returns
    -------
    tuple
        Rows read per file (None for a file that could not be read) and every failure,
        errors and warnings, in file and line order.

    Examples
    --------
    >>> rows, failures = check_datasets("datasets")
    >>> list(rows), [failure for failure in failures if failure.severity == "error"]
    (['sources', 'observations', 'targets', 'fx_rates', 'arm_stat.parquet', 'kaz_bns.parquet',
      'uzb_stat.parquet'], [])
    """
    frames, panels, failures = _check(Path(directory))
    rows = {name: len(frames[name]) if name in frames else None for name in FILES}
    rows |= {panel.file: panel.rows for panel in panels}
    return rows, failures
