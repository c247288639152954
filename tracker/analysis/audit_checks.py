"""The audit's checks on current values.

Each finding is written as :mod:`tracker.analysis.findings` says. The checks here compare
the current figures of different keys: exports and imports with the total, a country's
figures with its partner's, a year with the years beside it, part of a year with the whole
year; and a goal's verdict on one country's statistics with its verdict on the other's.
:func:`tracker.analysis.audit.audit` runs them beside the checks over every vintage.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.analysis.findings import (
    BOUNDED,
    cite,
    finding,
    records,
    shown,
    shown_range,
    with_bounds,
)
from tracker.analysis.gaps import compute_gaps
from tracker.analysis.jumps import SIDES, possible_slips
from tracker.analysis.series import annual_series, mirror_of
from tracker.core.growth import change
from tracker.core.params import JUMP_FACTOR, MIRROR_TOLERANCE
from tracker.core.periods import year_and_month
from tracker.core.statuses import STATUS_LABELS, VERDICTS
from tracker.core.vocabulary import FLOWS, MIRROR_FLOW, OBSERVATION_KEY, SERIES_KEY
from tracker.loading.datasets import Datasets
from tracker.loading.observation_tables import matching_rows

__all__ = ["current_findings", "verdict_flips"]


def _flows_add_up(current: pd.DataFrame) -> list[dict]:
    """Exports plus imports must equal the total for the same reporter and span, where
    one of the three was typed from a document (it has a figure as written)."""
    on = ["reporter", "partner", "span"]
    totals = current.loc[current["flow"] == "total", on]
    # Only the trade of a reporter and span some total is given for can add up to it.
    near = current[on[0]].isin(totals[on[0]].unique()) & current[on[2]].isin(totals[on[2]].unique())
    columns = [*OBSERVATION_KEY, "figure_as_written", *BOUNDED, "file", "line", "source_id"]
    levels = with_bounds(current.loc[near, columns])
    wide = {flow: levels[levels["flow"] == flow].drop(columns="flow") for flow in FLOWS}
    joined = (
        wide["total"]
        .merge(wide["exports"], on=on, suffixes=("", "_x"))
        .merge(wide["imports"], on=on, suffixes=("", "_m"))
    )
    joined = joined.assign(
        low_sum=joined["low_x"] + joined["low_m"], high_sum=joined["high_x"] + joined["high_m"]
    )
    # An imported table's total may differ from the sum of its rounded parts, as statistics
    # offices warn, and its rounding is not recorded: only figures typed as written count.
    typed = (
        joined[["figure_as_written", "figure_as_written_x", "figure_as_written_m"]]
        .ne("")
        .any(axis=1)
    )
    apart = (joined["high_sum"] < joined["low"]) | (joined["low_sum"] > joined["high"])
    findings = []
    sided = ["value_usd_mn", "low", "high", "file", "line", "source_id"]
    flagged = joined[apart & typed].assign(flow="total")
    for row in records(flagged, ["low_sum", "high_sum"], sided, sides=("", "_x", "_m")):
        message = (
            f"exports {shown(row['value_usd_mn_x'])} + imports {shown(row['value_usd_mn_m'])} "
            f"give {shown_range(row['low_sum'], row['high_sum'])} at their rounding, but the "
            f"total is {shown(row['value_usd_mn'])} ({shown_range(row['low'], row['high'])})"
        )
        sources = [row["source_id"], row["source_id_x"], row["source_id_m"]]
        rows = cite(
            (row["file"], row["line"]),
            (row["file_x"], row["line_x"]),
            (row["file_m"], row["line_m"]),
        )
        findings.append(finding("flows_add_up", row, rows, sources, message))
    return findings


def _mirrors(current: pd.DataFrame) -> list[dict]:
    """The two countries' statistics of the same trade differing beyond the tolerance."""
    columns = [*OBSERVATION_KEY, "value_usd_mn", "file", "line", "source_id"]
    # Each trade once: the record of the country that sorts first, met by its partner's.
    first = current["reporter"] < current["partner"]
    own, theirs = current.loc[first, columns], current.loc[~first, columns]
    seen_from_partner = mirror_of(theirs).assign(reporter_m=theirs["reporter"].array)
    pairs = own.merge(seen_from_partner, on=OBSERVATION_KEY, suffixes=("", "_m"))
    pairs = pairs.assign(ratio=pairs["value_usd_mn_m"] / pairs["value_usd_mn"])
    beyond = change(1.0, pairs["ratio"]).abs() > MIRROR_TOLERANCE
    findings = []
    sided = ["reporter", "value_usd_mn", "file", "line", "source_id"]
    for row in records(pairs[beyond], ["ratio"], sided, sides=("", "_m")):
        message = (
            f"{row['reporter']} reports {shown(row['value_usd_mn'])}, {row['reporter_m']} "
            f"reports {shown(row['value_usd_mn_m'])} ({MIRROR_FLOW[row['flow']]} as seen from "
            f"{row['reporter_m']}): ratio {row['ratio']:.2f}, beyond the "
            f"{MIRROR_TOLERANCE:.0%} tolerance"
        )
        rows = cite((row["file"], row["line"]), (row["file_m"], row["line_m"]))
        findings.append(
            finding("mirror", row, rows, [row["source_id"], row["source_id_m"]], message)
        )
    return findings


def _jumps(current: pd.DataFrame) -> list[dict]:
    """Every possible unit slip (:func:`tracker.analysis.jumps.possible_slips`)."""
    typed = current.loc[current["figure_as_written"] != "", ["file", "line", *SERIES_KEY]]
    # Only series with a typed figure can show a slip: the others are not summed. (Their
    # reporters first: a cheap cut before each row's whole key is looked up.)
    near = current[current["reporter"].isin(typed["reporter"].unique())]
    of_typed = near[matching_rows(near, typed[SERIES_KEY])]
    # Years summed from months are neighbours like any other, never slips themselves (their
    # figure was not typed), and have no row to cite.
    series = possible_slips(annual_series(of_typed), SERIES_KEY)
    series = series.dropna(subset=["line"]).astype({"line": int})
    findings = []
    columns = ["year", "value_usd_mn", "file", "line", "source_id"]
    columns += [f"{name}_{side}" for name in ("year", "value", "ratio") for side in SIDES]
    flagged = series[series["is_slip"]].assign(span=lambda years: years["year"].astype(str))
    for row in records(flagged, columns):
        shown_sides = [
            f"{row[f'ratio_{side}']:.2f}x the year {side} "
            f"({row[f'year_{side}']:.0f}: {shown(row[f'value_{side}'])})"
            for side in SIDES
            if pd.notna(row[f"ratio_{side}"])
        ]
        message = (
            f"{shown(row['value_usd_mn'])} in {row['year']} is {' and '.join(shown_sides)}: "
            f"a factor of {JUMP_FACTOR:g} or more, a unit slip?"
        )
        rows = cite((row["file"], row["line"]))
        findings.append(finding("jump", row, rows, row["source_id"], message))
    return findings


def _parts_exceed_years(current: pd.DataFrame) -> list[dict]:
    """Part of a year above the whole year of the same trade.

    Against the same reporter's full year, beyond both figures' rounding; against the
    partner's full year of the same trade (flow mirrored), beyond the mirror tolerance,
    since the two countries' statistics differ that much for known reasons.
    """
    cited = ["file", "line", "source_id"]
    keep = [*SERIES_KEY, "year", "span", "value_usd_mn", "low", "high", *cited]
    read = [*SERIES_KEY, "year", "span", *BOUNDED, *cited, "span_start", "span_end"]
    levels = with_bounds(current[[*read, "is_full_year"]])
    within_year = year_and_month(levels["span_start"])[0] == year_and_month(levels["span_end"])[0]
    parts = levels[within_year & ~levels["is_full_year"]]
    years = levels[levels["is_full_year"]]
    own = parts.merge(years[keep], on=[*SERIES_KEY, "year"], suffixes=("", "_y"))
    own = own[own["low"] > own["high_y"]]
    partner = mirror_of(years[keep]).assign(reporter_y=years["reporter"].to_numpy())
    other = parts.merge(partner, on=[*SERIES_KEY, "year"], suffixes=("", "_y"))
    other = other[change(other["value_usd_mn_y"], other["value_usd_mn"]) > MIRROR_TOLERANCE]
    findings = []
    sided = ["span", "value_usd_mn", "low", "high", "file", "line", "source_id"]
    for row in records(own, sided=sided, sides=("", "_y")):
        message = (
            f"{shown(row['value_usd_mn'])} for {row['span']} is more than the whole year "
            f"{row['span_y']}, {shown(row['value_usd_mn_y'])}, beyond rounding (at least "
            f"{shown(row['low'])} against at most {shown(row['high_y'])})"
        )
        rows = cite((row["file"], row["line"]), (row["file_y"], row["line_y"]))
        sources = [row["source_id"], row["source_id_y"]]
        findings.append(finding("part_exceeds_year", row, rows, sources, message))
    for row in records(other, sided=[*sided, "reporter"], sides=("", "_y")):
        ratio = row["value_usd_mn"] / row["value_usd_mn_y"]
        message = (
            f"{row['reporter']} reports {shown(row['value_usd_mn'])} for {row['span']}, "
            f"{ratio:.2f}x {row['reporter_y']}'s whole year {row['span_y']}, "
            f"{shown(row['value_usd_mn_y'])} ({MIRROR_FLOW[row['flow']]} as seen from "
            f"{row['reporter_y']}): beyond the {MIRROR_TOLERANCE:.0%} mirror tolerance"
        )
        rows = cite((row["file"], row["line"]), (row["file_y"], row["line_y"]))
        sources = [row["source_id"], row["source_id_y"]]
        findings.append(finding("part_exceeds_year", row, rows, sources, message))
    return findings


def current_findings(current: pd.DataFrame) -> list[dict]:
    """Findings among current values: ``flows_add_up``, ``mirror``, ``jump`` and
    ``part_exceeds_year``.

    Parameters
    ----------
    current : pandas.DataFrame
        The current vintage of each key (:func:`tracker.analysis.series.current_vintage`).

    Examples
    --------
    >>> from tracker.core.periods import spans_frame
    >>> rows = pd.DataFrame({"reporter": ["KAZ", "TJK"], "partner": ["TJK", "KAZ"],
    ...     "flow": ["exports", "imports"], "scope": "goods", "span": ["2024-01/2024-06", "2024"],
    ...     "value_usd_mn": [900.0, 500.0], "half_width_usd_mn": 0.5, "qualifier": "",
    ...     "figure_as_written": ["$900 million", "$500 million"], "is_official": False,
    ...     "file": "observations.csv", "line": [2, 3], "source_id": ["a", "b"]})
    >>> rows = rows.join(spans_frame(rows["span"])).assign(year=2024)
    >>> rows["is_full_year"] = rows["span"] == "2024"
    >>> print(current_findings(rows)[0]["message"])
    KAZ reports $900 m for 2024-01/2024-06, 1.80x TJK's whole year 2024, $500 m (imports as
    seen from TJK): beyond the 25% mirror tolerance
    """
    return (
        _flows_add_up(current) + _mirrors(current) + _jumps(current) + _parts_exceed_years(current)
    )


def verdict_flips(data: Datasets, as_of: date) -> list[dict]:
    """Goals judged one way on one country's statistics and another way on the other's.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> flips = verdict_flips(load_datasets("datasets"), date(2026, 11, 30))
    >>> all("the verdict depends on whose statistics" in f["message"] for f in flips)
    True
    """
    gaps = compute_gaps(data, as_of)
    flips = gaps[
        gaps["status"].isin(VERDICTS)
        & gaps["mirror_status"].isin(VERDICTS)
        & (gaps["status"] != gaps["mirror_status"])
    ]
    lines = data.targets.set_index("target_id")["line"]
    return [
        {
            "check": "verdict_flips",
            "severity": "warning",
            "reporter": row.country_a,
            "partner": row.country_b,
            "flow": row.flow,
            "span": str(row.baseline_year),
            "rows": f"targets.csv:{int(lines[row.target_id])}",
            "source_ids": row.source_id,
            "message": (
                f"{row.target_id}: {STATUS_LABELS[row.status]} on {row.judged_by}'s statistics, "
                f"{STATUS_LABELS[row.mirror_status]} on "
                f"{row.country_b if row.judged_by == row.country_a else row.country_a}'s: "
                "the verdict depends on whose statistics"
            ),
        }
        for row in flips.itertuples(index=False)
    ]
