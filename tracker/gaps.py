"""Growth gaps: where every target stands and what growth it needs, as of a date.

SPEC section 5. Load -> Process -> Validate: :func:`compute_gaps` takes the loaded datasets
and an as-of date and returns one row per tracked goal (the newest link of each chain),
computed for all targets at once and checked by :data:`tracker.schemas.gap_table`.

Formulas, for target value T, deadline year D, baseline year b with value V_b:

- historical growth ``g_hist = (V_b / V_s) ** (1 / (b - s)) - 1`` over a window of
  ``window_years`` (the earliest year ``s >= b - window`` with a value);
- required growth ``g_req = (T / V_b) ** (1 / (D - b)) - 1`` (met when year D's total
  reaches T);
- gap ``g_req - g_hist`` in points; progress ratio ``g_hist / g_req``;
- projection ``V_b * (1 + g_hist) ** (D - b)``; shortfall ``T - projection``;
- year reached ``b + ln(T / V_b) / ln(1 + g_hist)`` when ``g_hist > 0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tracker.datasets import Datasets, observations_for
from tracker.figures import BOUNDS
from tracker.growth import annual_rate, compound, years_to_reach
from tracker.schemas import MIRROR_FLOW, gap_table

__all__ = [
    "HORIZONS_YEARS",
    "GapParams",
    "annual_series",
    "compute_gaps",
    "current_vintage",
    "newest_links",
    "target_series",
]

#: Horizons, in years after the baseline, for which the required growth is shown beside an
#: assumed deadline (SPEC section 5).
HORIZONS_YEARS = (3, 5, 10)
#: Months a year-to-date span must start in: only January-to-month spans are cumulative.
_JANUARY = 1
_MONTHS_IN_YEAR = 12
_KEY = ["reporter", "partner", "flow"]


@dataclass(frozen=True)
class GapParams:
    """The judgement calls of the gap computation, in one place.

    Attributes
    ----------
    window_years : int
        Years over which historical growth is measured (shorter when history is shorter).
    on_track_ratio : float
        Progress ratio (historical / required growth) from which a target is on track.
    acceleration_ratio : float
        Progress ratio from which it needs acceleration; below it, off track.
    assumed_horizon_years : int
        Years after the statement when no deadline was ever stated.
    """

    window_years: int = 3
    on_track_ratio: float = 0.95
    acceleration_ratio: float = 0.6
    assumed_horizon_years: int = 5


def current_vintage(observations: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The value current as of a date for every reporter, partner, flow and span.

    Only rows published by ``as_of`` count. Of several, the newest point figure is current
    (a tie goes to the row further down its file, the later entry); a bound ("over",
    "less than") is used only where no point figure exists, since it is not a level.
    ``revisions`` counts the older values it replaces.
    """
    known = observations[
        (observations["published_on"] <= pd.Timestamp(as_of)) & observations["value"].notna()
    ]
    known = known.assign(_is_point=~known["qualifier"].isin(BOUNDS))
    ordered = known.sort_values(["_is_point", "published_on", "line"], kind="stable")
    key = [*_KEY, "span"]
    current = ordered.drop_duplicates(key, keep="last").drop(columns="_is_point")
    revisions = ordered.groupby(key, observed=True).size().rename("revisions") - 1
    return current.merge(revisions.reset_index(), on=key, how="left")


def annual_series(current: pd.DataFrame) -> pd.DataFrame:
    """Full-year values by reporter, partner, flow and year.

    A year reported only as twelve monthly values is summed and flagged ``is_derived``;
    part-year spans never enter the series.
    """
    columns = [*_KEY, "year", "value_usd_mn", "source_id", "line"]
    reported = current.loc[current["is_full_year"], columns].assign(is_derived=False)
    single = current[current["span_start"] == current["span_end"]]
    monthly = single.groupby([*_KEY, "year"], observed=True).agg(
        value_usd_mn=("value_usd_mn", "sum"), months=("value_usd_mn", "size")
    )
    monthly = monthly[monthly["months"] == _MONTHS_IN_YEAR].reset_index()
    monthly = monthly.merge(reported[[*_KEY, "year"]], how="left", indicator=True)
    derived = monthly.loc[monthly["_merge"] == "left_only", [*_KEY, "year", "value_usd_mn"]]
    derived = derived.assign(source_id="", line=pd.NA, is_derived=True)
    series = pd.concat([reported, derived], ignore_index=True) if len(derived) else reported
    return series.sort_values([*_KEY, "year"], ignore_index=True)


def newest_links(targets: pd.DataFrame, as_of: date, params: GapParams) -> pd.DataFrame:
    """The newest statement of every goal known as of a date, with its effective deadline.

    A restatement without a year keeps the latest year stated earlier in its chain; a
    chain that never stated one is judged against ``stated year + assumed_horizon_years``,
    flagged ``is_deadline_assumed``.
    """
    known = targets[targets["published_on"] <= pd.Timestamp(as_of)].copy()
    parent = known.set_index("target_id")["supersedes"]
    parent = parent[parent.isin(known["target_id"])]
    root, depth = known["target_id"].copy(), pd.Series(0, index=known.index)
    while (step := root.map(parent)).notna().any():
        depth += step.notna()
        root = step.fillna(root)
    known["chain_root"], known["chain_depth"] = root, depth
    known["chain_length"] = known.groupby("chain_root")["target_id"].transform("size")

    dated = known[known["deadline_year"].notna()].sort_values("chain_depth")
    stated = dated.drop_duplicates("chain_root", keep="last").set_index("chain_root")
    newest = known[~known["target_id"].isin(parent.to_numpy())].copy()
    newest["deadline_stated_in"] = newest["chain_root"].map(stated["target_id"])
    carried = newest["chain_root"].map(stated["deadline_year"]).astype("Int64")
    newest["is_deadline_assumed"] = carried.isna()
    assumed = newest["stated_year"] + params.assumed_horizon_years
    newest["deadline_year"] = carried.fillna(assumed).astype("Int64")
    return newest.reset_index(drop=True)


def _series_keys(goals: pd.DataFrame) -> pd.DataFrame:
    """The judged and mirror series keys of each goal."""
    judge = goals["judged_by"].where(goals["judged_by"] != "", goals["country_a"])
    judged_is_a = judge == goals["country_a"]
    other = goals["country_b"].where(judged_is_a, goals["country_a"])
    flow = goals["flow"].where(judged_is_a, goals["flow"].map(MIRROR_FLOW))
    return pd.DataFrame(
        {
            "target_id": goals["target_id"],
            "reporter": judge,
            "partner": other,
            "flow": flow,
            "mirror_reporter": other,
            "mirror_flow": flow.map(MIRROR_FLOW),
        }
    )


def _selected_series(
    data: Datasets, keys: pd.DataFrame, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current observations and annual series of the judged and mirror keys only."""
    wanted = pd.concat(
        [keys[_KEY], keys[["mirror_reporter", "reporter", "mirror_flow"]].set_axis(_KEY, axis=1)]
    )
    current = current_vintage(observations_for(data, wanted), as_of)
    return current, annual_series(current)


def target_series(data: Datasets, gaps: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The annual series behind each row of a gap table, for charts and tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``target_id``, ``role`` (``judged`` or ``mirror``), ``reporter``,
        ``year``, ``value_usd_mn``, ``is_derived``, and the ``source_id`` and ``line`` of
        the observation used (empty for a derived year); sorted.
    """
    keys = _series_keys(gaps)
    _, series = _selected_series(data, keys, as_of)
    judged = keys[["target_id", *_KEY]].merge(series, on=_KEY).assign(role="judged")
    mirror = (
        keys[["target_id", "mirror_reporter", "reporter", "mirror_flow"]]
        .set_axis(["target_id", *_KEY], axis=1)
        .merge(series, on=_KEY)
        .assign(role="mirror")
    )
    columns = [
        "target_id",
        "role",
        "reporter",
        "year",
        "value_usd_mn",
        "is_derived",
        "source_id",
        "line",
    ]
    both = pd.concat([judged[columns], mirror[columns]], ignore_index=True)
    return both.sort_values(["target_id", "role", "year"], ignore_index=True)


def _baseline(points: pd.DataFrame, window: int) -> pd.DataFrame:
    """Baseline and window-start year and value per target, from its series points."""
    last = points.sort_values("year").drop_duplicates("target_id", keep="last")
    base = last.set_index("target_id")[["year", "value_usd_mn", "is_derived"]]
    base.columns = ["baseline_year", "baseline_usd_mn", "is_baseline_derived"]
    base["annual_points"] = points.groupby("target_id").size()

    earlier = points.merge(base["baseline_year"], left_on="target_id", right_index=True)
    earlier = earlier[earlier["year"] < earlier["baseline_year"]]
    window_start = earlier["baseline_year"] - window
    # Prefer the earliest year inside the window; failing that, the latest before it.
    earlier = earlier.assign(
        distance=np.where(
            earlier["year"] >= window_start,
            earlier["year"] - window_start,
            window_start - earlier["year"] + 10 * window,
        )
    )
    start = earlier.sort_values("distance").drop_duplicates("target_id").set_index("target_id")
    base["history_start_year"] = start["year"]
    base["history_start_usd_mn"] = start["value_usd_mn"]
    return base


def _year_to_date(current: pd.DataFrame, keys: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Latest January-to-month span after the baseline year, against a year earlier."""
    partial = current[
        ~current["is_full_year"]
        & (current["span_start"].dt.month == _JANUARY)
        & (current["span_start"].dt.year == current["span_end"].dt.year)
    ]
    ytd = keys[["target_id", *_KEY]].merge(partial, on=_KEY)
    ytd = ytd.merge(base["baseline_year"], left_on="target_id", right_index=True, how="left")
    ytd = ytd[ytd["baseline_year"].isna() | (ytd["year"] > ytd["baseline_year"])]
    latest = ytd.sort_values("span_end").drop_duplicates("target_id", keep="last")
    prior = partial.assign(span_end=partial["span_end"] + _MONTHS_IN_YEAR)[
        [*_KEY, "span_end", "value_usd_mn"]
    ].rename(columns={"value_usd_mn": "ytd_prior_usd_mn"})
    latest = latest.merge(prior, on=[*_KEY, "span_end"], how="left").set_index("target_id")
    return pd.DataFrame(
        {
            "ytd_span": latest["span"],
            "ytd_usd_mn": latest["value_usd_mn"],
            "ytd_prior_usd_mn": latest["ytd_prior_usd_mn"],
            "ytd_year": latest["year"],
        }
    )


def _status(frame: pd.DataFrame, as_of: date, params: GapParams) -> np.ndarray:
    ratio = frame["progress_ratio"]
    deadline = frame["deadline_year"].astype(float)
    conditions = [
        frame["kind"] == "potential",
        frame["baseline_year"].isna(),
        frame["baseline_usd_mn"] >= frame["target_usd_mn"],
        frame["deadline_usd_mn"].notna() & (frame["deadline_usd_mn"] < frame["target_usd_mn"]),
        deadline < as_of.year,
        frame["annual_points"] < 2,
        frame["growth_hist_pct"] <= 0,
        ratio >= params.on_track_ratio,
        ratio >= params.acceleration_ratio,
    ]
    choices = [
        "not_judged",
        "no_baseline",
        "achieved",
        "missed",
        "awaiting_data",
        "insufficient_history",
        "reversing",
        "on_track",
        "needs_acceleration",
    ]
    return np.select([c.fillna(False).astype(bool) for c in conditions], choices, "off_track")


def compute_gaps(data: Datasets, as_of: date, params: GapParams | None = None) -> pd.DataFrame:
    """Where every tracked goal stands as of a date.

    Parameters
    ----------
    data : Datasets
        Loaded datasets.
    as_of : datetime.date
        Only sources published by this day are used.
    params : GapParams, optional
        Window and thresholds; the defaults of SPEC section 5.

    Returns
    -------
    pandas.DataFrame
        One row per newest link of every target chain known by ``as_of`` (potentials
        included, with status ``not_judged``), validated by
        :data:`tracker.schemas.gap_table`. Growth rates are in percent.
    """
    params = params or GapParams()
    goals = newest_links(data.targets, as_of, params)
    keys = _series_keys(goals)
    current, series = _selected_series(data, keys, as_of)

    points = keys[["target_id", *_KEY]].merge(series, on=_KEY)
    base = _baseline(points, params.window_years)
    mirror = keys.merge(
        series,
        left_on=["mirror_reporter", "reporter", "mirror_flow"],
        right_on=["reporter", "partner", "flow"],
        suffixes=("", "_m"),
    )

    out = goals[
        [
            "target_id",
            "country_a",
            "country_b",
            "flow",
            "kind",
            "deadline_year",
            "is_deadline_assumed",
            "deadline_as_worded",
            "deadline_stated_in",
            "stated_date",
            "source_id",
            "chain_root",
            "chain_length",
        ]
    ].copy()
    out["judged_by"] = keys["reporter"]
    out["target_usd_mn"] = goals["value_usd_mn"]
    out = out.join(base, on="target_id")
    out["annual_points"] = out["annual_points"].fillna(0).astype(int)
    out["is_baseline_derived"] = out["is_baseline_derived"].fillna(False).astype(bool)
    for column in ("baseline_year", "history_start_year"):
        out[column] = out[column].astype("Int64")

    at_deadline = points.set_index(["target_id", "year"])["value_usd_mn"]
    out["deadline_usd_mn"] = at_deadline.reindex(
        pd.MultiIndex.from_arrays([out["target_id"], out["deadline_year"].astype(float)])
    ).to_numpy()
    at_base = mirror.set_index(["target_id", "year"])["value_usd_mn"]
    out["mirror_usd_mn"] = at_base.reindex(
        pd.MultiIndex.from_arrays([out["target_id"], out["baseline_year"].astype(float)])
    ).to_numpy()
    out["mirror_ratio"] = out["baseline_usd_mn"] / out["mirror_usd_mn"]

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
    rising = (g_hist > 0) & (value < target)
    out["year_reached"] = (base_year + years_to_reach(value, target, g_hist)).where(rising)
    for horizon in HORIZONS_YEARS:
        out[f"growth_req_{horizon}y_pct"] = 100 * annual_rate(value, target, horizon)

    ytd = _year_to_date(current, keys, base)
    out = out.join(ytd, on="target_id")
    out["ytd_yoy_pct"] = 100 * (out["ytd_usd_mn"] / out["ytd_prior_usd_mn"] - 1)
    is_next = out["ytd_year"].astype(float) == base_year + 1
    out["nowcast_year"] = out["ytd_year"].where(is_next & out["ytd_yoy_pct"].notna())
    out["nowcast_year"] = out["nowcast_year"].astype("Int64")
    out["nowcast_usd_mn"] = (value * (1 + out["ytd_yoy_pct"] / 100)).where(
        out["nowcast_year"].notna()
    )
    out["status"] = _status(out, as_of, params)
    out = out.drop(columns=["ytd_year", "deadline_usd_mn"])
    out = out.sort_values("target_id", ignore_index=True)
    return gap_table.validate(out)
