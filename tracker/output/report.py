"""The monthly report: where every target stands as of a month's last day.

Load (the datasets, passed in) -> Process (gaps this month and last, what changed, audit)
-> Render (Jinja2 templates; the overview chart as PNG, each goal's chart as SVG) -> Save
(a new directory swapped in by rename, so a failed run leaves the previous report
untouched). Same data and month give byte-identical files.
"""

from __future__ import annotations

import base64
import calendar
import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from jinja2 import Environment
from tqdm import tqdm

from tracker.analysis.audit import audit
from tracker.analysis.coverage import coverage, years_by_kind
from tracker.analysis.gaps import compute_gaps, target_series
from tracker.analysis.series import (
    current_vintage,
    observations,
    published_between,
    published_by,
)
from tracker.core.params import (
    HORIZONS_YEARS,
    MIRROR_TOLERANCE,
    GapParams,
)
from tracker.core.periods import CALENDAR_START_MONTH, MONTHS_IN_YEAR
from tracker.core.statuses import STATUSES, VERDICTS
from tracker.core.text import printable
from tracker.core.vocabulary import (
    FORECAST,
    OBSERVATION_KEY,
    POTENTIAL,
    PRELIMINARY,
    SERIES_KEY,
)
from tracker.loading.commit import writer_lock
from tracker.loading.datasets import Datasets
from tracker.loading.workers import worker_pool
from tracker.output.citations import (
    provenance,
    source_entry,
    sources_by_id,
    statement_histories,
)
from tracker.output.methods import methods
from tracker.output.plots import overview_chart, progress_svgs
from tracker.output.render import environment, safe_csv
from tracker.output.style import png
from tracker.validation.tables import STATUS_COLUMNS, STATUS_CSV_EXTRA

__all__ = ["NothingToReport", "build_report", "month_end"]

#: Findings of one check listed on the summary page; the rest are counted there, and every
#: one is in findings.csv (a world panel can hold a million).
FINDINGS_LISTED = 10
#: The folder of the goals' own pages, beside the summary.
_PAGES = "targets"


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


#: Marks a report folder being built: ``.YYYY-MM.new-<random>`` beside the reports.
_STAGING = ".new-"


class NothingToReport(Exception):
    """The month has nothing to report (before any target was stated, or not begun).

    Examples
    --------
    >>> from tracker.loading.datasets import load_datasets
    >>> try:
    ...     build_report(load_datasets("datasets"), "1999-01", "/nonexistent")
    ... except NothingToReport as nothing:
    ...     print(str(nothing)[:43])
    no target had been published by 1999-01-31:
    """


#: The media type of each chart file, for the data URIs that put charts inside pages.
_MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class _Figure:
    file: str
    content: bytes

    @property
    def data_uri(self) -> str:
        media = _MEDIA_TYPES[Path(self.file).suffix]
        return f"data:{media};base64," + base64.b64encode(self.content).decode("ascii")


def month_end(month: str) -> date:
    """Last day of a ``YYYY-MM`` month.

    Raises
    ------
    ValueError
        When the text is not a month.

    Examples
    --------
    >>> month_end("2024-02"), month_end("2026-11")
    (datetime.date(2024, 2, 29), datetime.date(2026, 11, 30))
    """
    match = _MONTH.match(month)
    if not match or not 1 <= int(match[2]) <= MONTHS_IN_YEAR:
        raise ValueError(f"not a month written YYYY-MM: {printable(month)!r}")
    return pd.Period(month, freq="M").end_time.date()


def _changes(
    data: Datasets, since: date, until: date, before: pd.DataFrame, now: pd.DataFrame
) -> dict:
    """What was published after ``since`` up to ``until``, and the statuses it moved."""
    new = published_between(data, since, until)
    # The values they revise: the current vintage of their own series only.
    revised = observations(data, new[SERIES_KEY].drop_duplicates())
    merged = new.merge(
        current_vintage(revised, since)[[*OBSERVATION_KEY, "value_usd_mn", "source_id"]],
        on=OBSERVATION_KEY,
        how="left",
        suffixes=("", "_before"),
    )
    sources = sources_by_id(data)
    figures = [
        _present(
            {
                "reporter": r.reporter,
                "partner": r.partner,
                "flow": r.flow,
                "span": r.span,
                "value_usd_mn": r.value_usd_mn,
                "growth_pct": r.growth_pct,
                "figure_as_written": r.figure_as_written,
                "before_usd_mn": r.value_usd_mn_before,
                "source": source_entry(sources, r.source_id),
            }
        )
        for r in merged.sort_values(["published_on", "file", "line"]).itertuples()
    ]
    tgt = data.targets
    stated = tgt[published_by(tgt, until) & ~published_by(tgt, since)]
    targets = [
        {
            "target_id": t.target_id,
            "figure": t.figure_as_written,
            "deadline": t.deadline_as_worded,
            "supersedes": t.supersedes,
            "stated_by": t.stated_by,
            "source": source_entry(sources, t.source_id),
        }
        for t in stated.sort_values(["published_on", "line"]).itertuples()
    ]
    was = before.set_index("chain_root")["status"] if len(before) else pd.Series(dtype=str)
    moved = []
    for r in now.itertuples():
        previous = was.get(r.chain_root)
        if previous != r.status:
            moved.append({"target_id": r.target_id, "before": previous, "now": r.status})
    return {"observations": figures, "targets": targets, "statuses": moved}


def _present(record: dict) -> dict:
    """A record with every missing value (NaN, NA, NaT) as None, for the templates."""
    return {
        k: None if not isinstance(v, str | list) and pd.isna(v) else v for k, v in record.items()
    }


def _context(data: Datasets, month: str, params: GapParams, show_progress: bool) -> dict:
    as_of = month_end(month)
    first_day = as_of.replace(day=1)
    if first_day > date.today():
        raise NothingToReport(f"month {month} has not begun yet (today is {date.today()})")
    gaps = compute_gaps(data, as_of, params)
    if gaps.empty:
        raise NothingToReport(
            f"no target had been published by {as_of}: nothing to report for {month}; "
            "the first target in the datasets was published on "
            f"{data.targets['published_on'].min():%Y-%m-%d}"
        )
    previous_end = first_day - pd.Timedelta(days=1)
    before = compute_gaps(data, previous_end, params)
    series = target_series(data, gaps, as_of)
    notes = data.targets.set_index("target_id")["note"]

    rows = [pd.Series(row._asdict()) for row in gaps.itertuples(index=False)]
    by_target = dict(tuple(series.groupby("target_id", sort=False)))
    own = [by_target.get(row["target_id"], series.iloc[:0]) for row in rows]
    with worker_pool() as pool:
        # With many goals, the workers draw their charts while this process writes their
        # sections; the audit's groups of pairs queue behind the charts, so every core
        # has work until the end.
        charts = progress_svgs(list(zip(rows, own, strict=True)), pool)
        histories = statement_histories(data, gaps["target_id"].tolist(), as_of)
        cited = defaultdict(list)
        for target_id, entry in zip(series["target_id"], provenance(data, series), strict=True):
            cited[target_id].append(entry)
        sections = [
            {
                "row": _present(row.to_dict()),
                "history": history,
                "provenance": cited[row["target_id"]],
                "years": years_by_kind(points),
                "note": notes.get(row["target_id"], ""),
            }
            for row, points, history in zip(rows, own, histories, strict=True)
        ]
        overview = _Figure("overview.png", png(overview_chart(gaps)))
        changes = _changes(data, previous_end, as_of, before, gaps)
        covered = coverage(data.targets, gaps, series, as_of).to_dict("records")
        findings = audit(data, as_of, per_series=None, pool=pool)  # findings.csv: every one
        progress = {"desc": "charts", "unit": "target", "disable": not show_progress}
        for section, chart in zip(sections, tqdm(charts, total=len(rows), **progress), strict=True):
            section["figure"] = _Figure(f"{section['row']['target_id']}.svg", chart)
    counts = gaps["status"].value_counts()
    table = gaps.assign(note=gaps["target_id"].map(notes))
    return {
        "month": month,
        "month_name": f"{calendar.month_name[as_of.month]} {as_of.year}",
        "as_of": as_of.isoformat(),
        "since": previous_end.isoformat(),
        "counts": [(s, int(counts[s])) for s in STATUSES if s in counts],
        "total": len(gaps),
        "table": table,
        "rows": [_present(r._asdict()) for r in table.itertuples(index=False)],
        "sections": sections,
        "overview": overview,
        "figures": [overview, *(section["figure"] for section in sections)],
        "changes": changes,
        "findings": findings,
        "findings_total": len(findings),
        "findings_listed": FINDINGS_LISTED,
        "finding_kinds": _finding_kinds(findings),
        "coverage": covered,
        "methods": methods(params, as_of),
        "horizons": HORIZONS_YEARS,
        "assumed_horizon_years": params.assumed_horizon_years,
        "mirror_tolerance_pct": f"{100 * MIRROR_TOLERANCE:g}",
        "potential": POTENTIAL,
        "preliminary": PRELIMINARY,
        "forecast": FORECAST,
        # Only whole calendar years are forecast, whatever years a goal is stated in.
        "calendar": CALENDAR_START_MONTH,
        # A flip is two different verdicts; "no baseline" on one side passes none.
        "verdicts": VERDICTS,
    }


def _finding_kinds(findings: pd.DataFrame) -> list[dict]:
    """Findings by check, in the table's order: how many, and the first few of each.

    Examples
    --------
    >>> findings = pd.DataFrame({"check": ["mirror"] * 12 + ["jump"], "message": range(13)})
    >>> [(k["check"], k["count"], len(k["listed"])) for k in _finding_kinds(findings)]
    [('mirror', 12, 10), ('jump', 1, 1)]
    """
    return [
        {
            "check": check,
            "count": len(rows),
            "listed": rows.head(FINDINGS_LISTED).to_dict("records"),
        }
        for check, rows in findings.groupby("check", sort=False)
    ]


def _write(directory: Path, context: dict, environment: Environment) -> None:
    (directory / "figures").mkdir(parents=True)
    (directory / _PAGES).mkdir()
    for figure in context["figures"]:
        (directory / "figures" / figure.file).write_bytes(figure.content)
    for name in ("index.html", "report.md"):
        text = environment.get_template(name).render(context)
        (directory / name).write_text(text, encoding="utf-8", newline="\n")
    pages = [environment.get_template(f"target.{kind}") for kind in ("html", "md")]
    for section in context["sections"]:
        page = {**context, "s": section}
        for template, kind in zip(pages, ("html", "md"), strict=True):
            path = directory / _PAGES / f"{section['row']['target_id']}.{kind}"
            path.write_text(template.render(page), encoding="utf-8", newline="\n")
    findings = safe_csv(context["findings"])
    (directory / "findings.csv").write_text(findings, encoding="utf-8", newline="\n")
    table = context["table"][STATUS_COLUMNS + STATUS_CSV_EXTRA]
    (directory / "status.csv").write_text(safe_csv(table), encoding="utf-8", newline="\n")


def build_report(
    data: Datasets,
    month: str,
    out: Path | str = "reports",
    params: GapParams | None = None,
    show_progress: bool = False,
) -> Path:
    """Write ``out/YYYY-MM/``: the summary (index.html, report.md), status.csv,
    findings.csv, one page per goal (targets/<id>.html and .md) and figures/ (the
    overview as PNG, each goal's chart as SVG).

    The new report is built beside the old one and swapped in only when complete: a run
    that fails part-way leaves the previous report as it was. From 100 goals on, charts
    are drawn in spawned worker processes (:func:`~tracker.loading.workers.worker_pool`):
    a script calling this keeps its code under ``if __name__ == "__main__":``.

    Raises
    ------
    NothingToReport
        When no target was published by the month's end, or the month has not begun.
    ValueError
        When ``month`` is not ``YYYY-MM``.

    Examples
    --------
    >>> import tempfile
    >>> from tracker.loading.datasets import load_datasets
    >>> folder = build_report(load_datasets("datasets"), "2025-03", tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())
    ['figures', 'findings.csv', 'index.html', 'report.md', 'status.csv', 'targets']
    """
    context = _context(data, month, params or GapParams(), show_progress)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    final = out / month
    with writer_lock(out):
        _restore_interrupted(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{month}{_STAGING}", dir=out))
        try:
            _write(staging / "report", context, environment())
            _swap(staging / "report", final, staging / "previous")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return final


def _restore_interrupted(out: Path) -> None:
    """Put back a report a killed run had moved aside, and remove killed runs' folders."""
    for staging in sorted(out.glob(f".*{_STAGING}*")):
        month = staging.name[1:].split(_STAGING)[0]
        if (staging / "previous").is_dir() and not (out / month).exists():
            os.replace(staging / "previous", out / month)
        shutil.rmtree(staging, ignore_errors=True)


def _swap(new: Path, final: Path, retired: Path) -> None:
    """Put ``new`` at ``final``; the old report goes back if the move fails."""
    had_previous = final.exists()
    if had_previous:
        os.replace(final, retired)
    try:
        os.replace(new, final)
    except BaseException:
        if had_previous:
            os.replace(retired, final)
        raise
