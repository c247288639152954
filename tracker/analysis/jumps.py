"""Possible unit slips: a typed full year far above, or far below, the years beside it.

The audit lists them (check ``jump``); the gap table flags a verdict resting on one
(:data:`~tracker.validation.tables.SLIP_FLAGS`); the what-if leaves the growth rates they
make out of its resampling, since a figure typed in millions for billions is not a year's
growth.
"""

from __future__ import annotations

import pandas as pd

from tracker.core.params import JUMP_FACTOR

__all__ = ["SIDES", "possible_slips"]

#: The years beside a year, in the words of a jump's message.
SIDES = ("before", "after")
#: How far to shift a series sorted by year to reach the year on each side.
_STEPS = (1, -1)


def possible_slips(series: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Each year of annual series with the years beside it, and whether it is a possible
    unit slip (``is_slip``).

    A year is a possible slip when its figure was typed (``figure_as_written`` given:
    imported tables come with their unit, checked on import, and small partners' trade
    does move fivefold) and it is :data:`~tracker.core.params.JUMP_FACTOR` times or more
    above every adjacent year present, or at most a fifth of each. Only the year just
    before and just after count: 2017 against 2020 is three years of growth. A year with
    one adjacent year is not a slip when that year is one by both of its own neighbours:
    in 968, 1.065, 1170 the slip is 1.065, and 1170 only sits next to it.

    Parameters
    ----------
    series : pandas.DataFrame
        ``year``, ``value_usd_mn`` and ``figure_as_written``, sorted by ``by`` then year.
    by : list of str
        The columns naming one series (empty: the frame is one series).

    Returns
    -------
    pandas.DataFrame
        ``series`` with ``year_before``, ``value_before``, ``ratio_before`` (this year's
        value over the year before's; missing unless that year is adjacent), the same
        ``_after``, and ``is_slip``.

    Examples
    --------
    >>> series = pd.DataFrame({"year": [2017, 2018, 2019, 2021], "figure_as_written":
    ...     ["$80 million", "", "", "$4 billion"], "value_usd_mn": [80.0, 840.0, 760.0, 4000.0]})
    >>> slips = possible_slips(series, by=[])
    >>> slips["is_slip"].tolist()  # 2021 has no adjacent year; 2018 was not typed
    [True, False, False, False]
    >>> round(float(slips["ratio_after"][0]), 4) == round(80 / 840, 4)
    True
    >>> series = pd.DataFrame({"year": [2021, 2022, 2023], "figure_as_written": "typed",
    ...     "value_usd_mn": [968.0, 1.065, 1170.0]})
    >>> possible_slips(series, by=[])["is_slip"].tolist()  # 2023 only sits next to the slip
    [False, True, False]
    """
    neighbours = series.groupby(by) if by else series
    columns = {}
    for side, step in zip(SIDES, _STEPS, strict=True):
        neighbour = neighbours[["year", "value_usd_mn"]].shift(step)
        adjacent = (series["year"] - neighbour["year"]).abs() == 1
        columns[f"year_{side}"] = neighbour["year"]
        columns[f"value_{side}"] = neighbour["value_usd_mn"]
        columns[f"ratio_{side}"] = (series["value_usd_mn"] / neighbour["value_usd_mn"]).where(
            adjacent
        )
    ratios = pd.DataFrame({side: columns[f"ratio_{side}"] for side in SIDES})
    up = (ratios >= JUMP_FACTOR) | ratios.isna()
    down = (ratios <= 1 / JUMP_FACTOR) | ratios.isna()
    is_jump = ratios.notna().any(axis=1) & (up.all(axis=1) | down.all(axis=1))
    is_typed = series["figure_as_written"].fillna("") != ""
    # A slip by both neighbours explains the jump of a year that has only it beside it.
    is_sure = is_jump & is_typed & ratios.notna().all(axis=1)
    sure = series.assign(_is_sure=is_sure).groupby(by)["_is_sure"] if by else is_sure
    beside_sure = pd.Series(False, index=series.index)
    for side, step in zip(SIDES, _STEPS, strict=True):
        neighbour = sure.shift(step, fill_value=False).astype(bool)
        beside_sure |= neighbour & columns[f"ratio_{side}"].notna()
    is_one_sided = ratios.notna().sum(axis=1) == 1
    return series.assign(**columns, is_slip=is_jump & is_typed & ~(is_one_sided & beside_sure))
