"""Loading the dataset files: the I/O edge between files and validated frames.

Load reads each CSV as text (UTF-8, a byte-order mark and CRLF line endings accepted,
surrounding whitespace stripped) into a frame of strings indexed by line number, and each
Parquet panel (``*.parquet``) as typed columns indexed by row number; validation checks
those; Process turns them into typed observations (periods, floats, USD millions).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from tracker.coding import factorize
from tracker.failures import DataInvalid, Failure
from tracker.figures import MN_PER_SCALE, parse_figure
from tracker.periods import is_full_year, latest_day, spans_frame
from tracker.rules import panel_failures
from tracker.schemas import FILES, observation_panel
from tracker.validation import schema_failures, validate_frames

__all__ = [
    "Datasets",
    "Panel",
    "all_observations",
    "build_datasets",
    "check_datasets",
    "load_datasets",
    "observations_for",
    "parse_table",
    "read_datasets",
    "read_table",
    "validate_panel",
]

#: Tables that may hold a header and no rows: with every figure in US dollars there is
#: nothing to convert, and an empty rate table is then the honest state.
_MAY_BE_EMPTY = frozenset({"fx_rates"})
#: Files in the datasets folder that hold imported panels of observations.
PANEL_PATTERN = "*.parquet"
#: Columns a panel may leave out, with the value a CSV row would have.
_PANEL_DEFAULTS = {
    "figure_as_written": "",
    "qualifier": "",
    "growth_pct": "",
    "growth_as_written": "",
    "growth_base_span": "",
    "note": "",
}
_KEY = ["reporter", "partner", "flow"]


@dataclass(frozen=True)
class Panel:
    """An imported panel of observations as read from Parquet, validated, not yet typed.

    ``frame`` keeps the file's columns (repeated values as categories) and is indexed by
    row number from 1 (``line``), so a 25-million-row panel stays compact until a
    computation selects the series it needs (:func:`observations_for`).
    """

    file: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Datasets:
    """The validated datasets, with typed columns.

    Every frame keeps ``line``, the row's line in its file, so that findings about a row
    can send the reader back to it.
    """

    sources: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    fx_rates: pd.DataFrame
    directory: Path
    panels: tuple[Panel, ...] = ()


def _decode(file: str, data: bytes) -> tuple[str | None, list[Failure]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        # Field index by commas before the bad byte; good enough to point at a column.
        field = data[line_start : err.start].count(b",")
        header = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
        column = header[field].strip() if field < len(header) else None
        byte = data[err.start : err.start + 1].hex().upper()
        rule = f"byte 0x{byte} is not UTF-8; save the file as UTF-8"
        return None, [Failure(file, line, column, f"0x{byte}", rule)]


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Read one dataset CSV as strings, indexed by the line each row starts on.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    tuple
        The frame (None when the file cannot be read as a table) and the failures met
        while reading: missing or empty file, wrong encoding, wrong delimiter, rows with
        the wrong number of fields, repeated header names.
    """
    if not path.is_file():
        return None, [Failure(path.name, None, None, "", f"file is missing (expected at {path})")]
    return parse_table(path.name, path.read_bytes())


def parse_table(file: str, data: bytes) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Parse one dataset file's bytes; see :func:`read_table`.

    Parameters
    ----------
    file : str
        The file name failures report.
    data : bytes
        The file's content.
    """
    text, failures = _decode(file, data)
    if text is None:
        return None, failures
    if not text.strip():
        return None, [Failure(file, None, None, "", "file is empty; expected a header row")]

    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader)]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "';'" if ";" in header[0] else "a tab"
        rule = f"fields are separated by {separator}; expected ','"
        return None, [Failure(file, 1, None, header[0][:60], rule)]
    seen = set()
    for name in header:
        if name in seen:
            failures.append(Failure(file, 1, name, name, "column name appears twice"))
        seen.add(name)

    rows, lines = [], []
    line = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            if len(record) == len(header):
                rows.append([cell.strip() for cell in record])
                lines.append(line)
            else:
                rule = f"row has {len(record)} fields; the header has {len(header)}"
                failures.append(Failure(file, line, None, ",".join(record)[:60], rule))
        line = reader.line_num + 1
    if failures:
        return None, failures
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    return frame, []


def read_datasets(directory: Path) -> tuple[dict[str, pd.DataFrame], list[Failure]]:
    """Read every dataset file as strings, collecting reading failures.

    Returns
    -------
    tuple
        Frames by table name (tables that could not be read are absent) and failures.
    """
    frames, failures = {}, []
    for name, file in FILES.items():
        frame, problems = read_table(Path(directory) / file)
        failures += problems
        if frame is None:
            continue
        if frame.empty and name not in _MAY_BE_EMPTY:
            failures.append(Failure(file, None, None, "", "has a header but no rows"))
        frames[name] = frame
    return frames, failures


def _to_usd_mn(
    amount: pd.Series, frame: pd.DataFrame, year: pd.Series, fx_rates: pd.DataFrame
) -> pd.Series:
    """An amount in the row's currency and scale, in USD millions at the year's average rate."""
    rate = pd.Series(1.0, index=frame.index)
    currency = frame["currency"].astype(str)
    foreign = currency.ne("USD") & currency.ne("")
    if foreign.any():
        table = fx_rates.set_index(["currency", "year"])["units_per_usd"]
        keys = pd.MultiIndex.from_arrays([currency[foreign], year[foreign]])
        rate[foreign] = table.reindex(keys).to_numpy()
    scale = frame["scale"].astype(str).map(MN_PER_SCALE)
    return amount * scale / rate


def _half_width(figures: pd.Series) -> pd.Series:
    """Half the last printed digit of each figure as written, in the row's scale."""
    return figures.map(lambda text: parse_figure(text).half_width if text else None).astype(float)


def _typed_observations(
    frame: pd.DataFrame, sources: pd.DataFrame, fx: pd.DataFrame
) -> pd.DataFrame:
    """Observations indexed by line (CSV) or row (panel), as typed columns."""
    obs = frame.reset_index()
    for column, default in _PANEL_DEFAULTS.items():
        if column not in obs:
            obs[column] = default
    for column in [*_KEY, "span", "source_id", "currency", "scale"]:
        obs[column] = obs[column].astype(str)
    obs["value"] = pd.to_numeric(obs["value"].replace("", None))
    obs["growth_pct"] = pd.to_numeric(obs["growth_pct"].replace("", None))
    obs = obs.join(spans_frame(obs["span"]))
    obs["is_full_year"] = is_full_year(
        pd.PeriodIndex(obs["span_start"]), pd.PeriodIndex(obs["span_end"])
    )
    obs["year"] = obs["span_end"].dt.year
    obs["published_on"] = obs["source_id"].map(sources.set_index("source_id")["published_on"])
    obs["value_usd_mn"] = _to_usd_mn(obs["value"], obs, obs["year"], fx)
    obs["half_width_usd_mn"] = _to_usd_mn(
        _half_width(obs["figure_as_written"]), obs, obs["year"], fx
    )
    return obs


def _typed(
    frames: dict[str, pd.DataFrame], directory: Path, panels: tuple[Panel, ...] = ()
) -> Datasets:
    sources = frames["sources"].reset_index()
    sources["published_on"] = pd.to_datetime(sources["published_date"].map(latest_day))

    fx = frames["fx_rates"].reset_index()
    fx["year"] = fx["year"].astype(int)
    fx["units_per_usd"] = fx["units_per_usd"].astype(float)

    obs = _typed_observations(frames["observations"], sources, fx)

    tgt = frames["targets"].reset_index()
    tgt["value"] = tgt["value"].astype(float)
    tgt["deadline_year"] = pd.to_numeric(tgt["deadline_year"].replace("", None)).astype("Int64")
    tgt["stated_year"] = tgt["stated_date"].str[:4].astype(int)
    tgt["published_on"] = tgt["source_id"].map(sources.set_index("source_id")["published_on"])
    tgt["value_usd_mn"] = _to_usd_mn(tgt["value"], tgt, tgt["stated_year"], fx)
    return Datasets(sources, obs, tgt, fx, Path(directory), panels)


def _matching(frame: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Rows of ``frame`` whose reporter, partner and flow are one of ``keys``' rows.

    Works in the frame's own codes (a categorical column is not copied): the wanted keys
    are translated into those codes, and each row looks its key up in one table.
    """
    sizes, row_codes, wanted_codes = [], [], []
    for column in _KEY:
        codes, uniques = factorize(frame[column])
        sizes.append(len(uniques) + 1)
        row_codes.append(codes)
        wanted_codes.append(uniques.get_indexer(keys[column].astype(str)))
    dtype = np.int32 if np.prod(sizes, dtype=float) < np.iinfo(np.int32).max else np.int64
    row_key = np.zeros(len(frame), dtype=dtype)
    wanted = np.zeros(len(keys), dtype=np.int64)
    for size, codes, wanted_code in zip(sizes, row_codes, wanted_codes, strict=True):
        row_key *= size
        row_key += codes
        row_key += 1
        wanted = wanted * size + wanted_code + 1
    present = np.all(np.array(wanted_codes) >= 0, axis=0)
    table = np.zeros(int(np.prod(sizes)), dtype=bool)
    table[wanted[present]] = True
    return table[row_key]


def observations_for(data: Datasets, keys: pd.DataFrame) -> pd.DataFrame:
    """Typed observations of the given series, from the CSV file and every panel.

    Parameters
    ----------
    data : Datasets
    keys : pandas.DataFrame
        Columns ``reporter``, ``partner``, ``flow``: the series wanted.
    """
    parts = [data.observations[_matching(data.observations, keys)]]
    for panel in data.panels:
        selected = panel.frame[_matching(panel.frame, keys)]
        if len(selected):
            parts.append(_typed_observations(selected, data.sources, data.fx_rates))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def all_observations(data: Datasets) -> pd.DataFrame:
    """Every observation, from the CSV file and every panel, typed alike.

    For checks over everything (the audit); a computation that needs a few series should
    use :func:`observations_for`, which types only the rows it selects.
    """
    panels = [_typed_observations(p.frame, data.sources, data.fx_rates) for p in data.panels]
    if not panels:
        return data.observations
    return pd.concat([data.observations, *panels], ignore_index=True)


def read_panels(
    directory: Path, published: dict[str, object] | None
) -> tuple[tuple[Panel, ...], list[Failure]]:
    """Read and validate every Parquet panel in a folder.

    Parameters
    ----------
    directory : pathlib.Path
    published : dict or None
        Latest publication day by source_id, for the source rules; None when
        ``sources.csv`` could not be read (those rules are then skipped).
    """
    panels, failures = [], []
    for path in sorted(Path(directory).glob(PANEL_PATTERN)):
        try:
            # Column by column, freeing Arrow memory as it goes: a lower peak.
            frame = pq.read_table(path).to_pandas(split_blocks=True, self_destruct=True)
        except (OSError, pyarrow.ArrowException) as err:
            failures.append(
                Failure(path.name, None, None, "", f"cannot be read as Parquet ({err})")
            )
            continue
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
        failures += validate_panel(path.name, frame, published)
        panels.append(Panel(path.name, frame))
    return tuple(panels), failures


def validate_panel(
    file: str, frame: pd.DataFrame, published: dict[str, object] | None
) -> list[Failure]:
    """Every failure in one panel: its schema, then (sources known) its cross-column rules.

    ``frame`` is indexed by row number from 1.
    """
    problems = schema_failures(observation_panel, file, frame)
    missing_column = any(f.line == 1 and f.value == "" for f in problems)
    if published is not None and not missing_column:
        problems += panel_failures(file, frame, published)
    return problems


def _publication_days(frames: dict[str, pd.DataFrame]) -> dict[str, object] | None:
    sources = frames.get("sources")
    if sources is None or not {"source_id", "published_date"} <= set(sources.columns):
        return None
    days = {}
    for sid, text in zip(sources["source_id"], sources["published_date"], strict=True):
        try:
            days[sid] = latest_day(text)
        except ValueError:
            days[sid] = None
    return days


def load_datasets(directory: Path | str = "datasets") -> Datasets:
    """Load, validate and type the datasets in a directory.

    Parameters
    ----------
    directory : path-like
        Folder holding ``sources.csv``, ``observations.csv``, ``targets.csv`` and
        ``fx_rates.csv``.

    Returns
    -------
    Datasets

    Raises
    ------
    DataInvalid
        Carrying every error found, when any file breaks a rule. Warnings do not raise.
    """
    frames, panels, failures = _check(Path(directory))
    errors = [f for f in failures if f.severity == "error"]
    if errors:
        raise DataInvalid(errors)
    return _typed(frames, Path(directory), panels)


def build_datasets(frames: dict[str, pd.DataFrame], directory: Path | str = "<memory>") -> Datasets:
    """Validate and type tables already in memory (strings, indexed by line number).

    The same path as :func:`load_datasets` without the files: for notebooks and tests.

    Raises
    ------
    DataInvalid
        Carrying every error found.
    """
    errors = [f for f in validate_frames(frames) if f.severity == "error"]
    if errors:
        raise DataInvalid(errors)
    return _typed(frames, Path(directory))


def _check(directory: Path) -> tuple[dict[str, pd.DataFrame], tuple[Panel, ...], list[Failure]]:
    frames, failures = read_datasets(directory)
    failures += validate_frames(frames)
    panels, panel_problems = read_panels(directory, _publication_days(frames))
    return frames, panels, sorted(failures + panel_problems, key=_order)


def check_datasets(directory: Path | str) -> tuple[dict[str, int | None], list[Failure]]:
    """Read and validate the datasets without typing them.

    Returns
    -------
    tuple
        Rows read per file (None for a file that could not be read) and every failure,
        errors and warnings, in file and line order.
    """
    frames, panels, failures = _check(Path(directory))
    rows = {name: len(frames[name]) if name in frames else None for name in FILES}
    rows |= {panel.file: len(panel.frame) for panel in panels}
    return rows, failures


def _order(failure: Failure) -> tuple:
    return (failure.file, failure.line or 0, failure.column or "", failure.rule)
