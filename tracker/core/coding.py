"""Vectorised work on columns of repeated values: each distinct value is handled once.

A 25-million-row panel holds a few hundred distinct countries and months; parsing or
checking them row by row would dominate every run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["factorize", "failing", "kept", "key_codes", "map_values", "per_distinct"]


def factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values; a categorical column's own codes, without copying text.

    Examples
    --------
    >>> codes, values = factorize(pd.Series(["KAZ", "TJK", "KAZ"]))
    >>> codes.tolist(), values.tolist()
    ([0, 1, 0], ['KAZ', 'TJK'])
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques)


def failing(series: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """Rows whose value fails ``test`` (missing values fail), deciding per distinct value.

    When every distinct value passes, no row is looked at again: the common case of a
    valid panel costs one test per distinct value.

    Examples
    --------
    >>> failing(pd.Series(["KAZ", "kaz", None, "KAZ"]), str.isupper).tolist()
    [False, True, True, False]
    """
    codes, uniques = factorize(series)
    bad = [code for code, value in enumerate(uniques) if not test(value)]
    missing = codes.min(initial=0) < 0
    if not bad and not missing:
        return np.zeros(len(codes), dtype=bool)
    return np.isin(codes, [*bad, -1] if missing else bad)


def map_values(series: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``func`` applied once per distinct value; the result is categorical.

    Two values may map to the same result (``KZ`` and ``KAZ`` both to ``KAZ``); a result
    of None is a missing value.

    Examples
    --------
    >>> codes = map_values(pd.Series(["KZ", "KAZ", "XX"]), {"KZ": "KAZ", "KAZ": "KAZ"}.get)
    >>> codes.tolist(), codes.cat.categories.tolist()
    (['KAZ', 'KAZ', nan], ['KAZ'])
    """
    codes, uniques = factorize(series)
    results = [func(value) for value in uniques]
    # A None result is a missing value, not a category.
    mapped = pd.Index(pd.unique(pd.Series([r for r in results if r is not None], dtype=object)))
    positions = np.append(mapped.get_indexer(results), -1)
    return pd.Series(pd.Categorical.from_codes(positions[codes], mapped), index=series.index)


def key_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of ``columns`` (mixed radix over codes).

    Examples
    --------
    >>> frame = pd.DataFrame({"reporter": ["KAZ", "KAZ", "KAZ"], "span": ["2023", "2024", "2023"]})
    >>> key_codes(frame, ["reporter", "span"]).tolist()  # rows 1 and 3 share a key
    [4, 5, 4]
    """
    key = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = factorize(frame[column])
        key *= len(uniques) + 1
        key += codes
        key += 1
    return key


def per_distinct(cells: pd.Series, func) -> pd.Series:
    """``func`` (a Series to a Series of the same length) computed once per distinct cell,
    a missing cell included, and spread back to every row: a panel's million rows hold a
    few distinct sources, currencies and scales.

    Examples
    --------
    >>> per_distinct(pd.Series(["a", None, "a"]), lambda s: s.fillna("-").str.upper()).tolist()
    ['A', '-', 'A']
    >>> per_distinct(pd.Series(["b", "a"], index=[10, 11]), lambda s: s.str.upper()).to_dict()
    {10: 'B', 11: 'A'}
    """
    codes, uniques = factorize(cells)
    # A missing cell's code, -1, takes from the end: the result for a missing value, last.
    results = func(pd.Series([*uniques, None], dtype=object))
    return pd.Series(results.array.take(codes), index=cells.index)


def kept(frame: pd.DataFrame, keep) -> pd.DataFrame:
    """The rows where ``keep`` (aligned with them) is true; the frame itself when every row
    is kept, so a clean file of millions of rows is not copied at each filter.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> kept(frame, [True, True]) is frame, kept(frame, [True, False])["a"].tolist()
    (True, [1])
    """
    keep = np.asarray(keep, dtype=bool)
    return frame if keep.all() else frame[keep]
