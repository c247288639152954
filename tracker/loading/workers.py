"""Worker processes: the audit's groups of pairs and the report's charts share one pool.

The workers are spawned, not forked: a fork would copy the state of the threads DuckDB and
Arrow keep in this process, and count its memory again in every worker. A spawned worker
starts a fresh interpreter, so a script whose code starts workers keeps that code under
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

__all__ = ["cores", "worker_pool"]


def cores() -> int:
    """The cores this machine has (one when it cannot tell).

    Examples
    --------
    >>> cores() >= 1
    True
    """
    return os.cpu_count() or 1


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool of spawned processes, one per core unless ``workers`` says otherwise, for
    the span of a ``with`` block.

    A process starts only when work is given to the pool, so a pool given no work costs
    nothing. At the end of the block the pool waits for its work; when the block raises,
    the work not begun is dropped, so the error is not held up behind it.

    Examples
    --------
    >>> with worker_pool(2) as pool:
    ...     list(pool.map(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers or cores(), mp_context=context)
    try:
        yield pool
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        pool.shutdown()
