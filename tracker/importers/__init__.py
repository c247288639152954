"""Importers for official statistics: IMF IMTS, UN Comtrade and national tables.

Each parses its format into observations in US dollars; :func:`run_import` registers the
file as a source, merges without loss, validates before writing and writes atomically.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.core.failures import DataInvalid
from tracker.importers.common import (
    MAX_BILATERAL_USD,
    ImportResult,
    Parsed,
    file_digest,
    merge_import,
    source_record,
)
from tracker.importers.comtrade import parse_comtrade
from tracker.importers.imf import parse_imf
from tracker.importers.table import parse_table_file, read_spec

__all__ = [
    "MAX_BILATERAL_USD",
    "PANELS",
    "ImportResult",
    "Parsed",
    "parse_comtrade",
    "parse_imf",
    "parse_table_file",
    "read_spec",
    "run_import",
]

#: The panel each kind of import is merged into, beside the CSVs in the datasets folder.
PANELS = {
    "imf": "imf_imts.parquet",
    "comtrade": "un_comtrade.parquet",
    "table": "national_tables.parquet",
}
_PUBLISHERS = {
    "imf": (
        "International Monetary Fund",
        "International Trade in Goods by partner country (IMTS)",
    ),
    "comtrade": (
        "United Nations Statistics Division (UN Comtrade)",
        "UN Comtrade, goods trade, commodity TOTAL",
    ),
}


def run_import(
    kind: str,
    path: Path,
    datasets: Path,
    released: date | None = None,
    spec_path: Path | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import one file of the given kind into the datasets folder.

    Parameters
    ----------
    kind : str
        ``imf``, ``comtrade`` or ``table``.
    path : pathlib.Path
        The downloaded file.
    datasets : pathlib.Path
        The datasets folder; ``sources.csv`` and the kind's panel are updated.
    released : datetime.date, optional
        Release (or retrieval) date of the file, for ``imf`` and ``comtrade``; the spec
        gives it for ``table``.
    spec_path : pathlib.Path, optional
        The YAML spec, for ``table``.
    dry_run : bool
        Count what would be added, skipped and revised, and write nothing.

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
    if kind == "table":
        spec, failures = read_spec(spec_path)
        if failures:
            raise DataInvalid(failures)
        parsed = parse_table_file(path, spec)
        source = source_record(
            kind,
            path,
            digest,
            spec["publisher"],
            spec["title"],
            spec["released"],
            spec.get("address", ""),
        )
    else:
        parsed = parse_imf(path) if kind == "imf" else parse_comtrade(path)
        publisher, title = _PUBLISHERS[kind]
        source = source_record(kind, path, digest, publisher, title, released or date.today())
    return merge_import(datasets, PANELS[kind], source, parsed, dry_run)
