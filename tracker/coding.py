"""Vectorised work on columns of repeated values: each distinct value is handled once.

A 25-million-row panel holds a few hundred distinct countries and months; parsing or
checking them row by row would dominate every run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["factorize", "failing"]


def factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values; a categorical column's own codes, without copying text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques)


def failing(series: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """Rows whose value fails ``test`` (missing values fail), deciding per distinct value.

    When every distinct value passes, no row is looked at again: the common case of a
    valid panel costs one test per distinct value.
    """
    codes, uniques = factorize(series)
    bad = [code for code, value in enumerate(uniques) if not test(value)]
    missing = codes.min(initial=0) < 0
    if not bad and not missing:
        return np.zeros(len(codes), dtype=bool)
    return np.isin(codes, [*bad, -1] if missing else bad)
