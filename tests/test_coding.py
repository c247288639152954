"""Computing once per distinct cell: the results land on every row, in its place."""

from __future__ import annotations

import pandas as pd

from tracker.core.coding import per_distinct


def test_each_row_gets_its_cells_result_under_its_own_label():
    cells = pd.Series(["b", None, "a", "b"], index=[10, 11, 12, 13])
    calls = []

    def upper(distinct: pd.Series) -> pd.Series:
        calls.append(distinct.tolist())
        return distinct.fillna("missing").str.upper()

    result = per_distinct(cells, upper)
    assert result.to_dict() == {10: "B", 11: "MISSING", 12: "A", 13: "B"}
    assert calls == [["b", "a", None]]  # once: each distinct cell, then a missing one
