"""Benchmark: the monthly commands at world scale, against a plain DuckDB query (issue 14).

One command (``make bench-world``, or after ``make``'s install):

    .venv/bin/python benchmarks/world_scale.py [--countries N] [--workdir DIR] [--timeout S]

It writes a realistic synthetic world panel as Parquet - 200 countries, every ordered pair,
exports and imports, monthly 2000-01 to 2025-12 (24,835,200 rows): a level per pair, a
random walk in logs from year to year (about 20%), a seasonal profile, small monthly noise,
each country's imports mirroring its partner's exports at a CIF/FOB margin - with a few
planted unit slips (a month entered in thousands instead of millions, listed in
``planted_slips.csv``), and a datasets folder with 1,000 targets the CLI reads. Then it
runs each command as a whole process and measures its wall time and peak resident memory:
its largest process's (``os.wait4`` on the child, so nothing else this process started
counts) and all its processes' together (sampled; workers run at once), held against the
goals:

- (a) ``tracker status`` twice: first checking the new panel in full (recording it valid
  in a record of the run's own), then trusting the record, which the goal is about;
  (b) the peer, :data:`PEER_SQL` in DuckDB, for the same targets;
- (c) ``tracker audit`` (does it cite every planted slip?) and ``tracker report``;

and prints each figure against its goal in issue 14 as "met" / "not met".
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry

from tracker.core.vocabulary import FLOWS, MIRROR_FLOW
from tracker.loading.cache import CACHE_ENV
from tracker.validation.schemas import FILES, SCHEMAS

SEED = 20261201  # fixed: the same panel, slips and targets every run
FIRST_YEAR, LAST_YEAR = 2000, 2025
MONTHS_PER_YEAR = 12
TARGETS = 1000
AS_OF = "2026-06-30"  # status as of the report month's last day
REPORT_MONTH = "2026-06"
SOURCE_ID = "synthetic-world"
PUBLISHED = "2026-01-31"
PANEL_FILE = "world.parquet"
SLIPS_FILE = "planted_slips.csv"
CACHE_FOLDER = "validated"  # the run's own record of validated panels, in the workdir
#: The directed flows a panel reports (total is their sum, left to the tracker).
PANEL_FLOWS = tuple(flow for flow in FLOWS if flow != "total")

# The values: US dollar millions a month.
LEVEL_LOG_MEAN, LEVEL_LOG_SD = 1.0, 2.0  # across pairs: a few large, most small
ANNUAL_LOG_SD = 0.18  # year-to-year change of about 20%
ANNUAL_LOG_DRIFT = 0.04  # world trade grows
MONTHLY_LOG_SD = 0.05  # month-to-month noise of the trade itself, seen by both countries
#: Each country's own recording error: small, so that a country's imports stay within the
#: audit's mirror tolerance of its partner's exports and only the planted slips stand out.
RECORD_LOG_SD = 0.02
CIF_FACTOR = 1.06  # imports are valued at the border with freight and insurance
#: Seasonal profile, January to December (mean 1): slow January, strong year end.
SEASONALITY = np.array([0.88, 0.92, 1.03, 1.00, 1.01, 1.02, 0.97, 0.95, 1.01, 1.05, 1.06, 1.10])
SEASONALITY = SEASONALITY / SEASONALITY.mean()
SLIPS = 50
SLIP_FACTOR = 1000  # a figure in thousands typed where millions were meant
ROWS_PER_WRITE = 1_000_000  # rows generated and written at a time: bounded memory

# Targets: the latest year's trade times a factor, due 2026 to 2033.
TARGET_FACTOR_LOW, TARGET_FACTOR_HIGH = 0.8, 3.0
FIRST_DEADLINE, DEADLINE_YEARS = 2026, 8
STATED = "2025-06-01"

# Goals of issue 14.
GB = 10**9
MB = 10**6
STATUS_PEER_RATIO_GOAL = 2.0
STATUS_PEAK_GOAL = 2 * GB
AUDIT_TIME_GOAL_S, AUDIT_PEAK_GOAL = 30.0, 3 * GB
REPORT_TIME_GOAL_S, REPORT_PEAK_GOAL = 60.0, 3 * GB
SUMMARY_PAGE_GOAL = 10 * MB
DEFAULT_TIMEOUT_S = 600.0
POLL_S = 0.05  # how often a running child is checked on
AGREE_RTOL = 1e-9  # tracker and peer compute the same sums: only float-order noise
KIB = 1024  # Linux reports ru_maxrss in kibibytes
MIB = 2**20
GIB = 2**30
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
#: A command past this much resident memory (with its workers) is stopped: on a 24 GB
#: machine the kernel would otherwise kill a process of its own choosing.
MEMORY_LIMIT_BYTES = 16 * GIB
MEMORY_POLL_S = 0.5  # how often a running child's memory is read

#: The peer: baseline (latest full year, summed from its months), three-year historical
#: growth and required growth for every target, straight from the Parquet panel. ``{panel}``
#: and ``{targets}`` are the files' paths; ``{output}`` receives the 1,000 rows.
PEER_SQL = """\
COPY (
WITH targets AS (
    SELECT target_id, country_a, country_b, flow,
           CAST(deadline_year AS INTEGER) AS deadline_year,
           CAST(value AS DOUBLE) * CASE scale
               WHEN 'unit' THEN 1e-6 WHEN 'thousand' THEN 1e-3 WHEN 'million' THEN 1
               WHEN 'billion' THEN 1e3 WHEN 'trillion' THEN 1e6 END AS target_usd_mn
    FROM read_csv('{targets}', header = true, all_varchar = true)
    WHERE currency = 'USD'
),
years AS (
    SELECT p.reporter, p.partner, p.flow,
           CAST(substr(p.span, 1, 4) AS INTEGER) AS year,
           sum(p.value) AS value_usd_mn,
           count(*) AS months
    FROM read_parquet('{panel}') AS p
    SEMI JOIN targets AS t
        ON p.reporter = t.country_a AND p.partner = t.country_b AND p.flow = t.flow
    WHERE length(p.span) = 7 AND p.currency = 'USD' AND p.scale = 'million'
    GROUP BY ALL
),
full_years AS (
    SELECT reporter, partner, flow, year, value_usd_mn FROM years WHERE months = 12
),
baseline AS (
    SELECT reporter, partner, flow, max(year) AS baseline_year
    FROM full_years GROUP BY ALL
)
SELECT t.target_id,
       b.baseline_year,
       vb.value_usd_mn AS baseline_usd_mn,
       100 * (power(vb.value_usd_mn / v3.value_usd_mn, 1 / 3) - 1) AS growth_hist_pct,
       CASE WHEN t.deadline_year > b.baseline_year THEN
           100 * (power(t.target_usd_mn / vb.value_usd_mn,
                        1 / (t.deadline_year - b.baseline_year)) - 1)
       END AS growth_req_pct
FROM targets AS t
LEFT JOIN baseline AS b
    ON b.reporter = t.country_a AND b.partner = t.country_b AND b.flow = t.flow
LEFT JOIN full_years AS vb
    ON vb.reporter = t.country_a AND vb.partner = t.country_b AND vb.flow = t.flow
    AND vb.year = b.baseline_year
LEFT JOIN full_years AS v3
    ON v3.reporter = t.country_a AND v3.partner = t.country_b AND v3.flow = t.flow
    AND v3.year = b.baseline_year - 3
ORDER BY t.target_id
) TO '{output}' (HEADER, DELIMITER ',')
"""
#: The peer's whole process: start Python, import DuckDB, run the query.
PEER_SCRIPT = "import sys, duckdb; duckdb.connect().execute(sys.argv[1])"
#: The tracker's start-up alone: the imports of its entry point, as every command pays them.
STARTUP_SCRIPT = "import tracker.cli"


def _months() -> list[str]:
    return [
        f"{y}-{m:02d}"
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
        for m in range(1, MONTHS_PER_YEAR + 1)
    ]


def _quoted(path: Path) -> str:
    """A path inside a SQL string literal."""
    return str(path).replace("'", "''")


# --- the data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """The trade each country ships to each other, month by month, before each country's
    own recording error.

    ``monthly[i, j, t]`` is the value (US dollar millions, free on board) of the goods
    country ``i`` ships to country ``j`` in month ``t`` (0 is January of FIRST_YEAR).
    """

    countries: list[str]
    monthly: np.ndarray


def _world(countries: list[str], rng: np.random.Generator) -> World:
    """A log-normal level per ordered pair, moved each year by a random walk in logs,
    spread over the months by the seasonal profile, with small monthly noise."""
    n, years = len(countries), LAST_YEAR - FIRST_YEAR + 1
    level = rng.lognormal(LEVEL_LOG_MEAN, LEVEL_LOG_SD, size=(n, n)).astype(np.float32)
    steps = rng.normal(ANNUAL_LOG_DRIFT, ANNUAL_LOG_SD, size=(n, n, years))
    steps[..., 0] = 0.0  # the first year is the level itself
    yearly = level[..., None] * np.exp(np.cumsum(steps, axis=2)).astype(np.float32)
    # float32: at 200 countries this is 12.5 million values; the noise below is far larger
    # than float32's rounding.
    monthly = np.repeat(yearly, MONTHS_PER_YEAR, axis=2) * np.tile(SEASONALITY, years)
    noise = rng.normal(0.0, MONTHLY_LOG_SD, size=monthly.shape).astype(np.float32)
    return World(countries, monthly * np.exp(noise))


def _row(n: int, reporter: int, partner: int, flow: int, month: int) -> int:
    """The 0-based row of a key in the panel's order (reporter, partner, flow, month)."""
    slot = partner - (partner > reporter)  # the reporter is not its own partner
    months = (LAST_YEAR - FIRST_YEAR + 1) * MONTHS_PER_YEAR
    return ((reporter * (n - 1) + slot) * len(PANEL_FLOWS) + flow) * months + month


def _slips(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """SLIPS distinct keys to multiply by SLIP_FACTOR.

    Never two on the same trade seen from both sides (an exporter's record and its
    partner's mirror record), so that each slip has a clean mirror to be caught against.
    """
    months = (LAST_YEAR - FIRST_YEAR + 1) * MONTHS_PER_YEAR
    chosen, trades = [], set()
    while len(chosen) < SLIPS:
        reporter, partner = rng.choice(n, size=2, replace=False)
        flow, month = int(rng.integers(len(PANEL_FLOWS))), int(rng.integers(months))
        # The trade a record describes: (exporter, importer, month).
        trade = (reporter, partner, month) if flow == 0 else (partner, reporter, month)
        if trade not in trades:
            trades.add(trade)
            chosen.append((int(reporter), int(partner), flow, month))
    frame = pd.DataFrame(chosen, columns=["reporter_i", "partner_i", "flow_i", "month_i"])
    rows = [_row(n, *key) for key in chosen]
    return frame.assign(row=rows).sort_values("row", ignore_index=True)


def _dictionary(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))


def _reporter_values(world: World, reporter: int, rng: np.random.Generator) -> np.ndarray:
    """One reporter's rows in panel order: partners x (exports, imports) x months."""
    n = len(world.countries)
    partners = np.delete(np.arange(n), reporter)
    exports = world.monthly[reporter, partners].astype(float)
    imports = CIF_FACTOR * world.monthly[partners, reporter].astype(float)
    values = np.stack([exports, imports], axis=1)
    return values * rng.lognormal(0.0, RECORD_LOG_SD, size=values.shape)


def write_panel(path: Path, world: World, slips: pd.DataFrame, rng: np.random.Generator):
    """Write the panel in key order, a few reporters at a time; plant the slips.

    Returns
    -------
    tuple of (int, pandas.DataFrame)
        Rows written, and the slips with their keys and values before and after.
    """
    countries, months = world.countries, _months()
    n = len(countries)
    per_reporter = (n - 1) * len(PANEL_FLOWS) * len(months)
    step = max(1, ROWS_PER_WRITE // per_reporter)
    before = np.empty(len(slips))
    rows = 0
    writer = None
    # Within one reporter: partner-major, then flow, then month.
    flow_block = np.repeat(np.arange(len(PANEL_FLOWS), dtype=np.int8), len(months))
    span_block = np.arange(len(months), dtype=np.int16)
    try:
        for first in range(0, n, step):
            reporters = range(first, min(n, first + step))
            value = np.concatenate([_reporter_values(world, r, rng).ravel() for r in reporters])
            # Plant the slips that fall in these rows.
            inside = (slips["row"] >= rows) & (slips["row"] < rows + len(value))
            at = slips.loc[inside, "row"].to_numpy() - rows
            before[inside.to_numpy()] = value[at]
            value[at] *= SLIP_FACTOR
            reporter = np.repeat(np.arange(first, first + len(reporters)), per_reporter)
            partner = np.concatenate(
                [np.repeat(np.delete(np.arange(n), r), flow_block.size) for r in reporters]
            )
            pairs = len(reporters) * (n - 1)
            zeros = np.zeros(len(value), dtype=np.int8)
            table = pa.table(
                {
                    "reporter": _dictionary(reporter.astype(np.int16), countries),
                    "partner": _dictionary(partner.astype(np.int16), countries),
                    "flow": _dictionary(np.tile(flow_block, pairs), list(PANEL_FLOWS)),
                    "span": _dictionary(np.tile(span_block, pairs * len(PANEL_FLOWS)), months),
                    "value": value,
                    "currency": _dictionary(zeros, ["USD"]),
                    "scale": _dictionary(zeros, ["million"]),
                    "source_id": _dictionary(zeros, [SOURCE_ID]),
                }
            )
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            rows += len(value)
    finally:
        if writer is not None:
            writer.close()
    planted = pd.DataFrame(
        {
            "line": slips["row"] + 1,  # the tracker numbers panel rows from 1
            "reporter": [countries[i] for i in slips["reporter_i"]],
            "partner": [countries[i] for i in slips["partner_i"]],
            "flow": [PANEL_FLOWS[i] for i in slips["flow_i"]],
            "span": [months[i] for i in slips["month_i"]],
            "value_usd_mn": before,
            "planted_usd_mn": before * SLIP_FACTOR,
        }
    )
    return rows, planted


def _targets(world: World, rng: np.random.Generator) -> list[dict]:
    """TARGETS goals over random ordered pairs, each a multiple of the pair's last year."""
    n = len(world.countries)
    last = world.monthly[..., -MONTHS_PER_YEAR:].sum(axis=2, dtype=float)  # the last year
    first = rng.integers(0, n, TARGETS)
    second = (first + rng.integers(1, n, TARGETS)) % n
    factors = rng.uniform(TARGET_FACTOR_LOW, TARGET_FACTOR_HIGH, TARGETS)
    targets = []
    for index, (a, b, factor) in enumerate(zip(first, second, factors, strict=True)):
        flow = PANEL_FLOWS[index % len(PANEL_FLOWS)]
        # The expected year's trade from country_a's records (imports at CIF).
        year_value = last[a, b] if flow == "exports" else CIF_FACTOR * last[b, a]
        value = max(1, round(float(year_value * factor)))
        deadline = FIRST_DEADLINE + index % DEADLINE_YEARS
        targets.append(
            {
                "target_id": f"t{index:04d}",
                "country_a": world.countries[a],
                "country_b": world.countries[b],
                "flow": flow,
                "value": value,
                "currency": "USD",
                "scale": "million",
                "figure_as_written": f"${value} million",
                "kind": "target",
                "deadline_year": deadline,
                "deadline_as_worded": f"by {deadline}",
                "stated_date": STATED,
                "stated_by": "benchmark",
                "source_id": SOURCE_ID,
            }
        )
    return targets


def _write_csv(directory: Path, table: str, rows: list[dict]) -> None:
    """One dataset CSV with the columns every file has (optional ones left out)."""
    header = [name for name, column in SCHEMAS[table].columns.items() if column.required]
    with open(directory / FILES[table], "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_datasets(workdir: Path, countries: list[str]) -> tuple[int, pd.DataFrame]:
    """``datasets/`` (the panel and the four CSVs) and ``planted_slips.csv`` in ``workdir``.

    Returns
    -------
    tuple of (int, pandas.DataFrame)
        Panel rows, and the planted slips (panel line, key, value before and after).
    """
    directory = workdir / "datasets"
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    world = _world(countries, rng)
    slips = _slips(len(countries), rng)
    rows, planted = write_panel(directory / PANEL_FILE, world, slips, rng)
    planted.to_csv(workdir / SLIPS_FILE, index=False)
    source = {
        "source_id": SOURCE_ID,
        "title": "Synthetic world panel",
        "publisher": "benchmark",
        "published_date": PUBLISHED,
        "kind": "database_extract",
    }
    _write_csv(directory, "sources", [source])
    # observations.csv may not be empty: one typed total, for a year before the panel so
    # that no audit check compares it with the panel's rows.
    first_year = world.monthly[0, 1, :MONTHS_PER_YEAR].sum(dtype=float)
    total = round(first_year + CIF_FACTOR * world.monthly[1, 0, :MONTHS_PER_YEAR].sum(dtype=float))
    typed = {
        "reporter": countries[0],
        "partner": countries[1],
        "flow": "total",
        "span": str(FIRST_YEAR - 1),
        "value": total,
        "currency": "USD",
        "scale": "million",
        "figure_as_written": f"${total} million",
        "source_id": SOURCE_ID,
    }
    _write_csv(directory, "observations", [typed])
    _write_csv(directory, "targets", _targets(world, np.random.default_rng(SEED + 1)))
    _write_csv(directory, "fx_rates", [])
    return rows, planted


# --- measuring whole processes ----------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One child process: wall time, peak RSS (bytes) of its largest process and of all
    its processes together (sampled), exit code, whether it finished."""

    command: str
    wall_s: float
    largest_bytes: int
    returncode: int | None
    finished: bool
    stdout: Path
    stderr: Path
    together_bytes: int = 0

    @property
    def peak_bytes(self) -> int:
        """The peak a goal is held against: every process of the command together (its
        workers run at the same time), or the largest one if the samples missed it."""
        return max(self.largest_bytes, self.together_bytes)


def _group_rss(group: int) -> int:
    """Resident bytes of every process in a process group now (from /proc; 0 elsewhere)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # field 5 of stat, the process group
            total += int(fields[21]) * PAGE_BYTES  # field 24, resident pages
    return total


def measure(name: str, argv: list[str], workdir: Path, timeout_s: float) -> Run:
    """Run ``argv`` as its own process (group); stop it after ``timeout_s``.

    Peak RSS is the child's own ``ru_maxrss`` from ``os.wait4`` (the largest of the child
    and the children it waited for), so no other process this one started counts. Linux
    counts a child's resident memory from the fork, before it runs its own program: this
    process's size (about 450 MiB after writing the panel) is a floor under it. And
    the resident memory of its whole process group, sampled every MEMORY_POLL_S (workers
    running at once add up).
    """
    stdout, stderr = workdir / f"{name}.out", workdir / f"{name}.err"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        started = time.perf_counter()
        # A session of its own: on a timeout the whole group (report's chart workers) goes.
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=workdir, start_new_session=True)
        finished, checked, together = False, started, 0
        while True:
            # wait4, not Popen.wait: it returns this child's own resource usage.
            done, status, usage = os.wait4(child.pid, os.WNOHANG)
            if done:
                finished = True
                break
            # Stopped past the time limit, or before the machine runs out of memory (the
            # kernel would otherwise kill whatever it picks).
            over = False
            if time.perf_counter() - checked > MEMORY_POLL_S:
                checked, resident = time.perf_counter(), _group_rss(child.pid)
                together, over = max(together, resident), resident > MEMORY_LIMIT_BYTES
            if time.perf_counter() - started > timeout_s or over:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(POLL_S)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped above
    code = child.returncode if finished else None
    largest = usage.ru_maxrss * KIB
    return Run(" ".join(argv), wall, largest, code, finished, stdout, stderr, together)


# --- checking and printing --------------------------------------------------------------


def _agreement(status_csv: Path, peer_csv: Path) -> str:
    """How many targets tracker status and the peer give the same figures for."""
    columns = ["target_id", "baseline_year", "baseline_usd_mn", "growth_hist_pct"]
    columns += ["growth_req_pct"]
    tracker = pd.read_csv(status_csv, usecols=columns).set_index("target_id")
    peer = pd.read_csv(peer_csv).set_index("target_id")
    both = tracker.merge(peer, on="target_id", how="outer", suffixes=("", "_peer"))
    same = pd.Series(True, index=both.index)
    for column in columns[1:]:
        a, b = both[column].astype(float), both[f"{column}_peer"].astype(float)
        same &= np.isclose(a, b, rtol=AGREE_RTOL, atol=0, equal_nan=True)
    text = f"tracker status and the peer agree on {same.sum():,} of {len(both):,} targets"
    if not same.all():
        text += "; first differences:\n" + both[~same].head(3).to_string()
    return text


def _slips_found(audit_csv: Path, planted: pd.DataFrame) -> tuple[int, int, dict]:
    """Slips whose panel row a finding cites, slips whose key (or mirror key) a finding
    names, and the findings by check."""
    columns = ["check", "reporter", "partner", "flow", "span", "rows"]
    findings = pd.read_csv(audit_csv, usecols=columns, dtype=str, keep_default_na=False)
    cited = set(
        findings["rows"].str.split("; ").explode().loc[lambda c: c.str.startswith(PANEL_FILE)]
    )
    keys = set(findings[["reporter", "partner", "flow", "span"]].itertuples(index=False))
    by_row = by_key = 0
    for slip in planted.itertuples(index=False):
        by_row += f"{PANEL_FILE}:{slip.line}" in cited
        own = (slip.reporter, slip.partner, slip.flow)
        mirror = (slip.partner, slip.reporter, MIRROR_FLOW[slip.flow])
        by_key += any(
            (*key, span) in keys for key in (own, mirror) for span in (slip.span, slip.span[:4])
        )
    return by_row, by_key, findings["check"].value_counts().to_dict()


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _mib(size: float) -> str:
    return f"{size / MIB:,.0f} MiB"


def _timing(run: Run, timeout_s: float) -> str:
    if not run.finished:
        return (
            f"not finished within {timeout_s:g} s or {MEMORY_LIMIT_BYTES / GIB:g} GiB "
            f"(stopped after {run.wall_s:.0f} s)"
        )
    code = "" if run.returncode == 0 else f", exit code {run.returncode}"
    together = (
        f"{_mib(run.together_bytes)} (all its processes together, sampled)"
        if run.together_bytes
        else "ended before its memory was sampled"
    )
    largest = f"{_mib(run.largest_bytes)} (largest process)"
    return f"{run.wall_s:6.2f} s, peak {largest}, {together}{code}"


def _goal(label: str, ok: bool, detail: str) -> None:
    print(f"  goal {label:<34} {detail:<28} -> {_verdict(ok)}")


def _stderr_tail(run: Run, lines: int = 5) -> None:
    """Print the last lines a failed run wrote to standard error, if any."""
    text = run.stderr.read_text(errors="replace").strip().splitlines()
    if text:
        print("\n".join(f"    | {line}" for line in text[-lines:]))


def _peak(run: Run) -> str:
    return _mib(run.peak_bytes) if run.finished else f"{_mib(run.peak_bytes)} when stopped"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="kept afterwards (default: a temp dir)"
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per command"
    )
    args = parser.parse_args()
    countries = sorted(c.alpha_3 for c in pycountry.countries)[: args.countries]
    with tempfile.TemporaryDirectory() as scratch:
        workdir = (args.workdir or Path(scratch)).resolve()
        _run(workdir, countries, args.timeout)


def _run(workdir: Path, countries: list[str], timeout_s: float) -> None:
    datasets, reports = workdir / "datasets", workdir / "reports"
    started = time.perf_counter()
    rows, planted = write_datasets(workdir, countries)
    panel = datasets / PANEL_FILE
    print(
        f"panel: {rows:,} rows ({len(countries)} countries), {_mib(panel.stat().st_size)} "
        f"on disk, {len(planted)} planted slips x{SLIP_FACTOR}; written in "
        f"{time.perf_counter() - started:.1f} s to {workdir}"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pyarrow {pa.__version__}, duckdb {version('duckdb')}; {date.today()}"
    )
    tracker = str(Path(sys.executable).parent / "tracker")
    where = ["--datasets", str(datasets)]
    peer_sql = PEER_SQL.format(
        panel=_quoted(panel),
        targets=_quoted(datasets / FILES["targets"]),
        output=_quoted(workdir / "peer.csv"),
    )
    # What any tracker command pays before it reads a file: context for the ratio.
    startup = measure("startup", [sys.executable, "-c", STARTUP_SCRIPT], workdir, timeout_s)
    # A record of validated panels of this run's own: the first status checks the new panel
    # in full and records it; the second (and every later command) trusts the record.
    cache = workdir / CACHE_FOLDER
    shutil.rmtree(cache, ignore_errors=True)
    os.environ[CACHE_ENV] = str(cache)
    status_argv = [tracker, "status", *where, "--as-of", AS_OF, "--format", "csv"]
    checking = measure("status-first", status_argv, workdir, timeout_s)
    status = measure("status", status_argv, workdir, timeout_s)
    peer = measure("peer", [sys.executable, "-c", PEER_SCRIPT, peer_sql], workdir, timeout_s)
    audit = measure("audit", [tracker, "audit", *where, "--format", "csv"], workdir, timeout_s)
    report = measure(
        "report",
        [tracker, "report", *where, "--month", REPORT_MONTH, "--out", str(reports)],
        workdir,
        timeout_s,
    )

    print("\n(a) tracker status, first run: checks the new panel in full and records it valid:")
    print("   ", _timing(checking, timeout_s))
    print("    the panel recorded valid (--format csv):", _timing(status, timeout_s))
    print("    tracker start-up alone (its imports):", _timing(startup, timeout_s))
    print("(b) peer, DuckDB query in its own process:", _timing(peer, timeout_s))
    both = status.finished and peer.finished and status.returncode == peer.returncode == 0
    if both:
        ratio = status.wall_s / peer.wall_s
        _goal("status <= 2 x peer's time", ratio <= STATUS_PEER_RATIO_GOAL, f"{ratio:.2f} x")
        if startup.finished:
            print(f"  (start-up alone: {startup.wall_s / peer.wall_s:.2f} x the peer's time)")
        print("  " + _agreement(status.stdout, workdir / "peer.csv"))
    else:
        _goal("status <= 2 x peer's time", False, "no ratio: a run failed")
    if status.finished:
        memory = status.peak_bytes / peer.peak_bytes if peer.finished else float("nan")
        _goal(
            "status peak <= 2 GB",
            status.returncode == 0 and status.peak_bytes <= STATUS_PEAK_GOAL,
            f"{_mib(status.peak_bytes)} ({memory:.1f} x peer's)",
        )
    else:
        _goal("status peak <= 2 GB", False, "not finished")
    for run in (status, peer):
        if run.finished and run.returncode != 0:
            _stderr_tail(run)

    print("\n(c) tracker audit (--format csv):", _timing(audit, timeout_s))
    audit_ok = audit.finished and audit.returncode == 0
    if audit_ok:
        by_row, by_key, checks = _slips_found(audit.stdout, planted)
        print(
            f"  {sum(checks.values()):,} findings, {audit.stdout.stat().st_size / MB:,.1f} MB "
            "of CSV: "
            f"{checks}"
        )
        _goal(
            "audit cites every planted slip",
            by_row == len(planted),
            f"{by_row} of {len(planted)} by row",
        )
        print(f"  (a finding names the slip's key or its mirror's for {by_key} of {len(planted)})")
    else:
        _goal("audit finds every planted slip", False, "no output")
        _stderr_tail(audit)
    _goal(
        "audit <= 30 s",
        audit_ok and audit.wall_s <= AUDIT_TIME_GOAL_S,
        f"{audit.wall_s:.1f} s" if audit.finished else "not finished",
    )
    _goal(
        "audit peak <= 3 GB",
        audit_ok and audit.peak_bytes <= AUDIT_PEAK_GOAL,
        _peak(audit),
    )

    print(f"\n(c) tracker report --month {REPORT_MONTH}:", _timing(report, timeout_s))
    report_ok = report.finished and report.returncode == 0
    summary = reports / REPORT_MONTH / "index.html"
    _goal(
        "report <= 60 s",
        report_ok and report.wall_s <= REPORT_TIME_GOAL_S,
        f"{report.wall_s:.1f} s" if report.finished else "not finished",
    )
    _goal(
        "report peak <= 3 GB",
        report_ok and report.peak_bytes <= REPORT_PEAK_GOAL,
        _peak(report),
    )
    if report_ok and summary.exists():
        size = summary.stat().st_size
        _goal("summary page <= 10 MB", size <= SUMMARY_PAGE_GOAL, f"{size / MB:,.1f} MB")
        for other in sorted((reports / REPORT_MONTH).glob("*.*")):
            print(f"  {other.name}: {other.stat().st_size / MB:,.1f} MB")
    else:
        _goal("summary page <= 10 MB", False, "no report")
        _stderr_tail(report)
    print("\npeer query (DuckDB):\n" + PEER_SQL)


if __name__ == "__main__":
    main()
