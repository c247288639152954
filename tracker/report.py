"""The monthly report: where every target stands as of a month's last day.

Load (the datasets, passed in) -> Process (gaps this month and last, what changed, audit)
-> Render (Jinja2 templates, charts as PNG) -> Save (a new directory swapped in by rename,
so a failed run leaves the previous report untouched). Same data and month give
byte-identical text files.
"""

from __future__ import annotations

import base64
import calendar
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from tqdm import tqdm

from tracker.audit import ABOUT_SHARE, JUMP_FACTOR, MIRROR_TOLERANCE, audit
from tracker.datasets import Datasets
from tracker.gaps import HORIZONS_YEARS, GapParams, compute_gaps, target_series
from tracker.plots import overview_chart, progress_chart
from tracker.schemas import STATUS_COLUMNS, STATUSES

__all__ = ["STATUS_LABELS", "NothingToReport", "build_report", "month_end", "status_csv"]

#: How each status reads in the report.
STATUS_LABELS = {
    "achieved": "achieved",
    "on_track": "on track",
    "needs_acceleration": "needs acceleration",
    "off_track": "off track",
    "reversing": "reversing",
    "missed": "missed",
    "awaiting_data": "awaiting data",
    "insufficient_history": "insufficient history",
    "no_baseline": "no baseline",
    "not_judged": "not judged (potential)",
}
#: Columns of status.csv, after the status columns of `tracker status`.
_CSV_EXTRA = ["deadline_as_worded", "stated_date", "judged_by", "note"]
#: Cell starts a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PNG_METADATA = {"Software": None}  # no version string: same data, same bytes


class NothingToReport(Exception):
    """The month has nothing to report (before any target was stated, or not begun)."""


@dataclass(frozen=True)
class _Figure:
    file: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def month_end(month: str) -> date:
    """Last day of a ``YYYY-MM`` month.

    Raises
    ------
    ValueError
        When the text is not a month.
    """
    period = pd.Period(month, freq="M")
    if period.strftime("%Y-%m") != month:
        raise ValueError(f"not a month written YYYY-MM: {month!r}")
    return period.end_time.date()


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=_PNG_METADATA)
    return buffer.getvalue()


def _neutralise(cell):
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def status_csv(table: pd.DataFrame) -> str:
    """The status table as CSV text, with formula-like text cells neutralised."""
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    safe = table.copy()
    for column in text_columns:
        safe[column] = safe[column].map(_neutralise)
    return safe.to_csv(index=False, lineterminator="\n")


def _sources(data: Datasets) -> pd.DataFrame:
    return data.sources.set_index("source_id")


def _provenance(data: Datasets, series: pd.DataFrame) -> list[dict]:
    """Where each plotted annual value came from."""
    obs = data.observations.set_index(["source_id", "line"])
    sources = _sources(data)
    rows = []
    for _, point in series.iterrows():
        if point["is_derived"] or point["source_id"] not in sources.index:
            rows.append(
                {
                    "role": point["role"],
                    "reporter": point["reporter"],
                    "year": point["year"],
                    "value_usd_mn": point["value_usd_mn"],
                    "figure_as_written": "sum of twelve months",
                    "source": None,
                }
            )
            continue
        key = (point["source_id"], point["line"])
        figure = obs.at[key, "figure_as_written"] if key in obs.index else ""
        rows.append(
            {
                "role": point["role"],
                "reporter": point["reporter"],
                "year": point["year"],
                "value_usd_mn": point["value_usd_mn"],
                "figure_as_written": figure,
                "source": _source(sources, point["source_id"]),
            }
        )
    return rows


def _source(sources: pd.DataFrame, source_id: str) -> dict:
    row = sources.loc[source_id]
    return {
        "id": source_id,
        "title": row["title"],
        "publisher": row["publisher"],
        "published": row["published_date"],
        "address": row["address"],
    }


def _history(data: Datasets, row: pd.Series, as_of: date) -> list[dict]:
    """The chain of statements behind a target, oldest first, as known by ``as_of``."""
    targets = data.targets[data.targets["published_on"] <= pd.Timestamp(as_of)]
    by_id = targets.set_index("target_id")
    sources = _sources(data)
    chain, current = [], row["target_id"]
    while current in by_id.index:
        link = by_id.loc[current]
        chain.append(
            {
                "target_id": current,
                "stated_date": link["stated_date"],
                "stated_by": link["stated_by"],
                "figure": link["figure_as_written"],
                "qualifier": link["qualifier"],
                "deadline": link["deadline_as_worded"],
                "note": link["note"],
                "source": _source(sources, link["source_id"]),
            }
        )
        current = link["supersedes"]
    return chain[::-1]


def _changes(
    data: Datasets, since: date, until: date, before: pd.DataFrame, now: pd.DataFrame
) -> dict:
    """What was published after ``since`` up to ``until``, and the statuses it moved."""
    window_start, window_end = pd.Timestamp(since), pd.Timestamp(until)
    obs = data.observations
    new = obs[(obs["published_on"] > window_start) & (obs["published_on"] <= window_end)]
    older = obs[obs["published_on"] <= window_start]
    key = ["reporter", "partner", "flow", "span"]
    latest_before = older.sort_values(["published_on", "line"]).drop_duplicates(key, keep="last")
    merged = new.merge(
        latest_before[[*key, "value_usd_mn", "source_id"]],
        on=key,
        how="left",
        suffixes=("", "_before"),
    )
    sources = _sources(data)
    observations = [
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
                "source": _source(sources, r.source_id),
            }
        )
        for r in merged.sort_values(["published_on", "line"]).itertuples()
    ]
    tgt = data.targets
    stated = tgt[(tgt["published_on"] > window_start) & (tgt["published_on"] <= window_end)]
    targets = [
        {
            "target_id": t.target_id,
            "figure": t.figure_as_written,
            "deadline": t.deadline_as_worded,
            "supersedes": t.supersedes,
            "stated_by": t.stated_by,
            "source": _source(sources, t.source_id),
        }
        for t in stated.sort_values(["published_on", "line"]).itertuples()
    ]
    was = before.set_index("chain_root")["status"] if len(before) else pd.Series(dtype=str)
    moved = []
    for r in now.itertuples():
        previous = was.get(r.chain_root)
        if previous != r.status:
            moved.append({"target_id": r.target_id, "before": previous, "now": r.status})
    return {"observations": observations, "targets": targets, "statuses": moved}


def _methods(params: GapParams, as_of: date) -> list[str]:
    """The methods and assumptions, in words, with the parameters of this run."""
    return [
        "Each goal is judged on the newest statement of its chain of restatements; a "
        "restatement without a year keeps the last year stated before it.",
        f"Only figures and statements published by {as_of} are used; a date known only to "
        "the month or year counts from that period's last day. Where several sources give "
        "the same figure, the newest publication is current.",
        "The annual series holds full-year figures (January-December) or, flagged, the sum "
        "of twelve monthly figures. Part-year figures never enter it; the latest year to "
        "date gives a flagged nowcast.",
        f"Historical growth: compound annual growth over {params.window_years} years "
        "(shorter when history is shorter). Required growth: compound annual growth from "
        "the baseline to the target in the deadline year.",
        f"Status: on track from a progress ratio (historical / required growth) of "
        f"{params.on_track_ratio}; needs acceleration from {params.acceleration_ratio}; off "
        "track below; reversing when historical growth is zero or negative. Potentials are "
        "tracked, never judged.",
        f"No stated deadline: assumed {params.assumed_horizon_years} years after the "
        "statement, always shown as assumed, with the growth needed for "
        f"{', '.join(map(str, HORIZONS_YEARS))} years after the baseline beside it.",
        "Audit: precision from each figure as written (1.2 billion is +/-0.05 billion); "
        f"'about' widens it to at least {ABOUT_SHARE:.0%}; mirror figures are "
        f"compared beyond a {MIRROR_TOLERANCE:.0%} difference; a year "
        f"{JUMP_FACTOR:g} times above or below its neighbours is flagged as a "
        "possible unit slip.",
        "All values in US dollars (current), millions unless shown as billions.",
    ]


def _present(record: dict) -> dict:
    """A record with every missing value (NaN, NA, NaT) as None, for the templates."""
    return {
        k: None if not isinstance(v, str | list) and pd.isna(v) else v for k, v in record.items()
    }


def _usd(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    if abs(value) >= 1000:
        return f"${value / 1000:,.2f} bn"
    return f"${value:,.1f} m" if abs(value) < 100 else f"${value:,.0f} m"


def _pct(value, signed: bool = True) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def _pp(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:+.1f} pp"


def _number(value, digits: int = 2) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def _fractional_year(value) -> str:
    """A year with its fraction, no thousands separator: 2042.5."""
    return "–" if value is None or pd.isna(value) else f"{value:.1f}"


def _year(value) -> str:
    return "–" if value is None or pd.isna(value) else str(int(value))


def _md(text) -> str:
    """Dataset text safe inside a Markdown table cell: no raw HTML, no cell breaks."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("tracker", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        usd=_usd,
        pct=_pct,
        pp=_pp,
        number=_number,
        year=_year,
        fractional_year=_fractional_year,
        md=_md,
        label=STATUS_LABELS.get,
    )
    return environment


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

    figures = [_Figure("overview.png", _png(overview_chart(gaps)))]
    sections = []
    rows = tqdm(
        list(gaps.itertuples(index=False)), desc="charts", unit="target", disable=not show_progress
    )
    for row in rows:
        row_series = pd.Series(row._asdict())
        own = series[series["target_id"] == row.target_id]
        figure = _Figure(f"{row.target_id}.png", _png(progress_chart(row_series, own)))
        figures.append(figure)
        sections.append(
            {
                "row": _present(row._asdict()),
                "figure": figure,
                "history": _history(data, row_series, as_of),
                "provenance": _provenance(data, own),
                "note": notes.get(row.target_id, ""),
            }
        )
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
        "overview": figures[0],
        "figures": figures,
        "changes": _changes(data, previous_end, as_of, before, gaps),
        "findings": audit(data, as_of).to_dict("records"),
        "methods": _methods(params, as_of),
        "horizons": HORIZONS_YEARS,
        "assumed_horizon_years": params.assumed_horizon_years,
    }


def _write(directory: Path, context: dict, environment: Environment) -> None:
    (directory / "figures").mkdir(parents=True)
    for figure in context["figures"]:
        (directory / "figures" / figure.file).write_bytes(figure.png)
    for name in ("index.html", "report.md"):
        text = environment.get_template(name).render(context)
        (directory / name).write_text(text, encoding="utf-8", newline="\n")
    table = context["table"][STATUS_COLUMNS + _CSV_EXTRA]
    (directory / "status.csv").write_text(status_csv(table), encoding="utf-8", newline="\n")


def build_report(
    data: Datasets,
    month: str,
    out: Path | str = "reports",
    params: GapParams | None = None,
    show_progress: bool = False,
) -> Path:
    """Write ``out/YYYY-MM/``: index.html, report.md, status.csv and figures/*.png.

    The new report is built beside the old one and swapped in only when complete: a run
    that fails part-way leaves the previous report as it was.

    Raises
    ------
    NothingToReport
        When no target was published by the month's end, or the month has not begun.
    ValueError
        When ``month`` is not ``YYYY-MM``.
    """
    context = _context(data, month, params or GapParams(), show_progress)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    final = out / month
    staging = Path(tempfile.mkdtemp(prefix=f".{month}.new-", dir=out))
    try:
        _write(staging / "report", context, _environment())
        _swap(staging / "report", final, staging / "previous")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


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
