"""Consistency findings: figures that cannot all be true at their written precision.

Each check takes the loaded observations and returns findings; every
finding names its severity, the rows (file and line) and sources involved, and the
arithmetic that convicts them. All checks here are warnings: the data stays as printed,
and the disagreement is information for the reader.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tracker.analysis.series import (
    annual_series,
    current_vintage,
    mirror_of,
    observations,
    published_by,
)
from tracker.core.figures import parse_growth, value_range
from tracker.core.growth import change
from tracker.core.params import JUMP_FACTOR, MIRROR_TOLERANCE
from tracker.core.periods import spans_frame, to_date, year_earlier
from tracker.core.vocabulary import FLOWS, MIRROR_FLOW, OBSERVATION_KEY, SERIES_KEY
from tracker.loading.datasets import Datasets

__all__ = ["FINDING_COLUMNS", "audit"]

_KEY = SERIES_KEY

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


def _with_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with ``low`` and ``high``: the range each figure as written allows."""
    low, high = value_range(frame["value_usd_mn"], frame["half_width_usd_mn"], frame["qualifier"])
    return frame.assign(low=low, high=high)


def _rows(*places) -> str:
    """``file:line`` of each (file, line) pair, in order, each once."""
    return "; ".join(dict.fromkeys(f"{file}:{int(line)}" for file, line in places))


def _finding(check: str, row: pd.Series, rows: str, sources: str, message: str) -> dict:
    return {
        "check": check,
        "severity": "warning",
        "reporter": row["reporter"],
        "partner": row["partner"],
        "flow": row["flow"],
        "span": row["span"],
        "rows": rows,
        "source_ids": sources,
        "message": message,
    }


def _growth_claims(obs: pd.DataFrame) -> list[dict]:
    """A stated growth that the stated levels cannot produce at their precision."""
    levels = _with_bounds(obs[obs["value"].notna()])
    claims = obs[obs["growth_pct"].notna()].copy()
    base = claims["growth_base_span"].where(claims["growth_base_span"] != "", None)
    shifted_start = year_earlier(claims["span_start"])
    shifted_end = year_earlier(claims["span_end"])
    explicit = spans_frame(base.fillna(""))
    claims["base_start"] = explicit["span_start"].where(base.notna(), shifted_start)
    claims["base_end"] = explicit["span_end"].where(base.notna(), shifted_end)
    # The claim's own level where it printed one, otherwise every source's level.
    claims = claims.drop(columns=["value_usd_mn"]).merge(
        levels[[*OBSERVATION_KEY, "file", "line", "value_usd_mn", "low", "high"]],
        on=OBSERVATION_KEY,
        suffixes=("", "_now"),
    )
    own = (claims["line"] == claims["line_now"]) & (claims["file"] == claims["file_now"])
    claims = claims[claims["value"].isna() | own]
    pairs = claims.merge(
        levels[
            [
                *_KEY,
                "span_start",
                "span_end",
                "file",
                "line",
                "value_usd_mn",
                "low",
                "high",
                "source_id",
            ]
        ],
        left_on=[*_KEY, "base_start", "base_end"],
        right_on=[*_KEY, "span_start", "span_end"],
        suffixes=("", "_base"),
    )
    findings = []
    for _, row in pairs.iterrows():
        stated, half = parse_growth(row["growth_as_written"])
        stated = float(np.sign(row["growth_pct"]) or 1) * stated
        implied_low = 100 * change(row["high_base"], row["low"])
        implied_high = 100 * change(row["low_base"], row["high"])
        if stated + half < implied_low or stated - half > implied_high:
            message = (
                f"stated {stated:+.1f}%, but {row['value_usd_mn']:g} / "
                f"{row['value_usd_mn_base']:g} implies {implied_low:+.2f}% to "
                f"{implied_high:+.2f}% given the rounding"
            )
            sources = "; ".join(dict.fromkeys([row["source_id"], row["source_id_base"]]))
            rows = _rows(
                (row["file"], row["line"]),
                (row["file_now"], row["line_now"]),
                (row["file_base"], row["line_base"]),
            )
            findings.append(_finding("growth_claim", row, rows, sources, message))
    return findings


def _cited(value: float, figure: str, source_id: str) -> str:
    """A value with its figure as written (a release's rows have none) and its source."""
    return f"{value:g} ({figure or 'as released'}, {source_id})"


def _source_disagreements(obs: pd.DataFrame) -> list[dict]:
    """Two sources giving the same figure differently beyond both figures' rounding.

    A reported figure against a release is the check of news against official statistics;
    two releases differing is a revision, the revision history, not a finding.
    """
    levels = _with_bounds(obs[obs["value"].notna()])
    pairs = levels.merge(levels, on=OBSERVATION_KEY, suffixes=("", "_b"))
    first = (pairs["file"] < pairs["file_b"]) | (
        (pairs["file"] == pairs["file_b"]) & (pairs["line"] < pairs["line_b"])
    )
    pairs = pairs[first & ~(pairs["is_official"] & pairs["is_official_b"])]
    apart = (pairs["high"] < pairs["low_b"]) | (pairs["high_b"] < pairs["low"])
    findings = []
    for _, row in pairs[apart].iterrows():
        verdict = (
            "the official figure is current"
            if row["is_official"] != row["is_official_b"]
            else "published the same day, so neither is taken as a revision"
            if row["published_on"] == row["published_on_b"]
            else "the newer publication is taken as the current value"
        )
        message = (
            f"{_cited(row['value_usd_mn'], row['figure_as_written'], row['source_id'])} and "
            f"{_cited(row['value_usd_mn_b'], row['figure_as_written_b'], row['source_id_b'])} "
            f"differ beyond rounding; {verdict}"
        )
        sources = f"{row['source_id']}; {row['source_id_b']}"
        findings.append(
            _finding(
                "sources_disagree",
                row,
                _rows((row["file"], row["line"]), (row["file_b"], row["line_b"])),
                sources,
                message,
            )
        )
    return findings


def _flows_add_up(current: pd.DataFrame) -> list[dict]:
    """Exports plus imports must equal the total for the same reporter and span, where
    one of the three was typed from a document (it has a figure as written)."""
    levels = _with_bounds(current)
    wide = {flow: levels[levels["flow"] == flow].drop(columns="flow") for flow in FLOWS}
    on = ["reporter", "partner", "span"]
    joined = (
        wide["total"]
        .merge(wide["exports"], on=on, suffixes=("", "_x"))
        .merge(wide["imports"], on=on, suffixes=("", "_m"))
    )
    low = joined["low_x"] + joined["low_m"]
    high = joined["high_x"] + joined["high_m"]
    # An imported table's total may differ from the sum of its rounded parts, as statistics
    # offices warn, and its rounding is not recorded: only figures typed as written count.
    typed = (
        joined[["figure_as_written", "figure_as_written_x", "figure_as_written_m"]]
        .ne("")
        .any(axis=1)
    )
    apart = ((high < joined["low"]) | (low > joined["high"])) & typed
    findings = []
    for index, row in joined[apart].iterrows():
        total = row["value_usd_mn_x"] + row["value_usd_mn_m"]
        message = (
            f"exports {row['value_usd_mn_x']:g} + imports {row['value_usd_mn_m']:g} = "
            f"{total:g}, but the total is {row['value_usd_mn']:g} (between {low[index]:g} "
            f"and {high[index]:g} would fit the rounding)"
        )
        sources = "; ".join(
            dict.fromkeys([row["source_id"], row["source_id_x"], row["source_id_m"]])
        )
        rows = _rows(
            (row["file"], row["line"]),
            (row["file_x"], row["line_x"]),
            (row["file_m"], row["line_m"]),
        )
        findings.append(
            _finding("flows_add_up", {**row.to_dict(), "flow": "total"}, rows, sources, message)
        )
    return findings


def _mirrors(current: pd.DataFrame) -> list[dict]:
    """The two countries' statistics of the same trade differing beyond the tolerance."""
    seen_from_partner = mirror_of(current).assign(reporter_m=current["reporter"].to_numpy())
    pairs = current.merge(seen_from_partner, on=OBSERVATION_KEY, suffixes=("", "_m"))
    pairs = pairs[pairs["reporter"] < pairs["reporter_m"]]
    ratio = pairs["value_usd_mn_m"] / pairs["value_usd_mn"]
    beyond = change(1.0, ratio).abs() > MIRROR_TOLERANCE
    findings = []
    for index, row in pairs[beyond].iterrows():
        message = (
            f"{row['reporter']} reports {row['value_usd_mn']:g}, {row['reporter_m']} reports "
            f"{row['value_usd_mn_m']:g} ({MIRROR_FLOW[row['flow']]} as seen from "
            f"{row['reporter_m']}): "
            f"ratio {ratio[index]:.2f}, beyond the {MIRROR_TOLERANCE:.0%} tolerance"
        )
        sources = f"{row['source_id']}; {row['source_id_m']}"
        findings.append(
            _finding(
                "mirror",
                row,
                _rows((row["file"], row["line"]), (row["file_m"], row["line_m"])),
                sources,
                message,
            )
        )
    return findings


def _jumps(current: pd.DataFrame) -> list[dict]:
    """A typed full year JUMP_FACTOR times above or below every neighbouring year."""
    series = annual_series(current).dropna(subset=["line"]).astype({"line": int})
    typed = current.loc[current["figure_as_written"] != "", ["file", "line"]].assign(_typed=True)
    series = series.merge(typed, on=["file", "line"], how="left")
    grouped = series.groupby(_KEY, observed=True)
    ratios = pd.DataFrame(
        {
            "before": series["value_usd_mn"] / grouped["value_usd_mn"].shift(1),
            "after": series["value_usd_mn"] / grouped["value_usd_mn"].shift(-1),
        }
    )
    up = (ratios >= JUMP_FACTOR) | ratios.isna()
    down = (ratios <= 1 / JUMP_FACTOR) | ratios.isna()
    has_neighbour = ratios.notna().any(axis=1)
    # A unit slip is a typing error: imported tables come with their unit, checked on
    # import, and small partners' trade does jump fivefold.
    flagged = has_neighbour & (up.all(axis=1) | down.all(axis=1)) & series["_typed"].notna()
    findings = []
    for index, row in series[flagged].iterrows():
        shown = [
            f"{ratios.at[index, side]:.2f}x the year {side}"
            for side in ("before", "after")
            if pd.notna(ratios.at[index, side])
        ]
        message = (
            f"{row['value_usd_mn']:g} in {row['year']} is {' and '.join(shown)} "
            f"(a factor of {JUMP_FACTOR:g} or more): a unit slip?"
        )
        findings.append(
            _finding(
                "jump",
                {**row.to_dict(), "span": str(row["year"])},
                _rows((row["file"], row["line"])),
                row["source_id"],
                message,
            )
        )
    return findings


def audit(data: Datasets, as_of: date | None = None) -> pd.DataFrame:
    """Every consistency finding in the observations.

    Parameters
    ----------
    data : Datasets
    as_of : datetime.date or str, optional
        Only observations published by this day; all of them when None.

    Returns
    -------
    pandas.DataFrame
        One row per finding, columns :data:`FINDING_COLUMNS`, in a stable order.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> findings = audit(load_datasets("datasets"))
    >>> claim = findings[findings["message"].str.contains("53.7 / 52.5")].iloc[0]
    >>> print(claim["check"], claim["message"])
    growth_claim stated +0.9%, but 53.7 / 52.5 implies +2.09% to +2.48% given the rounding
    """
    as_of = pd.Timestamp.max.date() if as_of is None else to_date(as_of)
    everything = observations(data)
    obs = everything[published_by(everything, as_of)]
    current = current_vintage(obs, as_of)
    findings = (
        _growth_claims(obs)
        + _source_disagreements(obs)
        + _flows_add_up(current)
        + _mirrors(current)
        + _jumps(current)
    )
    table = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    return table.sort_values(
        ["check", "reporter", "partner", "flow", "span", "rows"], ignore_index=True
    )
