"""Rules of tracker/core pinned by small hand-worked examples (mutation testing found them
unpinned: see MUTATION.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
import pytest

from tracker.core.chains import chain_of
from tracker.core.coding import map_values
from tracker.core.failures import DataInvalid, Failure
from tracker.core.growth import compound_path
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


# --- chains ------------------------------------------------------------------------------


def test_chain_of_stops_at_a_link_to_an_unknown_id():
    """A supersedes link to an id that is not in the mapping ends the chain there."""
    assert chain_of("c", {"c": "b"}) == ["c", "b"]


def test_chain_of_follows_each_link_once_even_on_a_loop():
    """A loop (which validation reports) is walked round once, never forever."""
    links = _OnceOnly({"a": "b", "b": "a"})
    assert chain_of("a", links) == ["a", "b"]


# --- coding ------------------------------------------------------------------------------


def test_map_values_keeps_results_that_pandas_would_coerce_apart():
    """Results are categories as returned: "1" and 1 stay two different categories."""
    mapped = map_values(pd.Series(["a", "b", "a"]), {"a": "1", "b": 1}.get)
    assert mapped.tolist() == ["1", 1, "1"]
    assert mapped.cat.categories.tolist() == ["1", 1]


def test_map_values_none_result_is_missing_whatever_its_position():
    """A value mapped to None is missing, not the last category."""
    mapped = map_values(pd.Series(["x", "KZ", "x", "KAZ"]), {"KZ": "KAZ", "KAZ": "KAZ"}.get)
    assert mapped.isna().tolist() == [True, False, True, False]
    assert mapped.cat.categories.tolist() == ["KAZ"]


# --- growth ------------------------------------------------------------------------------


def test_compound_path_with_whole_number_rates_does_not_overflow():
    """Rates are floats: +900% a year for 20 years is 10**20, past any int64."""
    path = compound_path(1.0, [9] * 20)
    assert path[-1] == pytest.approx(10.0**20)
    assert path.dtype == np.float64


# --- failures ----------------------------------------------------------------------------


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
        ("\x7f", "\\x7f"),  # DEL, the last one-byte control
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
