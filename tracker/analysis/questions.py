"""What-if questions asked of the datasets: a target's row and series as of a date, and
the whole answer of ``tracker whatif`` as data, for notebooks and the command line.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tracker.analysis.gaps import compute_gaps, target_series
from tracker.analysis.series import published_by
from tracker.analysis.whatif import growth_needed, meet_probability, sensitivity
from tracker.core.chains import chain_of
from tracker.core.params import GapParams
from tracker.core.periods import to_date
from tracker.core.vocabulary import OFFICIAL, PRELIMINARY
from tracker.loading.datasets import Datasets

__all__ = ["answer", "target_view"]


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
    series = target_series(data, gaps[gaps["target_id"] == target_id], as_of)
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
    deadline_year = int(row["deadline_year"]) if deadline is None else deadline
    result = {
        "target_id": row["target_id"],
        "asked_for": target_id,
        "as_of": str(to_date(as_of)),
        "status": row["status"],
        "mirror_status": row["mirror_status"],
        "judged_by": row["judged_by"],
        # A goal stated as a multiple of a year its series lacks has no value yet.
        "target_usd_mn": None if pd.isna(row["target_usd_mn"]) else float(row["target_usd_mn"]),
        "deadline_year": deadline_year,
        "is_deadline_assumed": bool(row["is_deadline_assumed"]) and deadline is None,
        # Years are the years a fiscal year ends in (January: calendar years).
        "year_start_month": int(row["year_start_month"]),
        "baseline_year": None,
        "baseline_usd_mn": None,
        "baseline_kind": None,
        "is_baseline_possible_slip": False,
        "history_start_year": None,
        "is_history_start_possible_slip": False,
        "growth_hist_pct": None,
        "growth_needed_pct": None,
        "scenarios": [],
        "probability": None,
    }
    if pd.isna(row["baseline_year"]):
        result["reason"] = f"no full-year value in {row['judged_by']}'s series: nothing to project"
        return result
    if result["target_usd_mn"] is None:
        result["reason"] = (
            f"stated as {row['target_multiple']:g} × the {row['target_base_year']} level, a "
            f"year {row['judged_by']}'s series does not report: no value to project against"
        )
        return result
    ahead = deadline_year > row["baseline_year"]
    historical = None if pd.isna(row["growth_hist_pct"]) else float(row["growth_hist_pct"])
    result |= {
        "baseline_year": int(row["baseline_year"]),
        "baseline_usd_mn": float(row["baseline_usd_mn"]),
        "baseline_kind": PRELIMINARY if row["is_baseline_preliminary"] else OFFICIAL,
        "is_baseline_possible_slip": bool(row["is_baseline_possible_slip"]),
        "history_start_year": None if historical is None else int(row["history_start_year"]),
        "is_history_start_possible_slip": bool(row["is_history_start_possible_slip"]),
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
            "rates_left_out_pct": {int(y): 100 * r for y, r in chance.left_out.items()},
        }
    return result
