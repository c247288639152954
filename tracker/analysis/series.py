"""The series layer: which observations count as of a date, and the series they make.

Every computation (gaps, audit, report, what-if) reads observations through here: rows
from every file, typed once with their ``file`` and ``line``; the as-of rule; the current
vintage; the annual series (with years derived from twelve months); year-to-date spans;
and the keys of the judged and mirror series of a goal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.coding import per_distinct
from tracker.core.figures import is_point
from tracker.core.periods import (
    MONTHS_IN_YEAR,
    is_fiscal_year,
    is_year_to_date,
    to_date,
    year_and_month,
    year_earlier,
)
from tracker.core.vintages import current_rows
from tracker.core.vocabulary import MIRROR_FLOW, SERIES_KEY
from tracker.loading.datasets import Datasets

__all__ = [
    "annual_series",
    "current_vintage",
    "fiscal_series",
    "forecasts",
    "mirror_of",
    "observations",
    "pair_groups",
    "published_between",
    "published_by",
    "series_keys",
    "sorted_pairs",
    "written_spans",
    "year_to_date",
]

#: Columns of the annual series.
#: A figure's key by the months it covers: ``2024`` and ``2024-01/2024-12`` are one figure.
_MONTHS_KEY = [*SERIES_KEY, "span_start", "span_end"]
_ANNUAL = [*SERIES_KEY, "year", "value_usd_mn", "is_official", "file", "line", "source_id"]
_ANNUAL += ["figure_as_written"]


def published_by(frame: pd.DataFrame, as_of) -> pd.Series:
    """Rows known on ``as_of``: their source was published by then.

    Examples
    --------
    >>> frame = pd.DataFrame({"published_on": pd.to_datetime(["2025-01-31", "2025-03-01"])})
    >>> published_by(frame, "2025-02-01").tolist()
    [True, False]
    """
    return frame["published_on"] <= pd.Timestamp(to_date(as_of))


def observations(data: Datasets, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """Typed observations from every file, of the given series only when ``keys`` is given.

    Parameters
    ----------
    data : Datasets
    keys : pandas.DataFrame, optional
        Columns ``reporter``, ``partner``, ``flow``, ``scope`` (or some of them: a pair's
        rows with ``reporter`` and ``partner``): the series wanted. Rows of other series are
        never typed, so a large panel costs only what is selected
        (:meth:`~tracker.loading.datasets.Datasets.selected`, which keeps the last
        selection for the next computation asking for the same series).

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> data = load_datasets("datasets")
    >>> keys = pd.DataFrame({"reporter": ["KAZ"], "partner": ["TJK"], "flow": ["total"],
    ...     "scope": ["goods"]})
    >>> obs = observations(data, keys)
    >>> sorted(set(obs["file"])), obs["value_usd_mn"].notna().all()
    (['kaz_bns.parquet', 'observations.csv'], np.True_)
    """
    return data.observations if keys is None else data.selected(keys)


def sorted_pairs(one: pd.Series, other: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's two countries in sorted order: a pair of countries is the same pair
    whichever of them is named first.

    Examples
    --------
    >>> first, second = sorted_pairs(pd.Series(["TJK", "KAZ"]), pd.Series(["KAZ", "TJK"]))
    >>> first.tolist(), second.tolist()
    (['KAZ', 'KAZ'], ['TJK', 'TJK'])
    """
    one, other = one.to_numpy(dtype=object), other.to_numpy(dtype=object)
    swap = one > other
    return np.where(swap, other, one), np.where(swap, one, other)


def pair_groups(data: Datasets, rows_per_group: int) -> list[pd.DataFrame]:
    """Every pair of countries with rows in any file, in groups to be worked on in turn.

    A pair's rows, both ways round, are never split: every check compares a country's
    figures only with its own or its partner's. Pairs are taken in order and a group is
    closed once it holds ``rows_per_group`` rows or more, so memory stays bounded by the
    group (or by the largest pair).

    Returns
    -------
    list of pandas.DataFrame
        Each group's ``reporter`` and ``partner``, both ways round: keys for
        :func:`observations`.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> groups = pair_groups(load_datasets("datasets"), rows_per_group=1)
    >>> groups[0].head(2).to_dict("records")
    [{'reporter': 'ABW', 'partner': 'ARM'}, {'reporter': 'ARM', 'partner': 'ABW'}]
    """
    counts = pd.concat([table.pair_rows() for table in data.tables], ignore_index=True)
    pairs = counts["rows"].groupby(list(sorted_pairs(counts["reporter"], counts["partner"])))
    pairs = pairs.sum()
    # A group's number: how many full groups the rows before the pair fill.
    group = (pairs.cumsum() - pairs).floordiv(rows_per_group).to_numpy()
    pairs = pairs.reset_index().set_axis(["first", "second", "rows"], axis=1)
    groups = []
    for _, members in pairs.groupby(group, sort=True):
        one_way = members[["first", "second"]].set_axis(["reporter", "partner"], axis=1)
        other_way = members[["second", "first"]].set_axis(["reporter", "partner"], axis=1)
        both = pd.concat([one_way, other_way]).drop_duplicates()
        groups.append(both.sort_values(["reporter", "partner"], ignore_index=True))
    return groups


def written_spans(data: Datasets) -> list[str]:
    """Every span as written in any file, each once, sorted.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> spans = written_spans(load_datasets("datasets"))
    >>> "2024" in spans, len(spans) == len(set(spans))
    (True, True)
    """
    return sorted({span for table in data.tables for span in table.spans()})


def published_between(data: Datasets, since, until) -> pd.DataFrame:
    """Typed observations from every file whose source was published after ``since`` and
    by ``until``: only those rows are typed, so a month of news costs little beside a
    large panel.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> new = published_between(load_datasets("datasets"), "2025-01-31", "2025-02-28")
    >>> sorted(set(new["published_on"].dt.strftime("%Y-%m")))
    ['2025-02']
    """
    sources = data.sources
    window = published_by(sources, until) & ~published_by(sources, since)
    ids = list(sources.loc[window, "source_id"])
    parts = [data.typed(table.file, table.from_sources(ids)) for table in data.tables]
    return pd.concat(parts, ignore_index=True)


def current_vintage(obs: pd.DataFrame, as_of) -> pd.DataFrame:
    """The value current as of a date for every reporter, partner, flow and span.

    Only rows published by ``as_of`` count, and never a forecast; rows covering the same
    months are one figure however their span is spelled. Of several, an official figure
    beats a reported one; then the newest point figure is current (a tie goes to the row further
    down its file, the later entry); a bound ("over", "less than") is used only where no
    point figure of its kind exists, since it is not a level
    (:func:`tracker.core.vintages.current_rows`).
    ``revisions`` counts the older values it replaces.

    Examples
    --------
    >>> obs = pd.DataFrame({"reporter": "KAZ", "partner": "TJK", "flow": "total",
    ...     "scope": "goods", "span": ["2024", "2024-01/2024-12", "2024"], "value": [1.1, 1.2, 1.5],
    ...     "span_start": pd.Period("2024-01", "M"), "span_end": pd.Period("2024-12", "M"),
    ...     "qualifier": ["", "", "over"], "is_official": False,
    ...     "published_on": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10"]),
    ...     "file": "observations.csv", "line": [2, 3, 4], "value_usd_mn": [1100, 1200, 1500],
    ...     "is_forecast": False})
    >>> current_vintage(obs, "2025-12-31")[["value_usd_mn", "revisions"]].to_dict("records")
    [{'value_usd_mn': 1200, 'revisions': 2}]
    """
    known = obs[published_by(obs, as_of) & obs["value"].notna() & ~obs["is_forecast"]]
    known = known.assign(_is_point=is_point(known["qualifier"]))
    current, ordered = current_rows(known, _MONTHS_KEY, ("_is_point",))
    current = current.drop(columns="_is_point")
    revisions = 0  # one row per figure (a panel from one source): nothing is revised
    if len(current) < len(ordered):
        # Each row's count of rows with its key, read at the current rows (labels are unique).
        by_figure = ordered.groupby(_MONTHS_KEY, observed=True, sort=False)["line"]
        revisions = by_figure.transform("size").loc[current.index].to_numpy() - 1
    return current.assign(revisions=revisions).reset_index(drop=True)


def forecasts(obs: pd.DataFrame, as_of) -> pd.DataFrame:
    """Forecasts known as of a date: figures said to be expected for a period not yet
    ended, each as stated (shown beside a series, never part of it).

    Examples
    --------
    >>> obs = pd.DataFrame({"span": ["2025", "2026"], "value": [1.0, 2.0],
    ...     "is_forecast": [False, True],
    ...     "published_on": pd.to_datetime(["2026-01-10", "2026-03-01"])})
    >>> forecasts(obs, "2026-06-30")["span"].tolist(), forecasts(obs, "2026-02-01").empty
    (['2026'], True)
    """
    return obs[published_by(obs, as_of) & obs["value"].notna() & obs["is_forecast"]]


def annual_series(current: pd.DataFrame) -> pd.DataFrame:
    """Full-year values by reporter, partner, flow and year.

    A year reported only as twelve monthly values is summed and flagged ``is_derived``
    (official when every month is); part-year spans never enter the series.

    Examples
    --------
    >>> from tracker.core.periods import parse_span
    >>> rows = [("2023", 900.0)] + [(f"2024-{m:02d}", 100.0) for m in range(1, 13)]
    >>> current = pd.DataFrame([{"reporter": "KAZ", "partner": "TJK", "flow": "total",
    ...     "scope": "goods", "span": span, "span_start": parse_span(span)[0],
    ...     "span_end": parse_span(span)[1], "is_full_year": span == "2023",
    ...     "year": int(span[:4]), "value_usd_mn": value,
    ...     "is_official": False, "file": "observations.csv", "line": n + 2, "source_id": "s",
    ...     "figure_as_written": ""}
    ...     for n, (span, value) in enumerate(rows)])
    >>> annual_series(current)[["year", "value_usd_mn", "is_derived"]].to_dict("records")
    [{'year': 2023, 'value_usd_mn': 900.0, 'is_derived': False},
     {'year': 2024, 'value_usd_mn': 1200.0, 'is_derived': True}]
    """
    reported = current.loc[current["is_full_year"], _ANNUAL].assign(is_derived=False)
    single = current[current["span_start"] == current["span_end"]]
    monthly = single.groupby([*SERIES_KEY, "year"], observed=True).agg(
        value_usd_mn=("value_usd_mn", "sum"),
        months=("value_usd_mn", "size"),
        is_official=("is_official", "all"),  # official only when every month is
    )
    monthly = monthly[monthly["months"] == MONTHS_IN_YEAR].reset_index()
    monthly = monthly.merge(reported[[*SERIES_KEY, "year"]], how="left", indicator=True)
    derived = monthly.loc[
        monthly["_merge"] == "left_only", [*SERIES_KEY, "year", "value_usd_mn", "is_official"]
    ]
    derived = derived.assign(
        file="", line=pd.NA, source_id="", figure_as_written="", is_derived=True
    )
    series = pd.concat([reported, derived], ignore_index=True) if len(derived) else reported
    return series.sort_values([*SERIES_KEY, "year"], ignore_index=True)


def fiscal_series(current: pd.DataFrame) -> pd.DataFrame:
    """Fiscal-year values: each twelve-month span that crosses a calendar year, keyed by
    the year it ends in (``year``) and the month it starts in (``year_start_month``).

    Only fiscal years reported as such enter (none is summed from months).

    Examples
    --------
    >>> from tracker.core.periods import parse_span
    >>> current = pd.DataFrame([{"reporter": "IND", "partner": "KAZ", "flow": "total",
    ...     "scope": "goods", "span": span, "span_start": parse_span(span)[0],
    ...     "span_end": parse_span(span)[1], "value_usd_mn": value, "is_official": True,
    ...     "file": "observations.csv", "line": 2, "source_id": "s", "figure_as_written": ""}
    ...     for span, value in [("2022-04/2023-03", 500.0), ("2023", 1.0)]])
    >>> fiscal_series(current)[["year", "year_start_month", "value_usd_mn"]].to_dict("records")
    [{'year': 2023, 'year_start_month': 4, 'value_usd_mn': 500.0}]
    """
    start, end = pd.PeriodIndex(current["span_start"]), pd.PeriodIndex(current["span_end"])
    fiscal = is_fiscal_year(start, end)
    rows = current.loc[fiscal, [c for c in _ANNUAL if c != "year"]]
    return rows.assign(
        year=year_and_month(end[fiscal])[0],
        year_start_month=year_and_month(start[fiscal])[1],
        is_derived=False,
    )


def year_to_date(current: pd.DataFrame) -> pd.DataFrame:
    """Every January-to-month span, with the same months a year earlier where reported.

    Returns
    -------
    pandas.DataFrame
        The current rows of year-to-date spans, plus ``prior_usd_mn``.

    Examples
    --------
    >>> from tracker.core.periods import parse_span
    >>> current = pd.DataFrame([{"reporter": "KAZ", "partner": "TJK", "flow": "total",
    ...     "scope": "goods", "span": span, "span_start": parse_span(span)[0],
    ...     "span_end": parse_span(span)[1], "value_usd_mn": value} for span, value in
    ...     [("2024-01/2024-06", 560.0), ("2025-01/2025-06", 616.0), ("2025", 1.0)]])
    >>> year_to_date(current)[["span", "value_usd_mn", "prior_usd_mn"]].to_dict("records")[1]
    {'span': '2025-01/2025-06', 'value_usd_mn': 616.0, 'prior_usd_mn': 560.0}
    """
    partial = current[is_year_to_date(current["span_start"], current["span_end"])]
    partial = partial.assign(_prior_end=year_earlier(partial["span_end"]))
    prior = partial[[*SERIES_KEY, "span_end", "value_usd_mn"]].set_axis(
        [*SERIES_KEY, "_prior_end", "prior_usd_mn"], axis=1
    )
    return partial.merge(prior, on=[*SERIES_KEY, "_prior_end"], how="left").drop(
        columns="_prior_end"
    )


def mirror_of(keys: pd.DataFrame) -> pd.DataFrame:
    """The same trade seen from the partner's side: reporter and partner swapped, flow
    mirrored (exports become imports).

    Examples
    --------
    >>> key = pd.DataFrame({"reporter": ["KAZ"], "partner": ["TJK"], "flow": ["exports"],
    ...     "scope": ["goods"]})
    >>> mirror_of(key).to_dict("records")
    [{'reporter': 'TJK', 'partner': 'KAZ', 'flow': 'imports', 'scope': 'goods'}]
    """
    # Arrays, not Series: by position, not index; as arrays, text is not copied.
    return keys.assign(
        reporter=keys["partner"].array,
        partner=keys["reporter"].array,
        flow=per_distinct(keys["flow"], lambda flows: flows.map(MIRROR_FLOW)).array,
    )


def series_keys(goals: pd.DataFrame, judged_by: str | None = None) -> pd.DataFrame:
    """The judged and mirror series of each goal.

    A goal is judged on its ``judged_by`` reporter's statistics (else its first
    country's), of its own scope; ``judged_by="partner"`` (or ``"country_b"``) judges
    every goal on the other country's instead, as a what-if.

    Returns
    -------
    pandas.DataFrame
        ``target_id``, the judged ``reporter``, ``partner``, ``flow`` (seen from the
        reporter's side), ``scope`` and ``mirror_reporter``, ``mirror_partner``,
        ``mirror_flow``, ``mirror_scope``.

    Examples
    --------
    >>> goal = pd.DataFrame({"target_id": ["t"], "country_a": ["KAZ"], "country_b": ["PAK"],
    ...     "flow": ["exports"], "scope": ["goods"], "judged_by": [""]})
    >>> series_keys(goal, "partner")[["reporter", "flow", "mirror_reporter"]].to_dict("records")
    [{'reporter': 'PAK', 'flow': 'imports', 'mirror_reporter': 'KAZ'}]
    """
    judge = goals["judged_by"].where(goals["judged_by"] != "", goals["country_a"])
    if judged_by in ("partner", "country_b"):
        judge = goals["country_b"].where(judge == goals["country_a"], goals["country_a"])
    elif judged_by is not None:
        raise ValueError(f"judged_by is 'partner' or None, not {judged_by!r}")
    own = goals[["country_a", "country_b", "flow", "scope"]].set_axis(SERIES_KEY, axis=1)
    is_own = judge == goals["country_a"]
    judged = own.where(pd.concat([is_own] * len(SERIES_KEY), axis=1).to_numpy(), mirror_of(own))
    mirror = mirror_of(judged)
    return pd.DataFrame(
        {
            "target_id": goals["target_id"],
            **{column: judged[column] for column in SERIES_KEY},
            **{f"mirror_{column}": mirror[column] for column in SERIES_KEY},
        }
    )
