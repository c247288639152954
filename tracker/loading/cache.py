"""A record of panels found valid, so that commands which only read (``status``, ``report``,
``audit``, ``whatif``) do not check an unchanged panel again. ``tracker validate`` always
checks in full.

A panel is recorded under a key: the SHA-256 of its bytes, of the files its row rules read
(``sources.csv`` for sources and publication days, ``fx_rates.csv`` for rates) and of the
code of the rules. Change any of them and the key changes, so the panel is checked again. A
record is an empty file named by its key, in a folder outside ``datasets/``:
``$TRACKER_CACHE_DIR``, else ``$XDG_CACHE_HOME/trade-target-tracker``, else
``~/.cache/trade-target-tracker``. A folder that cannot be written only turns the record
off: the panel is then checked every time, never trusted unchecked.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_folder", "is_known_valid", "panel_key", "record_valid"]

#: The environment variable naming the folder of records.
CACHE_ENV = "TRACKER_CACHE_DIR"
_APP = "trade-target-tracker"
#: The files beside a panel whose content its row rules read.
_RULE_INPUTS = ("sources.csv", "fx_rates.csv")
#: The packages holding the rules a panel is checked against.
_RULE_CODE = ("core", "validation")
_CHUNK_BYTES = 1 << 20


def cache_folder() -> Path:
    """Where the records are kept (see the module's description).

    Examples
    --------
    >>> import tempfile
    >>> os.environ[CACHE_ENV] = tempfile.mkdtemp()  # a folder of this session's own
    >>> cache_folder() == Path(os.environ[CACHE_ENV])
    True
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / _APP


def _digest(path: Path, into) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            into.update(chunk)


@cache
def _rules_digest() -> str:
    """The SHA-256 of the code of the rules, read once per process."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in _RULE_CODE:
        for source in sorted((package / folder).glob("*.py")):
            digest.update(source.name.encode())
            _digest(source, digest)
    return digest.hexdigest()


def panel_key(panel: Path) -> str:
    """The key a panel's check is recorded under: its bytes, the files its rules read
    beside it, and the rules' code.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.parquet").write_bytes(b"one")
    >>> first = panel_key(folder / "p.parquet")
    >>> _ = (folder / "sources.csv").write_text("source_id\\n")
    >>> first != panel_key(folder / "p.parquet") and len(first) == 64
    True
    """
    digest = hashlib.sha256(_rules_digest().encode())
    for path in (panel, *(panel.parent / name for name in _RULE_INPUTS)):
        digest.update(path.name.encode())
        if path.is_file():
            _digest(path, digest)
    return digest.hexdigest()


def is_known_valid(key: str) -> bool:
    """Whether a panel with this key was checked in full and found valid.

    Examples
    --------
    >>> is_known_valid("0" * 64)
    False
    """
    return (cache_folder() / key).is_file()


def record_valid(key: str) -> None:
    """Record a panel checked in full and found valid (written whole, by rename).

    Examples
    --------
    >>> import tempfile
    >>> os.environ[CACHE_ENV] = tempfile.mkdtemp()
    >>> record_valid("f" * 64)
    >>> is_known_valid("f" * 64)
    True
    """
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".new-")
        os.close(handle)
        os.replace(name, folder / key)
    except OSError:  # no record: the next run checks the panel again
        return
