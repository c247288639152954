"""Rules that join columns or files; the per-cell rules are in :mod:`tracker.schemas`.

Each rule takes the tables read as text (only those whose header is complete) and returns
its failures. A cell that a schema rule already rejects (an unparsable span, a value that
is no number) is skipped here, so each problem is reported once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from tracker.coding import factorize, failing
from tracker.failures import Failure
from tracker.figures import FigureError, parse_figure, parse_growth
from tracker.periods import DateError, SpanError, latest_day, parse_dated, parse_span
from tracker.schemas import FILES, SCALES

__all__ = ["RULES", "panel_failures"]

Frames = dict[str, pd.DataFrame]


def _at(table: str, frame: pd.DataFrame, mask: pd.Series, column: str, rule) -> list[Failure]:
    """One failure per row where ``mask`` holds; ``rule`` is a text or a per-row Series."""
    rows = frame.index[mask.fillna(False).astype(bool)]
    texts = rule if isinstance(rule, pd.Series) else pd.Series(rule, index=frame.index)
    return [
        Failure(FILES[table], int(line), column, str(frame.at[line, column]), texts[line])
        for line in rows
    ]


def _number(cell: str) -> float | None:
    try:
        number = float(cell)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _span_end_day(cell: str):
    try:
        return parse_span(cell)[1].end_time.date()
    except SpanError:
        return None


def _latest(cell: str):
    try:
        return latest_day(cell)
    except DateError:
        return None


def _distinct_countries(frames: Frames) -> list[Failure]:
    failures = []
    for table, (first, second) in {
        "observations": ("reporter", "partner"),
        "targets": ("country_a", "country_b"),
    }.items():
        if (frame := frames.get(table)) is not None:
            same = frame[first].ne("") & frame[first].eq(frame[second])
            failures += _at(table, frame, same, second, f"is the same country as {first}")
    return failures


def _known_sources(frames: Frames) -> list[Failure]:
    if (sources := frames.get("sources")) is None:
        return []
    known = set(sources["source_id"])
    failures = []
    for table in ("observations", "targets", "fx_rates"):
        if (frame := frames.get(table)) is not None:
            unknown = frame["source_id"].ne("") & ~frame["source_id"].isin(known)
            failures += _at(
                table, frame, unknown, "source_id", "unknown source_id (not in sources.csv)"
            )
    return failures


def _figures_as_written(frames: Frames) -> list[Failure]:
    """The figure as written must read back as the recorded value and scale."""
    failures = []
    for table in ("observations", "targets"):
        if (frame := frames.get(table)) is None:
            continue
        for line, row in frame[frame["figure_as_written"].ne("")].iterrows():
            text = row["figure_as_written"]
            try:
                figure = parse_figure(text)
            except FigureError as err:
                failures.append(
                    Failure(FILES[table], int(line), "figure_as_written", text, str(err))
                )
                continue
            value = _number(row["value"])
            if value is None or row["scale"] not in SCALES:
                continue
            if figure.scale != row["scale"] or not math.isclose(figure.value, value, rel_tol=1e-9):
                rule = (
                    f"reads as {figure.value:g} {figure.scale}, but the row records "
                    f"value {row['value']} scale {row['scale']}"
                )
                failures.append(Failure(FILES[table], int(line), "figure_as_written", text, rule))
    return failures


def _complete_statements(frames: Frames) -> list[Failure]:
    """An observation states a value (with its currency, scale, figure), a growth, or both."""
    if (obs := frames.get("observations")) is None:
        return []
    has_value = obs["value"].ne("")
    failures = []
    for column in ("currency", "scale", "figure_as_written"):
        failures += _at(
            "observations",
            obs,
            has_value & obs[column].eq(""),
            column,
            "is required when value is given",
        )
        failures += _at(
            "observations",
            obs,
            ~has_value & obs[column].ne(""),
            "value",
            f"is required when {column} is given",
        )
    failures += _at(
        "observations",
        obs,
        ~has_value & obs["growth_pct"].eq(""),
        "value",
        "a row states a value, a growth_pct, or both; both are empty",
    )
    for given, needed in (("growth_pct", "growth_as_written"), ("growth_as_written", "growth_pct")):
        failures += _at(
            "observations",
            obs,
            obs[given].ne("") & obs[needed].eq(""),
            needed,
            f"is required when {given} is given",
        )
    return failures


def _growth_as_written(frames: Frames) -> list[Failure]:
    """The stated growth as written must read back as the recorded growth's magnitude."""
    if (obs := frames.get("observations")) is None:
        return []
    failures = []
    both = obs["growth_as_written"].ne("") & obs["growth_pct"].ne("")
    for line, row in obs[both].iterrows():
        recorded = _number(row["growth_pct"])
        text = row["growth_as_written"]
        try:
            written, half_width = parse_growth(text)
        except FigureError as err:
            failures.append(
                Failure(FILES["observations"], int(line), "growth_as_written", text, str(err))
            )
            continue
        if recorded is not None and abs(abs(recorded) - written) > half_width + 1e-9:
            rule = f"reads as {written:g}%, but growth_pct records {row['growth_pct']}"
            failures.append(
                Failure(FILES["observations"], int(line), "growth_as_written", text, rule)
            )
    return failures


def _published_dates(frames: Frames) -> dict[str, object]:
    sources = frames["sources"]
    return {
        sid: _latest(text)
        for sid, text in zip(sources["source_id"], sources["published_date"], strict=True)
    }


def _later(days: pd.Series, published: pd.Series) -> pd.Series:
    """Rows whose day is after the source's publication (unknown days are never late)."""
    known = days.notna() & published.notna()
    return known & pd.Series(
        [bool(known[i]) and days[i] > published[i] for i in days.index], index=days.index
    )


def _spans_before_publication(frames: Frames) -> list[Failure]:
    if frames.get("observations") is None or frames.get("sources") is None:
        return []
    obs = frames["observations"]
    published = obs["source_id"].map(_published_dates(frames))
    ends = obs["span"].map(_span_end_day)
    late = _later(ends, published)
    rule = (
        "span ends "
        + ends.astype(str)
        + ", after its source was published ("
        + published.astype(str)
        + ")"
    )
    return _at("observations", obs, late, "span", rule)


def _rates_exist(frames: Frames) -> list[Failure]:
    """A value in another currency needs that currency's average rate for the year."""
    if frames.get("fx_rates") is None:
        return []
    fx = frames["fx_rates"]
    known = set(zip(fx["currency"], fx["year"], strict=True))
    failures = []
    years = {
        "observations": lambda f: (
            f["span"].map(_span_end_day).map(lambda day: str(day.year) if day else "")
        ),
        "targets": lambda f: f["stated_date"].str[:4],
    }
    for table, year_of in years.items():
        if (frame := frames.get(table)) is None:
            continue
        year = year_of(frame)
        foreign = frame["currency"].ne("") & frame["currency"].ne("USD") & year.ne("")
        missing = foreign & ~pd.Series(
            [(c, y) in known for c, y in zip(frame["currency"], year, strict=True)],
            index=frame.index,
        )
        rule = "no " + frame["currency"] + " rate for " + year + " in fx_rates.csv"
        failures += _at(table, frame, missing, "currency", rule)
    return failures


def _target_dates(frames: Frames) -> list[Failure]:
    """A deadline is not before the year the target was stated; a target is stated by
    the time its source was published."""
    if (tgt := frames.get("targets")) is None:
        return []
    stated_year = tgt["stated_date"].str[:4]
    deadline = tgt["deadline_year"]
    early = deadline.str.isdigit() & stated_year.str.isdigit() & (deadline < stated_year)
    failures = _at(
        "targets",
        tgt,
        early,
        "deadline_year",
        "is before the year the target was stated (" + stated_year + ")",
    )
    if frames.get("sources") is not None:
        published = tgt["source_id"].map(_published_dates(frames))
        stated = tgt["stated_date"].map(_first_day)
        late = _later(stated, published)
        failures += _at(
            "targets",
            tgt,
            late,
            "stated_date",
            "is after its source was published (" + published.astype(str) + ")",
        )
    judge = tgt["judged_by"]
    outside = judge.ne("") & judge.ne(tgt["country_a"]) & judge.ne(tgt["country_b"])
    failures += _at("targets", tgt, outside, "judged_by", "must be country_a or country_b")
    return failures


def _first_day(cell: str):
    try:
        return parse_dated(cell)[0]
    except DateError:
        return None


def _supersedes_chains(frames: Frames) -> list[Failure]:
    """Every ``supersedes`` names an existing target of the same pair; chains end."""
    if (tgt := frames.get("targets")) is None:
        return []
    line_of = dict(zip(tgt["target_id"], tgt.index, strict=True))
    earlier = dict(zip(tgt["target_id"], tgt["supersedes"], strict=True))
    pair = {
        tid: frozenset((a, b))
        for tid, a, b in zip(tgt["target_id"], tgt["country_a"], tgt["country_b"], strict=True)
    }
    has = tgt["supersedes"].ne("")
    failures = _at(
        "targets",
        tgt,
        has & ~tgt["supersedes"].isin(line_of),
        "supersedes",
        "unknown target_id (not in targets.csv)",
    )
    other_pair = (
        has
        & tgt["supersedes"].isin(line_of)
        & pd.Series(
            [
                pair[tid] != pair.get(old)
                for tid, old in zip(tgt["target_id"], tgt["supersedes"], strict=True)
            ],
            index=tgt.index,
        )
    )
    failures += _at(
        "targets", tgt, other_pair, "supersedes", "supersedes a target of another pair of countries"
    )
    forks = has & tgt["supersedes"].duplicated(keep="first")
    failures += _at(
        "targets",
        tgt,
        forks,
        "supersedes",
        "another target already supersedes it; a chain does not fork",
    )

    in_cycle = set()
    for start in earlier:
        path, current = [], start
        while current in earlier and earlier[current] and current not in path:
            path.append(current)
            current = earlier[current]
        if current in path:
            in_cycle.update(path[path.index(current) :])
    cycle = tgt["target_id"].isin(in_cycle)
    failures += _at(
        "targets", tgt, cycle, "supersedes", "supersedes chain loops back to this target (a cycle)"
    )
    return failures


#: Every cross-column and cross-file rule, run in this order.
RULES: tuple[Callable[[Frames], list[Failure]], ...] = (
    _distinct_countries,
    _known_sources,
    _complete_statements,
    _figures_as_written,
    _growth_as_written,
    _spans_before_publication,
    _rates_exist,
    _target_dates,
    _supersedes_chains,
)


def panel_failures(file: str, panel: pd.DataFrame, published: dict[str, object]) -> list[Failure]:
    """The cross-column rules for a Parquet panel, vectorised over its rows.

    Reporter differs from partner; the key (reporter, partner, flow, span, source) is
    unique; every source is registered; no span ends after its source's publication.
    Rows are numbered from 1. Work is done per distinct value wherever it can be.
    """
    columns = ["reporter", "partner", "flow", "span", "source_id"]
    codes = {column: factorize(panel[column]) for column in columns}
    (reporter, reporters), (partner, partners) = codes["reporter"], codes["partner"]
    if not partners.equals(reporters):  # put partner codes in the reporter's numbering
        partner = np.append(reporters.get_indexer(partners), -2)[partner]
    failures = _rows_where(
        file,
        panel,
        (reporter == partner) & (reporter >= 0),
        "partner",
        "is the same country as reporter",
    )

    key = np.zeros(len(panel), dtype=np.int64)
    for column in columns:  # mixed radix: one integer per distinct key, built in place
        column_codes, uniques = codes[column]
        key *= len(uniques) + 1
        key += column_codes
        key += 1
    # A panel written in key order is checked in one pass; otherwise hash the keys.
    if len(key) > 1 and not np.all(key[1:] > key[:-1]):
        repeated = pd.Series(key).duplicated().to_numpy()
        failures += _rows_where(
            file,
            panel,
            repeated,
            "reporter+partner+flow+span+source_id",
            "duplicate key: an earlier row has the same reporter, partner, flow, span, source_id",
        )

    unknown = failing(panel["source_id"], lambda sid: sid in published)
    failures += _rows_where(
        file, panel, unknown, "source_id", "unknown source_id (not in sources.csv)"
    )
    span_codes, spans = codes["span"]
    source_codes, sources = codes["source_id"]
    end_day = np.array([_ordinal_end(span) for span in spans] + [_UNKNOWN_END])
    known_day = np.array([_ordinal(published.get(sid), _NEVER) for sid in sources] + [_NEVER])
    if end_day.max() > known_day.min():  # only then can a row be late
        late = end_day[span_codes] > known_day[source_codes]
        failures += _rows_where(
            file, panel, late, "span", "span ends after its source was published"
        )
    return failures


#: Day numbers standing for "unknown" so that an unparsed span or source never compares late.
_NEVER, _UNKNOWN_END = np.iinfo(np.int64).max, -1


def _ordinal(day, missing: int) -> int:
    return day.toordinal() if day else missing


def _ordinal_end(span: str | None) -> int:
    return _ordinal(_span_end_day(span) if span else None, _UNKNOWN_END)


#: Rows listed per rule and panel: a systematic error in millions of rows is read from the
#: first rows and the count, not from millions of lines.
PANEL_LISTED = 1000


def _rows_where(
    file: str, panel: pd.DataFrame, mask: np.ndarray, column: str, rule: str
) -> list[Failure]:
    rows = np.flatnonzero(mask)
    if not len(rows):
        return []
    # Touch only the rows listed: a whole categorical column as text costs seconds.
    shown = panel[column.split("+")[0]].iloc[rows[:PANEL_LISTED]]
    failures = [Failure(file, int(line), column, str(value), rule) for line, value in shown.items()]
    if len(rows) > PANEL_LISTED:
        more = f"{rule} (and {len(rows) - PANEL_LISTED} more rows, not listed)"
        failures.append(Failure(file, None, column, "", more))
    return failures
