"""Consistency findings: figures that cannot all be true at their written precision.

Each check takes the loaded observations and returns findings; every finding names its
severity, the rows (file and line) and sources involved, and the arithmetic that convicts
them, every number with its unit. All checks here are warnings: the data stays as
printed, and the disagreement is information for the reader.

Rows are compared by the months they cover, not by how their span is spelled: ``2024``
and ``2024-01/2024-12`` are one figure's key. The checks over every vintage of a figure
(sources, ties) are here; those on stated growth in :mod:`tracker.analysis.audit_claims`,
those over current values in :mod:`tracker.analysis.audit_checks`.
"""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import ExitStack
from datetime import date
from functools import partial
from itertools import chain, repeat

import numpy as np
import pandas as pd

from tracker.analysis.audit_checks import current_findings, verdict_flips
from tracker.analysis.audit_claims import claim_findings
from tracker.analysis.findings import (
    FINDING_COLUMNS,
    cite,
    finding,
    first_of_pair,
    records,
    shown,
    shown_range,
    with_bounds,
)
from tracker.analysis.series import (
    current_vintage,
    observations,
    pair_groups,
    published_by,
    written_spans,
)
from tracker.core.coding import per_distinct
from tracker.core.figures import is_point
from tracker.core.params import ARITHMETIC_SLACK
from tracker.core.periods import parse_dated, spans_frame, to_date
from tracker.core.vocabulary import OBSERVATION_KEY
from tracker.loading.datasets import Datasets
from tracker.loading.workers import cores, worker_pool

__all__ = ["FINDINGS_PER_SERIES", "FINDING_COLUMNS", "ROWS_PER_GROUP", "audit"]

#: Rows read and checked at a time: a million typed rows take about a gigabyte.
ROWS_PER_GROUP = 1_000_000
#: Findings of one check listed per series (reporter, partner, flow); the rest are
#: counted in one line: a series mis-scaled for years is one problem, not 300 lines.
FINDINGS_PER_SERIES = 20
#: A finding's series, and the order findings are listed in.
_SERIES = ["check", "reporter", "partner", "flow"]
_ORDER = [*_SERIES, "span", "rows"]
#: Precisions of a publication date, finest first: two dates are told apart at the
#: coarser one's.
_PRECISIONS = ("day", "month", "year")
#: A row's publication: the last and first day its date can stand for, as written, and
#: the precision it was written to.
_DATE_COLUMNS = ["published_on", "published_from", "published_date", "date_precision"]


def _spelling(spans: list[str]) -> pd.Series:
    """One spelling per run of months, from every span written in any file: the shortest,
    then the first in alphabetical order (``2024`` for ``2024-01/2024-12``); indexed by
    each spelling as written."""
    spans = pd.Series(spans, dtype=object)
    spelled = spans_frame(spans).assign(span=spans, _length=spans.str.len())
    spelled = spelled.sort_values(["_length", "span"])
    label = spelled.groupby(["span_start", "span_end"])["span"].transform("first")
    return pd.Series(label.to_numpy(), index=spelled["span"].to_numpy())


def _by_months(obs: pd.DataFrame, spelling: pd.Series) -> pd.DataFrame:
    """Rows keyed by the months they cover, not by the span's spelling: ``span`` becomes
    the run of months' one spelling; ``span_as_written`` keeps the row's own."""
    spelled = per_distinct(obs["span"], lambda spans: spans.map(spelling).astype(str))
    return obs.assign(span_as_written=obs["span"], span=spelled)


def _dated(obs: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Rows with their source's date as written, the first day it can stand for
    (``published_from``; ``published_on`` is the last) and its precision."""
    parsed = sources["published_date"].map(parse_dated)
    by_source = pd.DataFrame(
        {
            "published_date": sources["published_date"].to_numpy(),
            "published_from": pd.to_datetime(parsed.str[0]).to_numpy(),
            "date_precision": parsed.str[1].to_numpy(),
        },
        index=sources["source_id"].to_numpy(),
    )
    return obs.join(by_source, on="source_id")


def _order_unknown(row, other: str) -> str | None:
    """Why two rows' publications cannot be ordered, or None when they can.

    A date known to the month stands for every day of it: "2025-02" and "2025-02-12" may
    come in either order.
    """
    overlap = (row["published_from"] <= row[f"published_on{other}"]) & (
        row[f"published_from{other}"] <= row["published_on"]
    )
    if not overlap:
        return None
    dates = " and ".join(dict.fromkeys([row["published_date"], row[f"published_date{other}"]]))
    coarse = max(row["date_precision"], row[f"date_precision{other}"], key=_PRECISIONS.index)
    if coarse == "day":
        return f"published the same day ({dates}), so their order is unknown"
    return f"published in the same {coarse} ({dates}), so their order is unknown"


def _cited(row, side: str = "") -> str:
    """A level as a finding cites it: value, figure as written and qualifier, source and
    the range they allow; a release's row has no figure as written and no rounding."""
    value, source = shown(row[f"value_usd_mn{side}"]), row[f"source_id{side}"]
    figure = row[f"figure_as_written{side}"]
    if not figure:
        return f"{value} (as released, {source})"
    if qualifier := row[f"qualifier{side}"]:
        figure = f"{figure}, '{qualifier}'"
    return f"{value} ({figure}, {source}: {shown_range(row[f'low{side}'], row[f'high{side}'])})"


def _source_disagreements(obs: pd.DataFrame) -> list[dict]:
    """Two sources giving the same figure differently beyond both figures' rounding.

    A reported figure against a release is the check of news against official statistics;
    two releases differing is a revision, the revision history, not a finding.
    """
    levels = obs[obs["value"].notna()]
    levels = with_bounds(levels[levels.duplicated(OBSERVATION_KEY, keep=False)])
    pairs = levels.merge(levels, on=OBSERVATION_KEY, suffixes=("", "_b"))
    pairs = pairs[first_of_pair(pairs) & ~(pairs["is_official"] & pairs["is_official_b"])]
    apart = (pairs["high"] < pairs["low_b"]) | (pairs["high_b"] < pairs["low"])
    findings = []
    columns = ["value_usd_mn", "figure_as_written", "qualifier", "low", "high", "is_official"]
    columns += ["span_as_written", *_DATE_COLUMNS, "source_id", "file", "line"]
    for row in records(pairs[apart], sided=columns):
        newer = "" if row["published_on"] > row["published_on_b"] else "_b"
        verdict = (
            "the official figure is current"
            if row["is_official"] != row["is_official_b"]
            else _order_unknown(row, "_b")
            or f"the newer publication ({row[f'source_id{newer}']}, "
            f"{row[f'published_date{newer}']}) is the later vintage"
        )
        spelled = ""
        if row["span_as_written"] != row["span_as_written_b"]:
            spelled = (
                f" ({row['span_as_written']} and {row['span_as_written_b']} are the same months)"
            )
        message = (
            f"{_cited(row)} and {_cited(row, '_b')} differ beyond rounding{spelled}; {verdict}"
        )
        rows = cite((row["file"], row["line"]), (row["file_b"], row["line_b"]))
        sources = [row["source_id"], row["source_id_b"]]
        findings.append(finding("sources_disagree", row, rows, sources, message))
    return findings


def _tie_breaks(obs: pd.DataFrame, current: pd.DataFrame) -> list[dict]:
    """A current value chosen over a different one by a tie-break, said out loud.

    The vintage rule orders rows of one rank (official or not, point or bound) by
    publication; when two publications cannot be ordered (the same day, or dates known
    only to the month or year that overlap), what decides is a convention: a date counts
    from its last day, then the row further down its file.
    """
    rank = [*OBSERVATION_KEY, "is_official", "_is_point"]
    columns = ["file", "line", "source_id", "value_usd_mn", *_DATE_COLUMNS]
    known = obs[obs["value"].notna()]
    known = known.assign(_is_point=is_point(known["qualifier"]))[[*rank, *columns]]
    known = known[known.duplicated(rank, keep=False)]
    taken = current.assign(_is_point=is_point(current["qualifier"]))[[*rank, *columns]]
    pairs = taken.merge(known, on=rank, suffixes=("", "_b"))
    other = (pairs["file"] != pairs["file_b"]) | (pairs["line"] != pairs["line_b"])
    larger = np.maximum(pairs["value_usd_mn"], pairs["value_usd_mn_b"])
    differ = (pairs["value_usd_mn"] - pairs["value_usd_mn_b"]).abs() > ARITHMETIC_SLACK * larger
    # Dates stand for runs of days; runs that overlap cannot be ordered.
    overlap = (pairs["published_from"] <= pairs["published_on_b"]) & (
        pairs["published_from_b"] <= pairs["published_on"]
    )
    findings = []
    for row in records(pairs[other & differ & overlap], sided=columns):
        unknown = _order_unknown(row, "_b")
        if row["published_on"] != row["published_on_b"]:
            rule = (
                f"a date known only to the {row['date_precision']} counts from its last day "
                f"({row['published_on']:%Y-%m-%d}), so {row['source_id']} is taken as the later"
            )
        elif row["file"] == row["file_b"]:
            rule = f"the row further down its file ({cite((row['file'], row['line']))}) is taken"
        else:
            rule = f"the row in the file whose name sorts last ({row['file']}) is taken"
        message = (
            f"{shown(row['value_usd_mn'])} ({row['source_id']}, published "
            f"{row['published_date']}) is current over {shown(row['value_usd_mn_b'])} "
            f"({row['source_id_b']}, published {row['published_date_b']}): {unknown}; {rule}"
        )
        rows = cite((row["file"], row["line"]), (row["file_b"], row["line_b"]))
        sources = [row["source_id"], row["source_id_b"]]
        findings.append(finding("tie_break", row, rows, sources, message))
    return findings


def audit(
    data: Datasets,
    as_of: date | None = None,
    rows_per_group: int = ROWS_PER_GROUP,
    workers: int | None = None,
    per_series: int | None = FINDINGS_PER_SERIES,
    pool: Executor | None = None,
) -> pd.DataFrame:
    """Every consistency finding in the observations.

    The observations are read and checked a group of country pairs at a time
    (:func:`tracker.analysis.series.pair_groups`), so memory is bounded by a group, not by
    the panels. With several groups and cores, other processes check the groups while
    this one judges the goals' verdicts.

    Parameters
    ----------
    data : Datasets
    as_of : datetime.date or str, optional
        Only observations published by this day; all of them when None.
    rows_per_group : int
        About how many rows are checked at a time.
    workers : int, optional
        Processes checking groups at once; one per core when None, and never more than
        there are groups (one group is checked in this process). The processes are
        spawned (:func:`~tracker.loading.workers.worker_pool`): a script that audits more
        than a group's rows runs its code under ``if __name__ == "__main__":``.
    per_series : int, optional
        Findings of one check listed per series, the first by span; the others are
        counted in one line of that check with no span. None lists every finding.
    pool : concurrent.futures.Executor, optional
        Workers to check the groups in, instead of starting ``workers`` processes (the
        report shares its pool with the charts). Unused when there is one group.

    Returns
    -------
    pandas.DataFrame
        One row per finding, columns :data:`FINDING_COLUMNS`, in a stable order.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> findings = audit(load_datasets("datasets"))
    >>> claim = findings[findings["message"].str.contains(r"\\$53.7 m after \\$52.5 m")]
    >>> print(claim.iloc[0]["check"], claim.iloc[0]["message"])
    growth_claim stated +0.9% (+0.85% to +0.95%), but $53.7 m after $52.5 m in 2023 implies
    +2.09% to +2.48% given the rounding
    """
    as_of = pd.Timestamp.max.date() if as_of is None else to_date(as_of)
    spelling = _spelling(written_spans(data))
    # A group of country pairs at a time: every check compares figures of one pair only.
    groups = pair_groups(data, rows_per_group)
    workers = min(workers or cores(), len(groups))
    check = partial(_group_findings, as_of=as_of, spelling=spelling)
    with ExitStack() as stack:
        if pool is None and workers > 1:
            pool = stack.enter_context(worker_pool(workers))
        if pool is not None and len(groups) > 1:
            parts = pool.map(check, repeat(data.detached()), groups)
        else:
            parts = map(check, repeat(data), groups)
        # Verdicts as of the audit's day, or today: a status depends on the calendar.
        findings = verdict_flips(data, min(as_of, date.today()))
        findings += chain.from_iterable(parts)
    table = pd.DataFrame(findings, columns=FINDING_COLUMNS).sort_values(_ORDER, ignore_index=True)
    return table if per_series is None else _capped(table, per_series)


def _capped(table: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The first ``limit`` findings of each check and series, and one line counting each
    series' others (it has no span, so it comes first)."""
    by_series = table.groupby(_SERIES, sort=False)
    total = by_series["check"].transform("size")
    position = by_series.cumcount()
    first = position == 0
    over = table[first & (total > limit)]
    counted = total[over.index]
    messages = [
        f"{count} {check} findings for this series; the first {limit} by span are listed, "
        f"{count - limit} more are not (tracker audit --all lists every one)"
        for check, count in zip(over["check"], counted, strict=True)
    ]
    summary = over.assign(span="", rows="", source_ids="", message=messages)
    kept = table[position < limit]
    return pd.concat([kept, summary]).sort_values(_ORDER, ignore_index=True)


def _group_findings(
    data: Datasets, pairs: pd.DataFrame, *, as_of: date, spelling: pd.Series
) -> list[dict]:
    """The findings among the observations of one group of country pairs."""
    return _pair_findings(observations(data, pairs), data.sources, as_of, spelling)


def _pair_findings(
    everything: pd.DataFrame, sources: pd.DataFrame, as_of: date, spelling: pd.Series
) -> list[dict]:
    """The findings among the observations of some pairs of countries."""
    # A forecast is what someone expects, not what was traded: nothing to check it against.
    obs = everything[published_by(everything, as_of) & ~everything["is_forecast"]]
    obs = _by_months(_dated(obs, sources), spelling)
    current = current_vintage(obs, as_of)
    # Sources disagree, and ties are broken, between two rows of one figure: where no figure
    # has a second row (a revision), neither check has anything to compare.
    several = bool(current["revisions"].gt(0).any())
    return (
        claim_findings(obs)
        + (_source_disagreements(obs) + _tie_breaks(obs, current) if several else [])
        + current_findings(current)
    )
