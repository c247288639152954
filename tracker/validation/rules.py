"""Rules that join columns or files; the per-cell rules are in
:mod:`tracker.validation.schemas`.

Each rule takes the tables read as text (only those whose header is complete) and returns
its failures. A cell that a schema rule already rejects (an unparsable span, a value that
is no number) is skipped here, so each problem is reported once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date

import pandas as pd

from tracker.core.chains import looping
from tracker.core.failures import Failure
from tracker.core.figures import FigureError, parse_figure, parse_growth
from tracker.core.periods import DateError, latest_days, parse_dated
from tracker.core.units import SCALES
from tracker.core.vocabulary import CURRENCIES
from tracker.validation.cells import DATED, failures_where
from tracker.validation.goals import GOAL_RULES, is_relative
from tracker.validation.observations import (
    distinct_countries,
    known_sources,
    magnitudes,
    observation_failures,
    rates_exist,
)
from tracker.validation.schemas import FILES

__all__ = ["RULES", "publication_days", "rate_keys"]

Frames = dict[str, pd.DataFrame]


def _at(table: str, frame: pd.DataFrame, mask: pd.Series, column: str, rule) -> list[Failure]:
    """One failure per row of a dataset table where ``mask`` holds."""
    return failures_where(FILES[table], frame, mask, column, rule)


def _number(cell: str) -> float | None:
    try:
        number = float(cell)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _figures_as_written(frames: Frames) -> list[Failure]:
    """The figure as written must read back as the recorded value and scale, and as the
    recorded currency where it names one."""
    failures = []
    for table in ("observations", "targets"):
        if (frame := frames.get(table)) is None:
            continue
        # A goal stated as a multiple reads back as its multiple (tracker.validation.goals).
        written = frame["figure_as_written"].ne("") & ~is_relative(frame)
        rows = frame.loc[written, ["figure_as_written", "value", "scale", "currency"]]
        for line, row in zip(rows.index, rows.to_dict("records"), strict=True):
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
            # "<1 million" names no currency; a code that is no ISO code is the cell rule's.
            other_currency = (
                bool(figure.currencies)
                and row["currency"] in CURRENCIES
                and row["currency"] not in figure.currencies
            )
            if (
                figure.scale != row["scale"]
                or not math.isclose(figure.value, value, rel_tol=1e-9)
                or other_currency
            ):
                read = f"{figure.value:g} {figure.scale}"
                recorded = f"value {row['value']} scale {row['scale']}"
                if other_currency:
                    read += " " + " or ".join(figure.currencies)
                    recorded += f" currency {row['currency']}"
                rule = f"reads as {read}, but the row records {recorded}"
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
    pairs = [("growth_pct", "growth_as_written"), ("growth_as_written", "growth_pct")]
    if "growth_qualifier" in obs:  # an optional column: a word before a growth needs one
        pairs.append(("growth_qualifier", "growth_pct"))
    for given, needed in pairs:
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


def _target_dates(frames: Frames) -> list[Failure]:
    """A deadline is not before the year the target was stated; a target is stated by
    the time its source was published."""
    if (tgt := frames.get("targets")) is None:
        return []
    stated_year = tgt["stated_date"].str[:4]
    deadline = tgt["deadline_year"]
    early = deadline.str.fullmatch("[0-9]{4}") & stated_year.str.fullmatch("[0-9]{4}")
    early &= deadline < stated_year
    failures = _at(
        "targets",
        tgt,
        early,
        "deadline_year",
        "is before the year the target was stated (" + stated_year + ")",
    )
    if (days := publication_days(frames)) is not None:
        published = tgt["source_id"].map(days)
        stated = tgt["stated_date"].map(_first_day)
        known = stated.notna() & published.notna()
        late = known & pd.Series(
            [bool(k) and s > p for k, s, p in zip(known, stated, published, strict=True)],
            index=tgt.index,
        )
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

    cycle = tgt["target_id"].isin(looping(earlier))
    failures += _at(
        "targets", tgt, cycle, "supersedes", "supersedes chain loops back to this target (a cycle)"
    )
    return failures


def publication_days(frames: Frames) -> dict[str, object] | None:
    """Latest publication day by source_id; None when ``sources.csv`` could not be read.

    Examples
    --------
    >>> sources = pd.DataFrame({"source_id": ["s"], "published_date": ["2024-08"]})
    >>> publication_days({"sources": sources}), publication_days({})
    ({'s': datetime.date(2024, 8, 31)}, None)
    """
    sources = frames.get("sources")
    if sources is None or not {"source_id", "published_date"} <= set(sources.columns):
        return None
    return latest_days(sources["source_id"], sources["published_date"])


def rate_keys(frames: Frames) -> dict[tuple[str, int], float] | None:
    """Units per US dollar by (currency, year); None when ``fx_rates.csv`` could not be read.

    Examples
    --------
    >>> fx = pd.DataFrame({"currency": ["KZT", "KZT"], "year": ["2023", "23x"],
    ...     "units_per_usd": ["456.31", "460"]})
    >>> rate_keys({"fx_rates": fx})
    {('KZT', 2023): 456.31}
    """
    fx = frames.get("fx_rates")
    if fx is None or not {"currency", "year"} <= set(fx.columns):
        return None
    return {
        (currency, int(year)): float(units)
        for currency, year, units in zip(
            fx["currency"], fx["year"], fx["units_per_usd"], strict=True
        )
        if re.fullmatch("[0-9]+", str(year)) and _number(units)
    }


def _row_rules(frames: Frames) -> list[Failure]:
    """The rules every observation table obeys, and their like for the other tables."""
    published, rates = publication_days(frames), rate_keys(frames)
    failures = []
    if (obs := frames.get("observations")) is not None:
        failures += observation_failures(FILES["observations"], obs, published, rates)
    if (tgt := frames.get("targets")) is not None:
        failures += distinct_countries(FILES["targets"], tgt, "country_a", "country_b")
        if rates is not None:
            stated_year = tgt["stated_date"].str[:4]
            failures += rates_exist(FILES["targets"], tgt, stated_year, rates)
            failures += magnitudes(FILES["targets"], tgt, stated_year, rates)
    if published is not None:
        for table in ("targets", "fx_rates"):
            if (frame := frames.get(table)) is not None:
                failures += known_sources(FILES[table], frame, published)
    return failures


def _not_in_the_future(frames: Frames) -> list[Failure]:
    """No source is published, and no target stated, after today."""
    today = date.today()
    failures = []
    for table, column in (("sources", "published_date"), ("targets", "stated_date")):
        if (frame := frames.get(table)) is not None:
            # A date the schema rejects (year 9999) is the schema's to report.
            first = frame[column].map(lambda cell: _first_day(cell) if DATED.test(cell) else None)
            later = first.notna() & first.map(lambda day: day is not None and day > today)
            failures += _at(table, frame, later, column, f"is after today ({today})")
    return failures


#: Every cross-column and cross-file rule, run in this order.
RULES: tuple[Callable[[Frames], list[Failure]], ...] = (
    _row_rules,
    _complete_statements,
    _figures_as_written,
    _growth_as_written,
    _target_dates,
    _not_in_the_future,
    _supersedes_chains,
    *GOAL_RULES,
)
