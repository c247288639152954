"""Schemas of the typed tables the tracker computes: observations after typing, and the
gap table. The files economists edit have theirs in :mod:`tracker.validation.schemas`.
"""

from __future__ import annotations

import pandera.pandas as pa

from tracker.core.params import HORIZONS_YEARS
from tracker.core.statuses import STATUSES
from tracker.core.vocabulary import COUNTRIES, FLOWS, LINK_RELATIONS, SCOPES, TARGET_KINDS

__all__ = [
    "SLIP_FLAGS",
    "STATUS_COLUMNS",
    "STATUS_CSV_EXTRA",
    "gap_table",
    "typed_observations",
]


def _num(description: str, *checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=True, description=description)


def _int(description: str) -> pa.Column:
    return pa.Column("Int64", nullable=True, description=description)


_RATIO_MIN = pa.Check.ge(0)

#: Observations from every file, typed once: what every computation reads.
typed_observations = pa.DataFrameSchema(
    {
        "file": pa.Column(str, description="The dataset file the row is in."),
        "line": pa.Column(int, pa.Check.ge(1), description="Its line (CSV) or row (panel)."),
        "reporter": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "partner": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "flow": pa.Column(str, pa.Check.isin(FLOWS)),
        "scope": pa.Column(str, pa.Check.isin(SCOPES)),
        "span": pa.Column(str),
        "span_start": pa.Column("period[M]"),
        "span_end": pa.Column("period[M]"),
        "is_full_year": pa.Column(bool),
        "year": pa.Column(int, description="Calendar year of the span's last month."),
        "value": _num("The number as recorded, in currency x scale.", pa.Check.gt(0)),
        "value_usd_mn": _num("The value in US dollar millions.", pa.Check.gt(0)),
        "half_width_usd_mn": _num("Half the last printed digit, in US dollar millions."),
        "growth_pct": _num("Stated growth in percent."),
        "source_id": pa.Column(str),
        "published_on": pa.Column("datetime64[ns]", description="Its source's latest day."),
        "is_official": pa.Column(
            bool, description="Its source is a statistics release or database extract."
        ),
        "is_forecast": pa.Column(
            bool, description="Expected for a period not yet ended: never in a series."
        ),
    },
    checks=[
        pa.Check(
            lambda frame: frame["value"].isna() | frame["value_usd_mn"].notna(),
            error="a value given must convert to US dollars (is its exchange rate missing?)",
        )
    ],
    name="typed_observations",
    strict=False,
)

#: The gap table that :func:`tracker.analysis.gaps.compute_gaps` returns: one row per tracked goal.
gap_table = pa.DataFrameSchema(
    {
        "target_id": pa.Column(str, unique=True, description="Newest link of the chain."),
        "country_a": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "country_b": pa.Column(str, pa.Check.isin(COUNTRIES)),
        "flow": pa.Column(str, pa.Check.isin(FLOWS)),
        "scope": pa.Column(str, pa.Check.isin(SCOPES), description="What trade it counts."),
        "year_start_month": pa.Column(
            int,
            pa.Check.in_range(1, 12),
            description="First month of the goal's years: 1, calendar; else a fiscal year.",
        ),
        "kind": pa.Column(str, pa.Check.isin(TARGET_KINDS)),
        "judged_by": pa.Column(str, pa.Check.isin(COUNTRIES), description="Judged reporter."),
        "target_usd_mn": _num(
            "Target value; for a multiple of a base year, resolved from the series.",
            pa.Check.gt(0),
        ),
        "target_multiple": _num("A goal stated as this multiple of its base year.", pa.Check.gt(0)),
        "target_base_year": _int("The year the multiple is of."),
        "target_base_usd_mn": _num("The base year's value on the judged series.", pa.Check.gt(0)),
        "deadline_year": _int("Stated, carried or assumed deadline."),
        "is_deadline_assumed": pa.Column(bool, description="No deadline was ever stated."),
        "deadline_as_worded": pa.Column(str),
        "deadline_stated_in": pa.Column(
            str, nullable=True, description="Chain link that stated the deadline."
        ),
        "stated_date": pa.Column(str),
        "source_id": pa.Column(str),
        "chain_root": pa.Column(
            str, description="First statement of the goal: its identity across restatements."
        ),
        "chain_length": pa.Column(int, pa.Check.ge(1)),
        "relation": pa.Column(
            str,
            pa.Check.isin(["", *LINK_RELATIONS]),
            description="How the newest statement relates to the one before (empty: first).",
        ),
        "family": pa.Column(str, description="Goals stated side by side share it; may be empty."),
        "stage": _int("Order of a staged goal in its family."),
        "baseline_year": _int("Latest year with a full-year value."),
        "baseline_usd_mn": _num("Value in the baseline year.", pa.Check.gt(0)),
        "is_baseline_derived": pa.Column(bool, description="Summed from twelve months."),
        "is_baseline_preliminary": pa.Column(
            bool, description="A reported (news) figure: no official release covers the year yet."
        ),
        "is_baseline_possible_slip": pa.Column(
            bool, description="The baseline figure is a possible unit slip (audit jump)."
        ),
        "annual_points": pa.Column(int, pa.Check.ge(0)),
        "history_start_year": _int("First year of the growth window."),
        "history_start_usd_mn": _num("Value in that year.", pa.Check.gt(0)),
        "is_history_start_possible_slip": pa.Column(
            bool, description="That figure is a possible unit slip (audit jump)."
        ),
        "mirror_usd_mn": _num("Partner-reported value in the baseline year.", pa.Check.gt(0)),
        "mirror_ratio": _num("Judged value over mirror value.", pa.Check.gt(0)),
        "is_mirror_apart": pa.Column(
            bool, description="The two statistics differ beyond the mirror tolerance."
        ),
        "share_achieved": _num("Baseline value over target (1 = reached).", _RATIO_MIN),
        "growth_hist_pct": _num("Annual growth over the window."),
        "growth_req_pct": _num("Annual growth needed from baseline to deadline."),
        "gap_pp": _num("Required minus historical growth, points."),
        "progress_ratio": _num("Historical over required growth."),
        "projected_usd_mn": _num("Value at the deadline at the historical rate.", _RATIO_MIN),
        "shortfall_usd_mn": _num("Target minus projection."),
        "year_reached": _num("Fractional year the trend reaches the target."),
        **{
            f"growth_req_{h}y_pct": _num(
                f"Growth needed to reach the target {h} years after the baseline."
            )
            for h in HORIZONS_YEARS
        },
        "ytd_span": pa.Column(str, nullable=True, description="Latest year-to-date span."),
        "ytd_usd_mn": _num("Its value.", pa.Check.gt(0)),
        "ytd_prior_usd_mn": _num("Same months a year earlier.", pa.Check.gt(0)),
        "ytd_yoy_pct": _num("Year-on-year growth of the year to date."),
        "nowcast_year": _int("Year the nowcast is for (baseline + 1)."),
        "nowcast_usd_mn": _num(
            "Baseline x (1 + year-to-date growth); flagged, never an annual value.", _RATIO_MIN
        ),
        "status": pa.Column(str, pa.Check.isin(STATUSES)),
        "mirror_status": pa.Column(
            str, pa.Check.isin(STATUSES), description="Status on the other side's statistics."
        ),
    },
    name="gap_table",
    strict=True,
    coerce=True,
)
#: The years a verdict rests on (baseline, the growth window's start), each with the
#: column that says its figure is a possible unit slip.
SLIP_FLAGS = {
    "baseline_year": "is_baseline_possible_slip",
    "history_start_year": "is_history_start_possible_slip",
}
#: The status columns a CI or spreadsheet reads first, in this order.
STATUS_COLUMNS = [
    "target_id",
    "country_a",
    "country_b",
    "flow",
    "target_usd_mn",
    "deadline_year",
    "is_deadline_assumed",
    "baseline_year",
    "baseline_usd_mn",
    "is_baseline_preliminary",
    "share_achieved",
    "growth_hist_pct",
    "growth_req_pct",
    "gap_pp",
    "projected_usd_mn",
    "year_reached",
    "status",
    "mirror_status",
    *SLIP_FLAGS.values(),
]

#: Columns of a report's status.csv after :data:`STATUS_COLUMNS` (its note from targets.csv).
STATUS_CSV_EXTRA = [
    "deadline_as_worded",
    "stated_date",
    "judged_by",
    "scope",
    "year_start_month",
    "target_multiple",
    "target_base_year",
    "target_base_usd_mn",
    "family",
    "stage",
    "note",
]
