"""Rebuild the shipped official series from their raw files: ``make data``.

``datasets/raw/MANIFEST.csv`` lists every raw file with its kind of import, its flow (for
``stat-uz``), its release date when the file prints none, and how that date was
established. The rebuild Loads the manifest, takes out of the datasets folder what earlier
imports of these files put there (their ``sources.csv`` rows, their exchange-rate rows,
the panels they fill), then imports the files again in the manifest's order, so that each
year's earlier release stays as the revision history of the later. Same raw files, same
manifest: the same bytes.

    python -m tracker.importers.rebuild [DATASETS]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from tracker.core.failures import DataInvalid, Failure
from tracker.importers import KINDS, PANELS, ImportResult, run_import
from tracker.importers.sources import file_digest
from tracker.loading.commit import commit, writer_lock
from tracker.validation.schemas import FILES

__all__ = ["MANIFEST", "imported_ids", "rebuild", "without_rows"]

#: The list of raw files, inside the datasets folder.
MANIFEST = Path("raw") / "MANIFEST.csv"
_MANIFEST_COLUMNS = ["file", "kind", "flow", "released", "note"]
_BOM = "\ufeff"


def _manifest(datasets: Path) -> list[dict]:
    path = datasets / MANIFEST
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failures = [
        Failure(str(MANIFEST), line, "kind", row.get("kind", ""), f"is not one of {list(KINDS)}")
        for line, row in enumerate(rows, start=2)
        if row.get("kind") not in KINDS
    ]
    if not rows or list(rows[0]) != _MANIFEST_COLUMNS:
        failures.append(
            Failure(str(MANIFEST), 1, None, "", f"needs the columns {_MANIFEST_COLUMNS}")
        )
    if failures:
        raise DataInvalid(failures)
    return rows


def imported_ids(datasets: Path, manifest: list[dict]) -> set[str]:
    """The source ids the manifest's files get when imported (kind and checksum).

    Examples
    --------
    >>> rows = [{"file": "wdi_fx/API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv", "kind": "wdi-fx"}]
    >>> sorted(imported_ids(Path("datasets"), rows))
    ['wdi-fx-3958f744939c']
    """
    raw = datasets / MANIFEST.parent
    return {f"{row['kind']}-{file_digest(raw / row['file'])[:12]}" for row in manifest}


def without_rows(original: bytes, column: str, values: set[str]) -> bytes:
    """A CSV file's bytes without the records whose ``column`` holds one of ``values``;
    every other byte (BOM, line endings, quoting) as it was.

    Examples
    --------
    >>> without_rows(b"id,x\\r\\na,1\\r\\nb,\\"2\\n3\\"\\r\\nc,4\\r\\n", "id", {"b"})
    b'id,x\\r\\na,1\\r\\nc,4\\r\\n'
    """
    lines = list(io.StringIO(original.decode("utf-8"), newline=""))
    reader = csv.reader(iter(lines))
    header = next(reader)
    at = [cell.removeprefix(_BOM).strip() for cell in header].index(column)
    kept, start = lines[: reader.line_num], reader.line_num
    for record in reader:
        if not record or record[at].strip() not in values:
            kept += lines[start : reader.line_num]
        start = reader.line_num
    return "".join(kept).encode("utf-8")


def _clear(datasets: Path, manifest: list[dict]) -> None:
    """Take out what earlier imports of the manifest's files wrote, in one commit."""
    ids = imported_ids(datasets, manifest)
    files = {
        name: without_rows((datasets / name).read_bytes(), "source_id", ids)
        for name in (FILES["sources"], FILES["fx_rates"])
    }
    panels = sorted({PANELS[row["kind"]] for row in manifest if row["kind"] in PANELS})
    with writer_lock(datasets):
        commit(datasets, {**files, **dict.fromkeys(panels)})


def rebuild(datasets: Path) -> list[ImportResult]:
    """Import every raw file of the manifest again, from a folder cleared of them.

    Parameters
    ----------
    datasets : pathlib.Path
        The datasets folder, holding ``raw/MANIFEST.csv`` and the raw files.

    Returns
    -------
    list of ImportResult
        One per raw file, in the manifest's order.

    Raises
    ------
    DataInvalid
        When the manifest or an import fails; the folder is then left cleared up to that
        import (run again once fixed).

    Examples
    --------
    >>> import shutil, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = shutil.copytree("datasets", Path(folder) / "datasets")
    ...     results = rebuild(copy)
    ...     same = (copy / "sources.csv").read_bytes() == Path("datasets/sources.csv").read_bytes()
    >>> len(results), same
    (9, True)
    """
    manifest = _manifest(datasets)
    _clear(datasets, manifest)
    raw = datasets / MANIFEST.parent
    return [
        run_import(
            row["kind"],
            raw / row["file"],
            datasets,
            released=row["released"] or None,
            flow=row["flow"] or None,
            note=row["note"],
        )
        for row in manifest
    ]


def main(argv: list[str] | None = None) -> int:
    """``make data``: rebuild, print what each import did; exit 1 on a failure."""
    datasets = Path((argv if argv is not None else sys.argv[1:] or ["datasets"])[0])
    try:
        results = rebuild(datasets)
    except DataInvalid as invalid:
        for failure in invalid.failures:
            print(failure, file=sys.stderr)
        return 1
    for result in results:
        print(result.summary()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
