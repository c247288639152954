"""The report's methods section: how every number was made, with this run's parameters."""

from __future__ import annotations

from datetime import date

from tracker.core.params import (
    ABOUT_SHARE,
    HORIZONS_YEARS,
    JUMP_FACTOR,
    MIRROR_TOLERANCE,
    NEARLY_SHARE,
    GapParams,
)

__all__ = ["methods"]


def methods(params: GapParams, as_of: date) -> list[str]:
    """The methods and assumptions, in words, with the parameters of this run: the last
    section of the report.

    Examples
    --------
    >>> from tracker.core.params import GapParams
    >>> lines = methods(GapParams(), date(2026, 11, 30))
    >>> "Only figures and statements published by 2026-11-30" in lines[1]
    True
    """
    return [
        "Each goal is judged on the newest statement of its chain of restatements; a "
        "restatement without a year keeps the last year stated for the same value, while a "
        "raised or lowered goal starts without one; no goal is judged against a year before "
        "it was stated.",
        f"Only figures and statements published by {as_of} are used; a date known only to "
        "the month or year counts from that period's last day. Where several sources give "
        "the same figure, an official one (a statistics release or database extract) is "
        "current, else the newest publication; news figures for years no release covers "
        "yet are marked preliminary.",
        "The annual series holds full-year figures (January-December) or, flagged, the sum "
        "of twelve monthly figures. Part-year figures never enter it; the latest year to "
        "date gives a flagged nowcast.",
        f"Historical growth: compound annual growth from the earliest year within "
        f"{params.window_years} years before the baseline (shorter when history is "
        "shorter, never longer). Required growth: compound annual growth from the baseline "
        "to the target in the deadline year.",
        f"Status: on track from a progress ratio (historical / required growth) of "
        f"{params.on_track_ratio}; needs acceleration from {params.acceleration_ratio}; off "
        "track below; reversing when historical growth is zero or negative. Potentials are "
        "tracked, never judged. Each goal also shows the status it would have on the other "
        "country's statistics.",
        f"No stated deadline: assumed {params.assumed_horizon_years} years after the "
        "statement, always shown as assumed, with the growth needed for "
        f"{', '.join(map(str, HORIZONS_YEARS))} years after the baseline beside it.",
        "Audit: precision from each figure as written (1.2 billion is +/-0.05 billion); "
        f"'about' widens it to at least {ABOUT_SHARE:.0%}, 'nearly' reaches "
        f"{NEARLY_SHARE:.0%} below; news is checked against the releases, growth claims "
        f"against the levels and each other, part years against whole years; mirror "
        f"figures are compared beyond a {MIRROR_TOLERANCE:.0%} difference; a typed year "
        f"{JUMP_FACTOR:g} times above or below the adjacent years is flagged as a possible "
        "unit slip; a verdict that flips with the reporter is flagged.",
        "All values in US dollars (current), millions unless shown as billions.",
    ]
