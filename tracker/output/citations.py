"""Citations in the report: the statements behind a goal and the source of every figure.

Every figure the report shows is traced to its row and source; each annual value says
whether it is official (a statistics release or database extract) or preliminary (a
reported figure for a year no release covers yet).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.analysis.coverage import figure_kind
from tracker.analysis.series import published_by
from tracker.core.chains import chain_of
from tracker.core.vocabulary import FORECAST
from tracker.loading.datasets import Datasets

__all__ = [
    "provenance",
    "source_entry",
    "sources_by_id",
    "statement_histories",
]

#: The columns of a target's series its provenance reads.
_PROVENANCE_COLUMNS = [
    "role",
    "reporter",
    "year",
    "value_usd_mn",
    "is_official",
    "is_derived",
    "source_id",
    "figure_as_written",
]
#: What the report shows for a year summed from twelve monthly figures.
_DERIVED_FIGURE = "sum of twelve months"


def sources_by_id(data: Datasets) -> pd.DataFrame:
    """The sources indexed by ``source_id``.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> sources_by_id(load_datasets("datasets")).index.is_unique
    True
    """
    return data.sources.set_index("source_id")


def source_entry(sources: pd.DataFrame, source_id: str) -> dict:
    """One source as the templates cite it.

    Examples
    --------
    >>> sources = pd.DataFrame({"title": ["T"], "publisher": ["P"], "published_date": ["2024"],
    ...     "address": [""]}, index=pd.Index(["s"], name="source_id"))
    >>> source_entry(sources, "s")
    {'id': 's', 'title': 'T', 'publisher': 'P', 'published': '2024', 'address': ''}
    """
    row = sources.loc[source_id]
    return {
        "id": source_id,
        "title": row["title"],
        "publisher": row["publisher"],
        "published": row["published_date"],
        "address": row["address"],
    }


def provenance(data: Datasets, series: pd.DataFrame) -> list[dict]:
    """Where each plotted annual value came from, and whether it is official.

    Parameters
    ----------
    data : Datasets
    series : pandas.DataFrame
        Rows of :func:`tracker.analysis.gaps.target_series`: one entry per row, in order.

    Examples
    --------
    >>> from tracker.analysis.gaps import compute_gaps, target_series
    >>> from tracker.loading.datasets import load_datasets
    >>> data = load_datasets("datasets")
    >>> gaps = compute_gaps(data, "2025-03-01")
    >>> tjk = gaps[gaps["chain_root"] == "kaz-tjk-2bn-2018"]
    >>> last = provenance(data, target_series(data, tjk, "2025-03-01"))[-1]
    >>> last["year"], last["kind"], last["figure_as_written"]
    (2024, 'preliminary', '$1.2 billion')
    """
    sources = sources_by_id(data)
    known = [s for s in series["source_id"].unique() if s in sources.index]
    cited = {source_id: source_entry(sources, source_id) for source_id in known}
    rows = []
    for point in series[_PROVENANCE_COLUMNS].to_dict("records"):
        entry = {
            "role": point["role"],
            "reporter": point["reporter"],
            "year": point["year"],
            "value_usd_mn": point["value_usd_mn"],
            "kind": FORECAST if point["role"] == FORECAST else figure_kind(point["is_official"]),
        }
        if point["is_derived"] or point["source_id"] not in cited:
            rows.append({**entry, "figure_as_written": _DERIVED_FIGURE, "source": None})
            continue
        source = cited[point["source_id"]]
        rows.append({**entry, "figure_as_written": point["figure_as_written"], "source": source})
    return rows


def statement_histories(data: Datasets, target_ids: list[str], as_of: date) -> list[list[dict]]:
    """The chain of statements behind each target, oldest first, as known by ``as_of``.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> data = load_datasets("datasets")
    >>> [history] = statement_histories(data, ["kaz-tjk-2bn-2021"], date(2025, 3, 1))
    >>> [link["target_id"] for link in history]
    ['kaz-tjk-2bn-2018', 'kaz-tjk-2bn-2021']
    """
    targets = data.targets[published_by(data.targets, as_of)]
    supersedes = dict(zip(targets["target_id"], targets["supersedes"], strict=True))
    chains = [chain_of(target_id, supersedes)[::-1] for target_id in target_ids]
    targets = targets[targets["target_id"].isin(set().union(*chains))]
    sources = sources_by_id(data)
    cited = {s: source_entry(sources, s) for s in targets["source_id"].unique()}
    links = {
        link["target_id"]: {
            "target_id": link["target_id"],
            "stated_date": link["stated_date"],
            "stated_by": link["stated_by"],
            "figure": link["figure_as_written"],
            "qualifier": link["qualifier"],
            "deadline": link["deadline_as_worded"],
            "note": link["note"],
            "source": cited[link["source_id"]],
        }
        for link in targets.to_dict("records")
    }
    return [[links[link] for link in chain] for chain in chains]
