"""A record of files found valid, so that commands which only read (``status``, ``report``,
``audit``, ``whatif``) do not check unchanged files again. ``tracker validate`` always
checks in full.

A check is recorded under a key: the SHA-256 of the bytes of the files it read (the four
CSV files; or a panel with the CSV files its row rules read), of the code that reads and
checks them and of the versions of the libraries it uses. Change any of them and the key changes, so
the files are checked again. A record is an empty file named by its key, in a folder
outside ``datasets/``:
``$TRACKER_CACHE_DIR``, else ``$XDG_CACHE_HOME/trade-target-tracker``, else
``~/.cache/trade-target-tracker``. A folder that cannot be written only turns the record
off: the files are then checked every time, never trusted unchecked.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_folder", "files_key", "is_known_valid", "record_valid"]

#: The environment variable naming the folder of records.
CACHE_ENV = "TRACKER_CACHE_DIR"
_APP = "trade-target-tracker"
#: The packages holding the rules files are checked against, and the code that reads the
#: files for them and decides what is checked.
_RULE_CODE = ("core", "validation", "loading")
#: The libraries that read the files and check them: cells as parsed, cell checks, the
#: countries known.
_RULE_LIBRARIES = ("pandas", "pyarrow", "pandera", "pycountry")
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
    """The SHA-256 of the rules' code and of their libraries' versions, once per process."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for library in _RULE_LIBRARIES:
        digest.update(f"{library}=={version(library)}\0".encode())
    for folder in _RULE_CODE:
        for source in sorted((package / folder).glob("*.py")):
            digest.update(source.name.encode())
            _digest(source, digest)
    return digest.hexdigest()


def files_key(paths: Iterable[Path]) -> str:
    """The key a check of these files is recorded under: their names and bytes (a missing
    file counts as missing), and the rules' code.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.parquet").write_bytes(b"one")
    >>> first = files_key([folder / "p.parquet", folder / "sources.csv"])
    >>> _ = (folder / "sources.csv").write_text("source_id\\n")
    >>> first != files_key([folder / "p.parquet", folder / "sources.csv"]) and len(first) == 64
    True
    """
    digest = hashlib.sha256(_rules_digest().encode())
    for path in paths:
        # Name and size first: where one file ends and the next begins is part of the key.
        size = path.stat().st_size if path.is_file() else -1
        digest.update(f"\0{path.name}\0{size}\0".encode())
        if size >= 0:
            _digest(path, digest)
    return digest.hexdigest()


def is_known_valid(key: str) -> bool:
    """Whether files with this key were checked in full and found valid.

    Examples
    --------
    >>> is_known_valid("0" * 64)
    False
    """
    return (cache_folder() / key).is_file()


def record_valid(key: str) -> None:
    """Record files checked in full and found valid (written whole, by rename).

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
    except OSError:  # no record: the next run checks the files again
        return
