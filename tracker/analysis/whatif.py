"""What-if analysis: what growth a target needs, and what a growth path would give.

Pure functions on a target's row of :func:`tracker.analysis.gaps.compute_gaps` and its
series from :func:`tracker.analysis.gaps.target_series`
(:func:`tracker.analysis.questions.target_view` fetches both). Rates are
fractions (0.1 for 10%) in the API; tables report them in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.analysis.jumps import possible_slips
from tracker.core.growth import annual_rate, change, compound, compound_path, is_met
from tracker.core.params import MAX_SIMULATED_VALUES, MIN_HISTORICAL_RATES

__all__ = [
    "Probability",
    "Scenario",
    "SimulationTooLarge",
    "growth_needed",
    "historical_rates",
    "meet_probability",
    "project",
    "project_target",
    "sensitivity",
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

    Examples
    --------
    >>> path = project(2024, 1000.0, 2026, Scenario("dip", 0.1, shock_year=2026, shock=-0.5))
    >>> path["value_usd_mn"].round(6).tolist()  # 1000, 1000 x 1.1, 1100 x 1.1 x 0.5
    [1000.0, 1100.0, 605.0]
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

    Examples
    --------
    >>> project(2024, 1200.0, 2026, Scenario("ten", 0.1))["value_usd_mn"].round(6).tolist()
    [1200.0, 1320.0, 1452.0]
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
    """Each scenario from the target's baseline to its deadline (or another year).

    Examples
    --------
    >>> row = pd.Series({"baseline_year": 2024, "baseline_usd_mn": 1000.0,
    ...     "deadline_year": 2026})
    >>> project_target(row, [Scenario("flat"), Scenario("up", 0.5)])["value_usd_mn"].tolist()
    [1000.0, 1000.0, 1000.0, 1000.0, 1500.0, 2250.0]
    """
    end = int(deadline if deadline is not None else row["deadline_year"])
    start, value = int(row["baseline_year"]), float(row["baseline_usd_mn"])
    return pd.concat([project(start, value, end, s) for s in scenarios], ignore_index=True)


def growth_needed(row: pd.Series, deadline: int | Sequence[int]) -> float | np.ndarray:
    """Annual growth from the baseline that reaches the target in ``deadline``.

    Examples
    --------
    >>> row = pd.Series({"baseline_year": 2024, "baseline_usd_mn": 1200.0,
    ...     "target_usd_mn": 2000.0})
    >>> round(float(growth_needed(row, 2027)), 6)  # (2000 / 1200) ** (1 / 3) - 1
    0.185631
    """
    years = np.asarray(deadline, dtype=float) - float(row["baseline_year"])
    return annual_rate(float(row["baseline_usd_mn"]), float(row["target_usd_mn"]), years)


def sensitivity(row: pd.Series, rates: Sequence[float], deadlines: Sequence[int]) -> pd.DataFrame:
    """Every growth rate against every deadline: met or not, and by how much.

    Returns
    -------
    pandas.DataFrame
        ``growth_pct``, ``deadline_year``, ``projected_usd_mn``, ``share_of_target``,
        ``is_met``, ``shortfall_usd_mn`` (negative when the target is exceeded).

    Examples
    --------
    >>> row = pd.Series({"baseline_year": 2024, "baseline_usd_mn": 1000.0,
    ...     "target_usd_mn": 1200.0})
    >>> grid = sensitivity(row, [0.0, 0.1], [2026])
    >>> grid[["growth_pct", "projected_usd_mn", "is_met"]].round(6).to_dict("records")
    [{'growth_pct': 0.0, 'projected_usd_mn': 1000.0, 'is_met': False},
     {'growth_pct': 10.0, 'projected_usd_mn': 1210.0, 'is_met': True}]
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


def _rates(series: pd.DataFrame, until: int | None) -> tuple[pd.Series, pd.Series]:
    """Growth between consecutive years: the rates kept, and those next to a possible slip."""
    points = series.sort_values("year")
    if "figure_as_written" not in points:  # given without its figures: none was typed
        points = points.assign(figure_as_written="")
    # Slips are judged on the whole series: the until year's slip needs its year after.
    is_slip = possible_slips(points, by=[])["is_slip"].to_numpy()
    if until is not None:
        kept = (points["year"] <= until).to_numpy()
        points, is_slip = points[kept], is_slip[kept]
    years, values = points["year"].to_numpy(), points["value_usd_mn"].to_numpy()
    consecutive = np.diff(years) == 1
    near_slip = is_slip[:-1] | is_slip[1:]
    rates = change(values[:-1], values[1:])
    return tuple(
        pd.Series(rates[which], index=years[1:][which], name="growth")
        for which in (consecutive & ~near_slip, consecutive & near_slip)
    )


def historical_rates(series: pd.DataFrame, until: int | None = None) -> pd.Series:
    """Year-on-year growth between consecutive reported years, indexed by the later year.

    A gap in the series gives no rate: growth over several years is not one year's. Nor
    does a year next to a possible unit slip (a typed figure far off the years beside it,
    :func:`~tracker.analysis.jumps.possible_slips`; without ``figure_as_written``, no
    year was typed).

    Examples
    --------
    >>> series = pd.DataFrame({"year": [2019, 2020, 2021, 2023],
    ...     "value_usd_mn": [100.0, 110.0, 99.0, 150.0]})
    >>> historical_rates(series).round(6).to_dict()  # no rate across the 2022 gap
    {2020: 0.1, 2021: -0.1}
    >>> typed = series.assign(figure_as_written=["", "", "$9.9 million", ""],
    ...     value_usd_mn=[100.0, 110.0, 9.9, 150.0])  # 2021 typed in millions for billions?
    >>> historical_rates(typed).round(6).to_dict()
    {2020: 0.1}
    """
    return _rates(series, until)[0]


class SimulationTooLarge(ValueError):
    """More simulated values asked for than :data:`MAX_SIMULATED_VALUES` allows.

    Examples
    --------
    >>> str(SimulationTooLarge(10**9, 5))  # doctest: +ELLIPSIS
    '1,000,000,000 simulations over 5 years would hold 5,000,000,000 values; at most ...'
    """

    def __init__(self, simulations: int, years: int):
        super().__init__(
            f"{simulations:,} simulations over {years} years would hold "
            f"{simulations * years:,} values; at most {MAX_SIMULATED_VALUES:,} fit in memory "
            "(fewer simulations, or an earlier deadline)"
        )


@dataclass(frozen=True)
class Probability:
    """The chance of meeting a target by resampling the pair's own history.

    ``probability`` is None, with ``reason`` saying why, when it cannot be computed.
    ``paths`` holds the simulated values, one row per simulation, one column per year
    from the baseline (excluded) to the deadline.

    Examples
    --------
    >>> Probability(None, 100, 0, pd.Series(dtype=float), "too short").reason
    'too short'
    """

    probability: float | None
    simulations: int
    seed: int
    rates: pd.Series
    reason: str = ""
    paths: np.ndarray | None = None
    years: np.ndarray | None = None
    #: Rates not drawn from: next to a possible unit slip, by the later year.
    left_out: pd.Series = field(default_factory=lambda: pd.Series(dtype=float, name="growth"))


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

    Raises
    ------
    SimulationTooLarge
        When ``simulations`` times the years to the deadline passes
        :data:`~tracker.core.params.MAX_SIMULATED_VALUES`.

    Examples
    --------
    >>> row = pd.Series({"baseline_year": 2024, "baseline_usd_mn": 1000.0,
    ...     "target_usd_mn": 1100.0, "deadline_year": 2025, "judged_by": "KAZ"})
    >>> series = pd.DataFrame({"role": "judged", "year": [2021, 2022, 2023, 2024],
    ...     "value_usd_mn": [1000.0, 1200.0, 1320.0, 1000.0]})
    >>> chance = meet_probability(row, series, simulations=1000, seed=1)
    >>> chance.rates.round(6).tolist()  # +20%, +10%, then a fall: two of three reach +10%
    [0.2, 0.1, -0.242424]
    >>> 0.6 < chance.probability < 0.73
    True
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
    rates, left_out = _rates(judged, until=int(base_year))
    end = int(deadline if deadline is not None else row["deadline_year"])
    years = end - int(base_year)
    if simulations * years > MAX_SIMULATED_VALUES:  # refused before any history is read
        raise SimulationTooLarge(simulations, years)
    if len(rates) < MIN_HISTORICAL_RATES:
        years = ", ".join(str(y) for y in rates.index) or "none"
        if len(left_out):
            slips = ", ".join(str(y) for y in left_out.index)
            years += f"; left out, next to a possible unit slip: {slips}"
        reason = (
            f"only {len(rates)} year-on-year growth rate(s) in {row['judged_by']}'s "
            f"series (years: {years}); at least {MIN_HISTORICAL_RATES} are needed"
        )
        return Probability(None, simulations, seed, rates, reason, left_out=left_out)
    if end <= base_year:
        reason = f"the deadline {end} is not after the baseline year {int(base_year)}"
        return Probability(None, simulations, seed, rates, reason, left_out=left_out)
    generator = np.random.default_rng(seed)
    draws = generator.choice(rates.to_numpy(), size=(simulations, years))
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
        left_out,
    )
