"""Files of observations, and the rows a computation selects from them.

A computation asks each file of observations for the rows of the series it needs
(:meth:`PanelTable.select`, :meth:`ObservationTable.select`). A panel checked in this run
is already in memory and is filtered there. A panel recorded valid before
(:mod:`tracker.loading.cache`) is never read whole: DuckDB selects the wanted rows inside
the Parquet file. It reads the key columns, keeps the rows whose key is wanted (a
semi-join pushed into the scan), reads the other columns of those rows only, on every
core, and numbers each row as its line. pyarrow alone filters after decoding every column
of each row group a wanted key touches, which for goals spread over the world is all of
them, and does not number rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from tracker.core.coding import factorize
from tracker.core.failures import Failure
from tracker.core.vocabulary import SCOPE_DEFAULT, SERIES_KEY, scope_or_default

__all__ = ["LINE", "ObservationTable", "PanelTable", "matching_rows"]

#: The index of every table of observations: a CSV row's line, a panel row's number from 1.
LINE = "line"
#: DuckDB's name for a Parquet row's 0-based position, asked of ``read_parquet``.
_ROW_NUMBER = "file_row_number"


def _column_or_default(frame: pd.DataFrame, column: str) -> pd.Series:
    """A key column as read; a panel without a scope column is goods throughout (one
    category, so 25 million rows cost a byte each). An empty scope is goods too."""
    if column != "scope":
        return frame[column]
    if column not in frame:
        codes = np.zeros(len(frame), dtype=np.int8)
        return pd.Series(pd.Categorical.from_codes(codes, [SCOPE_DEFAULT]), index=frame.index)
    return scope_or_default(frame[column])


def matching_rows(frame: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Rows of ``frame`` whose key is one of ``keys``' rows, on the series key columns
    ``keys`` has (reporter, partner, flow, scope; a pair's rows with reporter and partner).

    Works in the frame's own codes (a categorical column is not copied): the wanted keys
    are translated into those codes, and each row looks its key up in one table.

    Examples
    --------
    >>> frame = pd.DataFrame({"reporter": ["KAZ", "KAZ", "TJK"], "partner": ["TJK", "UZB",
    ...     "KAZ"], "flow": "exports"})
    >>> keys = pd.DataFrame({"reporter": ["KAZ"], "partner": ["UZB"], "flow": ["exports"],
    ...     "scope": ["goods"]})
    >>> matching_rows(frame, keys).tolist(), matching_rows(frame, keys[["reporter"]]).tolist()
    ([False, True, False], [True, True, False])
    """
    sizes, row_codes, wanted_codes = [], [], []
    for column in _key_columns(keys):
        codes, uniques = factorize(_column_or_default(frame, column))
        sizes.append(len(uniques) + 1)
        row_codes.append(codes)
        wanted_codes.append(uniques.get_indexer(keys[column].astype(str)))
    dtype = np.int32 if np.prod(sizes, dtype=float) < np.iinfo(np.int32).max else np.int64
    row_key = np.zeros(len(frame), dtype=dtype)
    wanted = np.zeros(len(keys), dtype=np.int64)
    for size, codes, wanted_code in zip(sizes, row_codes, wanted_codes, strict=True):
        row_key *= size
        row_key += codes
        row_key += 1
        wanted = wanted * size + wanted_code + 1
    present = np.all(np.array(wanted_codes) >= 0, axis=0)
    table = np.zeros(int(np.prod(sizes)), dtype=bool)
    table[wanted[present]] = True
    return table[row_key]


def _key_columns(keys: pd.DataFrame) -> list[str]:
    """The series key columns a frame of wanted keys has, in key order."""
    return [column for column in SERIES_KEY if column in keys]


def _spans(frame: pd.DataFrame) -> list[str]:
    return [str(span) for span in frame["span"].unique()]


def _pair_rows(frame: pd.DataFrame) -> pd.DataFrame:
    counts = frame.groupby(["reporter", "partner"], observed=True).size()
    return counts.rename("rows").reset_index().astype({"reporter": str, "partner": str})


def _select(frame: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    return frame[matching_rows(frame, keys)]


def _from_sources(frame: pd.DataFrame, source_ids) -> pd.DataFrame:
    return frame[frame["source_id"].isin(list(source_ids)).to_numpy(dtype=bool)]


@dataclass(frozen=True, repr=False)
class ObservationTable:
    """One file of observations held in memory, as read and validated, not yet typed.

    ``frame`` keeps the file's columns (text for a CSV file) indexed by line.

    Examples
    --------
    >>> frame = pd.DataFrame({"reporter": ["KAZ"], "source_id": ["s"]})
    >>> table = ObservationTable("observations.csv", frame)
    >>> table, table.rows, len(table.from_sources(["t"]))
    (ObservationTable('observations.csv', 1 rows), 1, 0)
    """

    file: str
    frame: pd.DataFrame

    def __repr__(self) -> str:
        return f"ObservationTable({self.file!r}, {self.rows} rows)"

    @property
    def rows(self) -> int:
        """How many rows the file holds."""
        return len(self.frame)

    def select(self, keys: pd.DataFrame) -> pd.DataFrame:
        """The rows of the series ``keys`` names (reporter, partner, flow, scope)."""
        return _select(self.frame, keys)

    def from_sources(self, source_ids) -> pd.DataFrame:
        """The rows given by one of ``source_ids``."""
        return _from_sources(self.frame, source_ids)

    def spans(self) -> list[str]:
        """Every span as written in the file, each once."""
        return _spans(self.frame)

    def pair_rows(self) -> pd.DataFrame:
        """Rows per reporter and partner (columns ``reporter``, ``partner``, ``rows``)."""
        return _pair_rows(self.frame)


@dataclass(frozen=True, repr=False)
class PanelTable:
    """A Parquet panel: read whole (:attr:`frame`) only when it is checked; otherwise
    each selection is read from the file. The same methods as :class:`ObservationTable`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"reporter": ["KAZ", "PAK"], "partner": ["PAK", "KAZ"],
    ...     "flow": "total", "source_id": ["s", "t"]}).to_parquet(folder / "imf.parquet")
    >>> panel = PanelTable("imf.parquet", folder / "imf.parquet", rows=2)
    >>> keys = pd.DataFrame({"reporter": ["PAK"], "partner": ["KAZ"], "flow": ["total"],
    ...     "scope": ["goods"]})
    >>> panel.select(keys)[["reporter", "source_id"]]
         reporter source_id
    line
    2         PAK         t
    >>> panel, panel.is_read()
    (PanelTable('imf.parquet', 2 rows), False)
    """

    file: str
    path: Path
    rows: int

    def __repr__(self) -> str:
        return f"PanelTable({self.file!r}, {self.rows} rows)"

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The whole panel: typed columns, repeated values as categories (25 million rows
        stay compact), indexed by row number from 1. Read column by column, freeing Arrow
        memory as it goes, for a lower peak."""
        frame = pq.read_table(self.path).to_pandas(split_blocks=True, self_destruct=True)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name=LINE)
        return frame

    def is_read(self) -> bool:
        """Whether the whole panel is in memory."""
        return "frame" in self.__dict__

    def read(self) -> Failure | None:
        """Read the whole panel into memory; the failure when it cannot be read."""
        try:
            self.frame  # noqa: B018 - reading is the point
        except (OSError, pyarrow.ArrowException) as err:
            return Failure(self.file, None, None, "", f"cannot be read as Parquet ({err})")
        return None

    def select(self, keys: pd.DataFrame) -> pd.DataFrame:
        """The rows of the series ``keys`` names (reporter, partner, flow, scope)."""
        if self.is_read():
            return _select(self.frame, keys)
        columns = _key_columns(keys)
        wanted = keys[columns].astype(str).drop_duplicates()
        on = [f"p.{column} = w.{column}" for column in columns if column != "scope"]
        has_scope = "scope" in pq.read_schema(self.path).names
        if "scope" in columns and has_scope:
            # An empty scope is goods, as scope_or_default reads it.
            on.append("coalesce(nullif(CAST(p.scope AS VARCHAR), ''), $goods) = w.scope")
        elif "scope" in columns:  # a panel without the column is goods throughout
            wanted = wanted[wanted["scope"] == SCOPE_DEFAULT].drop(columns="scope")
        return self._query(f"SEMI JOIN wanted AS w ON {' AND '.join(on)}", wanted=wanted)

    def from_sources(self, source_ids) -> pd.DataFrame:
        """The rows given by one of ``source_ids``."""
        if self.is_read():
            return _from_sources(self.frame, source_ids)
        ids = pd.DataFrame({"source_id": pd.Series(list(source_ids), dtype=object)})
        return self._query("SEMI JOIN ids AS i ON p.source_id = i.source_id", ids=ids)

    def spans(self) -> list[str]:
        """Every span as written in the file, each once."""
        if self.is_read():
            return _spans(self.frame)
        sql = "SELECT DISTINCT CAST(span AS VARCHAR) AS span FROM read_parquet($path)"
        return self._sql(sql)["span"].tolist()

    def pair_rows(self) -> pd.DataFrame:
        """Rows per reporter and partner (columns ``reporter``, ``partner``, ``rows``)."""
        if self.is_read():
            return _pair_rows(self.frame)
        sql = (
            "SELECT CAST(reporter AS VARCHAR) AS reporter, CAST(partner AS VARCHAR) AS partner, "
            "count(*) AS rows FROM read_parquet($path) GROUP BY ALL"
        )
        return self._sql(sql)

    def _query(self, join: str, **frames: pd.DataFrame) -> pd.DataFrame:
        """The panel's rows a join with ``frames`` keeps, in file order, indexed by line."""
        sql = (
            f"SELECT p.* EXCLUDE ({_ROW_NUMBER}), p.{_ROW_NUMBER} + 1 AS {LINE} "
            f"FROM read_parquet($path, {_ROW_NUMBER} = true) AS p {join} ORDER BY {LINE}"
        )
        return self._sql(sql, **frames).set_index(LINE)

    def _sql(self, sql: str, **frames: pd.DataFrame) -> pd.DataFrame:
        """The answer to a query of the panel (``$path``) joined with ``frames``."""
        parameters = {"path": str(self.path)}
        if "$goods" in sql:
            parameters["goods"] = SCOPE_DEFAULT
        with duckdb.connect() as connection:
            for name, frame in frames.items():
                connection.register(name, frame)
            # Through Arrow: text arrives as Arrow strings, which pandas keeps as they are
            # (``df()`` builds a Python string per cell).
            return connection.sql(sql, params=parameters).to_arrow_table().to_pandas()
