"""Statements of goals as of a date: how each relates to the one it supersedes, and the
newest statement of every goal with the deadline it is judged against.

A goal's chain of statements is read here (:mod:`tracker.core.chains` walks it); the gap
engine (:mod:`tracker.analysis.gaps`) judges what this returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.analysis.series import published_by
from tracker.core.chains import chain_roots
from tracker.core.params import SAME_VALUE_RTOL, GapParams

__all__ = ["link_relations", "newest_links"]

#: Relations that give a goal a new value, so that no year stated before carries over.
_NEW_VALUE = ("raised", "lowered")


def link_relations(links: pd.DataFrame) -> pd.Series:
    """How each statement relates to the one it supersedes: the ``relation`` written in
    the data, else read from the values (same value: ``restated``, or ``re-dated`` when it
    states another year; a higher one ``raised``, a lower one ``lowered``); empty for a
    first statement.

    ``links`` needs ``target_id``, ``supersedes``, ``relation``, ``value_usd_mn`` and
    ``deadline_year``.

    Examples
    --------
    >>> links = pd.DataFrame({"target_id": ["a", "b", "c", "d"], "supersedes": ["", "a", "b", "c"],
    ...     "relation": ["", "", "", "restated"], "value_usd_mn": [1000.0, 1000.0, 2000.0, 3000.0],
    ...     "deadline_year": pd.array([2024, 2026, None, None], dtype="Int64")})
    >>> link_relations(links).tolist()  # the data's own word wins over the values
    ['', 're-dated', 'raised', 'restated']
    """
    by_id = links.set_index("target_id")
    value = links["value_usd_mn"].astype(float)  # an empty frame's column may be text
    before = links["supersedes"].map(by_id["value_usd_mn"]).astype(float)
    before_year = links["supersedes"].map(by_id["deadline_year"]).astype("Int64")
    same = np.isclose(value, before, rtol=SAME_VALUE_RTOL, atol=0.0)
    new_year = (
        links["deadline_year"].notna() & (links["deadline_year"] != before_year).fillna(True)
    ).to_numpy(dtype=bool)
    derived = np.select(
        [before.isna().to_numpy(), same & new_year, same, (value > before).to_numpy()],
        ["", "re-dated", "restated", "raised"],
        "lowered",
    )
    return links["relation"].where(links["relation"] != "", pd.Series(derived, index=links.index))


def newest_links(targets: pd.DataFrame, as_of, params: GapParams) -> pd.DataFrame:
    """The newest statement of every goal known as of a date, with its effective deadline.

    A restatement without a year keeps the latest year stated earlier for the same value;
    a raised or lowered goal does not inherit a year set for the old value. No goal is
    judged against a deadline before the year it was stated: such a goal, like one whose
    value never had a year, is judged against ``stated year + assumed_horizon_years``,
    flagged ``is_deadline_assumed``.

    Examples
    --------
    >>> targets = pd.DataFrame({"target_id": ["a", "b", "c"], "supersedes": ["", "a", "b"],
    ...     "relation": "", "value_usd_mn": [1000.0, 1000.0, 2000.0],
    ...     "deadline_year": pd.array([2027, None, None], dtype="Int64"),
    ...     "stated_year": [2024, 2025, 2026],
    ...     "published_on": pd.to_datetime(["2024-08-22", "2025-02-12", "2026-03-01"])})
    >>> columns = ["target_id", "deadline_year", "deadline_stated_in", "relation"]
    >>> newest_links(targets, "2025-12-31", GapParams())[columns].to_dict("records")
    [{'target_id': 'b', 'deadline_year': 2027, 'deadline_stated_in': 'a', 'relation': 'restated'}]
    >>> links = newest_links(targets, "2026-12-31", GapParams())  # raised: no year carried
    >>> links[columns + ["is_deadline_assumed"]].to_dict("records")
    [{'target_id': 'c', 'deadline_year': 2031, 'deadline_stated_in': None, 'relation': 'raised',
      'is_deadline_assumed': True}]
    """
    known = targets[published_by(targets, as_of)].copy()
    known = known.join(chain_roots(known["target_id"], known["supersedes"]))
    known["chain_length"] = known.groupby("chain_root")["target_id"].transform("size")
    known["relation"] = link_relations(known)
    # A new value starts a new goal within the chain: years are carried only inside it.
    known = known.sort_values(["chain_root", "chain_depth"])
    starts = known["relation"].isin(_NEW_VALUE) | (known["chain_depth"] == 0)
    known["_goal"] = starts.astype(int).groupby(known["chain_root"]).cumsum()

    dated = known[known["deadline_year"].notna()].sort_values("chain_depth")
    stated = dated.drop_duplicates(["chain_root", "_goal"], keep="last")
    stated = stated.set_index(["chain_root", "_goal"])
    superseded = known["supersedes"][known["supersedes"].isin(known["target_id"])]
    newest = known[~known["target_id"].isin(superseded)].copy()
    goal = pd.MultiIndex.from_frame(newest[["chain_root", "_goal"]])
    carried = pd.Series(stated["deadline_year"].reindex(goal).to_numpy(), index=newest.index)
    carried = carried.astype("Int64")
    stated_in = pd.Series(stated["target_id"].reindex(goal).to_numpy(), index=newest.index)
    # A year before the statement cannot judge it: the goal is treated as undated.
    usable = carried.notna() & (carried >= newest["stated_year"]).fillna(False)
    newest["deadline_stated_in"] = stated_in.where(usable, None)
    newest["is_deadline_assumed"] = ~usable.to_numpy(dtype=bool)
    assumed = newest["stated_year"] + params.assumed_horizon_years
    newest["deadline_year"] = carried.where(usable).fillna(assumed).astype("Int64")
    return newest.drop(columns="_goal").sort_index().reset_index(drop=True)
