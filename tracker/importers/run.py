"""``tracker import``: parse a downloaded file, register it as a source, merge it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.core.failures import DataInvalid, Failure
from tracker.importers.armstat import parse_armstat
from tracker.importers.bns import parse_bns
from tracker.importers.common import ImportResult, merge_import
from tracker.importers.comtrade import parse_comtrade
from tracker.importers.fx_merge import merge_fx
from tracker.importers.imf import parse_imf
from tracker.importers.kinds import KINDS
from tracker.importers.sources import file_digest, source_record
from tracker.importers.stat_uz import parse_stat_uz
from tracker.importers.table import parse_table_file, read_spec
from tracker.importers.wdi_fx import parse_wdi_fx

__all__ = ["run_import"]

#: Releases whose date must be known (printed in the file, or given): a database download
#: (IMF, UN Comtrade) otherwise counts from today, its download date.
_RELEASE_DATE_REQUIRED = ("bns", "stat-uz", "armstat", "wdi-fx")


def run_import(
    kind: str,
    path: Path,
    datasets: Path,
    released: date | str | None = None,
    spec_path: Path | None = None,
    dry_run: bool = False,
    flow: str | None = None,
    note: str = "",
) -> ImportResult:
    """Import one file of the given kind into the datasets folder.

    Parameters
    ----------
    kind : str
        A key of :data:`KINDS`.
    path : pathlib.Path
        The downloaded file.
    datasets : pathlib.Path
        The datasets folder; ``sources.csv`` and the kind's panel are updated.
    released : datetime.date or str, optional
        Release (or retrieval) date of the file, to the day, month or year. A BNS release
        that prints its date, and a World Bank file, give it themselves; ``--released``
        wins over them. Otherwise today (the download date) for ``imf`` and ``comtrade``;
        required for the other kinds when the file prints none. The
        spec gives it for ``table``.
    spec_path : pathlib.Path, optional
        The YAML spec, for ``table``.
    dry_run : bool
        Count what would be added, skipped and revised, and write nothing.
    flow : str, optional
        ``exports`` or ``imports``, for ``stat-uz`` (its files do not say).
    note : str
        How the release date was established, or anything a reader should know; kept in
        the source's note.

    Raises
    ------
    DataInvalid
        With every failure; nothing is written.

    Examples
    --------
    >>> import shutil, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = shutil.copytree("datasets", Path(folder) / "datasets")
    ...     imts = Path("tests/fixtures/imports/imts_sdmx_v1.csv")
    ...     print(run_import("imf", imts, copy, date(2025, 5, 1), dry_run=True).summary()[0])
    would write 5 new observation(s) to imf_imts.parquet (0 of them revise an earlier value),
    source imf-...
    """
    digest = file_digest(path)
    about = KINDS[kind]
    if kind == "table":
        spec, failures = read_spec(spec_path)
        if failures:
            raise DataInvalid(failures)
        source = source_record(
            kind,
            path,
            digest,
            spec["publisher"],
            spec["title"],
            spec["released"],
            spec.get("address", ""),
            note=note,
        )
        return merge_import(datasets, about.panel, source, parse_table_file(path, spec), dry_run)
    parsed, printed = _parse(kind, path, flow)
    day = released or printed or (None if kind in _RELEASE_DATE_REQUIRED else date.today())
    if day is None:
        rule = "the file prints no release date: give it with --released (YYYY, YYYY-MM or a day)"
        raise DataInvalid([*parsed.failures, Failure(path.name, None, None, "", rule)])
    title = f"{about.title}: {flow}" if flow else about.title
    source = source_record(
        kind, path, digest, about.publisher, title, day, about.address, about.source_kind, note
    )
    if kind == "wdi-fx":
        return merge_fx(datasets, source, parsed, dry_run)
    return merge_import(datasets, about.panel, source, parsed, dry_run)


def _parse(kind: str, path: Path, flow: str | None):
    """The parsed file and the release date it prints (None when it prints none)."""
    if kind == "bns":
        return parse_bns(path)
    if kind == "wdi-fx":
        parsed = parse_wdi_fx(path)
        return parsed, parsed.released
    if kind == "stat-uz":
        return parse_stat_uz(path, flow), None
    parser = {"armstat": parse_armstat, "imf": parse_imf, "comtrade": parse_comtrade}[kind]
    return parser(path), None
