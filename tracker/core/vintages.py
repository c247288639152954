"""Which of several figures for the same thing is current: the vintage rule, once.

An official figure (a statistics release or database extract) beats a reported one (news,
speeches) whatever their dates; among figures of one kind the newest publication wins, and
a tie goes to the row further down its file (the later entry). Observations and exchange
rates are both chosen this way.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["VINTAGE_ORDER", "current_rows"]

#: Columns sorted on, least to most decisive after any caller's preferences: the current
#: row of a key sorts last.
VINTAGE_ORDER = ["published_on", "file", "line"]


def current_rows(
    frame: pd.DataFrame, key: list[str], preferences: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The current row of each key, and every row in vintage order (current last).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with the ``key`` columns, ``is_official``, ``published_on``, ``file``, ``line``
        and any ``preferences``.
    key : list of str
        Columns naming one figure.
    preferences : tuple of str
        Boolean columns ranked after ``is_official`` and before the publication date: a
        True row beats a False one (observations prefer a point figure to a bound).

    Returns
    -------
    tuple of pandas.DataFrame
        The current rows, one per key; all rows sorted so that each key's current row is
        its last.

    Examples
    --------
    >>> rows = pd.DataFrame({"span": "2023", "value": [1.13, 1.1299665],
    ...     "is_official": [False, True], "file": ["observations.csv", "kaz_bns.parquet"],
    ...     "published_on": pd.to_datetime(["2024-08-01", "2024-07-25"]), "line": [5, 9]})
    >>> current, ordered = current_rows(rows, ["span"])
    >>> current["value"].tolist(), ordered["file"].tolist()  # the release, though older
    ([1.1299665], ['observations.csv', 'kaz_bns.parquet'])
    """
    ordered = frame.sort_values(["is_official", *preferences, *VINTAGE_ORDER], kind="stable")
    return ordered.drop_duplicates(key, keep="last"), ordered
