"""Rules of tracker/core pinned by small hand-worked examples (mutation testing found them
unpinned: see MUTATION.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from tracker.core.chains import chain_of, chain_roots
from tracker.core.coding import failing, key_codes, map_values
from tracker.core.failures import DataInvalid, Failure
from tracker.core.figures import (
    FigureError,
    is_point,
    parse_figure,
    parse_growth,
    value_range,
)
from tracker.core.growth import compound_path, is_met
from tracker.core.params import GapParams
from tracker.core.periods import (
    DateError,
    SpanError,
    is_year_to_date,
    latest_days,
    parse_dated,
    parse_span,
    to_date,
)
from tracker.core.statuses import assign_status
from tracker.core.text import printable
from tracker.core.units import format_usd_mn


class _OnceOnly(Mapping):
    """A supersedes mapping that fails the test when one id is looked up twice, so a walk
    that would go round a loop forever fails at once instead."""

    def __init__(self, links: dict[str, str]):
        self.links = links
        self.asked: list[str] = []

    def __getitem__(self, key: str) -> str:
        assert key not in self.asked, f"{key!r} looked up twice: {self.asked}"
        self.asked.append(key)
        return self.links[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)


# --- units: how dollars read -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_mn", "compact", "shown"),
    [
        (None, False, "–"),  # missing: a dash, not "nan"
        (float("nan"), False, "–"),
        (float("nan"), True, "–"),
        (99.94, False, "$99.9 m"),  # below 100 millions: one decimal
        (100.0, False, "$100 m"),  # from 100 millions: whole millions
        (-100.0, False, "$-100 m"),
        (1500.0, True, "$1.5bn"),  # compact: trailing zeros dropped ...
        (2000.0, True, "$2bn"),  # ... and then a bare decimal point
        (1050.0, True, "$1.05bn"),
        (2000.0, False, "$2.00 bn"),  # text style keeps two decimals
        (950.0, True, "$950m"),
    ],
)
def test_format_usd_mn(value_mn, compact, shown):
    """Dollar amounts switch from millions to billions at 1,000 millions."""
    assert format_usd_mn(value_mn, compact=compact) == shown


# --- figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "half_width", "qualifier", "low", "high"),
    [
        (1200.0, 50.0, "", 1150.0, 1250.0),  # "$1.2 billion": +/- half the last digit
        # No precision recorded: exact, up to the floating-point slack of 1e-9.
        (1200.0, float("nan"), "", 1200.0 - 1200e-9, 1200.0 + 1200e-9),
        (1000.0, 0.0, "about", 950.0, 1050.0),  # "about": at least +/- 5%
        (1000.0, 80.0, "around", 920.0, 1080.0),  # ... or the printed precision if wider
        (1000.0, 10.0, "over", 990.0, np.inf),  # a lower bound: no upper end
        (1000.0, 10.0, "at least", 990.0, np.inf),
        (1000.0, 10.0, "less than", 0.0, 1010.0),  # an upper bound: down to nothing
        # "nearly": just below, down 5% of the value (50 > the precision 10), up to the
        # value itself (plus the floating-point slack), never above it.
        (1000.0, 10.0, "nearly", 950.0, 1000.0 + 1000e-9),
        (1000.0, 80.0, "almost", 920.0, 1000.0 + 1000e-9),  # ... or the precision if wider
    ],
)
def test_value_range_of_one_figure(value, half_width, qualifier, low, high):
    """Qualifiers open or widen the range the printed precision gives."""
    assert value_range(value, half_width, qualifier) == (low, high)


def test_value_range_works_row_by_row_on_columns():
    """On columns, each row gets its own range, on the rows' own index, as floats even
    from a text-typed (object) precision column with a missing cell."""
    rows = pd.DataFrame(
        {"value": [1000, 200], "half": [0.5, None], "qualifier": ["about", "up to"]},
        index=[7, 3],
    )
    low, high = value_range(rows["value"], rows["half"].astype(object), rows["qualifier"])
    assert low.to_dict() == {7: 1000 - 0.05 * 1000, 3: 0.0}
    assert high.to_dict() == {7: 1000 + 0.05 * 1000, 3: 200.0 + 200e-9}
    assert (low.dtype, high.dtype) == (np.float64, np.float64)


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("$1,234.5 million", 1234.5, 1),  # mixed separators: the last one is decimal
        ("1.234,5 млн", 1234.5, 1),
        ("$1,234,567.89", 1234567.89, 2),
    ],
)
def test_mixed_separators_make_the_last_one_decimal(text, value, decimals):
    """With both '.' and ',', the digits after the last separator are the decimals."""
    figure = parse_figure(text)
    assert (figure.value, figure.decimals) == (value, decimals)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a lot of money",
            "no number recognised; write it as printed, e.g. '$1.2 billion', "
            "'1,1 млрд долларов', 'four billion dollars'",
        ),
        (
            "from $1 billion to $2 billion",
            "2 numbers recognised ('1', '2'); a figure as written holds exactly one",
        ),
    ],
)
def test_figure_error_counts_the_numbers_found(text, message):
    """A figure's error says how many numbers it found, and what a readable one is."""
    with pytest.raises(FigureError) as error:
        parse_figure(text)
    assert str(error.value) == message


def test_growth_error_names_the_rule():
    """A growth with two numbers is refused in words."""
    with pytest.raises(FigureError) as error:
        parse_growth("7.4% or 8%")
    assert str(error.value) == "a growth as written holds exactly one number"


@pytest.mark.parametrize(("qualifier", "point"), [("", True), ("about", True), ("over", False)])
def test_is_point_of_one_qualifier(qualifier, point):
    """Only bounds ("over", "less than") are not levels."""
    assert is_point(qualifier) is point


# --- growth ------------------------------------------------------------------------------


def test_reaching_the_target_exactly_is_met():
    """Met means value >= target: equal counts."""
    assert is_met(2000.0, 2000.0)
    assert not is_met(1999.99, 2000.0)


def test_compound_path_with_whole_number_rates_does_not_overflow():
    """Rates are floats: +900% a year for 20 years is 10**20, past any int64."""
    path = compound_path(1.0, [9] * 20)
    assert path[-1] == pytest.approx(10.0**20)
    assert path.dtype == np.float64


# --- statuses ----------------------------------------------------------------------------

#: A goal row judged on growth: 2024 baseline $1,200m of a $2,000m goal for 2027.
GOAL = {
    "kind": "target",
    "baseline_year": 2024,
    "baseline_usd_mn": 1200.0,
    "target_usd_mn": 2000.0,
    "deadline_usd_mn": np.nan,
    "deadline_year": 2027,
    "growth_hist_pct": 18.0,
    "progress_ratio": 0.97,
}


def _status(as_of: date = date(2025, 3, 1), **changes) -> str:
    return assign_status(pd.DataFrame([{**GOAL, **changes}]), as_of, GapParams())[0]


@pytest.mark.parametrize(
    ("changes", "as_of", "status"),
    [
        # In the deadline year itself the year is not over: still judged on growth.
        ({"deadline_year": 2025}, date(2025, 12, 31), "on_track"),
        ({"deadline_year": 2024}, date(2025, 1, 1), "awaiting_data"),
        # Growth of half a percent is growth, if too slow: not reversing.
        ({"growth_hist_pct": 0.5, "progress_ratio": 0.03}, date(2025, 3, 1), "off_track"),
        ({"growth_hist_pct": 0.0, "progress_ratio": 0.0}, date(2025, 3, 1), "reversing"),
    ],
)
def test_status_boundaries(changes, as_of, status):
    """The deadline year counts as open until it ends; zero growth is reversing."""
    assert _status(as_of, **changes) == status


def test_a_deadline_year_that_reached_the_target_is_not_missed():
    """Missed needs the deadline year's value below the target: 2,100 >= 2,000 is not,
    even though the latest year fell back to 1,500 (METHODS: known limitations)."""
    changes = {"baseline_year": 2026, "baseline_usd_mn": 1500.0, "deadline_usd_mn": 2100.0}
    assert _status(date(2027, 3, 1), deadline_year=2025, **changes) != "missed"
    assert (
        _status(date(2027, 3, 1), deadline_year=2025, **{**changes, "deadline_usd_mn": 1900.0})
        == "missed"
    )


def test_an_unknown_growth_is_insufficient_history():
    """No earlier year inside the window gives no growth: insufficient history, neither
    reversing nor on track, also as a nullable column's missing value."""
    gaps = pd.DataFrame([GOAL]).astype({"growth_hist_pct": "Float64", "progress_ratio": "Float64"})
    gaps.loc[0, ["growth_hist_pct", "progress_ratio"]] = pd.NA
    assert assign_status(gaps, date(2025, 3, 1), GapParams()).tolist() == ["insufficient_history"]


def test_an_unknown_progress_ratio_is_no_condition():
    """A missing ratio with a growth above zero makes no threshold true: the fallback."""
    gaps = pd.DataFrame([GOAL]).astype({"progress_ratio": "Float64"})
    gaps.loc[0, "progress_ratio"] = pd.NA
    assert assign_status(gaps, date(2025, 3, 1), GapParams()).tolist() == ["off_track"]


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ("2024-1/2024-09", "'2024-1' is not a month written YYYY-MM"),
        ("2024-01/2024-13", "month 13 does not exist"),
        ("2024-00", "month 0 does not exist"),
    ],
)
def test_bad_months_of_a_span_are_named(span, message):
    """A span's month that is malformed or does not exist is named in the error."""
    with pytest.raises(SpanError) as error:
        parse_span(span)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ("2024-09/2024-01", "start 2024-09 is after end 2024-01"),
        ("2024-01/2024-05/2024-09", "'2024-05/2024-09' is not a month written YYYY-MM"),
        ("24", "expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM/YYYY-MM"),
    ],
)
def test_span_errors_say_what_is_wrong(span, message):
    """A span splits at its first '/'; each error says what was expected."""
    with pytest.raises(SpanError) as error:
        parse_span(span)
    assert str(error.value) == message


def test_a_one_month_start_end_span_is_valid():
    """Start equal to end is a span of one month, not an error."""
    month = pd.Period("2024-03", freq="M")
    assert parse_span("2024-03/2024-03") == (month, month)


@pytest.mark.parametrize(
    ("span", "ytd"),
    [
        ("2024-01/2024-09", True),
        ("2024-01", True),  # January alone is January-to-January
        ("2024", False),  # the whole year is not "to date"
        ("2024-01/2024-12", False),
        ("2024-02/2024-09", False),  # must start in January
        ("2023-01/2024-03", False),  # must stay in one year
    ],
)
def test_is_year_to_date_on_single_periods(span, ytd):
    """Year to date: from January to a month before December of the same year."""
    assert bool(is_year_to_date(*parse_span(span))) is ytd


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-30", "no such date (day is out of range for month)"),
        ("Aug 2024", "expected YYYY-MM-DD, YYYY-MM or YYYY"),
    ],
)
def test_date_errors_say_what_is_wrong(text, message):
    """A date that does not exist, or is not written as one, is refused in words."""
    with pytest.raises(DateError) as error:
        parse_dated(text)
    assert str(error.value) == message


def test_to_date_drops_the_time_of_a_datetime():
    """A datetime becomes its day; a text must be a day, not a month."""
    day = to_date(datetime(2026, 11, 30, 15, 45))
    assert (day, type(day)) == (date(2026, 11, 30), date)
    with pytest.raises(DateError) as error:
        to_date("2026-11")
    assert str(error.value) == "'2026-11' is not a day written YYYY-MM-DD"


def test_latest_days_pairs_ids_and_texts_one_to_one():
    """Ids and texts of different lengths are an error, not silently cut short."""
    with pytest.raises(ValueError, match="shorter"):
        latest_days(["a", "b"], ["2024"])


# --- chains ------------------------------------------------------------------------------


def test_chain_roots_and_depths():
    """Each statement's first statement and its distance from it; a link to an id that is
    not among the statements ends the chain (the statement is its own root)."""
    ids = pd.Series(["c", "a", "b", "x"], index=[10, 11, 12, 13])
    supersedes = pd.Series(["b", "", "a", "gone"], index=ids.index)
    roots = chain_roots(ids, supersedes)
    assert roots.to_dict("index") == {
        10: {"chain_root": "a", "chain_depth": 2},
        11: {"chain_root": "a", "chain_depth": 0},
        12: {"chain_root": "a", "chain_depth": 1},
        13: {"chain_root": "x", "chain_depth": 0},
    }


def test_chain_roots_pairs_ids_and_links_one_to_one():
    """An id without its supersedes cell is an error, not a statement dropped."""
    with pytest.raises(ValueError, match="shorter"):
        chain_roots(pd.Series(["a", "b"]), pd.Series([""]))


def test_chain_of_stops_at_a_link_to_an_unknown_id():
    """A supersedes link to an id that is not in the mapping ends the chain there."""
    assert chain_of("c", {"c": "b"}) == ["c", "b"]


def test_chain_of_follows_each_link_once_even_on_a_loop():
    """A loop (which validation reports) is walked round once, never forever."""
    links = _OnceOnly({"a": "b", "b": "a"})
    assert chain_of("a", links) == ["a", "b"]


# --- coding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "fails"),
    [
        (["KAZ", None, "TJK"], [False, True, False]),  # only a missing value fails
        (["KAZ", None, "kaz", "TJK"], [False, True, True, False]),
        (["KAZ", "kaz", "TJK"], [False, True, False]),
        (["KAZ", "TJK"], [False, False]),
    ],
)
def test_failing_flags_bad_and_missing_values(values, fails):
    """A row fails when its value fails the test or is missing."""
    assert failing(pd.Series(values, dtype=object), str.isupper).tolist() == fails


def test_key_codes_are_integers_in_mixed_radix():
    """Codes shifted by one (0 is missing) in radix (distinct values + 1), column after
    column: reporter (1 value, radix 2) then span (2 values, radix 3)."""
    frame = pd.DataFrame({"reporter": ["KAZ", "KAZ", None], "span": ["2023", "2024", "2023"]})
    keys = key_codes(frame, ["reporter", "span"])
    # KAZ/2023: (0 + 1) * 3 + (0 + 1) = 4; KAZ/2024: (0 + 1) * 3 + (1 + 1) = 5;
    # missing/2023: (-1 + 1) * 3 + (0 + 1) = 1.
    assert keys.tolist() == [4, 5, 1]
    assert keys.dtype == np.int64


def test_map_values_keeps_each_result_as_returned():
    """Results are not coerced to a common type: a whole number stays an int beside a
    float."""
    mapped = map_values(pd.Series(["one", "half", "one"]), {"one": 1, "half": 2.5}.get)
    assert [(value, type(value)) for value in mapped] == [(1, int), (2.5, float), (1, int)]


def test_map_values_missing_input_stays_missing():
    """A missing value in the column is missing in the result, not some category."""
    lookup = {"KZ": "KAZ", "KAZ": "KAZ", "TJ": "TJK"}.get
    mapped = map_values(pd.Series(["KZ", None, "TJ", "KAZ"]), lookup)
    assert mapped.isna().tolist() == [False, True, False, False]
    assert mapped.dropna().tolist() == ["KAZ", "TJK", "KAZ"]
    assert mapped.cat.categories.tolist() == ["KAZ", "TJK"]


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "line"),
    [
        (
            Failure("targets.csv", 4, "value", "-1", "is negative", "warning"),
            "targets.csv:4: warning: column 'value' value '-1': is negative",
        ),
        (
            Failure("targets.csv", 4, "value", "-1", "is negative"),
            "targets.csv:4: column 'value' value '-1': is negative",
        ),
    ],
)
def test_failure_line_tags_warnings_only(failure, line):
    """An error is printed plain; any other severity is tagged with its name."""
    assert str(failure) == line


def test_data_invalid_says_how_many_failures():
    """The exception's message counts the failures it carries."""
    failures = [Failure("a.csv", 2, "x", "1", "is bad"), Failure("a.csv", 3, "x", "2", "is bad")]
    error = DataInvalid(failures)
    assert str(error) == "2 validation error(s)"
    assert error.failures == failures


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("KAZ\nTJK", "KAZ\\x0aTJK"),  # a line break would forge a second line
        ("\x7f", "\\x7f"),  # DEL
        ("\x9b", "\\x9b"),  # C1 control (CSI), still a byte
        ("\u0100", "\u0100"),  # Ā: printable, kept
        ("a\u202eb", "a\\u202eb"),  # a bidirectional override: four hex digits
        ("\u2028", "\\u2028"),  # line separator
        ("Казахстан", "Казахстан"),
    ],
)
def test_printable_escapes_controls_by_their_code(text, shown):
    """Controls below U+0100 show as \\xNN, others as \\uNNNN; printable text is kept."""
    assert printable(text) == shown


def test_is_point_on_a_column():
    """A qualifier of approximation keeps a level; a bound does not."""
    assert is_point(pd.Series(["", "about", "over", "less than"])).tolist() == [
        True,
        True,
        False,
        False,
    ]
