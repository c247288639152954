"""Reading the dataset files: the I/O edge, bytes to frames, with every reading failure.

Each CSV is read as text (UTF-8, a byte-order mark and CRLF line endings accepted,
surrounding whitespace stripped) into a frame of strings indexed by line number; each
Parquet panel (``*.parquet``) as typed columns (repeated values as categories) indexed by
row number from 1. Validation checks those; :mod:`tracker.loading.typing` types them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from tracker.core.failures import Failure
from tracker.validation.schemas import FILES

__all__ = [
    "PANEL_PATTERN",
    "ObservationTable",
    "parse_table",
    "read_datasets",
    "read_panel_frames",
    "read_table",
]

#: Tables that may hold a header and no rows: with every figure in US dollars there is
#: nothing to convert, and an empty rate table is then the honest state.
_MAY_BE_EMPTY = frozenset({"fx_rates"})
#: Files in the datasets folder that hold imported panels of observations.
PANEL_PATTERN = "*.parquet"


@dataclass(frozen=True, repr=False)
class ObservationTable:
    """One file of observations as read and validated, not yet typed.

    ``frame`` keeps the file's columns (text for a CSV file; for a panel, typed columns
    with repeated values as categories, so 25 million rows stay compact) and is indexed
    by line (CSV) or row number from 1 (panel).

    Examples
    --------
    >>> frame, _ = parse_table("observations.csv", b"reporter,partner\\nKAZ,TJK\\n")
    >>> ObservationTable("observations.csv", frame)
    ObservationTable('observations.csv', 1 rows)
    """

    file: str
    frame: pd.DataFrame

    def __repr__(self) -> str:
        return f"ObservationTable({self.file!r}, {len(self.frame)} rows)"


def _decode(file: str, data: bytes) -> tuple[str | None, list[Failure]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        # Field index by commas before the bad byte; good enough to point at a column.
        field = data[line_start : err.start].count(b",")
        header = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
        column = header[field].strip() if field < len(header) else None
        byte = data[err.start : err.start + 1].hex().upper()
        rule = f"byte 0x{byte} is not UTF-8; save the file as UTF-8"
        return None, [Failure(file, line, column, f"0x{byte}", rule)]


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Read one dataset CSV as strings, indexed by the line each row starts on.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    tuple
        The frame (None when the file cannot be read as a table) and the failures met
        while reading: missing or empty file, wrong encoding, wrong delimiter, rows with
        the wrong number of fields, repeated header names.

    Examples
    --------
    >>> frame, failures = read_table(Path("datasets/fx_rates.csv"))
    >>> frame.columns.tolist()[:3], failures
    (['currency', 'year', 'units_per_usd'], [])
    >>> print(*read_table(Path("datasets/no_such.csv"))[1])
    no_such.csv: file is missing (expected at datasets/no_such.csv)
    """
    if not path.is_file():
        return None, [Failure(path.name, None, None, "", f"file is missing (expected at {path})")]
    return parse_table(path.name, path.read_bytes())


def parse_table(file: str, data: bytes) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Parse one dataset file's bytes; see :func:`read_table`.

    Parameters
    ----------
    file : str
        The file name failures report.
    data : bytes
        The file's content.

    Examples
    --------
    >>> frame, failures = parse_table("x.csv", b"a,b\\n1,2\\n")
    >>> frame
          a  b
    line
    2     1  2
    >>> print(*parse_table("x.csv", b"a;b\\n1;2\\n")[1])
    x.csv:1: fields are separated by ';'; expected ','
    """
    text, failures = _decode(file, data)
    if text is None:
        return None, failures
    if not text.strip():
        return None, [Failure(file, None, None, "", "file is empty; expected a header row")]

    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader)]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "';'" if ";" in header[0] else "a tab"
        rule = f"fields are separated by {separator}; expected ','"
        return None, [Failure(file, 1, None, header[0][:60], rule)]
    seen = set()
    for name in header:
        if name in seen:
            failures.append(Failure(file, 1, name, name, "column name appears twice"))
        seen.add(name)

    rows, lines = [], []
    line = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            if len(record) == len(header):
                rows.append([cell.strip() for cell in record])
                lines.append(line)
            else:
                rule = f"row has {len(record)} fields; the header has {len(header)}"
                failures.append(Failure(file, line, None, ",".join(record)[:60], rule))
        line = reader.line_num + 1
    if failures:
        return None, failures
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    return frame, []


def read_datasets(directory: Path) -> tuple[dict[str, pd.DataFrame], list[Failure]]:
    """Read every dataset file as strings, collecting reading failures.

    Returns
    -------
    tuple
        Frames by table name (tables that could not be read are absent) and failures.

    Examples
    --------
    >>> frames, failures = read_datasets(Path("datasets"))
    >>> sorted(frames), failures
    (['fx_rates', 'observations', 'sources', 'targets'], [])
    """
    frames, failures = {}, []
    for name, file in FILES.items():
        frame, problems = read_table(Path(directory) / file)
        failures += problems
        if frame is None:
            continue
        if frame.empty and name not in _MAY_BE_EMPTY:
            failures.append(Failure(file, None, None, "", "has a header but no rows"))
        frames[name] = frame
    return frames, failures


def read_panel_frames(directory: Path) -> tuple[list[ObservationTable], list[Failure]]:
    """Read every Parquet panel in a folder, in file-name order; validation comes after.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     pd.DataFrame({"reporter": ["KAZ", "PAK"]}).to_parquet(Path(folder) / "imf.parquet")
    ...     read_panel_frames(folder)
    ([ObservationTable('imf.parquet', 2 rows)], [])
    """
    panels, failures = [], []
    for path in sorted(Path(directory).glob(PANEL_PATTERN)):
        try:
            # Column by column, freeing Arrow memory as it goes: a lower peak.
            frame = pq.read_table(path).to_pandas(split_blocks=True, self_destruct=True)
        except (OSError, pyarrow.ArrowException) as err:
            failures.append(
                Failure(path.name, None, None, "", f"cannot be read as Parquet ({err})")
            )
            continue
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
        panels.append(ObservationTable(path.name, frame))
    return panels, failures
