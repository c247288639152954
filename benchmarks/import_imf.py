"""Benchmark: importing a 25-million-row file in the IMF SDMX-CSV layout.

Writes (in a child process, so its memory does not count) an IMF IMTS SDMX-CSV 1.0 file:
200 countries, every ordered pair, exports and imports, monthly 2000-2025 - about 25
million data rows - then runs ``tracker import imf`` on it into an empty datasets folder:
parse, convert, merge, validate, write. Prints rows per second and peak resident memory.

    .venv/bin/python benchmarks/import_imf.py [--countries N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pycountry

from tracker.importers import run_import
from tracker.validation.schemas import FILES, SCHEMAS

SEED = 20261123
MONTHS = pd.period_range("2000-01", "2025-12", freq="M").strftime("%Y-M%m").tolist()
REPORTERS_PER_CHUNK = 10  # ~1.2 million rows per chunk written


def write_sdmx_csv(path: Path, countries: list[str]) -> int:
    """Every ordered pair x {XG_FOB_USD, MG_CIF_USD} x every month, values in US dollars."""
    rng = np.random.default_rng(SEED)
    n, months = len(countries), len(MONTHS)
    schema = pa.schema(
        [
            (name, pa.string())
            for name in (
                "DATAFLOW",
                "COUNTRY",
                "INDICATOR",
                "COUNTERPART_COUNTRY",
                "FREQUENCY",
                "TIME_PERIOD",
            )
        ]
        + [("OBS_VALUE", pa.float64())]
    )
    rows = 0
    with pacsv.CSVWriter(
        path, schema, write_options=pacsv.WriteOptions(quoting_style="none")
    ) as writer:
        for first in range(0, n, REPORTERS_PER_CHUNK):
            reporters = np.arange(first, min(first + REPORTERS_PER_CHUNK, n))
            reporter, partner = np.meshgrid(reporters, np.arange(n), indexing="ij")
            distinct = reporter != partner
            reporter, partner = reporter[distinct], partner[distinct]
            per_pair = 2 * months
            size = len(reporter) * per_pair
            codes = np.asarray(countries)
            table = pa.table(
                {
                    "DATAFLOW": pa.array(np.full(size, "IMF.STA:IMTS(1.0.0)")),
                    "COUNTRY": pa.array(codes[np.repeat(reporter, per_pair)]),
                    "INDICATOR": pa.array(
                        np.tile(np.repeat(["XG_FOB_USD", "MG_CIF_USD"], months), len(reporter))
                    ),
                    "COUNTERPART_COUNTRY": pa.array(codes[np.repeat(partner, per_pair)]),
                    "FREQUENCY": pa.array(np.full(size, "M")),
                    "TIME_PERIOD": pa.array(np.tile(MONTHS, 2 * len(reporter))),
                    "OBS_VALUE": pa.array(np.round(rng.lognormal(15, 1.5, size), 1)),
                },
                schema=schema,
            )
            writer.write_table(table)
            rows += size
    return rows


def _empty_datasets(directory: Path) -> None:
    directory.mkdir()
    for table, file in FILES.items():
        (directory / file).write_text(",".join(SCHEMAS[table].columns) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    countries = sorted(c.alpha_3 for c in pycountry.countries)[: args.countries]

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        path = Path(tmp) / "imts_world.csv"
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows = pool.submit(write_sdmx_csv, path, countries).result()
        datasets = Path(tmp) / "datasets"
        _empty_datasets(datasets)
        size_mib = path.stat().st_size / 2**20
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        started = time.perf_counter()
        result = run_import("imf", path, datasets, released=date(2026, 1, 31))
        elapsed = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        panel_mib = (datasets / "imf_imts.parquet").stat().st_size / 2**20

    assert result.added == rows, (result.added, rows)
    print(f"file: {rows:,} data rows, {size_mib:,.0f} MiB (IMF SDMX-CSV 1.0)")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pandera {version('pandera')}, pyarrow {pa.__version__}; {date.today()}"
    )
    print(f"import (parse, convert, merge, validate, write): {elapsed:,.1f} s")
    print(f"rows per second: {rows / elapsed:,.0f}")
    print(
        f"peak RSS {peak_mib:,.0f} MiB (before the import {rss_before:,.0f} MiB); "
        f"panel written: {panel_mib:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
