"""Worker processes: the audit's groups of pairs and the report's charts share one pool.

The workers are spawned, not forked: a fork would copy the state of the threads DuckDB and
Arrow keep in this process, and count its memory again in every worker. A spawned worker
starts a fresh interpreter, so a script whose code starts workers keeps that code under
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

__all__ = ["cores", "worker_pool"]


def cores() -> int:
    """The cores this machine has (one when it cannot tell).

    Examples
    --------
    >>> cores() >= 1
    True
    """
    return os.cpu_count() or 1


def worker_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of spawned processes, one per core unless ``workers`` says otherwise.

    A process starts only when work is given to the pool, so a pool given no work costs
    nothing; close it (``with worker_pool() as pool:``) to stop its processes.

    Examples
    --------
    >>> with worker_pool(2) as pool:
    ...     list(pool.map(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers or cores(), mp_context=context)
