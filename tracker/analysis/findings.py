"""What every audit finding shares: its columns, how it cites rows and shows numbers.

A finding has the columns :data:`FINDING_COLUMNS`, cites its rows as ``file:line``
(:func:`cite`) and prints every number with its unit (:func:`shown`). The checks are in
:mod:`tracker.analysis.audit` and :mod:`tracker.analysis.audit_checks`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.figures import value_range
from tracker.core.units import MN_PER_BN
from tracker.core.vocabulary import SERIES_KEY

__all__ = [
    "BOUNDED",
    "FINDING_COLUMNS",
    "cite",
    "finding",
    "first_of_pair",
    "records",
    "shown",
    "shown_range",
    "with_bounds",
]

FINDING_COLUMNS = [
    "check",
    "severity",
    "reporter",
    "partner",
    "flow",
    "span",
    "rows",
    "source_ids",
    "message",
]
#: Significant digits of a dollar value in a finding: every digit a release prints
#: (its 877.223 against the news' 877.6 is the finding), and no floating-point noise.
_DIGITS = 6
#: Decimals of a growth rate or a difference of rates in a finding.
_RATE_DECIMALS = 2
#: Columns naming the figure a finding is about.
_FIGURE = [*SERIES_KEY, "span"]


def shown(value: float, unit: str = "usd") -> str:
    """A number with its unit, as every finding prints it.

    ``usd``: US dollar millions as ``$26.1 bn`` or ``$900 m`` (six significant digits);
    ``pct``: a growth rate, signed, as ``+58%``; ``pp``: a difference of rates in points.

    Examples
    --------
    >>> shown(26100.0), shown(900.0), shown(877.223), shown(999.9999999)
    ('$26.1 bn', '$900 m', '$877.223 m', '$1 bn')
    >>> shown(57.5, "pct"), shown(-28.6349, "pct"), shown(24.5, "pp")
    ('+57.5%', '-28.63%', '24.5 pp')
    """
    if unit == "usd":
        value = float(f"{value:.{_DIGITS}g}")  # rounded first: 999.9999999 is $1 bn
        if abs(value) >= MN_PER_BN:
            return f"${value / MN_PER_BN:.{_DIGITS}g} bn"
        return f"${value:.{_DIGITS}g} m"
    sign = "+" if unit == "pct" else ""
    text = f"{value:{sign}.{_RATE_DECIMALS}f}".rstrip("0").rstrip(".")
    return f"{text}%" if unit == "pct" else f"{text} pp"


def shown_range(low: float, high: float, unit: str = "usd") -> str:
    """A range with its unit; an open end (a bound such as "over") is said in words, and
    a range too narrow to show (a release's figure, exact but for float error) is one value.

    Examples
    --------
    >>> shown_range(71.25, 78.75), shown_range(990.0, float("inf"))
    ('$71.25 m to $78.75 m', '$990 m or more')
    >>> shown_range(float("-inf"), -14.5, "pct"), shown_range(1317.88, 1317.8800001)
    ('-14.5% or less', '$1.31788 bn')
    """
    if np.isposinf(high):
        return f"{shown(low, unit)} or more"
    if np.isneginf(low):
        return f"{shown(high, unit)} or less"
    low, high = shown(low, unit), shown(high, unit)
    return low if low == high else f"{low} to {high}"


#: The columns :func:`with_bounds` reads.
BOUNDED = ["value_usd_mn", "half_width_usd_mn", "qualifier"]


def with_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with ``low`` and ``high``: the range each figure as written allows.

    Examples
    --------
    >>> rows = pd.DataFrame({"value_usd_mn": [75.0, 893.0], "half_width_usd_mn": [0.5, 0.5],
    ...     "qualifier": ["about", "nearly"]})
    >>> with_bounds(rows)[["low", "high"]].round(2).to_dict("records")
    [{'low': 71.25, 'high': 78.75}, {'low': 848.35, 'high': 893.0}]
    """
    low, high = value_range(*(frame[column] for column in BOUNDED))
    return frame.assign(low=low, high=high)


def cite(*places) -> str:
    """``file:line`` of each (file, line) pair, in order, each once.

    Examples
    --------
    >>> cite(("observations.csv", 4), ("kaz_bns.parquet", 12.0), ("observations.csv", 4))
    'observations.csv:4; kaz_bns.parquet:12'
    """
    return "; ".join(dict.fromkeys(f"{file}:{int(line)}" for file, line in places))


def records(frame: pd.DataFrame, columns=(), sided=(), sides=("", "_b")) -> list[dict]:
    """The rows a finding is written from, as dicts of the figure's key, ``columns`` and
    ``sided`` columns with each suffix in ``sides`` (the two rows of a pair). Only the
    columns a message reads are converted: findings can number hundreds of thousands.

    Examples
    --------
    >>> pairs = pd.DataFrame({"reporter": ["KAZ"], "partner": ["TJK"], "flow": ["total"],
    ...     "scope": "goods", "span": ["2024"], "line": [2], "line_b": [3], "gap": [0.5],
    ...     "note": ["unread"]})
    >>> records(pairs, ["gap"], sided=["line"])
    [{'reporter': 'KAZ', 'partner': 'TJK', 'flow': 'total', 'scope': 'goods', 'span': '2024',
      'gap': 0.5, 'line': 2, 'line_b': 3}]
    """
    wanted = [*_FIGURE, *columns, *(f"{column}{side}" for column in sided for side in sides)]
    return frame[list(dict.fromkeys(wanted))].to_dict("records")


def finding(check: str, row, rows: str, sources, message: str) -> dict:
    """One finding: a warning about the figure ``row`` names (reporter to span).

    ``sources`` is one source id or several, each listed once in order.

    Examples
    --------
    >>> row = {"reporter": "KAZ", "partner": "TJK", "flow": "total", "span": "2024"}
    >>> found = finding("mirror", row, "observations.csv:2", ["a", "b", "a"], "...")
    >>> found["severity"], found["source_ids"]
    ('warning', 'a; b')
    """
    sources = [sources] if isinstance(sources, str) else sources
    return {
        "check": check,
        "severity": "warning",
        "reporter": row["reporter"],
        "partner": row["partner"],
        "flow": row["flow"],
        "span": row["span"],
        "rows": rows,
        "source_ids": "; ".join(dict.fromkeys(sources)),
        "message": message,
    }


def first_of_pair(pairs: pd.DataFrame) -> pd.Series:
    """Each unordered pair of rows once: the row earlier in file order first (columns
    ``file``, ``line`` and ``file_b``, ``line_b``).

    Examples
    --------
    >>> pairs = pd.DataFrame({"file": "a.csv", "line": [2, 3], "file_b": "a.csv",
    ...     "line_b": [3, 2]})
    >>> first_of_pair(pairs).tolist()
    [True, False]
    """
    return (pairs["file"] < pairs["file_b"]) | (
        (pairs["file"] == pairs["file_b"]) & (pairs["line"] < pairs["line_b"])
    )
