"""Rules over the statements of goals in ``targets.csv`` that need more than one cell: a
goal relative to a base year, goals stated side by side (a family), and the order of a
chain's statements by their dates.

Each rule takes the tables read as text and returns its failures, like the rules of
:mod:`tracker.validation.rules`, which runs them.
"""

from __future__ import annotations

import math

import pandas as pd

from tracker.core.failures import Failure
from tracker.core.figures import FigureError, parse_growth
from tracker.core.periods import DateError, latest_day, parse_dated
from tracker.core.units import PERCENT
from tracker.validation.cells import failures_where
from tracker.validation.schemas import FILES

__all__ = ["GOAL_RULES", "is_relative", "multiple_read"]

_FILE = FILES["targets"]
#: Columns a goal of its own value needs, and a goal relative to a base year leaves empty.
_OF_A_VALUE = ("value", "currency", "scale")
#: Columns a goal relative to a base year needs.
_RELATIVE = ("multiple", "base_year")


def _column(tgt: pd.DataFrame, column: str) -> pd.Series:
    """A column as read; an optional column a file leaves out is empty."""
    return tgt[column] if column in tgt else pd.Series("", index=tgt.index)


def is_relative(tgt: pd.DataFrame) -> pd.Series:
    """Rows stating a goal as a multiple of a base year's trade ("double the 2017 level").

    Examples
    --------
    >>> is_relative(pd.DataFrame({"multiple": ["2", ""]})).tolist()
    [True, False]
    >>> is_relative(pd.DataFrame({"value": ["2"]})).tolist()  # a file without the column
    [False]
    """
    return _column(tgt, "multiple").ne("")


def multiple_read(text: str, base_year: str) -> tuple[float, float]:
    """The multiple of the base a relative goal's words state, and its precision.

    The base year printed in the words ("the 2017 level") is not part of the multiple.

    Examples
    --------
    >>> multiple_read("double the 2017 level", "2017")
    (2.0, 0.5)
    >>> multiple_read("increase trade by half", "2023"), multiple_read("by 50%", "2023")
    ((1.5, 0.25), (1.5, 0.005))
    """
    growth, half_width = parse_growth(text.replace(base_year, " ") if base_year else text)
    return 1.0 + growth / PERCENT, half_width / PERCENT


def _relative_goals(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """A goal states its own value (with currency and scale) or a multiple of a base year,
    never both; the words read back as the multiple; the base year is not after the year
    the goal was stated; a link to or from a relative goal names its relation."""
    if (tgt := frames.get("targets")) is None:
        return []
    relative = is_relative(tgt)
    failures = []
    for column in _OF_A_VALUE:
        failures += failures_where(
            _FILE,
            tgt,
            relative & tgt[column].ne(""),
            column,
            "is empty in a goal stated as a multiple",
        )
        failures += failures_where(
            _FILE,
            tgt,
            ~relative & tgt[column].eq(""),
            column,
            "is required (or a multiple and base_year)",
        )
    for given, needed in (("multiple", "base_year"), ("base_year", "multiple")):
        failures += failures_where(
            _FILE,
            tgt,
            _column(tgt, given).ne("") & _column(tgt, needed).eq(""),
            needed,
            f"is required when {given} is given",
        )
    base, stated = _column(tgt, "base_year"), tgt["stated_date"].str[:4]
    late = relative & base.str.fullmatch("[0-9]{4}") & stated.str.fullmatch("[0-9]{4}")
    failures += failures_where(
        _FILE, tgt, late & (base > stated), "base_year", "is after the year the goal was stated"
    )
    failures += _multiples_as_written(tgt[relative])
    relative_ids = set(tgt.loc[relative, "target_id"])
    touches = relative | tgt["supersedes"].isin(relative_ids)
    unnamed = touches & tgt["supersedes"].ne("") & _column(tgt, "relation").eq("")
    failures += failures_where(
        _FILE,
        tgt,
        unnamed,
        "relation",
        "is required where a goal stated as a multiple supersedes or is superseded (its "
        "value is known only from the series)",
    )
    return failures


def _multiples_as_written(relative: pd.DataFrame) -> list[Failure]:
    failures = []
    for line, row in relative.iterrows():
        text = row["figure_as_written"]
        try:
            read, half_width = multiple_read(text, row["base_year"])
            multiple = float(row["multiple"])
        except FigureError as err:
            failures.append(Failure(_FILE, int(line), "figure_as_written", text, str(err)))
            continue
        except ValueError:  # a multiple that is no number is the schema's to report
            continue
        if not math.isfinite(multiple) or abs(read - multiple) > half_width + 1e-9:
            rule = f"reads as {read:g} times the base, but the row records multiple {multiple:g}"
            failures.append(Failure(_FILE, int(line), "figure_as_written", text, rule))
    return failures


def _families(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Goals stated side by side share a ``family``: one pair of countries, none
    superseding another; a ``stage`` orders a staged family and is used once in it."""
    if (tgt := frames.get("targets")) is None:
        return []
    family, stage = _column(tgt, "family"), _column(tgt, "stage")
    failures = failures_where(
        _FILE, tgt, stage.ne("") & family.eq(""), "family", "is required when stage is given"
    )
    in_one = family.ne("")
    # Assigned as arrays: a Series assigned to an empty frame would bring its rows along.
    member = tgt[in_one].assign(_family=family[in_one].to_numpy(), _stage=stage[in_one].to_numpy())
    pairs = member["country_a"] + "|" + member["country_b"]
    reversed_pairs = member["country_b"] + "|" + member["country_a"]
    first_pair = pairs.groupby(member["_family"]).transform("first")
    other = (pairs != first_pair) & (reversed_pairs != first_pair)
    failures += failures_where(
        _FILE,
        tgt,
        other.reindex(tgt.index, fill_value=False),
        "family",
        "holds goals of another pair of countries",
    )
    family_of = dict(zip(member["target_id"], member["_family"], strict=True))
    inside = member["supersedes"].map(family_of) == member["_family"]
    failures += failures_where(
        _FILE,
        tgt,
        inside.reindex(tgt.index, fill_value=False),
        "supersedes",
        "supersedes a goal of its own family (goals stated side by side do not replace each other)",
    )
    staged = member[member["_stage"].ne("")]
    repeated = staged.duplicated(["_family", "_stage"], keep="first")
    failures += failures_where(
        _FILE,
        tgt,
        repeated.reindex(tgt.index, fill_value=False),
        "stage",
        "is already used in this family",
    )
    return failures


def _days(cell: str) -> tuple:
    """The first and last day a date of day, month or year precision can stand for."""
    try:
        return parse_dated(cell)[0], latest_day(cell)
    except DateError:
        return (None, None)


def _dated_in_order(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """A statement that supersedes another was made after it, as far as their dates tell.

    One dated wholly before the statement it supersedes is an error. Dates that could be
    the same day (``2024-05`` and ``2024-05-20``, or one day twice) cannot order two
    statements: the order then rests on the file, which is said (a warning) unless the
    link's ``relation`` is written, the curator's record that it came later.
    """
    if (tgt := frames.get("targets")) is None:
        return []
    days = dict(zip(tgt["target_id"], tgt["stated_date"].map(_days), strict=True))
    written = dict(zip(tgt["target_id"], tgt["stated_date"], strict=True))
    relation = _column(tgt, "relation")
    failures = []
    for line, new, old, named in zip(
        tgt.index, tgt["target_id"], tgt["supersedes"], relation, strict=True
    ):
        (new_first, new_last), (old_first, old_last) = days[new], days.get(old, (None, None))
        if new_first is None or old_first is None or new_first > old_last:
            continue
        date = tgt.at[line, "stated_date"]
        if new_last < old_first:
            rule = f"is before {written[old]}, the date of {old}, the statement it supersedes"
            failures.append(Failure(_FILE, int(line), "stated_date", date, rule))
        elif not named:
            rule = (
                f"cannot be ordered after {old} (stated {written[old]}) by the dates, so the "
                "order is the file's: give the day, name the relation (restated, re-dated, "
                "raised, lowered) to confirm it came later, or put goals stated side by "
                "side in one family"
            )
            failures.append(Failure(_FILE, int(line), "stated_date", date, rule, "warning"))
    return failures


#: The goal rules, run in this order.
GOAL_RULES = (_relative_goals, _families, _dated_in_order)
