"""The audit's checks on current values, and what every finding shares.

A finding has the columns :data:`FINDING_COLUMNS`, cites its rows as ``file:line`` and
prints every number with its unit (:func:`shown`). The checks here compare the current
figures of different keys: exports and imports with the total, a country's figures with
its partner's, a year with the years beside it, part of a year with the whole year; and a
goal's verdict on one country's statistics with its verdict on the other's.
:func:`tracker.analysis.audit.audit` runs them beside the checks over every vintage.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tracker.analysis.gaps import compute_gaps
from tracker.analysis.series import annual_series, mirror_of
from tracker.core.figures import value_range
from tracker.core.growth import change
from tracker.core.params import JUMP_FACTOR, MIRROR_TOLERANCE
from tracker.core.statuses import STATUS_LABELS, VERDICTS
from tracker.core.units import MN_PER_BN
from tracker.core.vocabulary import FLOWS, MIRROR_FLOW, SERIES_KEY
from tracker.loading.datasets import Datasets

__all__ = [
    "FINDING_COLUMNS",
    "cite",
    "current_findings",
    "finding",
    "records",
    "shown",
    "shown_range",
    "verdict_flips",
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


def with_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with ``low`` and ``high``: the range each figure as written allows.

    Examples
    --------
    >>> rows = pd.DataFrame({"value_usd_mn": [75.0, 893.0], "half_width_usd_mn": [0.5, 0.5],
    ...     "qualifier": ["about", "nearly"]})
    >>> with_bounds(rows)[["low", "high"]].round(2).to_dict("records")
    [{'low': 71.25, 'high': 78.75}, {'low': 848.35, 'high': 893.0}]
    """
    low, high = value_range(frame["value_usd_mn"], frame["half_width_usd_mn"], frame["qualifier"])
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


def _flows_add_up(current: pd.DataFrame) -> list[dict]:
    """Exports plus imports must equal the total for the same reporter and span, where
    one of the three was typed from a document (it has a figure as written)."""
    levels = with_bounds(current)
    wide = {flow: levels[levels["flow"] == flow].drop(columns="flow") for flow in FLOWS}
    on = ["reporter", "partner", "span"]
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
    seen_from_partner = mirror_of(current).assign(reporter_m=current["reporter"].to_numpy())
    pairs = current.merge(seen_from_partner, on=[*SERIES_KEY, "span"], suffixes=("", "_m"))
    pairs = pairs[pairs["reporter"] < pairs["reporter_m"]]
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


#: The years beside a year, in the words of a jump's message.
SIDES = ("before", "after")


def _jumps(current: pd.DataFrame) -> list[dict]:
    """A typed full year JUMP_FACTOR times above or below each adjacent year present.

    Only the year just before and just after count: 2017 against 2020 is three years of
    growth, not a unit slip.
    """
    series = annual_series(current).dropna(subset=["line"]).astype({"line": int})
    typed = current.loc[current["figure_as_written"] != "", ["file", "line"]].assign(_typed=True)
    series = series.merge(typed, on=["file", "line"], how="left")
    grouped = series.groupby(SERIES_KEY, observed=True)
    ratios = {}
    for side, step in zip(SIDES, (1, -1), strict=True):
        neighbour = grouped[["year", "value_usd_mn"]].shift(step)
        adjacent = (series["year"] - neighbour["year"]).abs() == 1
        series[f"year_{side}"] = neighbour["year"]
        series[f"value_{side}"] = neighbour["value_usd_mn"]
        ratios[side] = (series["value_usd_mn"] / neighbour["value_usd_mn"]).where(adjacent)
    ratios = pd.DataFrame(ratios)
    series = series.assign(ratio_before=ratios["before"], ratio_after=ratios["after"])
    up = (ratios >= JUMP_FACTOR) | ratios.isna()
    down = (ratios <= 1 / JUMP_FACTOR) | ratios.isna()
    has_neighbour = ratios.notna().any(axis=1)
    # A unit slip is a typing error: imported tables come with their unit, checked on
    # import, and small partners' trade does jump fivefold.
    flagged = has_neighbour & (up.all(axis=1) | down.all(axis=1)) & series["_typed"].notna()
    findings = []
    columns = ["year", "value_usd_mn", "file", "line", "source_id"]
    columns += [f"{name}_{side}" for name in ("year", "value", "ratio") for side in SIDES]
    flagged = series[flagged].assign(span=lambda years: years["year"].astype(str))
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
    levels = with_bounds(current)
    within_year = levels["span_start"].dt.year == levels["span_end"].dt.year
    parts = levels[within_year & ~levels["is_full_year"]]
    years = levels[levels["is_full_year"]]
    keep = [*SERIES_KEY, "year", "span", "value_usd_mn", "low", "high"]
    keep += ["file", "line", "source_id"]
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
