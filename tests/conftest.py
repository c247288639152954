"""Shared fixtures: a tiny valid dataset written from inline CSV, and a CLI runner."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.loading.cache import CACHE_ENV

# Records of panels found valid go to a folder of this run's own, never the user's cache.
os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="tracker-cache-")

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "datasets"

SOURCES = """\
source_id,title,publisher,published_date,address,kind,seed_file,sha256,note
s1,Trade up,Daily News,2025-02-12,https://example.org/a,news,,,
s2,Rates,Central Bank,2025-03,,statistics_release,,,
"""
OBSERVATIONS = """\
reporter,partner,flow,span,value,currency,scale,figure_as_written,qualifier,growth_pct,growth_as_written,growth_base_span,source_id,note
KAZ,TJK,total,2024,1.2,USD,billion,$1.2 billion,,7.4,7.4%,,s1,
KAZ,TJK,total,2023,1.13,USD,billion,$1.13 billion,,,,,s1,
KAZ,TJK,exports,2024,300000,KZT,million,300000 million tenge,,,,,s1,
"""
TARGETS = """\
target_id,country_a,country_b,flow,value,currency,scale,figure_as_written,qualifier,kind,deadline_year,deadline_as_worded,stated_date,stated_by,source_id,supersedes,judged_by,note
t1,KAZ,TJK,total,2,USD,billion,$2 billion,,target,,none stated,2024-08-22,President,s1,,,
t2,KAZ,TJK,total,2,USD,billion,$2 billion,,target,2027,2027,2025-02-12,Ministers,s1,t1,,
"""
FX_RATES = """\
currency,year,units_per_usd,source_id,note
KZT,2024,469.44,s2,
"""
TABLES = {
    "sources.csv": SOURCES,
    "observations.csv": OBSERVATIONS,
    "targets.csv": TARGETS,
    "fx_rates.csv": FX_RATES,
}


class CountingPool(ThreadPoolExecutor):
    """A pool that counts the batches of work handed to it (threads: nothing to spawn)."""

    batches = 0

    def map(self, *args, **kwargs):
        self.batches += 1
        return super().map(*args, **kwargs)


def fits_in_figure(figure) -> bool:
    """Nothing drawn beyond the figure's edges (labels, titles, legends, colour bar)."""
    drawn = figure.get_tightbbox()  # inches
    width, height = figure.get_size_inches()
    return drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


def report_text(folder: Path, kind: str) -> str:
    """A report's summary and every goal's page as one text: ``kind`` is ``md`` or ``html``."""
    summary = folder / ("report.md" if kind == "md" else "index.html")
    pages = sorted((folder / "targets").glob(f"*.{kind}"))
    return "\n".join(path.read_text(encoding="utf-8") for path in [summary, *pages])


def calls_to(monkeypatch, module, name: str) -> list[str]:
    """Replace ``module.name`` by a wrapper that records the file (first argument) of each
    call and then calls the original; the list of recorded files is returned."""
    calls = []
    real = getattr(module, name)

    def recording(file, *args):
        calls.append(file)
        return real(file, *args)

    monkeypatch.setattr(module, name, recording)
    return calls


def write_dataset(directory: Path, **files: str | bytes | None) -> Path:
    """Write the tiny valid dataset, with some files replaced (bytes kept as is) or
    removed (None). Keyword names are file stems: ``observations="..."``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        content = files.get(name.removesuffix(".csv"), text)
        if content is None:
            continue
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return directory


@pytest.fixture
def run_cli(capsys):
    """Run ``tracker`` in-process; return (exit code, stdout + stderr)."""

    def run(*args: str) -> tuple[int, str]:
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse usage errors
            code = exit_.code
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run
