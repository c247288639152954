"""The growth arithmetic, in one place: compound growth and its inverses.

Each function works on scalars and, element-wise, on numpy arrays and pandas Series, so
the gap engine applies them to every target at once and the what-if tools to one.
Rates are fractions (0.1 for 10%).
"""

from __future__ import annotations

import numpy as np

__all__ = ["annual_rate", "compound", "years_to_reach"]


def compound(value, rate, years):
    """``value`` grown at ``rate`` a year for ``years`` years."""
    return value * (1 + rate) ** years


def annual_rate(start, end, years):
    """The constant annual rate that takes ``start`` to ``end`` in ``years`` years.

    Historical growth is this over a window; required growth is this from the baseline to
    the target at the deadline.
    """
    return (end / start) ** (1 / years) - 1


def years_to_reach(value, target, rate):
    """Years at ``rate`` until ``value`` reaches ``target`` (meaningful for rate > 0)."""
    return np.log(target / value) / np.log1p(rate)
