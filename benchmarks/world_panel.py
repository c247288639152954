"""Benchmark: a synthetic world panel through validation and the gap engine.

200 countries, every ordered pair, exports and imports, monthly 2000-2025 (about 25 million
rows) as Parquet, with 1,000 targets. Prints (a) reading the Parquet alone, (b) validating
it, (c) computing gaps for all targets, (d) peak resident memory against the panel's
in-memory size, and the ratios against the goals.

    .venv/bin/python benchmarks/world_panel.py [--countries N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry

from tracker.analysis.gaps import compute_gaps
from tracker.loading.datasets import Datasets, build_datasets
from tracker.loading.files import parse_table, with_optional_columns
from tracker.loading.observation_tables import ObservationTable
from tracker.validation.run import validate_panel
from tracker.validation.schemas import FILES, SCHEMAS

SEED = 20261123  # fixed: the same panel every run
FIRST_MONTH, LAST_MONTH = "2000-01", "2025-12"
TARGETS = 1000
AS_OF = date(2026, 6, 30)
SOURCE_ID = "synthetic-panel"
PUBLISHED = "2026-01-31"


def _dictionary(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))


def write_panel(path: Path, countries: list[str]) -> int:
    """Every ordered pair x {exports, imports} x every month, written in key order."""
    months = pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M").strftime("%Y-%m").tolist()
    n = len(countries)
    reporter, partner = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    distinct = reporter != partner
    reporter, partner = reporter[distinct], partner[distinct]
    per_pair = 2 * len(months)
    rows = len(reporter) * per_pair
    rng = np.random.default_rng(SEED)
    zeros = np.zeros(rows, dtype=np.int8)
    flows = np.tile(np.repeat(np.arange(2, dtype=np.int8), len(months)), len(reporter))
    spans = np.tile(np.arange(len(months), dtype=np.int16), 2 * len(reporter))
    table = pa.table(
        {
            "reporter": _dictionary(np.repeat(reporter, per_pair).astype(np.int16), countries),
            "partner": _dictionary(np.repeat(partner, per_pair).astype(np.int16), countries),
            "flow": _dictionary(flows, ["exports", "imports"]),
            "span": _dictionary(spans, months),
            "value": rng.lognormal(mean=1.0, sigma=1.5, size=rows),
            "currency": _dictionary(zeros, ["USD"]),
            "scale": _dictionary(zeros, ["million"]),
            "source_id": _dictionary(zeros, [SOURCE_ID]),
        }
    )
    pq.write_table(table, path)
    return rows


def _target_line(index: int, first: str, second: str, value: int) -> str:
    flow = "exports" if index % 2 else "imports"
    deadline = 2026 + index % 8
    return (
        f"t{index:04d},{first},{second},{flow},{value},USD,million,${value} million,,target,"
        f"{deadline},by {deadline},2025-06-01,benchmark,{SOURCE_ID},,,"
    )


def _frames(countries: list[str]) -> dict[str, pd.DataFrame]:
    """Sources, one observation and 1,000 targets over random pairs, as CSV text."""
    rng = np.random.default_rng(SEED + 1)
    first = rng.integers(0, len(countries), TARGETS)
    second = (first + rng.integers(1, len(countries), TARGETS)) % len(countries)
    values = rng.integers(50, 5000, TARGETS)
    lines = {
        "sources": [
            f"{SOURCE_ID},Synthetic world panel,benchmark,{PUBLISHED},,database_extract,,,"
        ],
        "observations": [
            f"{countries[0]},{countries[1]},total,2020,1,USD,million,$1 million,,,,,{SOURCE_ID},"
        ],
        "targets": [
            _target_line(i, countries[a], countries[b], int(v))
            for i, (a, b, v) in enumerate(zip(first, second, values, strict=True))
        ],
        "fx_rates": [],
    }
    frames = {}
    for table, rows in lines.items():
        # The columns every file has (optional ones, added later, may be left out).
        header = [name for name, column in SCHEMAS[table].columns.items() if column.required]
        text = "\n".join([",".join(header), *rows]) + "\n"
        frame, failures = parse_table(FILES[table], text.encode())
        assert not failures, failures[:3]
        frames[table] = with_optional_columns(table, frame)
    return frames


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _timed(step, runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        result = None  # let the previous result go before the next run
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _read(path: Path) -> pd.DataFrame:
    """Exactly how tracker.loading.observation_tables.PanelTable reads a whole panel."""
    frame = pq.read_table(path).to_pandas(split_blocks=True, self_destruct=True)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
    return frame


def _validate(file: str, frame: pd.DataFrame) -> list:
    """Exactly how tracker.loading.datasets validates a panel once read."""
    published = {SOURCE_ID: date.fromisoformat(PUBLISHED)}
    return validate_panel(file, frame, published, rates=set())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per step (median)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    countries = sorted(c.alpha_3 for c in pycountry.countries)[: args.countries]

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        path = Path(tmp) / "world.parquet"
        # Generated in a child process, so this process's peak memory is the pipeline's.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows = pool.submit(write_panel, path, countries).result()
        frames = _frames(countries)
        print(f"panel: {rows:,} rows, {path.stat().st_size / 2**20:,.0f} MiB on disk")
        rss_before = _peak_mib()

        read_s, frame = _timed(lambda: _read(path), args.runs)
        size_mib = frame.memory_usage(deep=True).sum() / 2**20
        validate_s, failures = _timed(lambda: _validate(path.name, frame), args.runs)
        assert not failures, failures[:3]

        csv_data = build_datasets(frames)
        data = Datasets(
            csv_data.sources,
            csv_data.targets,
            csv_data.fx_rates,
            (*csv_data.tables, ObservationTable(path.name, frame)),
            csv_data.directory,
        )
        gaps_s, gaps = _timed(lambda: compute_gaps(data, AS_OF), args.runs)
        peak_mib = _peak_mib()

    assert len(gaps) == TARGETS and gaps["baseline_year"].notna().all()
    ratio = (validate_s + gaps_s) / read_s
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pandera {version('pandera')}, pyarrow {pa.__version__}; {date.today()}"
    )
    print(f"median of {args.runs} runs each")
    print(f"(a) read Parquet alone:          {read_s:6.2f} s")
    print(f"(b) validate:                    {validate_s:6.2f} s")
    print(f"(c) gaps for {len(gaps):,} targets:      {gaps_s:6.2f} s")
    print(
        f"goal (b)+(c) <= 3 x (a):         {ratio:6.2f} x  -> {'met' if ratio <= 3 else 'NOT met'}"
    )
    print(
        f"(d) panel in memory {size_mib:,.0f} MiB; peak RSS {peak_mib:,.0f} MiB "
        f"(before reading {rss_before:,.0f} MiB)"
    )
    print(
        f"goal peak RSS <= 3 x panel:      {peak_mib / size_mib:6.2f} x  "
        f"-> {'met' if peak_mib <= 3 * size_mib else 'NOT met'}"
    )
    print("statuses:", gaps["status"].value_counts().sort_index().to_dict())


if __name__ == "__main__":
    main()
