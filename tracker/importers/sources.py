"""Where an imported file came from: its checksum and its row in ``sources.csv``."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from tracker.core.text import printable

__all__ = ["DATABASE_EXTRACT", "file_digest", "source_record"]

#: The source kind of a database download (IMF, UN Comtrade, World Bank).
DATABASE_EXTRACT = "database_extract"
#: Bytes read at a time when computing a checksum.
_BLOCK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as empty:
    ...     file_digest(Path(empty.name))
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def source_record(
    kind: str,
    path: Path,
    digest: str,
    publisher: str,
    title: str,
    released: date | str,
    address: str = "",
    source_kind: str = DATABASE_EXTRACT,
    note: str = "",
) -> dict:
    """The sources.csv row of an imported file; its id follows from the file's content.

    ``released`` is a day, or a text of day, month or year precision (``2024``) when only
    that much is known; ``note`` says how it was established.

    Examples
    --------
    >>> record = source_record("imf", Path("x.csv"), "0" * 64, "IMF", "IMTS", date(2025, 5, 1))
    >>> record["source_id"], record["title"], record["published_date"], record["kind"]
    ('imf-000000000000', 'IMTS (x.csv)', '2025-05-01', 'database_extract')
    >>> source_record("bns", Path("b.xls"), "1" * 64, "BNS", "T", "2024", note="year only")["note"]
    'imported with `tracker import bns`; year only'
    """
    imported = f"imported with `tracker import {kind}`"
    return {
        "source_id": f"{kind}-{digest[:12]}",
        "title": f"{title} ({printable(path.name)})",
        "publisher": publisher,
        "published_date": released if isinstance(released, str) else released.isoformat(),
        "address": address,
        "kind": source_kind,
        "seed_file": "",
        "sha256": digest,
        "note": f"{imported}; {note}" if note else imported,
        "file": path.name,
    }
