"""Writing: one writer at a time, and every file of a change committed together.

A writer takes the folder's lock (``filelock``), writes each new file under a temporary
name, records the renames in a journal, then renames. A run killed before the journal is
written leaves the old state and stray temporaries; one killed after it leaves a journal
that the next writer finishes (:func:`recover`). Readers see the old state or the new one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from tracker.core.failures import DataInvalid, Failure

__all__ = ["JOURNAL", "LOCK", "append_rows", "commit", "recover", "writer_lock"]

#: The lock file every writer of a folder holds.
LOCK = ".tracker.lock"
#: The renames of a commit under way; present only between the first and last rename.
JOURNAL = ".tracker-commit.json"
#: Temporary files of a commit: a dot, the final name, this mark, a random part.
_TEMPORARY = ".tmp-"
#: How long a writer waits for another to finish before it refuses.
LOCK_WAIT_SECONDS = 120


@contextmanager
def writer_lock(folder: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold ``folder``'s writer lock, finishing any interrupted commit first.

    Raises
    ------
    DataInvalid
        When another writer holds the lock past ``wait_seconds``, or the folder cannot be
        locked (read-only, missing).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, writer_lock(Path(folder)):
    ...     (Path(folder) / LOCK).exists()
    True
    """
    folder = Path(folder)
    lock = FileLock(folder / LOCK, timeout=wait_seconds)
    try:
        lock.acquire()
    except Timeout:
        rule = f"another tracker command is writing here; still busy after {wait_seconds:g} s"
        raise DataInvalid([Failure(str(folder / LOCK), None, None, "", rule)]) from None
    except OSError as err:
        rule = f"cannot take the writer lock ({err.strerror or err}); is the folder writable?"
        raise DataInvalid([Failure(str(folder), None, None, "", rule)]) from None
    try:
        recover(folder)
        yield
    finally:
        lock.release()


def _write_new(path: Path, data: bytes, like: Path) -> None:
    with open(path, "xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    if like.exists():  # keep the file's permissions (a read-only file stays read-only)
        os.chmod(path, like.stat().st_mode & 0o7777)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def commit(folder: Path, files: Mapping[str, bytes | None]) -> None:
    """Replace the named files of ``folder`` with new contents, all or none; a content of
    None removes the file.

    Call it holding :func:`writer_lock`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, writer_lock(Path(folder)):
    ...     commit(Path(folder), {"a.csv": b"x\\n", "b.parquet": b"y"})
    ...     commit(Path(folder), {"a.csv": b"z\\n", "b.parquet": None})
    ...     sorted(p.name for p in Path(folder).iterdir() if not p.name.startswith("."))
    ['a.csv']
    """
    folder = Path(folder)
    renames = []
    try:
        for name, data in files.items():
            if data is None:  # removed when the journal is played
                renames.append((None, name))
                continue
            temporary = folder / f".{name}{_TEMPORARY}{uuid.uuid4().hex}"
            _write_new(temporary, data, folder / name)
            renames.append((temporary.name, name))
        journal_temporary = folder / f"{JOURNAL}{_TEMPORARY}{uuid.uuid4().hex}"
        _write_new(journal_temporary, json.dumps(renames).encode(), folder / JOURNAL)
        os.replace(journal_temporary, folder / JOURNAL)  # from here the change is decided
    except BaseException:
        for temporary, _ in renames:
            if temporary is not None:
                (folder / temporary).unlink(missing_ok=True)
        raise
    _finish(folder)


def _finish(folder: Path) -> None:
    journal = folder / JOURNAL
    for temporary, name in json.loads(journal.read_text(encoding="utf-8")):
        if temporary is None:
            (folder / name).unlink(missing_ok=True)
        elif (folder / temporary).exists():
            os.replace(folder / temporary, folder / name)
    _sync_folder(folder)
    journal.unlink()


def recover(folder: Path) -> list[str]:
    """Finish a commit a killed writer decided on, and remove stray temporaries.

    Returns the names removed or completed. Call it holding :func:`writer_lock`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / ".a.csv.tmp-dead").write_bytes(b"half")
    ...     recover(Path(folder))
    ['.a.csv.tmp-dead']
    """
    folder = Path(folder)
    done = []
    if (folder / JOURNAL).exists():
        done.append(JOURNAL)
        _finish(folder)
    for stray in sorted(folder.glob(f".*{_TEMPORARY}*")):
        stray.unlink()
        done.append(stray.name)
    return done


def append_rows(original: bytes, rows: list[list[str]]) -> bytes:
    """A CSV file's bytes with rows added, every existing byte kept as it was.

    The rows take the file's line ending; a cell holding a line break, a quote or a comma
    is quoted.

    Examples
    --------
    >>> append_rows(b"\\xef\\xbb\\xbfa,b\\r\\n1,2", [["x\\ry", "3"], ["4", "5"]])
    b'\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n"x\\ry",3\\r\\n4,5\\r\\n'
    """
    ending = "\r\n" if b"\r\n" in original else "\n"
    buffer = io.StringIO()
    # With CRLF as the writer's terminator, any cell holding a CR or an LF is quoted.
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = []
    for cells in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        lines.append(buffer.getvalue().removesuffix("\r\n") + ending)
    separator = b"" if not original or original.endswith((b"\n", b"\r")) else ending.encode()
    return original + separator + "".join(lines).encode("utf-8")
