"""Benchmark: importing a 25-million-row file in the IMF SDMX-CSV layout, twice.

Writes (in a child process, so its memory does not count) two releases of an IMF IMTS
SDMX-CSV 1.0 file: 200 countries, every ordered pair, exports and imports, monthly
2000-2025 - about 25 million data rows each. The second release is the first with 1% of
its values revised (:data:`REVISED_SHARE`), as a statistics office's next release is.

Then it runs ``tracker import imf`` as a process of its own, twice, into one datasets
folder: the first release into an empty folder (parse, convert, merge, validate, write),
then the second into the panel the first wrote, which it must read and compare with. It
prints each import's wall time and peak resident memory (``os.wait4`` on the child), the
second import against the goals of issue 14 (at most twice the first's time, at most
4 GB), and checks that both vintages of every revised value are kept.

    .venv/bin/python benchmarks/import_imf.py [--countries N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from importlib.metadata import version
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pycountry
from world_scale import GB, MIB, measure

from tracker.importers import PANELS
from tracker.validation.schemas import FILES, SCHEMAS

SEED = 20261123
MONTHS = pd.period_range("2000-01", "2025-12", freq="M").strftime("%Y-M%m").tolist()
REPORTERS_PER_CHUNK = 10  # ~1.2 million rows per chunk written
#: The second release revises this share of the first's values, each by 1% to 10% up or
#: down: far beyond the rounding under which two values count as the same.
REVISED_SHARE = 0.01
REVISION_LOW, REVISION_HIGH = 1.01, 1.10
RELEASES = ("2026-01-31", "2026-04-30")  # the two files' release dates
TIMEOUT_S = 1800.0
# Goals of issue 14 for the second import.
SECOND_RATIO_GOAL = 2.0
SECOND_PEAK_GOAL = 4 * GB


def write_sdmx_csv(path: Path, countries: list[str], revised: bool = False) -> tuple[int, int]:
    """Every ordered pair x {XG_FOB_USD, MG_CIF_USD} x every month, values in US dollars.

    With ``revised``, the same values with :data:`REVISED_SHARE` of them revised.

    Returns
    -------
    tuple of (int, int)
        Data rows written, and how many of them were revised.
    """
    rng = np.random.default_rng(SEED)
    revisions = np.random.default_rng(SEED + 1)  # apart: the values stay those of release 1
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
    rows = changed = 0
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
            value = np.round(rng.lognormal(15, 1.5, size), 1)
            if revised:
                chosen = revisions.random(size) < REVISED_SHARE
                factor = revisions.uniform(REVISION_LOW, REVISION_HIGH, size)
                up = revisions.random(size) < 0.5
                value[chosen] = np.round(np.where(up, value * factor, value / factor)[chosen], 1)
                changed += int(chosen.sum())
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
                    "OBS_VALUE": pa.array(value),
                },
                schema=schema,
            )
            writer.write_table(table)
            rows += size
    return rows, changed


def _empty_datasets(directory: Path) -> None:
    directory.mkdir()
    for table, file in FILES.items():
        (directory / file).write_text(",".join(SCHEMAS[table].columns) + "\n", encoding="utf-8")


def _vintages(panel: Path) -> tuple[int, int]:
    """Rows of the panel, and keys it holds twice from two different sources."""
    quoted = str(panel).replace("'", "''")
    return (
        duckdb.connect()
        .execute(
            f"""
        WITH keys AS (
            SELECT count(*) AS n, count(DISTINCT source_id) AS sources
            FROM read_parquet('{quoted}') GROUP BY reporter, partner, flow, span
        )
        SELECT sum(n)::BIGINT, count(*) FILTER (WHERE n = 2 AND sources = 2) FROM keys
        """
        )
        .fetchone()
    )


def _line(label: str, run) -> None:
    code = "" if run.returncode == 0 else f", exit code {run.returncode}"
    state = "" if run.finished else f" (stopped after {TIMEOUT_S:g} s)"
    print(f"{label:<40} {run.wall_s:7.1f} s, peak {run.peak_bytes / MIB:,.0f} MiB{code}{state}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    countries = sorted(c.alpha_3 for c in pycountry.countries)[: args.countries]

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        files = [work / "imts_release1.csv", work / "imts_release2.csv"]
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            written = [
                pool.submit(write_sdmx_csv, path, countries, revised=index == 1)
                for index, path in enumerate(files)
            ]
            (rows, _), (_, revised) = (job.result() for job in written)
        datasets = work / "datasets"
        _empty_datasets(datasets)
        tracker = str(Path(sys.executable).parent / "tracker")
        runs = []
        for index, (path, released) in enumerate(zip(files, RELEASES, strict=True)):
            argv = [tracker, "import", "imf", "--datasets", str(datasets), str(path)]
            runs.append(
                measure(f"import{index + 1}", [*argv, "--released", released], work, TIMEOUT_S)
            )
        panel = datasets / PANELS["imf"]
        panel_rows, both = _vintages(panel) if panel.exists() else (0, 0)
        first, second = runs
        print(
            f"file: {rows:,} data rows, {files[0].stat().st_size / MIB:,.0f} MiB "
            f"(IMF SDMX-CSV 1.0); release 2 revises {revised:,} values"
        )
        for run in runs:
            if run.returncode != 0:
                print(run.stderr.read_text(errors="replace")[-2000:])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pandera {version('pandera')}, pyarrow {pa.__version__}; {date.today()}"
    )
    _line("import of release 1 (empty folder)", first)
    print(f"  rows per second: {rows / first.wall_s:,.0f}")
    _line("import of release 2 (into release 1)", second)
    ratio = second.wall_s / first.wall_s
    ok = second.finished and second.returncode == 0
    verdict = {True: "met", False: "NOT met"}
    met = ok and ratio <= SECOND_RATIO_GOAL
    print(f"  goal second import <= 2 x first    {ratio:.2f} x -> {verdict[met]}")
    print(
        f"  goal second import peak <= 4 GB    {second.peak_bytes / MIB:,.0f} MiB -> "
        f"{verdict[ok and second.peak_bytes <= SECOND_PEAK_GOAL]}"
    )
    kept = panel_rows == rows + revised and both == revised
    print(
        f"  both vintages kept: panel {panel_rows:,} rows = {rows:,} + {revised:,} revised; "
        f"{both:,} keys held twice, from two sources -> {verdict[kept]}"
    )


if __name__ == "__main__":
    main()
