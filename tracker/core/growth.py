"""The growth arithmetic, in one place: compound growth, its inverses, and "met".

Each function works on scalars and, element-wise, on numpy arrays and pandas Series, so
the gap engine applies them to every target at once and the what-if tools to one.
Rates are fractions (0.1 for 10%).
"""

from __future__ import annotations

import numpy as np

__all__ = ["annual_rate", "change", "compound", "compound_path", "is_met", "years_to_reach"]


def compound(value, rate, years):
    """``value`` grown at ``rate`` a year for ``years`` years.

    Examples
    --------
    >>> round(compound(1200.0, 0.1, 2), 6)
    1452.0
    """
    return value * (1 + rate) ** years


def compound_path(value, rates, axis: int = -1):
    """``value`` carried through a sequence of yearly rates: one value per rate.

    Examples
    --------
    >>> compound_path(100.0, np.array([0.1, -0.5])).round(6).tolist()
    [110.0, 55.0]
    """
    return value * np.cumprod(1 + np.asarray(rates, dtype=float), axis=axis)


def annual_rate(start, end, years):
    """The constant annual rate that takes ``start`` to ``end`` in ``years`` years.

    Historical growth is this over a window; required growth is this from the baseline to
    the target at the deadline.

    Examples
    --------
    >>> round(annual_rate(1200.0, 2000.0, 3), 6)  # (2000/1200)**(1/3) - 1
    0.185631
    """
    return (end / start) ** (1 / years) - 1


def change(start, end):
    """The relative change from ``start`` to ``end`` (one period's growth).

    Examples
    --------
    >>> round(change(52.5, 53.7), 6)
    0.022857
    """
    return end / start - 1


def years_to_reach(value, target, rate):
    """Years at ``rate`` until ``value`` reaches ``target`` (meaningful for rate > 0).

    Examples
    --------
    >>> round(float(years_to_reach(1000.0, 2000.0, 0.1)), 4)
    7.2725
    """
    return np.log(target / value) / np.log1p(rate)


def is_met(value, target):
    """Whether a value reaches the target: reaching it exactly counts as met.

    Examples
    --------
    >>> is_met(2000.0, 2000.0), is_met(1999.9, 2000.0)
    (True, False)
    """
    return value >= target
