"""The pool of worker processes the audit and the report share."""

from __future__ import annotations

import time

import pytest

from tracker.loading.workers import worker_pool

#: Far more work than one worker begins before the block raises.
_QUEUED = 50
_EACH_S = 0.2


def test_work_given_to_the_pool_is_done_before_the_block_ends():
    with worker_pool(1) as pool:
        futures = [pool.submit(abs, -n) for n in range(5)]
    assert [future.result() for future in futures] == [0, 1, 2, 3, 4]


def test_when_the_block_raises_the_work_not_begun_is_dropped():
    """The error is not held up behind the charts and groups still queued."""
    with pytest.raises(KeyError, match="stop"), worker_pool(1) as pool:
        futures = [pool.submit(time.sleep, _EACH_S) for _ in range(_QUEUED)]
        raise KeyError("stop")
    assert sum(future.cancelled() for future in futures) > _QUEUED // 2
