"""Coverage: which pairs have goals, how many statements, and which years rest on
official figures and which on the news alone."""

from __future__ import annotations

import pandas as pd

from tracker.analysis.series import published_by, sorted_pairs
from tracker.core.periods import year_ranges
from tracker.core.vocabulary import OFFICIAL, PRELIMINARY

__all__ = ["COVERAGE_COLUMNS", "coverage", "figure_kind", "years_by_kind"]

#: One row per pair of countries with a goal.
COVERAGE_COLUMNS = [
    "country_a",
    "country_b",
    "goals",
    "statements",
    "latest_stated_date",
    "official_years",
    "news_only_years",
]


def coverage(
    targets: pd.DataFrame, gaps: pd.DataFrame, series: pd.DataFrame, as_of
) -> pd.DataFrame:
    """Goals and years of figures for every pair with a goal, as of a date.

    Parameters
    ----------
    targets : pandas.DataFrame
        Typed targets (``Datasets.targets``).
    gaps : pandas.DataFrame
        :func:`tracker.analysis.gaps.compute_gaps` as of the same date.
    series : pandas.DataFrame
        :func:`tracker.analysis.gaps.target_series` of those gaps.
    as_of : datetime.date or str

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS`: goals (chains) and statements known by ``as_of``, the
        latest statement's date, and the years of the goals' judged series with an
        official figure, and with only a reported one; sorted by pair.

    Examples
    --------
    >>> from tracker.analysis.gaps import compute_gaps, target_series
    >>> from tracker.loading.datasets import load_datasets
    >>> data = load_datasets("datasets")
    >>> gaps = compute_gaps(data, "2026-11-30")
    >>> table = coverage(data.targets, gaps, target_series(data, gaps, "2026-11-30"), "2026-11-30")
    >>> tjk = table.set_index("country_b").loc["TJK"]
    >>> int(tjk["goals"]), int(tjk["statements"]), tjk["official_years"], tjk["news_only_years"]
    (1, 6, '2018-2023', '2017, 2024')
    """
    pair = ["country_a", "country_b"]
    # A pair is its two countries in either order (a goal stated the other way round is
    # the same pair's), shown as its first statement in the file names it.
    known = targets[published_by(targets, as_of)].assign(_pair=_unordered)
    named = known.drop_duplicates("_pair").set_index("_pair")[pair]
    statements = known.groupby("_pair").agg(
        statements=("target_id", "size"), latest_stated_date=("stated_date", "max")
    )
    goals = gaps.assign(_pair=_unordered)
    judged = series[series["role"] == "judged"].merge(goals[["target_id", "_pair"]])
    by_year = judged.groupby(["_pair", "year"])["is_official"].any().reset_index()
    # A year is official where any goal's series of the pair has a release for it.
    years = (
        by_year.groupby("_pair")
        .apply(
            lambda rows: pd.Series(years_by_kind(rows.assign(role="judged"))), include_groups=False
        )
        .rename(columns={OFFICIAL: "official_years", PRELIMINARY: "news_only_years"})
    )
    counts = [goals.groupby("_pair").size().rename("goals"), statements]
    table = pd.concat(counts, axis=1, join="inner").join(years).join(named)
    table[["official_years", "news_only_years"]] = table[
        ["official_years", "news_only_years"]
    ].fillna("")
    return table.reset_index()[COVERAGE_COLUMNS].sort_values(pair, ignore_index=True)


def _unordered(frame: pd.DataFrame) -> pd.Series:
    """Each row's pair of countries, the same whichever is ``country_a``."""
    first, second = sorted_pairs(frame["country_a"], frame["country_b"])
    return pd.Series(first + "|" + second, index=frame.index, dtype=str)


def figure_kind(is_official: bool) -> str:
    """``official`` or ``preliminary``, the word the report prints for a figure.

    Examples
    --------
    >>> figure_kind(True), figure_kind(False)
    ('official', 'preliminary')
    """
    return OFFICIAL if is_official else PRELIMINARY


def years_by_kind(series: pd.DataFrame) -> dict[str, str]:
    """The judged series' official and preliminary years, as :func:`year_ranges`.

    Examples
    --------
    >>> series = pd.DataFrame({"role": ["judged"] * 3 + ["mirror"],
    ...     "year": [2022, 2023, 2024, 2024],
    ...     "is_official": [True, True, False, True]})
    >>> years_by_kind(series)
    {'official': '2022-2023', 'preliminary': '2024'}
    """
    judged = series[series["role"] == "judged"]
    return {
        figure_kind(kind): year_ranges(judged.loc[judged["is_official"] == kind, "year"])
        for kind in (True, False)
    }
