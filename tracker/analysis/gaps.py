"""Growth gaps: where every target stands and what growth it needs, as of a date.

Load -> Process -> Validate: :func:`compute_gaps` takes the loaded datasets and an as-of
date and returns one row per tracked goal (the newest link of each chain), computed for all
targets at once and checked by :data:`tracker.validation.tables.gap_table`.

Formulas (:mod:`tracker.core.growth`), for target value T, deadline year D, baseline year
b with value V_b:

- historical growth ``g_hist = (V_b / V_s) ** (1 / (b - s)) - 1``, from the earliest year
  ``s >= b - window`` with a value (none: no historical growth);
- required growth ``g_req = (T / V_b) ** (1 / (D - b)) - 1`` (met when year D's total
  reaches T);
- gap ``g_req - g_hist`` in points; progress ratio ``g_hist / g_req``;
- projection ``V_b * (1 + g_hist) ** (D - b)``; shortfall ``T - projection``;
- year reached ``b + ln(T / V_b) / ln(1 + g_hist)`` when ``g_hist > 0``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.analysis.jumps import possible_slips
from tracker.analysis.series import (
    annual_series,
    current_vintage,
    fiscal_series,
    forecasts,
    observations,
    series_keys,
    year_to_date,
)
from tracker.analysis.statements import newest_links
from tracker.core.growth import annual_rate, change, compound, is_met, years_to_reach
from tracker.core.params import HORIZONS_YEARS, MIRROR_TOLERANCE, GapParams
from tracker.core.periods import CALENDAR_START_MONTH, to_date
from tracker.core.statuses import assign_status
from tracker.core.vocabulary import FORECAST, SERIES_KEY
from tracker.loading.datasets import Datasets
from tracker.validation.tables import SLIP_FLAGS, gap_table

__all__ = ["compute_gaps", "target_series"]

_MIRROR_KEY = [f"mirror_{column}" for column in SERIES_KEY]
#: Goal columns the gap table carries as they are.
_GOAL_COLUMNS = [
    "target_id",
    "country_a",
    "country_b",
    "flow",
    "scope",
    "year_start_month",
    "kind",
    "deadline_year",
    "is_deadline_assumed",
    "deadline_as_worded",
    "deadline_stated_in",
    "stated_date",
    "source_id",
    "chain_root",
    "chain_length",
    "relation",
    "family",
    "stage",
]


def _wanted(keys: pd.DataFrame) -> pd.DataFrame:
    """The judged and mirror keys of every goal, as series keys."""
    return pd.concat([keys[SERIES_KEY], keys[_MIRROR_KEY].set_axis(SERIES_KEY, axis=1)])


def _selected_series(
    data: Datasets, keys: pd.DataFrame, as_of
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current observations and annual series of the judged and mirror keys only."""
    current = current_vintage(observations(data, _wanted(keys)), as_of)
    calendar = annual_series(current).assign(year_start_month=CALENDAR_START_MONTH)
    return current, pd.concat([calendar, fiscal_series(current)], ignore_index=True)


def _keys(goals: pd.DataFrame, judged_by: str | None = None) -> pd.DataFrame:
    """Each goal's series keys, with the month its years start in (January, or a fiscal
    year's first month: a goal stated in fiscal years is judged on them)."""
    keys = series_keys(goals, judged_by)
    return keys.assign(year_start_month=goals["year_start_month"].to_numpy())


def _forecast_points(data: Datasets, keys: pd.DataFrame, as_of) -> pd.DataFrame:
    """Whole-year forecasts on each goal's judged series, as stated (never judged)."""
    # The same selection as the series' (judged and mirror): typed once; the merge below
    # keeps the judged series.
    stated = forecasts(observations(data, _wanted(keys)), as_of)
    stated = stated[stated["is_full_year"]].assign(is_derived=False)
    return keys[["target_id", *SERIES_KEY]].merge(stated, on=SERIES_KEY).assign(role=FORECAST)


def _points(keys: pd.DataFrame, series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each goal's annual points on its judged series and on its mirror series, in the
    goal's own years (calendar or fiscal)."""
    on = [*SERIES_KEY, "year_start_month"]
    judged = keys[["target_id", *on]].merge(series, on=on)
    mirror = (
        keys[["target_id", *_MIRROR_KEY, "year_start_month"]]
        .set_axis(["target_id", *on], axis=1)
        .merge(series, on=on)
    )
    return judged, mirror


def target_series(data: Datasets, gaps: pd.DataFrame, as_of) -> pd.DataFrame:
    """The annual series behind each row of a gap table, for charts and tables.

    Parameters
    ----------
    data : Datasets
    gaps : pandas.DataFrame
        Rows of :func:`compute_gaps`; each is drawn on the series it was judged on
        (its ``judged_by`` column), so a what-if judged on the partner stays so.
    as_of : datetime.date or str

    Returns
    -------
    pandas.DataFrame
        Columns ``target_id``, ``role`` (``judged``, ``mirror``, or ``forecast``: a
        whole-year forecast on the judged series, shown beside it), ``reporter``,
        ``year``, ``value_usd_mn``, ``is_derived``, ``is_official`` (False: a preliminary
        figure from the news), and the ``file``, ``line``, ``source_id`` and
        ``figure_as_written`` of the observation used (empty for a derived year); sorted.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> data = load_datasets("datasets")
    >>> gaps = compute_gaps(data, "2025-03-01")
    >>> tjk = gaps[gaps["chain_root"] == "kaz-tjk-2bn-2018"]
    >>> series = target_series(data, tjk, "2025-03-01")
    >>> series[series["year"] >= 2023][["year", "file", "is_official"]].to_dict("records")
    [{'year': 2023, 'file': 'kaz_bns.parquet', 'is_official': True},
     {'year': 2024, 'file': 'observations.csv', 'is_official': False}]
    """
    keys = _keys(gaps)
    _, series = _selected_series(data, keys, as_of)
    judged, mirror = _points(keys, series)
    columns = ["target_id", "role", "reporter", "year", "value_usd_mn", "is_derived"]
    columns += ["is_official"]
    columns += ["file", "line", "source_id", "figure_as_written"]
    expected = _forecast_points(data, keys, as_of)
    both = pd.concat(
        [
            judged.assign(role="judged")[columns],
            mirror.assign(role="mirror")[columns],
            expected[columns],
        ],
        ignore_index=True,
    )
    return both.sort_values(["target_id", "role", "year"], ignore_index=True)


def _baseline(points: pd.DataFrame, window: int) -> pd.DataFrame:
    """Baseline and window-start year and value per target, from its series points."""
    last = points.sort_values("year").drop_duplicates("target_id", keep="last")
    base = last.set_index("target_id")[["year", "value_usd_mn", "is_derived", "is_official"]]
    base.columns = ["baseline_year", "baseline_usd_mn", "is_baseline_derived", "is_official"]
    # No official release covers the baseline year yet: the news figure is preliminary.
    base["is_baseline_preliminary"] = ~base.pop("is_official").astype(bool)
    base["annual_points"] = points.groupby("target_id").size()

    earlier = points.merge(base["baseline_year"], left_on="target_id", right_index=True)
    # The earliest year inside the window: shorter when history is shorter, never longer.
    inside = (earlier["year"] < earlier["baseline_year"]) & (
        earlier["year"] >= earlier["baseline_year"] - window
    )
    earlier = earlier[inside]
    start = earlier.sort_values("year").drop_duplicates("target_id").set_index("target_id")
    base["history_start_year"] = start["year"]
    base["history_start_usd_mn"] = start["value_usd_mn"]
    return base


def _is_possible_slip(points: pd.DataFrame, target_ids: pd.Series, years: pd.Series) -> np.ndarray:
    """Whether each target's figure for a year is a possible unit slip on the series it is
    judged on (:func:`~tracker.analysis.jumps.possible_slips`, the audit's ``jump``)."""
    slips = possible_slips(points.sort_values(["target_id", "year"]), ["target_id"])
    slips = slips[slips["is_slip"]]
    flagged = pd.MultiIndex.from_arrays([slips["target_id"], slips["year"].astype(float)])
    wanted = pd.MultiIndex.from_arrays([target_ids, years.astype(float)])
    return wanted.isin(flagged)


def _year_to_date(spans: pd.DataFrame, keys: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Latest January-to-month span after the baseline year, against a year earlier (for a
    goal in calendar years); ``spans`` are :func:`year_to_date`'s."""
    keys = keys[keys["year_start_month"] == CALENDAR_START_MONTH]
    ytd = keys[["target_id", *SERIES_KEY]].merge(spans, on=SERIES_KEY)
    ytd = ytd.merge(base["baseline_year"], left_on="target_id", right_index=True, how="left")
    ytd = ytd[ytd["baseline_year"].isna() | (ytd["year"] > ytd["baseline_year"])]
    latest = ytd.sort_values("span_end").drop_duplicates("target_id", keep="last")
    latest = latest.set_index("target_id")
    return pd.DataFrame(
        {
            "ytd_span": latest["span"],
            "ytd_usd_mn": latest["value_usd_mn"],
            "ytd_prior_usd_mn": latest["prior_usd_mn"],
            "ytd_year": latest["year"],
        }
    )


def _resolved_targets(goals: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Each goal's value in USD millions: its own, or its multiple of the base year's value
    on the series it is judged on (missing while that year is not reported)."""
    base = _at_year(points, goals["target_id"], goals["base_year"])
    relative = goals["multiple"].notna().to_numpy()
    return pd.DataFrame(
        {
            "target_usd_mn": np.where(relative, goals["multiple"] * base, goals["value_usd_mn"]),
            "target_multiple": goals["multiple"],
            "target_base_year": goals["base_year"],
            "target_base_usd_mn": np.where(relative, base, np.nan),
        },
        index=goals.index,
    )


def _at_year(points: pd.DataFrame, target_ids: pd.Series, years: pd.Series) -> np.ndarray:
    """Each target's series value in a given year (NaN where there is none)."""
    values = points.set_index(["target_id", "year"])["value_usd_mn"]
    wanted = pd.MultiIndex.from_arrays([target_ids, years.astype(float)])
    return values.reindex(wanted).to_numpy()


def compute_gaps(
    data: Datasets, as_of, params: GapParams | None = None, judged_by: str | None = None
) -> pd.DataFrame:
    """Where every tracked goal stands as of a date.

    Parameters
    ----------
    data : Datasets
        Loaded datasets.
    as_of : datetime.date or str
        Only sources published by this day (``YYYY-MM-DD``) are used.
    params : GapParams, optional
        Window and thresholds; the defaults when omitted.
    judged_by : {None, "partner"}
        None judges each goal on its own reporter (``judged_by`` column, else its first
        country); ``"partner"`` judges every goal on the other country's statistics.

    Returns
    -------
    pandas.DataFrame
        One row per newest link of every target chain known by ``as_of`` (potentials
        included, with status ``not_judged``), validated by
        :data:`tracker.validation.tables.gap_table`. Growth rates are in percent.
        ``mirror_status`` is the status the goal would have on the other country's
        statistics (on its own reporter's, when ``judged_by="partner"``).

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> gaps = compute_gaps(load_datasets("datasets"), "2025-03-01")
    >>> row = gaps.set_index("chain_root").loc["kaz-tjk-2bn-2018"]
    >>> row["baseline_usd_mn"], round(row["growth_req_pct"], 3)
    (np.float64(1200.0), np.float64(18.563))
    >>> row["status"], row["mirror_status"]  # on Tajikistan's figures: no full year
    ('off_track', 'no_baseline')
    """
    as_of, params = to_date(as_of), params or GapParams()
    goals = newest_links(data.targets, as_of, params)
    keys = _keys(goals, judged_by)
    # The judged and mirror series of one side are the other side's mirror and judged
    # series: selected and typed once for both.
    current, series = _selected_series(data, keys, as_of)
    spans = year_to_date(current)
    out = _judged(goals, keys, spans, series, as_of, params)
    # The verdict on the other country's statistics, beside it: a flip is worth knowing.
    other_keys = _keys(goals, None if judged_by else "partner")
    other = _judged(goals, other_keys, spans, series, as_of, params)
    out["mirror_status"] = out["target_id"].map(other.set_index("target_id")["status"])
    return gap_table.validate(out)


def _judged(
    goals: pd.DataFrame,
    keys: pd.DataFrame,
    spans: pd.DataFrame,
    series: pd.DataFrame,
    as_of,
    params: GapParams,
) -> pd.DataFrame:
    """The gap table's rows on one side's statistics (``keys``), before validation; ``spans``
    are the year-to-date spans of every selected series (:func:`year_to_date`)."""
    points, mirror_points = _points(keys, series)
    out = goals[_GOAL_COLUMNS].copy()
    out["judged_by"] = keys["reporter"]
    out = out.join(_resolved_targets(goals, points))
    out = out.join(_baseline(points, params.window_years), on="target_id")
    out["annual_points"] = out["annual_points"].fillna(0).astype(int)
    out["is_baseline_derived"] = out["is_baseline_derived"].fillna(False).astype(bool)
    out["is_baseline_preliminary"] = out["is_baseline_preliminary"].fillna(False).astype(bool)
    for column in ("baseline_year", "history_start_year"):
        out[column] = out[column].astype("Int64")
    # A verdict resting on a figure typed in the wrong unit is flagged, not silently kept.
    for year, flag in SLIP_FLAGS.items():
        out[flag] = _is_possible_slip(points, out["target_id"], out[year])

    out["deadline_usd_mn"] = _at_year(points, out["target_id"], out["deadline_year"])
    out["mirror_usd_mn"] = _at_year(mirror_points, out["target_id"], out["baseline_year"])
    out["mirror_ratio"] = out["baseline_usd_mn"] / out["mirror_usd_mn"]
    out["is_mirror_apart"] = (change(1.0, out["mirror_ratio"]).abs() > MIRROR_TOLERANCE).fillna(
        False
    )

    target, value = out["target_usd_mn"], out["baseline_usd_mn"]
    base_year = out["baseline_year"].astype(float)
    years_left = out["deadline_year"].astype(float) - base_year
    span = base_year - out["history_start_year"].astype(float)
    g_hist = annual_rate(out["history_start_usd_mn"], value, span)
    g_req = annual_rate(value, target, years_left.where(years_left > 0))
    out["share_achieved"] = value / target
    out["growth_hist_pct"] = 100 * g_hist
    out["growth_req_pct"] = 100 * g_req
    out["gap_pp"] = out["growth_req_pct"] - out["growth_hist_pct"]
    out["progress_ratio"] = (g_hist / g_req).where(g_req > 0)
    out["projected_usd_mn"] = compound(value, g_hist, years_left).where(years_left > 0)
    out["shortfall_usd_mn"] = target - out["projected_usd_mn"]
    rising = (g_hist > 0) & ~is_met(value, target)
    out["year_reached"] = (base_year + years_to_reach(value, target, g_hist)).where(rising)
    for horizon in HORIZONS_YEARS:
        out[f"growth_req_{horizon}y_pct"] = 100 * annual_rate(value, target, horizon)

    out = out.join(_year_to_date(spans, keys, out.set_index("target_id")), on="target_id")
    out["ytd_yoy_pct"] = 100 * change(out["ytd_prior_usd_mn"], out["ytd_usd_mn"])
    is_next = out["ytd_year"].astype(float) == base_year + 1
    out["nowcast_year"] = out["ytd_year"].where(is_next & out["ytd_yoy_pct"].notna())
    out["nowcast_year"] = out["nowcast_year"].astype("Int64")
    out["nowcast_usd_mn"] = (value * (1 + out["ytd_yoy_pct"] / 100)).where(
        out["nowcast_year"].notna()
    )
    out["status"] = assign_status(out, as_of, params)
    out = out.drop(columns=["ytd_year", "deadline_usd_mn"])
    return out.sort_values("target_id", ignore_index=True)
