"""Chains of statements: a later statement of a goal names the one it supersedes.

A chain is walked in three ways: every statement to its first (its *root*, the goal's
identity) for the gap engine, one statement back to its root for a report's history, and
every statement once to find loops for validation. All three are here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["chain_of", "chain_roots", "looping"]


def chain_roots(ids: pd.Series, supersedes: pd.Series) -> pd.DataFrame:
    """The first statement of each statement's chain, and how many links lie between.

    Parameters
    ----------
    ids, supersedes : pandas.Series
        Aligned: each statement's id and the id it supersedes (empty, or an id not in
        ``ids``, ends the chain). Chains must not loop (validation makes sure).

    Returns
    -------
    pandas.DataFrame
        ``chain_root`` and ``chain_depth`` (0 for a first statement), on ``ids``' index.

    Examples
    --------
    >>> ids = pd.Series(["a", "b", "c"])
    >>> chain_roots(ids, pd.Series(["", "a", "b"])).to_dict("list")
    {'chain_root': ['a', 'a', 'a'], 'chain_depth': [0, 1, 2]}
    """
    known = set(ids)
    parent = {tid: old for tid, old in zip(ids, supersedes, strict=True) if old and old in known}
    found: dict[str, tuple[str, int]] = {}  # id -> (root, depth), each id settled once
    for start in ids:
        path, current = [], start
        while current not in found and current in parent:
            path.append(current)
            current = parent[current]
        if current not in found:  # the walk reached a first statement
            found[current] = (current, 0)
        root, depth = found[current]
        for link in reversed(path):  # settle the walk's links from the root end
            depth += 1
            found[link] = (root, depth)
    settled = [found[tid] for tid in ids]
    return pd.DataFrame(
        {"chain_root": [r for r, _ in settled], "chain_depth": [d for _, d in settled]},
        index=ids.index,
    )


def chain_of(target_id: str, supersedes: Mapping[str, str]) -> list[str]:
    """The ids from ``target_id`` back to the first statement, newest first.

    Examples
    --------
    >>> chain_of("c", {"a": "", "b": "a", "c": "b"})
    ['c', 'b', 'a']
    """
    chain, seen = [], set()
    current = target_id
    while current and current not in seen:
        chain.append(current)
        seen.add(current)
        current = supersedes.get(current, "")
    return chain


def looping(supersedes: Mapping[str, str]) -> set[str]:
    """Every id on a loop of ``supersedes`` links, each link followed once.

    Examples
    --------
    >>> sorted(looping({"a": "b", "b": "a", "c": "a", "d": ""}))
    ['a', 'b']
    """
    state: dict[str, int] = {}  # 1: on the walk under way, 2: finished
    on_loop: set[str] = set()
    for start in supersedes:
        path, current = [], start
        while current in supersedes and current not in state:
            state[current] = 1
            path.append(current)
            current = supersedes[current]
        if state.get(current) == 1:  # the walk came back onto itself
            on_loop.update(path[path.index(current) :])
        for visited in path:
            state[visited] = 2
    return on_loop
