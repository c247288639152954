"""What-if analysis: what growth a target needs, and what a growth path would give.

Pure functions on a target's row of :func:`tracker.analysis.gaps.compute_gaps` and its
series from :func:`tracker.analysis.gaps.target_series` (:func:`target_view` fetches both;
:func:`answer` puts together what the ``tracker whatif`` command prints). Rates are
fractions (0.1 for 10%) in the API; tables report them in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.analysis.gaps import compute_gaps, target_series
from tracker.analysis.series import published_by
from tracker.core.chains import chain_of
from tracker.core.growth import annual_rate, change, compound, compound_path, is_met
from tracker.core.params import MIN_HISTORICAL_RATES, GapParams
from tracker.core.periods import to_date
from tracker.loading.datasets import Datasets

__all__ = [
    "Probability",
    "Scenario",
    "answer",
    "growth_needed",
    "historical_rates",
    "meet_probability",
    "project",
    "project_target",
    "sensitivity",
    "target_view",
]


@dataclass(frozen=True)
class Scenario:
    """A growth path: a constant rate, per-year overrides, and an optional one-off shock.

    Attributes
    ----------
    name : str
        How charts and tables label it.
    rate : float
        Growth every year (0.1 = 10%).
    rates : mapping of int to float
        Growth in particular years, replacing ``rate`` there.
    shock_year : int or None
        A year with an extra one-off change on top of its growth.
    shock : float
        That change (-0.2 = a 20% fall).
    """

    name: str
    rate: float = 0.0
    rates: Mapping[int, float] = field(default_factory=dict)
    shock_year: int | None = None
    shock: float = 0.0

    def yearly_rates(self, years: np.ndarray) -> np.ndarray:
        """Growth in each year, with the shock compounded into its year.

        Examples
        --------
        >>> Scenario("s", 0.1, {2026: 0.0}, shock_year=2027, shock=-0.5).yearly_rates(
        ...     np.array([2025, 2026, 2027])).round(6).tolist()
        [0.1, 0.0, -0.45]
        """
        rates = np.array([self.rates.get(int(y), self.rate) for y in years], dtype=float)
        shocks = np.where(years == self.shock_year, self.shock, 0.0)
        return change(1.0, compound(1 + rates, shocks, 1))


def project(
    start_year: int, start_usd_mn: float, end_year: int, scenario: Scenario
) -> pd.DataFrame:
    """A value carried forward year by year under a scenario.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``year`` (start to end, both included) and ``value_usd_mn``.
    """
    years = np.arange(start_year, end_year + 1)
    rates = np.concatenate([[0.0], scenario.yearly_rates(years[1:])])
    return pd.DataFrame(
        {
            "scenario": scenario.name,
            "year": years,
            "value_usd_mn": compound_path(start_usd_mn, rates),
        }
    )


def project_target(
    row: pd.Series, scenarios: Sequence[Scenario], deadline: int | None = None
) -> pd.DataFrame:
    """Each scenario from the target's baseline to its deadline (or another year)."""
    end = int(deadline if deadline is not None else row["deadline_year"])
    start, value = int(row["baseline_year"]), float(row["baseline_usd_mn"])
    return pd.concat([project(start, value, end, s) for s in scenarios], ignore_index=True)


def growth_needed(row: pd.Series, deadline: int | Sequence[int]) -> float | np.ndarray:
    """Annual growth from the baseline that reaches the target in ``deadline``."""
    years = np.asarray(deadline, dtype=float) - float(row["baseline_year"])
    return annual_rate(float(row["baseline_usd_mn"]), float(row["target_usd_mn"]), years)


def sensitivity(row: pd.Series, rates: Sequence[float], deadlines: Sequence[int]) -> pd.DataFrame:
    """Every growth rate against every deadline: met or not, and by how much.

    Returns
    -------
    pandas.DataFrame
        ``growth_pct``, ``deadline_year``, ``projected_usd_mn``, ``share_of_target``,
        ``is_met``, ``shortfall_usd_mn`` (negative when the target is exceeded).
    """
    rate_grid, deadline_grid = np.meshgrid(np.asarray(rates, float), np.asarray(deadlines))
    years = deadline_grid - int(row["baseline_year"])
    projected = compound(float(row["baseline_usd_mn"]), rate_grid, years)
    target = float(row["target_usd_mn"])
    return pd.DataFrame(
        {
            "growth_pct": 100 * rate_grid.ravel(),
            "deadline_year": deadline_grid.ravel(),
            "projected_usd_mn": projected.ravel(),
            "share_of_target": projected.ravel() / target,
            "is_met": is_met(projected.ravel(), target),
            "shortfall_usd_mn": target - projected.ravel(),
        }
    )


def historical_rates(series: pd.DataFrame, until: int | None = None) -> pd.Series:
    """Year-on-year growth between consecutive reported years, indexed by the later year.

    A gap in the series gives no rate: growth over several years is not one year's.
    """
    points = series.sort_values("year")
    if until is not None:
        points = points[points["year"] <= until]
    years, values = points["year"].to_numpy(), points["value_usd_mn"].to_numpy()
    consecutive = np.diff(years) == 1
    rates = change(values[:-1], values[1:])
    return pd.Series(rates[consecutive], index=years[1:][consecutive], name="growth")


@dataclass(frozen=True)
class Probability:
    """The chance of meeting a target by resampling the pair's own history.

    ``probability`` is None, with ``reason`` saying why, when it cannot be computed.
    ``paths`` holds the simulated values, one row per simulation, one column per year
    from the baseline (excluded) to the deadline.
    """

    probability: float | None
    simulations: int
    seed: int
    rates: pd.Series
    reason: str = ""
    paths: np.ndarray | None = None
    years: np.ndarray | None = None


def meet_probability(
    row: pd.Series,
    series: pd.DataFrame,
    simulations: int = 10_000,
    seed: int = 0,
    deadline: int | None = None,
) -> Probability:
    """Probability that the deadline year's value reaches the target.

    Each simulated year draws, with replacement, one of the judged series' own
    year-on-year growth rates up to the baseline (a bootstrap); the same seed gives the
    same draws.
    """
    judged = series[series["role"] == "judged"]
    base_year = row["baseline_year"]
    if pd.isna(base_year):
        return Probability(
            None,
            simulations,
            seed,
            pd.Series(dtype=float),
            "no baseline: the judged series has no full-year value",
        )
    rates = historical_rates(judged, until=int(base_year))
    end = int(deadline if deadline is not None else row["deadline_year"])
    if len(rates) < MIN_HISTORICAL_RATES:
        years = ", ".join(str(y) for y in rates.index) or "none"
        reason = (
            f"only {len(rates)} year-on-year growth rate(s) in {row['judged_by']}'s "
            f"series (years: {years}); at least {MIN_HISTORICAL_RATES} are needed"
        )
        return Probability(None, simulations, seed, rates, reason)
    if end <= base_year:
        return Probability(
            None,
            simulations,
            seed,
            rates,
            f"the deadline {end} is not after the baseline year {int(base_year)}",
        )
    generator = np.random.default_rng(seed)
    draws = generator.choice(rates.to_numpy(), size=(simulations, end - int(base_year)))
    paths = compound_path(float(row["baseline_usd_mn"]), draws, axis=1)
    met = is_met(paths[:, -1], float(row["target_usd_mn"]))
    return Probability(
        float(met.mean()),
        simulations,
        seed,
        rates,
        "",
        paths,
        np.arange(int(base_year) + 1, end + 1),
    )


def target_view(
    data: Datasets,
    target_id: str,
    as_of,
    params: GapParams | None = None,
    judged_by: str | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """A target's gap row and series as of a date; any statement of its chain will do.

    ``judged_by="partner"`` judges it on the other country's statistics.

    Raises
    ------
    KeyError
        When no statement with that id was published by ``as_of``.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> row, series = target_view(load_datasets("datasets"), "kaz-tjk-2bn-2018", "2025-03-01")
    >>> row["target_id"] != "kaz-tjk-2bn-2018", sorted(set(series["role"]))
    (True, ['judged'])
    """
    as_of = to_date(as_of)
    gaps = compute_gaps(data, as_of, params, judged_by)
    known = data.targets[published_by(data.targets, as_of)]
    if target_id not in set(known["target_id"]):
        raise KeyError(target_id)
    newest = gaps.set_index("target_id", drop=False)
    if target_id not in newest.index:  # an earlier statement: find its chain's newest
        supersedes = dict(zip(known["target_id"], known["supersedes"], strict=True))
        root = chain_of(target_id, supersedes)[-1]
        target_id = gaps.loc[gaps["chain_root"] == root, "target_id"].iloc[0]
    row = newest.loc[target_id]
    series = target_series(data, gaps[gaps["target_id"] == target_id], as_of, judged_by)
    return row, series


def answer(
    data: Datasets,
    target_id: str,
    as_of,
    growth_pct: Sequence[float] | None = None,
    deadline: int | None = None,
    simulations: int | None = None,
    seed: int = 0,
    judged_by: str | None = None,
) -> dict:
    """What it would take to meet a target: the answer of ``tracker whatif``, as data.

    Parameters
    ----------
    data : Datasets
    target_id : str
        Any statement of the goal; its newest is used.
    as_of : datetime.date or str
    growth_pct : sequence of float, optional
        Annual growth rates in percent to project; the historical rate when omitted.
    deadline : int, optional
        A year to judge against instead of the target's deadline.
    simulations : int, optional
        Resample the pair's own year-on-year growth this many times.
    seed : int
        Seed of the resampling: the same seed gives the same answer.
    judged_by : {None, "partner"}
        As for :func:`tracker.analysis.gaps.compute_gaps`.

    Raises
    ------
    KeyError
        When no statement with that id was published by ``as_of``.

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> result = answer(load_datasets("datasets"), "kaz-tjk-2bn-2018", "2025-03-01",
    ...     growth_pct=[10])
    >>> result["baseline_usd_mn"], round(result["growth_needed_pct"], 3)
    (1200.0, 18.563)
    >>> bool(result["scenarios"][0]["is_met"])
    False
    """
    row, series = target_view(data, target_id, as_of, judged_by=judged_by)
    deadline_year = deadline or int(row["deadline_year"])
    result = {
        "target_id": row["target_id"],
        "asked_for": target_id,
        "as_of": str(to_date(as_of)),
        "status": row["status"],
        "judged_by": row["judged_by"],
        "target_usd_mn": float(row["target_usd_mn"]),
        "deadline_year": deadline_year,
        "is_deadline_assumed": bool(row["is_deadline_assumed"]) and not deadline,
        "baseline_year": None,
        "baseline_usd_mn": None,
        "growth_hist_pct": None,
        "growth_needed_pct": None,
        "scenarios": [],
        "probability": None,
    }
    if pd.isna(row["baseline_year"]):
        result["reason"] = f"no full-year value in {row['judged_by']}'s series: nothing to project"
        return result
    ahead = deadline_year > row["baseline_year"]
    historical = None if pd.isna(row["growth_hist_pct"]) else float(row["growth_hist_pct"])
    result |= {
        "baseline_year": int(row["baseline_year"]),
        "baseline_usd_mn": float(row["baseline_usd_mn"]),
        "growth_hist_pct": historical,
        "growth_needed_pct": 100 * float(growth_needed(row, deadline_year)) if ahead else None,
    }
    if growth_pct:
        rates = [g / 100 for g in growth_pct]
    else:
        rates = [] if historical is None else [historical / 100]
    if rates and ahead:
        grid = sensitivity(row, rates, [deadline_year])
        result["scenarios"] = grid.drop(columns="deadline_year").to_dict("records")
    if simulations:
        chance = meet_probability(row, series, simulations, seed, deadline_year)
        result["probability"] = {
            "value": chance.probability,
            "simulations": chance.simulations,
            "seed": chance.seed,
            "reason": chance.reason,
            "rates_pct": {int(y): 100 * r for y, r in chance.rates.items()},
        }
    return result
