"""Figures as written: scales, the number a source printed, and the precision it implies.

The figure as written (``$1.2 billion``, ``US$621.4 million``, ``$1,1 млрд``,
``95 milioni di dollari``, ``6,8 مليار يورو``, ``four billion dollars``) is the evidence for
a row. Parsing it back gives the value, scale and (where the text names one) currency the
row must record, and the number of decimals printed gives the precision: ``1.2`` billion
is known to +/-0.05 billion, ``1.13`` billion to +/-0.005 billion. A number in words is as
precise as its last named unit (:mod:`tracker.core.words`): ``four billion`` +/-0.5
billion, ``two and a half billion`` +/-0.25 billion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.core.params import ABOUT_SHARE, ARITHMETIC_SLACK, NEARLY_SHARE
from tracker.core.units import PERCENT
from tracker.core.words import (
    currencies_named,
    growth_in_words,
    scale_of,
    spelled_number,
    spelled_runs,
)

__all__ = [
    "APPROXIMATE",
    "BOUNDS",
    "JUST_BELOW",
    "LOWER_BOUNDS",
    "QUALIFIERS",
    "UPPER_BOUNDS",
    "Figure",
    "FigureError",
    "is_point",
    "parse_figure",
    "parse_growth",
    "value_range",
]

#: Qualifiers a source puts before a figure, by what they say of the true value.
#: Recorded, never dropped. "Over $1 billion": the value is at least the figure.
LOWER_BOUNDS = ("over", "more than", "exceeding", "at least")
#: "Less than $1 million": the value is at most the figure.
UPPER_BOUNDS = ("less than", "up to")
#: "Nearly $893 million": close to the figure, from below.
JUST_BELOW = ("nearly", "almost")
#: "About $75 million": close to the figure, either side.
APPROXIMATE = ("about", "approximately", "around")
QUALIFIERS = APPROXIMATE + LOWER_BOUNDS + JUST_BELOW + UPPER_BOUNDS
#: Qualifiers that make a figure a bound rather than a level.
BOUNDS = LOWER_BOUNDS + UPPER_BOUNDS

# A number as printed: digits with an optional decimal part after '.' or ','.
# ASCII digits only: a full-width or Arabic-Indic digit is no number any tool downstream reads.
_NUMBER = re.compile(r"([0-9]+(?:[.,][0-9]+)*)")
# The scale word follows the number: "1.2 billion", "$350m", "1.2-billion", "6,8 مليار".
_WORD_AFTER = re.compile(r"[\s-]*([^\W\d_]+)")
_TIMES = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(?:times|-fold|fold)\b", re.IGNORECASE)
#: The forms a failure message offers: digits with either decimal separator, and words.
ACCEPTED_FORMS = (
    "write it as printed, e.g. '$1.2 billion', '1,1 млрд долларов', 'four billion dollars'"
)
ACCEPTED_GROWTHS = "write it as printed, e.g. '7.4%', '2.4 times', 'doubled'"
#: Percent in one whole: a level 2.4 times the base is (2.4 - 1) x 100 = 140% above it.


class FigureError(ValueError):
    """A figure as written that holds no number, more than one, or two currencies.

    The message says what was (not) recognised and the form expected; the text itself is
    the failure's value, so the message does not repeat it.

    Examples
    --------
    >>> parse_figure("from $1 billion to $2 billion")
    Traceback (most recent call last):
        ...
    tracker.core.figures.FigureError: 2 numbers recognised ('1', '2'); a figure as ... one
    """


@dataclass(frozen=True)
class Figure:
    """A figure as written, parsed.

    Attributes
    ----------
    value : float
        The number printed, in ``scale`` units.
    scale : str
        One of :data:`tracker.core.units.SCALES`.
    decimals : int
        Digits printed after the decimal separator (0 for a number in words).
    half_width : float
        The precision, in ``scale`` units: half the last printed digit (``1.2`` -> 0.05),
        or half the last named unit of a number in words ("four" -> 0.5).
    currencies : tuple of str
        ISO 4217 codes the text's currency word or symbol can name (``$`` -> ``USD``,
        "manat" -> ``AZN`` or ``TMT``); empty when it names none.

    Examples
    --------
    >>> figure = parse_figure("US$621.4 million")
    >>> figure
    Figure(value=621.4, scale='million', decimals=1, half_width=0.05, currencies=('USD',))
    >>> parse_figure("6,8 مليار يورو")
    Figure(value=6.8, scale='billion', decimals=1, half_width=0.05, currencies=('EUR',))
    """

    value: float
    scale: str
    decimals: int
    half_width: float
    currencies: tuple[str, ...] = ()


def _half_digit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals)


def is_point(qualifier):
    """Whether a figure with this qualifier is a level, not a bound ("over", "less than").

    Works element-wise on a pandas Series.

    Examples
    --------
    >>> is_point("about"), is_point("over")
    (True, False)
    """
    if hasattr(qualifier, "isin"):
        return ~qualifier.isin(BOUNDS)
    return qualifier not in BOUNDS


def value_range(value, half_width, qualifier):
    """Lowest and highest true value a figure as written allows, in the value's units.

    The printed precision gives ``value +/- half_width``; "about" widens it to at least
    :data:`~tracker.core.params.ABOUT_SHARE` of the value; "nearly" is just below the
    value, down by at least :data:`~tracker.core.params.NEARLY_SHARE` of it (or the
    precision, if wider) and up to the value itself; upper bounds ("less than") leave the
    low end open, lower bounds ("over") the high end. No range is narrower than
    :data:`~tracker.core.params.ARITHMETIC_SLACK` of the value on each side. Works
    element-wise on pandas Series.

    Examples
    --------
    >>> value_range(1200.0, 50.0, "")
    (1150.0, 1250.0)
    >>> value_range(1000.0, 0.0, "about")
    (950.0, 1050.0)
    >>> value_range(1000.0, 10.0, "over")
    (990.0, inf)
    >>> value_range(28500.0, 50.0, "nearly")  # "nearly $28.5 billion": 5% below, up to it
    (27075.0, 28500.0000285)
    >>> value_range(1000.0, 0.0, "")  # a release's figure with every digit
    (999.999999, 1000.000001)
    """
    scalar = isinstance(qualifier, str)
    if scalar:
        value, half_width, qualifier = [value], [half_width], pd.Series([qualifier])
    value = pd.Series(value, index=qualifier.index, dtype=float)
    half = pd.Series(half_width, index=qualifier.index, dtype=float).fillna(0.0)
    slack = ARITHMETIC_SLACK * value.abs()
    half = np.maximum(half, slack)
    about = qualifier.isin(APPROXIMATE)
    half = half.where(~about, np.maximum(half, ABOUT_SHARE * value))
    # "Nearly X" is below X, by a share of X: the printed precision does not lift it above.
    near = qualifier.isin(JUST_BELOW)
    low = (value - half).where(~near, value - np.maximum(half, NEARLY_SHARE * value))
    low = low.where(~qualifier.isin(UPPER_BOUNDS), 0.0)
    high = (value + half).where(~near, value + slack)
    high = high.where(~qualifier.isin(LOWER_BOUNDS), np.inf)
    if scalar:
        return float(low.iloc[0]), float(high.iloc[0])
    return low, high


def _number(token: str) -> tuple[float, int]:
    """Read a printed number; ``1,200`` is a thousands group, ``1,1`` a decimal comma."""
    groups = re.split(r"[.,]", token)
    separators = re.findall(r"[.,]", token)
    if not separators:
        return float(token), 0
    # Thousands grouping: every group after the first has exactly three digits and
    # the separators are all the same (1,200 or 1,200,000); a lone '.' is decimal.
    if len(set(separators)) == 1 and separators[0] == "," and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups)), 0
    if len(separators) == 1:
        return float(f"{groups[0]}.{groups[1]}"), len(groups[1])
    # Mixed separators: the last one is the decimal separator (1,234.5 or 1.234,5).
    decimals = groups[-1]
    return float("".join(groups[:-1]) + "." + decimals), len(decimals)


def _foreign_digit(text: str) -> str | None:
    """The first digit that is not ASCII 0-9 (full-width, Arabic-Indic, superscript)."""
    return next((char for char in text if char.isdigit() and not char.isascii()), None)


def _scale_after(text: str, end: int) -> str:
    """The scale named by the word right after a number; ``unit`` when none is."""
    word = _WORD_AFTER.match(text, end)
    return (word and scale_of(word[1])) or "unit"


def _currencies(text: str) -> tuple[str, ...]:
    """The codes every currency word in the text can name: "$ ... dollars" is USD."""
    named = currencies_named(text)
    codes = set.intersection(*(set(codes) for _, codes in named)) if named else set()
    if named and not codes:
        words = ", ".join(f"'{word}' ({' or '.join(names)})" for word, names in named)
        raise FigureError(f"names more than one currency: {words}; a figure names one")
    return tuple(sorted(codes))


def _from_words(text: str) -> Figure:
    """A figure with no digit printed: a number in English words, or nothing readable."""
    runs = spelled_runs(text)
    if not runs:
        raise FigureError(f"no number recognised; {ACCEPTED_FORMS}")
    if len(runs) > 1:
        numbers = ", ".join(f"'{' '.join(words)}'" for words, _ in runs)
        raise FigureError(
            f"{len(runs)} numbers recognised ({numbers}); a figure as written holds exactly one"
        )
    words, end = runs[0]
    if (number := spelled_number(words)) is None:
        raise FigureError(f"'{' '.join(words)}' is no number in words; {ACCEPTED_FORMS}")
    value, half_width = number
    return Figure(value, _scale_after(text, end), 0, half_width, _currencies(text))


def parse_figure(text: str) -> Figure:
    """Parse a monetary figure as a source printed it.

    The number is ASCII digits with ``.`` or ``,`` as decimal separator, or, where no digit
    is printed, English number words ("four", "twelve", "a", "two and a half"). The word
    after it names the scale (:data:`tracker.core.words.SCALE_WORDS`); a currency word or
    symbol anywhere names the currency (:data:`tracker.core.words.CURRENCY_WORDS`).

    Parameters
    ----------
    text : str
        For example ``$1.2 billion``, ``US$621.4 million``, ``$1,1 млрд``,
        ``$255.8 mln``, ``95 milioni di dollari``, ``2 trillion rubles``,
        ``four billion dollars``.

    Returns
    -------
    Figure

    Raises
    ------
    FigureError
        When the text holds no number or more than one, a digit that is not ASCII, or
        currency words that disagree ("$" and "€").

    Examples
    --------
    >>> parse_figure("$1,1 млрд")
    Figure(value=1.1, scale='billion', decimals=1, half_width=0.05, currencies=('USD',))
    >>> parse_figure("2 trillion rubles")
    Figure(value=2.0, scale='trillion', decimals=0, half_width=0.5, currencies=('RUB',))
    >>> parse_figure("two and a half billion")
    Figure(value=2.5, scale='billion', decimals=0, half_width=0.25, currencies=())
    >>> parse_figure("a lot of money")
    Traceback (most recent call last):
        ...
    tracker.core.figures.FigureError: no number recognised; write it as printed, e.g. ...
    """
    if digit := _foreign_digit(text):
        raise FigureError(
            f"no number recognised: '{digit}' is not an ASCII digit 0-9; {ACCEPTED_FORMS}"
        )
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return _from_words(text)
    if len(numbers) > 1:
        printed = ", ".join(f"'{number[1]}'" for number in numbers)
        raise FigureError(
            f"{len(numbers)} numbers recognised ({printed}); a figure as written holds exactly one"
        )
    match = numbers[0]
    value, decimals = _number(match[1])
    scale = _scale_after(text, match.end())
    return Figure(value, scale, decimals, _half_digit(decimals), _currencies(text))


def parse_growth(text: str) -> tuple[float, float]:
    """Parse a stated growth as written into percent and its precision in points.

    ``7.4%`` and ``7.4 percent`` give ``(7.4, 0.05)``; ``2.4 times`` gives
    ``(140.0, 5.0)``: a level 2.4 times the base is 140% above it, known to +/-0.05 times.
    Where no digit is printed, growth words are read
    (:func:`tracker.core.words.growth_in_words`): "doubled" is 100% +/-50 points, like
    "2 times"; "halved" and "increased by half" 50% +/-25; "fivefold" 400% +/-50.
    The sign is not read from the text: a source writes "fell 20%" or "halved", so the
    row's ``growth_pct`` carries the sign and only its magnitude is compared with this.

    Raises
    ------
    FigureError
        When the text holds no number, or more than one.

    Examples
    --------
    >>> parse_growth("7.4 percent")
    (7.4, 0.05)
    >>> parse_growth("2.4 times"), parse_growth("0.5 times")
    ((140.0, 5.0), (50.0, 5.0))
    >>> parse_growth("more than doubled"), parse_growth("five-fold")
    ((100.0, 50.0), (400.0, 50.0))
    """
    if digit := _foreign_digit(text):
        raise FigureError(
            f"no growth recognised: '{digit}' is not an ASCII digit 0-9; {ACCEPTED_GROWTHS}"
        )
    if times := _TIMES.search(text):
        value, decimals = _number(times[1])
        return abs(value - 1.0) * PERCENT, PERCENT * _half_digit(decimals)
    numbers = _NUMBER.findall(text)
    if not numbers:
        readings = growth_in_words(text)
        if len(readings) == 1:
            return readings[0]
        if not readings:
            raise FigureError(f"no growth recognised; {ACCEPTED_GROWTHS}")
    if len(numbers) != 1:
        raise FigureError("a growth as written holds exactly one number")
    value, decimals = _number(numbers[0])
    return value, _half_digit(decimals)
