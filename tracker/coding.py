"""Vectorised work on columns of repeated values: each distinct value is handled once.

A 25-million-row panel holds a few hundred distinct countries and months; parsing or
checking them row by row would dominate every run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["codes_against", "per_value"]


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques)


def per_value(series: pd.Series, func: Callable, dtype=object) -> np.ndarray:
    """``func`` applied to every distinct value once, spread back over the rows.

    Missing values give ``func``'s result for None.
    """
    codes, uniques = _factorize(series)
    results = np.array([func(value) for value in uniques] + [func(None)], dtype=dtype)
    return results[codes]  # code -1 (missing) picks the last entry


def codes_against(series: pd.Series, uniques: pd.Index) -> np.ndarray:
    """Each row's position in ``uniques``, or -1 where its value is not there."""
    codes, own = _factorize(series)
    positions = np.append(uniques.get_indexer(own), -1)
    return positions[codes]
