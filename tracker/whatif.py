"""What-if analysis: what growth a target needs, and what a growth path would give.

Pure functions on a target's row of :func:`tracker.gaps.compute_gaps` and its series from
:func:`tracker.gaps.target_series` (:func:`target_view` fetches both). Rates are
fractions (0.1 for 10%) in the API; tables report them in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from tracker.datasets import Datasets
from tracker.gaps import GapParams, compute_gaps, target_series
from tracker.growth import annual_rate, compound

__all__ = [
    "MIN_HISTORICAL_RATES",
    "Probability",
    "Scenario",
    "growth_needed",
    "historical_rates",
    "meet_probability",
    "project",
    "project_target",
    "sensitivity",
    "target_view",
]

#: Fewer year-on-year rates than this, and resampling them says nothing: the probability
#: is reported as unavailable rather than invented.
MIN_HISTORICAL_RATES = 3


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

    def factors(self, years: np.ndarray) -> np.ndarray:
        """Growth factor (1 + rate, times the shock) for each year."""
        rates = np.array([self.rates.get(int(y), self.rate) for y in years], dtype=float)
        shocks = np.where(years == self.shock_year, 1 + self.shock, 1.0)
        return (1 + rates) * shocks


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
    factors = np.concatenate([[1.0], scenario.factors(years[1:])])
    return pd.DataFrame(
        {
            "scenario": scenario.name,
            "year": years,
            "value_usd_mn": start_usd_mn * np.cumprod(factors),
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
            "is_met": projected.ravel() >= target,
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
    rates = values[1:] / values[:-1] - 1
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
    paths = float(row["baseline_usd_mn"]) * np.cumprod(1 + draws, axis=1)
    met = paths[:, -1] >= float(row["target_usd_mn"])
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
    data: Datasets, target_id: str, as_of: date, params: GapParams | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """A target's gap row and series as of a date; any statement of its chain will do.

    Raises
    ------
    KeyError
        When no statement with that id was published by ``as_of``.
    """
    gaps = compute_gaps(data, as_of, params)
    known = data.targets[data.targets["published_on"] <= pd.Timestamp(as_of)]
    if target_id not in set(known["target_id"]):
        raise KeyError(target_id)
    newest = gaps.set_index("target_id", drop=False)
    if target_id not in newest.index:  # an earlier statement: find its chain's newest
        root = _chain_root(known, target_id)
        target_id = gaps.loc[gaps["chain_root"] == root, "target_id"].iloc[0]
    row = newest.loc[target_id]
    series = target_series(data, gaps[gaps["target_id"] == target_id], as_of)
    return row, series


def _chain_root(targets: pd.DataFrame, target_id: str) -> str:
    parent = dict(zip(targets["target_id"], targets["supersedes"], strict=True))
    while parent.get(target_id):
        target_id = parent[target_id]
    return target_id
