"""An importer's panel on disk: the columns it writes, how it is read and written.

:func:`tracker.importers.common.merge_import` reads the panel, merges a file's rows into
it and writes it back through these functions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["PANEL_COLUMNS", "panel_bytes", "read_panel"]

#: Panel columns an importer writes, in this order.
PANEL_COLUMNS = [
    "reporter",
    "partner",
    "flow",
    "span",
    "value",
    "currency",
    "scale",
    "source_id",
    "note",
]


def _dictionary(cells: pd.Series) -> pa.DictionaryArray:
    """Categories as Arrow encodes text: a dictionary of the values present, in order of
    first appearance, so a panel has the same bytes however its columns arrived."""
    codes, uniques = pd.factorize(cells)
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(uniques.astype(object), pa.string()))


def panel_bytes(frame: pd.DataFrame) -> bytes:
    """A panel as Parquet bytes: :data:`PANEL_COLUMNS`, repeated text as dictionaries of
    the values present in order of first appearance, so the same rows give the same bytes
    whether a column arrived as text or as categories.

    Examples
    --------
    >>> row = {column: "x" for column in PANEL_COLUMNS} | {"value": 1.0}
    >>> frame = pd.DataFrame([row, row | {"reporter": "y"}])
    >>> written = panel_bytes(frame)
    >>> written[:4], panel_bytes(frame.astype({"reporter": "category"})) == written
    (b'PAR1', True)
    """
    table = pa.Table.from_pandas(frame[PANEL_COLUMNS], preserve_index=False)
    for index, column in enumerate(PANEL_COLUMNS):
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            table = table.set_column(index, column, _dictionary(frame[column]))
    # Repeated text as dictionaries: a panel stays compact on disk and in memory.
    text = pa.dictionary(pa.int32(), pa.string())
    is_text = (pa.string(), pa.large_string())
    fields = [
        pa.field(f.name, text if f.type in is_text or pa.types.is_dictionary(f.type) else f.type)
        for f in table.schema
    ]
    sink = pa.BufferOutputStream()
    pq.write_table(table.cast(pa.schema(fields)), sink)
    return sink.getvalue().to_pybytes()


def read_panel(path: Path) -> pd.DataFrame:
    """The panel as written (no rows when there is none yet): repeated text stays
    categorical, so 25 million rows stay compact and are compared by their codes; read
    column by column for a lower peak.

    Examples
    --------
    >>> read_panel(Path("datasets/kaz_bns.parquet"))["reporter"].dtype.name
    'category'
    >>> read_panel(Path("no-such.parquet")).columns.tolist() == PANEL_COLUMNS
    True
    """
    if not path.exists():
        return pd.DataFrame(columns=PANEL_COLUMNS)
    frame = pq.read_table(path).to_pandas(split_blocks=True, self_destruct=True)
    pa.default_memory_pool().release_unused()  # Arrow's copy, freed, goes back to the system
    return frame
