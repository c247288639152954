"""Reading the dataset files: the I/O edge, bytes to frames, with every reading failure.

Each CSV is read as text (UTF-8, a byte-order mark and CRLF line endings accepted,
surrounding whitespace stripped) into a frame of strings indexed by line number; each
Parquet panel (``*.parquet``) is opened, to be read whole when it is checked
(:class:`~tracker.loading.observation_tables.PanelTable`). Validation checks those;
:mod:`tracker.loading.typing` types them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from tracker.core.failures import Failure
from tracker.loading.observation_tables import PanelTable
from tracker.validation.schemas import FILES, SCHEMAS

__all__ = [
    "PANEL_PATTERN",
    "open_panels",
    "parse_table",
    "read_datasets",
    "read_table",
    "with_optional_columns",
]

#: Tables that may hold a header and no rows: with every figure in US dollars there is
#: nothing to convert, and an empty rate table is then the honest state.
_MAY_BE_EMPTY = frozenset({"fx_rates"})
#: Byte-order marks of UTF-16 (little and big endian): a spreadsheet's "Unicode text".
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
#: Bytes looked at for a NUL, the sign of a binary (or UTF-16) file.
_SNIFF_BYTES = 4096
#: The longest cell a dataset file may hold: a note is a few sentences, not a document.
MAX_CELL_CHARS = 10_000
#: Characters of an offending cell shown in a failure.
_SHOWN_CHARS = 60
_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
#: Files in the datasets folder that hold imported panels of observations.
PANEL_PATTERN = "*.parquet"
_PANEL_SUFFIX = PANEL_PATTERN.removeprefix("*")


def _decode(file: str, data: bytes) -> tuple[str | None, list[Failure]]:
    if data.startswith(_UTF16_MARKS) or b"\x00" in data[:_SNIFF_BYTES]:
        rule = "is UTF-16 or binary, not a UTF-8 text file; save it as UTF-8 CSV"
        return None, [Failure(file, None, None, "", rule)]
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
    data, failures = read_inside(path)
    return (None, failures) if data is None else parse_table(path.name, data)


def read_inside(path: Path) -> tuple[bytes | None, list[Failure]]:
    """A file's bytes, read only when it lies inside its folder (no link out of it).

    Every reading problem (missing, a link outside, no permission, a folder in its place)
    is a failure naming the file; what a link points to is never read or printed.

    Examples
    --------
    >>> read_inside(Path("datasets/fx_rates.csv"))[0][:8]
    b'currency'
    >>> print(*read_inside(Path("datasets/none.csv"))[1])
    none.csv: file is missing (expected at datasets/none.csv)
    """
    path = Path(path)
    try:
        if _links_outside(path):
            rule = "is a link to a file outside the datasets folder; it is not read"
        elif not path.exists():
            rule = f"file is missing (expected at {path})"
        elif not path.is_file():
            rule = "is not a file"
        else:
            return path.read_bytes(), []
    except OSError as err:
        rule = f"cannot be read ({err.strerror or err})"
    return None, [Failure(path.name, None, None, "", rule)]


def _links_outside(path: Path) -> bool:
    """Whether a file is a link that leads out of its folder."""
    return path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve())


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
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) == len(header):
                    rows.append([cell.strip() for cell in record])
                    lines.append(line)
                    failures += _cell_failures(file, line, header, rows[-1])
                else:
                    rule = f"row has {len(record)} fields; the header has {len(header)}"
                    if any(_BREAKS.search(cell) for cell in record):
                        rule += (
                            f"; a quote left open here swallows lines {line + 1} to "
                            f"{reader.line_num}"
                        )
                    failures.append(Failure(file, line, None, ",".join(record)[:60], rule))
            line = reader.line_num + 1
    except csv.Error as err:  # a cell past the csv module's own limit (128 KiB)
        rule = f"cannot be read as CSV from here ({err}); a cell holds {MAX_CELL_CHARS:,} at most"
        failures.append(Failure(file, line, None, "", rule))
    if failures:
        return None, failures
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    return frame, []


def _cell_failures(file: str, line: int, header: list[str], cells: list[str]) -> list[Failure]:
    """Cells too long, or holding a line break or another control character."""
    failures = []
    for column, cell in zip(header, cells, strict=True):
        if len(cell) > MAX_CELL_CHARS:
            rule = f"cell has {len(cell):,} characters; at most {MAX_CELL_CHARS:,}"
            failures.append(Failure(file, line, column, cell[:_SHOWN_CHARS] + "…", rule))
        elif not cell.isprintable():
            rule = (
                "holds a line break or another control character; a cell is one line "
                "(a quote left open swallows the rows after it)"
                if _BREAKS.search(cell)
                else "holds a control character (escape, tab, bidirectional override)"
            )
            failures.append(Failure(file, line, column, cell[:_SHOWN_CHARS], rule))
    return failures


def with_optional_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every optional column its file left out, empty.

    Examples
    --------
    >>> frame = pd.DataFrame({"target_id": ["t1"]})
    >>> with_optional_columns("targets", frame).columns.tolist()
    ['target_id', 'multiple', 'base_year', 'relation', 'family', 'stage', 'scope',
     'fiscal_year_start_month']
    """
    absent = [
        column
        for column, spec in SCHEMAS[name].columns.items()
        if not spec.required and column not in frame
    ]
    return frame.assign(**dict.fromkeys(absent, "")) if absent else frame


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
        frames[name] = with_optional_columns(name, frame)
    return frames, failures


def open_panels(directory: Path) -> tuple[list[PanelTable], list[Failure]]:
    """Every Parquet panel in a folder, in file-name order, opened: only its footer (schema
    and row count) is read here; validation reads the whole file, a selection what it wants.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     pd.DataFrame({"reporter": ["KAZ", "PAK"]}).to_parquet(Path(folder) / "imf.parquet")
    ...     _ = (Path(folder) / "broken.parquet").write_bytes(b"not Parquet")
    ...     panels, failures = open_panels(folder)
    >>> panels, failures[0].file, failures[0].rule[:25]
    ([PanelTable('imf.parquet', 2 rows)], 'broken.parquet', 'cannot be read as Parquet')
    """
    panels, failures = [], []
    try:
        names = sorted(e.name for e in os.scandir(directory) if e.name.endswith(_PANEL_SUFFIX))
    except OSError as err:  # a folder that can be entered but not listed hides its panels
        rule = f"the datasets folder cannot be listed ({err.strerror or err}); panels unchecked"
        return [], [Failure(str(directory), None, None, "", rule)]
    for path in (Path(directory) / name for name in names):
        if _links_outside(path):
            rule = "is a link to a file outside the datasets folder; it is not read"
            failures.append(Failure(path.name, None, None, "", rule))
            continue
        try:
            rows = pq.read_metadata(path).num_rows
        except (OSError, pyarrow.ArrowException) as err:
            failures.append(
                Failure(path.name, None, None, "", f"cannot be read as Parquet ({err})")
            )
            continue
        panels.append(PanelTable(path.name, path, rows))
    return panels, failures
