"""Benchmark: validating a ``supersedes`` chain of 10,000 links (issue 10).

Writes a datasets folder whose targets form one chain of N links (each statement
supersedes the one before), then times ``tracker validate`` on it, in-process, median of
three runs, for N = 1,000 and N = 10,000. The goal: 10,000 links under 5 s. The peer is
the 1,000-link chain: a linear walk makes the ratio of the two about 10 (a quadratic one,
as before issue 10, about 100).

    .venv/bin/python benchmarks/chains.py
"""

from __future__ import annotations

import contextlib
import io
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.conftest import TARGETS, write_dataset
from tracker.cli import main

GOAL_SECONDS = 5.0
LINKS = (1_000, 10_000)
RUNS = 3


def chain_folder(root: Path, links: int) -> Path:
    """A datasets folder whose targets are one chain of ``links`` statements."""
    header, row = TARGETS.splitlines()[:2]
    columns = header.split(",")
    cells = row.split(",")
    at = {name: columns.index(name) for name in ("target_id", "supersedes")}
    rows = []
    for n in range(links):
        linked = list(cells)
        linked[at["target_id"]] = f"c{n}"
        linked[at["supersedes"]] = f"c{n - 1}" if n else ""
        rows.append(",".join(linked))
    return write_dataset(root / f"chain{links}", targets="\n".join([header, *rows]) + "\n")


def seconds_to_validate(folder: Path) -> float:
    """Median wall time of ``tracker validate`` on the folder; fails loudly when invalid."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["validate", "--datasets", str(folder)])
        times.append(time.perf_counter() - started)
        if code != 0:
            sys.exit(f"validate failed on {folder}: {out.getvalue()[:500]}")
    return statistics.median(times)


def main_benchmark() -> None:
    """Print each figure against its goal and its peer."""
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"date {date.today()}")
    with tempfile.TemporaryDirectory() as root:
        timing = {n: seconds_to_validate(chain_folder(Path(root), n)) for n in LINKS}
    small, large = LINKS
    for n in LINKS:
        print(f"{n:>6,} links: {timing[n]:.2f} s")
    verdict = "met" if timing[large] < GOAL_SECONDS else "NOT met"
    print(f"goal: {large:,} links under {GOAL_SECONDS:g} s: {verdict}")
    print(f"ratio {large:,} / {small:,} links: {timing[large] / timing[small]:.1f} (linear: ~10)")


if __name__ == "__main__":
    main_benchmark()
