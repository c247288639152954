"""Statuses: their names, how a report words them, and the rule that assigns them.

The rule is one ordered list of (condition, status): the first condition that holds wins.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tracker.core.growth import is_met
from tracker.core.params import GapParams
from tracker.core.vocabulary import POTENTIAL

__all__ = ["NOT_JUDGED", "STATUSES", "STATUS_LABELS", "VERDICTS", "assign_status"]

#: How each status reads in a report, in the order reports list them.
STATUS_LABELS = {
    "achieved": "achieved",
    "on_track": "on track",
    "needs_acceleration": "needs acceleration",
    "off_track": "off track",
    "reversing": "reversing",
    "missed": "missed",
    "awaiting_data": "awaiting data",
    "insufficient_history": "insufficient history",
    "no_baseline": "no baseline",
    "no_base_value": "base year not reported",
    "not_judged": "not judged (potential)",
}
#: The status of a potential: tracked, never judged.
NOT_JUDGED = "not_judged"
#: Every status a goal can have.
STATUSES = tuple(STATUS_LABELS)
#: The statuses that pass judgement on a goal (the rest say why none can be passed).
VERDICTS = ("achieved", "on_track", "needs_acceleration", "off_track", "reversing", "missed")
#: What a goal is when no condition of :func:`assign_status` holds.
_FALLBACK = "off_track"


def assign_status(gaps: pd.DataFrame, as_of: date, params: GapParams) -> np.ndarray:
    """The status of every row of a gap table, as of a date.

    ``gaps`` needs ``kind``, ``baseline_year``, ``baseline_usd_mn``, ``target_usd_mn``,
    ``deadline_usd_mn`` (the value reported for the deadline year, if any),
    ``deadline_year``, ``growth_hist_pct`` and ``progress_ratio``.

    Examples
    --------
    >>> row = dict(kind="target", baseline_year=2024, baseline_usd_mn=1200.0,
    ...     target_usd_mn=2000.0, deadline_usd_mn=np.nan, deadline_year=2027,
    ...     growth_hist_pct=18.0, progress_ratio=0.97)
    >>> assign_status(pd.DataFrame([row]), date(2025, 3, 1), GapParams()).tolist()
    ['on_track']
    """
    ratio = gaps["progress_ratio"]
    deadline = gaps["deadline_year"].astype(float)
    rules = [
        (gaps["kind"] == POTENTIAL, NOT_JUDGED),
        (gaps["baseline_year"].isna(), "no_baseline"),
        # A goal stated as a multiple of a year the series does not hold has no value.
        (gaps["target_usd_mn"].isna(), "no_base_value"),
        (is_met(gaps["baseline_usd_mn"], gaps["target_usd_mn"]), "achieved"),
        # Met in its deadline year and fallen since: achieved when it was due.
        (is_met(gaps["deadline_usd_mn"], gaps["target_usd_mn"]), "achieved"),
        # A value for the deadline year that is known and was not met (met was taken above).
        (gaps["deadline_usd_mn"].notna(), "missed"),
        (deadline < as_of.year, "awaiting_data"),
        # No earlier year inside the growth window (one annual point is the plain case).
        (gaps["growth_hist_pct"].isna(), "insufficient_history"),
        (gaps["growth_hist_pct"] <= 0, "reversing"),
        (ratio >= params.on_track_ratio, "on_track"),
        (ratio >= params.acceleration_ratio, "needs_acceleration"),
    ]
    conditions = [pd.Series(c).fillna(False).astype(bool) for c, _ in rules]
    return np.select(conditions, [status for _, status in rules], _FALLBACK)
