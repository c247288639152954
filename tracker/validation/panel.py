"""A large imported panel of observations (Parquet beside the CSVs): its schema.

The panel holds the observation columns, typed, and is checked column by column, each
distinct value once, with the per-cell cases of :mod:`tracker.validation.cells`; its row
rules are those of every observation table (:mod:`tracker.validation.observations`). The
figure as written is not required; rows are numbered from 1 in failures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from tracker.core.coding import failing
from tracker.validation import cells

__all__ = ["OPTIONAL_COLUMNS", "observation_panel"]

#: Columns a panel may leave out, with the value a CSV row has when they are empty.
OPTIONAL_COLUMNS = {
    "figure_as_written": "",
    "qualifier": "",
    "growth_pct": "",
    "growth_as_written": "",
    "growth_base_span": "",
    "growth_qualifier": "",
    "note": "",
    "scope": "",
}
#: Optional columns that hold a qualifier ("about", "nearly", ...).
_QUALIFIERS = ("qualifier", "growth_qualifier")


def _each_value(case: cells.CellRule) -> pa.Check:
    """A vectorised check that tests each distinct value once (see tracker.core.coding)."""
    test = case.test
    return pa.Check(
        lambda s: pd.Series(~failing(s, lambda v: bool(test(v))), index=s.index), error=case.rule
    )


def _finite_positive(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(np.isfinite(values) & (values > 0), index=series.index)


observation_panel = pa.DataFrameSchema(
    {
        "reporter": pa.Column(None, _each_value(cells.COUNTRY)),
        "partner": pa.Column(None, _each_value(cells.COUNTRY)),
        "flow": pa.Column(None, _each_value(cells.FLOW)),
        "span": pa.Column(None, _each_value(cells.SPAN)),
        "value": pa.Column(float, pa.Check(_finite_positive, error=cells.POSITIVE.rule)),
        "currency": pa.Column(None, _each_value(cells.CURRENCY)),
        "scale": pa.Column(None, _each_value(cells.SCALE)),
        "source_id": pa.Column(None, _each_value(cells.IDENTIFIER)),
        **{name: pa.Column(None, required=False, nullable=True) for name in OPTIONAL_COLUMNS},
        # Qualifiers come from a closed list, in a panel as in a CSV file.
        **{
            name: pa.Column(None, _each_value(cells.QUALIFIER), required=False, nullable=True)
            for name in _QUALIFIERS
        },
        "scope": pa.Column(None, _each_value(cells.SCOPE), required=False, nullable=True),
    },
    name="observation_panel",
    strict=True,
)
