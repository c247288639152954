"""Build small in-memory datasets for computation tests, through the real validation."""

from __future__ import annotations

from pathlib import Path

from tracker import Datasets
from tracker.loading.datasets import build_datasets
from tracker.loading.files import parse_table
from tracker.validation.schemas import FILES, SCHEMAS


def _csv(table: str, rows: list[dict]) -> bytes:
    columns = list(SCHEMAS[table].columns)
    lines = [",".join(columns)]
    lines += [",".join(str(row.get(column, "")) for column in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def observation(
    year_or_span,
    value_mn: float,
    published: str,
    reporter="KAZ",
    partner="TJK",
    flow="total",
    **extra,
) -> dict:
    """One observation in USD millions, from its own source published on ``published``."""
    span = str(year_or_span)
    value = f"{value_mn:.6f}".rstrip("0").rstrip(".")
    source = f"src-{reporter}-{partner}-{flow}-{span.replace('/', '_')}-{published}".lower()
    return {
        "reporter": reporter,
        "partner": partner,
        "flow": flow,
        "span": span,
        "value": value,
        "currency": "USD",
        "scale": "million",
        "figure_as_written": f"${value} million",
        "source_id": source,
        "_published": published,
        **extra,
    }


def target(
    target_id="t1",
    value_mn=2000.0,
    deadline="2027",
    stated="2022-01-10",
    country_a="KAZ",
    country_b="TJK",
    flow="total",
    **extra,
) -> dict:
    value = f"{value_mn:.6f}".rstrip("0").rstrip(".")
    return {
        "target_id": target_id,
        "country_a": country_a,
        "country_b": country_b,
        "flow": flow,
        "value": value,
        "currency": "USD",
        "scale": "million",
        "figure_as_written": f"${value} million",
        "kind": "target",
        "deadline_year": deadline,
        "deadline_as_worded": deadline or "none stated",
        "stated_date": stated,
        "stated_by": "a minister",
        "source_id": f"src-{target_id}",
        "_published": stated,
        **extra,
    }


def _files(observations: list[dict], targets: list[dict]) -> dict[str, bytes]:
    """Each table's CSV bytes, one source registered per distinct source_id."""
    published = {row["source_id"]: row["_published"] for row in observations + targets}
    sources = [
        {"source_id": sid, "title": "t", "publisher": "p", "published_date": day, "kind": "news"}
        for sid, day in published.items()
    ]
    strip = [{k: v for k, v in row.items() if not k.startswith("_")} for row in observations]
    strip_t = [{k: v for k, v in row.items() if not k.startswith("_")} for row in targets]
    tables = {"sources": sources, "observations": strip, "targets": strip_t, "fx_rates": []}
    return {table: _csv(table, rows) for table, rows in tables.items()}


def frames_of(observations: list[dict], targets: list[dict]) -> dict:
    """The rows as the tables a dataset folder would hold (text, indexed by line), one
    source registered per distinct source_id; not yet validated."""
    frames = {}
    for table, content in _files(observations, targets).items():
        frame, failures = parse_table(FILES[table], content)
        assert not failures, failures
        frames[table] = frame
    return frames


def write_folder(directory: Path, observations: list[dict], targets: list[dict]) -> Path:
    """The rows as a dataset folder on disk, for the command line."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, content in _files(observations, targets).items():
        (directory / FILES[table]).write_bytes(content)
    return directory


def build(observations: list[dict], targets: list[dict]) -> Datasets:
    """Validate and type the rows, registering one source per distinct source_id."""
    return build_datasets(frames_of(observations, targets))
