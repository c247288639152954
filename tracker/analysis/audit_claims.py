"""The audit's checks on stated growth: a rate the stated levels cannot produce, and two
rates of the same figure that cannot both be true, each at its written precision.

:func:`tracker.analysis.audit.audit` runs them beside its other checks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.analysis.findings import (
    cite,
    finding,
    first_of_pair,
    records,
    shown,
    shown_range,
    with_bounds,
)
from tracker.core.figures import parse_growth, value_range
from tracker.core.growth import change
from tracker.core.periods import spans_frame, year_earlier
from tracker.core.vocabulary import OBSERVATION_KEY, SERIES_KEY

__all__ = ["claim_findings"]


def claim_findings(obs: pd.DataFrame) -> list[dict]:
    """The findings on stated growth among observations (typed, and keyed by the months
    they cover): ``growth_claim`` and ``growth_claims_disagree``.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> findings = claim_findings(load_datasets("datasets").observations)
    >>> sorted({found["check"] for found in findings})
    ['growth_claim']
    """
    claims = _claims(obs)
    return _growth_claims(claims, obs) + _growth_claims_disagree(claims)


def _claims(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows stating a growth, with the months it compares with (``base_start``,
    ``base_end``) and the signed range the stated rate allows (``stated_low``,
    ``stated_high``, percent).

    The rate as written is known to half its last digit; its ``growth_qualifier`` widens
    that as a level's qualifier does, on the magnitude ("almost 30%" is 28.5% to 30%;
    "fell almost 20%" is -20% to -19%).
    """
    claims = obs[obs["growth_pct"].notna()]
    given = claims["growth_base_span"].ne("")
    explicit = spans_frame(claims["growth_base_span"])
    texts = claims["growth_as_written"]
    readings = {text: parse_growth(text) for text in texts.unique() if text}
    magnitude = texts.map({text: read[0] for text, read in readings.items()}).astype(float)
    half = texts.map({text: read[1] for text, read in readings.items()}).astype(float)
    # A release's growth has no text: every digit it gives is exact.
    magnitude = magnitude.fillna(claims["growth_pct"].abs())
    low, high = value_range(magnitude, half, claims["growth_qualifier"])
    fell = claims["growth_pct"] < 0
    return claims.assign(
        base_start=explicit["span_start"].where(given, year_earlier(claims["span_start"])),
        base_end=explicit["span_end"].where(given, year_earlier(claims["span_end"])),
        stated_low=low.where(~fell, -high),
        stated_high=high.where(~fell, -low),
    )


def _stated(row, other: str = "") -> str:
    """A stated growth as printed, signed: ``almost +30%``."""
    rate = shown(row[f"growth_pct{other}"], "pct")
    return f"{row[f'growth_qualifier{other}']} {rate}".strip()


def _growth_claims(claims: pd.DataFrame, obs: pd.DataFrame) -> list[dict]:
    """A stated growth that the stated levels cannot produce at their precision."""
    levels = with_bounds(obs[obs["value"].notna()])
    # The claim's own level where it printed one, otherwise every source's level.
    claimed = claims.drop(columns=["value_usd_mn"]).merge(
        levels[[*OBSERVATION_KEY, "file", "line", "value_usd_mn", "low", "high"]],
        on=OBSERVATION_KEY,
        suffixes=("", "_now"),
    )
    own = (claimed["line"] == claimed["line_now"]) & (claimed["file"] == claimed["file_now"])
    claimed = claimed[claimed["value"].isna() | own]
    base = [*SERIES_KEY, "span_start", "span_end", "span", "file", "line", "value_usd_mn"]
    pairs = claimed.merge(
        levels[[*base, "low", "high", "source_id"]],
        left_on=[*SERIES_KEY, "base_start", "base_end"],
        right_on=[*SERIES_KEY, "span_start", "span_end"],
        suffixes=("", "_base"),
    )
    pairs = pairs.assign(
        implied_low=100 * change(pairs["high_base"], pairs["low"]),
        implied_high=100 * change(pairs["low_base"], pairs["high"]),
    )
    apart = (pairs["stated_high"] < pairs["implied_low"]) | (
        pairs["stated_low"] > pairs["implied_high"]
    )
    findings = []
    columns = ["growth_pct", "growth_qualifier", "stated_low", "stated_high", "span_base"]
    columns += ["implied_low", "implied_high", "value_usd_mn", "value_usd_mn_base"]
    columns += ["source_id", "source_id_base"]
    for row in records(pairs[apart], columns, ["file", "line"], sides=("", "_now", "_base")):
        message = (
            f"stated {_stated(row)} "
            f"({shown_range(row['stated_low'], row['stated_high'], 'pct')}), but "
            f"{shown(row['value_usd_mn'])} after {shown(row['value_usd_mn_base'])} in "
            f"{row['span_base']} implies "
            f"{shown_range(row['implied_low'], row['implied_high'], 'pct')} given the rounding"
        )
        rows = cite(
            (row["file"], row["line"]),
            (row["file_now"], row["line_now"]),
            (row["file_base"], row["line_base"]),
        )
        sources = [row["source_id"], row["source_id_base"]]
        findings.append(finding("growth_claim", row, rows, sources, message))
    return findings


def _cited_claim(row, side: str) -> str:
    """A stated growth as a finding cites it: the rate, its words and source and the range
    they allow; a release's rate has no words and no rounding."""
    source, written = row[f"source_id{side}"], row[f"growth_as_written{side}"]
    if not written:
        return f"{_stated(row, side)} (as released, {source})"
    allowed = shown_range(row[f"stated_low{side}"], row[f"stated_high{side}"], "pct")
    return f"{_stated(row, side)} ({written}, {source}: {allowed})"


def _growth_claims_disagree(claims: pd.DataFrame) -> list[dict]:
    """Two stated growths of the same figure over the same base that cannot both be true.

    Two releases differing is a revision, as for levels; any claim by a reported source
    is compared with every other.
    """
    key = [*SERIES_KEY, "span", "base_start", "base_end"]
    claims = claims[claims.duplicated(key, keep=False)]
    pairs = claims.merge(claims, on=key, suffixes=("", "_b"))
    pairs = pairs[first_of_pair(pairs) & ~(pairs["is_official"] & pairs["is_official_b"])]
    pairs = pairs.assign(
        gap=np.maximum(
            pairs["stated_low_b"] - pairs["stated_high"],
            pairs["stated_low"] - pairs["stated_high_b"],
        )
    )
    findings = []
    columns = ["growth_pct", "growth_qualifier", "growth_as_written", "stated_low"]
    columns += ["stated_high", "source_id", "file", "line"]
    for row in records(pairs[pairs["gap"] > 0], ["gap"], columns):
        cited = [_cited_claim(row, side) for side in ("", "_b")]
        message = (
            f"{cited[0]} and {cited[1]} cannot both be true: "
            f"{shown(row['gap'], 'pp')} apart at their written precision"
        )
        rows = cite((row["file"], row["line"]), (row["file_b"], row["line_b"]))
        sources = [row["source_id"], row["source_id_b"]]
        findings.append(finding("growth_claims_disagree", row, rows, sources, message))
    return findings
